"""The contributions table: read as typed (CSV or XLSX), check every row, and tidy.

Reading keeps each record's row number as the user sees it (the CSV line, the
Excel row). Cells are first parsed (years, amounts written as numbers or text),
then the value rules are checked with a pandera schema, then the table as a
whole (one row per year and stream, no gaps, totals that match their rows).
Every problem is reported at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from factsheet.errors import DataError, Problem, display_path
from factsheet.files import confined, special_file_problem
from factsheet.model.amounts import parse_amount
from factsheet.model.characters import refused_characters
from factsheet.model.figures import windows_of
from factsheet.model.sheet import MAX_WINDOW_YEARS

ROW = "_row"  # column holding each record's row number as the user sees it
REQUIRED_COLUMNS = ("year", "stream", "amount_usd")
OPTIONAL_COLUMNS = ("note",)
FIRST_YEAR, LAST_YEAR = 1919, 2100  # the ILO's founding year; a sanity bound
TOTAL = "total"  # a row whose year reads "Total" gives a total to check, not a figure
HEADER_SEARCH_ROWS = 10  # how far down a misplaced header row is looked for
MAX_ROWS = 10_000  # rows of a table (a sheet has a few dozen); more is refused in one line, in seconds
MAX_TABLE_BYTES = 10_000_000  # a contributions.csv or .xlsx larger than this is refused before it is read
MAX_XLSX_UNPACKED = 20_000_000  # what a workbook may unpack to (an .xlsx is a zip file)
# Cells a workbook may store, all its worksheets together (a table of MAX_ROWS rows is 40,000): counted in
# the packed file before anything is loaded, since loading costs time and memory for each cell.
MAX_XLSX_CELLS = 100_000
# An amount above this for one row (one year and stream) is a typing error, not a contribution (the setting
# plausible_max_usd of config/config.yaml).
PLAUSIBLE_MAX_USD = 10_000_000_000
MAX_STRAY_CELLS = 10  # cells outside the table named one by one; the rest are counted in one more line
_SAVED_BY_EXCEL = "a file saved as 'Excel Workbook (.xlsx)' by Excel or LibreOffice"


def read_raw(path: Path, worksheet: str | None = None) -> pd.DataFrame:
    """The table's cells as typed (text from CSV, values from Excel), header names lower-cased; ``worksheet``:
    the workbook's worksheet to read (sheet.yaml's ``table: {sheet: ...}``), by default its only visible one."""
    confined(path, path.parent)
    shown = display_path(path)
    special = special_file_problem(path)
    if special:
        raise DataError([special])
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise DataError([Problem(shown, "", f"the file is larger than {MAX_TABLE_BYTES:,} bytes ({size:,} bytes); "
                                 f"expected a table of at most {MAX_ROWS:,} rows well under that size")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = _read_csv(path, shown)
    elif suffix == ".xlsx":
        frame = _read_xlsx(path, shown, worksheet)
    else:
        raise DataError([Problem(shown, "", "expected a .csv or .xlsx file")])
    frame.columns = [c if c == ROW else str(c).strip().lower() for c in frame.columns]
    return frame


def _empty_problem(shown: str) -> DataError:
    return DataError([Problem(shown, "", "the file is empty; expected a header row "
                              f"({', '.join(REQUIRED_COLUMNS)}) and one row per year and stream")])


def _read_csv(path: Path, shown: str) -> pd.DataFrame:
    """Read with the csv module so each record keeps the line number it starts on."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError([Problem(shown, "", f"the file is not UTF-8 text (byte 0x{err.object[err.start]:02x} at "
                                 f"position {err.start + 1}); expected UTF-8: save it again choosing "
                                 "'CSV UTF-8'")]) from None
    if not text.strip():
        raise _empty_problem(shown)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        records = []
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) != len(header):
                    raise DataError([Problem(shown, f"row {line}", f"the row has {len(cells)} cells; expected "
                                             f"{len(header)}, one per column of the header row")])
                records.append([line, *cells])
            line = reader.line_num + 1
    except csv.Error as err:
        problem = Problem(shown, f"row {reader.line_num}", f"this is not a well-formed CSV table ({err})")
        raise DataError([problem]) from None
    if len(records) > MAX_ROWS:
        raise _too_many_rows(shown, len(records))
    return pd.DataFrame(records, columns=[ROW, *header], dtype=object)


def _too_many_rows(shown: str, rows: int) -> DataError:
    return DataError([Problem(shown, "", f"the table has {rows:,} rows; expected at most {MAX_ROWS:,} "
                              "(one row per year and stream)")])


def _read_xlsx(path: Path, shown: str, worksheet: str | None = None) -> pd.DataFrame:
    """The one visible worksheet (or the one sheet.yaml names), as its reader sees it, refusing what would be
    read wrongly: hidden rows or columns holding values, dates where figures belong, formulas, merged cells,
    a misplaced header, values outside the table's columns.

    Only the cells the workbook stores are visited (never the empty grid up to the last used cell), so a
    stray value in column XFD or row 1048576 costs nothing and is reported once.
    """
    import warnings
    from xml.parsers.expat import ExpatError

    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_XLSX_UNPACKED:
                raise DataError([Problem(shown, "", f"the workbook unpacks to {unpacked:,} bytes; expected at most "
                                         f"{MAX_XLSX_UNPACKED:,}: save only the contributions table in it")])
            cells = _stored_cells(archive)
            listed = _listed_sheets(archive)
        if cells > MAX_XLSX_CELLS:
            raise DataError([Problem(shown, "", f"the workbook stores more than {MAX_XLSX_CELLS:,} cells; expected "
                                     f"at most {MAX_XLSX_CELLS:,} (a table of {MAX_ROWS:,} rows has "
                                     f"{MAX_ROWS * 4:,}): save only the contributions table in it")])
        with warnings.catch_warnings():  # a number formatted as a date too large to be one: reported below
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=False, read_only=False)
        # openpyxl leaves out, without a word, a worksheet whose part (the XML holding its cells) is missing
        lost = [name for name in listed if name not in book.sheetnames]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
        if path.stat().st_size == 0:
            raise _empty_problem(shown) from None
        raise DataError([Problem(shown, "", f"this is not an Excel workbook ({type(err).__name__}); "
                                 f"expected {_SAVED_BY_EXCEL}")]) from None
    except (SyntaxError, ExpatError) as err:  # ElementTree's ParseError and lxml's XMLSyntaxError are SyntaxErrors
        detail = re.sub(r" \(<string>, line \d+\)$", "", str(err).splitlines()[0])[:100] if str(err) \
            else type(err).__name__  # lxml's message ends with where it read the XML from: a string
        raise DataError([Problem(shown, "", f"the workbook is damaged: its XML does not parse ({detail}); expected "
                                 f"{_SAVED_BY_EXCEL}: open it there and save it again")]) from None
    if lost:
        raise DataError([Problem(shown, f"worksheet {name!r}", "the workbook lists this worksheet, but the part "
                                 "holding its cells is missing: the file is damaged; expected "
                                 f"{_SAVED_BY_EXCEL}: open it there and save it again") for name in lost])
    sheet = _worksheet(book, shown, worksheet)
    filled = {key: cell for key, cell in sorted(sheet._cells.items()) if cell.value not in (None, "")}
    if not filled:
        raise _empty_problem(shown)
    where = f"worksheet {sheet.title!r}"
    problems = [Problem(shown, f"{where}, cells {r.coord}", "these cells are merged; expected one value per "
                        "cell: unmerge them and type the value in each") for r in sheet.merged_cells.ranges]
    problems += _hidden_problems(sheet, filled, shown, where)
    by_row: dict[int, dict[int, object]] = {}
    for (row, column), cell in filled.items():
        by_row.setdefault(row, {})[column] = cell

    def names(row: int) -> dict[int, str]:
        return {c: str(cell.value).strip().lower() for c, cell in by_row.get(row, {}).items()
                if str(cell.value).strip()}

    header_row = next((r for r in range(1, HEADER_SEARCH_ROWS + 1) if set(REQUIRED_COLUMNS) <= set(names(r).values())),
                      min(by_row))
    header = names(header_row)
    first_col = min(header, default=1)
    last_col = first_col
    while last_col + 1 in header or last_col + 2 in header:  # the header ends at two empty cells in a row
        last_col += 1 if last_col + 1 in header else 2
    if header_row > 1:
        problems.append(Problem(shown, f"{where}, row {header_row}", f"the header row is row {header_row}; "
                                "expected it in row 1: delete the rows above it"))
    if first_col > 1:
        problems.append(Problem(shown, f"{where}, column {get_column_letter(first_col)}", "the table starts in "
                                f"column {get_column_letter(first_col)}; expected it in column A: delete the empty "
                                "columns before it"))
    span = f"{get_column_letter(first_col)}-{get_column_letter(last_col)}"
    stray = [cell for (row, column), cell in filled.items()
             if row >= header_row and not first_col <= column <= last_col]
    for cell in stray[:MAX_STRAY_CELLS]:
        problems.append(Problem(shown, f"{where}, cell {cell.coordinate}", f"holds {_shown(cell)} outside the "
                                f"table's columns {span}; expected nothing beside the table: delete it or move "
                                "it into the table"))
    if len(stray) > MAX_STRAY_CELLS:
        problems.append(Problem(shown, where, f"{len(stray) - MAX_STRAY_CELLS:,} more cells hold values outside "
                                f"the table's columns {span}; expected nothing beside the table"))
    body = [r for r in sorted(by_row) if r > header_row and any(first_col <= c <= last_col for c in by_row[r])]
    if len(body) > MAX_ROWS:
        raise _too_many_rows(shown, len(body))
    records, dated = [], {}
    for row in body:
        cells = by_row[row]
        for column in range(first_col, last_col + 1):
            cell = cells.get(column)
            if cell is not None and cell.data_type == "f":
                problems.append(Problem(shown, f"{where}, cell {cell.coordinate}", f"holds the formula "
                                        f"{cell.value!r}; expected a typed value: copy the column and "
                                        "paste it back as values only"))
            elif cell is not None and _is_date(cell) and header.get(column) in REQUIRED_COLUMNS:
                dated.setdefault(column, []).append(cell)
        records.append([row, *[_value(cells[c]) if c in cells else None for c in range(first_col, last_col + 1)]])
    problems += [_dated_problem(cells, header[column], shown, where) for column, cells in sorted(dated.items())]
    if problems:
        raise DataError(sorted(problems, key=_row_of))
    columns = [ROW, *[header.get(c) or f"(empty header in column {c})" for c in range(first_col, last_col + 1)]]
    return pd.DataFrame(records, columns=columns, dtype=object)


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?c[\s/>]")  # a cell, <c r="A1">, with or without a prefix


def _stored_cells(archive: zipfile.ZipFile) -> int:
    """How many cells the workbook's worksheets store, counted in their XML as it is unpacked, stopping a little
    past MAX_XLSX_CELLS (a second at most, whatever the workbook holds)."""
    count, overlap = 0, 40  # bytes kept from one piece to the next, so that a tag cut in two is still seen
    for info in archive.infolist():
        if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
            continue
        with archive.open(info) as stream:
            buffer = b""
            while count <= MAX_XLSX_CELLS:
                piece = stream.read(1 << 20)
                buffer += piece
                limit = len(buffer) - overlap if piece else len(buffer)
                count += sum(1 for match in _CELL_TAG.finditer(buffer) if match.start() < limit)
                buffer = buffer[limit:]
                if not piece:
                    break
    return count


def _listed_sheets(archive: zipfile.ZipFile) -> list[str]:
    """The names of the sheets the workbook lists (xl/workbook.xml), whether or not their parts are there."""
    from xml.etree import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except KeyError:  # no workbook part: openpyxl says the file is not a workbook
        return []
    return [sheet.get("name", "") for sheet in workbook.iter() if sheet.tag.rpartition("}")[2] == "sheet"]


def _worksheet(book, shown: str, name: str | None):
    """The worksheet to read: the one named in sheet.yaml, else the workbook's only visible one; a hidden
    worksheet is never read."""
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    listed = ", ".join(repr(ws.title) for ws in visible) or "(none)"
    if name is not None:
        found = next((ws for ws in book.worksheets if ws.title == name), None)
        if found is None:
            raise DataError([Problem(shown, "", f"there is no worksheet {name!r} (named in sheet.yaml, table: "
                                     f"sheet:); expected one of the visible worksheets: {listed}")])
        if found.sheet_state != "visible":
            raise DataError([Problem(shown, f"worksheet {name!r}", f"the worksheet named in sheet.yaml (table: "
                                     f"sheet:) is hidden; expected a visible one ({listed}): unhide it in Excel, "
                                     "or name another")])
        return found
    if len(visible) == 1:
        return visible[0]
    if not visible:
        raise DataError([Problem(shown, "", "every worksheet of the workbook is hidden; expected the "
                                 "contributions table on a visible worksheet: unhide it in Excel")])
    raise DataError([Problem(shown, "", f"the workbook has {len(visible)} visible worksheets ({listed}); expected "
                             "one, or the one to read named in sheet.yaml, as in table: {sheet: "
                             f"{visible[0].title}}}")])


def _hidden_problems(sheet, filled: dict, shown: str, where: str) -> list[Problem]:
    """Hidden rows and columns holding values: what the reader of the worksheet does not see is not printed."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    hidden_rows = {row for row, d in sheet.row_dimensions.items() if d.hidden}
    hidden_columns = set()
    for key, d in sheet.column_dimensions.items():
        if d.hidden:
            first = d.min or column_index_from_string(key)
            hidden_columns.update(range(first, (d.max or first) + 1))
    rows = sorted({row for row, _ in filled if row in hidden_rows})
    columns = sorted({column for _, column in filled if column in hidden_columns})
    problems = []
    if rows:
        problems.append(Problem(shown, f"{where}, {_listed('row', [str(r) for r in rows])}", "hidden, yet holding "
                                "values; expected every value of the table visible: unhide the rows, or delete "
                                "them"))
    if columns:
        letters = [get_column_letter(c) for c in columns]
        problems.append(Problem(shown, f"{where}, {_listed('column', letters)}", "hidden, yet holding values; "
                                "expected every value of the table visible: unhide the columns, or delete them"))
    return problems


def _listed(kind: str, names: list[str]) -> str:
    """'row 4', 'rows 4, 7, 9', 'rows 4, 7, ... and 12 more'."""
    if len(names) == 1:
        return f"{kind} {names[0]}"
    more = f" and {len(names) - MAX_STRAY_CELLS:,} more" if len(names) > MAX_STRAY_CELLS else ""
    return f"{kind}s {', '.join(names[:MAX_STRAY_CELLS])}{more}"


_DATE_TYPES = (dt.datetime, dt.date, dt.time, dt.timedelta)
_EXPECTED_OF = {"year": "a year: format the column as Number",
                "stream": "a stream: format the column as Text",
                "amount_usd": "an amount: format the column as Number"}


def _is_date(cell) -> bool:
    """A cell Excel shows as a date or time (openpyxl gives its value as one, or '#VALUE!' when the number
    is too large to be a date)."""
    from openpyxl.styles.numbers import is_date_format

    return isinstance(cell.value, _DATE_TYPES) or (cell.data_type == "e" and is_date_format(cell.number_format))


def _dated_problem(cells: list, column: str, shown: str, where: str) -> Problem:
    """One line for the cells of a column formatted as dates, naming them and what Excel shows."""
    values = list(dict.fromkeys(_as_typed(c.value) if isinstance(c.value, _DATE_TYPES)
                                else "a number too large to be a date" for c in cells))
    what = f"formatted as a date ({values[0]})" if len(cells) == 1 else \
        f"formatted as dates ({', '.join(values[:3])}{', ...' if len(values) > 3 else ''})"
    return Problem(shown, f"{where}, {_listed('cell', [c.coordinate for c in cells])}",
                   f"{what}; expected {_EXPECTED_OF[column]}")


def _as_typed(value) -> str:
    """A date or time as Excel shows it to the user typing it: 2020-01-02, 2020-01-02 10:30, 10:30."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _value(cell):
    """A cell's value as the table gets it: a date or time (in a note) as its text, anything else as typed."""
    return _as_typed(cell.value) if isinstance(cell.value, _DATE_TYPES) else cell.value


def _shown(cell) -> str:
    return repr(_as_typed(cell.value)) if isinstance(cell.value, _DATE_TYPES) else repr(cell.value)


def _schema(streams: list[str]):
    """Value rules for parsed rows (pandera)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, LAST_YEAR)),
            "stream": pa.Column(str, pa.Check.isin(streams)),
            "amount_usd": pa.Column(float, pa.Check.ge(0), nullable=True),  # unreadable amounts are reported before
        },
        unique=["year", "stream"],
        report_duplicates="exclude_first",
    )


def load_validation() -> None:
    """Load what the first validation of a table loads (pandera's backends); the warm process calls this
    (factsheet.workflow.warm)."""
    import pandera.pandas as pa

    pa.DataFrameSchema.register_default_backends(pd.DataFrame)


def _schema_problems(table: pd.DataFrame, streams: list[str], shown: str) -> list[Problem]:
    import pandera.errors

    try:
        _schema(streams).validate(table, lazy=True)
        return []
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    problems, seen, first_rows = [], set(), {}
    # plain dicts, not table.loc per failure case: the whole report stays linear in the table's rows
    rows, years, names = (dict(zip(table.index, table[c], strict=True)) for c in (ROW, "year", "stream"))
    for index in table.index:
        first_rows.setdefault((years[index], names[index]), rows[index])  # in file order: the first is kept
    for case in cases.itertuples():
        row = int(rows[case.index])
        value = case.failure_case
        if (case.index, case.check) in seen:  # a duplicate is reported once, not once per column
            continue
        seen.add((case.index, case.check))
        if case.check == "multiple_fields_uniqueness":
            year, stream = years[case.index], names[case.index]
            first = first_rows.get((year, stream), row)
            named = stream if stream.isprintable() else repr(stream)
            problems.append(Problem(shown, f"row {row}, column year", f"{year} {named} is given twice (first at "
                                    f"row {int(first)}); expected one row per year and stream"))
        elif case.column == "year":
            problems.append(Problem(shown, f"row {row}, column year", f"{str(value)!r} is not a year; expected a "
                                    f"four-digit year between {FIRST_YEAR} and {LAST_YEAR}"))
        elif case.column == "stream":
            problems.append(Problem(shown, f"row {row}, column stream", f"{value!r} is not a stream of this "
                                    f"sheet; expected one of {', '.join(streams)}"))
        else:
            problems.append(Problem(shown, f"row {row}, column {case.column}", f"{value!r} does not pass "
                                    f"the check {case.check}"))
    return sorted(problems, key=_row_of)


def tidy(raw: pd.DataFrame, streams: list[str], source: Path, declared: dict | None = None,
         sheet_window: tuple[int, int] | None = None, plausible_max: float = PLAUSIBLE_MAX_USD) -> pd.DataFrame:
    """Check every row and return year, stream, amount_usd, note; raise DataError listing every problem
    (``plausible_max``: the largest amount a row may give)."""
    shown = display_path(source)
    if ROW not in raw.columns:
        raw = raw.assign(**{ROW: range(2, len(raw) + 2)})
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in (ROW, *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    if missing or unknown:
        found = ", ".join(str(c) for c in raw.columns if c != ROW) or "nothing"
        problems = [Problem(shown, "", f"column {c!r} is missing from the header row (found: {found}); "
                            f"expected {', '.join(REQUIRED_COLUMNS)} and optionally {', '.join(OPTIONAL_COLUMNS)}")
                    for c in missing]
        problems += [Problem(shown, "", f"column {c!r} is not expected; expected only "
                             f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}") for c in unknown]
        raise DataError(problems)
    if raw.empty:
        raise DataError([Problem(shown, "", "the table has a header but no rows; "
                                 "expected one row per year and stream")])

    problems, rows, totals, refused = [], [], [], []
    for record in raw.to_dict("records"):
        line = int(record[ROW])
        refused += [Problem(shown, f"row {line}, column {column}", f"{value!r} {message}")
                    for column, value in record.items() if column != ROW and isinstance(value, str)
                    and (message := refused_characters(value, in_cell=True))]
        year_text = "" if _blank(record["year"]) else str(record["year"]).strip()
        stream = "" if _blank(record["stream"]) else str(record["stream"]).strip().lower()
        try:
            amount = parse_amount(record["amount_usd"])
        except ValueError as err:
            problems.append(Problem(shown, f"row {line}, column amount_usd", str(err)))
            amount = None
        note = "" if _blank(record.get("note")) else str(record.get("note")).strip()
        if year_text.lower() == TOTAL:
            totals.append((line, stream, amount))
            continue
        if amount is not None and amount > plausible_max:
            typed = str(record["amount_usd"]).strip()
            problems.append(Problem(shown, f"row {line}, column amount_usd", f"{typed} is more than the plausible "
                                    f"bound of US$ {plausible_max:,.0f} a row (setting plausible_max_usd in "
                                    f"config/config.yaml); expected the amount of one year and stream: check for a "
                                    "typing error (digits repeated, cents typed without a decimal point)"))
        year = _year(year_text)
        if year is None:
            problems.append(Problem(shown, f"row {line}, column year", f"{record['year']!r} is not a year; "
                                    f"expected a four-digit year between {FIRST_YEAR} and {LAST_YEAR} "
                                    f"(or '{TOTAL.title()}' for a total to check)"))
        if year is not None:
            rows.append({ROW: line, "year": year, "stream": stream, "amount_usd": amount, "note": note})
    table = pd.DataFrame(rows, columns=[ROW, "year", "stream", "amount_usd", "note"])
    table = table.astype({"year": int, "stream": str, "amount_usd": float})
    checked = _schema_problems(table, streams, shown)
    duplicates = [p for p in checked if "twice" in p.message]
    problems += [p for p in checked if "twice" not in p.message]  # not "p not in duplicates": quadratic
    if problems or refused:  # cell by cell first: the table as a whole is judged once its cells are right
        places = {p.where for p in refused}  # a cell with a control character: that is its one problem
        raise DataError(sorted(refused + [p for p in problems if p.where not in places], key=_row_of))
    if table.empty:
        raise DataError([Problem(shown, "", "the table has only total rows; expected one row per year and stream")])
    problems = duplicates

    problems += _window_problems(table, streams, declared, sheet_window, shown)
    if problems:
        raise DataError(problems)
    problems += _total_problems(table, totals, streams, shown)
    if problems:
        raise DataError(problems)

    order = {s: i for i, s in enumerate(streams)}
    table = table.assign(order=table["stream"].map(order)).sort_values(["year", "order"])
    return table[["year", "stream", "amount_usd", "note"]].reset_index(drop=True)


def _window_problems(table: pd.DataFrame, streams: list[str], declared: dict | None,
                     sheet_window: tuple[int, int] | None, shown: str) -> list[Problem]:
    """Each stream has one row for every year of its reporting window, and none outside it."""
    period, windows = windows_of(streams, declared, sheet_window, table["year"])
    if period.years > MAX_WINDOW_YEARS:
        return [Problem(shown, "", f"the table runs from {period.first} to {period.last}, {period.years} years; "
                        f"expected at most {MAX_WINDOW_YEARS} years (the chart and its figures table stay readable "
                        "up to that): keep the latest years, or set a shorter window: in sheet.yaml")]
    problems = []
    for line, year, stream in zip(table[ROW], table["year"], table["stream"], strict=True):
        window = windows[stream]
        if year not in window:
            whose = f"the {stream} stream's window" if (declared or {}).get(stream) else "the sheet's window"
            problems.append(Problem(shown, f"row {int(line)}, column year", f"{year} is outside {whose}, "
                                    f"{window.long}; expected a year from {window.first} to {window.last}: delete the "
                                    "row, or widen the window in sheet.yaml"))
    present = set(zip(table["year"], table["stream"], strict=True))
    for stream in streams:
        for year in windows[stream]:
            if (year, stream) not in present:
                problems.append(Problem(shown, "", f"there is no row for {year}, {stream}; expected one row for "
                                        f"every year of the {stream} stream's window, {windows[stream].long} "
                                        "(write 0 if nothing was paid)"))
    return problems


def _total_problems(table: pd.DataFrame, totals: list, streams: list[str], shown: str) -> list[Problem]:
    """A 'Total' row must equal the sum of its stream's rows (or of all rows when its stream is empty)."""
    problems = []
    for line, stream, amount in totals:
        if stream and stream not in streams:
            problems.append(Problem(shown, f"row {line}, column stream", f"{stream!r} is not a stream of this "
                                    f"sheet; expected one of {', '.join(streams)}, or empty for the total of all"))
            continue
        if amount is None:
            continue
        rows = table if not stream else table[table["stream"] == stream]
        actual = float(rows["amount_usd"].sum())
        if abs(actual - amount) >= 0.005:
            what = f"the {stream} rows" if stream else "all rows"
            problems.append(Problem(shown, f"row {line}, column amount_usd", f"the total {amount:,.2f} does not "
                                    f"match the sum of {what}, {actual:,.2f}; expected the two to agree: "
                                    "correct the figure that is wrong"))
    return problems


def _row_of(problem: Problem) -> int:
    """The row a problem is on (0 when it is about the whole table), to list problems top to bottom."""
    match = re.match(r"row (\d+)", problem.where)
    return int(match.group(1)) if match else 0


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def _year(text: str) -> int | None:
    """A year from a cell's text ('2018', or '2018.0' as Excel may give it), else None."""
    text = text.removesuffix(".0")
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


def write_tidy(table: pd.DataFrame, path: Path) -> None:
    """Write the tidy table as CSV (amounts with cents, UTF-8, Unix newlines)."""
    table.to_csv(path, index=False, float_format="%.2f", lineterminator="\n")


def read_tidy(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_tidy`."""
    return pd.read_csv(path, dtype={"year": int, "stream": str, "amount_usd": float, "note": str},
                       keep_default_na=False)


# The full-width = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20) too: a spreadsheet set to an East Asian language may
# read them as their ASCII forms, and so run the cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralised_csv(text: str) -> str:
    """The CSV with every cell a spreadsheet would run as a formula made inert (OWASP, CSV injection): a cell
    that starts with = + - @ (or their full-width forms), a tab or a carriage return and is not a number gets a
    leading single quote.
    A table without such cells is returned unchanged, byte for byte."""
    import csv
    import io

    def risky(cell: str) -> bool:
        if not cell.startswith(FORMULA_STARTS):
            return False
        try:
            float(cell)
        except ValueError:
            return True
        return False

    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not any(risky(cell) for row in rows for cell in row):
        return text

    def quoted(cell: str) -> str:  # like the csv module's minimal quoting, and a carriage return quoted too
        return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(c in cell for c in ',"\n\r') else cell

    return "".join(",".join(quoted("'" + cell if risky(cell) else cell) for cell in row) + "\n" for row in rows)
