"""Every character is printed with a brand font, or refused by the check: text in a script the brand's fonts
(templates/brand/brand.yaml) do not cover is named with its file, its line or key and its code points."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factsheet.errors import DataError
from factsheet.model.validate import checked_sheet
from factsheet.render.brand import css, font_faces, font_stack, load_brand, printable, static_font_path

from conftest import CANADA, first_language_only

PROJECT = "projects/01-jordan-garment-trade-unions.md"
ARABIC = "العمل اللائق للجميع"  # "decent work for all"
ARABIC_LABEL = "المساهمات المقدرة"  # "assessed contributions"


@pytest.fixture
def sheet(tmp_path) -> Path:
    folder = tmp_path / "data" / "canada" / "2023"
    shutil.copytree(CANADA, folder)
    return first_language_only(folder)  # the edits below are of the English texts


def replace(sheet: Path, file: str, old: str, new: str) -> None:
    text = (sheet / file).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    (sheet / file).write_text(text.replace(old, new, 1), encoding="utf-8")


def append(sheet: Path, file: str, text: str) -> None:
    (sheet / file).write_text((sheet / file).read_text(encoding="utf-8") + text, encoding="utf-8")


def line_with(sheet: Path, file: str, text: str) -> int:
    return next(n for n, line in enumerate((sheet / file).read_text(encoding="utf-8").splitlines(), 1) if text in line)


def refused(sheet: Path) -> list:
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    return info.value.problems


def test_cjk_in_a_narrative_line_is_named_with_its_line(sheet):
    append(sheet, "narrative/intro.md", "\nCanada and 中国 worked together.\n")
    [problem] = refused(sheet)
    assert problem.file.endswith("canada/2023/narrative/intro.md")
    assert problem.where == f"line {line_with(sheet, 'narrative/intro.md', '中国')}"
    assert "characters the brand fonts cannot print: '中' (U+4E2D), '国' (U+56FD)" in problem.message
    assert "templates/brand/brand.yaml" in problem.message and "Latin, Greek, Cyrillic, Arabic" in problem.message


def test_emoji_in_the_title_is_named_with_its_key(sheet):
    replace(sheet, "sheet.yaml", "title: Canada ILO cooperation", "title: Canada ILO cooperation 😀")
    [problem] = refused(sheet)
    assert problem.file.endswith("canada/2023/sheet.yaml") and problem.where == "key title"
    assert "'😀' (U+1F600)" in problem.message


def test_cjk_in_a_nested_key_and_in_front_matter(sheet):
    replace(sheet, "sheet.yaml", "    label: Voluntary contributions", "    label: Voluntary 捐款")
    replace(sheet, PROJECT, "countries: [Jordan]", "countries: [Jordan, 日本]")
    problems = refused(sheet)
    assert {(p.file.split("2023/")[-1], p.where) for p in problems} == {("sheet.yaml", "key streams.1.label"),
                                                                       (PROJECT, "line 4")}
    assert any("'日' (U+65E5), '本' (U+672C)" in p.message for p in problems)


def test_each_character_is_named_once_and_the_list_is_capped(sheet):
    append(sheet, "narrative/intro.md", "\n" + "中中" + "".join(chr(0x4E00 + i) for i in range(1, 15)) + "\n")
    [problem] = refused(sheet)
    assert problem.message.count("'中'") == 1 and "and 5 more;" in problem.message


def test_many_lines_are_summed_up(sheet):
    append(sheet, "narrative/intro.md", "\n" + "中\n" * 30)
    problems = refused(sheet)
    assert len(problems) == 11 and problems[-1].message.startswith("20 more lines hold characters")


def test_a_control_character_is_refused(sheet):
    append(sheet, "narrative/intro.md", "\nA bell \x07 here.\n")  # printed as an empty box
    [problem] = refused(sheet)
    assert "U+0007 (control character)" in problem.message and "cannot print" not in problem.message


def test_a_control_character_beside_a_missing_one_names_both(sheet):
    append(sheet, "narrative/intro.md", "\nA bell \x07 and 中.\n")
    [problem] = refused(sheet)
    assert "U+0007 (control character)" in problem.message and "'中' (U+4E2D)" in problem.message


def test_arabic_and_invisible_characters_pass(sheet):
    replace(sheet, "sheet.yaml", "title: Canada ILO cooperation", f"title: Canada ILO cooperation — {ARABIC}")
    replace(sheet, "sheet.yaml", "    label: Assessed contributions", f"    label: {ARABIC_LABEL}")
    append(sheet, "narrative/intro.md", f"\n{ARABIC}: Canada\u200b and the ILO, co\u00adoperation\u200d.\t\n"
                                        f"\u200f{ARABIC}\u200e (2018-2022)\n")  # direction marks reorder nothing
    replace(sheet, PROJECT, "countries: [Jordan]", f"countries: [Jordan, {ARABIC}]")
    assert checked_sheet(sheet)[0]["projects"] == 9


def test_the_covered_characters_are_the_cut_fonts_maps():
    brand = load_brand()
    chars = printable(brand)
    assert {"A", "é", "Ж", "Ω", "€", "ع", "ﻻ"} <= chars and not {"中", "😀", "\x07"} & chars
    assert printable(brand) is chars  # read once per process
    assert all(static_font_path(face).is_file() for face in font_faces(brand))


def test_every_font_list_ends_with_every_brand_font():
    brand = load_brand()
    families = {f["family"] for f in font_faces(brand)}
    assert "Noto Sans Arabic" in families
    for role in brand["fonts"]:
        stack = font_stack(brand, role)
        assert stack[0] == brand["fonts"][role]["family"] and set(stack) == families
        assert f"--font-{role}: " + ", ".join(f'"{name}"' for name in stack) + ";" in css(brand, "fonts")
