"""The contributions table: read as typed (CSV or XLSX), check, and tidy."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .amounts import parse_amount
from .errors import DataError, Problem, display_path

ROW = "_row"  # column holding each record's row number as the user sees it
REQUIRED_COLUMNS = ("year", "stream", "amount_usd")
OPTIONAL_COLUMNS = ("note",)
FIRST_YEAR, LAST_YEAR = 1919, 2100  # the ILO's founding year; a sanity bound


def read_raw(path: Path) -> pd.DataFrame:
    """The table as text cells, header names stripped and lower-cased."""
    shown = display_path(path)
    if path.suffix.lower() == ".csv":
        frame = _read_csv(path, shown)
    elif path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        frame.insert(0, ROW, range(2, len(frame) + 2))  # the header is row 1
    else:
        raise DataError([Problem(shown, "", "expected a .csv or .xlsx file")])
    frame.columns = [c if c == ROW else str(c).strip().lower() for c in frame.columns]
    return frame


def _read_csv(path: Path, shown: str) -> pd.DataFrame:
    """Read with the csv module so each record keeps the line number it starts on."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError([Problem(shown, "", f"the file is not UTF-8 text (byte 0x{err.object[err.start]:02x} at "
                                 f"position {err.start + 1}); expected UTF-8: save it again choosing "
                                 "'CSV UTF-8'")]) from None
    if not text.strip():
        raise DataError([Problem(shown, "", "the file is empty; expected a header row "
                                 f"({', '.join(REQUIRED_COLUMNS)}) and one row per year and stream")])
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
    return pd.DataFrame(records, columns=[ROW, *header], dtype=object)


@dataclass(frozen=True)
class Cell:
    row: int  # as the user sees it: line of the CSV, row of the sheet
    column: str


def tidy(raw: pd.DataFrame, streams: list[str], source: Path) -> pd.DataFrame:
    """Check every row and return year, stream, amount_usd, note; raise DataError listing every problem."""
    shown = display_path(source)
    problems: list[Problem] = []

    def problem(cell: Cell | None, message: str) -> None:
        where = f"row {cell.row}, column {cell.column}" if cell else ""
        problems.append(Problem(shown, where, message))

    if ROW not in raw.columns:
        raw = raw.assign(**{ROW: range(2, len(raw) + 2)})
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in (ROW, *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    if missing or unknown:
        found = ", ".join(str(c) for c in raw.columns if c != ROW) or "nothing"
        for column in missing:
            problem(None, f"column {column!r} is missing from the header row (found: {found}); "
                          f"expected {', '.join(REQUIRED_COLUMNS)} and optionally {', '.join(OPTIONAL_COLUMNS)}")
        for column in unknown:
            problem(None, f"column {column!r} is not expected; expected only "
                          f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
        raise DataError(problems)
    if raw.empty:
        raise DataError([Problem(shown, "", "the table has a header but no rows; "
                                 "expected one row per year and stream")])

    rows = []
    for record in raw.to_dict("records"):
        line = int(record[ROW])
        year = _year(record["year"], Cell(line, "year"), problem)
        stream = str(record["stream"]).strip().lower() if not _blank(record["stream"]) else ""
        if stream not in streams:
            problem(Cell(line, "stream"), f"{record['stream']!r} is not a stream of this sheet; "
                                          f"expected one of {', '.join(streams)}")
        try:
            amount = parse_amount(record["amount_usd"])
        except ValueError as err:
            problem(Cell(line, "amount_usd"), str(err))
            amount = None
        note = "" if _blank(record.get("note")) else str(record.get("note")).strip()
        rows.append({"row": line, "year": year, "stream": stream, "amount_usd": amount, "note": note})
    if problems:
        raise DataError(problems)

    table = pd.DataFrame(rows)
    for (year, stream), group in table.groupby(["year", "stream"]):
        if len(group) > 1:
            first, *others = group["row"].tolist()
            for row in others:
                problem(Cell(row, "year"), f"{year} {stream} is given twice (first at row {first}); "
                                           "expected one row per year and stream")
    years = sorted(table["year"].unique())
    for year in range(years[0], years[-1] + 1):
        for stream in streams:
            if not ((table["year"] == year) & (table["stream"] == stream)).any():
                problem(None, f"there is no row for {year}, {stream}; expected one row per year and stream "
                              "from the first year to the last (write 0 if nothing was paid)")
    if problems:
        raise DataError(problems)

    order = {s: i for i, s in enumerate(streams)}
    table = table.assign(order=table["stream"].map(order)).sort_values(["year", "order"])
    return table[["year", "stream", "amount_usd", "note"]].reset_index(drop=True)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def _year(value, cell: Cell, problem) -> int | None:
    text = "" if _blank(value) else str(value).strip()
    if text.endswith(".0"):  # Excel gives whole numbers as floats
        text = text[:-2]
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        problem(cell, f"{value!r} is not a year; expected a four-digit year between {FIRST_YEAR} and {LAST_YEAR}")
        return None
    return int(text)


def write_tidy(table: pd.DataFrame, path: Path) -> None:
    """Write the tidy table as CSV (amounts with cents, UTF-8, Unix newlines)."""
    table.to_csv(path, index=False, float_format="%.2f", lineterminator="\n")


def read_tidy(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_tidy`."""
    return pd.read_csv(path, dtype={"year": int, "stream": str, "amount_usd": float, "note": str},
                       keep_default_na=False)
