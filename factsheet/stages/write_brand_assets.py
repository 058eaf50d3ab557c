"""Stage: write the brand's derived files: the matplotlib style, the logo in its print colour, static fonts.

Run without options (python -m factsheet.stages.write_brand_assets) it only cuts the static fonts into the
environment's cache, as `make` does once after installing.
"""

import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from factsheet import paths
from factsheet.files import atomic_path, write_text
from factsheet.render.brand import cached, font_faces, load_brand, logo_in, mplstyle, static_font, static_font_path
from factsheet.workflow.cli import command_line


def warm_font_cache(brand: dict) -> list[Path]:
    """The static fonts the brand needs, cutting those the cache lacks on all cores (usually none)."""
    faces = font_faces(brand)
    missing = [face for face in faces if not cached(face)]
    if missing:
        with ProcessPoolExecutor() as pool:
            list(pool.map(static_font, missing))
    return [static_font_path(face) for face in faces]


def main(brand_file: Path = paths.BRAND_FILE, style_file: Path | None = None, logo_on_dark: Path | None = None,
         fonts_dir: Path | None = None, logo_languages: list[str] | None = None,
         language_logos: list[Path] | None = None) -> None:
    """Cut the static fonts the brand needs into the environment's cache (once), and write whichever of the
    style, the logo, the logos of ``logo_languages`` (to ``language_logos``, in the same order) and the copies
    of the fonts are asked for."""
    brand = load_brand(Path(brand_file))
    fonts = warm_font_cache(brand)
    if style_file:
        write_text(style_file, mplstyle(brand))
    if logo_on_dark:
        write_text(logo_on_dark, logo_in(brand, brand["colours"]["white"], Path(brand_file).parent))
    for language, file in zip(logo_languages or [], language_logos or [], strict=True):  # languages with their own
        write_text(file, logo_in(brand, brand["colours"]["white"], Path(brand_file).parent, language))
    for face, cut in zip(font_faces(brand), fonts, strict=True) if fonts_dir else ():
        with atomic_path(Path(fonts_dir) / face["file"]) as tmp:
            shutil.copyfile(cut, tmp)
    if not (style_file or logo_on_dark or fonts_dir):
        print(f"{len(fonts)} static fonts ready in {fonts[0].parent}", file=sys.stderr)


if __name__ == "__main__":
    command_line(main)
