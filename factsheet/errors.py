"""Problems in input data, reported one line each, every problem at once."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place of one file."""

    file: str
    where: str  # "row 4, column amount_usd", "key contact.email", "line 3"
    message: str  # what is wrong and what was expected, in plain language

    def __str__(self) -> str:
        place = f"{self.file}, {self.where}" if self.where else self.file
        return f"{place}: {self.message}"


class DataError(Exception):
    """Raised with every problem found in the input, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# Problems printed for one file; past this, one line counts the rest (a table of 10,000 wrong rows would
# otherwise print 30,000 lines, which no one reads; FACTSHEET_DEBUG=1 prints them all).
SHOWN_PER_FILE = 30


def shown_lines(problems: list[Problem], debug: bool = False) -> list[str]:
    """The lines a user sees for ``problems``: every problem, or the first SHOWN_PER_FILE of each file and a
    line counting the rest of that file's."""
    lines, counts = [], {}
    for problem in problems:
        counts[problem.file] = counts.get(problem.file, 0) + 1
        if debug or counts[problem.file] <= SHOWN_PER_FILE:
            lines.append(f"error: {problem}")
    for file, count in counts.items():
        if not debug and count > SHOWN_PER_FILE:
            lines.append(f"error: {file}: {count - SHOWN_PER_FILE:,} more problems of this file, like those above "
                         f"({count:,} in all); fix those first, or run with FACTSHEET_DEBUG=1 to see every one")
    return lines


def display_path(path: str | Path) -> str:
    """A path as the user knows it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_stage(main, *args, **kwargs) -> None:
    """Run a stage; on bad input print one line per problem and exit 1, on an internal error print its
    traceback (which goes to the job's log; with FACTSHEET_DEBUG=1 the build shows it too) and one line naming it,
    and exit 2."""
    _run(main, args, kwargs, traceback_logged=True)


def run_command(main, *args, **kwargs) -> None:
    """Run a command typed in a terminal (make translation-in), which has no log: as run_stage, but an internal
    error is one line too, its traceback printed only with FACTSHEET_DEBUG=1."""
    _run(main, args, kwargs, traceback_logged=False)


def _run(main, args, kwargs, traceback_logged: bool) -> None:
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    signal.signal(signal.SIGINT, exit_on_sigterm)
    debug = bool(os.environ.get("FACTSHEET_DEBUG"))
    try:
        main(*args, **kwargs)
    except DataError as err:
        if debug:
            traceback.print_exc()
        print("\n".join(shown_lines(err.problems, debug)), file=sys.stderr, flush=True)
        sys.exit(1)
    except Exception as err:  # noqa: BLE001 - the traceback to the job's log, then one line for the user
        if traceback_logged or debug:
            traceback.print_exc()
        name = Path(sys.modules[main.__module__].__file__ or main.__module__).stem
        where = "its traceback is in its log (FACTSHEET_DEBUG=1 shows it here)" if traceback_logged else \
            "FACTSHEET_DEBUG=1 shows its traceback"
        print(f"error: the {name} {'stage' if traceback_logged else 'command'} failed unexpectedly "
              f"({type(err).__name__}: {err}); {where}", file=sys.stderr, flush=True)
        sys.exit(2)


def exit_on_sigterm(signum, frame):
    """Turn SIGTERM into SystemExit so that temporary files are removed on the way out."""
    sys.exit(128 + signum)
