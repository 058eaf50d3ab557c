"""The web edition, output/site/: where each of its files lies (relative to the site's folder), in one place.

A page's ``name`` is ``<subject>-<edition>-<language>``; a sheet's is ``<subject>-<edition>``. Every link
the site holds is relative, so it works from file:// and from any static host.
"""

from __future__ import annotations

import re
from pathlib import Path

INDEX = "index.html"
STYLESHEET = "site.css"
LOGO = "logo-on-dark.svg"
ICON = "icon.svg"               # the logo in the brand's blue, as the pages' icon
FONTS_DIR = "fonts"
THUMBNAIL_WIDTH = 280           # px, the index's page-1 image
PAGE_IMAGE_WIDTH = 900          # px, a printed page's preview
CARD_SIZE = (1200, 630)         # px, the social card (Open Graph's recommended size)
PAGE_IMAGE = "page-{number}.png"  # in a page's previews folder, from 1
THUMBNAIL = "thumbnail.png"


def logo(language: str | None = None) -> str:
    """The logo of a language with its own (brand ``logos:``); None: the brand's logo."""
    return f"logo-on-dark-{language}.svg" if language else LOGO


# Files the build leaves in the site's folders for itself (Snakemake's mark of when it wrote a folder of
# previews or photos), never published: the index stage, the site's last, takes them out.
BUILD_FILES = (".snakemake_timestamp",)


def index(language: str, site_language: str) -> str:
    """The index in ``language``: index.html in the site's language (config site_language), index-fr.html..."""
    return INDEX if language == site_language else f"index-{language}.html"


def absolute(address: str, site_url: str | None) -> str:
    """A file of the site as an absolute address where it is published (config site_url), for the links a page
    shares (Open Graph); as it is without site_url."""
    from urllib.parse import urljoin

    return urljoin(site_url.rstrip("/") + "/", address) if site_url else address


def og_locale(language: str) -> str:
    """A language as Open Graph names a locale, language_TERRITORY (fr_FR, es_ES, en_US): the territory CLDR
    gives as the language's likeliest."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language, language).split("_")
    return f"{likely[0]}_{likely[-1]}" if len(likely) > 1 else language


def phone_href(phone: str) -> str:
    """A phone number as a tel: link (its digits and a leading +)."""
    import re as _re

    return "tel:" + _re.sub(r"[^\d+]", "", phone)


def page(name: str) -> str:
    return f"{name}.html"


def pdf(name: str) -> str:
    return f"files/{name}.pdf"


def archival_pdf(name: str) -> str:
    return f"files/{name}-archival.pdf"


def table(sheet: str) -> str:
    return f"files/{sheet}-contributions.csv"


def photos(sheet: str) -> str:
    return f"photos/{sheet}"


def photo_file(file: str) -> str:
    """Where a sheet's photo (its path in the sheet folder, photos/x.jpg) lies in the sheet's photos folder of
    the site: the same path below photos/, so no two photos of a sheet share a name."""
    parts = Path(file).parts
    return "/".join(parts[1:] if len(parts) > 1 and parts[0] == "photos" else parts)


def photo(sheet: str, file: str) -> str:
    """A photo's address in a page (the file name percent-encoded)."""
    from urllib.parse import quote

    return quote(f"{photos(sheet)}/{photo_file(file)}")


def previews(name: str) -> str:
    return f"previews/{name}"


def page_image(name: str, number: int) -> str:
    return f"{previews(name)}/{PAGE_IMAGE.format(number=number)}"


def thumbnail(name: str) -> str:
    return f"{previews(name)}/{THUMBNAIL}"


def card(name: str) -> str:
    return f"cards/{name}.png"


def web_font_file(print_font: str) -> str:
    """The name of the site's WOFF2 copy of a static font of the PDF (noto-sans-normal-400.ttf)."""
    return f"{Path(print_font).stem}.woff2"


def web_font(print_font: str) -> str:
    """Where the site's WOFF2 copy of a static font of the PDF lies."""
    return f"{FONTS_DIR}/{web_font_file(print_font)}"


def inline_svg(svg: str, label: str, prefix: str = "chart-") -> str:
    """A matplotlib SVG ready to stand inside an HTML page: no XML prolog, doctype or metadata, sized by its
    viewBox (it scales with the page), one image for assistive technology named by ``label``, and its ids
    prefixed so that they cannot clash with the page's."""
    from markupsafe import escape

    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    return (f'{head} class="chart-svg" role="img" aria-labelledby="{prefix}title" focusable="false">'
            f'<title id="{prefix}title">{escape(label)}</title>{rest}')
