"""Stage: the review page of an edition, read by its editor and approver before it is published
(factsheet/web/review.py)."""

from pathlib import Path

from factsheet.files import write_text
from factsheet.model import checked
from factsheet.web.review import review_page
from factsheet.workflow.cli import command_line


def main(new_checked: Path, new_pdfs: list[Path], review_file: Path, old_checked: Path | None = None,
         old_pdfs: list[Path] | None = None) -> None:
    """Write the review page of the checked sheet ``new_checked`` (compared with the previous edition's,
    ``old_checked``, if it has one); ``new_pdfs`` and ``old_pdfs`` are its PDFs and the previous edition's, in
    the order of its languages."""
    old_model = checked.read(Path(old_checked)) if old_checked else None
    write_text(review_file, review_page(checked.read(Path(new_checked)), old_model, new_pdfs, old_pdfs))


if __name__ == "__main__":
    command_line(main)
