"""Run pipeline stages in warm worker processes, so that no job pays the imports again.

Each Snakemake job of a stage calls :func:`run` from the rule's ``run:`` block.
While Snakemake plans the jobs, a fork server imports pandas, matplotlib,
WeasyPrint and the stage modules once (:func:`warm_up`, called by the
Snakefile); the first job then starts a pool of worker processes forked from it
(as many as the cores the build was given), and every job runs in one of them,
at full speed and in parallel. The pool ends with the build (:func:`stop`).

A stage is ``scripts/<stage>.py``'s ``main()``; tests call the same functions.
"""

import contextlib
import multiprocessing
import os
import resource
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parents[1]
PRELOAD = ["factsheet.preload"]  # what the fork server imports once
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


class StageFailed(Exception):
    """A stage stopped on bad input (its messages are already printed) or on an internal error."""


def warm_up(log: str | Path = os.devnull) -> None:
    """Start the fork server now, so it imports the libraries while Snakemake plans the jobs.

    Its output (and its workers') goes to ``log``: holding the build's own
    stdout and stderr open, it would keep whoever reads them waiting after the
    build has ended. Stages report through their results, not by printing.
    """
    # The fork server is a fresh interpreter that imports PRELOAD before it applies the parent's
    # sys.path (Python 3.11), so the stage modules' folder must reach it through the environment.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS_DIR), os.environ.get("PYTHONPATH")]))
    multiprocessing.set_forkserver_preload(PRELOAD)
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()  # redirecting here could swallow another job's messages
        return
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    saved = [os.dup(1), os.dup(2)]
    with open(log, "ab") as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            forkserver.ensure_running()
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def pool(workers: int) -> ProcessPoolExecutor:
    """The build's one pool of workers (jobs run in several threads; the first to ask creates it)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            from multiprocessing import forkserver

            if getattr(forkserver._forkserver, "_forkserver_pid", None) is None:
                warm_up()
            _pool = ProcessPoolExecutor(max_workers=max(1, workers),
                                        mp_context=multiprocessing.get_context("forkserver"))
        return _pool


def stop() -> None:
    """End the workers and the fork server at once: every job's outputs are written by then, and
    letting big interpreters tear themselves down would add a second or two to every build."""
    import signal
    from multiprocessing import forkserver

    global _pool
    if _pool is not None:
        for process in list(getattr(_pool, "_processes", {}).values()):
            process.kill()
        # Waiting here is brief (the workers are gone) and leaves nothing for the interpreter's exit
        # handlers to wake, which would otherwise print an ignored error about a closed pipe.
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if server:
        with contextlib.suppress(OSError):
            os.kill(server, signal.SIGKILL)
    # Snakemake's scheduler leaves a re-evaluation timer (a non-daemon thread) behind that
    # the interpreter would wait for at exit; the workflow is over, so it has nothing to do.
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def _call(stage: str, args: tuple) -> dict:
    """In a worker: run one stage; return its problems, or the internal error, and what it cost."""
    import importlib
    import signal

    from factsheet.errors import DataError, exit_on_sigterm

    signal.signal(signal.SIGTERM, exit_on_sigterm)  # a stopped job still removes its temporary files
    start = time.monotonic()
    result = {"problems": [], "error": None}
    try:
        importlib.import_module(stage).main(*args)
    except DataError as err:
        result["problems"] = [str(p) for p in err.problems]
        result["trace"] = traceback.format_exc()
    except Exception as err:  # noqa: BLE001 - reported to the user in one line, in full with FACTSHEET_DEBUG
        result["error"] = (f"{type(err).__name__}: {err}", traceback.format_exc())
    result["seconds"] = time.monotonic() - start
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run(stage: str, *args, log: str | None = None, workers: int = 1) -> None:
    """Run ``stage`` (a module of scripts/) with ``args`` in the warm pool; raise StageFailed on a problem."""
    try:
        result = pool(workers).submit(_call, stage, tuple(str(a) if isinstance(a, Path) else a for a in args)).result()
    except Exception as err:  # the pool itself failed (a worker was killed, say): still one clear line
        print(f"error: the {stage} stage could not run ({type(err).__name__}: {err}); run the build again, "
              "with FACTSHEET_DEBUG=1 for the details", file=sys.stderr, flush=True)
        raise StageFailed(f"{stage} could not run") from err
    lines = [f"error: {p}" for p in result["problems"]]
    if lines and os.environ.get("FACTSHEET_DEBUG"):
        lines.insert(0, result["trace"])
    if result["error"]:
        summary, trace = result["error"]
        lines.append(trace if os.environ.get("FACTSHEET_DEBUG") else
                     f"error: the {stage} stage failed unexpectedly ({summary}); run again with "
                     "FACTSHEET_DEBUG=1 for the details")
    if log:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        Path(log).write_text("".join(f"{line}\n" for line in lines) +
                             f"{stage}: {result['seconds']:.3f} s, peak RSS {result['peak_rss_mb']:.0f} MB\n",
                             encoding="utf-8")
    if lines:
        print("\n".join(lines), file=sys.stderr, flush=True)
        raise StageFailed(f"{stage} stopped")
