"""Stage: check every file of a sheet before anything is drawn; write what was checked (JSON)."""

import json
from pathlib import Path

from factsheet.files import write_text
from factsheet.validate import check_sheet


def main(sheet_dir: Path, summary_file: Path) -> None:
    write_text(summary_file, json.dumps(check_sheet(Path(sheet_dir)), indent=2, sort_keys=True) + "\n")
