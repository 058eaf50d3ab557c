"""Where the workflow writes each generated file under its output folder, in one place: the Snakefile's
rules and `make preview` name their files from here.

``sheet`` is ``<subject>-<edition>`` and ``name`` is ``<subject>-<edition>-<language>``; either may be a
Snakemake pattern ("{subject}-{edition}").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outputs:
    """The files of one output folder (config output_dir)."""

    root: Path

    # Brand assets, once for every sheet
    @property
    def style(self) -> Path:
        return self.root / "style" / "brand.mplstyle"

    @property
    def logo_on_dark(self) -> Path:
        return self.root / "style" / "logo-on-dark.svg"

    def logo_on_dark_in(self, language: str | None) -> Path:
        """The logo of a language with its own (brand ``logos:``); None: the brand's logo."""
        return self.logo_on_dark.with_name(f"logo-on-dark-{language}.svg") if language else self.logo_on_dark

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def package_version(self) -> Path:
        """The hash of the package's files (rule package_version), an input of every stage."""
        return self.root / "package.sha256"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    # Per sheet
    def checked(self, sheet: str) -> Path:
        """The checked sheet (factsheet/model/checked.py), which the stages after the check read."""
        return self.root / "checked" / f"{sheet}.json"

    def review(self, sheet: str) -> Path:
        """The edition's review page, read before publishing (figures, text changes, translations, pages)."""
        return self.root / f"{sheet}-review.html"

    # Per sheet and language
    @property
    def charts_dir(self) -> Path:
        """The folder of the charts (every kind: the PDF's, the tall and the phone's)."""
        return self.root / "charts"

    @property
    def html_dir(self) -> Path:
        """The folder of the HTML pages that the PDFs are rendered from."""
        return self.root / "html"

    @property
    def pdfs_dir(self) -> Path:
        """The folder of the published PDFs (the output folder itself)."""
        return self.root

    @property
    def layouts_dir(self) -> Path:
        """The folder of the PDFs' layout records."""
        return self.root / "layout"

    @property
    def archive_dir(self) -> Path:
        """The folder of the archival PDFs."""
        return self.root / "archive"

    def chart(self, name: str) -> Path:
        return self.charts_dir / f"{name}.svg"

    def tall_chart(self, name: str) -> Path:
        return self.charts_dir / f"{name}-tall.svg"

    def phone_chart(self, name: str) -> Path:
        """The web page's chart on a phone: narrower and taller."""
        return self.charts_dir / f"{name}-phone.svg"

    def html(self, name: str) -> Path:
        return self.html_dir / f"{name}.html"

    def pdf(self, name: str) -> Path:
        return self.pdfs_dir / f"{name}.pdf"

    def layout(self, name: str) -> Path:
        """The layout record of a PDF: its pages, budget, the layouts it took and the print rules broken."""
        return self.layouts_dir / f"{name}.json"

    def archival(self, name: str) -> Path:
        return self.archive_dir / f"{name}.pdf"

    def changes(self, name: str) -> Path:
        return self.root / f"{name}-changes.md"

    # The web edition (factsheet/web/site.py names the files inside it)
    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def entries_dir(self) -> Path:
        """The folder of the web pages' index entries."""
        return self.root / "site-entries"

    def entry(self, name: str) -> Path:
        """A web page's entry for the index (written with the page)."""
        return self.entries_dir / f"{name}.json"

    def log(self, stage: str, name: str | None = None) -> Path:
        return self.logs / stage / f"{name}.log" if name else self.logs / f"{stage}.log"
