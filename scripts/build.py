"""Build the fact sheets with Snakemake and end with one summary line (what `make` runs).

Usage: python scripts/build.py [--cores N] [SNAKEMAKE ARGUMENTS...]

Snakemake's own chatter is filtered down to progress and the pipeline's
one-line error messages. FACTSHEET_DEBUG=1 shows everything, tracebacks included.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from factsheet import workers

ROOT = Path(__file__).resolve().parents[1]

# Lines of Snakemake's output that say nothing a fact sheet editor can act on.
NOISE = re.compile(
    r"^(Assuming unrestricted shared filesystem|Building DAG of jobs|Using shell:|Provided cores:|Rules claiming"
    r"|Conda environments: ignored|Select jobs to execute|Execute \d+ jobs|Job stats:|job\s+count|-+\s+-+"
    r"|\w+\s+\d+$|\[\w{3} \w{3} +\d+ [\d:]+ \d{4}\]$|localrule \w+:|rule \w+:|Finished jobid|RuleException:"
    r"|CalledProcessError in file|Command 'set -euo pipefail|Exiting because a job execution failed"
    r"|Complete log\(s\):|Elapsed time:|WorkflowError:|At least one job did not complete|Shutting down"
    r"|Removing output files of failed job|Will exit after finishing currently running jobs|Trying to restart"
    r"|Error in rule \w+:|Nothing to be done|host:|Job \d+ completed successfully|Reasons:|Some jobs were triggered"
    r"|Using workflow specific profile|StageFailed in file|\w+ stopped$|File \".*\", line \d+, in )"
)
DETAIL = re.compile(r"^\s+(message|jobid|input|output|log|wildcards|resources|reason|shell|conda-env|threads"
                    r"|benchmark|params|\(check log)|^\s+[\w-]+ \(.*\)$")


def output_dir() -> Path:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    return ROOT / config.get("output_dir", "output")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", default="all")
    args, extra = parser.parse_known_args(argv)
    debug = bool(os.environ.get("FACTSHEET_DEBUG"))
    out = output_dir()
    before = {p: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    command = [sys.executable, "-m", "snakemake", "--cores", args.cores,  # settings: profiles/default
               *([] if debug else ["--quiet", "rules", "host", "reason"]), *extra]
    start = time.monotonic()
    # The stage server imports the libraries while Snakemake starts and plans (scripts/factsheet/workers.py).
    server = workers.start(out / "logs" / "workers.log")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    # Stopped from outside (CI, a job scheduler): stop as on Ctrl-C. Snakemake's own SIGTERM handler
    # can deadlock on its scheduler's lock, and SIGINT cleans up the same (incomplete outputs removed).
    signal.signal(signal.SIGTERM, lambda *_: process.send_signal(signal.SIGINT))
    shown: set[str] = set()
    try:
        for line in process.stdout:
            if debug or not (NOISE.match(line.strip()) or DETAIL.match(line.rstrip())) and line.strip():
                print(line, end="", flush=True)
                shown.add(line.strip())
        status = process.wait()
    except KeyboardInterrupt:
        process.wait()
        print("Interrupted: run make again to finish; nothing half-written is kept.", file=sys.stderr)
        return 130
    finally:
        server.stop()
    seconds = time.monotonic() - start
    if status != 0:  # every job's messages are also in its log: make sure none went unseen
        started = time.time() - seconds - 1
        for log in sorted((out / "logs").rglob("*.log")):
            if log.stat().st_mtime >= started:
                for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                    if line.startswith("error: ") and line.strip() not in shown:
                        print(line, flush=True)
                        shown.add(line.strip())
    pdfs = sorted(out.glob("*.pdf"))
    built = [p for p in pdfs if before.get(p) != p.stat().st_mtime_ns]
    shown = os.path.relpath(out, Path.cwd())
    sheets = f"{len(built)} fact sheet{'' if len(built) == 1 else 's'}"
    if status == 0:
        print(f"Built {sheets} in {seconds:.1f} s; the PDFs are in {shown}/"
              + ("" if built else f" (all {len(pdfs)} were up to date)"))
    else:
        print(f"The build stopped on the problems above after {seconds:.1f} s. Built {sheets}; no PDF was "
              "written for a sheet with a problem. Fix them and run make again.", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
