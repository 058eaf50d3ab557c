"""Stage: check every file of a sheet (table, sheet.yaml, texts, photos) before anything is drawn; write the
checked sheet (factsheet/model/checked.py), which every later stage reads instead of the sheet's folder."""

import sys
from pathlib import Path

from factsheet.model import checked
from factsheet.model.contributions import PLAUSIBLE_MAX_USD
from factsheet.workflow.cli import command_line


def main(sheet_dir: Path, checked_file: Path, plausible_max_usd: float = PLAUSIBLE_MAX_USD) -> None:
    model = checked.check(Path(sheet_dir), float(str(plausible_max_usd)))
    for warning in model.data["summary"]["warnings"]:  # texts a language takes untranslated, as sheet.yaml allows
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    checked.write(checked_file, model.data)


if __name__ == "__main__":
    command_line(main)
