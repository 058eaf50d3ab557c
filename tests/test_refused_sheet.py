"""A refused sheet's past is not published: after a build that refused a sheet, its earlier PDFs, web pages and
the rest are under output/stale/, not under their published names; the web edition's index lists the sheets
that were built; once fixed, the sheet is built again as usual."""

import json
import shutil
import subprocess
import sys

import pytest

from factsheet.web import site
from factsheet.workflow import stale
from factsheet.workflow.outputs import Outputs

from conftest import CORPUS, QUICK_EDITION, QUICK_SHEET, QUICK_SUBJECT, outputs, quick_checkout, tree_digest

SHEET = "canada-2023"
NEIGHBOUR = "canada-2023-2024"  # subject canada-2023, edition 2024: a name that begins like the sheet's


def sheet_outputs(out, sheet, languages):
    """Every published output of ``sheet`` in ``languages``, named as the build names them."""
    files = Outputs(out)
    found = [files.pdf(sheet), files.archival(sheet), files.changes(sheet), files.site / site.table(sheet),
             files.site / site.photos(sheet) / "team.jpg"]
    for name in (f"{sheet}-{code}" for code in languages):
        found += [files.pdf(name), files.archival(name), files.changes(name), files.entry(name),
                  files.site / site.page(name), files.site / site.card(name), files.site / site.pdf(name),
                  files.site / site.archival_pdf(name), files.site / site.page_image(name, 1),
                  files.site / site.thumbnail(name)]
    return found


def made(paths):
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{path.name} of an earlier build")


def test_set_aside_moves_every_published_output_of_the_sheet_to_stale_and_nothing_else(tmp_path):
    out = outputs(tmp_path).root
    mine = sheet_outputs(out, SHEET, ["en", "fr", "pt-BR"])
    others = sheet_outputs(out, NEIGHBOUR, ["en"]) + sheet_outputs(out, "canada-2024", ["en"])
    made(mine + others)
    intermediate = Outputs(out).chart(f"{SHEET}-en")  # not published: left where it is
    made([intermediate])
    page_image = Outputs(out).site / site.page_image(f"{SHEET}-en", 9)
    older = out / stale.STALE_DIR / page_image.relative_to(out)  # from an earlier refusal
    made([older])

    moved = stale.set_aside(out, SHEET)

    assert moved and all(not p.exists() for p in mine)
    for path in mine:
        assert (out / stale.STALE_DIR / path.relative_to(out)).read_text() == f"{path.name} of an earlier build"
    assert not older.exists()
    assert all(p.exists() for p in [*others, intermediate])


def test_the_outputs_name_their_sheets_and_languages_and_a_dropped_language_is_set_aside_alone(tmp_path):
    """What a build of every sheet compares with the data folder: a sheet no longer there, or a language a sheet
    no longer has, is taken out of publication (factsheet/commands/build.py, set_aside_removed)."""
    files = Outputs(tmp_path)
    made([files.pdf(f"{SHEET}-en"), files.pdf(f"{SHEET}-es"), files.pdf(SHEET), files.site / site.page(f"{SHEET}-es"),
          files.pdf(f"{NEIGHBOUR}-fr"), files.site / site.page("gone-2022-pt-BR"), files.entry("gone-2022-pt-BR"),
          tmp_path / "notes.pdf", files.site / site.INDEX])
    assert stale.outputs_by_sheet(tmp_path) == {SHEET: {"en", "es"}, NEIGHBOUR: {"fr"}, "gone-2022": {"pt-BR"}}
    moved = stale.set_aside(tmp_path, SHEET, {"es"})
    assert sorted(p.name for p in moved) == [f"{SHEET}-es.html", f"{SHEET}-es.pdf"]
    assert files.pdf(f"{SHEET}-en").exists() and files.pdf(SHEET).exists()
    assert (tmp_path / stale.STALE_DIR / files.pdf(f"{SHEET}-es").relative_to(tmp_path)).exists()


def test_failed_jobs_logs_name_their_sheets(tmp_path):
    files = outputs(tmp_path)
    sheets = [("canada", "2023"), ("canada", "2024"), ("canada-2023", "2024"), ("nordvale", "2024"),
              ("nordvale", "2025"), ("eastmarch", "2024")]
    failed = [files.log("check_sheet", "canada-2023"),                        # a sheet's own stage
              files.log("render_pdf", "nordvale-2024-fr"),                    # a language's
              files.log("name_first_language", "archive-nordvale-2025.pdf"),  # a plain-name copy
              files.log("name_first_language", "eastmarch-2024-changes.md"),
              files.log("write_brand_assets")]                                # of no sheet
    assert stale.failed_sheets(failed, files.logs, sheets) == [("canada", "2023"), ("nordvale", "2024"),
                                                               ("nordvale", "2025"), ("eastmarch", "2024")]


BUILD = [sys.executable, "-m", "factsheet.commands.build", "--cores", "2"]  # the PDFs and the web edition, as `make`
OTHER = "other"  # a second subject: a copy of the quick sheet


def build(workdir):
    return subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=900)


def index_links(workdir):
    return (outputs(workdir).site / site.INDEX).read_text(encoding="utf-8")


@pytest.fixture
def two_sheets(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    shutil.copytree(CORPUS / QUICK_SUBJECT, workdir / "data" / OTHER)
    done = build(workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    return workdir


def test_a_refused_sheet_leaves_its_earlier_outputs_in_stale_and_the_index_lists_the_built_ones(two_sheets):
    workdir, out = two_sheets, outputs(two_sheets).root
    refused = f"{OTHER}-{QUICK_EDITION}"
    published = stale.published(out, refused)
    assert len(published) >= 10, published
    earlier = {p: tree_digest(p) if p.is_dir() else p.read_bytes() for p in published}
    assert refused in index_links(workdir)
    table = workdir / "data" / OTHER / QUICK_EDITION / "contributions.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("1864000", "lots"), encoding="utf-8")

    done = build(workdir)

    said = done.stdout + done.stderr
    assert done.returncode != 0, said
    assert "Traceback" not in said, said
    assert said.rstrip().endswith("Built 0 fact sheets; no PDF was written for a sheet with a problem; moved the "
                                  "earlier outputs of 1 refused sheet to output/stale/. Fix them and run make "
                                  "again."), said
    for path, content in earlier.items():
        assert not path.exists(), path
        moved = out / stale.STALE_DIR / path.relative_to(out)
        assert (tree_digest(moved) if moved.is_dir() else moved.read_bytes()) == content
    index = index_links(workdir)
    assert refused not in index and f"{QUICK_SHEET}-en.html" in index  # the index of the sheet that was built

    table.write_text(table.read_text(encoding="utf-8").replace("lots", "1864000"), encoding="utf-8")
    fixed = build(workdir)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert all(path.exists() for path in earlier)
    assert refused in index_links(workdir)
    entry = json.loads((Outputs(out).entry(f"{refused}-en")).read_text(encoding="utf-8"))
    assert entry["subject"] == OTHER
    nothing = build(workdir)  # and a build with nothing to do stays one
    assert "Built 0 fact sheets" in nothing.stdout and "(all 2 were up to date)" in nothing.stdout, nothing.stdout

    # A sheet whose folder is removed from the data is taken out of publication the same way (it stayed there).
    shutil.move(workdir / "data" / OTHER, workdir / "elsewhere")
    removed = build(workdir)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert f"1 sheet is no longer in data/ ({refused}): moved its PDFs and web pages to output/stale/" in removed.stdout
    assert not any(path.exists() for path in earlier) and refused not in index_links(workdir)
    assert all((out / stale.STALE_DIR / path.relative_to(out)).exists() for path in earlier)
