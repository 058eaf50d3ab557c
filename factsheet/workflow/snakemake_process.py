"""Snakemake's own command line, in a process that starts the stages' warm process first (what `make` runs).

    python -m factsheet.workflow.snakemake_process [SNAKEMAKE ARGUMENTS...]

It is ``python -m snakemake`` with three differences, all outside Snakemake:

- The warm process (factsheet.workflow.warm) starts before Snakemake is imported, so the libraries are imported while
  Snakemake starts, reads the Snakefile and plans; the first job does not wait for them after the planning.
- Snakemake's job rate limiter is given a day as its timespan (``--max-jobs-per-timespan``, a documented
  option, before the caller's own arguments, which may still set it). The limiter starts a timer thread
  after each round of scheduling, and each timer that fires wakes the scheduler for one more round, which
  starts one more timer: with the default of one second, every finished job adds a round per second until
  the build ends (300 threads and a third of a core by the 700th job of 1000). With a day, no timer fires
  during a build, and a million jobs a day limit nothing. (The limiter's wake-ups are discussed upstream in
  snakemake/snakemake#3744.)
- The process ends as soon as Snakemake's ``main()`` has returned: by then Snakemake has written its
  records, released its lock and stopped its logging, and only those sleeping timers are left, which would
  keep the interpreter waiting.
"""

import logging
import os
import sys

RATE_LIMIT = ["--max-jobs-per-timespan", "1000000/1d"]


def main(argv: list[str]) -> int:
    """Run Snakemake's command line on ``argv``; its exit status."""
    from factsheet.workflow import warm

    warm.start()
    from snakemake.cli import main as snakemake

    try:
        snakemake([*RATE_LIMIT, *argv])
    except SystemExit as end:
        return end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
