"""Stage: write what changed since the previous edition (figures old → new, texts added or removed), in one of
the sheet's languages."""

from pathlib import Path

from factsheet import changes, paths
from factsheet.cli import command_line
from factsheet.contributions import read_tidy
from factsheet.figures import compute_for
from factsheet.files import write_text
from factsheet.formatting import Formatter, load_labels
from factsheet.languages import in_language, sheet_text_file
from factsheet.sheet import load_sheet


def main(old_dir: Path, new_dir: Path, old_tidy: Path, new_tidy: Path, report_file: Path,
         language: str | None = None) -> None:
    """Compare the edition in ``new_dir`` with the one in ``old_dir``, in ``language`` (by default the new
    edition's first); where the older edition lacks that language, its texts in its first language."""
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    new_base = load_sheet(new_dir / paths.SHEET_FILE)
    new_sheet = in_language(new_base, new_dir, language)
    old_base = load_sheet(old_dir / paths.SHEET_FILE)
    old_language = new_sheet.language if new_sheet.language in old_base.languages else old_base.language
    old_sheet = in_language(old_base, old_dir, old_language)
    labels = load_labels(new_sheet.language)
    fmt = Formatter(new_sheet.language, labels)
    old = compute_for(read_tidy(Path(old_tidy)), old_sheet, labels)
    new = compute_for(read_tidy(Path(new_tidy)), new_sheet, labels)
    settings = changes.setting_rows(old_dir, new_dir)
    setting_files = [paths.SHEET_FILE]
    if new_sheet.language != new_base.language:  # the translated fields too
        translation = sheet_text_file(new_dir, new_sheet.language).name
        settings += changes.setting_rows(old_dir, new_dir, translation)
        setting_files.append(translation)

    def first_or(sheet, base):
        return None if sheet.language == base.language else sheet.language

    text = changes.report(
        new_sheet.title, fmt.month_year(old_sheet.edition_date), fmt.month_year(new_sheet.edition_date),
        changes.figure_rows(old, new, old_sheet, new_sheet, fmt), settings,
        changes.text_changes(old_dir, new_dir, labels, first_or(old_sheet, old_base), first_or(new_sheet, new_base)),
        labels, setting_files,
    )
    write_text(report_file, text)


if __name__ == "__main__":
    command_line(main)
