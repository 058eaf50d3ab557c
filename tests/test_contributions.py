"""The contributions table: read_raw (CSV/XLSX), tidy (checks every row), write_tidy/read_tidy."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from factsheet.errors import DataError
from factsheet.model.contributions import ROW, read_raw, read_tidy, tidy, write_tidy

STREAMS = ["assessed", "voluntary"]
SOURCE = Path("/data/sheet/contributions.csv")

GOOD_CSV = (
    "year,stream,amount_usd,note\n"
    '2019,voluntary,"2,000",\n'
    '2018,voluntary,"US$ 1 500",late payment\n'
    "2019,assessed,1000.50,\n"
    '2018,assessed,"10,912,345",from the brief\n'
)
# The same rows, by hand, in the order tidy() must give: by year, then in the streams' order.
GOOD_EXPECTED = [
    (2018, "assessed", 10_912_345.0, "from the brief"),
    (2018, "voluntary", 1500.0, "late payment"),
    (2019, "assessed", 1000.5, ""),
    (2019, "voluntary", 2000.0, ""),
]


def frame(rows, columns=("year", "stream", "amount_usd", "note")) -> pd.DataFrame:
    """A raw table as read_raw gives a CSV: every cell a string."""
    return pd.DataFrame([list(r) for r in rows], columns=list(columns), dtype=object)


def good_rows():
    return [
        ["2018", "assessed", "100", ""],
        ["2018", "voluntary", "200", ""],
        ["2019", "assessed", "300", ""],
        ["2019", "voluntary", "400", ""],
    ]


def records(table: pd.DataFrame):
    return [(int(r.year), r.stream, float(r.amount_usd), r.note) for r in table.itertuples(index=False)]


def problems_of(raw, streams=STREAMS, source=SOURCE):
    with pytest.raises(DataError) as info:
        tidy(raw, streams, source)
    return info.value.problems


def only_problem(raw, **kwargs):
    problems = problems_of(raw, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


def names_file(problem, path=SOURCE) -> bool:
    shown = Path(problem.file)
    return shown == path or shown.resolve() == path.resolve() or (Path.cwd() / shown).resolve() == path.resolve()


# ---------------------------------------------------------------- tidy: good tables


def test_tidy_good_frame_types_and_order(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    table = tidy(read_raw(path), STREAMS, path)
    assert list(table.columns) == ["year", "stream", "amount_usd", "note"]
    assert records(table) == GOOD_EXPECTED
    assert all(isinstance(y, int) for y in table["year"].tolist())
    assert all(isinstance(a, float) for a in table["amount_usd"].tolist())
    assert list(table.index) == list(range(len(GOOD_EXPECTED)))


def test_tidy_orders_streams_as_the_sheet_declares_them():
    table = tidy(frame(good_rows()), ["voluntary", "assessed"], SOURCE)
    assert [(y, s) for y, s, _, _ in records(table)] == [
        (2018, "voluntary"), (2018, "assessed"), (2019, "voluntary"), (2019, "assessed")]


def test_tidy_without_note_column_gives_empty_notes():
    rows = [r[:3] for r in good_rows()]
    table = tidy(frame(rows, columns=("year", "stream", "amount_usd")), STREAMS, SOURCE)
    assert table["note"].tolist() == ["", "", "", ""]
    assert table["amount_usd"].tolist() == [100.0, 200.0, 300.0, 400.0]


def test_tidy_strips_cells_and_lower_cases_streams():
    rows = good_rows()
    rows[0] = [" 2018 ", " Assessed ", " 100 ", "  a note  "]
    table = tidy(frame(rows), STREAMS, SOURCE)
    assert records(table)[0] == (2018, "assessed", 100.0, "a note")


# ---------------------------------------------------------------- tidy: one problem at a time


@pytest.mark.parametrize("bad_year", ["20x8", "1800", "", "18", "2101", "-2018", "2018.5"])
def test_bad_year_names_file_row_column_value_and_expectation(bad_year):
    rows = good_rows()
    rows[2][0] = bad_year  # third data row: CSV line 4
    problem = only_problem(frame(rows))
    assert names_file(problem)
    assert problem.where == "row 4, column year"
    assert repr(bad_year) in problem.message
    assert "expected" in problem.message and "year" in problem.message


def test_unknown_stream_names_row_value_and_the_streams():
    rows = good_rows()
    rows[1][1] = "voluntry"
    problem = only_problem(frame(rows))
    assert names_file(problem)
    assert problem.where == "row 3, column stream"
    assert "'voluntry'" in problem.message
    assert "expected" in problem.message
    assert "assessed" in problem.message and "voluntary" in problem.message


@pytest.mark.parametrize("bad_amount", ["abc", "12,34", "-5", "US$ -1,000"])
def test_bad_amount_names_row_value_and_expectation(bad_amount):
    rows = good_rows()
    rows[3][2] = bad_amount
    problem = only_problem(frame(rows))
    assert names_file(problem)
    assert problem.where == "row 5, column amount_usd"
    assert repr(bad_amount) in problem.message
    assert "expected" in problem.message


def test_empty_amount_is_reported():
    rows = good_rows()
    rows[0][2] = ""
    problem = only_problem(frame(rows))
    assert problem.where == "row 2, column amount_usd"
    assert "empty" in problem.message


def test_duplicate_year_and_stream_mentions_twice_and_the_first_row():
    rows = good_rows()
    rows.append(["2018", "voluntary", "999", ""])  # duplicates the 2nd data row (line 3); this is line 6
    problem = only_problem(frame(rows))
    assert names_file(problem)
    assert problem.where.startswith("row 6")
    assert "twice" in problem.message
    assert "row 3" in problem.message
    assert "2018" in problem.message and "voluntary" in problem.message
    assert "expected" in problem.message


def test_missing_year_and_stream_combination():
    rows = [r for r in good_rows() if not (r[0] == "2019" and r[1] == "assessed")]
    problem = only_problem(frame(rows))
    assert names_file(problem)
    assert "2019" in problem.message and "assessed" in problem.message
    assert "expected" in problem.message


def test_a_year_missing_in_the_middle_is_reported_for_every_stream():
    rows = good_rows() + [["2021", "assessed", "1", ""], ["2021", "voluntary", "2", ""]]
    problems = problems_of(frame(rows))
    assert len(problems) == len(STREAMS)
    for problem, stream in zip(problems, STREAMS, strict=True):
        assert "2020" in problem.message and stream in problem.message


def test_missing_required_column():
    raw = frame([r[:2] + r[3:] for r in good_rows()], columns=("year", "stream", "note"))
    problem = only_problem(raw)
    assert names_file(problem)
    assert "'amount_usd'" in problem.message
    assert "missing" in problem.message and "expected" in problem.message


def test_unknown_column():
    raw = frame([r + ["x"] for r in good_rows()], columns=("year", "stream", "amount_usd", "note", "comment"))
    problem = only_problem(raw)
    assert names_file(problem)
    assert "'comment'" in problem.message
    assert "expected" in problem.message


def test_missing_and_unknown_columns_are_reported_together():
    raw = frame([["2018", "assessed", "1"]], columns=("yeer", "stream", "amount_usd"))
    problems = problems_of(raw)
    messages = " | ".join(p.message for p in problems)
    assert len(problems) == 2
    assert "'year'" in messages and "'yeer'" in messages


def test_header_without_rows(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text("year,stream,amount_usd,note\n", encoding="utf-8")
    raw = read_raw(path)
    problem = only_problem(raw, source=path)
    assert names_file(problem, path)
    assert "no rows" in problem.message and "expected" in problem.message


# ---------------------------------------------------------------- tidy: every problem at once


def test_several_bad_cells_are_all_reported_at_once():
    rows = good_rows()
    rows[0][0] = "20x8"  # row 2, year
    rows[1][1] = "other"  # row 3, stream
    rows[2][2] = "abc"  # row 4, amount_usd
    rows[3][0] = "1800"  # row 5, year
    rows[3][2] = "1,2345"  # row 5, amount_usd
    problems = problems_of(frame(rows))
    assert len(problems) == 5
    assert sorted(p.where for p in problems) == sorted([
        "row 2, column year", "row 3, column stream", "row 4, column amount_usd",
        "row 5, column year", "row 5, column amount_usd"])
    error_text = str(DataError(problems))
    for value in ("'20x8'", "'other'", "'abc'", "'1800'", "'1,2345'"):
        assert value in error_text


def test_several_duplicates_and_gaps_are_all_reported_at_once():
    rows = good_rows() + [
        ["2018", "assessed", "1", ""],  # line 6, duplicate of line 2
        ["2019", "voluntary", "1", ""],  # line 7, duplicate of line 5
        ["2021", "assessed", "1", ""],  # leaves 2020 (both streams) and 2021 voluntary missing
    ]
    problems = problems_of(frame(rows))
    twice = [p for p in problems if "twice" in p.message]
    gaps = [p for p in problems if "no row" in p.message]
    assert len(problems) == 5
    assert [p.where.split(",")[0] for p in twice] == ["row 6", "row 7"]
    assert "row 2" in twice[0].message and "row 5" in twice[1].message
    assert len(gaps) == 3


# ---------------------------------------------------------------- read_raw


def test_read_raw_utf8_csv_gives_text_cells(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    raw = read_raw(path)
    assert [c for c in raw.columns if c != ROW] == ["year", "stream", "amount_usd", "note"]
    assert raw.drop(columns=ROW).iloc[0].tolist() == ["2019", "voluntary", "2,000", ""]
    assert raw.drop(columns=ROW).iloc[3].tolist() == ["2018", "assessed", "10,912,345", "from the brief"]
    assert raw[ROW].tolist() == [2, 3, 4, 5]


def test_read_raw_csv_with_bom(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_CSV.encode("utf-8"))
    raw = read_raw(path)
    assert [c for c in raw.columns if c != ROW] == ["year", "stream", "amount_usd", "note"]
    assert records(tidy(raw, STREAMS, path)) == GOOD_EXPECTED


def test_read_raw_keeps_non_ascii_notes(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text(GOOD_CSV.replace("late payment", "Café — reçu"), encoding="utf-8")
    assert "Café — reçu" in read_raw(path)["note"].tolist()


def test_read_raw_latin1_csv_says_utf8(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_bytes(GOOD_CSV.replace("late payment", "paiement reçu").encode("latin-1"))
    with pytest.raises(DataError) as info:
        read_raw(path)
    [problem] = info.value.problems
    assert names_file(problem, path)
    assert "UTF-8" in problem.message


def test_read_raw_empty_file(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError) as info:
        read_raw(path)
    [problem] = info.value.problems
    assert names_file(problem, path)
    assert "empty" in problem.message


def test_read_raw_header_case_and_spaces(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text(GOOD_CSV.replace("year,stream,amount_usd,note", "Year ,STREAM, Amount_USD,Note"), encoding="utf-8")
    raw = read_raw(path)
    assert [c for c in raw.columns if c != ROW] == ["year", "stream", "amount_usd", "note"]
    assert records(tidy(raw, STREAMS, path)) == GOOD_EXPECTED


@pytest.mark.parametrize("suffix", [".txt", ".xls", ".ods", ""])
def test_read_raw_refuses_other_suffixes(tmp_path, suffix):
    path = tmp_path / f"contributions{suffix}"
    path.write_text(GOOD_CSV, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_raw(path)
    [problem] = info.value.problems
    assert names_file(problem, path)
    assert ".csv" in problem.message and ".xlsx" in problem.message


def test_read_raw_accepts_upper_case_suffix(tmp_path):
    path = tmp_path / "contributions.CSV"
    path.write_text(GOOD_CSV, encoding="utf-8")
    assert records(tidy(read_raw(path), STREAMS, path)) == GOOD_EXPECTED


def write_xlsx(path: Path, header, rows) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_with_numbers_gives_the_same_table_as_the_csv(tmp_path):
    csv_path = tmp_path / "contributions.csv"
    csv_path.write_text(GOOD_CSV, encoding="utf-8")
    xlsx_path = tmp_path / "contributions.xlsx"
    write_xlsx(xlsx_path, ["Year ", "STREAM", "amount_usd", "note"], [
        [2019, "voluntary", 2000, None],
        [2018, "voluntary", 1500, "late payment"],
        [2019, "assessed", 1000.5, None],
        [2018, "assessed", 10912345, "from the brief"],
    ])
    from_csv = tidy(read_raw(csv_path), STREAMS, csv_path)
    from_xlsx = tidy(read_raw(xlsx_path), STREAMS, xlsx_path)
    assert records(from_xlsx) == GOOD_EXPECTED
    assert records(from_xlsx) == records(from_csv)


def test_xlsx_with_float_years_and_text_amounts(tmp_path):
    path = tmp_path / "contributions.xlsx"
    write_xlsx(path, ["year", "stream", "amount_usd"], [
        [2018.0, "assessed", "US$ 10,912,345"],
        [2018.0, "voluntary", "1 500"],
    ])
    assert records(tidy(read_raw(path), STREAMS, path)) == [
        (2018, "assessed", 10_912_345.0, ""), (2018, "voluntary", 1500.0, "")]


def test_xlsx_problems_name_the_spreadsheet_row(tmp_path):
    path = tmp_path / "contributions.xlsx"
    write_xlsx(path, ["year", "stream", "amount_usd"], [
        [2018, "assessed", 1],
        [2018, "voluntary", "abc"],  # spreadsheet row 3
    ])
    problem = only_problem(read_raw(path), source=path)
    assert names_file(problem, path)
    assert problem.where == "row 3, column amount_usd"
    assert "'abc'" in problem.message


def test_row_numbers_are_csv_lines_even_after_a_blank_line(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text("year,stream,amount_usd\n2018,assessed,1\n\n2018,voluntary,abc\n", encoding="utf-8")
    problem = only_problem(read_raw(path), source=path)
    assert problem.where == "row 4, column amount_usd"  # the bad value is on line 4 of the file


def test_year_with_a_footnote_mark_is_a_data_error():
    rows = good_rows()
    rows[0][0] = "2018\u00b9"
    problem = only_problem(frame(rows))
    assert problem.where == "row 2, column year"


# ---------------------------------------------------------------- write_tidy / read_tidy


def test_write_tidy_read_tidy_round_trip(tmp_path):
    table = pd.DataFrame({
        "year": [2018, 2018, 2019, 2019],
        "stream": ["assessed", "voluntary", "assessed", "voluntary"],
        "amount_usd": [10_912_345.0, 1234.5, 0.0, 99.99],
        "note": ["from the brief, page 2", "", 'said "NA"', "NA"],
    })
    path = tmp_path / "contributions.tidy.csv"
    write_tidy(table, path)
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text
    assert "10912345.00" in text and "1234.50" in text
    back = read_tidy(path)
    assert list(back.columns) == ["year", "stream", "amount_usd", "note"]
    assert back["year"].tolist() == [2018, 2018, 2019, 2019]
    assert back["stream"].tolist() == ["assessed", "voluntary", "assessed", "voluntary"]
    assert back["amount_usd"].tolist() == [10_912_345.0, 1234.5, 0.0, 99.99]
    assert back["note"].tolist() == ["from the brief, page 2", "", 'said "NA"', "NA"]


def test_tidy_output_round_trips(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    tidy_path = tmp_path / "tidy.csv"
    write_tidy(tidy(read_raw(path), STREAMS, path), tidy_path)
    assert records(read_tidy(tidy_path)) == GOOD_EXPECTED


# --- reporting windows ---------------------------------------------------------------------------------------------

WINDOWS = {"assessed": (2018, 2019), "voluntary": (2019, 2019)}


def test_a_stream_needs_no_row_outside_its_window_and_a_row_there_is_refused():
    rows = [r for r in good_rows() if r[:2] != ["2018", "voluntary"]]
    assert records(tidy(frame(rows), STREAMS, SOURCE, declared=WINDOWS)) == [
        (2018, "assessed", 100.0, ""), (2019, "assessed", 300.0, ""), (2019, "voluntary", 400.0, "")]
    with pytest.raises(DataError) as err:
        tidy(frame(good_rows()), STREAMS, SOURCE, declared=WINDOWS)
    [problem] = err.value.problems
    assert problem.where == "row 3, column year"
    assert "2018 is outside the voluntary stream's window, 2019" in problem.message


def test_a_missing_year_inside_a_window_is_still_refused():
    rows = [r for r in good_rows() if r[1] != "voluntary"]
    with pytest.raises(DataError) as err:
        tidy(frame(rows), STREAMS, SOURCE, declared=WINDOWS)
    assert "there is no row for 2019, voluntary" in err.value.problems[0].message


def test_a_window_longer_than_fifteen_years_is_refused_clearly():
    rows = [[str(y), s, "1", ""] for y in range(2000, 2020) for s in STREAMS]
    with pytest.raises(DataError) as err:
        tidy(frame(rows), STREAMS, SOURCE)
    [problem] = err.value.problems
    assert "from 2000 to 2019, 20 years; expected at most 15 years" in problem.message


# ---------------------------------------------------------------- tidy: characters in cells

def test_a_line_break_in_a_note_is_kept():
    rows = good_rows()
    rows[0][3] = "paid late\nin two parts"
    assert records(tidy(frame(rows), STREAMS, SOURCE))[0][3] == "paid late\nin two parts"


@pytest.mark.parametrize(("note", "named"), [
    ("fic\x00tional\x1b[31mRED", "U+0000 (control character), U+001B (control character)"),
    ("a\tb", "U+0009 (control character)"),
    ("\x85next line", "U+0085 (control character)"),
    ("\u202eetirw\u202c", "U+202E (RIGHT-TO-LEFT OVERRIDE), U+202C (POP DIRECTIONAL FORMATTING)"),
    ("\u2066isolated\u2069", "U+2066 (LEFT-TO-RIGHT ISOLATE), U+2069 (POP DIRECTIONAL ISOLATE)"),
])
def test_control_and_direction_characters_in_a_note_are_named_with_row_and_column(note, named):
    rows = good_rows()
    rows[2][3] = note
    problem = only_problem(frame(rows))
    assert names_file(problem) and problem.where == "row 4, column note"
    assert repr(note) in problem.message and named in problem.message and "expected" in problem.message


def test_every_cell_with_a_control_character_is_named_at_once():
    rows = good_rows()
    rows[0][3], rows[3][3] = "a\x07", "b\x1b"
    assert [p.where for p in problems_of(frame(rows))] == ["row 2, column note", "row 5, column note"]


@pytest.mark.parametrize(("typed", "named"), [("١٢٣٤٥", "'١' (U+0661, ARABIC-INDIC DIGIT ONE)"),
                                              ("１２３", "'１' (U+FF11, FULLWIDTH DIGIT ONE)"),
                                              ("10,9١2,345", "'١' (U+0661, ARABIC-INDIC DIGIT ONE)"),
                                              ("US$ ۱۲۳", "'۱' (U+06F1, EXTENDED ARABIC-INDIC DIGIT ONE)")])
def test_an_amount_in_other_digits_than_0_to_9_is_refused_naming_the_digit(typed, named):
    rows = good_rows()
    rows[1][2] = typed
    problem = only_problem(frame(rows))
    assert names_file(problem) and problem.where == "row 3, column amount_usd"
    assert repr(typed) in problem.message and named in problem.message and "typed in the digits 0-9" in problem.message
