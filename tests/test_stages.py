"""A rule's job (factsheet/workflow/job.py) and the build's warm process (factsheet/workflow/warm.py): each job is a
fresh fork
of the warm process, writes its own log, and every way a job can end is reported; without a warm process the
job's command runs its stage itself; every stage also runs alone from the shell."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from factsheet.workflow import job, recovery, warm

from conftest import CANADA, ROOT

FAKE_STAGE = '''
import os
import signal
import signal
import time
import warnings
from pathlib import Path

from factsheet.errors import DataError, Problem

CALLS = []


def main(how: str, out: Path) -> None:
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

PROBE_STAGE = '''
import gc
import json
import sys
from pathlib import Path


def main(out: Path) -> None:
    try:
        import hypothesis  # noqa: F401
        importable = True
    except ImportError:
        importable = False
    Path(out).write_text(json.dumps({"hypothesis": importable, "frozen": gc.get_freeze_count(),
                                     "pandera checks": "pandera.backends.pandas.builtin_checks" in sys.modules}))
'''


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A warm process started as a build starts it, in a folder holding the fake stages above (`python -m`
    finds modules in the folder it starts in, as a build's in its checkout); the Popen of it."""
    folder = tmp_path_factory.mktemp("modules")
    (folder / "fake_stage.py").write_text(FAKE_STAGE, encoding="utf-8")
    (folder / "probe_stage.py").write_text(PROBE_STAGE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(warm.ADDRESS_VARIABLE, raising=False)
        patch.delenv(warm.FRESH_PROCESSES, raising=False)
        patch.chdir(folder)
        process = warm.start()
        assert process is not None and os.environ.get(warm.ADDRESS_VARIABLE)
        patch.chdir(ROOT)
        yield process
        process.kill()
        process.wait()


def fake(tmp_path, name, how="fine", **options) -> int:
    return job.run("fake_stage", ["--how", how, "--out", str(tmp_path / f"{name}.txt")], tmp_path / f"{name}.log",
                   **options)


def written(path: Path) -> bool:
    """Whether the fake stage has written ``path`` (it exists, empty, a moment before)."""
    return path.is_file() and path.stat().st_size > 0


def test_each_job_runs_in_a_fresh_fork_of_the_warm_process_and_writes_its_own_log(server, tmp_path):
    assert fake(tmp_path, "a") == fake(tmp_path, "b") == 0
    (pid_a, calls_a), (pid_b, calls_b) = ((tmp_path / f"{n}.txt").read_text().split() for n in "ab")
    assert pid_a != pid_b and str(os.getpid()) not in (pid_a, pid_b)
    assert calls_a == calls_b == "1"  # nothing a job did is seen by the next
    log = (tmp_path / "a.log").read_text()
    assert "a message of the stage" in log and "a warning of the stage" in log  # in the job's own log
    assert "fake_stage: " in log and "peak RSS" in log


def test_every_problem_of_a_job_is_printed_and_logged_one_line_each(server, tmp_path, capsys):
    assert fake(tmp_path, "a", "problems") == 1
    expected = ["error: data/x/2023/contributions.csv, row 4: the amount is negative",
                "error: data/x/2023/sheet.yaml, key title: is empty"]
    assert capsys.readouterr().err.splitlines() == expected
    assert [line for line in (tmp_path / "a.log").read_text().splitlines() if line.startswith("error")] == expected


def test_an_internal_error_is_one_line_and_its_traceback_goes_to_the_log(server, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("FACTSHEET_DEBUG", raising=False)
    assert fake(tmp_path, "a", "bug") == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: the fake_stage stage failed unexpectedly (ZeroDivisionError: division by zero); its traceback is in "
        "its log (FACTSHEET_DEBUG=1 shows it here)"]
    assert "Traceback" in (tmp_path / "a.log").read_text()
    monkeypatch.setenv("FACTSHEET_DEBUG", "1")  # the job's setting, not the warm process's
    assert fake(tmp_path, "b", "bug") == 2
    assert "Traceback" in capsys.readouterr().err


def test_jobs_get_the_libraries_loaded_and_frozen_and_not_the_test_library_pandera_would_import(server, tmp_path):
    pytest.importorskip("hypothesis")  # installed with the tests: pandera imports it whenever it can
    deadline = time.monotonic() + 60
    while True:  # a job that comes while the warm process is still loading starts with what it has loaded
        assert job.run("probe_stage", ["--out", str(tmp_path / "facts.json")], tmp_path / "probe.log") == 0
        facts = json.loads((tmp_path / "facts.json").read_text(encoding="utf-8"))
        assert not facts["hypothesis"]
        if facts["frozen"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert facts["pandera checks"]  # pandera's checks are loaded, without hypothesis
    assert not facts["hypothesis"]
    assert facts["frozen"] > 100_000  # the libraries' objects, out of the collector's sight


def test_a_killed_job_fails_with_a_clear_message_and_the_next_job_runs(server, tmp_path, capsys):
    assert fake(tmp_path, "a", "killed") == 128 + 9
    assert "error: the fake_stage stage was stopped by signal 9" in capsys.readouterr().err
    assert fake(tmp_path, "b") == 0


@pytest.mark.parametrize("kind", ["cut short", "code", "not UTF-8"])
def test_a_request_the_warm_process_cannot_read_ends_its_fork_and_the_next_job_runs(server, tmp_path, kind):
    touched = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(touched)!r}).touch()".encode()
    request_bytes = {"cut short": b"{'module': ", "code": code, "not UTF-8": b"\xff"}[kind]
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as connection, open(tmp_path / "x.log", "w") as log:
        connection.connect(os.environ[warm.ADDRESS_VARIABLE])
        socket.send_fds(connection, [request_bytes], [log.fileno()])
        status = int.from_bytes(connection.recv(4), "big", signed=True)
    assert status == 70  # EX_SOFTWARE: the fork ended without running anything
    assert not touched.exists()  # a request is read as data, never run
    assert server.poll() is None and fake(tmp_path, "b") == 0


def test_a_job_sends_its_status_itself_while_the_warm_process_cannot(server, tmp_path):
    # the warm process may be importing a step when a job ends (a tenth of a second and more), and the build's
    # next jobs wait for that status: here it is stopped outright while the job ends
    import threading

    statuses = []
    waiting = threading.Thread(target=lambda: statuses.append(fake(tmp_path, "a", "sleep 0.5")))
    waiting.start()
    deadline = time.monotonic() + 30
    while not written(tmp_path / "a.txt") and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(server.pid, signal.SIGSTOP)
    try:
        waiting.join(timeout=20)
        assert not waiting.is_alive() and statuses == [0]
    finally:
        os.kill(server.pid, signal.SIGCONT)
    assert fake(tmp_path, "b") == 0 and server.poll() is None


def test_a_stopped_command_stops_its_job(server, tmp_path):
    # Snakemake stops a job by stopping its command: the job's fork is stopped too (SIGTERM: a stage removes its
    # temporary files on the way out)
    command = subprocess.Popen([sys.executable, "-m", "factsheet.workflow.job", "--log", str(tmp_path / "a.log"),
                                "fake_stage", "--how", "sleep 60", "--out", str(tmp_path / "a.txt")])
    deadline = time.monotonic() + 30
    while not written(tmp_path / "a.txt") and time.monotonic() < deadline:
        time.sleep(0.02)
    forked = psutil.Process(int((tmp_path / "a.txt").read_text().split()[0]))
    assert forked.parent().pid == server.pid
    command.kill()
    command.wait()
    _, alive = psutil.wait_procs([forked], timeout=5)
    assert not alive


def test_stopping_a_program_stops_the_jobs_its_threads_wait_for(server, tmp_path, monkeypatch):
    # the preview, stopped with Ctrl-C while a rebuild's threads wait for their jobs
    import threading

    monkeypatch.setattr(job, "_stopping", False)  # restored after this test
    statuses = []
    waiting = threading.Thread(target=lambda: statuses.append(fake(tmp_path, "a", "sleep 60", quiet=True)))
    waiting.start()
    deadline = time.monotonic() + 30
    while not written(tmp_path / "a.txt") and time.monotonic() < deadline:
        time.sleep(0.02)
    forked = psutil.Process(int((tmp_path / "a.txt").read_text().split()[0]))
    job.stop_all()
    waiting.join(timeout=5)
    assert not waiting.is_alive() and statuses == [128 + signal.SIGTERM]
    _, alive = psutil.wait_procs([forked], timeout=5)
    assert not alive
    assert fake(tmp_path, "b") == 128 + signal.SIGTERM  # and no job starts after


def test_jobs_started_and_ended_from_many_threads_at_once_all_succeed(server, tmp_path):
    # Snakemake runs jobs in threads; the exit status of each must reach its own thread
    from concurrent.futures import ThreadPoolExecutor

    def one(n):
        return fake(tmp_path, str(n), f"sleep {n % 7 / 100}", quiet=True)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(one, range(80))) == {0}
    assert len(list(tmp_path.glob("*.txt"))) == 80


def test_without_a_warm_process_a_job_runs_its_stage_itself(tmp_path):
    # a failed job's command, copied from Snakemake's message and run by hand
    env = {name: value for name, value in os.environ.items() if name != warm.ADDRESS_VARIABLE}
    done = subprocess.run([sys.executable, "-m", "factsheet.workflow.job", "--log", str(tmp_path / "check.log"),
                           "factsheet.stages.check_sheet", "--sheet-dir", str(CANADA),
                           "--checked-file", str(tmp_path / "checked.json")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "check_sheet: " in (tmp_path / "check.log").read_text() and (tmp_path / "checked.json").is_file()
    assert done.stdout == ""  # the stage's output is in its log


@pytest.mark.parametrize("starter_running", [True, False])
@pytest.mark.filterwarnings("ignore:a warning of the stage")  # the fake stage's, run in this process
def test_a_job_whose_warm_process_ended_runs_itself_only_while_its_build_runs(tmp_path, monkeypatch, starter_running):
    # the warm process ends with the process that started it (then a job's command that starts late belongs to a
    # build that is gone, and would write into the next one), or on its own (then the job runs itself)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    monkeypatch.setenv(warm.ADDRESS_VARIABLE, str(tmp_path / "gone" / "socket"))
    monkeypatch.setenv(recovery.WARM_PARENT_VARIABLE, str(os.getpid() if starter_running else ended.pid))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fake_stage.py").write_text(FAKE_STAGE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    status = fake(tmp_path, "late", quiet=True)
    assert (status == 0) is starter_running
    assert (tmp_path / "late.txt").is_file() is starter_running


def test_the_warm_process_writes_nothing_to_the_builds_output_and_ends_with_its_starter(tmp_path):
    # a warm process still importing when a build with nothing to do ends holds no pipe of the build open; it
    # removes its folder (the socket) when it ends
    script = ("import os, sys; from factsheet.workflow import warm; p = warm.start(); "
              "print(p.pid, os.environ[warm.ADDRESS_VARIABLE], flush=True); sys.stdin.read()")
    env = {name: value for name, value in os.environ.items() if name != warm.ADDRESS_VARIABLE}
    starter = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, env=env)
    pid, address = starter.stdout.readline().split()
    server = psutil.Process(int(pid))
    assert {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (1, 2)} == {os.devnull}
    assert Path(address).exists() and oct(Path(address).parent.stat().st_mode)[-3:] == "700"
    starter.kill()
    starter.wait()
    _, alive = psutil.wait_procs([server], timeout=5)
    assert not alive and not Path(address).parent.exists()


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


@pytest.mark.parametrize("stage", ["check_sheet", "plot_contributions", "render_html", "render_pdf",
                                   "report_changes", "write_brand_assets"])
def test_every_stage_documents_its_command_line(stage):
    done = subprocess.run([sys.executable, "-m", f"factsheet.stages.{stage}", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m factsheet.stages.{stage}") and "Stage:" in done.stdout


def test_makes_snakemake_process_is_snakemakes_command_line_and_returns_its_status(tmp_path):
    from snakemake.settings.types import MaxJobsPerTimespan

    from factsheet.workflow import snakemake_process

    def run(*args):
        return subprocess.run([sys.executable, "-m", "factsheet.workflow.snakemake_process", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    import snakemake

    assert run("--version").stdout.strip() == snakemake.__version__
    assert run("--no-such-option").returncode == 2  # argparse's status for a bad option, passed on
    assert run("--snakefile", str(tmp_path / "missing")).returncode == 1
    # the rate limiter's timespan as Snakemake reads it: a day, so that no timer fires during a build
    assert MaxJobsPerTimespan.parse_choice(snakemake_process.RATE_LIMIT[1]).timespan == 24 * 3600
