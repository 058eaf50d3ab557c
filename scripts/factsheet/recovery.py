"""What lets the next `make` recover by itself from a build that was killed, lost its power or timed out.

- One build at a time per output folder: the build holds an OS lock on ``<output>/.build.lock``, which the
  kernel releases when the process ends however it ends (``kill -9`` included).
- Holding that lock, with no Snakemake process left in the project folder, a lock Snakemake left behind is
  stale: it is removed with Snakemake's own ``--unlock``.
- A generated file that is damaged (empty, or cut short) is removed, so that Snakemake makes it again.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

BUILD_LOCK = ".build.lock"
# Snakemake's own record of the folders a running build holds (read only to know whether to --unlock).
SNAKEMAKE_LOCKS = Path(".snakemake") / "locks"


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
    subprocess.run([sys.executable, "-m", "snakemake", "--unlock", "--quiet", "all"], cwd=folder, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return True


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
