"""Benchmark of the pipeline on this machine; writes bench/results.md. Run by `make bench`.

Figures (medians where several runs are cheap; the Canada measures in rounds of one each, so that a slow
spell of the shared machine weighs on all of them alike):
  floor   one Python process importing the libraries and rendering the built Canada HTML to PDF (F),
          and R, its rendering time without the imports;
  cold    building the Canada sheet from clean outputs;   target <= 1.5 x F
  no-op   building again with nothing changed;             target <= 1.5 s
          beside Snakemake's own start: the same command on a workflow of one rule with nothing to do
  figure  building after one figure of the table changed;  target <= 1.5 x F
  batch   N synthetic sheets on all cores;                 target <= 1.2 x (N x R / cores)
          with the jobs' own work, summed from their logs, and the PDF stage's share of it
  slurm   M synthetic sheets through profiles/slurm on the single-node Slurm of scripts/cluster/slurm.sh,
          against `make` for the same sheets;              target <= 1.5 x the local time (PDFs identical)
  preview `make preview` of the Canada sheet: from saving a text to the updated web page (target <= 0.5 s)
          and to the updated PDF (target <= R + 0.5 s, R measured between the edits)
The Canada and batch measures are of the PDFs (site=False), as F is; the cold build with the web edition
(`make`'s default) is given beside them. The Slurm measure builds the web edition too, locally and through
the profile alike (a --config on the command line would replace the profile's own, batch_size among it).
and the peak RSS of every job (target <= 400 MB) and the size of each PDF (Canada <= 300 KB).
Environment: BENCH_SHEETS (default 200), BENCH_RUNS (default 5), BENCH_SLURM_SHEETS (default 100; 0 skips
the Slurm measure, which is also skipped where no Slurm can be started).
"""

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from factsheet.paths import CLUSTER_PYTHON  # noqa: E402  (the project's own package, beside this script)

SOURCES = ["Snakefile", "rules", "config", "templates", "scripts", "environment.yml", "profiles"]
CORES = os.cpu_count() or 1
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SHEETS = int(os.environ.get("BENCH_SHEETS", "200"))
SLURM_SHEETS = int(os.environ.get("BENCH_SLURM_SHEETS", "100"))
SLURM = ["bash", str(ROOT / "scripts" / "cluster" / "slurm.sh")]
FLOOR = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from render_pdf import PUBLISHED, render
from factsheet.sheet import load_sheet
start = time.monotonic()
sheet_dir = Path(sys.argv[3])
render(Path(sys.argv[2]), sheet_dir, {PUBLISHED: Path(sys.argv[4])}, None,
       load_sheet(sheet_dir / "sheet.yaml").edition_date)
print(time.monotonic() - start)
"""


def checkout(target: Path, data: Path | None = None) -> Path:
    """A copy of the project's sources, with the real data or another data folder."""
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
    start = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


ONE_LANGUAGE = ["--config", "languages=[en]", "site=False"]  # the Canada measures are of one PDF, as F is
PDFS_ONLY = ["--config", "site=False"]
PREVIEW_EDITS = 7


def build(workdir: Path, *extra: str) -> float:
    return timed([sys.executable, "scripts/build.py", "--cores", str(CORES), *extra], workdir)[0]


def snakemake_alone(tmp: Path) -> float:
    """Seconds of Snakemake's command, as the build runs it, on a workflow with one rule and nothing to do:
    what any no-op costs on this machine (Python, Snakemake's imports, its plugins and records)."""
    empty = tmp / "empty-workflow"
    empty.mkdir(parents=True)
    (empty / "Snakefile").write_text("rule all:\n    input: []\n", encoding="utf-8")
    command = [sys.executable, "-m", "factsheet.snakemake_process", "--cores", str(CORES), "--quiet", "all"]
    return timed(command, empty, {**os.environ, "PYTHONPATH": str(ROOT / "scripts")})[0]


def job_records(workdir: Path) -> list[tuple[str, float, float]]:
    """(stage, seconds, peak RSS in MB) of every job, from the line its worker writes at the end of its log."""
    return [(stage, float(seconds), float(mb)) for log in (workdir / "output" / "logs").rglob("*.log")
            for stage, seconds, mb in re.findall(r"^(\w+): ([\d.]+) s, peak RSS (\d+) MB", log.read_text(),
                                                 re.MULTILINE)]


def peak_rss(workdir: Path) -> dict[str, float]:
    """Peak RSS by stage (the worker process's peak after the job)."""
    peaks: dict[str, float] = {}
    for stage, _, mb in job_records(workdir):
        peaks[stage] = max(peaks.get(stage, 0), mb)
    return peaks


def stage_seconds(workdir: Path) -> dict[str, float]:
    """Seconds by stage, summed over the jobs (each job's own time inside its fork)."""
    seconds: dict[str, float] = {}
    for stage, spent, _ in job_records(workdir):
        seconds[stage] = seconds.get(stage, 0.0) + spent
    return seconds


def preview_latencies(work: Path, floor) -> dict[str, list[float]]:
    """Seconds from saving the Canada intro to the preview's updated page and PDF, PREVIEW_EDITS times (the
    preview's state, polled every 5 ms, counts each output made anew), and R measured before each edit by
    ``floor()`` (seconds, rendering seconds) while the preview waits, so that the PDF's target is met or
    missed under the same load."""
    import json
    import urllib.request

    intro = work / "data" / "canada" / "2023" / "narrative" / "intro.md"
    original = intro.read_text(encoding="utf-8")
    process = subprocess.Popen([sys.executable, "scripts/preview.py", "canada/2023", "--port", "0"], cwd=work,
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
            found["render"].append(floor()[1])  # the preview is idle meanwhile
            before = state()
            start = time.monotonic()
            intro.write_text(original.replace("1919", f"1919 ({edit})", 1), encoding="utf-8")
            seen, now = {}, before
            # A text's rebuild: the page, the PDF, then the page again with the PDF's page images; the next
            # edit waits for all three.
            while (now["page"] < before["page"] + 2 or now["pdf"] <= before["pdf"]) \
                    and time.monotonic() - start < 60:
                now = state()
                for output in ("page", "pdf"):
                    if output not in seen and now[output] > before[output]:
                        seen[output] = time.monotonic() - start
                time.sleep(0.005)
            for output in ("page", "pdf"):
                found[output].append(seen.get(output, float("inf")))
    finally:
        process.terminate()
        process.wait()
        intro.write_text(original, encoding="utf-8")
    return found


def slurm_against_local(tmp: Path) -> dict | None:
    """SLURM_SHEETS synthetic sheets built by `make` and through profiles/slurm: seconds, jobs, same bytes."""
    if not SLURM_SHEETS or os.geteuid() != 0:
        return None
    # A cluster of the bench's own, in its temporary folder (Slurm's commands find it by SLURM_CONF)
    os.environ["SLURM_STATE_DIR"] = str(tmp / "slurm")
    os.environ["SLURM_CONF"] = str(tmp / "slurm" / "slurm.conf")
    if subprocess.run([*SLURM, "start"], capture_output=True).returncode != 0:
        return None
    try:
        result = {}
        for where in ("local", "slurm"):
            data = tmp / f"slurm-data-{where}"
            subprocess.run([sys.executable, str(ROOT / "bench" / "synthesize.py"), str(data), str(SLURM_SHEETS)],
                           check=True)
            work = checkout(tmp / f"slurm-{where}", data)
            if where == "local":
                result["local"] = build(work)
            else:
                before = set(subprocess.run(["squeue", "--states=all", "--noheader", "--format=%i"],
                                            capture_output=True, text=True).stdout.split())
                shipped = [str(CLUSTER_PYTHON), "-m", "snakemake", "--workflow-profile", "profiles/slurm"]
                result["slurm"] = timed(shipped, work)[0]  # the profile as shipped
                after = set(subprocess.run(["squeue", "--states=all", "--noheader", "--format=%i"],
                                           capture_output=True, text=True).stdout.split())
                result["jobs"] = len(after - before)
            result[f"{where}_pdfs"] = {p.name: p.read_bytes() for p in (work / "output").glob("*.pdf")}
        result["identical"] = result.pop("local_pdfs") == result.pop("slurm_pdfs")
        return result
    finally:
        subprocess.run([*SLURM, "stop"], capture_output=True)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return f"{cpu}, {CORES} cores, {memory} GiB RAM; {platform.platform()}; Python {platform.python_version()}"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="factsheet-bench-") as tmp:
        tmp = Path(tmp)
        work = checkout(tmp / "canada")
        build(work, *ONE_LANGUAGE)  # also warms the font cache and builds the HTML the floor renders
        html, sheet_dir = work / "output" / "html" / "canada-2023-en.html", work / "data" / "canada" / "2023"
        # in rounds of one each (see the module's docstring)
        floors, renders, colds, noops, alone, figures = [], [], [], [], [], []
        table = sheet_dir / "contributions.csv"
        original = table.read_text(encoding="utf-8")

        def floor_run() -> tuple[float, float]:
            seconds, out = timed([sys.executable, "-c", FLOOR, str(work / "scripts"), str(html), str(sheet_dir),
                                  str(tmp / "floor.pdf")], work)
            return seconds, float(out.strip().splitlines()[-1])

        for run in range(RUNS):
            seconds, rendering = floor_run()
            floors.append(seconds)
            renders.append(rendering)
            shutil.rmtree(work / "output")
            colds.append(build(work, *ONE_LANGUAGE))
            noops.append(build(work, *ONE_LANGUAGE))
            alone.append(snakemake_alone(tmp / f"alone-{run}"))
            table.write_text(original.replace('"10,912,345"', f'"10,912,{346 + run}"'), encoding="utf-8")
            figures.append(build(work, *ONE_LANGUAGE))
        floor, render = statistics.median(floors), statistics.median(renders)
        table.write_text(original, encoding="utf-8")
        canada_kb = (work / "output" / "canada-2023.pdf").stat().st_size / 1024
        canada_rss = peak_rss(work)
        site_colds = []
        for _ in range(RUNS):
            shutil.rmtree(work / "output")
            site_colds.append(build(work, "--config", "languages=[en]"))
        previews = preview_latencies(work, floor_run)

        data = tmp / "synthetic-data"
        subprocess.run([sys.executable, str(ROOT / "bench" / "synthesize.py"), str(data), str(SHEETS)], check=True)
        batch_dir = checkout(tmp / "batch", data)
        batch = build(batch_dir, *PDFS_ONLY)
        sizes = sorted(p.stat().st_size / 1024 for p in (batch_dir / "output").glob("*.pdf"))
        batch_rss = peak_rss(batch_dir)
        batch_stages = stage_seconds(batch_dir)
        children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        slurm = slurm_against_local(tmp)

    batch_target = 1.2 * SHEETS * render / CORES
    rows = [
        ("floor F: import + render the Canada HTML to PDF", floor, 1.0, "(reference)", None),
        ("R: rendering only, without imports", render, render / floor, "(reference)", None),
        ("cold build of the Canada sheet from clean outputs", statistics.median(colds),
         statistics.median(colds) / floor, "<= 1.5 x F", statistics.median(colds) <= 1.5 * floor),
        ("no-op rebuild", statistics.median(noops), statistics.median(noops) / floor, "<= 1.5 s",
         statistics.median(noops) <= 1.5),
        ("Snakemake alone: the same command, one rule with nothing to do", statistics.median(alone),
         statistics.median(alone) / floor, "(what any no-op costs here)", None),
        ("rebuild after one figure changed", statistics.median(figures), statistics.median(figures) / floor,
         "<= 1.5 x F", statistics.median(figures) <= 1.5 * floor),
        (f"{SHEETS} synthetic sheets on {CORES} cores", batch, batch / (SHEETS * render / CORES),
         f"<= {batch_target:.0f} s (1.2 x N x R / cores)", batch <= batch_target),
    ]
    # Where the batch's time goes: the jobs' own work spread over the cores, of which the PDF stage's (a
    # synthetic sheet may need more layouts than the Canada sheet of R), and what the build adds to them.
    work, pdf_work = sum(batch_stages.values()) / CORES, batch_stages.get("render_pdf", 0.0) / CORES
    rows += [
        (f"{SHEETS} synthetic sheets: the jobs' own work / cores", work, work / (SHEETS * render / CORES),
         "(the batch less Snakemake, forks and idle cores)", None),
        (f"{SHEETS} synthetic sheets: the PDF stage's own work / cores", pdf_work,
         pdf_work / (SHEETS * render / CORES), "(their layouts and PDFs)", None),
    ]
    page, pdf = statistics.median(previews["page"]), statistics.median(previews["pdf"])
    render_beside = statistics.median(previews["render"])  # R measured between the preview's edits
    rows += [
        ("cold build of the Canada sheet with its web edition (make's default)", statistics.median(site_colds),
         statistics.median(site_colds) / floor, "(the web edition's cost)", None),
        ("make preview: saved text to updated web page", page, page / floor, "<= 0.5 s", page <= 0.5),
        ("make preview: saved text to updated PDF", pdf, pdf / floor,
         f"<= R + 0.5 s = {render_beside + 0.5:.2f} s (R between the edits)", pdf <= render_beside + 0.5),
    ]
    if slurm:
        rows += [(f"{SLURM_SHEETS} synthetic sheets, make", slurm["local"], 1.0, "(reference)", None),
                 (f"{SLURM_SHEETS} synthetic sheets through profiles/slurm ({slurm['jobs']} Slurm jobs, PDFs "
                  f"{'identical' if slurm['identical'] else 'DIFFERENT'})", slurm["slurm"],
                  slurm["slurm"] / slurm["local"], "<= 1.5 x make", slurm["slurm"] <= 1.5 * slurm["local"]
                  and slurm["identical"])]
    rss = max([*canada_rss.values(), *batch_rss.values()])
    lines = [
        "# Benchmark results", "",
        f"Machine: {machine()}.", "",
        f"Written by `make bench` ({time.strftime('%Y-%m-%d')}); medians of {RUNS} runs (the Canada measures "
        "in rounds of one each), the batches once. Ratios: to F; for the batch to N x R / cores; "
        "for Slurm to `make` on the same sheets.", "",
        "| measure | seconds | ratio | target | met |", "|---|---:|---:|---|---|",
        *[f"| {name} | {value:.2f} | {ratio:.2f} | {target} | {'' if met is None else ('yes' if met else 'NO')} |"
          for name, value, ratio, target, met in rows],
        "", "| memory and size | value | target | met |", "|---|---:|---|---|",
        f"| peak RSS of any job (worker process) | {rss:.0f} MB | <= 400 MB | {'yes' if rss <= 400 else 'NO'} |",
        f"| peak RSS of any process of the runs (Snakemake included) | {children_mb:.0f} MB | | |",
        *[f"| peak RSS, {stage} | {mb:.0f} MB | | |" for stage, mb in sorted(batch_rss.items())],
        f"| Canada PDF (4 pages) | {canada_kb:.0f} KB | <= 300 KB | {'yes' if canada_kb <= 300 else 'NO'} |",
        f"| synthetic PDFs: median / largest | {statistics.median(sizes):.0f} / {sizes[-1]:.0f} KB | | |",
        "", "Individual runs (s): cold " + ", ".join(f"{c:.2f}" for c in colds) + "; no-op "
        + ", ".join(f"{n:.2f}" for n in noops) + "; Snakemake alone " + ", ".join(f"{a:.2f}" for a in alone)
        + "; one figure " + ", ".join(f"{f:.2f}" for f in figures)
        + "; floor " + ", ".join(f"{f:.2f}" for f in floors) + "; with the web edition "
        + ", ".join(f"{c:.2f}" for c in site_colds) + "; preview page "
        + ", ".join(f"{p:.2f}" for p in previews["page"]) + "; preview PDF "
        + ", ".join(f"{p:.2f}" for p in previews["pdf"]) + "; R between the preview's edits "
        + ", ".join(f"{r:.2f}" for r in previews["render"]) + ".",
    ]
    (ROOT / "bench" / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
