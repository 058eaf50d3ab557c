"""Start the next edition of a subject's sheet from its latest one.

Usage: python -m factsheet.commands.new_edition SUBJECT YEAR [--data-dir data]
(or: make edition SUBJECT=canada YEAR=2024)
"""

import argparse
import sys
from pathlib import Path

from factsheet import paths
from factsheet.errors import display_path, run_command
from factsheet.model.editions import sheet_languages
from factsheet.model.next_edition import start_edition
from factsheet.render.formatting import load_labels
from factsheet.workflow.outputs import Outputs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subject", help="the subject's folder under data/, e.g. canada")
    parser.add_argument("year", type=int, help="the new edition's year, e.g. 2024")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    args = parser.parse_args(argv)
    made = start_edition(args.data_dir, args.subject, args.year)
    languages = sheet_languages(made.target)
    labels = load_labels(languages[0])  # the editor is told in the sheet's first language
    print(labels["edition_started"].format(target=display_path(made.target), source=display_path(made.source)))
    print(f"\n{labels['edition_figures']}")
    for line in made.figures_to_fill:
        print(f"  - {line}")
    print(f"\n{labels['edition_texts']}")
    for line in made.texts_to_check or [labels["edition_none"]]:
        print(f"  - {line}")
    if languages[1:]:
        print("\n" + labels["edition_translations"].format(languages=", ".join(languages[1:]),
                                                           source=made.source.name))
    name = f"output/{args.subject}-{args.year}"
    review = Outputs(Path("output")).review(f"{args.subject}-{args.year}").as_posix()
    outputs = ", ".join([f"{name}-{code}.pdf" for code in languages]
                        + [f"{name}-{code}-changes.md" for code in languages] + [review])
    print("\n" + labels["edition_then"].format(source=made.source.name, outputs=outputs))


if __name__ == "__main__":
    run_command(main, sys.argv[1:])
