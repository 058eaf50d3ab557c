"""Stage: write the web edition's shared files: the fonts as WOFF2, the stylesheet and the logo.

The fonts are the static cuts the PDFs embed (output/fonts/), compressed to WOFF2, so the site is set in
the same brand fonts, served by itself: no request leaves the site.
"""

import contextlib
import shutil
from pathlib import Path

from factsheet import paths
from factsheet.files import atomic_path, read_template_file, write_text
from factsheet.render.brand import css, font_faces, load_brand, logo_in, logo_languages, static_font_path
from factsheet.web import site
from factsheet.workflow.cli import command_line


def woff2_font(face: dict, static_file: Path) -> Path:
    """A face's static font compressed to WOFF2 (fontTools with Brotli, the same bytes on every run), kept
    beside the static font in the environment's cache: compressing takes half a second a face, once."""
    from fontTools.ttLib import TTFont

    cached = static_font_path(face).with_suffix(".woff2")
    with contextlib.suppress(OSError), open(cached, "rb") as handle:
        if handle.read(4) == b"wOF2" and cached.stat().st_size > 1024:  # else missing or damaged: made anew
            return cached
    font = TTFont(static_file, recalcTimestamp=False)
    font.flavor = "woff2"
    with atomic_path(cached) as tmp:
        font.save(tmp, reorderTables=True)
    return cached


def main(brand_file: Path, fonts_dir: Path, site_dir: Path) -> None:
    """Write site.css, logo-on-dark.svg (and each language's own logo), icon.svg and fonts/*.woff2 into
    ``site_dir``, from the brand file and the static fonts in ``fonts_dir``."""
    brand, site_dir = load_brand(Path(brand_file)), Path(site_dir)
    for face in font_faces(brand):
        with atomic_path(site_dir / site.web_font(face["file"])) as tmp:
            shutil.copyfile(woff2_font(face, Path(fonts_dir) / face["file"]), tmp)
    write_text(site_dir / site.STYLESHEET, css(brand, site.FONTS_DIR, web=True) + "\n"
               + read_template_file(paths.WEB_STYLESHEET, paths.TEMPLATES_DIR))
    write_text(site_dir / site.LOGO, logo_in(brand, brand["colours"]["white"], Path(brand_file).parent))
    for language in logo_languages(brand):
        write_text(site_dir / site.logo(language),
                   logo_in(brand, brand["colours"]["white"], Path(brand_file).parent, language))
    write_text(site_dir / site.ICON, logo_in(brand, brand["colours"]["blue"], Path(brand_file).parent))


if __name__ == "__main__":
    command_line(main)
