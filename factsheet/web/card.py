"""A sheet's social card, the 1200 x 630 image a shared link to its web page shows.

The card is laid out in HTML and CSS (templates/web/card.html.j2) with the brand's fonts, colours and
logo, rendered by WeasyPrint and drawn to PNG by pypdfium2: the title, the edition's date and the key
figures, as the sheet's page gives them.
"""

from pathlib import Path

from factsheet import paths
from factsheet.model import checked
from factsheet.render import brand
from factsheet.render.formatting import load_labels
from factsheet.render.page import context
from factsheet.render.palette import stream_css
from factsheet.web import site
from factsheet.web.pages import amounts_kept_whole, summary, templates

CARD_TEMPLATE = "card.html.j2"


def card_entry(model: checked.CheckedSheet, language: str | None = None) -> dict:
    """What the card shows, in ``language`` (by default the sheet's first), as the sheet's page shows it."""
    return summary(context(model, "", {}, language=language))


def card_html(entry: dict, fonts_dir: Path, logo_file: Path) -> str:
    """The card's HTML, fonts and logo by file address."""

    brand_values = brand.load_brand()
    html = templates().get_template(CARD_TEMPLATE).render(
        entry=entry, logo=Path(logo_file).resolve().as_uri(), size=site.CARD_SIZE,
        css=brand.css(brand_values, Path(fonts_dir).resolve().as_uri())
        + stream_css(brand_values, len(entry["key_figures"])))
    return amounts_kept_whole(html, load_labels(entry["language"]))


def card_image(entry: dict, fonts_dir: Path, logo_file: Path):
    """The card as a PIL image of site.CARD_SIZE."""
    from PIL import Image
    from weasyprint import HTML

    from factsheet.render.fetcher import SandboxedFetcher
    from factsheet.render.page_images import drawn_pages

    fetcher = SandboxedFetcher(allowed=[paths.TEMPLATES_DIR, Path(fonts_dir), Path(logo_file).parent],
                               sheet_dir=paths.TEMPLATES_DIR)
    pdf = HTML(string=card_html(entry, fonts_dir, logo_file), url_fetcher=fetcher).write_pdf()
    image = drawn_pages(pdf, width=site.CARD_SIZE[0])[0].convert("RGB")
    if image.size != site.CARD_SIZE:  # a rounding pixel
        image = image.resize(site.CARD_SIZE, Image.Resampling.LANCZOS)
    return image
