"""Start the next edition of a subject's sheet from its latest one.

Usage: python scripts/new_edition.py SUBJECT YEAR [--data-dir data]
(or: make edition SUBJECT=canada YEAR=2024)
"""

import argparse
import sys
from pathlib import Path

from factsheet import paths
from factsheet.editions import start_edition
from factsheet.errors import display_path, run_stage


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subject", help="the subject's folder under data/, e.g. canada")
    parser.add_argument("year", type=int, help="the new edition's year, e.g. 2024")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    args = parser.parse_args(argv)
    made = start_edition(args.data_dir, args.subject, args.year)
    print(f"Started {display_path(made.target)} from {display_path(made.source)}.")
    print("\nFigures to enter (the build refuses empty amounts):")
    for line in made.figures_to_fill:
        print(f"  - {line}")
    print("\nTexts that name a year or month: check they still hold for this edition:")
    for line in made.texts_to_check or ["(none)"]:
        print(f"  - {line}")
    print(f"\nThen run `make`: the PDF and a report of what changed since {made.source.name} "
          f"are written to output/{args.subject}-{args.year}.pdf and output/{args.subject}-{args.year}-changes.md.")


if __name__ == "__main__":
    run_stage(main, sys.argv[1:])
