"""Stage: write what changed since the previous edition (figures old → new, texts added or removed), in one of
the sheet's languages."""

from pathlib import Path

from factsheet import paths
from factsheet.files import write_text
from factsheet.model import changes, checked
from factsheet.model.languages import sheet_text_file
from factsheet.render.formatting import Formatter, load_labels
from factsheet.workflow.cli import command_line


def main(old_checked: Path, new_checked: Path, report_file: Path, language: str | None = None) -> None:
    """Compare the checked sheet ``new_checked`` with the previous edition's, ``old_checked``, in ``language`` (by
    default the new edition's first); where the older edition lacks that language, its texts in its first."""
    old_model, new_model = checked.read(Path(old_checked)), checked.read(Path(new_checked))
    new_base, old_base = new_model.sheet(), old_model.sheet()
    new_sheet = new_model.sheet(language)
    old_language = new_sheet.language if new_sheet.language in old_base.languages else old_base.language
    old_sheet = old_model.sheet(old_language)
    labels = load_labels(new_sheet.language)
    fmt = Formatter(new_sheet.language, labels)
    old, new = old_model.figures(labels), new_model.figures(labels)
    old_sources, new_sources = old_model.data["sources"], new_model.data["sources"]
    settings = changes.setting_rows(old_sources, new_sources)
    setting_files = [paths.SHEET_FILE]
    if new_sheet.language != new_base.language:  # the translated fields too
        translation = sheet_text_file(Path(), new_sheet.language).name
        settings += changes.setting_rows(old_sources, new_sources, translation)
        setting_files.append(translation)

    def first_or(sheet, base):
        return None if sheet.language == base.language else sheet.language

    text = changes.report(
        new_sheet.title, fmt.month_year(old_sheet.edition_date), fmt.month_year(new_sheet.edition_date),
        changes.figure_rows(old, new, old_sheet, new_sheet, fmt), settings,
        changes.text_changes(old_sources, new_sources, labels, first_or(old_sheet, old_base),
                             first_or(new_sheet, new_base)),
        labels, setting_files,
    )
    write_text(report_file, text)


if __name__ == "__main__":
    command_line(main)
