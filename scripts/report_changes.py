"""Stage: write what changed since the previous edition (figures old → new, texts added or removed)."""

from pathlib import Path

from factsheet import changes, paths
from factsheet.cli import command_line
from factsheet.contributions import read_tidy
from factsheet.figures import compute_for
from factsheet.files import write_text
from factsheet.formatting import Formatter, load_labels
from factsheet.sheet import load_sheet


def main(old_dir: Path, new_dir: Path, old_tidy: Path, new_tidy: Path, report_file: Path) -> None:
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    old_sheet, new_sheet = load_sheet(old_dir / paths.SHEET_FILE), load_sheet(new_dir / paths.SHEET_FILE)
    fmt = Formatter(new_sheet.language, load_labels(new_sheet.language))
    old = compute_for(read_tidy(Path(old_tidy)), old_sheet)
    new = compute_for(read_tidy(Path(new_tidy)), new_sheet)
    text = changes.report(
        new_sheet.title, fmt.month_year(old_sheet.edition_date), fmt.month_year(new_sheet.edition_date),
        changes.figure_rows(old, new, old_sheet, new_sheet, fmt),
        changes.setting_rows(old_dir, new_dir),
        changes.text_changes(old_dir, new_dir),
    )
    write_text(report_file, text)


if __name__ == "__main__":
    command_line(main)
