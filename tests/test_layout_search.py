"""The layout search (factsheet/layout.py) in-process: which layouts it tries, in which order, and which it keeps.
The documents are stand-ins that name the stylesheet they were laid out with; the measure of each is scripted
(the measure itself is checked on real PDFs in test_shapes.py)."""

from factsheet import layout
from factsheet.layout import SETTINGS, TALL_CHART_CSS, Measure, setting_css

NORMAL_SIZE = SETTINGS[0][0]
STRETCH = "[data-flow] { margin-top: 1px !important; }"
PASSING = Measure(((0.05, 0.05), (0.3, 0.3)))
MIDDLE_BLANK = Measure(((0.3, 0.05), (0.3, 0.3)))  # a blank inside the first page


class Document:
    def __init__(self, css: str):
        self.css = css


class Sheet:
    """Stands in for a weasyprint.HTML: counts what it lays out."""

    def __init__(self):
        self.rendered: list[str] = []

    def render(self, stylesheets=()):
        css = stylesheets[0] if stylesheets else ""
        self.rendered.append(css)
        return Document(css)


def search(monkeypatch, measure_of):
    """Run render_best with ``measure_of(css) -> Measure``; every layout can be stretched once."""
    monkeypatch.setattr(layout, "measure_document", lambda document: measure_of(document.css))
    monkeypatch.setattr(layout, "stretch_css", lambda document: "" if STRETCH in document.css else STRETCH)
    sheet = Sheet()
    document, css, measure = layout.render_best(sheet, lambda text: text)
    return sheet.rendered, css, measure


def last_page_blank(share: float) -> Measure:
    return Measure(((0.05, 0.05), (share, share)))


def test_a_layout_that_passes_at_the_normal_setting_is_laid_out_once(monkeypatch):
    rendered, css, _ = search(monkeypatch, lambda css: PASSING)
    assert rendered == [""] and css == ""


def test_a_layout_whose_last_page_is_too_empty_is_filled_at_the_normal_setting_first(monkeypatch):
    filling = [STRETCH, TALL_CHART_CSS, f"{TALL_CHART_CSS} {STRETCH}"]
    for passing in filling:
        rendered, css, _ = search(monkeypatch, lambda css, passing=passing:
                                  PASSING if css.strip() == passing else last_page_blank(0.65))
        assert [c.strip() for c in rendered] == ["", *filling[:filling.index(passing) + 1]]
        assert css.strip() == passing


def test_a_layout_with_a_blank_inside_tries_the_type_settings_in_order(monkeypatch):
    third = setting_css(SETTINGS[2])
    rendered, css, _ = search(monkeypatch, lambda css: PASSING if css == third else MIDDLE_BLANK)
    assert rendered == ["", setting_css(SETTINGS[1]), third] and css == third


def test_when_filling_fails_the_type_settings_follow_in_order(monkeypatch):
    third = setting_css(SETTINGS[2])
    rendered, css, _ = search(monkeypatch, lambda css: PASSING if css == third else last_page_blank(0.65))
    assert rendered[4:] == [setting_css(SETTINGS[1]), third] and css == third


def test_with_no_setting_passing_the_closest_gets_the_taller_chart_and_its_blocks_moved_apart(monkeypatch):
    closest = setting_css(SETTINGS[-1])

    def measure_of(css):
        if css == f"{closest} {TALL_CHART_CSS} {STRETCH}":
            return PASSING
        return MIDDLE_BLANK if css.startswith(closest) else Measure(((0.4, 0.4), (0.3, 0.3)))

    rendered, css, _ = search(monkeypatch, measure_of)
    assert rendered[len(SETTINGS):] == [f"{closest} {STRETCH}", f"{closest} {TALL_CHART_CSS}",
                                        f"{closest} {TALL_CHART_CSS} {STRETCH}"]
    assert css == rendered[-1]


def test_when_nothing_passes_the_closest_layout_is_kept_and_none_is_laid_out_twice(monkeypatch):
    def measure_of(css):  # the larger the type, the closer to passing; never passing
        size = next((s[0] for s in SETTINGS if setting_css(s) in css), NORMAL_SIZE)
        return last_page_blank(0.6 + (10 - size) / 10)

    rendered, css, measure = search(monkeypatch, measure_of)
    assert len(rendered) == len(set(rendered))
    assert all(setting_css(s) in rendered for s in SETTINGS[1:])
    assert not measure.passes and measure.excess == min(measure_of(c).excess for c in rendered)


class Crashing(Sheet):
    """A sheet at whose listed stylesheets WeasyPrint's layout fails."""

    def __init__(self, crashing):
        super().__init__()
        self.crashing = crashing

    def render(self, stylesheets=()):
        document = super().render(stylesheets)
        if self.crashing(document.css):
            raise AssertionError
        return document


def test_a_setting_at_which_weasyprint_fails_is_skipped(monkeypatch):
    monkeypatch.setattr(layout, "measure_document", lambda document: PASSING)
    sheet = Crashing(lambda css: css == "")
    document, css, _ = layout.render_best(sheet, lambda text: text)
    assert sheet.rendered == ["", setting_css(SETTINGS[1])] and css == setting_css(SETTINGS[1])


def test_a_sheet_at_which_weasyprint_fails_at_every_setting_is_a_clear_error(monkeypatch):
    import pytest

    monkeypatch.setattr(layout, "measure_document", lambda document: PASSING)
    sheet = Crashing(lambda css: True)
    with pytest.raises(layout.LayoutFailed, match="every type setting"):
        layout.render_best(sheet, lambda text: text)
    assert len(sheet.rendered) == len(SETTINGS)
