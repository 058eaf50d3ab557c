"""Shared fixtures: the project's folders and one workflow run into a temporary checkout."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factsheet.paths import CLUSTER_PYTHON

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CANADA = ROOT / "data" / "canada" / "2023"
CORPUS = ROOT / "tests" / "corpus" / "data"  # sheets of every shape (tests/corpus/make_corpus.py writes them)
# Builds whose subject is not the web edition make the PDFs alone (`site: true` is the default).
PDFS_ONLY = ["--config", "site=False"]
# What a fresh checkout needs to build (everything else is generated).
CHECKOUT = ["Snakefile", "config", "data", "templates", "scripts", "environment.yml", "profiles"]


def copy_checkout(target: Path) -> Path:
    """A copy of the project's sources, as a fresh clone would have them."""
    target.mkdir(parents=True, exist_ok=True)
    for name in CHECKOUT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def first_language_only(sheet_dir: Path) -> Path:
    """A copied sheet reduced to its first language (its translations removed), for tests of what a single
    language's texts may hold."""
    import re

    for path in list(sheet_dir.rglob("*.*.*")):
        if re.fullmatch(r".+\.[a-z]{2}(-[A-Z]{2})?\.(md|yaml)", path.name):
            path.unlink()
    sheet = sheet_dir / "sheet.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(re.sub(r"^languages: \[(\w+)[^\]]*\]", r"languages: [\1]", text, count=1, flags=re.M),
                     encoding="utf-8")
    return sheet_dir


def cluster_python() -> str:
    """The interpreter of the cluster environment (`make test` creates it): Snakemake with its executor plugins."""
    if not CLUSTER_PYTHON.is_file():
        pytest.fail(f"{CLUSTER_PYTHON.relative_to(ROOT)} is missing: `make test` (or `make cluster-env`) creates it")
    return str(CLUSTER_PYTHON)


def run_workflow(workdir: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` with ``python``'s environment (by default this interpreter's)."""
    return subprocess.run([python, "-m", "snakemake", "--cores", "2", *args],
                          cwd=workdir, capture_output=True, text=True, timeout=600)


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A checkout copy after one full workflow run: (workdir, completed process, data digest before)."""
    workdir = copy_checkout(tmp_path_factory.mktemp("checkout"))
    before = tree_digest(workdir / "data")
    done = run_workflow(workdir)
    return workdir, done, before


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory):
    """The real sheets and the corpus, built by make's own build command in a copy of the checkout (their PDFs:
    the web edition is tested on the session's build)."""
    work = copy_checkout(tmp_path_factory.mktemp("shapes"))
    for sheet in CORPUS.iterdir():
        shutil.copytree(sheet, work / "data" / sheet.name)
    done = subprocess.run([sys.executable, "scripts/build.py", "--cores", "2", *PDFS_ONLY], cwd=work,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    return work
