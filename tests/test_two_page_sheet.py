"""A new donor's two-page sheet, written from the README alone (tests/two_page/valmora/2024: two streams, two
partners, three projects, a photo and a quote, ``pages: 2``): laid out so that only its last page ends short,
within the blank a designer allows, without gaps moved into its pages; and the same donor with too little text
for its two pages, which the build warns about in one line naming the language, how much of the last page is
empty and what to do."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from conftest import PDFS_ONLY, ROOT, SHARED, copy_checkout, data_unchanged, outputs

DONOR = ROOT / "tests" / "two_page" / "valmora"
BLANK_AREAS = SHARED / "tools" / "blank_areas.py"


@pytest.fixture(scope="module")
def two_page_build(tmp_path_factory):
    workdir = copy_checkout(tmp_path_factory.mktemp("two-page"))
    shutil.rmtree(workdir / "data")
    shutil.copytree(DONOR, workdir / "data" / "valmora")
    # the same donor with one project of its three, and no quote: too short for two pages
    short = Path(shutil.copytree(DONOR, workdir / "data" / "valmora-short")) / "2024"
    for path in [*short.glob("projects/0[23]-*.md"), *short.glob("quotes/*.md")]:
        path.unlink()
    with data_unchanged(workdir):
        done = subprocess.run([sys.executable, "-m", "factsheet.commands.build", "--cores", "2", *PDFS_ONLY],
                              cwd=workdir,
                              capture_output=True, text=True, timeout=600)
    return workdir, done


def test_the_two_page_sheet_fills_its_pages_and_only_its_last_ends_short(two_page_build):
    workdir, done = two_page_build
    assert done.returncode == 0, done.stdout + done.stderr
    pdf = outputs(workdir).pdf("valmora-2024-en")
    assert len(pypdf.PdfReader(pdf).pages) == 2
    assert "valmora/2024/sheet.yaml" not in done.stdout + done.stderr  # nothing to warn about
    if BLANK_AREAS.is_file():
        measured = subprocess.run([sys.executable, str(BLANK_AREAS), "--last-max", "0.35", str(pdf)],
                                  capture_output=True, text=True)
        assert measured.returncode == 0, measured.stdout


def test_a_sheet_too_short_for_its_pages_is_built_with_a_one_line_warning(two_page_build):
    workdir, done = two_page_build
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs(workdir).pdf("valmora-short-2024-en").is_file()
    warnings = [line for line in (done.stdout + done.stderr).splitlines() if "valmora-short/2024/sheet.yaml" in line]
    assert len(warnings) == 1, done.stdout + done.stderr
    assert re.fullmatch(r"warning: data/valmora-short/2024/sheet\.yaml, pages: the English edition \(en\) leaves "
                        r"\d+% of its last page \(page 2\) empty, more than the 35% a designer allows: add text or a "
                        r"photo, or set pages: 1 in sheet\.yaml", warnings[0]), warnings[0]
    # the last page ends short: no gap hides that (the blocks as they fall, a few millimetres apart at most)
    record = json.loads(outputs(workdir).layout("valmora-short-2024-en").read_text(encoding="utf-8"))
    assert record["pages"] == 2 and max(record["blank"][-1]) > 0.35
