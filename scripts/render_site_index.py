"""Stage: write the web edition's index (output/site/index.html): every sheet by subject, edition and
language, each with its page-1 thumbnail, from the entries the page stage wrote."""

import json
from pathlib import Path

from factsheet import __version__, site
from factsheet.cli import command_line
from factsheet.files import write_text
from factsheet.formatting import load_labels

INDEX_TEMPLATE = "index.html.j2"


def subjects(entries: list[dict]) -> list[dict]:
    """The entries grouped by subject (alphabetical), its newest edition first, each edition's languages in the
    sheet's order; a subject is headed by its donor's name in its newest edition's first language."""
    groups = {}
    for entry in sorted(entries, key=lambda e: (e["subject"], -int(e["edition"]), e["order"])):
        groups.setdefault(entry["subject"], []).append(entry)
    return [{"subject": subject, "donor": members[0]["donor"], "language": members[0]["language"], "sheets": members}
            for subject, members in groups.items()]


def main(entry_files: list[Path], index_file: Path, language: str = "en") -> None:
    """Write the index of the pages ``entry_files`` describe, its own words in ``language``."""
    from render_web import templates

    entries = [json.loads(Path(f).read_text(encoding="utf-8")) for f in entry_files]
    html = templates().get_template(INDEX_TEMPLATE).render(
        labels=load_labels(language), language=language, subjects=subjects(entries), stylesheet=site.STYLESHEET,
        icon=site.ICON, logo=site.LOGO, organisation=entries[0]["organisation"] if entries else "",
        generator=f"factsheet pipeline {__version__}")
    write_text(index_file, html)


if __name__ == "__main__":
    command_line(main)
