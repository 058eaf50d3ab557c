"""Run pipeline stages in warm processes, so that no job pays the imports again.

A stage server imports the libraries and the stage modules once, then forks one
child per job; the child runs ``scripts/<stage>.py``'s ``main()`` with the job's
arguments and sends back the problems it found and what it cost. A rule's
``run:`` block calls :func:`run`, which asks the server through a Unix socket
named by the ``FACTSHEET_WORKERS`` environment variable.

``make`` (scripts/build.py) starts the server before Snakemake, so the imports
happen while Snakemake starts and plans; run without it, the Snakefile starts
one (:func:`warm_up`). The server takes jobs while it is still importing (a
job then imports what it needs itself), and ends when whoever started it
closes its standard input, stops it or dies.

Each job is a fresh fork of the warm server: jobs cannot leak state into each
other, and the garbage collector (which would walk every preloaded object)
stays off during a job.
"""

import contextlib
import gc
import importlib
import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parents[1]
ADDRESS_VARIABLE = "FACTSHEET_WORKERS"
# What the server imports (or "module:function" calls), in the order a sheet's stages need it, in
# steps of a tenth of a second or so: between two steps it starts the jobs that came meanwhile.
PRELOAD = ["numpy", "pandas", "pandera.pandas", "pydantic", "check_sheet",
           "factsheet.contributions:load_validation",
           "clean_contributions", "encodings.utf_8_sig", "matplotlib", "matplotlib.pyplot",
           "matplotlib.backends.backend_svg", "plot_contributions", "render_html", "weasyprint.text.ffi",
           "weasyprint.html", "fontTools.subset", "weasyprint", "email.policy", "render_pdf", "report_changes",
           "write_brand_assets"]
_started: "Server | None" = None
_started_lock = threading.Lock()


class StageFailed(Exception):
    """A stage stopped on bad input (its messages are already printed) or on an internal error."""


class Server:
    """A stage server process started by this process; its socket is listening before it returns."""

    def __init__(self, log: str | Path = os.devnull):
        self.folder = tempfile.mkdtemp(prefix="factsheet-")  # private (0700), short enough for a socket name
        self.address = os.path.join(self.folder, "stages.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        listener.listen(64)  # jobs may queue here while the server still imports
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        # Its output goes to the log: holding the build's stdout open, it would keep readers waiting.
        with open(log, "ab") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "import sys; from factsheet.workers import serve; serve(int(sys.argv[1]))",
                 str(listener.fileno())],
                stdin=subprocess.PIPE, stdout=sink, stderr=sink, pass_fds=[listener.fileno()],
                env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SCRIPTS_DIR),
                                                                              os.environ.get("PYTHONPATH")])),
                     "MPLBACKEND": "Agg"})
        listener.close()

    def stop(self) -> None:
        """End the server: a job still running is stopped (it removes its temporary files)."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.address)
            os.rmdir(self.folder)


def start(log: str | Path = os.devnull) -> Server:
    """Start a server and make this process's jobs (and its child processes) use it."""
    server = Server(log)
    os.environ[ADDRESS_VARIABLE] = server.address
    return server


def warm_up(log: str | Path = os.devnull) -> None:
    """Start a server for this build unless one was started for it (by `make`)."""
    global _started
    with _started_lock:
        address = os.environ.get(ADDRESS_VARIABLE)
        if _started is None and not (address and os.path.exists(address)):
            _started = start(log)


def stop() -> None:
    """End the server this process started, if any (called when the workflow ends)."""
    global _started
    with _started_lock:
        if _started is not None:
            _started.stop()
            _started = None
    # Snakemake's scheduler leaves a re-evaluation timer (a non-daemon thread) behind that
    # the interpreter would wait for at exit; the workflow is over, so it has nothing to do.
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def run(stage: str, *args, log: str | None = None) -> None:
    """Run ``stage`` (a module of scripts/) with ``args`` in a warm process; raise StageFailed on a problem."""
    warm_up()
    request = {"stage": stage, "args": [str(a) if isinstance(a, Path) else a for a in args], "cwd": os.getcwd()}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(os.environ[ADDRESS_VARIABLE])
            connection.sendall(json.dumps(request).encode() + b"\n")
            connection.shutdown(socket.SHUT_WR)
            answer = b"".join(iter(lambda: connection.recv(65536), b""))
        if not answer:
            raise ConnectionError("its process ended without an answer")
        result = json.loads(answer)
    except (OSError, ValueError) as err:  # the server or the job's process died (killed, say): one clear line
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


def serve(listener_fd: int) -> None:
    """The server's loop: import PRELOAD one module at a time, forking a child for each job that comes."""
    listener = socket.socket(fileno=listener_fd)
    children: set[int] = set()
    server = os.getpid()

    def end(*_):
        if os.getpid() != server:  # a child just forked, before it set its own handlers
            raise SystemExit(1)
        for pid in children:  # each removes its temporary files on SIGTERM
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        os._exit(0)

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, end)  # Ctrl-C reaches the whole process group: jobs and server end together
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    pending = list(PRELOAD)
    while True:
        for key, _ in selector.select(timeout=0 if pending else 1):
            if key.fileobj is sys.stdin:
                if not os.read(sys.stdin.fileno(), 4096):  # whoever started the server is done
                    end()
                continue
            connection, _ = listener.accept()
            pid = os.fork()
            if pid == 0:
                _child(connection, listener)
            connection.close()
            children.add(pid)
        for pid in list(children):
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    children.discard(pid)
        if pending:
            _preload(pending.pop(0))
            if not pending:  # what stays for good: out of the collector's sight, and not copied by it
                gc.collect()
                gc.freeze()


def _preload(step: str) -> None:
    """Import a module (and call "module:function"); a failure is left for the job that needs it to report."""
    module, _, function = step.partition(":")
    try:
        loaded = importlib.import_module(module)
        if function:
            getattr(loaded, function)()
    except Exception:  # noqa: BLE001 - a stage module being edited, say: its job will say what is wrong
        traceback.print_exc()


def _child(connection: socket.socket, listener: socket.socket) -> None:
    """In a forked child: run the job that came on ``connection`` and answer; never returns."""
    from factsheet.errors import exit_on_sigterm

    listener.close()
    signal.signal(signal.SIGTERM, exit_on_sigterm)  # a stopped job still removes its temporary files
    signal.signal(signal.SIGINT, signal.default_int_handler)
    gc.disable()  # a job is short: what it allocates is freed when it ends
    status = 0
    try:
        request = json.loads(b"".join(iter(lambda: connection.recv(65536), b"")))
        os.chdir(request["cwd"])
        result = _call(request["stage"], request["args"])
        connection.sendall(json.dumps(result).encode())
    except BaseException:  # noqa: BLE001 - interrupted or the build went away; nothing to answer
        status = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _call(stage: str, args: list) -> dict:
    """Run one stage; return its problems, or the internal error, and what it cost."""
    from factsheet.errors import DataError

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
