"""What `make` and `make archive` print and write: the archival PDFs after a plain build, a summary that counts
only the sheets that exist, and the pipeline's own modules compiled (where Python keeps no bytecode itself)."""

import importlib.util
import os
import shutil
import subprocess
import sys

import pikepdf

from conftest import PDFS_ONLY, QUICK_SHEET, quick_checkout

BUILD = [sys.executable, "scripts/build.py", "--cores", "2", *PDFS_ONLY]


def test_make_archive_after_make_writes_the_archival_pdfs_and_the_summary_counts_current_sheets(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")  # one PDF: quicker to build (its modules not compiled)
    first = subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert first.returncode == 0, first.stdout + first.stderr
    # so that no process of the next builds compiles them again
    modules = list((workdir / "scripts").rglob("*.py"))
    stale = [str(m) for m in modules if not os.path.isfile(compiled := importlib.util.cache_from_source(m))
             or os.path.getmtime(compiled) < os.path.getmtime(m)]
    assert len(modules) > 20 and not stale, stale
    output = workdir / "output"
    shutil.copy(output / f"{QUICK_SHEET}.pdf", output / "removed-2020.pdf")  # a sheet whose folder is gone
    again = subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert "Built 0 fact sheets" in again.stdout and "(all 1 were up to date)" in again.stdout, again.stdout
    archive = subprocess.run([*BUILD, "archival=True"], cwd=workdir, capture_output=True, text=True, timeout=600)
    assert archive.returncode == 0, archive.stdout + archive.stderr
    with pikepdf.open(output / "archive" / f"{QUICK_SHEET}.pdf") as pdf:
        assert pdf.open_metadata().pdfa_status == "3A"
