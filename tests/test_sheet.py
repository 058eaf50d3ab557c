"""sheet.yaml and the projects/ and quotes/ Markdown files of one sheet."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PIL import Image

from factsheet.errors import DataError
from factsheet.model.languages import load_projects, load_quotes
from factsheet.model.sheet import load_sheet, untranslated_texts

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_SHEET_DIR = PROJECT_ROOT / "data" / "canada" / "2023"
REAL_SHEET = REAL_SHEET_DIR / "sheet.yaml"


def same_file(shown: str, path: Path) -> bool:
    """Whether a problem's file (absolute, or relative to the working folder) is ``path``."""
    return (Path.cwd() / shown).resolve() == path.resolve()


def error_of(call, *args):
    with pytest.raises(DataError) as info:
        call(*args)
    return info.value


def real_text() -> str:
    return REAL_SHEET.read_text(encoding="utf-8")


def write_sheet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sheet_dir(tmp_path) -> Path:
    folder = tmp_path / "sheet"
    shutil.copytree(REAL_SHEET_DIR, folder)
    return folder


# ---------------------------------------------------------------- sheet.yaml


def test_real_sheet_loads():
    sheet = load_sheet(REAL_SHEET)
    assert sheet.title == "Canada ILO cooperation"
    assert sheet.language == "en"
    assert sheet.edition_date == dt.date(2023, 6, 1)
    assert sheet.donor.possessive == "Canada's"
    assert [s.id for s in sheet.streams] == ["assessed", "voluntary"]
    assert [p.code for p in sheet.partners] == ["ESDC", "GAC", "IRCC"]
    assert len(sheet.priority_areas) == 6
    assert sheet.contact.email == "partnerships@ilo.org"


def test_a_copy_of_the_real_sheet_loads_the_same(tmp_path):
    assert load_sheet(write_sheet(tmp_path, real_text())) == load_sheet(REAL_SHEET)


def test_misspelt_key_is_named(tmp_path):
    text = real_text()
    assert "\ntitle: " in text
    path = write_sheet(tmp_path, text.replace("\ntitle: ", "\ntitel: ", 1))
    err = error_of(load_sheet, path)
    assert "'titel'" in str(err)
    unknown = [p for p in err.problems if "titel" in p.message]
    assert len(unknown) == 1
    assert same_file(unknown[0].file, path)
    assert unknown[0].where == "key titel"
    # the now-missing title is reported in the same error
    assert any(p.where == "key title" and "missing" in p.message for p in err.problems)


def test_misspelt_nested_key_is_named(tmp_path):
    path = write_sheet(tmp_path, real_text().replace("  possessive: ", "  posessive: ", 1))
    err = error_of(load_sheet, path)
    assert any(p.where == "key donor.posessive" and "'posessive'" in p.message for p in err.problems)


def test_missing_required_key(tmp_path):
    text = real_text()
    start = text.index("\nchart:\n")
    end = text.index("\ncontact:\n")
    path = write_sheet(tmp_path, text[:start] + text[end:])
    err = error_of(load_sheet, path)
    [problem] = err.problems
    assert same_file(problem.file, path)
    assert problem.where == "key chart"
    assert "missing" in problem.message


def test_bad_email(tmp_path):
    path = write_sheet(tmp_path, real_text().replace("partnerships@ilo.org", "partnerships at ilo.org"))
    [problem] = error_of(load_sheet, path).problems
    assert same_file(problem.file, path)
    assert problem.where == "key contact.email"
    assert "'partnerships at ilo.org'" in problem.message


def test_bad_edition_date(tmp_path):
    path = write_sheet(tmp_path, real_text().replace("edition_date: 2023-06-01", "edition_date: June 2023"))
    [problem] = error_of(load_sheet, path).problems
    assert problem.where == "key edition_date"
    assert "'June 2023'" in problem.message


def test_duplicate_stream_ids(tmp_path):
    text = real_text().replace("  - id: voluntary\n", "  - id: assessed\n")
    assert text.count("- id: assessed") == 2
    path = write_sheet(tmp_path, text)
    err = error_of(load_sheet, path)
    [problem] = err.problems
    assert same_file(problem.file, path)
    assert "'assessed'" in problem.message
    assert "twice" in problem.message


def test_duplicate_partner_codes(tmp_path):
    path = write_sheet(tmp_path, real_text().replace("  - code: IRCC\n", "  - code: GAC\n"))
    [problem] = error_of(load_sheet, path).problems
    assert "'GAC'" in problem.message and "twice" in problem.message


def test_several_problems_at_once(tmp_path):
    text = (real_text().replace("\ntitle: ", "\ntitel: ", 1)
            .replace("partnerships@ilo.org", "nobody")
            .replace("languages: [en, fr, es]", "languages: [English, fr, es]"))
    err = error_of(load_sheet, write_sheet(tmp_path, text))
    wheres = {p.where for p in err.problems}
    assert {"key titel", "key title", "key contact.email", "key languages.0"} <= wheres


def test_not_utf8(tmp_path):
    path = tmp_path / "sheet.yaml"
    text = real_text().replace("International Labour Organization", "Organisation internationale du Travail, Genève")
    path.write_bytes(text.encode("latin-1", errors="replace"))  # the comments have a dash
    [problem] = error_of(load_sheet, path).problems
    assert same_file(problem.file, path)
    assert "UTF-8" in problem.message


def test_utf8_with_bom_is_fine(tmp_path):
    path = tmp_path / "sheet.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + real_text().encode("utf-8"))
    assert load_sheet(path).title == "Canada ILO cooperation"


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_file(tmp_path, content):
    path = write_sheet(tmp_path, content)
    [problem] = error_of(load_sheet, path).problems
    assert same_file(problem.file, path)
    assert "empty" in problem.message


def test_comments_only_file(tmp_path):
    path = write_sheet(tmp_path, "# nothing here yet\n")
    [problem] = error_of(load_sheet, path).problems
    assert same_file(problem.file, path)
    assert "expected" in problem.message


def test_invalid_yaml_names_the_line(tmp_path):
    lines = real_text().splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("languages:"))
    lines[number - 1] = "  " + lines[number - 1]  # indented under the title's value: invalid YAML here
    path = write_sheet(tmp_path, "\n".join(lines) + "\n")
    [problem] = error_of(load_sheet, path).problems
    assert same_file(problem.file, path)
    assert problem.where == f"line {number}"
    assert "YAML" in problem.message


def test_invalid_yaml_bad_indentation_names_its_line(tmp_path):
    path = write_sheet(tmp_path, "title: x\nlanguage: en\n  donor: Canada\n")
    [problem] = error_of(load_sheet, path).problems
    assert problem.where == "line 3"


# ---------------------------------------------------------------- projects and quotes


def project_files(folder: Path) -> list[Path]:
    """The untranslated projects (their translations, NN-id.fr.md, beside them)."""
    return untranslated_texts(folder / "projects")


def test_real_projects_and_quotes_load(sheet_dir):
    sheet = load_sheet(sheet_dir / "sheet.yaml")
    projects = load_projects(sheet_dir, sheet)
    # expected ids: file names in order, without the leading "NN-" and the ".md"
    expected = [path.stem.split("-", 1)[1] for path in project_files(sheet_dir)]
    assert len(projects) == 9
    assert [p.id for p in projects] == expected
    assert projects[4].id == "forteress-tunisia"
    assert projects[0].partner == "ESDC"
    assert projects[0].countries == ["Jordan"]
    assert all(p.body and not p.body.startswith("---") for p in projects)
    quotes = load_quotes(sheet_dir, projects)
    assert len(quotes) == 1
    assert quotes[0].project == "forteress-tunisia"
    assert quotes[0].speaker == "Ms Leila Omrani"
    assert quotes[0].id == "leila-omrani"


def test_project_with_undeclared_partner(sheet_dir):
    path = project_files(sheet_dir)[1]
    text = path.read_text(encoding="utf-8")
    start = text.index("partner: ")
    path.write_text(text[:start] + "partner: ILAB" + text[text.index("\n", start):], encoding="utf-8")
    err = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    [problem] = err.problems
    assert same_file(problem.file, path)
    assert problem.where == "key partner"
    assert "'ILAB'" in problem.message
    assert "ESDC" in problem.message


def add_front_matter(path: Path, lines: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    path.write_text("---\n" + lines + text[len("---\n"):], encoding="utf-8")


def test_project_with_missing_photo(sheet_dir):
    path = project_files(sheet_dir)[2]
    add_front_matter(path, "photo:\n  file: photos/nowhere.jpg\n  caption: A training\n  credit: ILO\n")
    err = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    [problem] = err.problems
    assert same_file(problem.file, path)
    assert problem.where == "key photo.file"
    assert "'photos/nowhere.jpg'" in problem.message


def test_project_with_existing_photo(sheet_dir):
    (sheet_dir / "photos").mkdir()
    Image.new("RGB", (30, 20), "#1E2DBE").save(sheet_dir / "photos" / "training.jpg", "JPEG")
    path = project_files(sheet_dir)[2]
    add_front_matter(path, "photo:\n  file: photos/training.jpg\n  caption: A training\n  credit: ILO\n")
    projects = load_projects(sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    assert projects[2].photo.file == "photos/training.jpg"


def test_project_with_unknown_key(sheet_dir):
    path = project_files(sheet_dir)[0]
    add_front_matter(path, "contries: [Jordan]\n")
    [problem] = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml")).problems
    assert same_file(problem.file, path)
    assert "'contries'" in problem.message


def test_project_without_front_matter(sheet_dir):
    path = project_files(sheet_dir)[3]
    path.write_text("Just a paragraph, no fields.\n", encoding="utf-8")
    [problem] = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml")).problems
    assert same_file(problem.file, path)
    assert problem.where == "line 1"


def test_project_front_matter_yaml_error_names_the_file_line(sheet_dir):
    path = project_files(sheet_dir)[0]
    # file line 1 is '---', line 2 is 'partner: ESDC', line 3 is wrongly indented
    path.write_text("---\npartner: ESDC\n  title: A title\n---\nBody.\n", encoding="utf-8")
    [problem] = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml")).problems
    assert same_file(problem.file, path)
    assert problem.where == "line 3"


def test_project_with_empty_body(sheet_dir):
    path = project_files(sheet_dir)[0]
    path.write_text("---\npartner: ESDC\ntitle: A title\n---\n\n", encoding="utf-8")
    [problem] = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml")).problems
    assert same_file(problem.file, path)
    assert "empty" in problem.message


def test_problems_of_several_projects_are_reported_together(sheet_dir):
    files = project_files(sheet_dir)
    files[0].write_text("no front matter\n", encoding="utf-8")
    text = files[5].read_text(encoding="utf-8")
    files[5].write_text(text.replace("partner: ", "partner: X", 1), encoding="utf-8")
    err = error_of(load_projects, sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    assert len(err.problems) == 2
    assert {Path(p.file).name for p in err.problems} == {files[0].name, files[5].name}


def test_quote_for_an_unknown_project(sheet_dir):
    [path] = untranslated_texts(sheet_dir / "quotes")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("project: forteress-tunisia", "project: fortress-tunisia"), encoding="utf-8")
    projects = load_projects(sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    [problem] = error_of(load_quotes, sheet_dir, projects).problems
    assert same_file(problem.file, path)
    assert problem.where == "key project"
    assert "'fortress-tunisia'" in problem.message
    assert "forteress-tunisia" in problem.message  # the expected ids are listed


def test_quote_without_project_is_loose(sheet_dir):
    [path] = untranslated_texts(sheet_dir / "quotes")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("project: forteress-tunisia\n", ""), encoding="utf-8")
    projects = load_projects(sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    [quote] = load_quotes(sheet_dir, projects)
    assert quote.project is None


def test_project_with_windows_line_ends(sheet_dir):
    path = project_files(sheet_dir)[0]
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    projects = load_projects(sheet_dir, load_sheet(sheet_dir / "sheet.yaml"))
    assert projects[0].partner == "ESDC"
