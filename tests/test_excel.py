"""Excel as its users see it: the table is read from the visible worksheet (or the one sheet.yaml names), and
what the user does not see (hidden worksheets, rows, columns) or sees otherwise than stored (numbers shown as
dates) is never printed silently. In-process, through validate.checked_sheet on a copy of data/canada/2023
whose table is turned into a workbook."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from factsheet.errors import DataError
from factsheet.model.contributions import MAX_XLSX_CELLS, MAX_XLSX_UNPACKED, read_raw, tidy
from factsheet.model.figures import sheet_windows
from factsheet.model.sheet import load_sheet
from factsheet.model.validate import checked_sheet

from conftest import CANADA

TABLE = "Contributions"


@pytest.fixture
def sheet(tmp_path) -> Path:
    """A copy of the Canada sheet, its table as contributions.xlsx (numbers as numbers) on one worksheet."""
    folder = tmp_path / "data" / "canada" / "2023"
    shutil.copytree(CANADA, folder)
    (folder / "contributions.csv").unlink()
    book = openpyxl.Workbook()
    fill(book.active, canada_rows())
    book.active.title = TABLE
    book.save(folder / "contributions.xlsx")
    return folder


def canada_rows() -> list[list]:
    with open(CANADA / "contributions.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [rows[0], *[[int(y), s, float(a.replace(",", "")), n] for y, s, a, n in rows[1:]]]


def fill(worksheet, rows) -> None:
    for row in rows:
        worksheet.append(row)


def canada_table():
    """The Canada table as its CSV gives it: what the workbook must give too."""
    sheet = load_sheet(CANADA / "sheet.yaml")
    path = CANADA / "contributions.csv"
    return tidy(read_raw(path), [s.id for s in sheet.streams], path, **sheet_windows(sheet))


def edit(folder: Path, change) -> None:
    path = folder / "contributions.xlsx"
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        checked_sheet(folder)
    lines = [str(p) for p in info.value.problems]
    assert all("\n" not in line for line in lines)
    return lines


def add_sheet_key(folder: Path, name: str) -> None:
    path = folder / "sheet.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"\ntable:\n  sheet: {name}\n", encoding="utf-8")


def other_figures(book, title: str, state: str = "visible", index: int = 0):
    """A worksheet of other figures (every amount ten times the table's) at ``index``."""
    worksheet = book.create_sheet(title, index)
    rows = canada_rows()
    fill(worksheet, [rows[0], *[[y, s, a * 10, n] for y, s, a, n in rows[1:]]])
    worksheet.sheet_state = state
    return worksheet


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_worksheet_is_not_read(sheet, state):
    edit(sheet, lambda book: other_figures(book, "Old figures", state))
    table = checked_sheet(sheet)[1]
    assert table.equals(canada_table())


def test_several_visible_worksheets_without_a_name_are_refused_listing_them(sheet):
    edit(sheet, lambda book: other_figures(book, "Draft", index=1))
    [line] = problems_of(sheet)
    assert "contributions.xlsx" in line and "2 visible worksheets" in line
    assert f"'{TABLE}'" in line and "'Draft'" in line and "table: {sheet:" in line


def test_the_worksheet_named_in_sheet_yaml_is_read(sheet):
    edit(sheet, lambda book: other_figures(book, "Draft", index=0))
    add_sheet_key(sheet, TABLE)
    assert checked_sheet(sheet)[1].equals(canada_table())


@pytest.mark.parametrize("name, state, expected", [
    ("Missing", None, "there is no worksheet 'Missing'"),
    ("Old figures", "hidden", "is hidden"),
])
def test_a_named_worksheet_missing_or_hidden_is_refused_listing_the_visible_ones(sheet, name, state, expected):
    if state:
        edit(sheet, lambda book: other_figures(book, name, state))
    add_sheet_key(sheet, name)
    [line] = problems_of(sheet)
    assert expected in line and f"'{TABLE}'" in line


def test_a_worksheet_named_for_a_csv_table_is_refused(tmp_path):
    folder = shutil.copytree(CANADA, tmp_path / "data" / "canada" / "2023")
    add_sheet_key(folder, TABLE)
    [line] = problems_of(folder)
    assert "sheet.yaml, key table.sheet" in line and "contributions.csv" in line


def test_hidden_rows_and_columns_holding_values_are_named(sheet):
    def hide(book):
        worksheet = book[TABLE]
        worksheet.row_dimensions[4].hidden = True
        worksheet.row_dimensions[7].hidden = True
        worksheet.column_dimensions["D"].hidden = True

    edit(sheet, hide)
    lines = problems_of(sheet)
    assert any(f"worksheet '{TABLE}', rows 4, 7: hidden" in line for line in lines), lines
    assert any(f"worksheet '{TABLE}', column D: hidden" in line for line in lines), lines


def test_amounts_formatted_as_dates_are_one_line_naming_the_cells(sheet):
    def as_dates(book):
        for row in book[TABLE].iter_rows(min_row=2, min_col=3, max_col=3):
            row[0].number_format = "yyyy-mm-dd"

    edit(sheet, as_dates)
    [line] = problems_of(sheet)
    assert "cells C2, C3" in line and "formatted as dates" in line and "format the column as Number" in line
    assert "#VALUE!" not in line


def test_a_date_typed_as_an_amount_is_shown_as_typed(sheet):
    edit(sheet, lambda book: book[TABLE].cell(5, 3, dt.datetime(2020, 1, 2)))
    [line] = problems_of(sheet)
    assert f"worksheet '{TABLE}', cell C5: formatted as a date (2020-01-02); expected an amount" in line
    assert "datetime" not in line


def test_a_date_in_a_note_is_kept_as_its_text(sheet):
    edit(sheet, lambda book: book[TABLE].cell(2, 4, dt.date(2023, 6, 1)))
    assert checked_sheet(sheet)[1]["note"][0] == "2023-06-01"


def test_a_workbook_storing_too_many_cells_is_refused_before_it_is_loaded(sheet):
    """Empty cells cost nothing to pack but time and memory to load: a few million of them fit in a small
    file under the unpacked limit."""
    path = sheet / "contributions.xlsx"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    part = "xl/worksheets/sheet1.xml"
    cells = min(MAX_XLSX_UNPACKED // 5, 20 * MAX_XLSX_CELLS)
    parts[part] = parts[part].replace(b"</sheetData>", b'<row r="100">' + b"<c/>" * cells + b"</row></sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    start = time.monotonic()
    [line] = problems_of(sheet)
    assert time.monotonic() - start < 2
    assert f"at most {MAX_XLSX_CELLS:,}" in line and "cells" in line


def rewrite_parts(path: Path, change) -> None:
    """The workbook with each part's bytes replaced by ``change(name, data)`` (None: the part left out)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            changed = change(name, data)
            if changed is not None:
                target.writestr(name, changed)


WORKSHEET_PART = "xl/worksheets/sheet1.xml"
# Entities each ten times the one before: a few hundred bytes that expand to 3 GB (the XML parser stops them)
ENTITY_BOMB = ('<!DOCTYPE worksheet [<!ENTITY l0 "lollollollollollollollollollol">'
               + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>").encode()


@pytest.mark.parametrize(("part", "change", "detail"), [
    (WORKSHEET_PART, lambda data: data[:len(data) // 2], "line 1, column"),  # where the XML breaks off
    (WORKSHEET_PART, lambda data: data.replace(b"<sheetData>", b"<sheetData>&undefined;", 1), "undefined entity"),
    (WORKSHEET_PART, lambda data: ENTITY_BOMB + data.replace(b"<sheetData>", b"<sheetData>&l9;", 1),
     "amplification"),
    ("xl/workbook.xml", lambda data: data[:len(data) // 2], ""),  # read with lxml when it is installed
    ("xl/styles.xml", lambda data: data[:len(data) // 2], ""),
    ("[Content_Types].xml", lambda data: data[:len(data) // 2], ""),
])
def test_a_workbook_whose_xml_does_not_parse_is_one_clear_line(sheet, part, change, detail):
    rewrite_parts(sheet / "contributions.xlsx", lambda name, data: change(data) if name == part else data)
    start = time.monotonic()
    [line] = problems_of(sheet)
    assert time.monotonic() - start < 2
    assert line.startswith(str(sheet / "contributions.xlsx") + ": the workbook is damaged: its XML does not parse (")
    assert detail in line and "expected a file saved as 'Excel Workbook (.xlsx)' by Excel or LibreOffice" in line


def test_a_worksheet_whose_part_is_missing_is_named_as_missing_not_hidden(sheet):
    edit(sheet, lambda book: other_figures(book, "Other", index=1))
    rewrite_parts(sheet / "contributions.xlsx", lambda name, data: None if name == WORKSHEET_PART else data)
    [line] = problems_of(sheet)
    assert line.startswith(f"{sheet / 'contributions.xlsx'}, worksheet '{TABLE}': the workbook lists this worksheet, "
                           "but the part holding its cells is missing")
    assert "hidden" not in line
