"""A rule's job: a stage's command line, its output going to the job's log.

    python -m factsheet.workflow.job --log LOG factsheet.stages.<stage> [OPTION...]

runs what ``python -m factsheet.stages.<stage> [OPTION...]`` runs, with the stage's output (its messages, a
traceback) going to LOG; then prints the log's ``warning:`` lines, or when the stage failed its ``error:`` lines
(with FACTSHEET_DEBUG set, the whole log), and exits with the stage's status. In a build the stage runs in a
fresh fork of the build's warm process (factsheet/workflow/warm.py), which has imported the libraries; otherwise here.
A failed job's command, as Snakemake prints it, runs again by hand as it is.
"""

from __future__ import annotations

import os
import socket
import sys

ADDRESS_VARIABLE = "FACTSHEET_WARM"  # the build's warm process's socket (factsheet.workflow.warm starts it)
_open: set[socket.socket] = set()  # the connections of jobs running in the warm process (see stop_all)
_stopping = False  # set by stop_all: no job starts after it


class StageFailed(Exception):
    """A stage stopped on bad input or an internal error (its messages are printed and in its log)."""


def run(module: str, argv: list[str], log: str | os.PathLike, quiet: bool = False) -> int:
    """Run ``module``'s command line on ``argv``, its output going to ``log``; print the log's warnings (or on
    failure its errors) unless ``quiet``; return the stage's exit status."""
    if _stopping:
        return 128 + 15
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    with open(log, "w", encoding="utf-8") as sink:
        status = _in_warm_process(module, argv, sink.fileno())
        if status is None:
            status = _here(module, argv, sink.fileno())
    if not quiet:
        report(module, status, log)
    return status


def run_stage(stage: str, log: str | os.PathLike, **arguments) -> None:
    """Run the stage ``factsheet.stages.<stage>`` with ``arguments`` as its options (``sheet_dir=...`` is
    ``--sheet-dir ...``); raise StageFailed when it fails (after printing its errors)."""
    argv = []
    for name, value in arguments.items():
        if value is not None:
            values = value if isinstance(value, list | tuple) else [value]
            argv += [f"--{name.replace('_', '-')}", *map(str, values)]
    if run(f"factsheet.stages.{stage}", argv, log) != 0:
        raise StageFailed(f"{stage} stopped")


def report(module: str, status: int, log: str | os.PathLike) -> None:
    """Print what the user should read of a job's log: its warnings, or its errors and how it ended."""
    try:
        with open(log, encoding="utf-8", errors="replace") as handle:
            logged = handle.read().splitlines()
    except OSError:
        logged = []
    if status == 0:
        lines = [line for line in logged if line.startswith("warning: ")]
    else:
        debug = bool(os.environ.get("FACTSHEET_DEBUG"))  # then the whole log, tracebacks included
        lines = [line for line in logged if debug or line.startswith("error: ")]
        if not any(line.startswith("error: ") for line in lines):
            stage = module.rsplit(".", 1)[-1]
            how = f"was stopped by signal {status - 128}" if status > 128 else f"ended with status {status}"
            lines.append(f"error: the {stage} stage {how}; run the build again (its log: {log})")
    if lines:
        print("\n".join(lines), file=sys.stderr, flush=True)


def stop_all() -> None:
    """Stop the jobs this process's threads run in the warm process, and start no more (a program that ends
    on Ctrl-C while its threads run stages: the preview)."""
    global _stopping
    _stopping = True
    for connection in list(_open):
        try:  # noqa: SIM105 - contextlib would cost every job's command its import
            connection.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting on it; the warm process stops the job
        except OSError:
            pass


def _in_warm_process(module: str, argv: list[str], log: int) -> int | None:
    """Hand the job to the build's warm process and wait for its status; None when there is none."""
    address = os.environ.get(ADDRESS_VARIABLE)
    if not address:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(address)
        # A Python literal (the warm process reads it with ast.literal_eval), not JSON: this command starts for
        # every job, and json (with re) would be much of its start; contextlib and threading likewise stay out.
        request = {"module": module, "argv": list(argv), "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(connection, [repr(request).encode()], [log])
    except OSError:  # it ended: with its build (then so does the job), or on its own (then the job runs here)
        connection.close()
        return None if _build_running() else 128 + 15
    _open.add(connection)
    try:
        answer = connection.recv(4)
    except OSError:
        answer = b""
    finally:
        _open.discard(connection)
        connection.close()
    if len(answer) != 4:  # stopped (stop_all), or the warm process ended with the job
        return 128 + 15
    status = int.from_bytes(answer, "big", signed=True)
    return 128 - status if status < 0 else status


def _build_running() -> bool:
    """Whether the process that started the build's warm process still runs: once it has ended, the build has,
    and a job whose command starts after that does not run (it would write into the next build)."""
    from factsheet.workflow.recovery import WARM_PARENT_VARIABLE

    try:
        os.kill(int(os.environ[WARM_PARENT_VARIABLE]), 0)
    except ProcessLookupError:
        return False
    except (KeyError, ValueError, PermissionError):
        pass
    return True


def _here(module: str, argv: list[str], log: int) -> int:
    """Run the job in this process, its output going to ``log`` (a thread other than the main one runs it in
    a new process instead: this process's output is shared by its threads)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        import subprocess

        status = subprocess.run([sys.executable, "-m", module, *argv], stdout=log, stderr=log, check=False).returncode
        return 128 - status if status < 0 else status
    saved = [os.dup(1), os.dup(2)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        return run_here(module, argv)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for target, fd in zip((1, 2), saved, strict=True):
            os.dup2(fd, target)
            os.close(fd)


def run_here(module: str, argv: list[str]) -> int:
    """Run ``module``'s command line on ``argv`` in this process; its exit status. The stage's time and peak
    memory end its output (make bench reads them)."""
    import importlib
    import resource
    import time

    from factsheet.workflow.cli import command_line

    start = time.monotonic()
    try:
        command_line(importlib.import_module(module).main, argv)
        status = 0
    except SystemExit as end:
        status = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    finally:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        stage = module.rsplit(".", 1)[-1]
        print(f"{stage}: {time.monotonic() - start:.3f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB", file=sys.stderr,
              flush=True)
    return status


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] != "--log":
        print("usage: python -m factsheet.workflow.job --log LOG MODULE [OPTION...]", file=sys.stderr)
        return 2
    return run(argv[2], argv[3:], argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
