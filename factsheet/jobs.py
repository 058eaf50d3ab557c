"""Run a pipeline stage in a warm process: one fresh fork per job, from the standard library's forkserver.

A rule's ``run:`` block calls :func:`run` with the stage's name (a module of factsheet.stages) and its named
arguments. The stage runs in a child of a ``multiprocessing`` forkserver that imported the libraries and the
stages once (factsheet.warm), so no job pays the imports again, and jobs share no state: each is a fresh
fork. The forkserver belongs to the Snakemake process that uses it (inside a cluster job: to that job, in its
allocation), and the standard library starts a new one should it die. The child writes its messages and
warnings to the job's own ``log:``; a problem in the input is printed one line each, and the job fails.

Every stage also runs alone from the shell: ``python -m factsheet.stages.<stage> --help`` (see :mod:`factsheet.cli`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

from .errors import exit_on_sigterm, run_stage
from .files import atomic_path, write_text
from .paths import PACKAGE_DIR
from .recovery import WARM_PARENT_VARIABLE
from .stages import STAGES

# What the forkserver imports before it forks the first job: the libraries and every stage.
PRELOAD = ["factsheet.warm"]
SETTINGS_PREFIX = "FACTSHEET_"  # environment variables a job takes from whoever runs it
# Set, every job runs its stage's command line in a new process instead (the standard design, which make bench
# measures against this one).
FRESH_PROCESSES = "FACTSHEET_FRESH_PROCESSES"
_context_lock = threading.Lock()
_process_lock = threading.Lock()
_context = None
_stopping = threading.Event()


class StageFailed(Exception):
    """A stage stopped on bad input or an internal error (its messages are printed and in its log)."""

def context() -> multiprocessing.context.ForkServerContext:
    """This process's forkserver context, its preload list set (the server starts on first use)."""
    global _context
    with _context_lock:
        if _context is None:
            os.environ[WARM_PARENT_VARIABLE] = str(os.getpid())  # whose end the server watches
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        return _context


def _start_and_wait(process: multiprocessing.Process) -> None:
    """Start a process and wait for it to end. Jobs run in threads of one process, and the standard library
    reads a child's exit status from the forkserver once, from whichever thread asks first (starting any
    process asks about every child): so starting and collecting are done one thread at a time."""
    from multiprocessing.connection import wait

    with _process_lock:
        if _stopping.is_set():  # see stop_all
            raise StageFailed(f"{process.name} not started: stopping")
        try:
            process.start()
        except (EOFError, ConnectionError):
            # The warm process ended while this job was being handed to it (the standard library only finds
            # it dead on the next start, and then starts another): the job is handed to the new one.
            process.start()
    wait([process.sentinel])
    with _process_lock:
        process.join()


def stop_all() -> None:
    """Stop the stages running in this process's threads, and start no more (a program that ends on Ctrl-C
    while its threads run stages: the preview). Each stopped stage removes its temporary files; :func:`run`
    raises StageFailed in its thread, and prints nothing."""
    with _process_lock:
        _stopping.set()
        for child in multiprocessing.active_children():
            child.terminate()


def compile_modules() -> None:
    """Compile the pipeline's own modules (factsheet/) to bytecode where it is missing or out of date, as pip
    does for the installed packages. Python compiles a module on import anyway, but where PYTHONDONTWRITEBYTECODE
    is set it keeps nothing, so every process of every build (Snakemake's, the warm process) would compile them
    again: a quarter of a second of a build with nothing to do. Quiet; a folder that cannot be written is left
    as it is."""
    import compileall


    compileall.compile_dir(PACKAGE_DIR, quiet=2)


def start_early() -> None:
    """Start the forkserver now, before anything else is imported (factsheet.snakemake_process): it imports
    the libraries while this process goes on. Its output is /dev/null, not this process's, as every job
    writes to its own log: a server still importing when a build with nothing to do has ended must not hold
    the build's output open. Call it while this process has no other thread."""
    from multiprocessing import forkserver

    context()  # the preload list and the path to the stage modules
    null = os.open(os.devnull, os.O_WRONLY)
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        forkserver.ensure_running()
    finally:
        for target, fd in zip((1, 2), saved, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.close(null)


def warm_up() -> None:
    """Start the forkserver now, in the background, so its imports happen while Snakemake plans."""
    def start():
        with contextlib.suppress(StageFailed):  # stopped meanwhile
            _start_and_wait(context().Process(target=os.getpid))

    threading.Thread(target=start, daemon=True, name="forkserver-warm-up").start()


def run(stage: str, log: str | Path, **arguments) -> None:
    """Run ``factsheet.stages.<stage>``'s ``main(**arguments)`` in a fresh fork; its output goes to ``log``.

    Prints the log's ``warning:`` lines when the stage succeeds. Raises StageFailed after printing the log's
    ``error:`` lines (with FACTSHEET_DEBUG, the whole log) when
    the stage reports a problem, fails or is stopped."""
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    arguments = {name: str(value) if isinstance(value, Path) else value for name, value in arguments.items()}
    command = _command(stage, arguments) if os.environ.get(FRESH_PROCESSES) else None
    if command:
        with open(log, "w", encoding="utf-8") as sink:
            exitcode = subprocess.run(command, stdout=sink, stderr=subprocess.STDOUT, check=False).returncode
    else:
        settings = {name: value for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIX)}
        process = context().Process(target=_job, args=(stage, arguments, str(log), os.getcwd(), settings), name=stage)
        _start_and_wait(process)
        if _stopping.is_set():
            raise StageFailed(f"{stage} stopped")
        exitcode = process.exitcode
    logged = Path(log).read_text(encoding="utf-8", errors="replace").splitlines() if Path(log).is_file() else []
    if exitcode == 0:
        warnings = [line for line in logged if line.startswith("warning: ")]  # what the user should know
        if warnings:
            print("\n".join(warnings), file=sys.stderr, flush=True)
        return
    debug = bool(os.environ.get("FACTSHEET_DEBUG"))  # then the whole log, tracebacks included
    lines = [line for line in logged if debug or line.startswith("error: ")]
    if exitcode < 0 or not any(line.startswith("error: ") for line in lines):
        how = f"was stopped by signal {-exitcode}" if exitcode < 0 else f"ended with status {exitcode}"
        lines.append(f"error: the {stage} stage {how}; run the build again (its log: {log})")
    print("\n".join(lines), file=sys.stderr, flush=True)
    raise StageFailed(f"{stage} stopped")


def _command(stage: str, arguments: dict) -> list[str] | None:
    """The stage's command line for ``arguments`` (python -m factsheet.stages.<stage> --option value ...), or None
    where an
    argument has no command-line form (a mapping)."""
    command = [sys.executable, "-m", f"factsheet.stages.{stage}"]
    for name, value in arguments.items():
        if isinstance(value, dict):
            return None
        if value is not None:
            command += [f"--{name.replace('_', '-')}", *map(str, value if isinstance(value, list) else [value])]
    return command


def copy(source: str | Path, target: str | Path) -> None:
    """Copy a file whole or not at all (a build stopped meanwhile leaves no half-written copy)."""
    import shutil


    with atomic_path(Path(target)) as tmp:
        shutil.copyfile(source, tmp)


def _job(stage: str, arguments: dict, log: str, cwd: str, settings: dict) -> None:
    """In the forked child: run the stage with its output going to the log; exit 1 on a problem. The
    pipeline's own settings (FACTSHEET_DEBUG) are the job's, not those the warm process started with."""
    import gc
    import importlib
    import resource
    import signal
    import time


    gc.disable()  # a job is short: what it allocates is freed when it ends
    signal.signal(signal.SIGTERM, exit_on_sigterm)  # a stopped job still removes its temporary files
    os.chdir(cwd)
    for name in [name for name in os.environ if name.startswith(SETTINGS_PREFIX)]:
        del os.environ[name]
    os.environ.update(settings)
    with open(log, "w", encoding="utf-8") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115 - the process's own
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    start = time.monotonic()
    try:
        run_stage(importlib.import_module(f"factsheet.stages.{stage}" if stage in STAGES else stage).main, **arguments)
    finally:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(f"{stage}: {time.monotonic() - start:.3f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB",
              file=sys.stderr, flush=True)


def build_batch(sheets: list[str], targets: list[str], cores: int, config: dict, summary_file: str | Path,
                log: str | Path) -> None:
    """Build ``sheets`` (their ``targets``) as a local build inside this job: Snakemake with one job per stage
    and sheet on ``cores`` cores, so only what changed is rebuilt. The outer build holds the lock; its
    messages go to ``log``, and its problems are printed too. Raises StageFailed if a sheet has a problem."""
    import json
    import subprocess

    command = [sys.executable, "-m", "factsheet.snakemake_process", "--cores", str(cores), "--nolock", "--logger",
               "factsheet",
               "--config", f"sheets={json.dumps(list(sheets))}", "batch_size=0",
               f"archival={config['archival']}", f"data_dir={config['data_dir']}",
               f"output_dir={config['output_dir']}", "--", *map(str, targets)]
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as sink:
        done = subprocess.run(command, stdout=sink, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        lines = [line for line in Path(log).read_text(encoding="utf-8").splitlines() if line.startswith("error: ")]
        print("\n".join(lines or [f"error: the batch of {len(sheets)} sheets stopped (its log: {log})"]),
              file=sys.stderr, flush=True)
        raise StageFailed("build_batch stopped")

    write_text(summary_file, json.dumps({"sheets": list(sheets), "built": list(targets)}, indent=2) + "\n")
