"""What a sheet may cost: the limits that keep any build within a minute (each refused fast, on one line),
special files refused unread, and amounts beyond the plausible bound. In-process, through
validate.checked_sheet on a copy of data/canada/2023 (bench/worst_inputs.py measures whole builds)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
import yaml

from bench import worst_inputs  # the bench's worst Markdown, at the limits
from factsheet.errors import DataError
from factsheet.model import markdown
from factsheet.model.contributions import PLAUSIBLE_MAX_USD
from factsheet.model.sheet import MAX_LIST_ITEMS, MAX_PROJECTS, MAX_QUOTES, MAX_TEXT_BYTES, read_text
from factsheet.model.validate import MAX_LANGUAGE_TEXT_BYTES, checked_sheet

from conftest import CANADA, ROOT, first_language_only

PROJECT = "projects/01-jordan-garment-trade-unions.md"
QUOTE = "quotes/01-leila-omrani.md"
FAST = 5  # seconds: a refusal, or a check of the worst input that passes, takes far less


@pytest.fixture
def sheet(tmp_path) -> Path:
    return Path(shutil.copytree(CANADA, tmp_path / "data" / "canada" / "2023"))


def problems_of(folder: Path, **settings) -> list[str]:
    start = time.monotonic()
    with pytest.raises(DataError) as info:
        checked_sheet(folder, **settings)
    assert time.monotonic() - start < FAST
    lines = [str(p) for p in info.value.problems]
    assert all("\n" not in line for line in lines)
    return lines


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- cost: sizes and counts ---------------------------------------------------------------------------------------

def test_a_text_over_the_size_limit_is_refused_unread(sheet):
    (sheet / "narrative" / "intro.md").write_text("[" * (MAX_TEXT_BYTES + 1), encoding="utf-8")
    lines = problems_of(sheet)
    assert any(line.startswith(str(sheet / "narrative" / "intro.md")) and f"at most {MAX_TEXT_BYTES:,} bytes" in line
               for line in lines), lines


def test_the_texts_of_one_language_together_are_limited(sheet):
    size = MAX_LANGUAGE_TEXT_BYTES // 4
    for name in ("intro", "partnership", "priorities", "commitments", "financial"):
        (sheet / "narrative" / f"{name}.fr.md").write_text("Un texte. " * (size // 10), encoding="utf-8")
    [line] = problems_of(sheet)
    assert "the fr texts" in line and f"at most {MAX_LANGUAGE_TEXT_BYTES:,}" in line


@pytest.mark.parametrize("folder, source, most", [("projects", PROJECT, MAX_PROJECTS), ("quotes", QUOTE, MAX_QUOTES)])
def test_more_projects_or_quotes_than_the_layout_is_made_for_are_refused(sheet, folder, source, most):
    first_language_only(sheet)  # short copies, without translations to write
    present = len(list((sheet / folder).glob("*.md")))
    front = re.match(r"---\n.*?\n---\n", (sheet / source).read_text(encoding="utf-8"), re.DOTALL).group(0)
    for number in range(most + 1 - len([p for p in (sheet / folder).glob("*.md") if p.stem.count(".") == 0])):
        (sheet / folder / f"{50 + number}-copy-{number}.md").write_text(front + "A short text.\n", encoding="utf-8")
    assert len(list((sheet / folder).glob("*.md"))) > present
    lines = problems_of(sheet)
    assert any(f"{folder}: the folder holds {most + 1} texts; expected at most {most}" in line for line in lines), lines


@pytest.mark.parametrize("key", ["countries", "priority_areas"])
def test_a_list_of_sheet_yaml_longer_than_a_page_shows_is_refused(sheet, key):
    path = sheet / "sheet.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = "".join(f"  - Item {i}\n" for i in range(MAX_LIST_ITEMS[key] + 1))
    text = re.sub(rf"^{key}:\n(?:  - .*\n)+", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    path.write_text(text + f"\n{key}:\n{items}", encoding="utf-8")
    assert key not in data or len(data[key]) <= MAX_LIST_ITEMS[key]
    lines = problems_of(sheet)
    assert any(f"sheet.yaml, key {key}" in line for line in lines), lines


@pytest.mark.parametrize("text, expected, line", [
    ("".join("  " * i + "- item\n" for i in range(markdown.MAX_BLOCK_NESTING + 1)), "nested",
     3 + markdown.MAX_BLOCK_NESTING),
    (">" * (markdown.MAX_BLOCK_NESTING + 1) + " quoted", "nested", 3),
    ("*a " * (markdown.MAX_INLINE_NESTING + 1) + "b" + "* c" * (markdown.MAX_INLINE_NESTING + 1), "nested", 3),
    ("[a](https://example.org) " * (markdown.MAX_LINKS + 1), f"expected at most {markdown.MAX_LINKS}", 3),
    ("words\n" + "[" * (markdown.MAX_MARKS["["] + 1), f"expected at most {markdown.MAX_MARKS['[']}", 4),
    ("words\n\nx" + "y" * markdown.MAX_RUN, f"expected words of at most {markdown.MAX_RUN} characters", 5),
])
def test_markdown_nested_or_linked_past_the_limits_is_refused_with_its_line(sheet, text, expected, line):
    (sheet / "narrative" / "intro.md").write_text("A first line.\n\n" + text, encoding="utf-8")
    lines = problems_of(sheet)
    assert any(found.startswith(f"{sheet / 'narrative' / 'intro.md'}, line {line}: ") and expected in found
               for found in lines), lines


@pytest.mark.parametrize("pattern", worst_inputs.PATTERNS, ids=lambda p: p.__name__.strip("_"))
def test_pathological_markdown_at_the_limits_is_cheap(sheet, pattern):
    """The parser's worst cases (runs of brackets or emphasis that never close) grow with the square of a
    text's length: with texts at the size limit and every language's texts at theirs, the check stays fast."""
    worst_inputs.fill_texts(sheet, ("narrative", "projects", "quotes"), [pattern])
    start = time.monotonic()
    try:
        assert checked_sheet(sheet)[0]["narrative"]
    except DataError as err:  # too many brackets, say: refused, on one line each
        assert all("\n" not in str(p) for p in err.problems)
    assert time.monotonic() - start < FAST


def test_texts_over_the_limit_of_a_language_are_refused_before_they_are_read(sheet):
    for path in (sheet / "narrative").glob("*.md"):
        path.write_text(worst_inputs.PATTERNS[0](MAX_TEXT_BYTES), encoding="utf-8")
    lines = problems_of(sheet)
    assert all("texts" in found and f"at most {MAX_LANGUAGE_TEXT_BYTES:,}" in found for found in lines), lines


# --- special files ---------------------------------------------------------------------------------------------------

def check_in_time(folder: Path, pipes: list[Path], check=checked_sheet) -> list[str]:
    """The problems ``check`` finds in ``folder``, the check run aside and given FAST seconds; a check left
    waiting on a named pipe is released (a writer opened and closed) before the test fails."""
    outcome = {}

    def run():
        try:
            check(folder)
            outcome["lines"] = []
        except DataError as err:
            outcome["lines"] = [str(p) for p in err.problems]

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(FAST)
    if worker.is_alive():
        for pipe in pipes:
            with contextlib.suppress(OSError):
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(FAST)
        pytest.fail("the check waited on a named pipe")
    return outcome["lines"]


@pytest.mark.parametrize("name", ["narrative/intro.md", "contributions.csv", "sheet.yaml"])
def test_a_named_pipe_in_place_of_a_file_is_refused_unread(sheet, name):
    (sheet / name).unlink()
    os.mkfifo(sheet / name)
    lines = check_in_time(sheet, [sheet / name])
    assert any(f"{name.split('/')[-1]!r} is a named pipe, not a file" in line for line in lines), lines


def test_read_text_refuses_a_named_pipe(tmp_path):
    os.mkfifo(tmp_path / "intro.md")
    [line] = check_in_time(tmp_path / "intro.md", [tmp_path / "intro.md"], lambda path: read_text(path, tmp_path))
    assert "'intro.md' is a named pipe" in line


# --- plausibility ---------------------------------------------------------------------------------------------------

def test_an_amount_beyond_the_plausible_bound_is_refused_naming_the_bound(sheet):
    path = sheet / "contributions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    year, stream, *_ = lines[4].split(",")
    typed = str(PLAUSIBLE_MAX_USD * 100_000 - 1)
    lines[4] = f"{year},{stream},{typed},"
    path.write_text("\n".join(lines), encoding="utf-8")
    [line] = problems_of(sheet)
    assert line == (f"{path}, row 5, column amount_usd: {typed} is more than the plausible bound of "
                    f"US$ {PLAUSIBLE_MAX_USD:,} a row (setting plausible_max_usd in config/config.yaml); "
                    + line.split("; ", 1)[1])


def test_the_plausible_bound_is_a_setting_reaching_the_check(sheet, tmp_path):
    from factsheet.stages import check_sheet

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert config["plausible_max_usd"] == PLAUSIBLE_MAX_USD
    workflow = "".join(p.read_text(encoding="utf-8") for p in [ROOT / "Snakefile", *(ROOT / "rules").glob("*.smk")])
    assert 'plausible_max_usd=config["plausible_max_usd"]' in workflow
    largest = max(float(a.replace(",", "")) for a in
                  re.findall(r'"([\d,]+)"', (sheet / "contributions.csv").read_text(encoding="utf-8")))
    with pytest.raises(DataError) as info:
        check_sheet.main(sheet, tmp_path / "checked.json", plausible_max_usd=largest - 1)
    assert f"plausible bound of US$ {largest - 1:,.0f}" in str(info.value)
    assert not (tmp_path / "checked.json").exists()


def test_the_chart_shows_millions_without_an_offset_or_powers_of_ten(tmp_path):
    """Amounts at a bound raised a hundred thousand times (the setting allows it): the axis still reads in
    plain millions."""
    from factsheet.model.figures import compute
    from factsheet.model.sheet import load_sheet
    from factsheet.render.brand import font_faces, load_brand, mplstyle, static_font
    from factsheet.render.chart import draw, register_fonts, svg_text
    from factsheet.render.formatting import Formatter, load_labels

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    amount = PLAUSIBLE_MAX_USD * 100_000 - 1
    table = pd.DataFrame({"year": [2018, 2018, 2019, 2019], "stream": ["assessed", "voluntary"] * 2,
                          "amount_usd": [amount, amount * 0.9, amount * 0.8, amount], "note": [""] * 4})
    brand = load_brand()
    style = tmp_path / "brand.mplstyle"
    style.write_text(mplstyle(brand), encoding="utf-8")
    register_fonts([static_font(face) for face in font_faces(brand)][0].parent)
    with plt.style.context(str(style)):
        fig = draw(load_sheet(CANADA / "sheet.yaml"), compute(table, ["assessed", "voluntary"]),
                   Formatter("en", load_labels("en")), brand)
        svg = svg_text(fig)
        plt.close(fig)
    texts = [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text\b.*?</text>", svg, flags=re.DOTALL)]
    ticks = [t for t in texts if re.fullmatch(r"[\d,.\s\u2212−]+", t)]
    assert ticks, texts
    assert not [t for t in texts if re.search(r"\d e[+−-]?\d|\de\d|×\s*10", t)], texts
    assert max(float(re.sub(r"[^\d.]", "", t)) for t in ticks if re.sub(r"[^\d.]", "", t)) > 1e6


def test_a_table_wrong_in_every_row_is_reported_in_lines_a_person_reads():
    """Every problem is found, but a file's are printed 30 at most, then one line counts the rest."""
    from factsheet.errors import SHOWN_PER_FILE, Problem, shown_lines

    problems = [Problem("data/x/2023/contributions.csv", f"row {n}, column year", "'x' is not a year")
                for n in range(2, 10_002)] + [Problem("data/x/2023/sheet.yaml", "key title", "missing")]
    lines = shown_lines(problems)
    assert len(lines) == SHOWN_PER_FILE + 2
    assert lines[-1].startswith("error: data/x/2023/contributions.csv: 9,970 more problems of this file")
    assert "error: data/x/2023/sheet.yaml, key title: missing" in lines
    assert len(shown_lines(problems, debug=True)) == len(problems)  # FACTSHEET_DEBUG=1: every one
