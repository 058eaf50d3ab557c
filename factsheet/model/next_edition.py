"""Starting a subject's next edition (make edition): copy the latest one, move its reporting window and date
forward, and list the figures and texts its writer must now update."""

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import outside_problem
from factsheet.model.contributions import ROW, read_raw
from factsheet.model.editions import (
    EDITION_RULE,
    SUBJECT_RULE,
    contributions_file,
    editions,
    linked_folder,
    previous_edition,
    sheet_languages,
)
from factsheet.model.sheet import load_sheet
from factsheet.model.translations import is_record_file
from factsheet.render.formatting import babel_locale, load_labels

YEAR = r"\b(?:19|20)\d{2}\b"
TO_FILL = "to fill: new figure"


@dataclass
class NewEdition:
    """What starting an edition did, and what the writer must now update."""

    source: Path
    target: Path
    figures_to_fill: list[str] = field(default_factory=list)
    texts_to_check: list[str] = field(default_factory=list)


def start_edition(data_dir: Path, subject: str, year: int) -> NewEdition:
    """Copy the latest edition to data/<subject>/<year>/, move the reporting window forward by the
    years between the editions (new years get empty amounts), set the edition date, and list
    every figure and text that now needs the writer's attention. Refuses to overwrite."""
    data_dir = Path(data_dir)
    if not re.fullmatch(SUBJECT_RULE, subject):
        raise DataError([Problem(f"SUBJECT={subject}", "", "not the name of a subject's folder; expected the name of "
                                 "a folder under data/: lower-case letters, digits and hyphens (like canada)")])
    if not re.fullmatch(EDITION_RULE, str(year)):
        raise DataError([Problem(f"YEAR={year}", "", "not an edition's year; expected a four-digit year (like 2024)")])
    target = data_dir / subject / str(year)
    if target.exists():
        raise DataError([Problem(display_path(target), "", "this edition already exists; expected a new year "
                                 "(remove the folder yourself if you really mean to start it again)")])
    source_edition = previous_edition(data_dir, subject, str(year))
    if source_edition is None:
        known = ", ".join(editions(data_dir, subject)) or "none"
        raise DataError([Problem(display_path(data_dir / subject), "", f"no edition before {year} to start from "
                                 f"(editions found: {known}); expected data/{subject}/<year>/sheet.yaml")])
    source = data_dir / subject / source_edition
    step = year - int(source_edition)
    linked = linked_folder(data_dir, subject, source_edition)
    if linked:
        raise DataError([linked])
    entries = _entries(source)
    leaving = [p for p in (outside_problem(e, source) for e in entries) if p]
    if leaving:  # copying would copy the linked file's content into data/
        raise DataError(leaving)
    special = [Problem(display_path(e), "", f"{e.name!r} is neither a file nor a folder (a named pipe, a socket or a "
                       "device); expected only files and folders in an edition: remove it, then run make edition "
                       "again") for e in entries if not (e.is_symlink() or e.is_file() or e.is_dir())]
    if special:
        raise DataError(special)
    result = NewEdition(source=source, target=target)
    try:
        shutil.copytree(source, target)  # inside: a copy cut short is removed, not left as a new edition
        labels = _labels_of(target)
        windows = _stream_windows(target / paths.SHEET_FILE)
        years = _table_years(contributions_file(target))
        past = range(min(years[:1] + [int(source_edition)]), int(source_edition) + 1)
        _move_edition_date(target / paths.SHEET_FILE, step)
        _move_declared_windows(target / paths.SHEET_FILE, step)
        result.figures_to_fill = _move_window(contributions_file(target), step, windows, labels)
        result.texts_to_check = _dated_mentions(target, sheet_languages(target), labels, past)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return result


def _labels_of(sheet_dir: Path) -> dict:
    """The labels of the sheet's first language: make edition speaks to its editor in it."""
    return load_labels(sheet_languages(sheet_dir)[0])


def _entries(folder: Path) -> list[Path]:
    """Every file and folder under ``folder``, links not followed."""
    import os

    return [Path(top) / name for top, dirs, files in os.walk(folder) for name in sorted(dirs + files)]


def _move_edition_date(sheet_file: Path, step: int) -> None:
    text = sheet_file.read_text(encoding="utf-8")

    def later(match: re.Match) -> str:
        return f"{match.group(1)}{int(match.group(2)) + step}{match.group(3)}"

    new, count = re.subn(r"^(edition_date:\s*['\"]?)(\d{4})(-\d{2}-\d{2})", later, text, count=1, flags=re.MULTILINE)
    if not count:
        raise DataError([Problem(display_path(sheet_file), "key edition_date",
                                 "no 'edition_date: YYYY-MM-DD' line found; expected one to move forward")])
    sheet_file.write_text(new, encoding="utf-8")


def _stream_windows(sheet_file: Path) -> dict[str, tuple[int, int] | None]:
    """Each stream's declared window in the edition being copied (None: the sheet's window)."""
    sheet = load_sheet(sheet_file)
    return {s.id: (s.window.first, s.window.last) if s.window else None for s in sheet.streams} | (
        {"": (sheet.window.first, sheet.window.last)} if sheet.window else {})


def _move_declared_windows(sheet_file: Path, step: int) -> None:
    """Move every declared window (the sheet's and each stream's) forward, keeping the file's comments."""
    text = sheet_file.read_text(encoding="utf-8")

    def later(match: re.Match) -> str:
        return f"{match.group(1)}{int(match.group(2)) + step}"

    inline = re.compile(r"^(.*\bwindow:\s*\{.*)$", re.MULTILINE)  # window: {first: 2015, last: 2018}
    text = inline.sub(lambda m: re.sub(r"((?:first|last):\s*)(\d{4})", later, m.group(1)), text)
    block = re.compile(r"^(\s*window:\s*(?:#.*)?\n(?:\s+#.*\n)*\s+(?:first|last):\s*)(\d{4})"
                       r"|^(\s+(?:first|last):\s*)(\d{4})(?=\s*(?:#.*)?$)", re.MULTILINE)
    text = block.sub(lambda m: f"{m.group(1) or m.group(3)}{int(m.group(2) or m.group(4)) + step}", text)
    sheet_file.write_text(text, encoding="utf-8")


def _move_window(table_file: Path, step: int, windows: dict, labels: dict) -> list[str]:
    """Move each stream's years forward: drop its first ``step`` years, add ``step`` new ones with empty
    amounts (a stream with its own window moves that window); return what to fill, in the words of
    ``labels``."""
    import pandas as pd

    raw = read_raw(table_file).drop(columns=[ROW])

    def year(value) -> int:
        return int(str(value).strip().removesuffix(".0"))

    years = sorted({year(y) for y in raw["year"] if str(y).strip().lower() != "total"})
    sheet_first, sheet_last = windows.get("") or (years[0], years[-1])
    streams = list(dict.fromkeys(str(s).strip() for s in raw["stream"] if str(s).strip()))
    new_rows, keep = [], pd.Series(True, index=raw.index)
    for stream in streams:
        first, last = windows.get(stream) or (sheet_first, sheet_last)
        mine = raw["stream"].map(lambda s, stream=stream: str(s).strip() == stream)
        leaves = raw["year"].map(lambda y, first=first: str(y).strip().lower() != "total" and year(y) < first + step)
        keep &= ~(mine & leaves)
        new_rows += [(y, stream) for y in range(last + 1, last + 1 + step)]
    kept = raw[keep]
    added = pd.DataFrame([{"year": str(y), "stream": s, "amount_usd": "",
                           **({"note": TO_FILL} if "note" in raw.columns else {})}
                          for y, s in sorted(new_rows)])
    table = pd.concat([kept, added], ignore_index=True)
    if table_file.suffix.lower() == ".xlsx":
        table.to_excel(table_file, index=False)
    else:
        table.to_csv(table_file, index=False, lineterminator="\n")
    first_new_row = len(kept) + 2
    return [labels["edition_figure"].format(file=display_path(table_file), row=first_new_row + i, year=row.year,
                                            stream=row.stream) for i, row in enumerate(added.itertuples())]


def _table_years(table_file: Path) -> list[int]:
    """The years of a contributions table as typed (its Total row left out)."""
    raw = read_raw(table_file)
    return sorted({int(str(y).strip().removesuffix(".0")) for y in raw["year"]
                   if re.fullmatch(r"\d{4}(\.0)?", str(y).strip())})


def _dated_mentions(sheet_dir: Path, languages: list[str], labels: dict, past: range) -> list[str]:
    """Every place of the copied edition that names a year of ``past`` (the previous edition's years) or a
    month (in any of the sheet's ``languages``) as typed text: texts and their front matter, sheet.yaml and its
    translations, the table's notes. Comments, {{ }} expressions (computed values), the edition date and the
    windows (moved already) are left out."""
    import csv

    from babel.dates import get_month_names

    months = sorted({name for code in languages for name in get_month_names("wide", locale=babel_locale(code))
                     .values()}, key=len, reverse=True)
    dated = re.compile(rf"{YEAR}|\b(?:{'|'.join(map(re.escape, months))})\b")  # as written: "May", "mayo"

    def mentions(text: str) -> list[str]:
        text = re.sub(r"{{.*?}}", "", text)
        return sorted({m for m in dated.findall(text) if not m.isdigit() or int(m) in past})

    found = []

    def note(path: Path, number: int, text: str) -> None:
        named = mentions(text)
        if named:
            found.append(labels["edition_mention"].format(file=display_path(path), line=number,
                                                          mentions=", ".join(named)))

    for path in sorted(sheet_dir.rglob("*")):
        if not path.is_file() or is_record_file(path):
            continue
        if path.suffix == ".csv" and path.stem == paths.CONTRIBUTIONS_STEM:
            rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
            column = rows[0].index("note") if rows and "note" in rows[0] else None
            for number, row in enumerate(rows[1:], start=2):
                if column is not None and column < len(row):
                    note(path, number, row[column])
            continue
        if path.suffix not in (".md", ".yaml"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        front = path.suffix == ".md" and bool(lines) and lines[0].strip() == "---"
        for number, line in enumerate(lines, start=1):
            yaml_line = path.suffix == ".yaml" or front
            if front and number > 1 and line.strip() == "---":
                front = False
            if yaml_line:
                if line.lstrip().startswith("#"):
                    continue
                line = re.sub(r"(^|\s)#.*$", "", line)  # a comment after the value
                if re.match(r"\s*(edition_date|window|first|last):", line) or re.search(r"\bwindow:\s*\{", line):
                    continue  # moved forward by make edition
            note(path, number, line)
    return found
