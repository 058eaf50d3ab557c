"""Hostile and unusual inputs, checked in-process through validate.check_sheet on a copy of data/canada/2023.

Each hostile case breaks the copy in one way; the check must refuse it with one-line problems that name the
file and the place (and the value where there is one), fast, without a traceback. Categories: confinement
(links leaving the sheet's or the templates' folder), the {{ }} expression language, the Markdown subset, YAML,
table size and Excel, CSV formula neutralisation, photos. Valid edge inputs must still pass.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from factsheet.errors import DataError
from factsheet.model import checked
from factsheet.model.contributions import MAX_ROWS, MAX_TABLE_BYTES, neutralised_csv, read_raw, tidy, write_tidy
from factsheet.model.markdown import MAX_RUN
from factsheet.model.sheet import MAX_PHOTO_PIXELS, MAX_TEXT_BYTES, MAX_YAML_DEPTH, load_sheet
from factsheet.model.validate import checked_sheet
from factsheet.render import fetcher as fetcher_module
from factsheet.render.brand import load_brand, logo_in
from factsheet.render.fetcher import ResourceRefused, SandboxedFetcher, print_size

from conftest import CANADA, ROOT, first_language_only

SHEET = Path("canada") / "2023"
PROJECT = "projects/01-jordan-garment-trade-unions.md"
QUOTE = "quotes/01-leila-omrani.md"


@pytest.fixture
def sheet(tmp_path) -> Path:
    folder = tmp_path / "data" / SHEET
    shutil.copytree(CANADA, folder)
    # The cases edit English texts, which makes their translations stale: a warning here, so that each case's
    # own problem is the one reported (test_translations.py tests stale translations).
    with (folder / "sheet.yaml").open("a", encoding="utf-8") as sheet_file:
        sheet_file.write("stale: warn\n")
    return folder


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the sheet's data folder, where links may point."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# --- edit helpers -------------------------------------------------------------------------------------------------

def replace(sheet: Path, file: str, old: str, new: str) -> None:
    path = sheet / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(sheet: Path, file: str, text: str) -> None:
    path = sheet / file
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def write(sheet: Path, file: str, text: str) -> None:
    (sheet / file).write_text(text, encoding="utf-8")


def add_front_matter(sheet: Path, file: str, lines: str) -> None:
    replace(sheet, file, "---\n", "---\n" + lines)


def add_photo(sheet: Path, file: str, project: str = PROJECT) -> None:
    add_front_matter(sheet, project, f"photo:\n  file: {file}\n  caption: A training\n  credit: ILO\n")


def link_out(sheet: Path, outside: Path, file: str, content: str | None = None, folder: bool = False) -> None:
    """Replace ``file`` of the sheet by a link to a copy (or a folder) outside the sheet's folder."""
    source = sheet / file
    target = outside / source.name
    if folder:
        shutil.copytree(source, target) if source.exists() else target.mkdir()
        shutil.rmtree(source, ignore_errors=True)
    else:
        target.write_bytes(content.encode() if content is not None else source.read_bytes())
        source.unlink(missing_ok=True)
    source.symlink_to(target, target_is_directory=folder)


def first_line_with(sheet: Path, file: str, text: str) -> int:
    lines = (sheet / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def xlsx(sheet: Path, extra: dict[str, object]) -> None:
    """contributions.xlsx with the real table's cells, and ``extra`` cells (coordinate -> value)."""
    import csv

    book = openpyxl.Workbook()
    ws = book.active
    with open(sheet / "contributions.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            ws.append(row)
    for coordinate, value in extra.items():
        ws[coordinate] = value
    (sheet / "contributions.csv").unlink()
    book.save(sheet / "contributions.xlsx")


def many_rows(sheet: Path, rows: int) -> None:
    lines = ["year,stream,amount_usd,note"]
    lines += [f"{2018 + (i // 2) % 5},{('assessed', 'voluntary')[i % 2]},{1000 + i},row {i}" for i in range(rows)]
    write(sheet, "contributions.csv", "\n".join(lines) + "\n")


def deep_yaml(levels: int) -> str:
    return "deep: " + "[" * levels + "x" + "]" * levels + "\n"


# --- the hostile cases --------------------------------------------------------------------------------------------
# (id, edit(sheet, outside), file the problem names, its place (None: not checked), substrings of the message)

CASES = [
    # confinement
    ("narrative-link-to-etc-passwd", lambda s, o: (s / "narrative/intro.md").unlink() or
     (s / "narrative/intro.md").symlink_to("/etc/passwd"),
     "narrative/intro.md", "", ["'intro.md' is a link to a file outside the sheet's folder", "expected"]),
    ("quotes-folder-link-to-etc", lambda s, o: shutil.rmtree(s / "quotes") or (s / "quotes").symlink_to("/etc"),
     "quotes", "", ["'quotes' is a link to a file outside the sheet's folder"]),
    ("narrative-folder-link", lambda s, o: link_out(s, o, "narrative", folder=True),
     "narrative", "", ["'narrative' is a link to a file outside the sheet's folder"]),
    ("projects-folder-link", lambda s, o: link_out(s, o, "projects", folder=True),
     "projects", "", ["'projects' is a link to a file outside the sheet's folder"]),
    ("project-file-link", lambda s, o: link_out(s, o, PROJECT),
     PROJECT, "", ["is a link to a file outside the sheet's folder"]),
    ("quote-file-link", lambda s, o: link_out(s, o, QUOTE),
     QUOTE, "", ["is a link to a file outside the sheet's folder"]),
    ("table-link", lambda s, o: link_out(s, o, "contributions.csv"),
     "contributions.csv", "", ["'contributions.csv' is a link to a file outside the sheet's folder"]),
    ("sheet-yaml-link", lambda s, o: link_out(s, o, "sheet.yaml"),
     "sheet.yaml", "", ["'sheet.yaml' is a link to a file outside the sheet's folder"]),
    ("photos-folder-link", lambda s, o: (Image.new("RGB", (40, 30)).save(o / "a.jpg"), (s / "photos")
                                          .symlink_to(o, target_is_directory=True), add_photo(s, "photos/a.jpg")),
     "photos", "", ["'photos' is a link to a file outside the sheet's folder"]),
    ("photo-file-link", lambda s, o: (Image.new("RGB", (40, 30)).save(o / "a.jpg"), (s / "photos").mkdir(),
                                      (s / "photos/a.jpg").symlink_to(o / "a.jpg"), add_photo(s, "photos/a.jpg")),
     PROJECT, "key photo.file", ["'photos/a.jpg' is a link to a file outside the sheet's folder"]),
    ("photo-path-climbs-out", lambda s, o: (Image.new("RGB", (40, 30)).save(o / "a.jpg"),
                                            add_photo(s, "../../../elsewhere/a.jpg")),
     PROJECT, "key photo.file", ["'../../../elsewhere/a.jpg' lies outside the sheet's folder"]),
    ("narrative-link-loop", lambda s, o: (s / "narrative/loop.md").symlink_to("loop.md"),
     "narrative/loop.md", "", ["'loop.md' is a link that leads round a loop of links", "replace the link"]),
    ("narrative-link-dangling", lambda s, o: (s / "narrative/intro.md").unlink() or
     (s / "narrative/intro.md").symlink_to("gone.md"),
     "narrative/intro.md", "", ["'intro.md' is a link that leads to 'gone.md', which does not exist"]),
    ("project-link-loop-of-two", lambda s, o: ((s / "projects/09-a.md").symlink_to("09-b.md"),
                                               (s / "projects/09-b.md").symlink_to("09-a.md")),
     "projects/09-a.md", "", ["'09-a.md' is a link that leads round a loop of links"]),
    ("quotes-folder-link-loop", lambda s, o: shutil.rmtree(s / "quotes") or (s / "quotes").symlink_to("quotes"),
     "quotes", "", ["'quotes' is a link that leads round a loop of links"]),
    ("table-link-loop", lambda s, o: (s / "contributions.csv").unlink() or
     (s / "contributions.csv").symlink_to("contributions.csv"),
     "contributions.csv", "", ["a loop of links"]),
    ("photo-link-dangling", lambda s, o: ((s / "photos").mkdir(), (s / "photos/a.jpg").symlink_to(o / "gone.jpg"),
                                          add_photo(s, "photos/a.jpg")),
     "photos/a.jpg", "", ["gone.jpg', which does not exist"]),
    # the {{ }} expression language
    ("statement-nested-loops", lambda s, o: append(s, "narrative/intro.md", "{% for a in range(100000) %}{% for b in "
                                                   "range(100000) %}x{% endfor %}{% endfor %}\n"),
     "narrative/intro.md", "line {last}", ["statements are not allowed in a text; expected only {{ name }}"]),
    ("statement-include", lambda s, o: append(s, "narrative/intro.md", "{% include 'sheet.yaml' %}\n"),
     "narrative/intro.md", "line {last}", ["statements are not allowed"]),
    ("statement-comment", lambda s, o: append(s, "narrative/intro.md", "{# a note #}\n"),
     "narrative/intro.md", "line {last}", ["statements are not allowed"]),
    ("expression-huge-string", lambda s, o: append(s, "narrative/intro.md", "{{ 'x' * 10**11 }}\n"),
     "narrative/intro.md", "line {last}", ["{{ 'x' * 10**11 }} is not allowed", "arithmetic"]),
    ("expression-arithmetic", lambda s, o: append(s, "narrative/intro.md", "{{ totals.overall * 2 }}\n"),
     "narrative/intro.md", "line {last}", ["{{ totals.overall * 2 }} is not allowed", "arithmetic"]),
    ("expression-call", lambda s, o: append(s, "narrative/intro.md", "{{ donor.name.upper() }}\n"),
     "narrative/intro.md", "line {last}", ["{{ donor.name.upper() }} is not allowed", "calls"]),
    ("expression-condition", lambda s, o: append(s, "narrative/intro.md", "{{ title if period else donor }}\n"),
     "narrative/intro.md", "line {last}", ["{{ title if period else donor }} is not allowed"]),
    ("expression-list-literal", lambda s, o: append(s, "narrative/intro.md", "{{ [title, title] }}\n"),
     "narrative/intro.md", "line {last}", ["{{ [title, title] }} is not allowed"]),
    ("expression-jinja-filter", lambda s, o: append(s, "narrative/intro.md", "{{ donor.name | upper }}\n"),
     "narrative/intro.md", "line {last}", ["{{ donor.name | upper }} names 'upper'", "usd_millions"]),
    ("expression-filter-keyword", lambda s, o: append(s, "narrative/intro.md",
                                                      "{{ totals.overall | usd(x=1) }}\n"),
     "narrative/intro.md", "line {last}", ["{{ totals.overall | usd(x=1) }} is not allowed"]),
    ("expression-filter-on-text", lambda s, o: append(s, "narrative/intro.md", "{{ title | usd_millions }}\n"),
     "narrative/intro.md", "line {last}", ["{{ title | usd_millions }} is not allowed", "cannot format"]),
    ("expression-variable-key", lambda s, o: append(s, "narrative/intro.md", "{{ by_year[period].assessed }}\n"),
     "narrative/intro.md", "line {last}", ["{{ by_year[period].assessed }} is not allowed", "[key]"]),
    ("expression-missing-year", lambda s, o: append(s, "narrative/intro.md", "{{ by_year[1999].assessed }}\n"),
     "narrative/intro.md", "line {last}", ["names '1999', which is not a name of by_year", "2018"]),
    ("expression-method-of-dict", lambda s, o: append(s, "narrative/intro.md", "{{ totals.items }}\n"),
     "narrative/intro.md", "line {last}", ["names 'items', which is not a name of totals", "overall"]),
    ("expression-second-of-line", lambda s, o: append(s, "narrative/intro.md",
                                                      "From {{ period.first }} on, {{ totals.overal }}.\n"),
     "narrative/intro.md", "line {last}", ["{{ totals.overal }} names 'overal'"]),
    ("expression-unclosed", lambda s, o: append(s, "narrative/intro.md", "Over {{ totals.overall\n"),
     "narrative/intro.md", "line {last}", ["has no closing }}"]),
    ("expression-too-long", lambda s, o: append(s, "narrative/intro.md", "{{ " + "(" * 300 + "title" + ")" * 300
                                                + " }}\n"),
     "narrative/intro.md", "line {last}", ["is not allowed", "longer than 200 characters"]),
    ("expression-in-project", lambda s, o: append(s, PROJECT, "\nIt reached {{ totals.overal | usd }}.\n"),
     PROJECT, "line {last}", ["{{ totals.overal | usd }} names 'overal'"]),
    ("expression-in-quote", lambda s, o: append(s, QUOTE, " {{ lipsum }}\n"),
     QUOTE, "line {last}", ["{{ lipsum }} names 'lipsum', which is not a name a text can use"]),
    # the Markdown subset
    ("markdown-image", lambda s, o: append(s, "narrative/intro.md", "\nSee ![a map](photos/map.png).\n"),
     "narrative/intro.md", "line {last}", ["'![a map](photos/map.png)'", "photo: field"]),
    ("markdown-table", lambda s, o: append(s, "narrative/intro.md", "\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
     "narrative/intro.md", "line {last-2}", ["tables are not supported"]),
    ("markdown-inline-html", lambda s, o: append(s, "narrative/intro.md", "\nA <span style='x'>word</span>.\n"),
     "narrative/intro.md", "line {last}", ["\"<span style='x'>\"", "HTML is not supported"]),
    ("markdown-html-block", lambda s, o: append(s, "narrative/intro.md", "\n<div>\nblock\n</div>\n"),
     "narrative/intro.md", "line {last-2}", ["'<div>'", "HTML is not supported"]),
    ("markdown-deep-heading", lambda s, o: append(s, "narrative/intro.md", "\n## A sub-section\n"),
     "narrative/intro.md", "line {last}", ["heading of level 2", "'# Heading'"]),
    ("markdown-fenced-code", lambda s, o: append(s, "narrative/intro.md", "\n```\ncode\n```\n"),
     "narrative/intro.md", "line {last-2}", ["code blocks are not supported"]),
    ("markdown-indented-code", lambda s, o: append(s, "narrative/intro.md", "\n    indented text\n"),
     "narrative/intro.md", "line {last}", ["indented by four spaces"]),
    ("markdown-image-in-project", lambda s, o: append(s, PROJECT, "\n![x](y.png)\n"),
     PROJECT, "line {last}", ["'![x](y.png)'"]),
    ("markdown-html-in-quote", lambda s, o: append(s, QUOTE, "\n\n<script>alert(1)</script>\n"),
     QUOTE, "line {last}", ["'<script>alert(1)</script>'", "HTML is not supported"]),
    # YAML
    ("yaml-deep-flow", lambda s, o: append(s, "sheet.yaml", deep_yaml(2000)),
     "sheet.yaml", "line {last}", [f"nested deeper than {MAX_YAML_DEPTH} levels"]),
    ("yaml-deep-block", lambda s, o: append(s, "sheet.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(60))),
     "sheet.yaml", None, [f"nested deeper than {MAX_YAML_DEPTH} levels"]),
    ("yaml-alias-bomb", lambda s, o: append(s, "sheet.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\n"
                                            + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                                                      for p, c in zip("abcdefgh", "bcdefghi", strict=True))),
     "sheet.yaml", None, ["aliases (*name) are not allowed"]),
    ("yaml-huge-file", lambda s, o: append(s, "sheet.yaml", "# padding\n" * (MAX_TEXT_BYTES // 10)),
     "sheet.yaml", "", [f"larger than {MAX_TEXT_BYTES:,} bytes"]),
    ("yaml-deep-front-matter", lambda s, o: add_front_matter(s, PROJECT, deep_yaml(200)),
     PROJECT, "line 2", ["nested deeper than"]),
    ("yaml-unknown-nested-key", lambda s, o: replace(s, "sheet.yaml", "  possessive:", "  posessive:"),
     "sheet.yaml", "key donor.posessive", ["unknown key 'posessive'; expected one of name, possessive"]),
    ("yaml-unknown-top-key", lambda s, o: append(s, "sheet.yaml", "years: 5\n"),
     "sheet.yaml", "key years",
     ["unknown key 'years'; expected one of title, languages, language, fallback, edition_date"]),
    ("yaml-unknown-front-matter-key", lambda s, o: add_front_matter(s, PROJECT, "year: 2020\n"),
     PROJECT, "key year", ["unknown key 'year'; expected one of partner, title, countries, featured, photo"]),
    ("yaml-language-no", lambda s, o: replace(s, "sheet.yaml", "languages: [en, fr, es]", "languages: [en, no]"),
     "sheet.yaml", "key languages", ["'no' has no labels file"]),
    ("huge-narrative", lambda s, o: append(s, "narrative/intro.md", "word " * (MAX_TEXT_BYTES // 5)),
     "narrative/intro.md", "", [f"larger than {MAX_TEXT_BYTES:,} bytes"]),
    # table size and Excel
    ("table-200000-rows", lambda s, o: many_rows(s, 200_000),
     "contributions.csv", "", [f"the table has 200,000 rows; expected at most {MAX_ROWS:,}"]),
    ("table-too-large", lambda s, o: append(s, "contributions.csv", "#" * (MAX_TABLE_BYTES + 1)),
     "contributions.csv", "", [f"larger than {MAX_TABLE_BYTES:,} bytes"]),
    ("excel-stray-cell-far-right", lambda s, o: xlsx(s, {"XFD7": "x"}),
     "contributions.xlsx", "worksheet 'Sheet', cell XFD7", ["holds 'x' outside the table's columns A-D"]),
    ("excel-stray-cell-last-row", lambda s, o: xlsx(s, {"XFD1048576": 1}),
     "contributions.xlsx", "worksheet 'Sheet', cell XFD1048576", ["outside the table's columns A-D"]),
    ("excel-stray-cell-in-header-row", lambda s, o: xlsx(s, {"H1": "comment"}),
     "contributions.xlsx", "worksheet 'Sheet', cell H1", ["holds 'comment' outside the table's columns A-D"]),
    ("excel-too-many-rows", lambda s, o: xlsx(s, {f"A{r}": 2018 for r in range(12, MAX_ROWS + 20)}),
     "contributions.xlsx", "", [f"expected at most {MAX_ROWS:,}"]),
    # characters that reorder or hide what is shown, and words longer than a line
    ("bidi-override-in-title", lambda s, o: replace(s, "sheet.yaml", "title: Canada ILO cooperation",
                                                    "title: \u202eCanada ILO cooperation\u202c"),
     "sheet.yaml", "key title", ["U+202E (RIGHT-TO-LEFT OVERRIDE), U+202C (POP DIRECTIONAL FORMATTING)",
                                 "reverses the order", "delete them"]),
    ("bidi-override-in-narrative", lambda s, o: append(s, "narrative/intro.md", "\nOver US$ \u202e0.1\u202c "
                                                       "million.\n"),
     "narrative/intro.md", "line {last}", ["U+202E (RIGHT-TO-LEFT OVERRIDE)", "reverses the order"]),
    ("bidi-isolate-in-front-matter", lambda s, o: replace(s, PROJECT, "title: \"Jordan:", "title: \"\u2067Jordan:"),
     PROJECT, "line 3", ["U+2067 (RIGHT-TO-LEFT ISOLATE)"]),
    ("bidi-embedding-in-translation", lambda s, o: replace(s, "sheet.fr.yaml", "title: Coopération",
                                                           "title: \u202bCoopération"),
     "sheet.fr.yaml", "key title", ["U+202B (RIGHT-TO-LEFT EMBEDDING)"]),
    ("bidi-override-in-table-note", lambda s, o: replace(s, "contributions.csv", "illustrative:",
                                                         "\u202dillustrative:"),
     "contributions.csv", "row 2, column note", ["'\\u202dillustrative:", "U+202D (LEFT-TO-RIGHT OVERRIDE)"]),
    ("control-characters-in-table-note", lambda s, o: replace(s, "contributions.csv", "illustrative:",
                                                              "fic\x00tional\x1b[31mRED"),
     "contributions.csv", "row 2, column note", ["'fic\\x00tional\\x1b[31mRED",
                                                 "U+0000 (control character), U+001B (control character)",
                                                 "published files"]),
    ("tab-in-table-note", lambda s, o: replace(s, "contributions.csv", "illustrative:", "illus\ttrative:"),
     "contributions.csv", "row 2, column note", ["U+0009 (control character)"]),
    ("control-character-in-table-stream", lambda s, o: replace(s, "contributions.csv", "2019,assessed",
                                                               "2019,assessed\x7f"),
     "contributions.csv", "row 3, column stream", ["U+007F (control character)"]),
    ("long-word-in-title", lambda s, o: replace(s, "sheet.yaml", "title: Canada ILO cooperation",
                                                "title: " + "W" * 6000),
     "sheet.yaml", "key title", ["6,000 characters follow one another without a space",
                                 f"at most {MAX_RUN} characters"]),
    ("long-word-in-translation", lambda s, o: replace(s, "sheet.fr.yaml", "title: Coopération",
                                                      "title: Coopération " + "é" * 400),
     "sheet.fr.yaml", "key title", ["400 characters follow one another", f"at most {MAX_RUN} characters"]),
    ("long-word-in-a-list", lambda s, o: replace(s, "sheet.yaml", "    label: Assessed contributions",
                                                 "    label: Assessed " + "-" * 301),
     "sheet.yaml", "key streams.0.label", ["301 characters follow one another"]),
    ("long-word-in-front-matter", lambda s, o: (first_language_only(s), replace(
        s, "projects/01-jordan-garment-trade-unions.md", "Garment Sector\"", "Garment Sector " + "W" * 500 + "\"")),
     "projects/01-jordan-garment-trade-unions.md", "line 3", ["501 characters follow one another without a space",
                                                             f"at most {MAX_RUN} characters"]),
    ("pages-as-a-yaml-tag", lambda s, o: replace(s, "sheet.yaml", "pages: 4 ", "pages: !!bool true "),
     "sheet.yaml", "key pages", ["True is not a number of pages; expected a number, like pages: 4"]),
    # photos
    ("photo-decompression-bomb", lambda s, o: ((s / "photos").mkdir(), Image.new("1", (13000, 13000)).save(
        s / "photos/bomb.png"), add_photo(s, "photos/bomb.png")),
     PROJECT, "key photo.file", ["'photos/bomb.png' is 13,000x13,000 pixels", f"at most {MAX_PHOTO_PIXELS:,}"]),
    ("photo-bomb-beyond-pillow-limit", lambda s, o: ((s / "photos").mkdir(), Image.new("1", (20000, 10000)).save(
        s / "photos/bomb.png"), add_photo(s, "photos/bomb.png")),
     PROJECT, "key photo.file", ["20,000x10,000 pixels"]),
    ("photo-gif-named-jpg", lambda s, o: ((s / "photos").mkdir(), Image.new("P", (40, 30)).save(
        s / "photos/a.jpg", "GIF"), add_photo(s, "photos/a.jpg")),
     PROJECT, "key photo.file", ["'photos/a.jpg' is not a readable JPEG or PNG image"]),
]


def _place(where: str | None, sheet: Path, file: str) -> str | None:
    """'line {last}' -> the number of the file's last line ({last-2}: two lines above)."""
    if where is None or "{" not in where:
        return where
    lines = (sheet / file).read_text(encoding="utf-8").rstrip("\n").count("\n") + 1
    return re.sub(r"{last(?:-(\d+))?}", lambda m: str(lines - int(m.group(1) or 0)), where)


@pytest.mark.parametrize(("edit", "file", "where", "expected"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_hostile_input_is_refused(sheet, outside, edit, file, where, expected):
    edit(sheet, outside)
    where = _place(where, sheet, file) if (sheet / file).is_file() and not (sheet / file).is_symlink() else where
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    seconds = time.perf_counter() - started
    problems = info.value.problems
    shown = "\n".join(map(str, problems))
    assert seconds < 10, f"the check took {seconds:.1f} s"
    named = [p for p in problems if p.file.replace(os.sep, "/").endswith(f"{SHEET.as_posix()}/{file}")]
    assert named, f"no problem names {file}:\n{shown}"
    if where is not None:
        named = [p for p in named if p.where == where]
        assert named, f"no problem of {file} is at {where!r}:\n{shown}"
    assert any(all(e in p.message for e in expected) for p in named), f"expected {expected}:\n{shown}"
    assert all("\n" not in str(p) and "Traceback" not in str(p) for p in problems), shown
    assert len(problems) < 20, f"{len(problems)} problems for one defect:\n{shown}"


def test_cases_cover_every_category():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


def test_the_bad_expression_is_the_one_named(sheet, outside):
    append(sheet, "narrative/intro.md", "In {{ period.first }} and {{ by_year[2018].asessed }}, {{ title }}.\n")
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    [problem] = info.value.problems
    assert problem.message.startswith("{{ by_year[2018].asessed }} names 'asessed', which is not a name of "
                                      "by_year[2018]")
    assert "{{ period.first }}" not in problem.message and "{{ title }}" not in problem.message


def test_nested_loops_are_refused_at_once(sheet, outside):
    append(sheet, "narrative/intro.md", "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in "
                                        "range(100000) %}x{% endfor %}{% endfor %}{% endfor %}\n")
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    assert time.perf_counter() - started < 5
    assert [p.where for p in info.value.problems] == [f"line {_last_line(sheet / 'narrative/intro.md')}"]


def _last_line(path: Path) -> int:
    return path.read_text(encoding="utf-8").rstrip("\n").count("\n") + 1


@pytest.mark.parametrize("name", ["lipsum", "self", "range", "namespace", "cycler", "joiner", "dict", "config"])
def test_jinja_globals_are_not_names(sheet, name):
    append(sheet, "narrative/intro.md", f"{{{{ {name} }}}}\n")
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    [problem] = info.value.problems
    assert problem.message.startswith(f"{{{{ {name} }}}} names {name!r}, which is not a name a text can use")
    assert "totals" in problem.message and "period" in problem.message  # the names that would work
    assert "<" not in problem.message  # no Python object printed


def test_excel_stray_cell_is_one_problem(sheet):
    xlsx(sheet, {"XFD7": "x"})
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    assert len(info.value.problems) == 1


def test_many_stray_cells_are_summed_up(sheet):
    xlsx(sheet, {f"G{r}": "x" for r in range(1, 40)})
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    problems = info.value.problems
    assert [p.where.split(", ")[-1] for p in problems[:10]] == [f"cell G{r}" for r in range(1, 11)]
    assert len(problems) == 11 and problems[-1].message.startswith("29 more cells hold values outside")


def test_many_duplicates_are_answered_in_seconds(sheet):
    many_rows(sheet, MAX_ROWS)
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    assert time.perf_counter() - started < 10
    problems = info.value.problems
    distinct = len({(2018 + (i // 2) % 5, i % 2) for i in range(MAX_ROWS)})
    assert len(problems) == MAX_ROWS - distinct
    assert all("is given twice" in p.message for p in problems)


# --- links leaving the templates folder ----------------------------------------------------------------------------

@pytest.fixture
def templates(tmp_path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def test_labels_link_leaving_templates_is_refused(sheet, templates, outside):
    link_out(templates, outside, "labels/en.yaml")
    with pytest.raises(DataError) as info:
        checked_sheet(sheet, labels_dir=templates / "labels")
    [problem] = info.value.problems
    assert problem.file.endswith("templates/labels/en.yaml")
    assert "'en.yaml' is a link to a file outside the templates folder" in problem.message


def test_brand_link_leaving_templates_is_refused(templates, outside):
    link_out(templates, outside, "brand/brand.yaml")
    with pytest.raises(DataError) as info:
        load_brand(templates / "brand" / "brand.yaml")
    assert "'brand.yaml' is a link to a file outside the templates folder" in str(info.value)


def test_logo_link_leaving_templates_is_refused(templates, outside):
    brand = load_brand(templates / "brand" / "brand.yaml")
    link_out(templates, outside, f"brand/{brand['logo']}")
    with pytest.raises(DataError) as info:
        logo_in(brand, "#fff", templates / "brand")
    assert f"{brand['logo']!r} is a link to a file outside the templates folder" in str(info.value)


def test_template_link_leaving_templates_is_refused(templates, outside):
    from factsheet.render.page import render

    link_out(templates, outside, "factsheet.html.j2")
    with pytest.raises(DataError) as info:
        render({}, templates)
    assert "'factsheet.html.j2' is a link to a file outside the templates folder" in str(info.value)


# --- valid edge input still works ----------------------------------------------------------------------------------

def test_link_inside_the_sheet_is_fine(sheet):
    first_language_only(sheet)  # the photo is added to the English project only
    (sheet / "photos").mkdir()
    Image.new("RGB", (40, 30), "#1E2DBE").save(sheet / "photos" / "real.jpg")
    (sheet / "photos" / "link.jpg").symlink_to("real.jpg")
    add_photo(sheet, "photos/link.jpg")
    assert checked_sheet(sheet)[0]["photos"] == 1


def test_markdown_subset_and_expressions_pass(sheet):
    append(sheet, "narrative/intro.md", "\nSee [the ILO](https://www.ilo.org), **bold**, *italic*.\n\n"
                                        "1. one {{ totals.overall | usd_millions }}\n2. two {{ period.short }}\n"
                                        "\n- {{ by_year[2020].assessed | usd }} and {{ by_year['2021'].voluntary }}\n"
                                        "- {{ streams.assessed }}, {{ edition_date | month_year }}, "
                                        "{{ donor.possessive }}\n")
    append(sheet, PROJECT, "\nIn total {{ totals.overall | usd_millions }} over {{ period.long }}.\n")
    append(sheet, QUOTE, " ({{ donor.name }})\n")
    summary = checked_sheet(sheet)[0]
    assert summary["narrative"] and summary["projects"] == 9


def test_project_and_quote_bodies_are_filled(sheet, tmp_path):
    from factsheet.render.page import context

    append(sheet, PROJECT, "\nIt spent {{ totals.overall | usd_millions }} in {{ period.long }}.\n")
    append(sheet, QUOTE, " {{ donor.name }} helped_us_here.")
    values = context(checked.check(sheet), "chart.svg", {"on_dark": "logo.svg"})
    project = next(p for g in values["partner_groups"] for p in g["projects"]
                   if p["id"] == "jordan-garment-trade-unions")
    html = project["lead_html"] + project["rest_html"]
    assert "{{" not in html and values["key_figures"][0]["value"] not in ("",)
    assert re.search(r"It spent US\$\xa0\d+\.\d\xa0million in 2018-2022\.", html)
    [quote] = [q for g in values["partner_groups"] for p in g["projects"] for q in p["quotes"]]
    assert "Canada helped_us_here." in quote["html"] and "<em>" not in quote["html"]


@pytest.mark.parametrize(("typed", "kept"), [("ON", "ON"), ("no", "no"), ("yes", "yes"), ("off", "off"),
                                             ("y", "y"), ("null", "null"), ("2020", "2020"), ("1e3", "1e3")])
def test_yaml_plain_values_stay_as_typed(sheet, typed, kept):
    replace(sheet, "sheet.yaml", "code: ESDC", f"code: {typed}")
    replace(sheet, "sheet.yaml", "title: Canada ILO cooperation", f"title: {typed}")
    sheet_model = load_sheet(sheet / "sheet.yaml")
    assert sheet_model.partners[0].code == kept and sheet_model.title == kept
    assert str(sheet_model.edition_date) == "2023-06-01"  # dates still become dates


def test_yaml_at_the_nesting_limit_is_read(sheet):
    append(sheet, "sheet.yaml", deep_yaml(MAX_YAML_DEPTH - 2))
    with pytest.raises(DataError) as info:
        load_sheet(sheet / "sheet.yaml")
    [problem] = info.value.problems  # read, then refused as an unknown key: not as too deep
    assert problem.where == "key deep" and "unknown key" in problem.message


def test_excel_table_with_a_gap_in_the_header_still_reads(sheet):
    xlsx(sheet, {})
    assert checked_sheet(sheet)[0]["rows"] == 10


# --- CSV formula neutralisation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                  "=1", "-cmd|' /C calc'!A0", "\uff1dHYPERLINK(\"http://x\")", "\uff0b1",
                                  "\uff0d\uff11", "\uff20SUM(A1)"])  # = + - @ full-width, a full-width 1
def test_formula_cells_are_neutralised(cell):
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerows([["year", "note"], ["2018", cell]])
    [_, row] = list(csv.reader(io.StringIO(neutralised_csv(out.getvalue()), newline="")))
    assert row == ["2018", "'" + cell]


@pytest.mark.parametrize("cell", ["-5.00", "+7", "-0.5e3", "plain note", "a=b", "1,000"])
def test_numbers_and_plain_text_are_kept(cell):
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["year", "note"], ["2018", cell]])
    assert neutralised_csv(out.getvalue()) == out.getvalue()


def test_tidy_table_note_is_neutralised_when_attached(sheet, tmp_path):
    replace(sheet, "contributions.csv", "illustrative: per-year split", "=HYPERLINK(\"\"http://x\"\")")
    table = tidy(read_raw(sheet / "contributions.csv"), ["assessed", "voluntary"], sheet / "contributions.csv")
    write_tidy(table, tmp_path / "tidy.csv")
    text = (tmp_path / "tidy.csv").read_text(encoding="utf-8")
    attached = neutralised_csv(text)
    assert "\"'=HYPERLINK(" in attached and "\"=HYPERLINK(" in text
    assert neutralised_csv(CANADA.joinpath("contributions.csv").read_text(encoding="utf-8")) == \
        CANADA.joinpath("contributions.csv").read_text(encoding="utf-8")


# --- photos: the copy the PDF embeds -------------------------------------------------------------------------------

def _needed() -> tuple[int, int]:
    """Pixels a photo needs at the printed size: the CSS box height, the column width, at the print dpi."""
    css = (ROOT / "templates" / "factsheet.css").read_text(encoding="utf-8")
    height_mm = max(float(h) for h in re.findall(r"\.photo img \{[^}]*height: ([\d.]+)mm", css))  # the tallest box
    assert height_mm == fetcher_module.PHOTO_HEIGHT_MM
    page_mm, margin_mm = 210, [float(m) for m in re.search(r"margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm",
                                                           css).groups()]
    gap_mm = float(re.search(r"\.columns \{ columns: 2; column-gap: ([\d.]+)mm", css).group(1))
    column_mm = (page_mm - margin_mm[1] - margin_mm[3] - gap_mm) / 2
    assert abs(column_mm - fetcher_module.PHOTO_WIDTH_MM) < 1  # the constant follows the layout
    dpi = fetcher_module.PRINT_DPI
    return (math.ceil(fetcher_module.PHOTO_WIDTH_MM / 25.4 * dpi), math.ceil(height_mm / 25.4 * dpi))


@pytest.mark.parametrize(("width", "height"), [(4000, 3000), (3000, 4000), (12000, 1000), (1200, 800)])
def test_print_size_covers_the_box_at_300_dpi(width, height):
    need_w, need_h = _needed()
    new_w, new_h = print_size(width, height)
    assert new_w >= need_w and new_h >= need_h  # covers the box (object-fit: cover)
    assert new_w == need_w or new_h == need_h  # and no more than needed
    assert abs(new_w / new_h - width / height) < 0.01  # proportions kept


def test_small_photo_is_kept_as_it_is():
    need_w, need_h = _needed()
    assert print_size(need_w - 1, need_h) == (need_w - 1, need_h)


def test_fetcher_serves_a_downsampled_deterministic_copy(tmp_path, capsys):
    photo = tmp_path / "photos" / "big.jpg"
    photo.parent.mkdir()
    Image.effect_mandelbrot((4000, 3000), (-2, -1.5, 1, 1.5), 50).convert("RGB").save(photo, quality=95)
    before = photo.read_bytes()
    fetcher = SandboxedFetcher(allowed=[tmp_path], sheet_dir=tmp_path)
    first = fetcher.fetch("sheet:photos/big.jpg").read()
    second = fetcher.fetch("sheet:photos/big.jpg").read()
    assert first == second and photo.read_bytes() == before  # same bytes each time; data/ untouched
    with Image.open(io.BytesIO(first)) as served:
        assert served.size == print_size(4000, 3000) and served.format == "JPEG"
    err = capsys.readouterr().err
    assert f"photos/big.jpg: 4000x3000 px downsampled to {print_size(4000, 3000)[0]}x" in err
    assert err.startswith("note: ")


def test_fetcher_serves_a_small_photo_unchanged(tmp_path):
    photo = tmp_path / "small.png"
    Image.new("RGB", (300, 200), "#1E2DBE").save(photo)
    fetcher = SandboxedFetcher(allowed=[tmp_path], sheet_dir=tmp_path)
    assert fetcher.fetch("sheet:small.png").read() == photo.read_bytes()


def test_fetcher_refuses_a_link_leaving_the_sheet(tmp_path, outside):
    Image.new("RGB", (30, 20)).save(outside / "x.png")
    sheet = tmp_path / "sheet"
    sheet.mkdir()
    (sheet / "x.png").symlink_to(outside / "x.png")
    fetcher = SandboxedFetcher(allowed=[tmp_path], sheet_dir=sheet)
    with pytest.raises(ResourceRefused, match="'x.png' is a link to a file outside the sheet's folder"):
        fetcher.fetch("sheet:x.png")


def test_fetcher_refuses_a_decompression_bomb(tmp_path):
    Image.new("1", (13000, 13000)).save(tmp_path / "bomb.png")
    assert (tmp_path / "bomb.png").stat().st_size < 1_000_000
    fetcher = SandboxedFetcher(allowed=[tmp_path], sheet_dir=tmp_path)
    with pytest.raises(ResourceRefused, match="13000x13000 pixels"):
        fetcher.fetch("sheet:bomb.png")
