"""Benchmark of the pipeline on this machine, against the engine's floor; writes bench/results.md (`make bench`).

The floor is what WeasyPrint itself needs for the default build of the Canada sheet (data/canada/2023, every
language, both PDF variants): each language's HTML, as the build wrote it, laid out once and written as the
published and the archival PDF by plain WeasyPrint (bench/plain_render.py), one fresh process per language,
the processes run over the cores; its wall time, imports included. The batch's N x R / cores is measured the
same way: every synthetic sheet's plain render, one process each, over the cores. R of the preview is the plain
render of the Canada sheet's first language in one process.

Measures (--only picks some of them; targets as in the issue):
  canada   the default build of the Canada sheet (what `make` does: every language, both variants, the web
           edition, the review page), in a copied checkout, in rounds of one each, so that a slow spell of the
           shared machine weighs on a measure and its floor alike:
             floor;  cold build, output/ removed <= 2 x floor;  no-op `make` <= 1.5 s (beside it, Snakemake
             alone on a workflow with nothing to do);  one amount of the table changed, then `make`
             <= 1.5 x floor;  and where the cold and the one-figure builds' time goes: until the first job
             started (Python, Snakemake's start and planning), the jobs, the end; each stage's job seconds
             summed from the job logs;
  imports  the standard design's cost: a fresh `python -c "import ..."` of what each stage kind imports, and
           what the Canada default build's jobs would pay for it if each ran as a plain shell command;
  batch    N synthetic sheets, default build, on all cores <= 1.5 x N x R / cores (every sheet's plain render,
           over the cores); where the time goes: the render stage, the other stages, the rest; the render
           stage's layouts per PDF (its layout search);
  slurm    M synthetic sheets through profiles/slurm on the single-node Slurm of scripts/cluster/slurm.sh,
           against `make` for the same sheets <= 1.5 x `make` (PDFs identical); needs root;
  preview  `make preview` of the Canada sheet: saved text to updated page <= 0.5 s, to updated PDF <= R + 1 s
           (R measured between the edits);
and of every build measured: the peak RSS of any job <= 400 MB, and the Canada PDF's size.

Usage: python bench/run.py [--sheets 200] [--slurm-sheets 100] [--rounds 5] [--only canada,batch]
                           [--output bench/results.md]
"""

import argparse
import concurrent.futures
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from factsheet.model.editions import find_sheets, sheet_languages
from factsheet.paths import CLUSTER_PYTHON
from factsheet.workflow.outputs import Outputs
from factsheet.workflow.warm import FRESH_PROCESSES, LIBRARIES, stage_modules

ROOT = Path(__file__).resolve().parents[1]

MEASURES = ["canada", "imports", "batch", "slurm", "preview"]
SOURCES = ["Snakefile", "rules", "config", "templates", "factsheet", "snakemake_logger_plugin_factsheet", "scripts",
           "environment.yml", "profiles", "pyproject.toml"]
CORES = os.cpu_count() or 1
SLURM = ["bash", str(ROOT / "scripts" / "cluster" / "slurm.sh")]
PLAIN_RENDER = ROOT / "bench" / "plain_render.py"
CANADA, CANADA_EDITION = "canada-2023", Path("canada") / "2023"
EDITED_AMOUNT = '"10,912,345"'  # the amount of data/canada/2023/contributions.csv the one-figure edit changes
PREVIEW_EDITS = 7
# What a stage would import as a command of its own, beyond the standard library: its module (whose own
# imports come along) and the libraries it imports only inside its functions (see each factsheet/stages/<stage>.py).
@dataclass
class Row:
    """One line of the results table; ``met`` None for a line given as information."""

    name: str
    measured: str
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


@dataclass
class Job:
    """A job of a build, from the line its worker writes at the end of its log."""

    stage: str
    seconds: float
    mb: float
    end: float  # the log's modification time (epoch seconds)


@dataclass
class Results:
    """What the measures found: table rows, individual runs, peak RSS by stage, notes."""

    rows: list[Row] = field(default_factory=list)
    runs: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cold_jobs: list[Job] = field(default_factory=list)  # the Canada cold build's, for the imports measure

    def add_rss(self, jobs: list[Job]) -> None:
        for job in jobs:
            self.rss[job.stage] = max(self.rss.get(job.stage, 0.0), job.mb)


# ---------- Checkouts, builds and their job logs ----------


def checkout(target: Path, data: Path | None = None) -> Path:
    """A copy of the project's sources, with the Canada sheet's data or another data folder (moved in)."""
    target.mkdir(parents=True)
    for name in SOURCES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / name)
    if data is None:
        (target / "data").mkdir()
        shutil.copytree(ROOT / "data" / "canada", target / "data" / "canada")
    else:
        shutil.move(str(data), target / "data")
    return target


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    """Wall seconds of a command, and its output; the bench stops if it fails."""
    start = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def build(workdir: Path, *extra: str) -> float:
    """Seconds of `make`'s build (factsheet/commands/build.py) in a checkout, on all cores, default config."""
    return timed([sys.executable, "-m", "factsheet.commands.build", "--cores", str(CORES), *extra], workdir)[0]


def jobs(workdir: Path, since: float = 0.0) -> list[Job]:
    """The jobs whose logs were written since ``since`` (epoch seconds)."""
    found = []
    for log in (workdir / "output" / "logs").rglob("*.log"):
        end = log.stat().st_mtime
        if end >= since:
            found += [Job(stage, float(seconds), float(mb), end) for stage, seconds, mb in
                      re.findall(r"^(\w+): ([\d.]+) s, peak RSS (\d+) MB", log.read_text(), re.MULTILINE)]
    return found


def stage_totals(found: list[Job]) -> dict[str, tuple[int, float]]:
    """(jobs, seconds summed) by stage."""
    totals: dict[str, tuple[int, float]] = {}
    for job in found:
        count, seconds = totals.get(job.stage, (0, 0.0))
        totals[job.stage] = (count + 1, seconds + job.seconds)
    return totals


def timed_build(workdir: Path) -> tuple[float, list[Job], float]:
    """A default build: its seconds, the jobs it ran, and the epoch time it started."""
    started = time.time()
    seconds = build(workdir)
    return seconds, jobs(workdir, started - 1), started


def breakdown(seconds: float, found: list[Job], started: float) -> dict[str, float]:
    """Where a build's wall time went: until its first job started (Python, Snakemake's start and planning),
    from the first job's start to the last one's end, and after it (Snakemake's end, the build's summary)."""
    if not found:
        return {"start and planning": seconds, "jobs": 0.0, "end": 0.0}
    first = min(job.end - job.seconds for job in found) - started
    last = max(job.end for job in found) - started
    return {"start and planning": first, "jobs": last - first, "end": seconds - last}


def snakemake_alone(tmp: Path) -> float:
    """Seconds of Snakemake's command, as the build runs it, on a workflow with one rule and nothing to do:
    what any no-op costs on this machine (Python, Snakemake's imports, its plugins and records)."""
    empty = tmp / "empty-workflow"
    empty.mkdir(parents=True, exist_ok=True)
    (empty / "Snakefile").write_text("rule all:\n    input: []\n", encoding="utf-8")
    command = [sys.executable, "-m", "factsheet.workflow.snakemake_process", "--cores", str(CORES), "--quiet", "all"]
    return timed(command, empty, dict(os.environ))[0]


# ---------- The engine's floor ----------


def plain_render(workdir: Path, name: str, sheet: str, into: Path) -> list[str]:
    """The command that renders one language's built HTML with plain WeasyPrint (bench/plain_render.py)."""
    out = Outputs(workdir / "output")
    into.mkdir(parents=True, exist_ok=True)
    table = into / f"{sheet}-contributions.csv"  # the checked sheet's table, as the archival PDF attaches it
    table.write_text(json.loads(out.checked(sheet).read_text(encoding="utf-8"))["table_csv"], encoding="utf-8")
    return [sys.executable, str(PLAIN_RENDER), str(out.html(name)), str(into / f"{name}.pdf"),
            str(into / f"{name}-archival.pdf"), str(table)]


def over_the_cores(commands: list[list[str]], workdir: Path) -> float:
    """Wall seconds of ``commands``, one fresh process each, at most one per core at a time."""
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=CORES) as pool:
        list(pool.map(lambda command: timed(command, workdir), commands))
    return time.monotonic() - start


def floor(workdir: Path, tmp: Path) -> float:
    """Wall seconds of the Canada sheet's languages rendered by plain WeasyPrint, one fresh process each,
    at most one per core at a time."""
    languages = sheet_languages(workdir / "data" / CANADA_EDITION)
    return over_the_cores([plain_render(workdir, f"{CANADA}-{code}", CANADA, tmp / "floor") for code in languages],
                          workdir)


def canada_render(workdir: Path, tmp: Path) -> float:
    """R of the preview: the Canada sheet's first language rendered by plain WeasyPrint, in a fresh process."""
    first = sheet_languages(workdir / "data" / CANADA_EDITION)[0]
    return timed(plain_render(workdir, f"{CANADA}-{first}", CANADA, tmp / "floor"), workdir)[0]


# ---------- The measures ----------


def canada(work: Path, tmp: Path, rounds: int, results: Results) -> None:
    """Floor, cold build, no-op, Snakemake alone and the one-figure edit, in rounds of one each; where the
    cold and the one-figure builds' time goes."""
    table = work / "data" / CANADA_EDITION / "contributions.csv"
    original = table.read_text(encoding="utf-8")
    if EDITED_AMOUNT not in original:
        sys.exit(f"bench: {EDITED_AMOUNT} is no longer in data/canada/2023/contributions.csv: choose another amount")
    runs = {name: [] for name in ("floor", "cold", "no-op", "Snakemake alone", "one figure")}
    parts: dict[str, list[dict[str, float]]] = {"cold build": [], "one figure edited": []}
    for run in range(rounds):
        runs["floor"].append(floor(work, tmp))
        shutil.rmtree(work / "output")
        seconds, results.cold_jobs, started = timed_build(work)
        runs["cold"].append(seconds)
        parts["cold build"].append(breakdown(seconds, results.cold_jobs, started))
        results.add_rss(results.cold_jobs)
        runs["no-op"].append(build(work))
        runs["Snakemake alone"].append(snakemake_alone(tmp))
        table.write_text(original.replace(EDITED_AMOUNT, f'"10,912,{346 + run}"'), encoding="utf-8")
        seconds, figure_jobs, started = timed_build(work)
        runs["one figure"].append(seconds)
        parts["one figure edited"].append(breakdown(seconds, figure_jobs, started))
        results.add_rss(figure_jobs)
    table.write_text(original, encoding="utf-8")
    results.runs.update({f"Canada {name}": values for name, values in runs.items()})
    results.rows += canada_rows(runs, work)
    results.rows += breakdown_rows(parts, stage_totals(results.cold_jobs), statistics.median(runs["floor"]))


def canada_rows(runs: dict[str, list[float]], work: Path) -> list[Row]:
    """The Canada measures' rows against their targets."""
    median = {name: statistics.median(values) for name, values in runs.items()}
    base = median["floor"]
    kb = Outputs(work / "output").pdf(CANADA).stat().st_size / 1024
    languages = len(sheet_languages(work / "data" / CANADA_EDITION))
    return [
        Row(f"floor: the Canada sheet's {languages} languages, plain WeasyPrint, both variants, one process "
            f"each on {CORES} cores", f"{base:.2f} s", 1.0, "(reference)"),
        Row("Canada, one figure edited, then make", f"{median['one figure']:.2f} s", median["one figure"] / base,
            "<= 1.5 x floor", median["one figure"] <= 1.5 * base),
        Row("Canada, cold build (output/ removed)", f"{median['cold']:.2f} s", median["cold"] / base,
            "<= 2 x floor", median["cold"] <= 2 * base),
        Row("Canada, no-op make", f"{median['no-op']:.2f} s", median["no-op"] / base, "<= 1.5 s",
            median["no-op"] <= 1.5),
        Row("Snakemake alone: the same command, one rule with nothing to do", f"{median['Snakemake alone']:.2f} s",
            median["Snakemake alone"] / base, "(what any no-op costs here)"),
        Row("Canada PDF (first language)", f"{kb:.0f} KB", None, "<= 300 KB", kb <= 300),
    ]


PARTS = {"start and planning": "until the first job started (Python, Snakemake's start, planning)",
         "jobs": "from the first job's start to the last one's end", "end": "after the last job"}


def breakdown_rows(parts: dict[str, list[dict[str, float]]], totals: dict[str, tuple[int, float]],
                   base: float) -> list[Row]:
    """Where the Canada builds' time goes: the parts of each build (medians), then the cold build's job
    seconds by stage (its last round), as information against the floor."""
    rows = []
    for build_name, found in parts.items():
        for part, meaning in PARTS.items():
            seconds = statistics.median(p[part] for p in found)
            rows.append(Row(f"{build_name}, {meaning}", f"{seconds:.2f} s", seconds / base, "(breakdown)"))
    for stage, (count, seconds) in sorted(totals.items(), key=lambda item: -item[1][1]):
        rows.append(Row(f"cold build, {stage}: {count} job{'s' if count > 1 else ''}, seconds summed",
                        f"{seconds:.2f} s", seconds / base, "(breakdown, last round)"))
    total = sum(seconds for _, seconds in totals.values())
    rows.append(Row("cold build, all jobs' seconds summed / cores", f"{total / CORES:.2f} s", total / CORES / base,
                    "(breakdown, last round)"))
    return rows


def import_seconds(modules: list[str], work: Path, rounds: int) -> float:
    """Median wall seconds of a fresh `python -c "import <modules>"` in the checkout ``work``."""
    command = [sys.executable, "-c", "import " + ", ".join(modules)]
    return statistics.median(timed(command, work, dict(os.environ))[0] for _ in range(rounds))


def imports(work: Path, rounds: int, results: Results) -> None:
    """The standard design against the warm process: the Canada default build, cold, with each job its stage's
    command line in a new process (FACTSHEET_FRESH_PROCESSES=1), beside the same build as make runs it; and
    what the warm process imports, once a build."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(work / "factsheet")], check=True)  # as the build does
    runs: dict[str, list[float]] = {"warm": [], "fresh": []}
    for _ in range(rounds):
        for design, env in (("warm", {}), ("fresh", {FRESH_PROCESSES: "1"})):
            shutil.rmtree(work / "output", ignore_errors=True)
            command = [sys.executable, "-m", "factsheet.commands.build", "--cores", str(CORES)]
            runs[design].append(timed(command, work, {**os.environ, **env})[0])
    warm, fresh = (statistics.median(runs[d]) for d in ("warm", "fresh"))
    preload = import_seconds([*LIBRARIES, *stage_modules()], work, rounds)
    results.runs.update({"Canada cold, warm process": runs["warm"], "Canada cold, a process per job": runs["fresh"]})
    results.rows += [
        Row("cold build, the warm process (a fork per job)", f"{warm:.2f} s", None, "(as make runs it)"),
        Row("cold build, each job its stage's command line in a new process (the standard design)",
            f"{fresh:.2f} s", None, f"({fresh / warm:.2f} x the warm process)"),
        Row("the warm process's imports, in a new process", f"{preload:.2f} s", None,
            "(paid once a build, while Snakemake plans)"),
    ]


def synthetic_floor(batch: Path, tmp: Path) -> tuple[float, int]:
    """N x R / cores of the batch, measured: every language of every synthetic sheet rendered by plain WeasyPrint,
    one fresh process each, over the cores (as the Canada floor); its wall seconds, and how many renders."""
    commands = [plain_render(batch, f"{subject}-{edition}-{code}", f"{subject}-{edition}", tmp / "synthetic-floor")
                for subject, edition in find_sheets(batch / "data")[0]
                for code in sheet_languages(batch / "data" / subject / edition)]
    return over_the_cores(commands, batch), len(commands)


def batch(tmp: Path, sheets: int, results: Results) -> None:
    """N synthetic sheets, a default build on all cores, against N x R / cores."""
    data = tmp / "synthetic-data"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthesize.py"), str(data), str(sheets)], check=True)
    work = checkout(tmp / "batch", data)
    seconds, found, _ = timed_build(work)
    results.add_rss(found)
    # The sum of the sheets' plain renders over the cores, not a few sheets' times: the sheets' lengths vary
    # (0 to 12 projects), and a handful of them is no measure of the sum.
    reference, renders = synthetic_floor(work, tmp)
    sizes = sorted(p.stat().st_size / 1024 for p in (work / "output").glob("*.pdf"))
    pdf_work = sum(job.seconds for job in found if job.stage == "render_pdf") / CORES
    others = sum(job.seconds for job in found if job.stage != "render_pdf") / CORES
    results.rows += [
        Row(f"N x R / cores: the {renders} synthetic sheets' languages, plain WeasyPrint, both variants, one process "
            f"each on {CORES} cores", f"{reference:.2f} s", None,
            f"(reference; R = {reference * CORES / renders:.2f} s a sheet)"),
        Row(f"{sheets} synthetic sheets on {CORES} cores", f"{seconds:.2f} s", seconds / reference,
            f"<= 1.5 x N x R / cores = {1.5 * reference:.0f} s", seconds <= 1.5 * reference),
        Row(f"{sheets} synthetic sheets: render_pdf's seconds summed / cores", f"{pdf_work:.2f} s",
            pdf_work / reference, "(their layouts and PDFs)"),
        Row(f"{sheets} synthetic sheets: the other stages' seconds summed / cores", f"{others:.2f} s",
            others / reference, "(charts, HTML, checks, web pages, cards, review pages)"),
        Row(f"{sheets} synthetic sheets: the rest (Snakemake, each job's command, idle cores)",
            f"{seconds - pdf_work - others:.2f} s", (seconds - pdf_work - others) / reference, ""),
        Row(f"{sheets} synthetic sheets: layouts per render_pdf job, mean", f"{layouts(work):.2f}", None,
            "(the floor lays each out once)"),
        Row("synthetic PDFs: median / largest", f"{statistics.median(sizes):.0f} / {sizes[-1]:.0f} KB"),
    ]


def layouts(workdir: Path) -> float:
    """How many times the render stage laid each PDF out, on average (its layout records)."""
    import json

    records = (workdir / "output" / "layout").glob("*.json")
    found = [json.loads(record.read_text(encoding="utf-8"))["layouts"] for record in records]
    return statistics.mean(found) if found else 0.0


def slurm_against_local(tmp: Path, sheets: int) -> tuple[dict | None, str]:
    """``sheets`` synthetic sheets built by `make` and through profiles/slurm: seconds, jobs, same bytes;
    or None and why not."""
    if not sheets:
        return None, "skipped: --slurm-sheets 0"
    if os.geteuid() != 0:
        return None, "skipped: scripts/cluster/slurm.sh needs root"
    # A cluster of the bench's own, in its temporary folder (Slurm's commands find it by SLURM_CONF)
    os.environ["SLURM_STATE_DIR"] = str(tmp / "slurm")
    os.environ["SLURM_CONF"] = str(tmp / "slurm" / "slurm.conf")
    started = subprocess.run([*SLURM, "start"], capture_output=True, text=True)
    if started.returncode != 0:
        why = (started.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"skipped: the Slurm cluster did not start ({why})"
    try:
        result = {}
        for where in ("local", "slurm"):
            data = tmp / f"slurm-data-{where}"
            subprocess.run([sys.executable, str(ROOT / "bench" / "synthesize.py"), str(data), str(sheets)],
                           check=True)
            work = checkout(tmp / f"slurm-{where}", data)
            if where == "local":
                result["local"] = build(work)
            else:
                before = slurm_jobs()
                shipped = [str(CLUSTER_PYTHON), "-m", "snakemake", "--workflow-profile", "profiles/slurm"]
                result["slurm"] = timed(shipped, work)[0]  # the profile as shipped
                result["jobs"] = len(slurm_jobs() - before)
            result[f"{where}_pdfs"] = {p.name: p.read_bytes() for p in (work / "output").glob("*.pdf")}
        result["identical"] = result.pop("local_pdfs") == result.pop("slurm_pdfs")
        return result, ""
    finally:
        subprocess.run([*SLURM, "stop"], capture_output=True)


def slurm_jobs() -> set[str]:
    """The ids of the jobs Slurm knows of (finished ones included)."""
    return set(subprocess.run(["squeue", "--states=all", "--noheader", "--format=%i"],
                              capture_output=True, text=True).stdout.split())


def slurm(tmp: Path, sheets: int, results: Results) -> None:
    """The Slurm measure's rows, or the line saying why it was skipped."""
    found, why = slurm_against_local(tmp, sheets)
    if found is None:
        results.rows.append(Row(f"{sheets} synthetic sheets through profiles/slurm", why, None, "<= 1.5 x make"))
        return
    results.rows += [
        Row(f"{sheets} synthetic sheets, make", f"{found['local']:.2f} s", 1.0, "(reference)"),
        Row(f"{sheets} synthetic sheets through profiles/slurm ({found['jobs']} Slurm job"
            f"{'s' if found['jobs'] != 1 else ''}, PDFs "
            f"{'identical' if found['identical'] else 'DIFFERENT'})", f"{found['slurm']:.2f} s",
            found["slurm"] / found["local"], "<= 1.5 x make",
            found["slurm"] <= 1.5 * found["local"] and found["identical"]),
    ]


def preview_latencies(work: Path, render) -> dict[str, list[float]]:
    """Seconds from saving the Canada intro to the preview's updated page and PDF, PREVIEW_EDITS times (the
    preview's state, polled every 5 ms, counts each output made anew), and R measured before each edit by
    ``render()`` while the preview waits, so that the PDF's target is met or missed under the same load."""
    import json
    import urllib.request

    sheet_dir = work / "data" / CANADA_EDITION
    # The edits change the English text after its translations were made: printed with a warning, not refused
    (sheet_dir / "sheet.yaml").write_text((sheet_dir / "sheet.yaml").read_text(encoding="utf-8") + "stale: warn\n",
                                          encoding="utf-8")
    intro = sheet_dir / "narrative" / "intro.md"
    original = intro.read_text(encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "factsheet.commands.preview", "canada/2023", "--port", "0"],
                               cwd=work,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    address = None
    for line in process.stdout:
        address = address or (re.findall(r"(http://127\.0\.0\.1:\d+/) ", line) or [None])[0]
        if line.startswith("Watching"):
            break

    def state():
        with urllib.request.urlopen(f"{address}__preview/state", timeout=10) as response:
            return json.load(response)

    found = {"page": [], "pdf": [], "render": []}
    try:
        for edit in range(PREVIEW_EDITS):
            found["render"].append(render())  # the preview is idle meanwhile
            before = state()
            start = time.monotonic()
            intro.write_text(original.replace("1919", f"1919 ({edit})", 1), encoding="utf-8")
            seen, now = {}, before
            # A text's rebuild: the page, the PDF, then the page again with the PDF's page images; the next
            # edit waits for all three.
            while (now["page"] < before["page"] + 2 or now["pdf"] <= before["pdf"]) \
                    and time.monotonic() - start < 60 and not now["problems"]:
                now = state()
                for output in ("page", "pdf"):
                    if output not in seen and now[output] > before[output]:
                        seen[output] = time.monotonic() - start
                time.sleep(0.005)
            if now["problems"]:
                sys.exit("bench: the preview refused the edit:\n" + "\n".join(now["problems"]))
            for output in ("page", "pdf"):
                found[output].append(seen.get(output, float("inf")))
    finally:
        process.terminate()
        process.wait()
        intro.write_text(original, encoding="utf-8")
    return found


def preview(work: Path, tmp: Path, results: Results) -> None:
    """The preview's rows: saved text to updated page, and to updated PDF against R + 1 s."""
    found = preview_latencies(work, lambda: canada_render(work, tmp))
    page, pdf = statistics.median(found["page"]), statistics.median(found["pdf"])
    render = statistics.median(found["render"])
    results.runs.update({"preview page": found["page"], "preview PDF": found["pdf"],
                         "R between the preview's edits": found["render"]})
    results.rows += [
        Row("R: the Canada sheet's first language, plain WeasyPrint, both variants, one process",
            f"{render:.2f} s", None, "(reference, median between the edits)"),
        Row("make preview: saved text to updated web page", f"{page:.2f} s", None, "<= 0.5 s", page <= 0.5),
        Row("make preview: saved text to updated PDF", f"{pdf:.2f} s", pdf / render,
            f"<= R + 1 s = {render + 1:.2f} s", pdf <= render + 1),
    ]


# ---------- The report ----------


def machine() -> str:
    """CPU, cores, memory, system and Python of this machine."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return f"{cpu}, {CORES} cores, {memory} GiB RAM; {platform.platform()}; Python {platform.python_version()}"


def memory_rows(results: Results) -> list[Row]:
    """The peak RSS of any job against its target, then by stage, and of any process the bench started."""
    peak = max(results.rss.values(), default=0.0)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [Row("peak RSS of any job (its worker process)", f"{peak:.0f} MB", None, "<= 400 MB", peak <= 400),
            Row("peak RSS of any process the bench started (Snakemake included)", f"{children:.0f} MB"),
            *[Row(f"peak RSS, {stage}", f"{mb:.0f} MB") for stage, mb in sorted(results.rss.items())]]


def report(results: Results, args: argparse.Namespace, load: tuple[float, float]) -> str:
    """bench/results.md: machine, date, sizes, the table, the individual runs."""
    met = {None: "", True: "yes", False: "NO"}
    sizes = [f"{args.sheets} synthetic sheets in the batch"] if "batch" in args.only else []
    sizes += [f"{args.slurm_sheets} synthetic sheets through Slurm"] if "slurm" in args.only else []
    busy = (f" The machine was busy (a load above its {CORES} cores): every time is inflated, the targets' "
            "verdicts are not those of a quiet machine.") if max(load) > CORES else ""
    return "\n".join([
        "# Benchmark results", "",
        f"Machine: {machine()}.", "",
        f"Written by `make bench` ({time.strftime('%Y-%m-%d')}), measures {', '.join(args.only)}: medians of "
        f"{args.rounds} run{'s' if args.rounds > 1 else ''} (the Canada measures in rounds of one each, the "
        f"preview's of {PREVIEW_EDITS} edits), the batches once{''.join(f'; {s}' for s in sizes)}. "
        f"Load average (1 min) at the start {load[0]:.2f}, at the end {load[1]:.2f}, on {CORES} cores.{busy} "
        "Ratios: to the reference the target names (the floor for the Canada rows, N x R / cores for the "
        "batch, `make` for Slurm, R for the preview's PDF).", "",
        "| measure | measured | ratio | target | met |", "|---|---:|---:|---|---|",
        *[f"| {row.name} | {row.measured} | {'' if row.ratio is None else f'{row.ratio:.2f}'} | {row.target} "
          f"| {met[row.met]} |" for row in results.rows],
        *(["", *results.notes] if results.notes else []),
        *(["", "Individual runs (s): " + "; ".join(f"{name} " + ", ".join(f"{v:.2f}" for v in values)
                                                   for name, values in results.runs.items()) + "."]
          if results.runs else []),
    ]) + "\n"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=200, help="synthetic sheets of the batch (default 200)")
    parser.add_argument("--slurm-sheets", type=int, default=100, help="synthetic sheets through Slurm "
                        "(default 100; 0 skips the measure)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each repeated measure (default 5)")
    parser.add_argument("--only", default=",".join(MEASURES),
                        help=f"the measures to run, comma-separated (default all: {','.join(MEASURES)})")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    args.only = [name for name in args.only.split(",") if name]
    unknown = set(args.only) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measure {', '.join(sorted(unknown))}; expected some of {', '.join(MEASURES)}")
    return args


def main() -> None:
    args = arguments()
    results, load = Results(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="factsheet-bench-") as tmp:
        tmp = Path(tmp)
        work = checkout(tmp / "canada")
        build(work)  # also warms the font cache, and writes the HTML the floor renders
        if "canada" in args.only:
            canada(work, tmp, args.rounds, results)
        if "imports" in args.only:
            imports(work, args.rounds, results)
        if "batch" in args.only:
            batch(tmp, args.sheets, results)
        if "slurm" in args.only:
            slurm(tmp, args.slurm_sheets, results)
        if "preview" in args.only:
            preview(work, tmp, results)
        results.rows += memory_rows(results)
    text = report(results, args, (load, os.getloadavg()[0]))
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
