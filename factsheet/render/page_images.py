"""A PDF's pages drawn as images (pypdfium2): for the web edition's previews and social cards, the review page,
and the visual regression test's page images (tests/visual.py), which `make approve`
(factsheet/commands/approve_pages.py)
accepts."""

import re
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from factsheet.paths import PROJECT_ROOT
from factsheet.web import site

APPROVED_DIR = PROJECT_ROOT / "tests" / "approved"  # <sheet>/page-<N>.png, committed
ARTEFACTS_DIR = PROJECT_ROOT / "output" / "test-artefacts" / "visual"  # <sheet>/: a failed run's new pages and diffs
PAGE_NAME = re.compile(r"page-(\d+)\.png")


def page_file(folder: Path, number: int) -> Path:
    """The image of page ``number`` (from 1) in ``folder``."""
    return folder / site.PAGE_IMAGE.format(number=number)


def page_files(folder: Path) -> dict[int, Path]:
    """The page images in ``folder`` (not the diff images), by page number; none if the folder is missing."""
    return {int(match[1]): path for path in folder.glob("page-*.png") if (match := PAGE_NAME.fullmatch(path.name))}


def numbered_from_one(pages: dict[int, Path]) -> bool:
    """Whether ``pages`` (of page_files) are pages 1 to N, none missing."""
    return sorted(pages) == list(range(1, len(pages) + 1))


def drawn_pages(pdf: Path | bytes, width: int | None = None, dpi: float | None = None,
                grayscale: bool = False) -> list[Image.Image]:
    """Every page of a PDF (its file, or its bytes), ``width`` pixels wide or at ``dpi``."""
    document = pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)
    try:
        return [page.render(scale=width / page.get_width() if width else dpi / 72, grayscale=grayscale).to_pil()
                for page in document]
    finally:
        document.close()
