"""Stage: write a sheet's page of the web edition (output/site/<subject>-<edition>-<language>.html).

The page holds what the PDF holds, from the same computed figures: the chart inline as SVG with its
figures table, the projects and quotes, the PDF's pages as images, and links to the PDF, the archival PDF and
the cleaned table. It first puts the PDFs into the site and draws their pages (site/previews/<page>/, page 1
also as the index's thumbnail), and writes the page's entry for the site's index and social card (a small JSON
file).
"""

import json
from pathlib import Path

from factsheet.files import copy_file, write_text
from factsheet.model import checked
from factsheet.web import site
from factsheet.web.previews import write_previews
from factsheet.web.sheet_page import entry, page_values, sheet_page
from factsheet.workflow.cli import command_line


def main(checked_file: Path, chart_file: Path, site_dir: Path, html_file: Path, entry_file: Path,
         language: str | None = None, languages: list[str] | None = None, site_url: str | None = None,
         site_language: str = "en", phone_chart_file: Path | None = None, pdf_file: Path | None = None,
         archival_file: Path | None = None) -> None:
    """Write the sheet's web page in ``language`` (by default its first), linking to its other ``languages``
    built beside it and to the index in its language, and the page's entry for the index; the addresses it
    shares (Open Graph) absolute from ``site_url`` (config), where the site is published. ``pdf_file``: the
    page's PDF, put into the site (with ``archival_file``, its archival PDF) and its pages drawn there first;
    without it, the page shows and links to those put there before."""
    model = checked.read(Path(checked_file))
    name = f"{model.name}-{model.sheet(language).language}"
    for source, target in ((pdf_file, site.pdf(name)), (archival_file, site.archival_pdf(name))):
        if source:
            copy_file(source, Path(site_dir) / target)
    if pdf_file:
        write_previews(Path(pdf_file), Path(site_dir) / site.previews(name))
    values = page_values(model, chart_file, site_dir, language, languages or [], site_url,
                         site_language, phone_chart_file)
    write_text(html_file, sheet_page(values))
    write_text(entry_file, json.dumps(entry(values), ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    command_line(main)
