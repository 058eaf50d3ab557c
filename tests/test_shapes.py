"""Sheets of every shape: the corpus of tests/corpus/data (written by tests/corpus/make_corpus.py) beside the real
sheets, built once; each PDF must look finished (the blank-area measure), and a sheet whose streams report over
different windows must print each stream's own window everywhere.
"""

import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from conftest import CORPUS, ROOT, SHARED, outputs

BLANK_AREAS = SHARED / "tools" / "blank_areas.py"
SHEETS = sorted(f"{p.parent.name}-{p.name}" for p in [*CORPUS.glob("*/*"), *(ROOT / "data").glob("*/*")]
                if (p / "sheet.yaml").is_file())


def test_the_corpus_is_what_its_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(CORPUS.parent / "make_corpus.py"), str(tmp_path / "data")], check=True,
                   capture_output=True)
    written = {str(p.relative_to(tmp_path / "data")): p.read_bytes() for p in (tmp_path / "data").rglob("*")
               if p.is_file()}
    committed = {str(p.relative_to(CORPUS)): p.read_bytes() for p in CORPUS.rglob("*") if p.is_file()}
    assert written == committed, "run tests/corpus/make_corpus.py and commit its output"


@pytest.mark.skipif(not BLANK_AREAS.is_file(), reason="the shared blank-area tool is not beside the checkout")
@pytest.mark.parametrize("sheet", SHEETS)
def test_every_page_looks_finished(corpus_build, sheet):
    pdf = outputs(corpus_build).pdf(sheet)
    done = subprocess.run([sys.executable, str(BLANK_AREAS), "--last-max", "0.35", str(pdf)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("sheet", SHEETS)
def test_the_contact_panel_is_at_the_foot_of_the_last_page(corpus_build, sheet):
    reader = pypdf.PdfReader(outputs(corpus_build).pdf(sheet))
    last = reader.pages[-1]
    heights = []

    def visitor(text, cm, tm, font, size):
        if "Contact details" in text:
            heights.append(tm[5] * cm[3] + cm[5])

    last.extract_text(visitor_text=visitor)
    assert heights, "no contact panel on the last page"
    page_height = float(last.mediabox.height)
    assert heights[0] < page_height * 0.22, f"the contact panel starts at {heights[0]:.0f} pt of {page_height:.0f}"


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages)


def test_each_stream_names_its_own_window(corpus_build):
    pdf = outputs(corpus_build).pdf("windows-2024")
    text = _text(pdf)
    # the cards
    assert "Assessed contributions, 2015-2018" in text
    assert "Core voluntary funding (RBSA), 2018-2019" in text
    # the chart's title spans the sheet's window; the legend and the sentences name each stream's
    html = outputs(corpus_build).html("windows-2024-en").read_text(encoding="utf-8")
    assert "Core voluntary funding (RBSA) in total US$" in html and "(2018-2019)" in html
    assert "2015-2019" not in text  # no stream reports over the whole window: none is said to
    # metadata: the subject names every stream's window
    subject = pypdf.PdfReader(pdf).metadata["/Subject"]
    assert "Assessed contributions 2015-2018" in subject and "Core voluntary funding (RBSA) 2018-2019" in subject


def test_a_missing_year_and_a_year_without_payment_read_differently(corpus_build):
    html = outputs(corpus_build).html("windows-2024-en").read_text(encoding="utf-8")
    table = html[html.index('<table class="chart-data"'):html.index("</table>")]
    rows = {m.group(1): re.findall(r"<td>([^<]*)</td>", m.group(2))
            for m in re.finditer(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table)}
    years = re.findall(r'<th scope="col">(\d{4})</th>', table)
    assert years == ["2015", "2016", "2017", "2018", "2019"]
    assert rows["Core voluntary funding (RBSA)"][:3] == ["–", "–", "–"]  # before its window
    assert rows["Assessed contributions"][4] == "–"  # after its window
    assert rows["Earmarked voluntary contributions"][1] == "0.0"  # in its window, nothing paid


def test_the_chart_draws_no_segment_for_a_missing_year_and_keeps_labels_as_typed(tmp_path):
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from factsheet.model.figures import compute_for
    from factsheet.model.sheet import Sheet
    from factsheet.render.brand import load_brand, mplstyle
    from factsheet.render.chart import draw
    from factsheet.render.formatting import Formatter, load_labels

    sheet = Sheet.model_validate({
        "title": "T", "language": "en", "edition_date": "2024-06-01", "donor": {"name": "D", "possessive": "D's"},
        "streams": [{"id": "assessed", "label": "Assessed (US$ 1 = CA$ 1.35)", "window": {"first": 2015, "last": 2018}},
                    {"id": "rbsa", "label": "RBSA $core$", "window": {"first": 2018, "last": 2019}}],
        "chart": {"source": "S"}, "contact": {"organisation": "O"}})
    rows = [(y, "assessed", 1e6 * (y - 2010)) for y in range(2015, 2019)] + [(2018, "rbsa", 0.0), (2019, "rbsa", 2e6)]
    table = pd.DataFrame(rows, columns=["year", "stream", "amount_usd"])
    brand = load_brand()
    style = tmp_path / "brand.mplstyle"
    style.write_text(mplstyle(brand), encoding="utf-8")
    with plt.style.context(str(style)):
        fig = draw(sheet, compute_for(table, sheet), Formatter("en", load_labels("en")), brand)
        assessed, rbsa = fig.axes[0].containers
        assert [round(p.get_x() + p.get_width() / 2) for p in assessed] == [0, 1, 2, 3]  # 2015-2018
        assert [round(p.get_x() + p.get_width() / 2) for p in rbsa] == [3, 4]  # 2018 (0 paid) and 2019
        assert [p.get_height() for p in rbsa] == [0.0, 2.0]
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        fig.savefig(tmp_path / "chart.svg", format="svg")
        plt.close(fig)
    assert legend[0].startswith("Assessed (US\\$ 1 = CA\\$ 1.35), 2015-2018: US\\$")  # escaped for matplotlib
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "RBSA $core$, 2018-2019: US$" in svg  # printed as typed, not as mathematics


def test_cards_chart_and_table_share_each_streams_colour(corpus_build):
    from factsheet.render.brand import load_brand
    from factsheet.render.palette import series_colours

    colours = series_colours(load_brand(), 4)
    svg = outputs(corpus_build).chart("four-streams-2024-en").read_text(encoding="utf-8").lower()
    html = outputs(corpus_build).html("four-streams-2024-en").read_text(encoding="utf-8")
    for number, colour in enumerate(colours, start=1):
        assert f"fill: {colour.lower()}" in svg, f"stream {number}'s colour {colour} is not in the chart"
        assert f".stream-{number} {{ --stream-fill: {colour};" in html
    assert html.count('class="key-figure stream-') == 4
    assert len(re.findall(r'<tr class="stream-\d">', html)) == 4
