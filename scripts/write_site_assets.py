"""Stage: write the web edition's shared files: the fonts as WOFF2, the stylesheet and the logo.

The fonts are the static cuts the PDFs embed (output/fonts/), compressed to WOFF2, so the site is set in
the same brand fonts, served by itself: no request leaves the site.
"""

from pathlib import Path

from factsheet import paths, site
from factsheet.brand import css, font_faces, load_brand, logo_in
from factsheet.cli import command_line
from factsheet.files import atomic_path, read_template_file, write_text


def write_woff2(source: Path, target: Path) -> None:
    """A TrueType font compressed to WOFF2 (fontTools with Brotli), the same bytes on every run."""
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)
    font.flavor = "woff2"
    with atomic_path(target) as tmp:
        font.save(tmp, reorderTables=True)


def main(brand_file: Path, fonts_dir: Path, site_dir: Path) -> None:
    """Write site.css, logo-on-dark.svg and fonts/*.woff2 into ``site_dir``, from the brand file and the static
    fonts in ``fonts_dir``."""
    brand, site_dir = load_brand(Path(brand_file)), Path(site_dir)
    for face in font_faces(brand):
        write_woff2(Path(fonts_dir) / face["file"], site_dir / site.web_font(face["file"]))
    write_text(site_dir / site.STYLESHEET, css(brand, site.FONTS_DIR, web=True) + "\n"
               + read_template_file(paths.WEB_STYLESHEET, paths.TEMPLATES_DIR))
    write_text(site_dir / site.LOGO, logo_in(brand, brand["colours"]["white"], Path(brand_file).parent))


if __name__ == "__main__":
    command_line(main)
