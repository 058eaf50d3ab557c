"""Starting a new edition, swapping its figures, and the change report, as a writer would do it."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from factsheet.errors import DataError
from factsheet.model.editions import editions, previous_edition
from factsheet.model.next_edition import TO_FILL, start_edition

from conftest import CANADA, PDFS_ONLY, ROOT, copy_checkout, first_language_only, outputs, run_workflow


@pytest.fixture()
def data(tmp_path):
    shutil.copytree(CANADA, tmp_path / "canada" / "2023")
    return tmp_path


def test_start_edition_moves_date_and_window_and_lists_what_to_update(data):
    made = start_edition(data, "canada", 2024)
    target = data / "canada" / "2024"
    assert made.target == target and (target / "narrative" / "intro.md").is_file()
    assert "edition_date: 2024-06-01" in (target / "sheet.yaml").read_text(encoding="utf-8")
    rows = (target / "contributions.csv").read_text(encoding="utf-8").splitlines()
    years = sorted({int(r.split(",")[0]) for r in rows[1:]})
    assert years == [2019, 2020, 2021, 2022, 2023]
    new_rows = [r for r in rows if r.startswith("2023,")]
    assert len(new_rows) == 2 and all(r.endswith(f",,{TO_FILL}") for r in new_rows)
    assert len(made.figures_to_fill) == 2 and all("amount_usd for 2023" in f for f in made.figures_to_fill)
    assert any("commitments.md, line 1: mentions 2021" in t for t in made.texts_to_check)
    # the narrative is kept as it was
    assert (target / "narrative" / "financial.md").read_bytes() == (CANADA / "narrative" / "financial.md").read_bytes()


@pytest.mark.parametrize(("subject", "year", "expected"), [
    ("../outside", 2024, "SUBJECT=../outside: not the name of a subject's folder"),
    ("Canada", 2024, "SUBJECT=Canada: not the name of a subject's folder"),
    ("canada", 99999, "YEAR=99999: not an edition's year; expected a four-digit year"),
])
def test_start_edition_makes_only_a_data_subject_edition_folder(tmp_path, subject, year, expected):
    data = tmp_path / "data"
    shutil.copytree(CANADA, data / "canada" / "2023")
    shutil.copytree(CANADA, tmp_path / "outside" / "2023")  # an edition where "../outside" leads
    with pytest.raises(DataError) as refused:
        start_edition(data, subject, year)
    assert str(refused.value.problems[0]).startswith(expected), str(refused.value.problems[0])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*")) == ["data/canada", "outside/2023"]
    assert editions(data, "canada") == ["2023"]


def test_start_edition_refuses_to_overwrite_and_needs_a_previous_edition(data):
    start_edition(data, "canada", 2024)
    before = (data / "canada" / "2024" / "sheet.yaml").read_bytes()
    with pytest.raises(DataError, match="already exists"):
        start_edition(data, "canada", 2024)
    assert (data / "canada" / "2024" / "sheet.yaml").read_bytes() == before
    with pytest.raises(DataError, match="no edition before 2019"):
        start_edition(data, "canada", 2019)
    assert editions(data, "canada") == ["2023", "2024"]
    assert previous_edition(data, "canada", "2024") == "2023" and previous_edition(data, "canada", "2023") is None


def test_start_edition_copies_only_files_and_folders_from_a_folder_of_data(tmp_path):
    """A named pipe among the texts, or an edition folder that is a link, is refused before anything is copied."""
    import os

    data = tmp_path / "data"
    shutil.copytree(CANADA, data / "canada" / "2023")
    os.mkfifo(data / "canada" / "2023" / "narrative" / "pipe.md")
    with pytest.raises(DataError) as refused:
        start_edition(data, "canada", 2024)
    assert "'pipe.md' is neither a file nor a folder (a named pipe" in str(refused.value.problems[0])
    assert editions(data, "canada") == ["2023"] and not (data / "canada" / "2024").exists()
    shutil.rmtree(data / "canada")
    shutil.copytree(CANADA, tmp_path / "elsewhere" / "2023")
    (data / "canada").mkdir()
    (data / "canada" / "2023").symlink_to(tmp_path / "elsewhere" / "2023")
    with pytest.raises(DataError, match="the folder '2023' is a link"):
        start_edition(data, "canada", 2024)
    assert not (data / "canada" / "2024").exists()


def test_new_edition_command_runs_from_the_makefile(tmp_path):
    workdir = copy_checkout(tmp_path / "checkout")
    shutil.copy2(CANADA.parents[2] / "Makefile", workdir / "Makefile")
    # use this interpreter's environment instead of creating .venv
    use_env = [f"BIN={Path(sys.executable).parent}", "READY="]
    done = subprocess.run(["make", "--no-print-directory", "edition", "SUBJECT=canada", "YEAR=2024", *use_env],
                          cwd=workdir, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Started data/canada/2024 from data/canada/2023" in done.stdout
    assert "contributions.csv, row 10: amount_usd for 2023, assessed" in done.stdout
    again = subprocess.run(["make", "edition", "SUBJECT=canada", "YEAR=2024", *use_env], cwd=workdir,
                           capture_output=True, text=True)
    assert again.returncode != 0 and "already exists" in again.stderr


def test_next_edition_end_to_end(tmp_path):
    """New edition → build refuses empty figures → figures entered → PDF and change report follow them."""
    workdir = copy_checkout(tmp_path / "checkout")
    for other in (workdir / "data").iterdir():
        if other.name != "canada":
            shutil.rmtree(other)
    first_language_only(workdir / "data" / "canada" / "2023")  # the languages' reports: test_languages.py
    start_edition(workdir / "data", "canada", 2024)

    new_only = [*PDFS_ONLY, 'sheets=["canada/2024"]']  # the new edition's PDF and change report
    refused = run_workflow(workdir, *new_only)
    assert refused.returncode != 0
    assert "data/canada/2024/contributions.csv, row 10, column amount_usd: the amount is empty" in refused.stderr
    assert not outputs(workdir).pdf("canada-2024").exists()

    table = workdir / "data" / "canada" / "2024" / "contributions.csv"
    text = table.read_text(encoding="utf-8")
    text = text.replace(f"2023,assessed,,{TO_FILL}", '2023,assessed,"11,250,000",')
    text = text.replace(f"2023,voluntary,,{TO_FILL}", "2023,voluntary,US$ 9 100 000,")
    table.write_text(text, encoding="utf-8")
    done = run_workflow(workdir, *new_only)
    assert done.returncode == 0, done.stderr[-3000:]

    pdf_text = " ".join(p.extract_text() for p in PdfReader(outputs(workdir).pdf("canada-2024")).pages)
    pdf_text = re.sub(r"\s+", " ", pdf_text.replace("\u00a0", " "))
    def assessed_total(csv_text):
        return sum(int(row.split('"')[1].replace(",", "")) for row in csv_text.splitlines()[1:] if ",assessed," in row)

    old, new = assessed_total((CANADA / "contributions.csv").read_text(encoding="utf-8")), assessed_total(text)
    assert new == old - 10_912_345 + 11_250_000  # 2018 left the window, 2023 entered it
    assert "Between 2019 and 2023" in pdf_text
    assert f"US$ {new // 100_000 / 10:.1f} million" in pdf_text
    assert "Overall Contributions to the ILO, 2019-23" in pdf_text
    assert "June 2024" in pdf_text

    report = outputs(workdir).changes("canada-2024").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "| Period | 2018-2022 | 2019-2023 |" in report
    assert f"| Assessed contributions, total 2018-2022 → 2019-2023 | US$ {old:,} | US$ {new:,} |" in report
    assert "| Voluntary contributions, 2023 | — | US$ 9,100,000 |" in report
    assert "| Assessed contributions, 2018 | US$ 10,912,345 | — |" in report
    assert "| `edition_date` | 2023-06-01 | 2024-06-01 |" in report


def test_start_edition_moves_each_streams_own_window(tmp_path):
    """Streams with their own windows move them, one year each: rows leave and enter per stream."""

    from factsheet.model.contributions import read_raw, tidy
    from factsheet.model.figures import sheet_windows
    from factsheet.model.sheet import load_sheet

    shutil.copytree(ROOT / "tests" / "corpus" / "data" / "windows", tmp_path / "windows")
    result = start_edition(tmp_path, "windows", 2025)
    sheet = load_sheet(result.target / "sheet.yaml")
    assert {s.id: (s.window.first, s.window.last) for s in sheet.streams} == {
        "assessed": (2016, 2019), "earmarked": (2016, 2019), "rbsa": (2019, 2020)}
    assert [line.split(": ", 1)[1] for line in result.figures_to_fill] == [
        "amount_usd for 2019, assessed", "amount_usd for 2019, earmarked", "amount_usd for 2020, rbsa"]
    table = read_raw(result.target / "contributions.csv")
    table.loc[table["amount_usd"] == "", "amount_usd"] = "1000"
    tidied = tidy(table, [s.id for s in sheet.streams], result.target / "contributions.csv", **sheet_windows(sheet))
    assert sorted(tidied.groupby("stream")["year"].min().items()) == [("assessed", 2016), ("earmarked", 2016),
                                                                      ("rbsa", 2019)]
