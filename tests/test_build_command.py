"""What `make` and `make archive` print and write: the archival PDFs after a plain build, a summary that counts
only the sheets that exist, and the pipeline's own modules compiled (where Python keeps no bytecode itself);
a read-only output folder named on one line; an output folder in the data or the pipeline's files refused before
anything is written."""

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys

import pikepdf
import pytest

from conftest import PDFS_ONLY, QUICK_SHEET, QUICK_SUBJECT, outputs, quick_checkout, tree_digest

BUILD = [sys.executable, "-m", "factsheet.commands.build", "--cores", "2", *PDFS_ONLY]


def test_make_archive_after_make_writes_the_archival_pdfs_and_the_summary_counts_current_sheets(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")  # one PDF: quicker to build (its modules not compiled)
    first = subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert first.returncode == 0, first.stdout + first.stderr
    # so that no process of the next builds compiles them again
    modules = list((workdir / "factsheet").rglob("*.py"))
    stale = [str(m) for m in modules if not os.path.isfile(compiled := importlib.util.cache_from_source(m))
             or os.path.getmtime(compiled) < os.path.getmtime(m)]
    assert len(modules) > 20 and not stale, stale
    output = outputs(workdir)
    shutil.copy(output.pdf(QUICK_SHEET), output.pdf("removed-2020"))  # a sheet whose folder is gone
    again = subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert "Built 0 fact sheets" in again.stdout and "(all 1 were up to date)" in again.stdout, again.stdout
    archive = subprocess.run([*BUILD, "archival=True"], cwd=workdir, capture_output=True, text=True, timeout=600)
    assert archive.returncode == 0, archive.stdout + archive.stderr
    with pikepdf.open(output.archival(QUICK_SHEET)) as pdf:
        assert pdf.open_metadata().pdfa_status == "3A"


@contextlib.contextmanager
def read_only(folder):
    """``folder`` made read-only for the build: a read-only bind mount of it (as root, whom permissions do not
    stop), else its permissions."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if not shutil.which("mount") or subprocess.run(["mount", "--bind", folder, folder]).returncode != 0:
        pytest.skip("as root, a folder is made read-only by a bind mount, which this machine does not allow")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", folder], check=True)
        with pytest.raises(OSError):
            (folder / "probe").write_text("")  # the build really cannot write there
        yield
    finally:
        subprocess.run(["umount", folder], check=True)


@pytest.mark.parametrize("folder", ["output", "output/site"])
def test_a_read_only_output_folder_is_named_on_one_line(tmp_path, folder):
    workdir = quick_checkout(tmp_path / "checkout")
    (workdir / folder).mkdir(parents=True)
    with read_only(workdir / folder):
        done = subprocess.run([sys.executable, "-m", "factsheet.commands.build", "--cores", "2"], cwd=workdir,
                              capture_output=True, text=True, timeout=600)
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, said
    why = "it lies on a read-only file system" if os.geteuid() == 0 else "it is not writable"
    assert said.splitlines() == [f"error: {folder}/: the build cannot write this folder ({why}); expected a folder "
                                 "it can write: make it writable (or set output_dir in config/config.yaml to "
                                 "another folder), then run make again."]


@pytest.mark.parametrize(("output_dir", "why"), [
    ("data", "it lies in data/, the sheets' data (data_dir)"),
    (f"data/{QUICK_SUBJECT}", "it lies in data/, the sheets' data (data_dir)"),
    (".", "it holds data/, the sheets' data (data_dir)"),
    ("templates", "it lies in templates/, the pipeline's own files"),
])
def test_an_output_folder_in_the_data_or_the_pipelines_files_is_refused_before_anything_is_written(
        tmp_path, output_dir, why):
    """A build removes the files it finds cut short in its output folder: pointed at the data, it would remove an
    editor's empty draft and write among the sheets."""
    workdir = quick_checkout(tmp_path / "checkout")
    drafts = next((workdir / "data").glob("*/*")) / "narrative"
    drafts.mkdir(exist_ok=True)
    (drafts / "draft.md").write_text("", encoding="utf-8")  # an empty draft: "cut short" to the build
    before = {name: tree_digest(workdir / name) for name in ("data", "templates")}
    done = subprocess.run([*BUILD, f"output_dir={output_dir}"], cwd=workdir, capture_output=True, text=True,
                          timeout=600)
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, said
    assert said.splitlines() == [f"error: config/config.yaml, output_dir: {output_dir!r}: {why}, where the build "
                                 "would write and remove files; expected a folder of its own, such as output: set "
                                 "output_dir to one, then run make again."]
    assert {name: tree_digest(workdir / name) for name in ("data", "templates")} == before


@pytest.mark.parametrize(("target", "what"), [
    ("data", "the sheets' data (data_dir)"),
    ("templates/brand", "in the pipeline's own files"),
    (".", "which holds data/, the sheets' data (data_dir)"),
])
def test_a_link_in_the_output_folder_to_the_data_or_the_pipelines_files_is_refused(tmp_path, target, what):
    """A link to elsewhere (the site published from another folder) is the owner's choice; one into the data or
    the pipeline's files would have the build write there."""
    workdir = quick_checkout(tmp_path / "checkout")
    (workdir / "output").mkdir()
    (tmp_path / "published").mkdir()
    (workdir / "output" / "elsewhere").symlink_to(tmp_path / "published")
    (workdir / "output" / "site").symlink_to((workdir / target).resolve())
    before = {name: tree_digest(workdir / name) for name in ("data", "templates")}
    done = subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, said
    assert said.splitlines() == [f"error: output/site: a link to {target}, {what}, where the build would write "
                                 "files; expected no link there: remove it, then run make again."]
    assert {name: tree_digest(workdir / name) for name in ("data", "templates")} == before
    (workdir / "output" / "site").unlink()
    again = subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr


def test_snakemake_run_directly_refuses_an_output_folder_that_holds_the_data(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    before = tree_digest(workdir / "data")
    done = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", "--config", "output_dir=."],
                          cwd=workdir, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "config output_dir '.': it holds data/, the sheets' data (data_dir)" in done.stdout + done.stderr
    assert tree_digest(workdir / "data") == before


@pytest.mark.parametrize(("setting", "expected"), [
    ("data_dir=5", "data_dir: 5: not a string; expected a string: Folder with one sub-folder"),
    ("plausible_max_usd=.nan", "plausible_max_usd: nan: not an amount; expected a number of US dollars above 0"),
    ("plausible_max_usd=.inf", "plausible_max_usd: inf: not an amount"),
    ("data_dir=missing", "data_dir: 'missing': no such folder; expected the folder of the sheets"),
    ("site_language=de", "site_language: 'de': no labels in this language (templates/labels/de.yaml); expected one"),
    ("languages=[de]", "languages: 'de': no labels in this language"),
])
def test_a_setting_the_build_cannot_use_is_named_on_one_line_before_anything_runs(tmp_path, setting, expected):
    """Before: a traceback (a number as data_dir), no plausibility check at all (NaN, which every comparison lets
    through), or a build of nothing that ended well (a missing data folder, a language without labels)."""
    workdir = quick_checkout(tmp_path / "checkout")
    done = subprocess.run([*BUILD, setting], cwd=workdir, capture_output=True, text=True, timeout=600)
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, said
    assert said.startswith(f"error: config/config.yaml (or --config), {expected}"), said
    assert len(said.splitlines()) == 1 and not (workdir / "output").exists(), said
