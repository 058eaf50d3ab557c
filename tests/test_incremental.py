"""Incremental builds: a dry run after one change plans only the jobs that depend on it."""

import re
from contextlib import contextmanager

import pytest

from conftest import run_workflow


def planned(workdir) -> dict[str, int]:
    """Jobs a dry run would run, by rule (empty when nothing is to be done)."""
    done = run_workflow(workdir, "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    if "Nothing to be done" in done.stdout + done.stderr:
        return {}
    table = (done.stdout + done.stderr).split("Job stats:")[1].split("Reasons:")[0]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", table, re.MULTILINE) if rule != "total"}


@contextmanager
def edited(path):
    """Change a file's content (Snakemake compares checksums, not just dates), then restore it."""
    original = path.read_bytes()
    path.write_bytes(original + (b"\n# edited\n" if path.suffix in (".py", ".yaml", ".css") else b"\n\nEdited.\n"))
    try:
        yield
    finally:
        path.write_bytes(original)


@pytest.fixture(scope="module")
def workdir(built):
    workdir, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


def sheets(workdir):
    return sorted(f"{p.parent.parent.name}-{p.parent.name}" for p in (workdir / "data").glob("*/*/sheet.yaml"))


def test_nothing_changed_plans_nothing(workdir):
    assert planned(workdir) == {}


def test_a_text_of_one_sheet_reruns_only_that_sheets_jobs(workdir):
    with edited(workdir / "data" / "canada" / "2023" / "narrative" / "intro.md"):
        jobs = planned(workdir)
    reports = jobs.pop("report_changes", 0)
    # the sheet is checked again before anything is drawn, so its chain runs; no other sheet's job does
    assert jobs == {"check_sheet": 1, "plot_contributions": 1, "render_html": 1,
                    "render_pdf": 1, "all": 1}
    assert reports <= 1  # the next edition's change report, if one exists


def test_a_figure_of_one_sheet_reruns_only_that_sheets_stages(workdir):
    with edited(workdir / "data" / "canada" / "2023" / "contributions.csv"):
        jobs = planned(workdir)
    jobs.pop("report_changes", None)
    assert jobs == {"check_sheet": 1, "plot_contributions": 1, "render_html": 1,
                    "render_pdf": 1, "all": 1}


def test_the_stylesheet_reruns_html_and_pdf_of_every_sheet(workdir):
    with edited(workdir / "templates" / "factsheet.css"):
        jobs = planned(workdir)
    n = len(sheets(workdir))
    assert jobs == {"render_html": n, "render_pdf": n, "all": 1}


def test_the_brand_file_reruns_every_sheet_from_its_check(workdir):
    with edited(workdir / "templates" / "brand" / "brand.yaml"):
        jobs = planned(workdir)
    jobs.pop("report_changes", None)
    n = len(sheets(workdir))
    # its fonts decide which characters print, so every sheet is checked again, then drawn anew
    assert jobs == {"write_brand_assets": 1, "check_sheet": n, "plot_contributions": n,
                    "render_html": n, "render_pdf": n, "all": 1}


def test_a_stage_script_reruns_its_stage_and_what_uses_its_output(workdir):
    with edited(workdir / "scripts" / "plot_contributions.py"):
        jobs = planned(workdir)
    n = len(sheets(workdir))
    # The HTML only names the chart's file, so a new chart needs a new PDF but not a new page.
    assert jobs == {"plot_contributions": n, "render_pdf": n, "all": 1}


def test_a_helper_module_reruns_the_stages_that_import_it(workdir):
    with edited(workdir / "scripts" / "factsheet" / "amounts.py"):
        jobs = planned(workdir)
    n = len(sheets(workdir))
    assert jobs.get("check_sheet") == n
    assert jobs.get("render_pdf") == n
