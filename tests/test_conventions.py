"""The reader's conventions of each language, read as an editor reads the sheet: numbers with the language's
decimal sign, year ranges written one way, figures that add up or say why not, typographic quotes and
apostrophes, the French spaces, contact labels, headings without a colon, the language's own logo."""

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from factsheet.model import checked, markdown
from factsheet.model.figures import compute
from factsheet.model.languages import in_language
from factsheet.model.sheet import load_sheet
from factsheet.render.brand import load_brand, logo_in, logo_languages
from factsheet.render.chart import axis_formatter, chart_title
from factsheet.render.formatting import Formatter, load_labels
from factsheet.render.page import context, render, rounding_shows

from conftest import CANADA

LANGUAGES = ["en", "fr", "es"]


@pytest.fixture(scope="module")
def checked_file(tmp_path_factory):
    """The Canada sheet, checked, as check_sheet writes it."""
    path = tmp_path_factory.mktemp("conventions") / "canada-2023.json"
    checked.write(path, checked.check(CANADA).data)
    return path


@pytest.fixture(scope="module")
def pages(checked_file):
    """The Canada sheet's values and HTML in each language."""
    model = checked.read(checked_file)
    values = {code: context(model, "chart.svg", {"on_dark": "logo.svg"}, language=code) for code in LANGUAGES}
    return {code: (v, render(v)) for code, v in values.items()}


class Text(HTMLParser):
    """The text a reader sees (no tags, attributes, style), and the alt texts."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.parts, self.alts, self._skip = [], [], 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self.alts += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self):
        return " ".join(self.parts)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_axis_writes_numbers_with_the_languages_decimal_sign(code):
    fmt = Formatter(code, load_labels(code))
    formatter = axis_formatter(fmt)
    ticks = [0, 2.5, 5, 17.5, 20]
    shown = formatter.format_ticks(ticks)
    assert shown == [fmt.decimal(t, 1) for t in ticks]
    assert shown[1] == fmt.millions(2.5e6)  # the bar labels' and table's sign, whichever the language's
    assert "e" not in "".join(shown) and "+" not in "".join(shown)  # no offset, no scientific notation
    whole = formatter.format_ticks([0, 5, 10, 15000])
    assert whole[-1] == fmt.decimal(15000, 0)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_chart_title_writes_the_range_as_the_labels_file_says(code):
    labels = load_labels(code)
    sheet = in_language(load_sheet(CANADA / "sheet.yaml"), CANADA, code)
    table = pd.DataFrame({"year": [2018, 2022], "stream": ["assessed", "assessed"], "amount_usd": [1e6, 1e6]})
    figures = compute(table, ["assessed", "voluntary"],
                      ranges={"pattern": labels["year_range"], "short_pattern": labels["year_range_short"]})
    title = chart_title(sheet, figures, labels)
    assert labels["year_range_short"].format(first=2018, last=2022, last_two="22") in title
    if code in ("fr", "es"):
        assert "2018-2022" in title


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_table_says_when_its_rounded_figures_do_not_add_up(pages, code):
    values, html = pages[code]
    table = values["chart"]["table"]
    fmt = values["formatter"]
    shown = [fmt.shown_millions(0)]  # the stream rows' figures as printed, summed like an editor does
    for row in table["rows"][:-1]:
        cells = [c for c in row["cells"] if c != values["labels"]["chart_table_missing"]]
        total = sum(float(c.replace("\u202f", "").replace("\u00a0", "").replace(",", ".")) if code != "en"
                    else float(c.replace(",", "")) for c in cells)
        shown.append(total)
    key_figures = [f["value"] for f in values["key_figures"]]
    adds_up = all(fmt.decimal(total, 1) in figure for total, figure in zip(shown[1:], key_figures, strict=True))
    assert not adds_up  # 54.7 in the table, 54.6 in the key figure: the sheet must say why
    assert values["labels"]["rounding_note"] in Text(html).text


def test_figures_that_add_up_carry_no_rounding_note():
    sheet = load_sheet(CANADA / "sheet.yaml")
    table = pd.DataFrame({"year": [2018, 2018, 2019, 2019], "stream": ["assessed", "voluntary"] * 2,
                          "amount_usd": [10.1e6, 6.2e6, 11.3e6, 8.4e6]})
    fmt = Formatter("en", load_labels("en"))
    assert not rounding_shows(sheet, compute(table, ["assessed", "voluntary"]), fmt)
    table["amount_usd"] = [10.16e6, 6.2e6, 11.36e6, 8.4e6]  # 10.2 + 11.4 shown, 21.5 (21.52 down) in total
    assert rounding_shows(sheet, compute(table, ["assessed", "voluntary"]), fmt)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_alt_text_gives_figures_at_the_precision_the_sheet_prints(pages, code):
    values, _ = pages[code]
    alt = values["chart"]["alt"]
    assert not re.search(r"\d[\d\s,.\u00a0\u202f]{6,}\d", alt), alt  # no amount to the dollar
    for cells in values["chart"]["table"]["rows"][0]["cells"]:
        assert cells in alt  # each year's figure as its table cell shows it
    if code == "fr":
        assert re.search(r"2018\u00a0: ", alt)


@pytest.mark.parametrize("code", LANGUAGES)
def test_quotes_and_apostrophes_are_typographic(pages, code):
    values, html = pages[code]
    seen = Text(html)
    assert "'" not in seen.text and '"' not in seen.text
    assert not any("'" in alt for alt in seen.alts)
    if code == "en":
        assert "Canada’s" in seen.text
    if code == "es":
        assert "FORTER’ESS" in seen.text


def test_french_sets_a_no_break_space_before_high_marks_and_inside_guillemets(pages):
    text = Text(pages["fr"][1]).text
    assert not re.search(r"[^\s\u00a0\u202f][:;?!](?=\s)", text)  # "Pays:" or "Pays :" with a breaking space
    assert not re.search(r" [:;?!»]|« ", text)
    assert re.search(r"«\u00a0", text) and re.search(r"\u00a0»", text)


def test_typesetting_leaves_addresses_and_times_alone():
    french = load_labels("fr")["typography"]
    assert markdown.typeset("https://ilo.org/a?b=1 à 10:30", french) == "https://ilo.org/a?b=1 à 10:30"
    assert markdown.inline_html("[voir](https://ilo.org/a?b=1)", french) == '<a href="https://ilo.org/a?b=1">voir</a>'


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_contact_panel_speaks_the_language(pages, code):
    values, html = pages[code]
    labels = values["labels"]
    contact = Text(html[html.index('<footer class="contact">'):]).text
    assert f"{labels['contact_phone']} " in contact
    if code != "en":
        assert not re.search(r"\b[TE]\s?:", contact)
        assert re.search(r"\d\d, \w+$", values["sheet"].contact.address[-1])  # "Genève 22, Suisse"


@pytest.mark.parametrize("code", LANGUAGES)
def test_headings_do_not_end_with_a_colon(pages, code):
    values, html = pages[code]
    headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, flags=re.S)
    assert headings and not [h for h in headings if h.strip().endswith(":")]


@pytest.mark.parametrize("code", ["fr", "es"])
def test_french_and_spanish_titles_of_office_are_lower_case(pages, code):
    values, _ = pages[code]
    quotes = [q for g in values["partner_groups"] for p in g["projects"] for q in p["quotes"]] + values["loose_quotes"]
    roles = [q["role_html"] for q in quotes if q["role_html"]]
    assert roles and all(role[:1].islower() for role in roles)  # "Leila Omrani, présidente de ..."


@pytest.mark.parametrize("code", ["fr", "es"])
def test_the_logo_is_the_languages_own(code):
    brand = load_brand()
    assert code in logo_languages(brand)
    assert logo_in(brand, "#fff", language=code) != logo_in(brand, "#fff")
    assert logo_in(brand, "#fff", language="en") == logo_in(brand, "#fff")


# ---------- The web edition ----------

SVG = ('<?xml version="1.0"?>\n'
       '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" viewBox="0 0 10 10"></svg>')


@pytest.fixture(scope="module")
def web(checked_file, tmp_path_factory):
    """The Canada sheet's web pages in each language, written as the build writes them, with and without
    site_url, and the indexes of those pages."""
    import json

    from factsheet.stages import render_site_index, render_web

    folder = tmp_path_factory.mktemp("web")
    chart = folder / "chart.svg"
    chart.write_text(SVG, encoding="utf-8")
    written = {}
    for site_url in (None, "https://www.example.org/factsheets/"):
        site_dir = folder / ("published" if site_url else "relative")
        for code in LANGUAGES:
            page, entry = site_dir / f"canada-2023-{code}.html", folder / f"{site_dir.name}-{code}.json"
            render_web.main(checked_file, chart, site_dir, page, entry, language=code, languages=LANGUAGES,
                            site_url=site_url, site_language="en", phone_chart_file=chart)
            written[site_url, code] = page.read_text(encoding="utf-8")
    entries = [folder / f"published-{code}.json" for code in LANGUAGES]
    hidden = json.loads(entries[0].read_text(encoding="utf-8")) | {"subject": "example", "title": "An example",
                                                                    "publish": False}
    (folder / "hidden.json").write_text(json.dumps(hidden), encoding="utf-8")
    render_site_index.main([*entries, folder / "hidden.json"], folder / "published" / "index.html", language="en")
    indexes = {code: (folder / "published" / f).read_text(encoding="utf-8")
               for code, f in (("en", "index.html"), ("fr", "index-fr.html"), ("es", "index-es.html"))}
    return written, indexes


def metadata(html):
    found = {}
    for tag in re.findall(r"<(?:meta|link)\b[^>]*>", html):
        attrs = dict(re.findall(r'(\w[\w:-]*)="([^"]*)"', tag))
        key = attrs.get("property") or attrs.get("name") or (f"link:{attrs['rel']}" if "rel" in attrs else None)
        found.setdefault(key, attrs.get("content") or attrs.get("href"))
    return found


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_shared_page_has_its_card_at_an_absolute_address(web, code):
    from babel import Locale

    written, _ = web
    meta = metadata(written["https://www.example.org/factsheets/", code])
    page = f"https://www.example.org/factsheets/canada-2023-{code}.html"
    assert meta["og:url"] == page and meta["link:canonical"] == page
    assert meta["og:image"] == f"https://www.example.org/factsheets/cards/canada-2023-{code}.png"
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
    assert meta["og:image:alt"] and meta["twitter:image:alt"]
    language, _, territory = meta["og:locale"].partition("_")
    assert language == code and territory.isupper() and Locale.parse(meta["og:locale"]).territory == territory


def test_without_site_url_a_page_keeps_relative_links_and_claims_no_address(web):
    written, _ = web
    meta = metadata(written[None, "fr"])
    assert "og:url" not in meta and "link:canonical" not in meta
    assert meta["og:image"] == "cards/canada-2023-fr.png"


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_has_its_index_linked_from_its_pages_with_a_language_switch(web, code):
    written, indexes = web
    index = indexes[code]
    labels = load_labels(code)
    assert f'<html lang="{code}">' in index and labels["web_index_title"] in index
    own = "index.html" if code == "en" else f"index-{code}.html"
    assert re.search(rf'<a class="home" href="{own}"', written[None, code])
    others = [c for c in LANGUAGES if c != code]
    assert all(re.search(rf'href="index(-{c})?\.html" hreflang="{c}"', index) for c in others)


def test_a_sheet_not_for_publication_is_left_off_the_index(web):
    _, indexes = web
    assert "An example" not in indexes["en"] and "Canada" in indexes["en"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_links_say_where_they_lead_in_the_pages_language(web, code):
    written, indexes = web
    links = re.findall(r'<a class="pdf"[^>]*>([^<]*)</a>', indexes[code])
    unsized = load_labels(code)["web_pdf_unsized"]
    assert links and all(text.strip() not in ("PDF", "") for text in links)
    assert all(text == unsized for text in links)  # these PDFs are not in the test's site: no size to give
    assert re.search(r'href="tel:\+41227997370"', written[None, code])
    assert "©" in Text(written[None, code][written[None, code].index('<footer class="contact">'):]).text


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_downloadable_tables_columns_are_explained_in_the_pages_language(web, code):
    written, _ = web
    labels = load_labels(code)
    html = written[None, code]
    assert labels["web_columns"] in Text(html).text
    for column in ("year", "stream", "amount_usd", "note"):
        assert f"<code>{column}</code>" in html
    assert labels["web_column_amount_usd"] in Text(html).text


def test_the_page_has_a_phone_drawing_of_the_chart(web):
    written, _ = web
    html = written[None, "fr"]
    assert 'class="chart-drawing chart-phone"' in html and 'id="chart-phone-title"' in html


@pytest.mark.parametrize("code", ["fr", "es"])
def test_the_web_pages_and_index_show_the_languages_logo(web, code):
    written, indexes = web
    assert f'src="logo-on-dark-{code}.svg"' in written[None, code]
    assert f'src="logo-on-dark-{code}.svg"' in indexes[code]
