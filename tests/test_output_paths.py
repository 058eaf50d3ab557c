"""Every file a build writes under a name that comes from data stays inside the build's output folder.

A project's photo names its copy in the web edition (output/site/photos/<sheet>/...): a path that climbs
('..'), is absolute or hides a climb in an escape would put that copy anywhere, the sheet's own photo
under data/ included. The check refuses such a path before anything is drawn (in-process, on a copy of
data/canada/2023); the stage that writes the copies refuses it again on its own (files.inside); and the
suite's builds fail if anything under data/ changed (conftest.data_unchanged, in run_workflow).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from factsheet.errors import DataError
from factsheet.files import inside
from factsheet.model import checked, languages
from factsheet.model import sheet as sheet_module
from factsheet.model.contributions import read_raw, tidy
from factsheet.model.validate import checked_sheet
from factsheet.stages import publish_sheet_files

from conftest import CANADA, data_unchanged, first_language_only

SHEET = Path("canada") / "2023"
PROJECT = "projects/01-jordan-garment-trade-unions.md"
CLIMB = "photos/../../../../data/canada/2023/photos/x.png"  # out of photos/ and back into the sheet's folder


@pytest.fixture
def sheet(tmp_path) -> Path:
    """A one-language copy of the Canada sheet at <tmp>/data/canada/2023 (as in a checkout: the climbs of
    CLIMB land on its photos/x.png, and on the same file from <tmp>/output/site/photos/canada-2023/)."""
    folder = tmp_path / "data" / SHEET
    shutil.copytree(CANADA, folder)
    first_language_only(folder)
    return folder


def photo(path: Path) -> Path:
    """A PNG wider than the web edition's copies, so that a copy written over it is told apart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (publish_sheet_files.WEB_PHOTO_WIDTH + 100, 20), "#1E2DBE").save(path)
    return path


def give_photo(sheet: Path, file: str) -> None:
    """The first project shows the photo at ``file`` (written as a YAML string, as typed)."""
    project = sheet / PROJECT
    text = project.read_text(encoding="utf-8")
    field = f"photo:\n  file: {json.dumps(file, ensure_ascii=False)}\n  caption: A training\n  credit: ILO\n"
    project.write_text(text.replace("---\n", "---\n" + field, 1), encoding="utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# What the check would have summed up; the stage does not read it.
SUMMARY = {"sheet": "", "table": "", "rows": 0, "years": [0, 0], "narrative": [], "projects": 0, "quotes": 0,
           "languages": ["en"], "warnings": [], "photos": 0}


def publish(sheet: Path, out: Path) -> None:
    """The web edition's stage for the sheet's table and photos, in-process, into ``out``/site/, from the sheet
    as the check would write it (built without the check: the stage must refuse on its own)."""
    table = tidy(read_raw(sheet / "contributions.csv"), ["assessed", "voluntary"], sheet / "contributions.csv")
    checked_file = out / "checked" / "canada-2023.json"
    checked.write(checked_file, checked.build(sheet, table, SUMMARY))
    publish_sheet_files.main(checked_file, out / "site" / "files" / "canada-2023-contributions.csv",
                             out / "site" / "photos" / "canada-2023")


# --- refused by the check, before anything is drawn ---------------------------------------------------------------
# (id, the photo's file as typed, where the image really is (relative to the sheet; None: at the path typed),
#  words of the message). Each path leads to a real image, so only the path's shape is wrong.

PATHS = [
    ("climbs-back-into-the-sheet", CLIMB, "photos/x.png", ["climbs with '..'", "expected a path inside photos/"]),
    ("climbs-inside-photos", "photos/sub/../x.png", "photos/x.png", ["climbs with '..'"]),
    ("dot-folder", "photos/./x.png", "photos/x.png", ["names the folder '.'"]),
    ("absolute-path-into-the-sheet", "{sheet}/photos/x.png", "photos/x.png", ["an absolute path"]),
    ("percent-escaped-dots", "photos/%2e%2e/x.png", None, ["percent sign", "%2e"]),
    ("backslash", "photos\\x.png", None, ["backslash"]),
    ("zero-width-space", "photos/\u200bx.png", None, ["invisible character"]),
    ("doubled-slash", "photos//x.png", "photos/x.png", ["not a file inside photos/"]),
    ("outside-the-photos-folder", "x.png", None, ["not a file inside photos/"]),
    ("hidden-file", "photos/.x.png", None, ["'.x.png'", "none starting with a dot"]),
]


@pytest.mark.parametrize(("file", "real", "expected"), [pytest.param(*case[1:], id=case[0]) for case in PATHS])
def test_a_photo_path_that_could_leave_its_folder_is_refused(sheet, file, real, expected):
    file = file.format(sheet=sheet)
    photo(sheet / (real or file))
    give_photo(sheet, file)
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    named = [p for p in info.value.problems if p.file.endswith(f"{SHEET.as_posix()}/{PROJECT}")
             and p.where == "key photo.file"]
    shown = "\n".join(map(str, info.value.problems))
    assert named, shown
    assert repr(file) in named[0].message and all(words in named[0].message for words in expected), shown
    assert "\n" not in str(named[0])


def test_a_plain_photo_path_still_passes(sheet):
    photo(sheet / "photos" / "2023" / "Training (Amman), day 1.png")
    give_photo(sheet, "photos/2023/Training (Amman), day 1.png")
    assert checked_sheet(sheet)[0]["photos"] == 1


# --- refused where the copies are written ----------------------------------------------------------------------------

def test_the_climbing_photo_never_replaces_the_sheets_own(sheet, tmp_path):
    """The review's case: the web edition's copy of CLIMB lands on the source photo. The stage refuses it,
    naming the project's file and field, and writes nothing under data/."""
    source = photo(sheet / "photos" / "x.png")
    give_photo(sheet, CLIMB)
    before = digest(source)
    with pytest.raises(DataError) as info:
        publish(sheet, tmp_path / "output")
    problem = info.value.problems[0]
    assert problem.file.endswith(PROJECT) and problem.where == "key photo.file" and repr(CLIMB) in problem.message
    assert digest(source) == before


@pytest.mark.parametrize("file", [CLIMB, "{sheet}/photos/x.png", "photos/../../../../elsewhere/x.png"],
                         ids=["climbs-back-onto-the-source", "absolute", "climbs-out-of-the-output-folder"])
def test_the_stage_refuses_a_copy_outside_its_folder_even_if_the_check_let_it_through(sheet, tmp_path,
                                                                                       monkeypatch, file):
    """Defence in depth: with the check's photo rule switched off, the stage itself refuses to write the
    copy outside the site's photos folder (files.inside)."""
    file = file.format(sheet=sheet)
    source = photo(sheet / "photos" / "x.png")
    photo(tmp_path / "elsewhere" / "x.png")
    give_photo(sheet, file)
    monkeypatch.setattr(sheet_module, "photo_problem", lambda sheet_dir, file: None)
    monkeypatch.setattr(languages, "photo_problem", lambda sheet_dir, file: None)
    monkeypatch.setattr(publish_sheet_files, "confined", lambda path, root: Path(path))  # the source side too
    before = {path: digest(path) for path in (source, tmp_path / "elsewhere" / "x.png")}
    with pytest.raises(DataError) as info:
        publish(sheet, tmp_path / "output")
    problem = info.value.problems[0]
    assert problem.file.endswith(PROJECT) and problem.where == "key photo.file", problem
    assert repr(file) in problem.message and "outside" in problem.message, problem
    assert {path: digest(path) for path in before} == before


def test_inside_accepts_a_path_below_its_folder_only(tmp_path):
    root = tmp_path / "site" / "photos"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "out").symlink_to(tmp_path, target_is_directory=True)
    assert inside(root / "sub" / "a.jpg", root) == root / "sub" / "a.jpg"
    for escaping in (root / ".." / "a.jpg", root / "sub" / "out" / "a.jpg", root, Path("/etc/passwd")):
        with pytest.raises(DataError) as info:
            inside(escaping, root, "data/x/2023/projects/01-a.md", "key photo.file", "photos/x")
        problem = info.value.problems[0]
        assert (problem.file, problem.where) == ("data/x/2023/projects/01-a.md", "key photo.file")
        assert "'photos/x' would be written to" in problem.message and "outside" in problem.message


# --- the suite's builds: nothing under data/ changes ---------------------------------------------------------------

@pytest.mark.parametrize("change", ["rewrite", "add", "remove"])
def test_a_build_that_changes_data_fails_the_test(tmp_path, change):
    """conftest.data_unchanged, around every build of run_workflow and corpus_build, notices a file of data/
    rewritten, added or removed."""
    (tmp_path / "data" / "s" / "2023").mkdir(parents=True)
    table = tmp_path / "data" / "s" / "2023" / "contributions.csv"
    table.write_text("year,stream\n", encoding="utf-8")
    with data_unchanged(tmp_path):  # a build that only reads
        table.read_text(encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="data/s/2023/"), data_unchanged(tmp_path):
        if change == "rewrite":
            table.write_text("year,stream\n2023,a\n", encoding="utf-8")
        elif change == "add":
            (table.parent / "photos").mkdir()
            (table.parent / "photos" / "x.png").write_bytes(b"png")
        else:
            table.unlink()
