"""Stage: write the web edition's index (output/site/index.html, and index-fr.html ... in the pages' other
languages): every sheet by subject, edition and language, each with its page-1 thumbnail, from the entries the
page stage wrote."""

import json
import os
from pathlib import Path

from factsheet import __version__
from factsheet.files import write_text
from factsheet.render.brand import load_brand, logo_language
from factsheet.render.formatting import Formatter, load_labels
from factsheet.web import site
from factsheet.web.pages import menu_name, templates
from factsheet.workflow.cli import command_line

INDEX_TEMPLATE = "index.html.j2"


def subjects(entries: list[dict]) -> list[dict]:
    """The entries grouped by subject (alphabetical), its newest edition first, each edition's languages in the
    sheet's order; a subject is headed by its donor's name in its newest edition's first language."""
    groups = {}
    for entry in sorted(entries, key=lambda e: (e["subject"], -int(e["edition"]), e["order"])):
        groups.setdefault(entry["subject"], []).append(entry)
    return [{"subject": subject, "donor": members[0]["donor"], "language": members[0]["language"], "sheets": members}
            for subject, members in groups.items()]


def index_languages(entries: list[dict], language: str) -> list[str]:
    """The languages the site has an index in: ``language`` (index.html) and every other language of its pages."""
    return list(dict.fromkeys([language, *sorted(e["language"] for e in entries)]))


def main(entry_files: list[Path], index_file: Path, language: str = "en") -> None:
    """Write the index of the pages ``entry_files`` describe, its own words in ``language``, and beside it an
    index in each other language of the pages (site.index), each linking to the others. A page marked
    ``publish: false`` is left off."""

    entries = [json.loads(Path(f).read_text(encoding="utf-8")) for f in entry_files]
    codes = index_languages(entries, language)  # the same files whichever sheets are published
    entries = [e for e in entries if e.get("publish", True)]
    site_dir, brand = Path(index_file).parent, load_brand()
    for code in codes:
        labels = load_labels(code)
        fmt = Formatter(code, labels)
        for entry in entries:
            pdf = site_dir / entry["pdf"]
            entry["pdf_label"] = labels["web_pdf"].format(size=fmt.file_size(pdf.stat().st_size)) \
                if pdf.is_file() else labels["web_pdf_unsized"]
        html = templates().get_template(INDEX_TEMPLATE).render(
            labels=labels, language=code, subjects=subjects(entries), stylesheet=site.STYLESHEET,
            icon=site.ICON, logo=site.logo(logo_language(brand, code)), home=site.index(code, language),
            indexes=[{"code": other, "name": menu_name(other), "href": site.index(other, language)}
                     for other in codes if other != code],
            organisation=next((e["organisation"] for e in entries if e["language"] == code),
                              entries[0]["organisation"] if entries else ""),
            generator=f"factsheet pipeline {__version__}")
        write_text(site_dir / site.index(code, language), html)
    for name in site.BUILD_FILES:  # the site holds only what a reader may fetch
        for leftover in sorted(site_dir.rglob(name)):
            folder = leftover.parent.stat()
            leftover.unlink()
            # the folder keeps its date, which Snakemake reads in the mark's place: nothing is made again
            os.utime(leftover.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))


if __name__ == "__main__":
    command_line(main)
