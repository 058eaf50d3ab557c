"""Snakemake's own command line, in a process that starts the stages' warm process first (what `make` runs).

    python -m factsheet.snakemake_process [SNAKEMAKE ARGUMENTS...]     (scripts/ on PYTHONPATH)

It is ``python -m snakemake`` with two differences, both outside Snakemake:

- The forkserver (factsheet.stages) starts before Snakemake is imported, so the libraries are imported while
  Snakemake starts, reads the Snakefile and plans; the first job does not wait for them after the planning.
- The process ends as soon as Snakemake's ``main()`` has returned: by then Snakemake has written its records,
  released its lock and stopped its logging. Left to itself the interpreter would wait about a second more
  for the timer thread that Snakemake's job rate limiter (``--max-jobs-per-timespan``) starts after each
  round of scheduling, which only wakes the scheduler that has ended.
"""

import logging
import os
import sys


def main(argv: list[str]) -> int:
    """Run Snakemake's command line on ``argv``; its exit status."""
    from factsheet import stages

    stages.start_early()
    from snakemake.cli import main as snakemake

    try:
        snakemake(argv)
    except SystemExit as end:
        return end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
