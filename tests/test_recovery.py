"""The next `make` recovers by itself: from a build killed outright, from damaged generated files, from a
folder that breaks the naming rule; and two builds at once are refused."""

import shutil
import subprocess
import sys

import psutil
import pytest
from pypdf import PdfReader

from factsheet.editions import find_sheets

from conftest import PDFS_ONLY, QUICK_EDITION, QUICK_SHEET, QUICK_SUBJECT, quick_checkout

BUILD = [sys.executable, "scripts/build.py", "--cores", "2", *PDFS_ONLY]
PAGES = 2  # of the quick sheet


def build(workdir):
    return subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)


def started(workdir, steps=1):
    """A build that has finished ``steps`` steps and is still running."""
    process = subprocess.Popen(BUILD, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    for line in process.stdout:
        if line.startswith(f"{steps} of "):
            return process
    pytest.fail("the build ended before it could be caught running")


def test_folders_that_break_the_naming_rule_are_named_and_skipped(tmp_path):
    for folder in ["canada/2023", "canada/draft", "Canada Test/2023", "new_zealand/2023", "empty", ".git/x",
                   "new-zealand/2024"]:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "README.md").write_text("notes")
    sheets, problems = find_sheets(tmp_path)
    assert sheets == [("canada", "2023"), ("new-zealand", "2024")]
    said = "\n".join(map(str, problems))
    assert len(problems) == 4, said
    for name in ["Canada Test", "canada/draft", "new_zealand", "empty"]:
        assert name in said
    assert "rename it 'canada-test'" in said and "four-digit year" in said


def test_a_bad_folder_is_reported_and_every_valid_sheet_still_built(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    sheet = workdir / "data" / QUICK_SUBJECT / QUICK_EDITION
    shutil.copytree(sheet, workdir / "data" / "Canada Test" / "2023")
    shutil.copytree(sheet, workdir / "data" / "new_zealand" / "2023")
    done = build(workdir)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "error: data/Canada Test: the folder name 'Canada Test' does not fit the naming rule" in said
    assert "error: data/new_zealand: the folder name 'new_zealand'" in said
    assert "Traceback" not in said and "Exception" not in said, said
    assert len(PdfReader(workdir / "output" / f"{QUICK_SHEET}.pdf").pages) == PAGES
    assert "Built 1 fact sheet" in said and "2 folders were skipped" in said


def test_a_build_killed_outright_is_recovered_by_the_next_make(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    running = started(workdir, steps=2)
    everything = [psutil.Process(running.pid), *psutil.Process(running.pid).children(recursive=True)]
    for process in everything:  # as on power loss: nobody cleans up (all are stopped first, so that none
        process.suspend()       # reacts to another's death: Snakemake is interrupted when the build command dies)
    for process in everything:
        process.kill()
    running.wait()
    psutil.wait_procs(everything, timeout=10)
    assert list((workdir / ".snakemake" / "locks").iterdir()), "the killed build left no lock to recover from"
    done = build(workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "left its lock behind; removed it" in done.stdout
    assert len(PdfReader(workdir / "output" / f"{QUICK_SHEET}.pdf").pages) == PAGES


def test_damaged_generated_files_are_made_again(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    assert build(workdir).returncode == 0
    output = workdir / "output"
    font = sorted((output / "fonts").glob("*.ttf"))[0]
    whole_font, whole_pdf = font.read_bytes(), (output / f"{QUICK_SHEET}-en.pdf").read_bytes()
    font.write_bytes(b"")
    for name in (f"{QUICK_SHEET}-en.pdf", f"{QUICK_SHEET}.pdf"):  # an edition's PDF and its plain-name copy
        (output / name).write_bytes(whole_pdf[: len(whole_pdf) // 2])
    (output / "charts" / f"{QUICK_SHEET}-en.svg").write_bytes(b"")
    done = build(workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"output/fonts/{font.name} was damaged" in done.stdout
    assert font.read_bytes() == whole_font
    for name in (f"{QUICK_SHEET}-en.pdf", f"{QUICK_SHEET}.pdf"):
        assert (output / name).read_bytes() == whole_pdf  # the same bytes as before the damage


def test_two_builds_at_once_the_second_is_refused(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    first = started(workdir)
    second = build(workdir)
    assert second.returncode == 1
    assert "Another build is running in this folder" in second.stderr
    rest, _ = first.communicate(timeout=600)
    assert first.returncode == 0, rest
    assert len(PdfReader(workdir / "output" / f"{QUICK_SHEET}.pdf").pages) == PAGES
    assert build(workdir).returncode == 0
