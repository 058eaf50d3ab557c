"""The only way WeasyPrint may read a file: inside allowed folders, nothing else."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from factsheet.errors import display_path
from factsheet.files import outside_problem
from factsheet.model.sheet import MAX_PHOTO_PIXELS, photo_pixels
from factsheet.paths import SHEET_SCHEME

# A project photo prints at the column's width and a fixed height, the tallest being a featured project's
# (templates/factsheet.css: .photo img, object-fit: cover); a photo with more pixels than that needs at
# PRINT_DPI is downsampled for the PDF.
PHOTO_WIDTH_MM, PHOTO_HEIGHT_MM, PRINT_DPI = 88, 58, 300


class ResourceRefused(FatalURLFetchingError):
    """A resource outside the allowed folders, or one that does not exist."""

class SandboxedFetcher(URLFetcher):
    """Serve file: URLs inside ``allowed`` folders and sheet: URLs inside the sheet's folder; refuse the rest.

    Refusals and missing files stop the rendering (no silent blank image).
    """
    def __init__(self, allowed: list[Path], sheet_dir: Path):
        super().__init__(allowed_protocols=("file", SHEET_SCHEME), fail_on_errors=True)
        self.allowed = [Path(p).resolve() for p in allowed]
        self.sheet_dir = Path(sheet_dir).resolve()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == SHEET_SCHEME:
            given = self.sheet_dir / unquote(url.split(":", 1)[1])
            outside = outside_problem(given, self.sheet_dir)
            if outside:
                raise ResourceRefused(f"{outside.file}: {outside.message}")
            path = given.resolve()
            if path.is_file() and path.suffix.lower() in (".jpg", ".jpeg", ".png"):
                return URLFetcherResponse(url, body=print_copy(path), headers={"Content-Type": _mime(path)})
        elif scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
        else:
            raise ResourceRefused(f"{url!r} was refused: only files inside the project's folders may be used")
        if not any(path.is_relative_to(root) for root in self.allowed):
            raise ResourceRefused(f"{path.name!r} was refused: it lies outside the folders a sheet may use")
        if not path.is_file():
            raise ResourceRefused(f"{path.name!r} does not exist (referred to as {url!r})")
        return self._file(url, path)

    @staticmethod
    def _file(url: str, path: Path) -> URLFetcherResponse:
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _mime(path)})


def _mime(path: Path) -> str:
    return {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf"}.get(path.suffix.lower(),
                                                                           "application/octet-stream")


def print_size(width: int, height: int) -> tuple[int, int]:
    """The pixels a photo of ``width`` x ``height`` needs to cover the printed box at PRINT_DPI (its own
    size when it has no more than that): scaled by one factor, so its proportions are kept."""
    need_w = math.ceil(PHOTO_WIDTH_MM / 25.4 * PRINT_DPI)
    need_h = math.ceil(PHOTO_HEIGHT_MM / 25.4 * PRINT_DPI)
    scale = max(need_w / width, need_h / height)
    if scale >= 1:
        return width, height
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def print_copy(path: Path) -> bytes:
    """The photo's bytes as the PDF should embed them: unchanged when it has no more pixels than print
    needs, else a copy resized with LANCZOS and saved with fixed settings (same input, same bytes), with a
    note line saying so. Refuses an image larger than the sheet check allows."""
    from PIL import Image, ImageOps


    raw = path.read_bytes()
    pixels = photo_pixels(path)
    if pixels is None:
        return raw
    if pixels[0] * pixels[1] > MAX_PHOTO_PIXELS:
        raise ResourceRefused(f"{display_path(path)}: {pixels[0]}x{pixels[1]} pixels; expected at most "
                              f"{MAX_PHOTO_PIXELS:,} pixels")
    with Image.open(io.BytesIO(raw)) as opened:
        image = ImageOps.exif_transpose(opened)
        upright = image.size
        size = print_size(*upright)
        if size == upright and image is opened:
            return raw
        icc = opened.info.get("icc_profile")
        resized = image.resize(size, Image.Resampling.LANCZOS) if size != image.size else image.copy()
        out = io.BytesIO()
        if opened.format == "PNG":
            resized.save(out, "PNG", optimize=False, compress_level=6, **({"icc_profile": icc} if icc else {}))
        else:
            if resized.mode not in ("RGB", "L", "CMYK"):
                resized = resized.convert("RGB")
            resized.save(out, "JPEG", quality=90, optimize=False, progressive=False, subsampling=0,
                         **({"icc_profile": icc} if icc else {}))
    if size != upright:
        print(f"note: {display_path(path)}: {upright[0]}x{upright[1]} px downsampled to {size[0]}x{size[1]} px "
              f"for print at {PRINT_DPI} dpi", file=sys.stderr, flush=True)
    return out.getvalue()
