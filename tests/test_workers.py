"""The stage server: each job runs in its own warm process, and every way a job can end is reported."""

import os
import textwrap

import pytest

from factsheet import workers

FAKE_STAGE = '''
import os
import signal
from pathlib import Path

from factsheet.errors import DataError, Problem

CALLS = []


def main(how, out):
    CALLS.append(how)  # a job sees only its own calls: each is a fresh fork of the server
    Path(out).write_text(f"{os.getpid()} {len(CALLS)}", encoding="utf-8")
    if how == "problems":
        raise DataError([Problem("data/x/2023/contributions.csv", "row 4", "the amount is negative"),
                         Problem("data/x/2023/sheet.yaml", "key title", "is empty")])
    if how == "bug":
        raise ZeroDivisionError("division by zero")
    if how == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
'''


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A stage server that can also import the fake stage module above."""
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "fake_stage.py").write_text(textwrap.dedent(FAKE_STAGE), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "modules"))
    monkeypatch.delenv("FACTSHEET_DEBUG", raising=False)
    monkeypatch.delenv(workers.ADDRESS_VARIABLE, raising=False)
    started = workers.start(tmp_path / "workers.log")
    yield started
    started.stop()


def test_each_job_runs_in_a_process_of_its_own_and_writes_its_log(server, tmp_path):
    workers.run("fake_stage", "fine", tmp_path / "a.txt", log=tmp_path / "logs" / "a.log")
    workers.run("fake_stage", "fine", tmp_path / "b.txt", log=tmp_path / "logs" / "b.log")
    (pid_a, calls_a), (pid_b, calls_b) = ((tmp_path / f"{n}.txt").read_text().split() for n in "ab")
    assert pid_a != pid_b and pid_a != str(os.getpid()) and pid_a != str(server.process.pid)
    assert calls_a == calls_b == "1"  # nothing a job did is seen by the next
    assert (tmp_path / "logs" / "a.log").read_text().startswith("fake_stage: ")
    assert "peak RSS" in (tmp_path / "logs" / "a.log").read_text()


def test_every_problem_of_a_job_is_printed_and_logged_one_line_each(server, tmp_path, capsys):
    with pytest.raises(workers.StageFailed):
        workers.run("fake_stage", "problems", tmp_path / "a.txt", log=tmp_path / "a.log")
    err = capsys.readouterr().err
    expected = ["error: data/x/2023/contributions.csv, row 4: the amount is negative",
                "error: data/x/2023/sheet.yaml, key title: is empty"]
    assert err.splitlines() == expected
    assert (tmp_path / "a.log").read_text().splitlines()[:2] == expected


def test_an_internal_error_is_one_line_and_the_traceback_only_when_debugging(server, tmp_path, capsys, monkeypatch):
    with pytest.raises(workers.StageFailed):
        workers.run("fake_stage", "bug", tmp_path / "a.txt")
    err = capsys.readouterr().err
    assert "the fake_stage stage failed unexpectedly (ZeroDivisionError: division by zero)" in err
    assert "Traceback" not in err
    monkeypatch.setenv("FACTSHEET_DEBUG", "1")
    with pytest.raises(workers.StageFailed):
        workers.run("fake_stage", "bug", tmp_path / "a.txt")
    assert "Traceback" in capsys.readouterr().err


def test_a_job_whose_process_is_killed_fails_with_a_clear_message(server, tmp_path, capsys):
    with pytest.raises(workers.StageFailed):
        workers.run("fake_stage", "killed", tmp_path / "a.txt")
    assert "error: the fake_stage stage could not run" in capsys.readouterr().err
    workers.run("fake_stage", "fine", tmp_path / "b.txt")  # the server itself carries on


def test_the_server_ends_when_its_starter_closes_its_input(server):
    server.process.stdin.close()
    assert server.process.wait(timeout=10) == 0
