"""The chart: brand style applied, text kept as text, figures from the table, same bytes twice."""

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from factsheet.model.figures import compute
from factsheet.model.sheet import load_sheet
from factsheet.render.brand import font_faces, font_stack, load_brand, mplstyle, static_font
from factsheet.render.chart import chart_title, draw, register_fonts, svg_text
from factsheet.render.formatting import Formatter, load_labels

from conftest import CANADA

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402


@pytest.fixture()
def parts(tmp_path):
    sheet = load_sheet(CANADA / "sheet.yaml")
    table = pd.DataFrame({"year": [2018, 2018, 2019, 2019], "stream": ["assessed", "voluntary"] * 2,
                          "amount_usd": [10e6, 6e6, 11e6, 8.5e6], "note": [""] * 4})
    brand = load_brand()
    style = tmp_path / "brand.mplstyle"
    style.write_text(mplstyle(brand), encoding="utf-8")
    register_fonts([static_font(face) for face in font_faces(brand)][0].parent)
    return sheet, compute(table, ["assessed", "voluntary"]), Formatter("en", load_labels("en")), brand, style


def save(parts, path):
    sheet, figures, fmt, brand, style = parts
    with plt.style.context(str(style)):
        fig = draw(sheet, figures, fmt, brand)
        path.write_text(svg_text(fig), encoding="utf-8")
        plt.close(fig)
    return path.read_text(encoding="utf-8")


def test_style_carries_the_brand_values(parts):
    _, _, _, brand, style = parts
    text = style.read_text(encoding="utf-8")
    with plt.style.context(str(style)):
        cycle = [c.lower() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert plt.rcParams["font.family"] == font_stack(brand, "body")
        assert plt.rcParams["svg.fonttype"] == "none"
    assert cycle[:2] == [brand["colours"][name].lower() for name in brand["chart_series"][:2]]
    assert "brand.yaml" in text


def test_chart_text_is_text_with_title_and_totals(parts, tmp_path):
    svg = save(parts, tmp_path / "chart.svg")
    sheet, figures, fmt, _, _ = parts
    title = chart_title(sheet, figures, fmt.labels)
    assert title == "Canada's Overall Contributions to the ILO, 2018-19"
    texts = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>.*?</text>", svg, re.DOTALL)]
    assert title.replace("'", "&#39;") in texts or title in texts
    # year totals above the bars: 16.0 and 19.5 million
    assert ">16.0<" in svg and ">19.5<" in svg
    # the period totals in the legend, rounded down: 21.0 and 14.5 million
    assert "US$\u00a021.0\u00a0million" in svg and "US$\u00a014.5\u00a0million" in svg


def test_bars_use_the_brand_series_colours(parts, tmp_path):
    svg = save(parts, tmp_path / "chart.svg").lower()
    _, _, _, brand, _ = parts
    for name in brand["chart_series"][:2]:
        assert f"fill: {brand['colours'][name].lower()}" in svg


def test_chart_is_deterministic_and_undated(parts, tmp_path):
    first = save(parts, tmp_path / "a.svg")
    second = save(parts, tmp_path / "b.svg")
    assert first == second
    assert not re.search(r"<dc:date>", first)


def test_arabic_is_outlined_with_the_fallback_font_and_font_lists_are_read_whole(parts, tmp_path):
    """The PDF stage's SVG renderer sets text letter by letter (Arabic would print unjoined, left to right) and
    reads a font list written with spaces as its first name only; an Arabic label is outlined instead."""
    sheet, figures, fmt, brand, style = parts
    label = "الدعم العام"
    arabic = sheet.model_copy(update={"streams": [sheet.streams[0].model_copy(update={"label": label}),
                                                  sheet.streams[1]]})
    svg = save((arabic, figures, fmt, brand, style), tmp_path / "chart.svg")
    texts = re.findall(r"<text[^>]*>.*?</text>", svg, re.DOTALL)
    assert texts and not any(re.search("[\u0600-\u06ff]", t) for t in texts)  # the legend's label is outlines
    assert any("Voluntary contributions" in t for t in texts)  # the other texts stay text
    assert "font-family: " + ",".join(f"'{name}'" for name in font_stack(brand, "body")) in svg
    cut = static_font(font_faces(brand)[0]).parent
    for name in font_stack(brand, "body"):  # matplotlib outlines with the brand's cut fonts, not its own
        assert Path(font_manager.findfont(name, fallback_to_default=False)).parent == cut


def legend_measures(figure) -> tuple:
    """What legend_too_wide measures of a figure's legend: its texts and their type, its spacing, the width."""
    legend = figure.legends[0]
    return ([(t.get_text(), t.get_fontsize(), t.get_fontfamily()) for t in legend.get_texts()],
            [getattr(legend, name) for name in ("handlelength", "handletextpad", "columnspacing", "borderpad",
                                                "borderaxespad")], figure.bbox.width)


@pytest.mark.parametrize(("language", "suffix", "too_wide"), [("en", "", False), ("es", "", True),
                                                            ("en", " and a longer label than any sheet has", True)])
def test_the_legend_measured_alone_fits_as_it_does_in_the_drawn_chart(parts, language, suffix, too_wide):
    """The one-column decision measures the legend in a figure of its own (legend_alone), not in the drawn chart:
    both give the same answer, for a legend that fits side by side (English) and for those that do not (the
    Spanish one, longer words)."""
    from factsheet.render.chart import legend_alone, legend_labels, legend_too_wide

    sheet, figures, _, brand, style = parts
    fmt = Formatter(language, load_labels(language))
    sheet = sheet.model_copy(update={"streams": [s.model_copy(update={"label": s.label + suffix})
                                                 for s in sheet.streams]})
    with plt.style.context(str(style)):
        drawn = draw(sheet, figures, fmt, brand)
        alone = legend_alone(legend_labels(sheet, figures, fmt))
        assert legend_measures(alone) == legend_measures(drawn)
        assert legend_too_wide(alone) == legend_too_wide(drawn)
        answers = legend_too_wide(drawn)
        plt.close(drawn)
        plt.close(alone)
    assert answers == too_wide
