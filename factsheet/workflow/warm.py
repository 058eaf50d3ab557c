"""The build's warm process: it imports the libraries and every stage once, then runs each job a rule hands it
in a fresh fork of itself.

A rule's command is ``python -m factsheet.workflow.job --log LOG factsheet.stages.<stage> [OPTION...]``
(factsheet/workflow/job.py).
When the build has a warm process (``FACTSHEET_WARM`` names its socket; the build sets it, and every job's
command inherits it), the command sends the stage, its options, its folder, its environment and its open log
to the warm process and waits: the warm process forks, the child runs the stage's command line with its output
going to the log, and the command exits with the child's status. A command that is stopped (Snakemake stopping
a job) closes its connection, and its child is sent SIGTERM (a stage removes its temporary files on the way
out). Without a warm process (a command run by hand, or ``FACTSHEET_FRESH_PROCESSES=1``) the command runs the
stage itself: the standard design, each job a process that imports what its stage needs.

What it costs and saves, measured (make bench): docs/design.md, Speed. The warm process keeps hypothesis, a
test library pandera imports when installed, out (a module set to None in sys.modules is one Python reports as
missing); imports the libraries and the stages with the garbage collector off (they build many objects and free
few); loads what the stages load on first use (pandera's backends, the characters the brand's fonts print, the
compiled templates, the checked sheet's schema, WeasyPrint's C types); then freezes what is loaded out of the
collector's sight, as Python's documentation of gc.freeze advises for a process that forks, so that no job
walks or copies it. Jobs that come before it is done start between two of those steps, with what is loaded:
Snakemake plans about as long as the imports take, so the one long step (WeasyPrint's) goes first, and the first
job, check_sheet, needs the libraries loaded next.
It and its jobs end with the process that started it, however that ends (recovery.end_with_parent).

    python -m factsheet.workflow.warm SOCKET FD     (started by start(), not by hand)
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import importlib
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from factsheet.workflow.job import ADDRESS_VARIABLE  # the warm process's socket, for the jobs' commands

# Set, a build starts no warm process: each job's command runs its stage itself (the standard design, which
# make bench measures against this one).
FRESH_PROCESSES = "FACTSHEET_FRESH_PROCESSES"
# The libraries the stages import, each a step: a job that comes during a step waits for its end. WeasyPrint
# comes first, its import the one long step (it looks for its C libraries under several names, searching the
# system's for each): no job comes before Snakemake has started and planned, so none waits for it. Then what
# check_sheet, every build's first job, uses; then the rest, the larger in parts (matplotlib.pyplot's figure and
# images before it).
WEASYPRINT = ["fontTools.subset", "weasyprint"]
CHECK_LIBRARIES = ["numpy", "pandas", "pandera.pandas", "pydantic"]
LIBRARIES = [*WEASYPRINT, *CHECK_LIBRARIES, "matplotlib", "matplotlib.image", "matplotlib.figure", "matplotlib.pyplot",
             "matplotlib.backends.backend_svg", "pypdfium2", "PIL.Image"]
FIRST_STAGE = "factsheet.stages.check_sheet"
MAX_REQUEST = 1 << 20  # bytes: a job's module, options, folder and environment
_children: set[int] = set()  # the forks running jobs, which end with this process (see _end)


def stage_modules() -> list[str]:
    from factsheet.stages import STAGES

    return [f"factsheet.stages.{stage}" for stage in STAGES]


def start() -> subprocess.Popen | None:
    """Start this process's warm process, unless it has one (or FACTSHEET_FRESH_PROCESSES is set), and name its
    socket in this process's environment, which every job's command inherits; the process started, if any.
    The socket listens before the process starts (it inherits it), so this returns at once: jobs that connect
    before the warm process accepts them wait, as they do while it imports. Its output is /dev/null, as each
    job writes to its own log."""
    from factsheet.workflow.recovery import WARM_PARENT_VARIABLE

    if os.environ.get(FRESH_PROCESSES) or alive(os.environ.get(ADDRESS_VARIABLE)):
        return None
    folder = Path(tempfile.mkdtemp(prefix="factsheet-warm-"))  # private (0700): only this user's jobs connect
    address = folder / "socket"
    env = {**os.environ, WARM_PARENT_VARIABLE: str(os.getpid())}  # whose end it watches
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as listener:
        listener.bind(str(address))
        listener.listen(128)
        process = subprocess.Popen([sys.executable, "-m", "factsheet.workflow.warm", str(address),
                                    str(listener.fileno())], env=env, pass_fds=[listener.fileno()],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ[ADDRESS_VARIABLE] = str(address)
    os.environ[WARM_PARENT_VARIABLE] = env[WARM_PARENT_VARIABLE]  # for the jobs' commands (job._build_running)
    return process


def alive(address: str | None) -> bool:
    """Whether a warm process listens at ``address``."""
    if not address:
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as probe:
        try:
            probe.connect(address)
        except OSError:
            return False
    return True


def preload_steps():
    """The steps of the preload: WeasyPrint's long import while no job can come yet, then what check_sheet (every
    build's first job) needs: between two steps, the warm process starts the jobs that came meanwhile, with what it
    has loaded (a job loads what is missing)."""
    from babel import Locale

    from factsheet import paths
    from factsheet.render.formatting import babel_locale

    sys.modules.setdefault("hypothesis", None)
    for module in [*WEASYPRINT, *CHECK_LIBRARIES, FIRST_STAGE]:
        yield functools.partial(importlib.import_module, module)
    from factsheet.model import checked
    from factsheet.model.contributions import load_validation
    from factsheet.render.brand import load_brand, printable

    # What the stages load on their first use, one step each, once for all of them (a broken brand file or
    # template is left to the stage that reads it to report).
    yield load_validation  # pandera's backends, registered on the first validation
    for labels in sorted(paths.LABELS_DIR.glob("*.yaml")):  # CLDR's data of each language the labels print in
        yield functools.partial(_quietly, lambda language: Locale.parse(babel_locale(language)).number_symbols,
                                labels.stem)
    yield functools.partial(_quietly, lambda: printable(load_brand()))  # the characters the brand's fonts print
    for module in [*LIBRARIES, *stage_modules(), "factsheet.workflow.job"]:
        yield functools.partial(importlib.import_module, module)
    from factsheet.render import page
    from factsheet.web import pages

    yield checked.schema_validator  # the checked sheet's schema, which every stage after check_sheet reads with
    for environment in (page.templates(), pages.templates()):  # compiled once (again if a file changes)
        for name in environment.list_templates(extensions=["j2"]):
            yield functools.partial(_quietly, environment.get_template, name)
    yield warm_up_weasyprint


def _quietly(load, *arguments) -> None:
    with contextlib.suppress(Exception):
        load(*arguments)


def warm_up_weasyprint() -> None:
    """Lay out and write a line of text once. WeasyPrint's C bindings (cffi) parse each C type they meet on its
    first use, about 0.1 s of a render job's time, once a process: here, once a build."""
    import io

    from weasyprint import HTML

    HTML(string="<p>Warm-up <b>text</b></p>").render().write_pdf(io.BytesIO(), pdf_variant="pdf/ua-1")


class _Job:
    def __init__(self, connection: socket.socket, pid: int):
        self.connection, self.pid, self.pidfd = connection, pid, os.pidfd_open(pid)


def serve(address: Path, listening: int) -> None:
    """Import, then fork a child for each job that connects to ``listening`` (the socket at ``address``, which
    start() made), until the process that started this one ends."""
    from factsheet.workflow.recovery import end_with_parent

    end_with_parent(before=lambda: _end(address))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build; this process ends with it
    listener = socket.socket(fileno=listening)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    try:
        gc.disable()
        for step in preload_steps():
            step()
            _handle(selector, listener, timeout=0)
        gc.freeze()
        gc.enable()  # for the warm process itself, which lives as long as the build
        while True:
            _handle(selector, listener)
    finally:
        shutil.rmtree(address.parent, ignore_errors=True)


def _end(address: Path) -> None:
    """On the way out (the process that started this one has ended): kill the jobs still running and remove the
    socket's folder. Each job also has the kernel's parent-death signal, but a fork gets it only once it runs,
    and one stopped (SIGSTOP) before that would otherwise outlive the build, holding its command's connection."""
    for pid in list(_children):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(address.parent, ignore_errors=True)


def _handle(selector: selectors.BaseSelector, listener: socket.socket, timeout: float | None = None) -> None:
    """Wait for events (at most ``timeout`` seconds): fork a job that came, send a job's status to its command
    when it ends, stop a job whose command was stopped."""
    for key, _ in selector.select(timeout):
        if key.fileobj is listener:
            job = _fork(listener, selector)
            if job:
                selector.register(job.pidfd, selectors.EVENT_READ, ("ended", job))
                selector.register(job.connection, selectors.EVENT_READ, ("gone", job))
            continue
        event, job = key.data
        if event == "ended":  # the child ended: its status to the command
            selector.unregister(job.pidfd)
            os.close(job.pidfd)
            _children.discard(job.pid)
            status = os.waitstatus_to_exitcode(os.waitpid(job.pid, 0)[1])
            if job.connection is not None:  # (a child that ended normally has sent it already)
                with contextlib.suppress(OSError):
                    job.connection.send(status.to_bytes(4, "big", signed=True))
                selector.unregister(job.connection)
                job.connection.close()
                job.connection = None
        elif job.connection is not None:  # the command went away: it has its status, or was stopped (so is the job)
            selector.unregister(job.connection)
            job.connection.close()
            job.connection = None
            with contextlib.suppress(ProcessLookupError):  # not reaped yet (its connection would be None)
                os.kill(job.pid, signal.SIGTERM)


def _fork(listener: socket.socket, selector: selectors.BaseSelector) -> _Job | None:
    """Accept a job and fork its child; None if the command went away meanwhile."""
    connection, _ = listener.accept()
    try:
        request, fds, _, _ = socket.recv_fds(connection, MAX_REQUEST, 1)
    except OSError:
        request, fds = b"", []
    if not request or len(fds) != 1:
        for fd in fds:
            os.close(fd)
        connection.close()
        return None
    pid = os.fork()
    if pid == 0:
        _child(request, fds[0], [listener, connection, selector])
    _children.add(pid)
    os.close(fds[0])
    return _Job(connection, pid)


def _child(request: bytes, log: int, inherited: list) -> None:
    """In the forked child: run the job with its output going to its log, in its folder and environment (the
    pipeline's settings, FACTSHEET_DEBUG say, are the job's, not the warm process's); exit with its status.
    ``inherited``: the warm process's listener, this job's connection and the selector of every other job's
    connection; all but its own connection closed first. The child sends its status to its command itself, as
    the last thing it does: the warm process may be busy importing a step when a job ends (a tenth of a second
    and more), and the build's next jobs wait for that status. The warm process sends it too when the child
    ended otherwise (killed); the command reads the first. ``request``: the job, as job.py writes it (read here,
    so that one the child cannot read ends the child, never the warm process)."""
    status = 70  # EX_SOFTWARE: the job could not even start
    listener, connection, selector = inherited
    try:
        job = ast.literal_eval(request.decode())
        for key in list(selector.get_map().values()):
            if key.fileobj is not listener:
                os.close(key.fd)
        selector.close()
        listener.close()
        gc.disable()  # a job is short: what it allocates is freed when it ends
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115 - the process's own
        sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
        os.chdir(job["cwd"])
        os.environ.clear()
        os.environ.update(job["env"])
        from factsheet.workflow.job import run_here

        status = run_here(job["module"], job["argv"])
    finally:
        # Whatever happens here, the child ends here and never returns into the warm process's loop: a stop
        # signal now (the warm process stops a job whose command has gone, and the command goes as soon as it
        # has the status) would raise SystemExit out of a stage's handler.
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
            sys.stdout.flush()
            sys.stderr.flush()
            connection.send(status.to_bytes(4, "big", signed=True))
        finally:
            os._exit(status)


def compile_modules() -> None:
    """Compile the package's modules to bytecode where it is missing or out of date, as pip does for the
    installed packages (this one is installed in place). Python compiles a module on import anyway, but where
    PYTHONDONTWRITEBYTECODE is set it keeps nothing, so every process of every build would compile them again.
    Quiet; a folder that cannot be written is left as it is."""
    import compileall

    compileall.compile_dir(Path(__file__).parents[1], quiet=2)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
