"""The contributions chart: stacked bars per year, by stream, drawn with matplotlib and written as SVG (text kept
as text), in one design for every language of a sheet."""

import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager, patheffects, ticker  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from factsheet.model.checked import CheckedSheet  # noqa: E402
from factsheet.model.figures import Figures  # noqa: E402
from factsheet.model.markdown import typeset_model  # noqa: E402
from factsheet.model.sheet import Sheet  # noqa: E402
from factsheet.render.brand import UNICODE_RANGES, font_stack  # noqa: E402
from factsheet.render.formatting import Formatter, load_labels  # noqa: E402
from factsheet.render.palette import series_colours  # noqa: E402

LEFT_TO_RIGHT_MARK = "\u200e"
PHONE_EM_PER_CHARACTER = 0.55  # a character's mean width, for wrapping the phone drawing's title and legend
LEGEND_ROW_INCHES = 0.17  # the chart grows by one legend row per stream beyond two, keeping the bars' height
LEGEND_ROOM = 0.92  # of the figure's width: the PDF stage sets the SVG's text a little wider than matplotlib
LEGEND_STYLE = {"fontsize": "small", "handlelength": 1, "handleheight": 1, "columnspacing": 1.6, "borderaxespad": 0.2}


def register_fonts(fonts_dir: Path) -> None:
    """Make the brand's static fonts (written by the brand assets stage) known to matplotlib,
    which measures the chart's text with them."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in sorted(Path(fonts_dir).glob("*.ttf")):
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))


class axis_formatter(ticker.Formatter):  # noqa: N801 (a formatter is called like a function)
    """The y axis's numbers as the language writes them (2,5 ... 20,0 in French, 2.5 ... 20.0 in English), each
    with as many decimals as the finest tick needs; written out in full, never as an offset or in scientific
    notation."""

    def __init__(self, fmt: Formatter):
        self.fmt, self.places = fmt, 0

    def set_locs(self, locs) -> None:
        self.places = max((len(f"{loc:.6f}".rstrip("0").partition(".")[2]) for loc in locs), default=0)

    def __call__(self, value, pos=None) -> str:
        return self.fmt.decimal(value, self.places)


def chart_title(sheet: Sheet, figures: Figures, labels: dict) -> str:
    return labels["chart_title"].format(possessive=sheet.donor.possessive, period_short=figures.period.short)


def wrapped(text: str, size_pt: float, width_mm: float | None) -> str:
    """A text broken into lines that fit ``width_mm`` at ``size_pt`` (the phone drawing's title and legend, whose
    texts are longer than its width); as it is without a width."""
    import textwrap

    if not width_mm:
        return text
    return textwrap.fill(text, max(12, int(width_mm / 25.4 * 72 / (size_pt * PHONE_EM_PER_CHARACTER))),
                         break_long_words=False, break_on_hyphens=False)


def plain(text: str) -> str:
    """Text as typed: matplotlib reads a pair of '$' as mathematics unless they are escaped."""
    return text.replace("$", r"\$")


def needs_shaping(text: str) -> bool:
    """Whether a text holds a character beyond the role faces' ranges: one only a fallback font prints, of a
    script whose letters may join or run right to left (Arabic)."""
    return any(c >= " " and not any(first <= ord(c) <= last for first, last in UNICODE_RANGES) for c in text)


def outline_shaped_texts(fig: plt.Figure) -> None:
    """Draw every text of the chart that needs shaping as outlines, shaped by matplotlib (joined, right to left,
    with the brand's fallback font): the PDF stage's SVG renderer sets text letter by letter, which would print
    such a text unjoined and left to right. Every other text stays text."""
    for text in fig.findobj(Text):
        if needs_shaping(text.get_text()):
            text.set_text(LEFT_TO_RIGHT_MARK + text.get_text())  # read as the page is, left to right
            text.set_path_effects([patheffects.Normal()])  # a text with path effects is drawn as paths


def svg_text(fig: plt.Figure) -> str:
    """The figure as SVG, its font lists written without spaces ('Noto Sans','Noto Sans Arabic'): the PDF
    stage's SVG renderer reads the names after the first of a list written with spaces as other names."""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return re.sub(r"font-family: ([^;\"]+)", lambda m: "font-family: " + re.sub(r",\s+", ",", m.group(1)),
                  out.getvalue())


def draw(sheet: Sheet, figures: Figures, fmt: Formatter, brand: dict, height_mm: float | None = None,
         one_column: bool = False, width_mm: float | None = None) -> plt.Figure:
    """The chart as a matplotlib figure; call inside the brand style context.

    Stacked bars per year in the streams' colours (the cards' and the table's too); a year outside a
    stream's window has no segment of that stream. Two streams share a legend row unless ``one_column``
    (their entries would not fit side by side: see :func:`drawn`)."""
    labels = fmt.labels
    years = list(figures.by_year)
    legend_rows = 1 if len(sheet.streams) <= 2 and not one_column else len(sheet.streams)
    width, height = plt.rcParams["figure.figsize"]
    if height_mm:
        height = height_mm / 25.4
    if width_mm:
        width = width_mm / 25.4
    fig, ax = plt.subplots(layout="constrained", figsize=(width, height + (legend_rows - 1) * LEGEND_ROW_INCHES))
    bottoms = [0.0] * len(years)
    colours = series_colours(brand, len(sheet.streams))
    for stream, colour, label in zip(sheet.streams, colours, legend_labels(sheet, figures, fmt, width_mm), strict=True):
        present = [i for i, y in enumerate(years) if stream.id in figures.by_year[y]]
        values = [figures.by_year[years[i]][stream.id] / 1e6 for i in present]
        ax.bar(present, values, bottom=[bottoms[i] for i in present], width=0.62, label=label, linewidth=0,
               color=colour)
        for i, value in zip(present, values, strict=True):
            bottoms[i] += value
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_xlim(-0.6, len(years) - 0.4)
    small = len(years) > 10  # up to 15 years: smaller labels keep them apart
    for x, (year, top) in enumerate(zip(years, bottoms, strict=True)):
        if figures.by_year[year]:
            ax.annotate(fmt.millions(sum(figures.by_year[year].values())), (x, top), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontweight="bold",
                        fontsize="small" if small else None, color=brand["colours"]["dark-blue"])
    if small:
        ax.tick_params(axis="x", labelsize="small")
    ax.set_ylim(0, (max(bottoms) or 1) * 1.12)
    ax.yaxis.set_major_formatter(axis_formatter(fmt))  # the locale's numbers, never an offset or "1e9"
    ax.set_ylabel(plain(labels["chart_axis"]))
    title = wrapped(chart_title(sheet, figures, labels), plt.rcParams["axes.titlesize"], width_mm)
    fig.suptitle(plain(title), x=0.01, ha="left", fontfamily=font_stack(brand, "heading"),
                 fontsize=plt.rcParams["axes.titlesize"], fontweight="bold", color=brand["colours"]["dark-blue"])
    # Under the bars; two streams share one row, more get a row each so long labels never run off the chart.
    fig.legend(loc="outside lower left", ncols=1 if legend_rows > 1 or width_mm else 2, **LEGEND_STYLE)
    outline_shaped_texts(fig)
    return fig


def legend_labels(sheet: Sheet, figures: Figures, fmt: Formatter, width_mm: float | None = None) -> list[str]:
    """Each stream's legend entry: its label and total (and reporting window, when the streams' differ), broken
    into lines that fit a phone's chart ``width_mm`` wide."""
    labels = fmt.labels
    legend_pt = matplotlib.font_manager.FontProperties(size=LEGEND_STYLE["fontsize"]).get_size_in_points()
    entries = []
    for stream in sheet.streams:
        total = fmt.usd_millions(figures.totals[stream.id])
        if figures.same_windows:
            label = labels["chart_legend_total"].format(label=stream.label, total=total)
        else:
            label = labels["chart_legend_window"].format(label=stream.label, total=total,
                                                         window=figures.windows[stream.id].long)
        entries.append(plain(wrapped(label, legend_pt, width_mm and width_mm * LEGEND_ROOM)))
    return entries


def legend_too_wide(fig: plt.Figure) -> bool:
    """Whether the legend would run past the figure's edge (long labels side by side, as in Spanish): measured
    from its texts' widths, without drawing the figure."""
    legend = fig.legends[0]
    renderer = fig.canvas.get_renderer()
    texts = legend.get_texts()
    font_px = texts[0].get_fontsize() * fig.dpi / 72
    widths = [renderer.get_text_width_height_descent(t.get_text(), t.get_fontproperties(), ismath=False)[0]
              for t in texts]
    # each entry: its handle, the gap after it and the text; the columns' spacing between entries; the padding
    extras = len(texts) * (legend.handlelength + legend.handletextpad) + (len(texts) - 1) * legend.columnspacing \
        + 2 * (legend.borderpad + legend.borderaxespad)
    return sum(widths) + extras * font_px > LEGEND_ROOM * fig.bbox.width


def drawn(sheet: Sheet, figures: Figures, fmt: Formatter, brand: dict, height_mm: float | None = None,
          width_mm: float | None = None, one_column: bool | None = None) -> plt.Figure:
    """The chart, its legend entries side by side where they fit and one under the other where they do not
    (``one_column``: as decided for every language of the sheet, see :func:`legend_in_one_column`; a phone's
    chart, ``width_mm`` wide, has its legend in one column)."""
    if one_column is None and not width_mm:
        fig = draw(sheet, figures, fmt, brand, height_mm)
        if not (len(fig.legends[0].get_texts()) > 1 and legend_too_wide(fig)):
            return fig
        plt.close(fig)
        one_column = True
    return draw(sheet, figures, fmt, brand, height_mm, one_column=bool(one_column), width_mm=width_mm)


def legend_in_one_column(model: CheckedSheet, brand: dict) -> bool:
    """One chart design per sheet: whether its legend stands one entry per row, in every language alike if it
    must in any of them (a longer legend would make that language's chart taller, with other axis steps). Only
    the words and number formats then differ between the languages' charts."""
    for language in model.languages:
        edition = model.sheet(language)
        labels = load_labels(language)
        entries = legend_labels(edition, model.figures(labels), Formatter(language, labels))
        if len(entries) > 1:
            fig = legend_alone(entries)
            too_wide = legend_too_wide(fig)
            plt.close(fig)
            if too_wide:
                return True
    return False


def legend_alone(entries: list[str]) -> plt.Figure:
    """A figure of the chart's size with only its legend, entries side by side (as :func:`draw` would place
    them): enough to measure whether they fit, without drawing the bars and axes."""
    fig = plt.figure(layout="constrained", figsize=plt.rcParams["figure.figsize"])
    handles = [Rectangle((0, 0), 1, 1) for _ in entries]
    fig.legend(handles, entries, loc="outside lower left", ncols=2, **LEGEND_STYLE)
    outline_shaped_texts(fig)
    return fig


def chart_svgs(model: CheckedSheet, language: str | None, brand: dict, style_file: Path, fonts_dir: Path,
               drawings: list[tuple[float | None, float | None]]) -> list[str]:
    """The chart of ``model`` in ``language`` (one of the sheet's; by default the first) as SVG texts, one for
    each (height_mm, width_mm) of ``drawings`` (None: the brand's), in the brand's matplotlib style and fonts."""
    sheet = model.sheet(language)
    labels = load_labels(sheet.language)
    sheet = typeset_model(sheet, labels.get("typography"))  # Canada’s, as the page sets it
    figures = model.figures(labels)
    fmt = Formatter(sheet.language, labels)
    register_fonts(Path(fonts_dir))
    svgs = []
    with plt.style.context(str(style_file)):
        one_column = legend_in_one_column(model, brand)
        for height_mm, width_mm in drawings:
            fig = drawn(sheet, figures, fmt, brand, height_mm, width_mm, None if width_mm else one_column)
            svgs.append(svg_text(fig))
            plt.close(fig)
    return svgs
