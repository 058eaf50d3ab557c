"""The visual regression test's pages: a PDF's pages drawn small in grey, and their comparison to the approved
ones (tests/test_visual.py; the approved images are accepted with `make approve`)."""

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from factsheet.render.page_images import drawn_pages

DPI = 36  # an A4 page is 298 x 421 px: the layout shows, the text's details don't
GREY_STEP = 32  # a pixel has changed when its grey level (0-255) moves by more than this
TOLERANCE = 0.005  # pages match when at most this fraction of their pixels changed
_SIXTEEN_LEVELS = [(grey + 8) // 17 * 17 for grey in range(256)]


def diff_file(folder: Path, number: int) -> Path:
    """The diff image of page ``number`` in ``folder``."""
    return folder / f"page-{number}-diff.png"


def render_pages(pdf: Path) -> list[Image.Image]:
    """Every page of ``pdf`` as a greyscale ("L") image at DPI, in 16 grey levels (which halves the PNG's size)."""
    return [image.convert("L").point(_SIXTEEN_LEVELS) for image in drawn_pages(pdf, dpi=DPI, grayscale=True)]


def save_page(image: Image.Image, path: Path) -> None:
    """Write one page (or diff) image as PNG, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


@dataclass(frozen=True)
class Comparison:
    """How a new page image differs from the approved one."""

    changed: float  # the fraction of pixels changed
    same_size: bool
    diff: Image.Image | None  # approved | new | changes in red (see _diff_image); None when the pages match

    @property
    def matches(self) -> bool:
        return self.same_size and self.changed <= TOLERANCE


def compare(approved: Image.Image, new: Image.Image) -> Comparison:
    """Compare two page images pixel by pixel; a pixel outside one of them (sizes differ) counts as changed."""
    width, height = max(approved.width, new.width), max(approved.height, new.height)
    old_grey, new_grey = (_canvas(image, width, height) for image in (approved, new))
    changed = (np.abs(old_grey - new_grey) > GREY_STEP) | ((old_grey < 0) != (new_grey < 0))
    result = Comparison(float(changed.mean()), approved.size == new.size, None)
    return result if result.matches else replace(result, diff=_diff_image(approved, new, old_grey, changed))


def _diff_image(approved: Image.Image, new: Image.Image, old_grey: np.ndarray, changed: np.ndarray) -> Image.Image:
    """Side by side: the approved page, the new one, and the approved one faded to light grey with the changed
    pixels in red."""
    height, width = changed.shape
    faded = 255 - (255 - np.where(old_grey < 0, 255, old_grey)) // 4
    changes = np.stack([faded] * 3, axis=-1).astype(np.uint8)
    changes[changed] = (255, 0, 0)
    gap = 8
    diff = Image.new("RGB", (3 * width + 2 * gap, height), (128, 128, 128))
    for index, panel in enumerate([approved, new, Image.fromarray(changes)]):
        diff.paste(panel.convert("RGB"), (index * (width + gap), 0))
    return diff


def _canvas(image: Image.Image, width: int, height: int) -> np.ndarray:
    """The image's grey levels on a ``width`` x ``height`` canvas, -1 where the image does not reach."""
    canvas = np.full((height, width), -1, dtype=np.int16)
    canvas[:image.height, :image.width] = np.asarray(image.convert("L"))
    return canvas
