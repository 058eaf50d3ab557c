"""Stages in warm processes (the standard library's forkserver): each job is a fresh fork, writes its own
log, and every way a job can end is reported; every stage also runs alone from the shell."""

import json
import os
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from factsheet import jobs

from conftest import CANADA, ROOT

FAKE_STAGE = '''
import os
import signal
import time
import warnings
from pathlib import Path

from factsheet.errors import DataError, Problem

CALLS = []


def main(how, out):
    CALLS.append(how)  # a job sees only its own calls: each is a fresh fork
    Path(out).write_text(f"{os.getpid()} {len(CALLS)}", encoding="utf-8")
    print("a message of the stage")
    warnings.warn("a warning of the stage")
    if how == "problems":
        raise DataError([Problem("data/x/2023/contributions.csv", "row 4", "the amount is negative"),
                         Problem("data/x/2023/sheet.yaml", "key title", "is empty")])
    if how == "bug":
        raise ZeroDivisionError("division by zero")
    if how == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    if how.startswith("sleep"):
        time.sleep(float(how.split()[1]))
'''


@pytest.fixture(scope="module")
def fake_stage(tmp_path_factory):
    """The fake stage module above, importable by this process and so by the forkserver it starts."""
    folder = tmp_path_factory.mktemp("modules")
    (folder / "fake_stage.py").write_text(textwrap.dedent(FAKE_STAGE), encoding="utf-8")
    sys.path.insert(0, str(folder))
    yield "fake_stage"
    sys.path.remove(str(folder))


PROBE_STAGE = '''
import gc
import json
import sys
from pathlib import Path


def main(out):
    try:
        import hypothesis  # noqa: F401
        importable = True
    except ImportError:
        importable = False
    Path(out).write_text(json.dumps({"hypothesis": importable, "frozen": gc.get_freeze_count(),
                                     "pandera checks": "pandera.backends.pandas.builtin_checks" in sys.modules}))
'''


@pytest.fixture(scope="module")
def probe_stage(fake_stage):
    """A stage reporting what the warm process left its jobs, beside the fake stage (so importable alike)."""
    folder = next(p for p in sys.path if os.path.isfile(os.path.join(p, "fake_stage.py")))
    with open(os.path.join(folder, "probe_stage.py"), "w", encoding="utf-8") as module:
        module.write(PROBE_STAGE)
    return "probe_stage"


def forkservers():
    return [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]


def test_each_job_runs_in_a_fresh_fork_and_writes_its_own_log(fake_stage, tmp_path):
    jobs.run(fake_stage, log=tmp_path / "logs" / "a.log", how="fine", out=tmp_path / "a.txt")
    jobs.run(fake_stage, log=tmp_path / "logs" / "b.log", how="fine", out=tmp_path / "b.txt")
    (pid_a, calls_a), (pid_b, calls_b) = ((tmp_path / f"{n}.txt").read_text().split() for n in "ab")
    assert pid_a != pid_b and pid_a != str(os.getpid())
    assert calls_a == calls_b == "1"  # nothing a job did is seen by the next
    log = (tmp_path / "logs" / "a.log").read_text()
    assert "a message of the stage" in log and "a warning of the stage" in log  # in the job's own log
    assert "fake_stage: " in log and "peak RSS" in log


def test_every_problem_of_a_job_is_printed_and_logged_one_line_each(fake_stage, tmp_path, capsys):
    with pytest.raises(jobs.StageFailed):
        jobs.run(fake_stage, log=tmp_path / "a.log", how="problems", out=tmp_path / "a.txt")
    expected = ["error: data/x/2023/contributions.csv, row 4: the amount is negative",
                "error: data/x/2023/sheet.yaml, key title: is empty"]
    assert capsys.readouterr().err.splitlines() == expected
    assert [line for line in (tmp_path / "a.log").read_text().splitlines() if line.startswith("error")] == expected


def test_an_internal_error_is_one_line_and_the_traceback_only_when_debugging(fake_stage, tmp_path, capsys,
                                                                             monkeypatch):
    monkeypatch.delenv("FACTSHEET_DEBUG", raising=False)
    with pytest.raises(jobs.StageFailed):
        jobs.run(fake_stage, log=tmp_path / "a.log", how="bug", out=tmp_path / "a.txt")
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: the fake_stage stage failed unexpectedly (ZeroDivisionError: division by "
                                "zero); run the build again with FACTSHEET_DEBUG=1 for the details"]
    assert "Traceback" not in (tmp_path / "a.log").read_text()
    monkeypatch.setenv("FACTSHEET_DEBUG", "1")
    with pytest.raises(jobs.StageFailed):
        jobs.run(fake_stage, log=tmp_path / "b.log", how="bug", out=tmp_path / "b.txt")
    assert "Traceback" in (tmp_path / "b.log").read_text()


def test_jobs_get_the_libraries_loaded_and_frozen_and_not_the_test_library_pandera_would_import(
        probe_stage, tmp_path):
    import json

    pytest.importorskip("hypothesis")  # installed with the tests: pandera imports it whenever it can
    jobs.run(probe_stage, log=tmp_path / "probe.log", out=tmp_path / "facts.json")
    facts = json.loads((tmp_path / "facts.json").read_text(encoding="utf-8"))
    assert facts["pandera checks"]  # pandera's checks are loaded, without hypothesis
    assert not facts["hypothesis"]
    assert facts["frozen"] > 100_000  # the libraries' objects, out of the collector's sight


def test_a_killed_job_fails_with_a_clear_message_and_the_next_job_runs(fake_stage, tmp_path, capsys):
    with pytest.raises(jobs.StageFailed):
        jobs.run(fake_stage, log=tmp_path / "a.log", how="killed", out=tmp_path / "a.txt")
    assert "error: the fake_stage stage was stopped by signal 9" in capsys.readouterr().err
    jobs.run(fake_stage, log=tmp_path / "b.log", how="fine", out=tmp_path / "b.txt")


def test_a_dead_warm_process_is_replaced(fake_stage, tmp_path):
    jobs.run(fake_stage, log=tmp_path / "a.log", how="fine", out=tmp_path / "a.txt")
    (server,) = forkservers()
    server.kill()  # (not reaped here: the standard library finds it dead when it next needs it)
    deadline = time.monotonic() + 10
    while server.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.05)
    jobs.run(fake_stage, log=tmp_path / "b.log", how="fine", out=tmp_path / "b.txt")
    (replacement,) = forkservers()
    assert replacement.pid != server.pid


@pytest.mark.parametrize("stage", ["check_sheet", "plot_contributions", "render_html", "render_pdf",
                                   "report_changes", "write_brand_assets"])
def test_every_stage_documents_its_command_line(stage):
    done = subprocess.run([sys.executable, "-m", f"factsheet.stages.{stage}", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m factsheet.stages.{stage}") and "Stage:" in done.stdout


def test_a_stage_runs_alone_from_the_shell(tmp_path):
    done = subprocess.run([sys.executable, "-m", "factsheet.stages.check_sheet", "--sheet-dir", str(CANADA),
                           "--checked-file", str(tmp_path / "checked.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "checked.json").read_text())["table_csv"].startswith("year,stream,amount_usd")
    broken = tmp_path / "sheet"
    subprocess.run(["cp", "-r", str(CANADA), str(broken)], check=True)
    (broken / "sheet.yaml").write_text((broken / "sheet.yaml").read_text().replace("title:", "titel:", 1))
    done = subprocess.run([sys.executable, "-m", "factsheet.stages.check_sheet", "--sheet-dir", str(broken),
                           "--checked-file", str(tmp_path / "checked2.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "key titel: unknown key 'titel'" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "checked2.json").exists()



def test_jobs_started_and_ended_from_many_threads_at_once_all_succeed(fake_stage, tmp_path):
    # Snakemake runs jobs in threads; the exit status of each must reach its own thread (the standard
    # library reads it once, from whichever thread asks first: without factsheet.stages serialising the
    # starts and collections, real builds saw statuses of 255 for jobs that had succeeded).
    from concurrent.futures import ThreadPoolExecutor

    def job(n):
        jobs.run(fake_stage, log=tmp_path / f"{n}.log", how=f"sleep {n % 7 / 100}", out=tmp_path / f"{n}.txt")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(job, range(80)))
    assert len(list(tmp_path.glob("*.txt"))) == 80


EARLY_SERVER = """
import os
import psutil
from factsheet import jobs
jobs.start_early()
print("still ours", flush=True)
servers = [c for c in psutil.Process().children() if "multiprocessing.forkserver" in " ".join(c.cmdline())]
for server in servers:
    print(os.readlink(f"/proc/{server.pid}/fd/1"), os.readlink(f"/proc/{server.pid}/fd/2"))
"""


def test_the_warm_process_started_first_writes_nothing_to_the_builds_output():
    # it is started before Snakemake, with /dev/null as its output (each job writes to its own log): a server
    # still importing when a build with nothing to do ends holds no pipe of the build open
    done = subprocess.run([sys.executable, "-c", EARLY_SERVER], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "still ours"  # this process's own output is back in place
    assert lines[1:] == [f"{os.devnull} {os.devnull}"]


def test_makes_snakemake_process_is_snakemakes_command_line_and_returns_its_status(tmp_path):
    from snakemake.settings.types import MaxJobsPerTimespan

    from factsheet import snakemake_process

    def run(*args):
        return subprocess.run([sys.executable, "-m", "factsheet.snakemake_process", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    import snakemake

    assert run("--version").stdout.strip() == snakemake.__version__
    assert run("--no-such-option").returncode == 2  # argparse's status for a bad option, passed on
    assert run("--snakefile", str(tmp_path / "missing")).returncode == 1
    # the rate limiter's timespan as Snakemake reads it: a day, so that no timer fires during a build
    assert MaxJobsPerTimespan.parse_choice(snakemake_process.RATE_LIMIT[1]).timespan == 24 * 3600
