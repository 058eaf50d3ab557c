"""Stage: check every file of a sheet (table, sheet.yaml, texts, photos) before anything is drawn; write what
was checked (JSON) and the contributions table, read and checked once, as a tidy CSV."""

import json
import sys
from pathlib import Path

from factsheet.cli import command_line
from factsheet.contributions import PLAUSIBLE_MAX_USD, write_tidy
from factsheet.files import atomic_path, write_text
from factsheet.validate import checked_sheet


def main(sheet_dir: Path, summary_file: Path, tidy_file: Path, plausible_max_usd: float = PLAUSIBLE_MAX_USD) -> None:
    summary, table = checked_sheet(Path(sheet_dir), plausible_max_usd=float(str(plausible_max_usd)))
    for warning in summary["warnings"]:  # texts a language takes untranslated, as sheet.yaml allows
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    with atomic_path(tidy_file) as tmp:
        write_tidy(table, tmp)
    write_text(summary_file, json.dumps(summary, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    command_line(main)
