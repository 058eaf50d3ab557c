"""Stage: turn a sheet's HTML into its PDFs, the published PDF/UA-1 and the archival PDF/A-3a
(factsheet/render/pdf.py)."""

import json
from pathlib import Path

from factsheet.model import checked
from factsheet.render.pdf import ARCHIVAL, PUBLISHED, render
from factsheet.workflow.cli import command_line


def main(html_file: Path, checked_file: Path, pdf_file: Path, archival_file: Path | None = None,
         layout_file: Path | None = None, budget_file: Path | None = None, language: str | None = None) -> None:
    """``budget_file``: the layout record of the sheet's first language, whose pages are the budget of the
    others when sheet.yaml states none, and whose chart they all show."""
    from factsheet.model.languages import language_name

    model = checked.read(Path(checked_file))
    targets = {PUBLISHED: Path(pdf_file)}
    if archival_file:
        targets[ARCHIVAL] = Path(archival_file)
    sheet = model.sheet()
    budget, tall_chart = sheet.pages, None
    if budget_file:  # the first language's pages (the budget, unless sheet.yaml states one) and chart
        first = json.loads(Path(budget_file).read_text(encoding="utf-8"))
        budget, tall_chart = budget or first["pages"], first["tall_chart"]
    edition = f"the {language_name(language)} edition ({language})" if language else ""
    render(Path(html_file), model.sheet_dir, targets, (model.name, model.data["table_csv"]), sheet.edition_date,
           budget, layout_file, edition, tall_chart)


if __name__ == "__main__":
    command_line(main)
