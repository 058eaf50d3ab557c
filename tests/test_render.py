"""The HTML stage (escaping, strict templates) and the PDF stage's sandboxed fetcher."""

import re
import shutil
from pathlib import Path

import jinja2
import pytest

from factsheet import paths
from factsheet.errors import DataError
from factsheet.model import checked
from factsheet.render.fetcher import ResourceRefused, SandboxedFetcher
from factsheet.render.page import context, render

from conftest import CANADA, ROOT, first_language_only


@pytest.fixture()
def sheet_copy(tmp_path):
    folder = tmp_path / "data" / "canada" / "2023"
    shutil.copytree(CANADA, folder)
    first_language_only(folder)  # its texts edited here have no translations to go stale
    return folder


def test_html_has_language_title_and_chart_alt_text(sheet_copy):
    folder = sheet_copy
    html = render(context(checked.check(folder), "../charts/x.svg", {"on_dark": "logo.svg"}))
    assert '<html lang="en">' in html
    assert "<title>Canada ILO cooperation</title>" in html
    assert 'alt="Stacked bar chart of Canada’s contributions' in html
    assert "dcterms.created" in html and "2023-06-01" in html


def test_text_from_data_is_escaped(sheet_copy):
    folder = sheet_copy
    project = folder / "projects" / "01-jordan-garment-trade-unions.md"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace('title: "Jordan:', 'title: "<script>x</script> Jordan:', 1), encoding="utf-8")
    html = render(context(checked.check(folder), "chart.svg", {"on_dark": "logo.svg"}))
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt; Jordan" in html


def test_html_typed_into_a_text_is_refused(sheet_copy):
    folder = sheet_copy
    intro = folder / "narrative" / "intro.md"
    intro.write_text("<img src=x onerror=alert(1)> Canada joined.\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        context(checked.check(folder), "chart.svg", {"on_dark": "logo.svg"})
    [problem] = info.value.problems
    assert problem.file.endswith("narrative/intro.md") and problem.where == "line 1"
    assert "'<img src=x onerror=alert(1)>'" in problem.message and "HTML" in problem.message


def test_template_fails_loudly_on_a_missing_value(sheet_copy):
    folder = sheet_copy
    values = context(checked.check(folder), "chart.svg", {"on_dark": "logo.svg"})
    del values["key_figures"]
    with pytest.raises(jinja2.UndefinedError):
        render(values)


@pytest.fixture()
def fetcher(tmp_path):
    return SandboxedFetcher(allowed=[paths.TEMPLATES_DIR, tmp_path], sheet_dir=tmp_path)


def test_fetcher_serves_allowed_files(fetcher, tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    assert fetcher.fetch((paths.BRAND_DIR / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher.fetch("sheet:photo.png").read() == b"\x89PNG"


@pytest.mark.parametrize("url", [
    "https://example.org/logo.png",
    "http://127.0.0.1/x.css",
    "file:///etc/passwd",
    "file:///dev/urandom",
    "sheet:../../../../etc/passwd",
    "data:text/plain,hello",
    "ftp://example.org/x",
    "font:noto-sans/normal",
])
def test_fetcher_refuses_anything_else(fetcher, url):
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)


def test_fetcher_fails_on_a_missing_file(fetcher, tmp_path):
    with pytest.raises(ResourceRefused, match="does not exist"):
        fetcher.fetch((tmp_path / "missing.png").as_uri())


def test_project_layout_constants_point_at_real_files():
    assert paths.PROJECT_ROOT == ROOT
    for path in (paths.BRAND_FILE, paths.STYLESHEET, paths.TEMPLATES_DIR / paths.SHEET_TEMPLATE,
                 paths.LABELS_DIR / "en.yaml"):
        assert Path(path).is_file(), path


def card(name, short, quotes=0):
    return {"id": name, "short": short, "quotes": [f"quote of {name}"] * quotes}


@pytest.mark.parametrize(("cards", "kinds"), [
    ([card("a", False), card("b", True)], [("columns", "a b")]),
    ([card("a", True)], [("wide", "a")]),
    ([card("a", True), card("b", True)], [("pair", "a b")]),
    ([card("a", True), card("b", True), card("c", True)], [("columns", "a b c")]),
    # the quotes of a card span the columns and end a run
    ([card("a", False, quotes=1), card("b", True)], [("columns", "a"), ("wide", "b")]),
    ([card("a", True, quotes=2), card("b", True), card("c", True, quotes=1), card("d", False)],
     [("wide", "a"), ("pair", "b c"), ("columns", "d")]),
])
def test_projects_in_columns_are_split_into_runs_at_their_quotes(cards, kinds):
    from factsheet.render.page import column_runs

    runs = column_runs(cards)
    assert [(r["kind"], " ".join(p["id"] for p in r["projects"])) for r in runs] == kinds


def shorten(project: Path) -> None:
    """Keep a project file's front matter, with a body of a few words."""
    front, _, _ = project.read_text(encoding="utf-8").partition("\n---\n")
    project.write_text(front + "\n---\nA short project of a few words.\n", encoding="utf-8")


def test_a_lone_short_project_spans_the_columns_and_two_sit_side_by_side(sheet_copy):
    """Canada's second partner has a project with a quote, then three in columns. Made short, the first spans
    the columns; of the three, two made short (the third removed) sit side by side."""
    folder = sheet_copy
    for name in ("05-forteress-tunisia", "06-opening-doors-peru", "07-asean-triangle-migrant-workers"):
        for project in (folder / "projects").glob(f"{name}*.md"):
            shorten(project)
    for project in (folder / "projects").glob("08-progress-bangladesh*.md"):
        project.unlink()
    html = render(context(checked.check(folder), "chart.svg", {"on_dark": "logo.svg"}))
    assert re.search(r'<article class="project project-wide" id="project-forteress-tunisia"', html)
    pair = r'<div class="project-pair">\s*<article class="project project-short" id="project-opening-doors-peru"'
    pair += r'.*?</article>\s*<article class="project project-short" id="project-asean-triangle'
    assert re.search(pair, html, re.S)


def test_labels_inside_the_style_element_are_css_strings_that_cannot_end_it(tmp_path):
    """page_of and the quotation marks are set in the <style> element, where HTML escaping does nothing: each
    is a CSS string, its characters that could end the string or the element escaped, the counters kept."""
    from html.parser import HTMLParser

    labels = Path(shutil.copytree(paths.LABELS_DIR, tmp_path / "labels"))
    injected = '</style><h1 style="color:red">INJECTED</h1><style>x::after(content:"'
    french = (labels / "fr.yaml").read_text(encoding="utf-8")
    (labels / "fr.yaml").write_text(french.replace('page_of: "{page} / {pages}"', f"page_of: '{injected}{{page}}'")
                                    .replace('quote_open: "«\\u00a0"', 'quote_open: "\\\\"'), encoding="utf-8")
    html = render(context(checked.check(CANADA), "chart.svg", {"on_dark": "logo.svg"}, labels_dir=labels,
                          language="fr"))

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.style = [], ""

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.style += data if self.tags[-1:] == ["style"] else ""

    found = Elements()
    found.feed(html)
    assert found.tags.count("style") == 1 and found.tags.count("h1") == 1  # the sheet's title only
    assert "INJECTED" not in html.split("</style>", 1)[1]
    assert '@page { @bottom-right { content: "\\3C /style\\3E \\3C h1 style=\\22 color:red\\22 \\3E INJECTED' \
        in found.style
    assert '" counter(page) ""; } }' in found.style
    assert '.pull-quote .quote-text { quotes: "\\5C " "\u00a0»"; }' in found.style
    from factsheet.render.formatting import css_page_counter, css_string

    assert css_page_counter("{page} / {pages}") == '" counter(page) " / " counter(pages) "'
    assert css_page_counter('Page {page} "of" {pages}') == 'Page " counter(page) " \\22 of\\22  " counter(pages) "'
    assert css_string("«\u00a0") == "«\u00a0" and css_string("a\\b\nc") == "a\\5C b\\A c"
