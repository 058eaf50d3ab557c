"""Bad-input corpus: every case of tests/bad_inputs/cases.yaml breaks a copy of data/canada/2023 in one way.

Every case is checked in-process, as the build's first stage checks a sheet: the problems, printed one line
each as the build prints them, must name the file, the place and the bad value (the case's ``expect``
substrings), and data/ is never modified. The first case of each category also runs through the user's build
command (factsheet/commands/build.py): it must stop (non-zero exit) with those lines, print no traceback and leave no
PDF,
HTML or ``*.part`` file behind. A case whose ``xfail`` key is set is a known pipeline defect, kept as a strict
xfail.
"""

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import ROOT, copy_checkout, outputs, tree_digest

CASES_FILE = Path(__file__).parent / "bad_inputs" / "cases.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
CATEGORIES = {"table cells", "table structure", "excel", "sheet.yaml", "languages", "front matter", "narrative",
              "resources", "encoding and empty files"}
SUBJECT, EDITION = "canada", "2023"
SHEET = Path("data") / SUBJECT / EDITION
PDF = outputs(Path()).pdf(f"{SUBJECT}-{EDITION}")  # relative to the checkout
HTML = outputs(Path()).html(f"{SUBJECT}-{EDITION}-en")
BUILD = [sys.executable, "-m", "factsheet.commands.build", "--cores", "2"]
DEBUG_CASE = "csv-amount-letters"  # the case run again with FACTSHEET_DEBUG=1
# Builds run this many at a time (each with --cores 2); most of a failing build is one process starting up.
PARALLEL = int(os.environ.get("BAD_INPUTS_PARALLEL", "2"))


# --- the edit operations -------------------------------------------------------------------------------------------

class EditError(Exception):
    """A case's edit does not apply to the sheet (the corpus is out of date, not the pipeline wrong)."""


def _target(sheet_dir: Path, file: str) -> Path:
    return sheet_dir / file


def _replace(sheet_dir: Path, file: str, old: str, new: str, count: int | None = None) -> None:
    """Replace ``old`` by ``new`` (the first ``count`` times, or every time); ``old`` must be there."""
    path = _target(sheet_dir, file)
    text = path.read_bytes().decode("utf-8")
    found = text.count(old)
    if found < (count or 1):
        raise EditError(f"{old!r} occurs {found} times in {file}")
    path.write_bytes(text.replace(old, new, count if count else -1).encode("utf-8"))


def _write(sheet_dir: Path, file: str, text: str, encoding: str = "utf-8") -> None:
    path = _target(sheet_dir, file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def _write_bytes(sheet_dir: Path, file: str, hex: str) -> None:
    path = _target(sheet_dir, file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes.fromhex(hex))


def _append(sheet_dir: Path, file: str, text: str) -> None:
    path = _target(sheet_dir, file)
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


def _delete(sheet_dir: Path, file: str) -> None:
    path = _target(sheet_dir, file)
    if not path.exists():
        raise EditError(f"{file} does not exist")
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def _encode(sheet_dir: Path, file: str, encoding: str) -> None:
    """Save a UTF-8 file's text again in another encoding (what 'Save as' with another encoding does)."""
    path = _target(sheet_dir, file)
    path.write_bytes(path.read_bytes().decode("utf-8").encode(encoding))


def _xlsx(sheet_dir: Path, file: str, rows: list, merge: str | None = None, formula_cell: dict | None = None,
          start_row: int = 1, start_col: int = 1) -> None:
    """An Excel workbook whose first worksheet holds ``rows`` from (start_row, start_col)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contributions"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=start_row + r, column=start_col + c, value=value)
    if formula_cell:
        sheet[formula_cell["cell"]] = formula_cell["formula"]
    if merge:
        sheet.merge_cells(merge)
    book.save(_target(sheet_dir, file))


OPERATIONS = {"replace": _replace, "write": _write, "write_bytes": _write_bytes, "append": _append,
              "delete": _delete, "encode": _encode, "xlsx": _xlsx}


def apply_edits(sheet_dir: Path, edits: list[dict]) -> None:
    for edit in edits:
        (operation, arguments), = edit.items()
        OPERATIONS[operation](sheet_dir, **arguments)


# --- running the build ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_checkout(tmp_path_factory) -> Path:
    """One clean checkout copy whose only sheet is data/canada/2023."""
    workdir = copy_checkout(tmp_path_factory.mktemp("bad-inputs-base"))
    for subject in (workdir / "data").iterdir():
        if subject.is_dir() and subject.name != SUBJECT:
            shutil.rmtree(subject)
    for edition in (workdir / "data" / SUBJECT).iterdir():
        if edition.is_dir() and edition.name != EDITION:
            shutil.rmtree(edition)
    assert sorted(p.parent.relative_to(workdir) for p in workdir.glob("data/*/*/sheet.yaml")) == [SHEET]
    return workdir


def broken_checkout(base: Path, target: Path, case: dict) -> Path:
    workdir = target / "checkout"
    shutil.copytree(base, workdir)
    apply_edits(workdir / SHEET, case["edits"])
    return workdir


def build(workdir: Path, debug: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "FACTSHEET_DEBUG"}
    if debug:
        env["FACTSHEET_DEBUG"] = "1"
    return subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=300, env=env)


@dataclass
class Run:
    workdir: Path
    data_before: dict[str, str]
    done: subprocess.CompletedProcess


def run_case(base: Path, target: Path, case: dict) -> Run:
    """Copy the base checkout, apply the case's edits, fingerprint data/, build."""
    workdir = broken_checkout(base, target, case)
    data_before = tree_digest(workdir / "data")
    return Run(workdir, data_before, build(workdir))


@pytest.fixture(scope="module")
def runs(request, base_checkout, tmp_path_factory):
    """The builds of every selected case, started in the background PARALLEL at a time; a test waits for its own."""
    selected = [item.callspec.params["case"] for item in request.session.items
                if item.originalname == "test_bad_input_stops_the_build" and hasattr(item, "callspec")]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {case["id"]: pool.submit(run_case, base_checkout, tmp_path_factory.mktemp(case["id"]), case)
                   for case in selected}
        yield futures
        for future in futures.values():
            future.cancel()


def _param(case: dict):
    # Only a failed assertion counts as the known defect; an edit that no longer applies or a timeout fails.
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


def checked_in_process(case: dict, tmp_path: Path, monkeypatch) -> tuple[str, dict, dict]:
    """The case's sheet checked as check_sheet does, from a folder like a checkout's (paths shown relative to it):
    the lines the build would print, and data/'s digest before and after."""
    from factsheet.errors import DataError
    from factsheet.model.validate import checked_sheet

    sheet_dir = tmp_path / SHEET
    shutil.copytree(ROOT / SHEET, sheet_dir, symlinks=True)
    apply_edits(sheet_dir, case["edits"])
    monkeypatch.chdir(tmp_path)
    before = tree_digest(tmp_path / "data")
    try:
        checked_sheet(SHEET)
        printed = ""
    except DataError as err:
        printed = "".join(f"error: {problem}\n" for problem in err.problems)
    return printed, before, tree_digest(tmp_path / "data")


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input_is_reported(case, tmp_path, monkeypatch):
    printed, before, after = checked_in_process(case, tmp_path, monkeypatch)
    shown = f"\n--- the check printed ---\n{printed}"
    assert printed, "the check accepted bad input"
    missing = [e for e in case["expect"] if e not in printed]
    assert not missing, f"expected in the output: {missing}{shown}"
    assert after == before, "the check modified data/"


THROUGH_THE_BUILD = [c for i, c in enumerate(CASES) if c["category"] not in {d["category"] for d in CASES[:i]}]


@pytest.mark.parametrize("case", [_param(c) for c in THROUGH_THE_BUILD])
def test_bad_input_stops_the_build(case, runs):
    run = runs[case["id"]].result()
    workdir, done = run.workdir, run.done
    output = done.stdout + done.stderr
    shown = f"\n--- build output ---\n{output}"
    assert done.returncode != 0, f"the build succeeded on bad input{shown}"
    missing = [e for e in case["expect"] if e not in output]
    assert not missing, f"expected in the output: {missing}{shown}"
    assert "Traceback" not in output, f"a traceback reached the user{shown}"
    assert not (workdir / PDF).exists(), f"{PDF} was written{shown}"
    assert not (workdir / HTML).exists(), f"{HTML} was written{shown}"
    parts = sorted(str(p.relative_to(workdir)) for p in outputs(workdir).root.rglob("*.part"))
    assert not parts, f"half-written files left: {parts}"
    assert tree_digest(workdir / "data") == run.data_before, "the build modified data/"


def test_debug_flag_shows_the_traceback(base_checkout, tmp_path):
    case = next(c for c in CASES if c["id"] == DEBUG_CASE)
    workdir = broken_checkout(base_checkout, tmp_path, case)
    done = build(workdir, debug=True)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" in output, output
    assert "DataError" in output, output
    assert not (workdir / PDF).exists()


# --- the corpus itself ---------------------------------------------------------------------------------------------

def test_corpus_is_broad_and_well_formed():
    assert len(CASES) >= 40
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case["id"]), case["id"]
        assert set(case) <= {"id", "category", "edits", "expect", "xfail"}, case["id"]
        assert case["category"] in CATEGORIES, case["id"]
        assert case["edits"] and all(len(e) == 1 and next(iter(e)) in OPERATIONS for e in case["edits"]), case["id"]
        assert case["expect"] and all(isinstance(e, str) and e for e in case["expect"]), case["id"]
        assert any(str(SHEET) in e for e in case["expect"]), f"{case['id']}: no expectation names the file"
    assert {c["category"] for c in CASES} == CATEGORIES
