"""Shared fixtures: the project's folders and one workflow run into a temporary checkout."""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

from factsheet.paths import CLUSTER_PYTHON
from factsheet.workflow.outputs import Outputs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CANADA = ROOT / "data" / "canada" / "2023"
CORPUS = ROOT / "tests" / "corpus" / "data"  # sheets of every shape (tests/corpus/make_corpus.py writes them)
# The corpus's two-page sheet, one language: the quickest to build, for tests of the build command itself
QUICK_SUBJECT, QUICK_EDITION = "short", "2024"
QUICK_SHEET = f"{QUICK_SUBJECT}-{QUICK_EDITION}"  # its outputs' name
# Builds whose subject is not the web edition make the PDFs alone (`site: true` is the default).
PDFS_ONLY = ["--config", "site=False"]
# What a fresh checkout needs to build (everything else is generated).
CHECKOUT = ["Snakefile", "rules", "config", "data", "templates", "factsheet", "snakemake_logger_plugin_factsheet",
            "scripts", "environment.yml", "profiles", "pyproject.toml"]
SLURM = ["bash", str(ROOT / "scripts" / "cluster" / "slurm.sh")]
# A folder of the whole test run, which the pytest-xdist workers of `make test` share (made by the first process)
RUN_FOLDER = "FACTSHEET_TEST_RUN"

# Examples per property test: "suite" in `make test`; HYPOTHESIS_PROFILE=thorough for a long search.
settings.register_profile("suite", max_examples=200, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or the only process): workers inherit the variables
        os.environ[RUN_FOLDER] = tempfile.mkdtemp(prefix="factsheet-tests-")
        # The run's own Slurm (slurm_running) keeps everything in the run's folder; another test run on the
        # same machine is refused its own while this one runs (scripts/cluster/slurm.sh), and cannot stop it.
        os.environ["SLURM_STATE_DIR"] = str(Path(os.environ[RUN_FOLDER]) / "slurm")
        os.environ["SLURM_CONF"] = str(Path(os.environ["SLURM_STATE_DIR"]) / "slurm.conf")


def pytest_unconfigure(config):
    """After the last test of every worker: stop the Slurm that the tests started."""
    if hasattr(config, "workerinput") or RUN_FOLDER not in os.environ:
        return
    run = Path(os.environ.pop(RUN_FOLDER))
    if (run / "slurm-started").is_file():
        subprocess.run([*SLURM, "stop"], capture_output=True, text=True, timeout=120)
    shutil.rmtree(run, ignore_errors=True)


@contextmanager
def run_lock(name: str):
    """Hold a lock of the whole test run (one worker at a time), and give the run's shared folder."""
    run = Path(os.environ[RUN_FOLDER])
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the body fails
        yield run


def outputs(workdir: Path) -> Outputs:
    """The files a build in ``workdir`` writes (its output folder as config/config.yaml names it)."""
    return Outputs(workdir / "output")


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


def quick_checkout(target: Path) -> Path:
    """A checkout copy whose only sheet is the quick one (QUICK_SUBJECT): for tests of what the build command
    does (interrupted, killed, run twice, ...), where the sheet's content is not the point."""
    workdir = copy_checkout(target)
    shutil.rmtree(workdir / "data")
    shutil.copytree(CORPUS / QUICK_SUBJECT, workdir / "data" / QUICK_SUBJECT)
    return workdir


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
    """The interpreter of the cluster environment (`make check` creates it): Snakemake with its executor plugins."""
    if not CLUSTER_PYTHON.is_file():
        pytest.fail(f"{CLUSTER_PYTHON.relative_to(ROOT)} is missing: `make check` (or `make cluster-env`) creates it")
    return str(CLUSTER_PYTHON)


def run_workflow(workdir: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` with ``python``'s environment (by default this interpreter's); the test
    fails if the run changed anything under ``workdir``/data/."""
    with data_unchanged(workdir):
        return subprocess.run([python, "-m", "snakemake", "--cores", "2", *args],
                              cwd=workdir, capture_output=True, text=True, timeout=600)


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextmanager
def data_unchanged(workdir: Path):
    """Fail the test if the body (a build) wrote, added or removed any file under ``workdir``/data/: a build
    never writes there."""
    before = tree_digest(workdir / "data")
    yield
    after = tree_digest(workdir / "data")
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        shown = ", ".join(f"data/{name}" for name in changed[:10])
        pytest.fail(f"the build changed {len(changed)} file(s) under {workdir}/data/: {shown}", pytrace=False)


def built_once(tmp_path_factory, name: str, make) -> dict:
    """What ``make(folder)`` returns (a JSON value) for a build into ``folder``, made once per test run: the
    pytest-xdist workers of `make test` share one build (the first to ask makes it, the others wait for it)
    rather than each making its own. Tests must not change the folder: one that edits it works on a copy."""
    with run_lock(name) as run:
        record = run / f"{name}.json"
        if not record.is_file():
            record.write_text(json.dumps(make(tmp_path_factory.mktemp(name))), encoding="utf-8")
        return json.loads(record.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def slurm_running() -> str:
    """Whether the test run's single-node Slurm runs: started (scripts/cluster/slurm.sh: Debian's slurm-wlm and
    munge, as root, everything in the run's folder) once for all workers, and stopped when the test run ends.
    Besides the cluster test, the profiles' dry runs want it: the Slurm plugin, which Snakemake imports with the
    cluster environment, asks the controller for its settings and waits out a timeout where none answers.
    Empty when it runs, else why not."""
    if os.geteuid() != 0 or not shutil.which("apt-get") and not shutil.which("slurmctld"):
        return "a single-node Slurm is started as root on a Debian machine"
    with run_lock("slurm") as run:
        if subprocess.run([*SLURM, "status"], capture_output=True, text=True).returncode != 0:
            started = subprocess.run([*SLURM, "start"], capture_output=True, text=True, timeout=900)
            (run / "slurm-started").touch()  # stopped at the end, also what a failed start left running
            if "another test cluster is running on this machine" in started.stderr:
                return f"a single-node Slurm of this run cannot start: {started.stderr.strip().splitlines()[-1]}"
            if started.returncode != 0:
                return f"scripts/cluster/slurm.sh start failed:\n{started.stdout}{started.stderr}"
    return ""


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A checkout copy after one full workflow run: (workdir, completed process, data digest before)."""
    def make(folder: Path) -> dict:
        workdir = copy_checkout(folder)
        before = tree_digest(workdir / "data")
        done = run_workflow(workdir)
        return {"workdir": str(workdir), "before": before,
                "done": [done.args, done.returncode, done.stdout, done.stderr]}

    made = built_once(tmp_path_factory, "checkout", make)
    return Path(made["workdir"]), subprocess.CompletedProcess(*made["done"]), made["before"]


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory, built):
    """The real sheets and the corpus, built by make's own build command (their PDFs: the web edition is tested
    on the session's build): a copy of the session's build, with its dates and Snakemake's records, to which the
    corpus is added, so that the real sheets' PDFs are those of the session's build and only the corpus is new."""
    def make(folder: Path) -> dict:
        work = Path(shutil.copytree(built[0], folder / "checkout", symlinks=True))
        for sheet in CORPUS.iterdir():
            shutil.copytree(sheet, work / "data" / sheet.name)
        with data_unchanged(work):
            done = subprocess.run([sys.executable, "-m", "factsheet.commands.build", "--cores", "2", *PDFS_ONLY],
                                  cwd=work,
                                  capture_output=True, text=True, timeout=1200)
        return {"work": str(work), "failed": done.returncode and done.stdout + done.stderr}

    assert built[1].returncode == 0, built[1].stderr[-3000:]
    made = built_once(tmp_path_factory, "shapes", make)
    assert not made["failed"], made["failed"]
    return Path(made["work"])
