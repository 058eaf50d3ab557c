"""The layout (factsheet/render/layout.py) in-process: which layouts it makes, which it keeps, and the page budget.
The documents are stand-ins that name the stylesheet they were laid out with; the measure of each is scripted
(the measure itself is checked on real PDFs in test_shapes.py)."""

import pytest

from factsheet.render import layout
from factsheet.render.layout import TALL_CHART_CSS, Measure

STRETCH = "[data-flow] { margin-top: 1px !important; }"
PASSING = Measure(((0.05, 0.05), (0.3, 0.3)))
MIDDLE_BLANK = Measure(((0.3, 0.05), (0.3, 0.3)))  # a blank inside the first page


class Document:
    def __init__(self, css: str, pages: int = 2):
        self.css = css
        self.pages = [None] * pages


class Sheet:
    """Stands in for a weasyprint.HTML: counts what it lays out."""

    def __init__(self):
        self.rendered: list[str] = []
        self.font_configs: list = []

    def render(self, stylesheets=(), font_config=None):
        css = stylesheets[0] if stylesheets else ""
        self.rendered.append(css)
        self.font_configs.append(font_config)
        return Document(css)


def search(monkeypatch, measure_of):
    """Run render_best with ``measure_of(css) -> Measure``; every layout can be stretched once."""
    monkeypatch.setattr(layout, "measure_document", lambda document: measure_of(document.css))
    monkeypatch.setattr(layout, "stretch_css", lambda document: "" if STRETCH in document.css else STRETCH)
    sheet = Sheet()
    laid_out = layout.render_best(sheet, lambda text: text)
    assert laid_out.layouts == len(sheet.rendered)
    # every attempt with one font configuration: the brand's font faces are loaded once a sheet
    assert len({id(config) for config in sheet.font_configs}) == 1 and sheet.font_configs[0] is not None
    return sheet.rendered, laid_out.css, laid_out.measure


def last_page_blank(share: float) -> Measure:
    return Measure(((0.05, 0.05), (share, share)))


def test_a_layout_that_passes_is_laid_out_once_at_the_brands_type(monkeypatch):
    rendered, css, _ = search(monkeypatch, lambda css: PASSING)
    assert rendered == [""] and css == ""


def test_a_page_ending_with_a_large_blank_gets_its_blocks_moved_apart_and_the_type_never_changes(monkeypatch):
    rendered, css, measure = search(monkeypatch, lambda css: PASSING if css == STRETCH else MIDDLE_BLANK)
    assert rendered == ["", STRETCH] and css == STRETCH and measure == PASSING


def test_a_short_last_page_gets_the_taller_chart_first(monkeypatch):
    rendered, css, _ = search(monkeypatch, lambda css: PASSING if css == TALL_CHART_CSS else last_page_blank(0.65))
    assert rendered == ["", TALL_CHART_CSS] and css == TALL_CHART_CSS


def middle_blank(share: float) -> Measure:
    return Measure(((share, 0.05), (0.3, 0.3)))


def test_moving_blocks_apart_is_kept_only_when_it_comes_closer_to_passing(monkeypatch):
    rendered, css, measure = search(monkeypatch, lambda css: middle_blank(0.3 if css else 0.25))
    assert rendered == ["", STRETCH] and css == "" and measure == middle_blank(0.25)


def test_a_last_page_still_too_short_is_kept_and_the_editor_told(monkeypatch):
    """The taller chart, then the blocks of the last page moved apart (by no more than a designer adds between
    sections: stretch_css, MAX_GAP_LAST_MM), and still half the last page empty: the sheet is too short for its
    pages, which the render stage tells the editor in one line."""
    rendered, css, measure = search(monkeypatch, lambda css: last_page_blank(0.5 if css else 0.65))
    assert rendered == ["", TALL_CHART_CSS, f"{TALL_CHART_CSS} {STRETCH}"] and css == TALL_CHART_CSS
    assert layout.short_last_page(measure, 2).startswith("leaves 50% of its last page (page 2) empty")
    assert layout.short_last_page(measure, 2).endswith("add text or a photo, or set pages: 1 in sheet.yaml")
    assert layout.short_last_page(PASSING, 2) == ""
    assert layout.short_last_page(PASSING, 2, budget=3) == ("runs to 2 pages of its budget of 3: add text or a "
                                                             "photo, or set pages: 2 in sheet.yaml")
    assert layout.MAX_GAP_LAST_MM <= 10


def test_the_other_languages_show_the_chart_the_first_chose(monkeypatch):
    monkeypatch.setattr(layout, "measure_document", lambda document: last_page_blank(0.65))
    monkeypatch.setattr(layout, "stretch_css", lambda document: "")
    for tall, expected in ((True, TALL_CHART_CSS), (False, "")):
        sheet = Sheet()
        laid_out = layout.render_best(sheet, lambda text: text, tall_chart=tall)
        assert sheet.rendered == [expected] and laid_out.css == expected and laid_out.layouts == 1


def test_an_edition_over_its_page_budget_is_refused_naming_how_far_over(monkeypatch):
    monkeypatch.setattr(layout, "measure_document", lambda document: PASSING)
    monkeypatch.setattr(layout, "over_budget", lambda document, budget: f"{len(document.pages)} > {budget}")
    sheet = Sheet()
    with pytest.raises(layout.OverBudget, match="2 > 1"):
        layout.render_best(sheet, lambda text: text, budget=1)
    assert sheet.rendered == [""]  # refused at once: no layout tries to squeeze it in
    assert layout.render_best(Sheet(), lambda text: text, budget=2).layouts == 1


class Crashing(Sheet):
    """A sheet at which WeasyPrint's layout fails."""

    def render(self, stylesheets=(), font_config=None):
        super().render(stylesheets, font_config)
        raise AssertionError


def test_a_sheet_at_which_weasyprint_fails_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(layout, "measure_document", lambda document: PASSING)
    with pytest.raises(layout.LayoutFailed, match="WeasyPrint failed to lay the sheet out"):
        layout.render_best(Crashing(), lambda text: text)


def stretched(block_mm: float) -> str:
    """stretch_css of a real one-page layout: three inked blocks ``block_mm`` tall, at the page's margins."""
    from weasyprint import HTML

    page = (f"@page {{ size: A4; margin: {layout.MARGIN_TOP_MM}mm {layout.MARGIN_SIDE_MM}mm "
            f"{layout.MARGIN_BOTTOM_MM}mm; }} body {{ margin: 0; }} div {{ height: {block_mm}mm; background: #000; }}")
    blocks = "".join(f'<div data-flow="{n}"></div>' for n in range(1, 4))
    return layout.stretch_css(HTML(string=f"<style>{page}</style>{blocks}").render())


def test_gaps_go_on_a_last_page_only_when_they_can_bring_it_within_the_limit():
    """A last page a little too empty gets its blocks moved apart, up to MAX_GAP_LAST_MM above each; one that even
    those gaps would leave too empty gets none (no layout is spent spreading a sheet too short for its pages)."""
    content_mm = 297 - layout.MARGIN_TOP_MM - layout.MARGIN_BOTTOM_MM
    near = (1 - layout.MAX_BLANK_LAST - 0.02) * content_mm / 3  # 2 % of the page over the limit: 5 mm
    assert stretched(near).count("margin-top") == 2  # above the two blocks below the page's top
    far = (1 - layout.MAX_BLANK_LAST - 0.2) * content_mm / 3  # 20 % over: 53 mm, more than two gaps at their most
    assert stretched(far) == ""
