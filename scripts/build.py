"""Build the fact sheets with Snakemake and end with one summary line (what `make` runs).

Usage: python scripts/build.py [--cores N] [SNAKEMAKE ARGUMENTS...]

Snakemake reports through the pipeline's logger plugin (scripts/snakemake_logger_plugin_factsheet):
progress and one-line messages. FACTSHEET_DEBUG=1 shows Snakemake's own output, tracebacks included.
One build runs at a time; a build that was killed is recovered from by the next
one (scripts/factsheet/recovery.py), and none of its processes outlives it. Ctrl-C, SIGTERM or SIGHUP stop
the build cleanly: nothing half-written is kept, and `make` again finishes the work.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from factsheet import recovery, stages
from factsheet.editions import find_sheets, sheet_languages

ROOT = Path(__file__).resolve().parents[1]

def settings(extra: list[str] = ()) -> dict:
    """config/config.yaml, with the ``--config key=value`` overrides of the command line (as Snakemake reads
    them: each value YAML)."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    overriding = False
    for word in extra:
        if word.startswith("-"):
            overriding = word == "--config"
        elif overriding and "=" in word:
            key, _, value = word.partition("=")
            config[key] = yaml.safe_load(value)
    return config


def prepare(out: Path, env: dict) -> None:
    """Recover from a build that was stopped outright: its processes still ending, its stale lock, and
    generated files it damaged."""
    if recovery.end_stopped_build(out):
        print("Processes of a build that was stopped were still running; stopped them.", flush=True)
    if recovery.clear_stale_lock(ROOT, env):
        print("A build that was stopped before it finished left its lock behind; removed it.", flush=True)
    for path in recovery.remove_damaged(out):
        print(f"{os.path.relpath(path, Path.cwd())} was damaged (empty or cut short); it is made again.",
              flush=True)


def unwritable_message(folder: Path, why: str) -> str:
    """The line that names an output folder the build cannot write, and why."""
    return (f"error: {os.path.relpath(folder, Path.cwd())}/: the build cannot write this folder ({why}); expected "
            "a folder it can write: make it writable (or set output_dir in config/config.yaml to another folder), "
            "then run make again.")


class Snakemake:
    """Runs Snakemake's command line, shows what it says, and stops it on Ctrl-C, SIGTERM or SIGHUP."""

    def __init__(self, env: dict, debug: bool):
        self.env, self.debug = env, debug
        self.process: subprocess.Popen | None = None
        self.stopped: list[int] = []
        self.shown: set[str] = set()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.stop)

    def stop(self, signum, frame) -> None:
        self.stopped.append(signum)
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):  # twice: at once
                os.killpg(self.process.pid, signal.SIGINT if len(self.stopped) == 1 else signal.SIGKILL)

    def run(self, arguments: list[str]) -> int:
        """Snakemake's exit status on ``arguments`` (after those of the build)."""
        if self.stopped:
            return 128 + self.stopped[0]
        command = [sys.executable, "-m", "factsheet.snakemake_process",  # profiles/default
                   *([] if self.debug else ["--logger", "factsheet"]), *arguments]
        build = os.getpid()
        # Snakemake runs in a process group of its own: a signal to the build's group (Ctrl-C, `timeout`, a
        # scheduler) reaches it once, as SIGINT, from here. Its own SIGTERM handler can deadlock on its
        # scheduler's lock, and a second signal interrupts its clean-up with a traceback. Should this process
        # be killed outright, Snakemake is killed too (and its warm process and jobs with it): a Snakemake
        # cleaning up after its build command is gone would write into the next build.
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=self.env, start_new_session=True,
                                        preexec_fn=lambda: recovery.die_with_parent(build))
        for line in self.process.stdout:
            if self.stopped and not self.debug:
                continue  # what the stopped jobs say now is not news
            print(line, end="", flush=True)
            self.shown.add(line.strip())
        return self.process.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", default="all")
    args, extra = parser.parse_known_args(argv)
    debug = bool(os.environ.get("FACTSHEET_DEBUG"))
    config = settings(extra)
    out = ROOT / config.get("output_dir", "output")
    unwritable = recovery.unwritable(out, [out / "site"] if config.get("site") else [])
    if unwritable:
        print(unwritable_message(*unwritable), file=sys.stderr)
        return 1
    try:
        lock = recovery.BuildLock(out)
    except recovery.BuildRunning as running:
        holder = f" (process {running})" if str(running) else ""
        print(f"Another build is running in this folder{holder}; wait for it to finish, or stop it, "
              "then run make again.", file=sys.stderr)
        return 1
    except OSError as err:  # a folder that cannot be written after all
        print(unwritable_message(out, err.strerror.lower()), file=sys.stderr)
        return 1
    other = recovery.snakemake_running_in(ROOT)
    if other:
        print(f"Snakemake is running in this folder (process {other}); wait for it to finish, or stop it, "
              "then run make again.", file=sys.stderr)
        return 1
    env = {**os.environ, "PYTHONUNBUFFERED": "1", recovery.BUILD_VARIABLE: str(out.resolve())}
    prepare(out, env)
    stages.compile_modules()
    # Folders that do not fit the naming rule: the Snakefile names and skips them; the build then fails.
    found, bad_folders = find_sheets(ROOT / config.get("data_dir", "data"))
    if config.get("sheets"):
        found, bad_folders = [tuple(Path(s).parts) for s in config["sheets"]], []
    data = ROOT / config.get("data_dir", "data")
    current = [out / f"{subject}-{edition}-{language}.pdf" for subject, edition in found  # not a removed sheet's
               for language in sheet_languages(data / subject / edition)                  # PDF: one per language
               if not config.get("languages") or language in config["languages"]]
    before = {p: p.stat().st_mtime_ns for p in current if p.exists()}
    # Snakemake's command line, in a process that starts the stages' warm process first
    snakemake = Snakemake(stages.snakemake_environment(env), debug)
    start = time.monotonic()
    try:
        status = snakemake.run(["--cores", args.cores, *extra])
        if status != 0 and not snakemake.stopped:  # every job's messages are also in its log: none unseen
            started = time.time() - (time.monotonic() - start) - 1
            for log in sorted((out / "logs").rglob("*.log")):
                if log.stat().st_mtime >= started:
                    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                    for line in (line for line in lines if line.startswith("error: ")):
                        if line.strip() not in snakemake.shown:
                            print(line, flush=True)
                            snakemake.shown.add(line.strip())
    finally:
        lock.release()
    if snakemake.stopped:
        print("Interrupted: run make again to finish; nothing half-written is kept.", file=sys.stderr)
        return 128 + snakemake.stopped[0]
    seconds = time.monotonic() - start
    pdfs = [p for p in current if p.exists()]
    built = [p for p in pdfs if before.get(p) != p.stat().st_mtime_ns]
    shown = os.path.relpath(out, Path.cwd())
    sheets = f"{len(built)} fact sheet{'' if len(built) == 1 else 's'}"
    if status == 0 and bad_folders:
        print(f"Built {sheets} in {seconds:.1f} s; the PDFs are in {shown}/. {len(bad_folders)} folder"
              f"{' was' if len(bad_folders) == 1 else 's were'} skipped (named above): rename "
              f"{'it' if len(bad_folders) == 1 else 'them'} and run make again.", file=sys.stderr)
        return 1
    if status == 0:
        print(f"Built {sheets} in {seconds:.1f} s; the PDFs are in {shown}/"
              + ("" if built else f" (all {len(pdfs)} were up to date)"))
    else:
        print(f"The build stopped on the problems above after {seconds:.1f} s. Built {sheets}; no PDF was "
              "written for a sheet with a problem. Fix them and run make again.", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
