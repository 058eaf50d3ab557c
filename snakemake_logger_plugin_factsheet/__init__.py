"""Snakemake logger plugin `factsheet` (`snakemake --logger factsheet`, as `make` runs it): what a fact sheet
editor needs to read of a build, from Snakemake's logging events rather than from the wording of its output.

It prints the progress ("3 of 15 steps (20%) done"), one line for each job that failed (its rule and its
log), and Snakemake's own errors and warnings (a Snakefile or profile problem, say); nothing else. A stage
prints its problems itself, one line each, and writes them to its job's log, so the exception a failed stage
raises in its rule, and the errors that end a build after a failed job, are not repeated. Snakemake finds the
plugin as an importable package named snakemake_logger_plugin_<name> (scripts/ is on the path `make` gives).
"""

import logging
import re
import sys

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

# Events that carry nothing an editor acts on: the stages report their own problems (JOB_ERROR would
# repeat the rule's files), the rest is Snakemake's bookkeeping.
SILENT = {LogEvent.RUN_INFO, LogEvent.WORKFLOW_STARTED, LogEvent.SHELLCMD, LogEvent.JOB_INFO, LogEvent.JOB_STARTED,
          LogEvent.JOB_FINISHED, LogEvent.GROUP_INFO, LogEvent.RESOURCES_INFO, LogEvent.DEBUG_DAG,
          LogEvent.RULEGRAPH}
# The line naming a failed job (the build command reads the logs it names to know which sheets were refused).
JOB_FAILED = "error: {rule} stopped; its log: {logs}"


def failed_job_logs(line: str) -> list[str]:
    """The logs a JOB_FAILED line names (none for another line)."""
    found = re.fullmatch(r"error: \S+ stopped; its log: (.+)", line.strip())
    return [] if not found or found[1] == "none" else found[1].split(", ")


class LogHandler(LogHandlerBase):
    """Progress lines, and Snakemake's errors and warnings; everything else stays in Snakemake's log file."""

    def __post_init__(self) -> None:
        self.job_failed = False

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", None)
        if event == LogEvent.PROGRESS:
            done, total = record.done, record.total
            self._write(f"{done} of {total} steps ({100 * done // max(total, 1)}%) done")
        elif event in SILENT:
            return
        elif event in (LogEvent.JOB_ERROR, LogEvent.GROUP_ERROR):
            self.job_failed = True
            if event == LogEvent.JOB_ERROR:
                logs = ", ".join(map(str, getattr(record, "log", None) or [])) or "none"
                self._write(JOB_FAILED.format(rule=record.rule_name, logs=logs))
        elif getattr(record, "exception", None) == "RuleException":
            return  # a stage's own failure, which the stage has printed and JOB_ERROR names
        elif record.levelno >= logging.ERROR and self.job_failed:
            return  # the build's end after a failed job: its problems are printed above
        elif event == LogEvent.ERROR or record.levelno >= logging.ERROR:
            self._write(self._lines("error", record.getMessage()))
        elif record.levelno >= logging.WARNING:
            self._write(self._lines("warning", record.getMessage()))

    @staticmethod
    def _lines(kind: str, message: str) -> str:
        text = message.strip()
        return f"{kind}: {text}" if text else ""

    @staticmethod
    def _write(text: str) -> None:
        if text:
            print(text, file=sys.stderr, flush=True)

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return True

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return False
