"""Incremental builds: a dry run after one change plans only the jobs that depend on it."""

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from factsheet.model.editions import sheet_languages

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
def workdir(built, tmp_path_factory):
    """A copy of the session's build (its dates and Snakemake's records kept), which these tests edit."""
    workdir, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(shutil.copytree(workdir, tmp_path_factory.mktemp("incremental") / "checkout", symlinks=True))


def sheets(workdir):
    return sorted(f"{p.parent.parent.name}-{p.parent.name}" for p in (workdir / "data").glob("*/*/sheet.yaml"))


def editions(workdir, subject="*", edition="*") -> int:
    """The number of editions: one per language of each sheet."""
    return sum(len(sheet_languages(p.parent)) for p in (workdir / "data").glob(f"{subject}/{edition}/sheet.yaml"))


def web(pages: int, sheet_files: int = 0, assets: int = 0, cards: int | None = None) -> dict[str, int]:
    """The web edition's jobs that follow ``pages`` new PDFs (and ``sheet_files`` sheets' tables or photos, the
    site's shared files ``assets`` times): each page (with its PDFs' copies and their pages as images), and the
    index; and
    ``cards`` social cards (by default one a page: a card shows the checked sheet, not the PDF)."""
    jobs = {"render_web": pages,
            "render_card": pages if cards is None else cards,
            "site_index": 1, "publish_sheet_files": sheet_files, "write_site_assets": assets}
    return {rule: n for rule, n in jobs.items() if n}


def copies(jobs: dict) -> int:
    """The first-language outputs copied under the plain name (with the change reports that reran)."""
    return jobs.pop("name_first_language", 0)


def reviews(jobs: dict) -> int:
    """The review pages made again: the sheet's whose PDFs changed (and the next edition's, which shows its
    pages beside its own)."""
    return jobs.pop("render_review", 0)


def test_nothing_changed_plans_nothing(workdir):
    assert planned(workdir) == {}


def test_a_text_of_one_sheet_reruns_only_that_sheets_jobs(workdir):
    with edited(workdir / "data" / "canada" / "2023" / "narrative" / "intro.md"):
        jobs = planned(workdir)
    reports = jobs.pop("report_changes", 0)
    assert 1 <= reviews(jobs) <= 2
    n = editions(workdir, "canada", "2023")
    # the sheet is checked again before anything is drawn, so its chain runs in each of its languages;
    # no other sheet's job does
    assert copies(jobs) == 1 + reports
    assert jobs == {"check_sheet": 1, "plot_contributions": n, "render_html": n, "render_pdf": n, "all": 1,
                    **web(n, sheet_files=1)}
    assert reports <= n  # the next edition's change reports, if one exists


def test_a_figure_of_one_sheet_reruns_only_that_sheets_stages(workdir):
    with edited(workdir / "data" / "canada" / "2023" / "contributions.csv"):
        jobs = planned(workdir)
    jobs.pop("report_changes", None)
    assert 1 <= reviews(jobs) <= 2
    n = editions(workdir, "canada", "2023")
    assert copies(jobs) >= 1
    assert jobs == {"check_sheet": 1, "plot_contributions": n, "render_html": n, "render_pdf": n, "all": 1,
                    **web(n, sheet_files=1)}


def test_the_stylesheet_reruns_html_and_pdf_of_every_sheet(workdir):
    with edited(workdir / "templates" / "factsheet.css"):
        jobs = planned(workdir)
    n = editions(workdir)
    assert copies(jobs) == len(sheets(workdir)) == reviews(jobs)
    assert jobs == {"render_html": n, "render_pdf": n, "all": 1, **web(n)}


def test_the_brand_file_reruns_every_sheet_from_its_check(workdir):
    with edited(workdir / "templates" / "brand" / "brand.yaml"):
        jobs = planned(workdir)
    jobs.pop("report_changes", None)
    copies(jobs)
    assert reviews(jobs) == len(sheets(workdir))
    n = editions(workdir)
    # its fonts decide which characters print, so every sheet is checked again, then drawn anew
    assert jobs == {"write_brand_assets": 1, "check_sheet": len(sheets(workdir)), "plot_contributions": n,
                    "render_html": n, "render_pdf": n, "all": 1,
                    **web(n, sheet_files=len(sheets(workdir)), assets=1)}


def test_a_stage_script_reruns_its_stage_and_what_uses_its_output(workdir):
    with edited(workdir / "factsheet" / "stages" / "plot_contributions.py"):
        jobs = planned(workdir)
    n = editions(workdir)
    # The HTML only names the chart's file, so a new chart needs a new PDF but not a new page; the cards show no
    # chart.
    assert copies(jobs) == len(sheets(workdir)) == reviews(jobs)
    assert jobs == {"plot_contributions": n, "render_pdf": n, "all": 1, **web(n, cards=0)}


def test_a_helper_module_reruns_the_stages_that_import_it(workdir):
    with edited(workdir / "factsheet" / "model" / "amounts.py"):
        jobs = planned(workdir)
    assert jobs.get("check_sheet") == len(sheets(workdir))
    assert jobs.get("render_pdf") == editions(workdir)
