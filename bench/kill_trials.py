"""Kill trials: `kill -9` of a whole default build at a random moment, then `make` again, N times (`make
kill-trials`; TRIALS=N, SEED=S).

In a temporary copy of the checkout (its sources and data), a clean build gives the reference: the bytes of
every file under output/ but the logs. Each trial then clears the outputs and Snakemake's records, starts the
build command as `make` does (every sheet, the web edition), kills it with SIGKILL after a random time
(seeded, printed) shorter than the clean build's, or two steps before its end if that comes first;
alternately its whole process group (as a CI runner does) and the build command alone; and at once runs the
build command again. A trial passes when every process of the killed build has ended within MAX_LINGER
seconds of the kill, the second build succeeds, its outputs are byte for byte the reference's, and no process
of either build is left once it has ended. Should they differ, a new clean build decides: if it equals the
recovered outputs, the environment changed meanwhile (on a shared machine), and it becomes the reference.
Prints a line per trial and `N passed, M failed`; exits non-zero on any failure.
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from factsheet.workflow.recovery import build_processes
from tests.conftest import copy_checkout  # a fresh clone's files, as the tests copy them

ROOT = Path(__file__).resolve().parents[1]

IGNORED = ("logs/", ".build.lock")  # what a build writes that is not an output
MAX_LINGER = 2.0  # seconds a process of a killed build may take to end


def outputs_digest(out: Path) -> dict[str, str]:
    """SHA-256 of every output file, by path relative to ``out``."""
    found = {}
    for path in sorted(out.rglob("*")):
        name = str(path.relative_to(out))
        if path.is_file() and not name.startswith(IGNORED):
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def build_command(cores: str) -> list[str]:
    return [sys.executable, "-m", "factsheet.commands.build", "--cores", cores]


def clean_build(workdir: Path, cores: str) -> tuple[float, int, str]:
    """Build from nothing; (seconds, its steps, what went wrong or "")."""
    shutil.rmtree(workdir / "output", ignore_errors=True)
    shutil.rmtree(workdir / ".snakemake", ignore_errors=True)
    start = time.monotonic()
    done = subprocess.run(build_command(cores), cwd=workdir, capture_output=True, text=True, timeout=3600)
    steps = max((int(m[1]) for m in re.finditer(r"^\d+ of (\d+) steps", done.stdout, re.M)), default=0)
    return time.monotonic() - start, steps, "" if done.returncode == 0 else (done.stdout + done.stderr)[-2000:]


class Progress:
    """The last step a running build reported ("7 of 40 steps (17%) done"), read in a thread of its own."""

    def __init__(self, build: subprocess.Popen):
        self.step = 0
        self.reader = threading.Thread(target=self._read, args=(build.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            if found := re.match(r"(\d+) of \d+ steps", line):
                self.step = int(found[1])


def differing(reference: dict[str, str], digest: dict[str, str]) -> list[str]:
    return sorted(name for name in reference.keys() | digest.keys() if reference.get(name) != digest.get(name))


def lingering(out: Path, patience: float) -> list[psutil.Process]:
    """The processes of a build of ``out`` still running after up to ``patience`` seconds."""
    deadline = time.monotonic() + patience
    while (left := build_processes(out)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def still_running(processes: list[psutil.Process], deadline: float) -> list[psutil.Process]:
    """Those of ``processes`` that still run at ``deadline`` (time.monotonic()); an ended one waiting to be
    reaped by its parent has ended."""
    def running(process):
        try:
            return process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    while (left := [p for p in processes if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def trial(workdir: Path, cores: str, after: float, last_step: int, group: bool,
          reference: dict[str, str]) -> tuple[bool, str]:
    """One kill, ``after`` seconds or at ``last_step`` (whichever comes first: a build on a machine less busy
    than for the clean build is quicker), and the recovery; (passed, what happened)."""
    out = workdir / "output"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(workdir / ".snakemake", ignore_errors=True)
    build = subprocess.Popen(build_command(cores), cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, process_group=0)
    command = psutil.Process(build.pid)
    progress = Progress(build)
    start = time.monotonic()
    while time.monotonic() - start < after and progress.step < last_step and build.poll() is None:
        time.sleep(0.01)
    if build.poll() is not None:
        return False, f"the build ended before the kill ({build.returncode})"
    when = f"killed after {time.monotonic() - start:.2f} s, at step {progress.step}"
    family = [command, *command.children(recursive=True)]
    if group:
        os.killpg(build.pid, signal.SIGKILL)
    else:
        build.kill()
    killed = time.monotonic()
    build.wait()
    progress.reader.join()
    build.stdout.close()
    # at once, as someone running make again would
    again = subprocess.Popen(build_command(cores), cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    alive = still_running(family, killed + MAX_LINGER)
    linger = time.monotonic() - killed
    said, _ = again.communicate(timeout=3600)
    problems = []
    if alive:
        problems.append(f"{len(alive)} process(es) of the killed build still ran {MAX_LINGER} s after the kill: "
                        + ", ".join(f"{p.pid} {' '.join(p.cmdline()[:3])}" for p in alive if p.is_running()))
        for process in alive:
            process.kill()
    left = lingering(out, MAX_LINGER)
    if left:
        problems.append(f"{len(left)} process(es) left after make again ended: "
                        + ", ".join(str(p.pid) for p in left))
        for process in left:
            process.kill()
    if again.returncode != 0:
        problems.append(f"make again failed ({again.returncode}): {said.strip()[-1500:]}")
    elif differ := differing(reference, outputs_digest(out)):
        after_recovery = outputs_digest(out)
        # A clean build made now tells a recovery that went wrong from an environment that changed meanwhile
        # (a package or font installed beside the build on a shared machine): then it is the reference.
        _, _, failed = clean_build(workdir, cores)
        if failed or differing(after_recovery, now := outputs_digest(out)):
            problems.append(f"{len(differ)} output(s) differ from the clean build's: {', '.join(differ)}")
        else:
            print(f"  the clean build itself changed since the first ({', '.join(differ)}): compared with a new one",
                  flush=True)
            reference.clear()
            reference.update(now)
    recovered = said.count("\n")
    return not problems, f"{when}; " + ("; ".join(problems) or f"all processes gone {linger:.1f} s after the "
                                        f"kill, make again said {recovered} lines, outputs identical")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=int(os.environ.get("TRIALS", "20")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "0")) or None)
    parser.add_argument("--cores", default="all")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1, 10**6)
    chance = random.Random(seed)
    print(f"seed {seed} (run again with --seed {seed}), {args.trials} trials", flush=True)
    with tempfile.TemporaryDirectory(prefix="kill-trials-") as tmp:
        workdir = copy_checkout(Path(tmp) / "checkout")
        seconds, steps, failed = clean_build(workdir, args.cores)
        if failed:
            print(f"the clean build failed:\n{failed}")
            return 1
        reference = outputs_digest(workdir / "output")
        print(f"clean build: {seconds:.1f} s, {steps} steps, {len(reference)} output files", flush=True)
        passed = 0
        for number in range(1, args.trials + 1):
            after = round(chance.uniform(0.5, 0.9 * seconds), 2)
            group = number % 2 == 1
            start = time.monotonic()
            ok, said = trial(workdir, args.cores, after, steps - 2, group, reference)
            passed += ok
            who = "the build's process group" if group else "the build command alone"
            print(f"trial {number} ({who}, {after:.2f} s at most): {said}; trial {time.monotonic() - start:.1f} s: "
                  f"{'passed' if ok else 'FAILED'}", flush=True)
    print(f"{passed} passed, {args.trials - passed} failed")
    return 0 if passed == args.trials else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
