"""The web edition (output/site/), as the session's build wrote it: every page, its figures the PDF's, every
reference inside the site, the fonts, previews, social cards and photos. The browser tests are
test_site_browser.py; the live preview's are test_preview.py."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdfium2
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from factsheet.model.editions import find_sheets, sheet_languages
from factsheet.web import site

from conftest import ROOT, outputs

PAGES = [f"{s}-{e}-{code}" for s, e in find_sheets(ROOT / "data")[0]
         for code in sheet_languages(ROOT / "data" / s / e)]


class Parsed(HTMLParser):
    """The parts of a page the tests read: every reference, the key figures, the figures table's rows."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.references, self.links, self.key_figures, self.table = [], [], [], []
        self._in = None
        self._row = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name) is not None:
                (self.links if tag == "a" else self.references).append(attrs[name])
        classes = (attrs.get("class") or "").split()
        if tag == "strong" and self._in == "key-figure":
            self._in = "value"
            self.key_figures.append("")
        elif "key-figure" in classes:
            self._in = "key-figure"
        elif tag == "table" and "chart-data" in classes:
            self._in = "table"
        elif tag == "tr" and self._in == "table":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag):
        if tag == "strong" and self._in == "value":
            self._in = "key-figure"
        elif tag in ("li", "p") and self._in == "key-figure":
            self._in = None
        elif tag == "tr" and self._row is not None:
            self.table.append(self._row)
            self._row = None
        elif tag == "table" and self._in == "table":
            self._in = None

    def handle_data(self, data):
        data = data.replace("\u2060", "")  # the word joiners of the web page's amounts (render_web)
        if self._in == "value":
            self.key_figures[-1] += data
        elif self._row is not None and self._row:
            self._row[-1] += data


def parsed(path: Path) -> Parsed:
    return Parsed(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out(built):
    workdir, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    return outputs(workdir)


def inside(site_dir: Path, page: Path, reference: str) -> Path | None:
    """The site file a page's relative reference names; None for anything else (absolute, another scheme)."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or reference.startswith("/"):
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    return target if target.is_relative_to(site_dir.resolve()) else None


def test_every_sheet_has_its_page_card_previews_and_files(out):
    found = out.site
    for name in PAGES:
        sheet = name.rsplit("-", 1)[0]
        for relative in (site.page(name), site.card(name), site.pdf(name), site.archival_pdf(name),
                         site.table(sheet), site.thumbnail(name)):
            assert (found / relative).is_file(), f"{relative} is missing from the site"
    pages = sorted(p.stem for p in found.glob("*.html") if p.name != site.INDEX and not p.name.startswith("index-"))
    assert pages == sorted(PAGES), "the site holds a page for every sheet and language, and no other"


def test_every_reference_stays_inside_the_site_and_exists(out):
    site_dir = out.site
    for page in [*site_dir.glob("*.html")]:
        found = parsed(page)
        for reference in found.references:
            target = inside(site_dir, page, reference)
            assert target is not None, f"{page.name} loads {reference!r}, outside the site"
            assert target.is_file(), f"{page.name} loads {reference!r}, which is missing"
        for link in found.links:
            if link.startswith(("mailto:", "tel:", "https://", "#")):
                continue  # a link the reader may follow, not a request the page makes
            target = inside(site_dir, page, link)
            assert target is not None and target.is_file(), f"{page.name} links to {link!r}, which is missing"
    stylesheet = (site_dir / site.STYLESHEET).read_text(encoding="utf-8")
    for url in re.findall(r'url\("?([^")]+)"?\)', stylesheet):
        assert (site_dir / url).is_file(), f"site.css loads {url!r}, which is missing"
    assert "http:" not in stylesheet and "https:" not in stylesheet, "site.css names a remote address"


def published(name: str) -> bool:
    """Whether a page's sheet is for publication (sheet.yaml ``publish:``, true unless it says false)."""
    import yaml

    subject, edition, _ = name.rsplit("-", 2)
    return yaml.safe_load((ROOT / "data" / subject / edition / "sheet.yaml").read_text(encoding="utf-8")) \
        .get("publish", True)


def test_the_index_lists_every_published_page_with_its_thumbnail(out):
    index = parsed(out.site / site.INDEX)
    assert any(published(name) for name in PAGES) and not all(published(name) for name in PAGES)
    for name in PAGES:
        if published(name):
            assert site.page(name) in index.links, f"the index does not link to {name}"
            assert site.thumbnail(name) in index.references, f"the index does not show {name}'s thumbnail"
        else:  # the fictional samples
            assert site.page(name) not in index.links, f"the index links to {name}, not for publication"


@pytest.mark.parametrize("name", PAGES)
def test_the_page_shows_the_pdfs_figures(out, name):
    """Key figures and the figures table read exactly as in the HTML the PDF was rendered from."""
    web, printed = parsed(out.site / site.page(name)), parsed(out.html(name))
    assert web.key_figures and web.key_figures == printed.key_figures
    assert len(web.table) > 2 and web.table == printed.table


@pytest.mark.parametrize("name", PAGES)
def test_the_chart_is_inline_svg_named_by_its_text_alternative(out, name):
    text = (out.site / site.page(name)).read_text(encoding="utf-8")
    svg = re.search(r"<svg[^>]*>", text)
    assert svg and 'role="img"' in svg.group(0) and 'aria-labelledby="chart-title"' in svg.group(0)
    assert '<title id="chart-title">' in text and "<?xml" not in text and 'width="' not in svg.group(0)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "an id is given twice in the page"


def test_web_fonts_are_the_pdfs_fonts_as_woff2(out):
    for ttf in sorted(out.fonts_dir.glob("*.ttf")):
        woff2 = out.site / site.web_font(ttf.name)
        assert woff2.read_bytes()[:4] == b"wOF2", f"{woff2.name} is not WOFF2"
        with TTFont(woff2) as web, TTFont(ttf) as printed:
            assert web.getBestCmap() == printed.getBestCmap(), f"{woff2.name} maps other characters than {ttf.name}"


@pytest.mark.parametrize("name", PAGES)
def test_previews_show_every_pdf_page_and_the_card_is_1200_by_630(out, name):
    document = pypdfium2.PdfDocument(str(out.pdf(name)))
    pages = len(document)
    document.close()
    previews = out.site / site.previews(name)
    assert sorted(previews.glob(site.PAGE_IMAGE.format(number="*"))) == \
        sorted(previews / site.PAGE_IMAGE.format(number=n) for n in range(1, pages + 1))
    with Image.open(previews / site.PAGE_IMAGE.format(number=1)) as first:
        assert first.width == site.PAGE_IMAGE_WIDTH
    with Image.open(out.site / site.thumbnail(name)) as thumbnail:
        assert thumbnail.width == site.THUMBNAIL_WIDTH
    with Image.open(out.site / site.card(name)) as card:
        assert card.size == site.CARD_SIZE
        colours = card.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours and len(colours) > 50, "the card is drawn (not a blank image)"


@pytest.mark.parametrize("name", PAGES)
def test_the_card_shows_the_pdfs_title_date_and_key_figures(out, name):
    """The card's HTML (drawn to its PNG), as render_card makes it from the checked sheet, holds what the HTML the
    PDF was rendered from shows."""
    from factsheet.model import checked
    from factsheet.web.card import card_entry, card_html

    sheet, language = name.rsplit("-", 1)
    entry = card_entry(checked.read(out.checked(sheet)), language)
    card = card_html(entry, out.fonts_dir, out.logo_on_dark).replace("\u2060", "")
    printed_html = out.html(name).read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", printed_html, re.S).group(1)
    edition = re.search(r'<p class="edition"><time[^>]*>(.*?)</time>', printed_html).group(1)
    assert f">{title}</h1>" in card and f'<p class="date">{edition}</p>' in card
    for value in parsed(out.html(name)).key_figures:
        assert f"<strong>{value}</strong>" in card, f"the card of {name} lacks {value}"


def test_published_photos_carry_no_camera_metadata_and_a_web_size(out):
    photos = sorted((out.site / site.photos("")).rglob("*.jp*g"))  # every sheet's photos
    assert photos, "the Nordvale sheets show photos"
    for photo in photos:
        with Image.open(photo) as image:
            assert image.width <= 1600
            assert not image.getexif(), f"{photo.name} keeps its EXIF data"


def test_the_pages_are_in_their_language_and_link_to_their_translations(out):
    for name in PAGES:
        text = (out.site / site.page(name)).read_text(encoding="utf-8")
        language = name.rsplit("-", 1)[1]
        assert f'<html lang="{language}">' in text
        for other in (n for n in PAGES if n.rsplit("-", 1)[0] == name.rsplit("-", 1)[0] and n != name):
            assert f'href="{site.page(other)}"' in text, f"{name} does not link to {other}"


def test_text_on_the_pages_tinted_boxes_reaches_wcag_aa_contrast():
    """The boxes axe cannot measure (a gradient background): the key figures on their stream's colour, and the
    commitments, downloads and pull quotes on light blue, from the brand file's colours (4.5:1 for text)."""
    from factsheet.render.brand import load_brand
    from factsheet.render.palette import contrast, ink_on, series_colours

    brand = load_brand()
    colours = brand["colours"]
    for fill in series_colours(brand, len(brand["chart_series"])):
        assert contrast(fill, ink_on(fill, brand)) >= 4.5, f"key figure text on {fill}"
    for ink in ("black", "purple", "grey-text", "dark-blue", "blue"):
        assert contrast(colours[ink], colours["light-blue"]) >= 4.5, f"{ink} on light-blue"


def test_the_site_publishes_no_build_file(out):
    hidden = [p.relative_to(out.site) for p in out.site.rglob(".*")]
    assert not hidden, f"build files published in the site: {hidden}"
