"""What lets the next `make` recover by itself from a build that was killed, lost its power or timed out.

- One build at a time per output folder: the build holds an OS lock on ``<output>/.build.lock``, which the
  kernel releases when the process ends however it ends (``kill -9`` included).
- Holding that lock, with no Snakemake process left in the project folder, a lock Snakemake left behind is
  stale: it is removed with Snakemake's own ``--unlock``.
- A generated file that is damaged (empty, or cut short) is removed, so that Snakemake makes it again.
- No process of a build outlives it: Snakemake's process, the warm process and every job it forks end when
  the process that started them ends, however it ends (the kernel's parent-death signal, and the warm
  process watching its parent, then killing its jobs). A stopped build's processes that still run are waited
  for (and stopped after a few seconds) before the next build starts, so that none of them writes into it.
- A folder the build cannot write (a read-only mount, say) is named on one line before anything starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BUILD_LOCK = ".build.lock"
# Snakemake's own record of the folders a running build holds (read only to know whether to --unlock).
SNAKEMAKE_LOCKS = Path(".snakemake") / "locks"
# Set by the build command for every process it starts (they inherit it): the output folder it builds.
BUILD_VARIABLE = "FACTSHEET_BUILD"
# Set by a process that starts a warm process: its own id, which the warm process watches.
WARM_PARENT_VARIABLE = "FACTSHEET_WARM_PARENT"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class BuildRunning(Exception):
    """Another build holds the output folder: the process id that holds it, when known."""


class BuildLock:
    """An exclusive lock on the output folder for the life of this process (released by the kernel at exit)."""

    def __init__(self, out_dir: Path):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / BUILD_LOCK
        self.handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip()
            self.handle.close()
            raise BuildRunning(holder) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()}\n")
        self.handle.flush()

    def release(self) -> None:
        self.handle.close()


def snakemake_running_in(folder: Path) -> int | None:
    """The process id of a Snakemake working in ``folder`` (started by hand, say), if there is one."""
    import psutil

    folder = folder.resolve()
    for process in psutil.process_iter(["pid", "cmdline", "cwd"]):
        info = process.info
        if info["pid"] == os.getpid() or not info["cmdline"] or not info["cwd"]:
            continue
        if any(Path(arg).name == "snakemake" or arg == "snakemake" for arg in info["cmdline"][:3]) \
                and Path(info["cwd"]) == folder:
            return info["pid"]
    return None


def clear_stale_lock(folder: Path, env: dict) -> bool:
    """Remove the lock a stopped build left (call only while holding the BuildLock); True if there was one."""
    locks = folder / SNAKEMAKE_LOCKS
    if not locks.is_dir() or not any(locks.iterdir()):
        return False
    parent = os.getpid()
    subprocess.run([sys.executable, "-m", "snakemake", "--unlock", "--quiet", "all"], cwd=folder, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   preexec_fn=lambda: die_with_parent(parent))
    return True


def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """In a new child of ``parent``: have the kernel send it ``signum`` when the parent's thread that started
    it ends; at once if the parent has already ended. (A child can outlive a killed parent otherwise: one
    in a process group of its own, or stuck on a read, keeps running with nobody to stop it.)"""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)


def end_with_parent(poll: float = 0.1, before=None) -> None:
    """In the warm process: end within ``poll`` seconds of the process that started it (which may have
    started it from a thread that is gone since: the kernel's parent-death signal is not enough), calling
    ``before()`` first, and have every job it forks end with it."""
    parent = int(os.environ.get(WARM_PARENT_VARIABLE) or os.getppid())

    def watch():
        while os.getppid() == parent:
            time.sleep(poll)
        with contextlib.suppress(Exception):
            if before:
                before()
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    forking = [os.getpid()]  # the process that forks, recorded in it; the child reads its own copy
    os.register_at_fork(before=lambda: forking.__setitem__(0, os.getpid()),
                        after_in_child=lambda: die_with_parent(forking[0]))


def build_processes(out_dir: Path) -> list:
    """The processes started by a build of ``out_dir`` that still run (psutil.Process; not this one)."""
    import psutil

    wanted = str(out_dir.resolve())
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.environ().get(BUILD_VARIABLE) == wanted and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def end_stopped_build(out_dir: Path, grace: float = 5.0) -> list:
    """Wait for the processes of a stopped build of ``out_dir`` to end (call only while holding the
    BuildLock: no build of it runs), killing those still running after ``grace`` seconds; those killed."""
    import psutil

    left = build_processes(out_dir)
    if not left:
        return []
    _, alive = psutil.wait_procs(left, timeout=grace)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=grace)
    return alive


def unwritable(out_dir: Path, also: list[Path] = ()) -> tuple[Path, str] | None:
    """The first folder of the output that the build cannot write, and why: ``out_dir`` (or, while it does
    not exist, the folder it would be made in), ``also`` and the folders directly inside them."""
    folder = out_dir
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    folders = [folder, *(f for f in also if f.is_dir())]
    folders += [child for f in list(folders) if f.is_dir() for child in sorted(f.iterdir())
                if child.is_dir() and not child.is_symlink()]
    for folder in folders:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return folder, "it lies on a read-only file system"
        if not os.access(folder, os.W_OK):
            return folder, "it is not writable"
    return None


def _whole_font(head: bytes, tail: bytes, size: int) -> bool:
    return size >= 12 and head[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOF2")


def _whole_pdf(head: bytes, tail: bytes, size: int) -> bool:
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def _whole_svg(head: bytes, tail: bytes, size: int) -> bool:
    return tail.rstrip().endswith(b"</svg>")


def _whole_html(head: bytes, tail: bytes, size: int) -> bool:
    return tail.rstrip().endswith(b"</html>")


def _not_empty(head: bytes, tail: bytes, size: int) -> bool:
    return size > 0


WHOLE = {".ttf": _whole_font, ".otf": _whole_font, ".pdf": _whole_pdf, ".svg": _whole_svg, ".html": _whole_html,
         ".csv": _not_empty, ".json": _not_empty, ".md": _not_empty, ".mplstyle": _not_empty}


def remove_damaged(out_dir: Path) -> list[Path]:
    """Remove every generated file under ``out_dir`` that is empty or cut short; return them.

    Outputs are written to a temporary file and renamed when whole, so a damaged one was damaged after the
    build (a full disk, a copy cut short, a hand edit)."""
    removed = []
    for path in sorted(out_dir.rglob("*")) if out_dir.is_dir() else []:
        check = WHOLE.get(path.suffix)
        if check is None or path.name.startswith(".") or not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(16)
            handle.seek(max(0, size - 1024))
            tail = handle.read()
        if not check(head, tail, size):
            path.unlink()
            removed.append(path)
    return removed
