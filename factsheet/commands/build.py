"""Build the fact sheets with Snakemake and end with one summary line (what `make` runs).

Usage: python -m factsheet.commands.build [--cores N] [SNAKEMAKE ARGUMENTS...]

Snakemake reports through the pipeline's logger plugin (snakemake_logger_plugin_factsheet):
progress and one-line messages. FACTSHEET_DEBUG=1 shows Snakemake's own output, tracebacks included.
One build runs at a time; a build that was killed is recovered from by the next
one (factsheet/workflow/recovery.py), and none of its processes outlives it. Ctrl-C, SIGTERM or SIGHUP stop
the build cleanly: nothing half-written is kept, and `make` again finishes the work. A sheet refused by a
build has its earlier outputs moved to <output>/stale/ (factsheet/workflow/stale.py), and the web edition's
index lists the sheets that were built.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from factsheet import paths
from factsheet.files import load_yaml
from factsheet.model.editions import find_sheets, listed_sheets, sheet_languages
from factsheet.web import site
from factsheet.workflow import recovery, stale, warm
from factsheet.workflow.outputs import Outputs

ROOT = paths.PROJECT_ROOT

def settings(extra: list[str] = ()) -> dict:
    """config/config.yaml, with the ``--config key=value`` overrides of the command line (as Snakemake reads
    them: each value YAML)."""
    config = load_yaml((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    overriding = False
    for word in extra:
        if word.startswith("-"):
            overriding = word == "--config"
        elif overriding and "=" in word:
            key, _, value = word.partition("=")
            config[key] = load_yaml(value)
    return config


JSON_TYPES = {"string": str, "boolean": bool, "integer": int, "number": (int, float), "array": list, "object": dict}


def config_problems(config: dict) -> list[str]:
    """One line for each setting this command cannot use (the key, its value, what was expected): a value of
    another type than config/config.schema.yaml declares (the Snakefile checks the rest of the schema), and what
    a schema cannot say. The schema's own library is not imported here: it would cost every build, a no-op's
    included, a tenth of a second."""
    import math

    schema = load_yaml((ROOT / "config" / "config.schema.yaml").read_text(encoding="utf-8"))["properties"]
    where = "error: config/config.yaml (or --config)"
    lines = []
    for key, value in config.items():
        declared = schema.get(key, {}).get("type")
        wanted = JSON_TYPES.get(declared)
        if wanted and (not isinstance(value, wanted) or (isinstance(value, bool) and declared != "boolean")):
            said = " ".join(schema[key].get("description", declared).split())
            lines.append(f"{where}, {key}: {value!r}: not a {declared}; expected a {declared}: {said}")
    if lines:
        return lines
    amount = config.get("plausible_max_usd")
    if amount is not None and not math.isfinite(amount):  # NaN passes the schema's minimum: every comparison fails
        lines.append(f"{where}, plausible_max_usd: {amount}: not an amount; expected a number of US dollars above 0, "
                     "such as 10000000000")
    if not (ROOT / config.get("data_dir", "data")).is_dir():
        lines.append(f"{where}, data_dir: {config.get('data_dir', 'data')!r}: no such folder; expected the folder of "
                     "the sheets, data/<subject>/<edition>/ (by default data)")
    labelled = sorted(p.stem for p in paths.LABELS_DIR.glob("*.yaml"))
    for key, codes in (("languages", config.get("languages") or []), ("site_language", [config.get("site_language")])):
        for code in (c for c in codes if c and c not in labelled):
            lines.append(f"{where}, {key}: {code!r}: no labels in this language "
                         f"({paths.LABELS_DIR.relative_to(ROOT).as_posix()}/{code}.yaml);"
                         f" expected one of {', '.join(labelled)}, or translate the labels first")
    return lines


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
        self.failed_logs: set[Path] = set()  # those the failed jobs' lines name
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
        command = [sys.executable, "-m", "factsheet.workflow.snakemake_process",  # profiles/default
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
            if line.startswith("error: "):
                from snakemake_logger_plugin_factsheet import failed_job_logs

                self.failed_logs.update(ROOT / log for log in failed_job_logs(line))
        return self.process.wait()


def leave_out_refused(out: Path, config: dict, extra: list[str], pages: dict[tuple[str, str], list[Path]],
                      failed_logs: set[Path], snakemake: Snakemake) -> tuple[int, int]:
    """After a failed build: move the earlier outputs of the sheets that were refused to <output>/stale/, and
    write the web edition's index of the sheets that were built (``pages``: each sheet's index entries).
    (Sheets refused whose outputs were moved; the index's exit status.)"""
    refused = stale.failed_sheets(sorted(failed_logs), out / "logs", list(pages))
    moved = sum(bool(stale.set_aside(out, f"{subject}-{edition}")) for subject, edition in refused)
    index = out / "site" / site.INDEX
    if not refused or not config.get("site"):
        return moved, 0
    kept = [f"{subject}/{edition}" for subject, edition in pages if (subject, edition) not in refused]
    if any(not entry.exists() for sheet, entries in pages.items() if sheet not in refused for entry in entries):
        return moved, 0  # a sheet stopped by a problem of no sheet (the brand's, say): no index to write
    if not kept:  # it lists only refused sheets
        target = out / stale.STALE_DIR / index.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        if index.exists():
            index.replace(target)
        return moved, 0
    # The index of the sheets built: the same build restricted to them (its other --config values kept),
    # whose index differs in its entries; the next build of every sheet writes it again.
    others, settings = split_config(extra)
    return moved, snakemake.run(["--cores", "1", *others, "--config", *settings, f"sheets={json.dumps(kept)}",
                                 "--", os.path.relpath(index, ROOT)])


def set_aside_removed(out: Path, data: Path, found: list[tuple[str, str]], every_language: bool) -> None:
    """After a build of every sheet: move the PDFs and web pages of the sheets no longer in the data folder (and,
    when it built every language, of the languages a sheet no longer has) to <output>/stale/, saying so."""
    stale_dir = f"{os.path.relpath(out, Path.cwd())}/{stale.STALE_DIR}/"
    published = stale.outputs_by_sheet(out)
    gone = sorted(set(published) - {f"{subject}-{edition}" for subject, edition in found})
    removed = [sheet for sheet in gone if stale.set_aside(out, sheet)]
    if removed:
        one = len(removed) == 1
        print(f"{len(removed)} sheet{' is' if one else 's are'} no longer in {os.path.relpath(data, Path.cwd())}/ "
              f"({', '.join(removed)}): moved {'its' if one else 'their'} PDFs and web pages to {stale_dir}, out of "
              "publication.", flush=True)
    for subject, edition in found if every_language else []:
        sheet = f"{subject}-{edition}"
        dropped = published.get(sheet, set()) - set(sheet_languages(data / subject / edition))
        if dropped and stale.set_aside(out, sheet, dropped):
            print(f"{sheet}: {', '.join(sorted(dropped))} no longer among its languages: moved those PDFs and web "
                  f"pages to {stale_dir}, out of publication.", flush=True)


def split_config(extra: list[str]) -> tuple[list[str], list[str]]:
    """Snakemake arguments: (those that are not --config values, the --config key=value words)."""
    others, settings, overriding = [], [], False
    for word in extra:
        if word.startswith("-"):
            overriding = word == "--config"
            if not overriding:
                others.append(word)
        elif overriding and "=" in word:
            settings.append(word)
        else:
            others.append(word)
    return others, settings


def review_note(out: Path, sheets: list, built: list[Path]) -> str:
    """Where to read the review pages of the editions built (the Snakefile's render_review writes them)."""
    from factsheet.workflow.outputs import Outputs

    names = [f"{s}-{e}" for s, e in sheets if any(p.name.startswith(f"{s}-{e}-") for p in built)]
    pages = [Outputs(out).review(name) for name in names if Outputs(out).review(name).is_file()]
    shown = ", ".join(Path(os.path.relpath(p, Path.cwd())).as_posix() for p in pages[:3])
    more = f" and {len(pages) - 3} more" if len(pages) > 3 else ""
    return f"; before publishing, read {shown}{more}" if pages else ""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", default="all")
    args, extra = parser.parse_known_args(argv)
    debug = bool(os.environ.get("FACTSHEET_DEBUG"))
    config = settings(extra)
    wrong = config_problems(config)
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        return 1
    out, data = ROOT / config.get("output_dir", "output"), ROOT / config.get("data_dir", "data")
    apart = paths.output_dir_problem(out, data)
    if apart:
        print(f"error: config/config.yaml, output_dir: {config.get('output_dir', 'output')!r}: {apart}, where the "
              "build would write and remove files; expected a folder of its own, such as output: set output_dir "
              "to one, then run make again.", file=sys.stderr)
        return 1
    link = paths.links_out_of(out, data)
    if link:
        print(f"error: {link}, where the build would write files; expected no link there: remove it, then run make "
              "again.", file=sys.stderr)
        return 1
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
    warm.compile_modules()
    # Folders that do not fit the naming rule: the Snakefile names and skips them; the build then fails.
    found, bad_folders = find_sheets(data)
    if config.get("sheets"):
        found, bad_folders = listed_sheets(data, config["sheets"])
    names = {(subject, edition): [f"{subject}-{edition}-{language}"  # not a removed sheet's: one per language
                                  for language in sheet_languages(data / subject / edition)
                                  if not config.get("languages") or language in config["languages"]]
             for subject, edition in found}
    current = [Outputs(out).pdf(name) for sheet_names in names.values() for name in sheet_names]
    before = {p: p.stat().st_mtime_ns for p in current if p.exists()}
    # Snakemake's command line, in a process that starts the stages' warm process first
    snakemake = Snakemake(env, debug)
    start = time.monotonic()
    moved = 0
    try:
        status = snakemake.run(["--cores", args.cores, *extra])
        if status != 0 and not snakemake.stopped:  # every job's messages are also in its log: none unseen
            started = time.time() - (time.monotonic() - start) - 1
            for log in sorted((out / "logs").rglob("*.log")):
                if log.stat().st_mtime >= started:
                    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                    for line in (line for line in lines if line.startswith("error: ")):
                        snakemake.failed_logs.add(log)
                        if line.strip() not in snakemake.shown:
                            print(line, flush=True)
                            snakemake.shown.add(line.strip())
            pages = {sheet: [Outputs(out).entry(name) for name in sheet_names] for sheet, sheet_names in names.items()}
            moved, _ = leave_out_refused(out, config, extra, pages, snakemake.failed_logs, snakemake)
        if not config.get("sheets") and not snakemake.stopped:  # a build of every sheet: the others are gone
            set_aside_removed(out, data, found, every_language=not config.get("languages"))
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
              f"{' was' if len(bad_folders) == 1 else 's were'} skipped (named above, with what to do); "
              "then run make again.", file=sys.stderr)
        return 1
    if status == 0:
        print(f"Built {sheets} in {seconds:.1f} s; the PDFs are in {shown}/"
              + ("" if built else f" (all {len(pdfs)} were up to date)") + review_note(out, found, built))
    else:
        set_aside = (f"; moved the earlier outputs of {moved} refused sheet{'' if moved == 1 else 's'} to "
                     f"{shown}/{stale.STALE_DIR}/") if moved else ""
        print(f"The build stopped on the problems above after {seconds:.1f} s. Built {sheets}; no PDF was "
              f"written for a sheet with a problem{set_aside}. Fix them and run make again.", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
