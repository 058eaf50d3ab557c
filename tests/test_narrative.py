"""The Markdown subset (markdown.py) and narrative blocks filled with computed figures (narrative.py)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

from factsheet.errors import DataError
from factsheet.model import markdown
from factsheet.model.figures import Period
from factsheet.model.narrative import BLOCKS, environment, fill, load_blocks
from factsheet.render.formatting import Formatter, load_labels

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_SHEET_DIR = PROJECT_ROOT / "data" / "canada" / "2023"
NBSP = "\u00a0"
BLOCK_FILE = Path("/data/sheet/narrative/financial.md")


def same_file(shown: str, path: Path) -> bool:
    return (Path.cwd() / shown).resolve() == path.resolve()


@pytest.fixture(scope="module")
def env():
    return environment(Formatter("en", load_labels("en")).filters())


def fill_error(text: str, names: dict, env, path: Path = BLOCK_FILE) -> DataError:
    with pytest.raises(DataError) as info:
        fill(text, names, env, path)
    return info.value


def millions_down(amount: int) -> str:
    """US$ x.y million, rounded down to 0.1 million, by integer arithmetic."""
    tenths = amount // 100_000
    return f"US${NBSP}{tenths // 10:,}.{tenths % 10}{NBSP}million"


def real_figures() -> tuple[Period, dict[str, int]]:
    """The period and per-stream totals of the real contributions.csv, with the csv module only."""
    totals: dict[str, int] = {}
    years = set()
    with open(REAL_SHEET_DIR / "contributions.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            years.add(int(row["year"]))
            amount = int(row["amount_usd"].replace(",", ""))
            totals[row["stream"]] = totals.get(row["stream"], 0) + amount
    totals["overall"] = sum(totals.values())
    return Period(min(years), max(years)), totals


def real_names() -> dict:
    period, totals = real_figures()
    return {
        "donor": {"name": "Canada", "possessive": "Canada's"},
        "title": "Canada ILO cooperation",
        "edition_date": dt.date(2023, 6, 1),
        "period": period,
        "totals": {k: float(v) for k, v in totals.items()},
        "by_year": {},
        "streams": {"assessed": "Assessed contributions", "voluntary": "Voluntary contributions"},
    }


# ---------------------------------------------------------------- markdown


def test_heading_is_one_level_below_the_title():
    assert markdown.to_html("# Heading").strip() == "<h2>Heading</h2>"
    assert markdown.to_html("## Sub").strip() == "<h3>Sub</h3>"
    assert markdown.to_html("###### Deepest").strip() == "<h6>Deepest</h6>"


def test_paragraphs_emphasis_lists_and_links():
    html = markdown.to_html("Some **bold** and *italic*.\n\n- one\n- two\n\n[ILO](https://www.ilo.org)")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<ul>" in html and html.count("<li>") == 2
    assert '<a href="https://www.ilo.org">ILO</a>' in html


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "<b>x</b>", "a <b>x</b> c", '<img src="x.png">',
                                 "<div>\nblock\n</div>"])
def test_raw_html_is_shown_as_text(raw):
    html = markdown.to_html(raw)
    assert "<script" not in html and "<b>" not in html and "<img" not in html and "<div" not in html
    assert "&lt;" in html


def test_script_text_is_escaped_exactly():
    assert markdown.to_html("<script>alert(1)</script>").strip() == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


@pytest.mark.parametrize("text", ["![x](y.png)", 'Text ![photo](photos/a.jpg "title") more',
                                  "![x][ref]\n\n[ref]: y.png"])
def test_images_are_not_allowed(text):
    assert "<img" not in markdown.to_html(text)


def test_javascript_links_are_not_made_links():
    html = markdown.to_html("[click](javascript:alert(1))")
    assert "<a" not in html and "href" not in html


def test_inline_html_has_no_paragraph():
    assert markdown.inline_html("a **b** <i>c</i>") == "a <strong>b</strong> &lt;i&gt;c&lt;/i&gt;"


def test_split_heading():
    assert markdown.split_heading("# Title\n\nBody\nmore") == ("Title", "Body\nmore")
    assert markdown.split_heading("\n\n#   Spaced title  \nBody") == ("Spaced title", "Body")
    assert markdown.split_heading("No heading here\n\nBody\n") == (None, "No heading here\n\nBody")
    assert markdown.split_heading("## Sub heading\nBody") == (None, "## Sub heading\nBody")
    assert markdown.split_heading("#NoSpace\nBody") == (None, "#NoSpace\nBody")
    assert markdown.split_heading("# Only a heading") == ("Only a heading", "")


# ---------------------------------------------------------------- fill


def test_fill_formats_a_named_figure(env):
    names = {"totals": {"assessed": 54_643_557.0}, "period": Period(2018, 2022)}
    text = "Between {{ period.first }} and {{ period.last }}: {{ totals.assessed | usd_millions }}.\n"
    assert fill(text, names, env, BLOCK_FILE) == f"Between 2018 and 2022: US${NBSP}54.6{NBSP}million.\n"


def test_fill_other_filters(env):
    names = {"amount": 54_643_557.0, "when": dt.date(2023, 6, 1), "period": Period(2018, 2022)}
    text = "{{ amount | usd }} / {{ when | month_year }} / {{ period.short }} / {{ period }}"
    assert fill(text, names, env, BLOCK_FILE) == f"US${NBSP}54,643,557 / June 2023 / 2018-22 / 2018-2022"


def test_fill_leaves_markdown_alone(env):
    text = "# Heading\n\n- **bold** item, 50% & <more>\n"
    assert fill(text, {}, env, BLOCK_FILE) == text


@pytest.mark.parametrize(("text", "missing"), [("{{ totals.asessed }}", "asessed"), ("{{ nope }}", "nope"),
                                              ("{{ totals.assessed | usd_milions }}", "usd_milions")])
def test_unknown_name_names_the_file(env, text, missing):
    err = fill_error(text, {"totals": {"assessed": 1.0}}, env)
    [problem] = err.problems
    assert same_file(problem.file, BLOCK_FILE)
    assert missing in problem.message or missing in str(err)


def test_unknown_name_lists_the_known_names(env):
    [problem] = fill_error("{{ nope }}", {"totals": {}, "period": Period(2018, 2022)}, env).problems
    assert "'nope'" in problem.message
    assert "period" in problem.message and "totals" in problem.message


def test_syntax_error_names_a_line(env):
    [problem] = fill_error("{{ x ", {"x": 1}, env).problems
    assert same_file(problem.file, BLOCK_FILE)
    assert problem.where == "line 1"


def test_syntax_error_names_its_line(env):
    [problem] = fill_error("First line.\nSecond {{ 1 + }} line.\nThird.\n", {}, env).problems
    assert problem.where == "line 2"


@pytest.mark.parametrize("text", ['{{ "".__class__.__mro__ }}', '{{ "".__class__ }}',
                                  "{{ period.__init__.__globals__ }}", "{{ totals.__class__.__subclasses__() }}",
                                  "{{ ''.__class__.__mro__[1].__subclasses__() }}"])
def test_private_attributes_are_not_names(env, text):
    err = fill_error(text, {"totals": {"assessed": 1.0}, "period": Period(2018, 2022)}, env)
    [problem] = err.problems
    assert same_file(problem.file, BLOCK_FILE)
    assert text in problem.message
    assert "is not allowed" in problem.message or "which is not a name" in problem.message
    assert "<class" not in str(err)


def test_a_failing_filter_is_a_data_error(env):
    [problem] = fill_error("{{ 'many' | usd_millions }}", {}, env).problems
    assert same_file(problem.file, BLOCK_FILE)


# ---------------------------------------------------------------- load_blocks


@pytest.fixture
def sheet_dir(tmp_path) -> Path:
    folder = tmp_path / "sheet"
    shutil.copytree(REAL_SHEET_DIR, folder)
    return folder


def test_real_blocks_load(sheet_dir, env):
    blocks = load_blocks(sheet_dir, real_names(), env)
    assert set(blocks) == set(BLOCKS)
    assert len(blocks) == 5
    assert blocks["financial"]["heading"] == "Canada's financial contributions"
    assert blocks["partnership"]["heading"] == "Canada's contribution to the ILO's priorities"
    assert blocks["intro"]["heading"] is None
    for block in blocks.values():
        assert "{{" not in block["html"] and "}}" not in block["html"]
        if block["heading"] is not None:  # the heading was taken out of the text
            assert block["heading"] not in block["html"]


def test_financial_block_names_the_period_and_totals(sheet_dir, env):
    period, totals = real_figures()
    html = load_blocks(sheet_dir, real_names(), env)["financial"]["html"]
    assert f"Between {period.first} and {period.last}" in html
    assert html.count(str(period.first)) >= 2 and html.count(str(period.last)) >= 2
    assert millions_down(totals["assessed"]) in html
    assert millions_down(totals["voluntary"]) in html
    assert "<strong>Assessed contributions</strong>" in html
    assert html.count("<li>") == 2


def test_blocks_are_optional(sheet_dir, env):
    for name in ("intro", "commitments"):
        (sheet_dir / "narrative" / f"{name}.md").unlink()
    assert set(load_blocks(sheet_dir, real_names(), env)) == set(BLOCKS) - {"intro", "commitments"}


def test_extra_file_in_narrative_is_refused(sheet_dir, env):
    extra = sheet_dir / "narrative" / "notes.md"
    extra.write_text("Some notes.\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_blocks(sheet_dir, real_names(), env)
    [problem] = info.value.problems
    assert same_file(problem.file, extra)
    assert "'notes.md'" in problem.message
    assert "financial.md" in problem.message


def test_block_problems_are_reported_together(sheet_dir, env):
    folder = sheet_dir / "narrative"
    (folder / "intro.txt").write_text("wrong suffix\n", encoding="utf-8")
    (folder / "intro.md").write_text("Over {{ totals.asessed | usd_millions }}.\n", encoding="utf-8")
    (folder / "commitments.md").write_bytes("Genève\n".encode("latin-1"))
    with pytest.raises(DataError) as info:
        load_blocks(sheet_dir, real_names(), env)
    files = sorted(Path(p.file).name for p in info.value.problems)
    assert files == ["commitments.md", "intro.md", "intro.txt"]
