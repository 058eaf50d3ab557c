"""Stage: read the contributions table as typed (CSV or XLSX), check it, write a tidy CSV."""

from pathlib import Path

from factsheet.contributions import read_raw, tidy, write_tidy
from factsheet.figures import sheet_windows
from factsheet.files import atomic_path
from factsheet.sheet import load_sheet


def main(raw_file: Path, sheet_file: Path, tidy_file: Path) -> None:
    sheet = load_sheet(Path(sheet_file))
    table = tidy(read_raw(Path(raw_file)), [s.id for s in sheet.streams], Path(raw_file), **sheet_windows(sheet))
    with atomic_path(tidy_file) as tmp:
        write_tidy(table, tmp)
