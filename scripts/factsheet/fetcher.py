"""The only way WeasyPrint may read a file: inside allowed folders, nothing else."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .paths import SHEET_SCHEME


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
            path = (self.sheet_dir / unquote(url.split(":", 1)[1])).resolve()
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
