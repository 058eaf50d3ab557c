"""Stage: check every file of a sheet before anything is drawn; write what was checked (JSON)."""

import json
from pathlib import Path

from factsheet.errors import run_stage
from factsheet.files import write_text
from factsheet.validate import check_sheet


def main(sheet_dir: Path, summary_file: Path) -> None:
    write_text(summary_file, json.dumps(check_sheet(Path(sheet_dir)), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__" and "snakemake" in globals():
    run_stage(main, snakemake.params.sheet_dir, snakemake.output.summary)  # noqa: F821
