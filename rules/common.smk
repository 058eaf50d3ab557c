# Shared by the workflow's rules. The sheets to build, the files a job reads, and the names of the files
# the jobs write (factsheet/workflow/outputs.py names them).

import functools
import json
import math
import os
import sys
from pathlib import Path

from factsheet import paths
from factsheet.render.brand import font_faces, load_brand, logo_languages
from factsheet.model.editions import (
    EDITION_RULE,
    LANGUAGE_RULE,
    SUBJECT_RULE,
    find_sheets,
    listed_sheets,
    previous_edition,
    sheet_languages,
)
from factsheet.web import site
from factsheet.workflow import warm
from factsheet.workflow.outputs import Outputs

DATA = Path(config["data_dir"])
OUT = Path(config["output_dir"])
FILES = Outputs(OUT)  # the name of every file the rules write (factsheet/workflow/outputs.py)
LOGS = FILES.logs
# make's command says so first; this is for Snakemake run directly
if OUTPUT_DIR_PROBLEM := paths.output_dir_problem(OUT, DATA):
    raise ValueError(
        f"config output_dir {str(OUT)!r}: {OUTPUT_DIR_PROBLEM}, where the build would write and remove files; "
        "expected a folder of its own, such as output"
    )
if not math.isfinite(config["plausible_max_usd"]):  # the schema's minimum lets NaN through
    raise ValueError(
        f"config plausible_max_usd {config['plausible_max_usd']!r}: not an amount; expected a number of US "
        "dollars above 0"
    )
SITE = FILES.site
FONTS = FILES.fonts_dir  # the brand's static fonts, which the pages and charts use
# The web edition links to each sheet's archival PDF: with it, render_pdf writes both variants.
ARCHIVAL = config["archival"] or config["site"]


# A rule's command is its stage's command line, run by factsheet/workflow/job.py (in a fresh fork of the build's warm
# process, factsheet/workflow/warm.py, when there is one). Its `python` is the one running Snakemake, as if its
# environment were activated (or, with --use-conda, the rule's environment).
envvars:
    "PATH",


os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])


def source(path):
    """A file of the workflow itself, as a local input (also when outputs go to cluster storage)."""
    return local(os.path.relpath(path))


# The package's files: one input of every stage, through their hash (rule package_version), so that a change
# to the package rebuilds what it makes; a stage's own module is an input of its rule only, and make's
# commands (factsheet/commands/) are no input.
PACKAGE = [
    source(p)
    for p in sorted(Path(workflow.basedir, "factsheet").rglob("*"))
    if p.suffix in (".py", ".json") and p.parent.name not in ("stages", "commands")
]
TEMPLATE_FILES = sorted(p for p in Path(workflow.basedir, "templates").rglob("*") if p.is_file())
WEB_DIR = Path(workflow.basedir, "templates", "web")
TEMPLATES = [source(p) for p in TEMPLATE_FILES if not p.is_relative_to(WEB_DIR)]  # the PDF's
WEB_TEMPLATES = [source(p) for p in TEMPLATE_FILES if p.is_relative_to(WEB_DIR)]
BRAND = source(Path(workflow.basedir, "templates", "brand", "brand.yaml"))
LOGOS = [source(p) for p in sorted(Path(workflow.basedir, "templates", "brand").glob("*.svg"))]
# The languages with a logo of their own (brand.yaml logos:), and the logo a page in a language shows.
LOGO_LANGUAGES = logo_languages(load_brand(Path(str(BRAND))))


def logo_of(wildcards):
    return FILES.logo_on_dark_in(wildcards.lang if wildcards.lang in LOGO_LANGUAGES else None)


LABELS = [source(p) for p in sorted(Path(workflow.basedir, "templates", "labels").glob("*.yaml"))]


def stage_module(stage):
    return source(Path(workflow.basedir, "factsheet", "stages", f"{stage}.py"))


# The workflow's own files and every stage's script: a batch job's code (rules/cluster.smk).
WORKFLOW_FILES = [
    source(p) for p in [Path(workflow.basedir, "Snakefile"), *sorted(Path(workflow.basedir, "rules").glob("*.smk"))]
]
STAGE_MODULES = [source(p) for p in sorted(Path(workflow.basedir, "factsheet", "stages").glob("*.py"))]


onstart:
    # The warm process imports the libraries while the first jobs are being scheduled (make starts it before
    # Snakemake: factsheet/workflow/snakemake_process.py).
    warm.start()
    if config["site"] and not config["site_url"]:
        print(
            "note: config site_url is not set: the web edition's links stay relative, and a shared page "
            "shows no card (set site_url to the address the site will be published at)",
            file=sys.stderr,
        )
    # Temporary files of a build that was killed outright (outputs are written to a temporary
    # file, then renamed); the directory is locked by now, so no other build is writing.
    for leftover in OUT.rglob(".*.part"):
        leftover.unlink(missing_ok=True)


def discover_sheets():
    """(subject, edition) of every data/<subject>/<edition>/ folder, or of the config's list. A folder that
    does not fit the naming convention is named on stderr and skipped; the other sheets are still built."""
    sheets, problems = listed_sheets(DATA, config["sheets"]) if config["sheets"] else find_sheets(DATA)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return sheets


SHEETS = discover_sheets()


# Run where the workflow is started, also on a cluster: the final target, the brand and site assets
# (a second's work that every sheet of a group needs), the copies under plain names, the site's index.
localrules:
    all,
    package_version,
    write_brand_assets,
    write_site_assets,
    name_first_language,
    name_first_language_archival,
    site_index,


wildcard_constraints:
    subject=SUBJECT_RULE,
    edition=EDITION_RULE,
    lang=LANGUAGE_RULE,
    batch=r"\d+",


# A job's options are its input, output and wildcards; `params:` only where an option names a file the job does
# not read (render_html's charts), may be left out (render_pdf's archival PDF) or can change while no input does
# (render_web's languages): Snakemake reruns a job whose params changed.
def sheet_dir(wildcards):
    return str(DATA / wildcards.subject / wildcards.edition)


@functools.cache
def sheet_languages_of(subject, edition):
    """A sheet's languages (sheet.yaml's languages:, the first that of its untranslated files), read once; also
    for a sheet the build does not list but reads (the previous edition, whose pages a review page shows)."""
    return sheet_languages(DATA / subject / edition)


def languages(subject, edition):
    """The languages of a sheet to build: all of them, or those of them the config asks for."""
    found = sheet_languages_of(subject, edition)
    return [code for code in found if code in config["languages"]] if config["languages"] else found


def first_language(wildcards):
    return sheet_languages_of(wildcards.subject, wildcards.edition)[0]


# Priorities: the jobs on the longest way through a build (to the PDFs, then from the PDFs to the site's pages and
# index) before the jobs nothing waits for (the cards, the review page), which fill the cores meanwhile. Among jobs of
# one priority, Snakemake's greedy scheduler starts those with the largest inputs first.
def on_the_way_to_pdfs(wildcards):
    """The priority of the jobs that lead to a PDF (the chart, the HTML, the PDF): the first language's highest, as
    the other languages' PDFs wait for its layout."""
    return 2 if wildcards.lang == first_language(wildcards) else 1


def previous(wildcards):
    """The edition before this one, whose figures and texts the change report compares."""
    return previous_edition(DATA, wildcards.subject, wildcards.edition)


def previous_checked(wildcards):
    """The previous edition's checked sheet."""
    return str(FILES.checked(f"{wildcards.subject}-{previous(wildcards)}"))


def sheet_files(wildcards):
    """Every file of a sheet's data folder: narrative, projects, quotes, photos (what check_sheet reads)."""
    return sorted(str(p) for p in Path(sheet_dir(wildcards)).rglob("*") if p.is_file())


def sheet_photos(wildcards):
    """The photos of a sheet's data folder: the one part of it that stages after the check read."""
    return sorted(str(p) for p in Path(sheet_dir(wildcards), "photos").rglob("*") if p.is_file())


def finished(sheets):
    """What building ``sheets`` makes: each language's PDF (and archival PDF, when asked for by name: else
    `make archive` after `make` finds every published PDF up to date) and change report, and its web page and
    social card; and the first language's under the edition's plain name."""
    found = []
    for s, e in sheets:
        editions = [f"{s}-{e}-{code}" for code in languages(s, e)]
        found += [SITE / f(name) for name in editions for f in (site.page, site.card)] if config["site"] else []
        if sheet_languages_of(s, e)[0] in languages(s, e):
            editions.append(f"{s}-{e}")
        found += [FILES.pdf(name) for name in editions]
        found += [FILES.archival(name) for name in editions] if config["archival"] else []
        found += [FILES.changes(name) for name in editions] if previous_edition(DATA, s, e) else []
        found += [FILES.review(f"{s}-{e}")] if config["review"] else []
    return found


def batches(sheets, size):
    """The sheets in batches of about ``size``, a subject's editions together (a change report reads the
    previous edition's table)."""
    found = []
    for subject in dict.fromkeys(s for s, _ in sheets):
        if not found or len(found[-1]) >= size:
            found.append([])
        found[-1] += [(s, e) for s, e in sheets if s == subject]
    return found


BATCHES = batches(SHEETS, config["batch_size"]) if config["batch_size"] else []


BATCH_SUMMARIES = [OUT / "batches" / f"{n}.txt" for n in range(len(BATCHES))]


def budget_record(wildcards):
    """The layout record of the sheet's first language, whose pages are the other languages' budget when
    sheet.yaml states none, and whose chart they show (none for the first language itself, or when it is not
    built)."""
    first = first_language(wildcards)
    if wildcards.lang == first or first not in languages(wildcards.subject, wildcards.edition):
        return []
    return [str(FILES.layout(f"{wildcards.subject}-{wildcards.edition}-{first}"))]


def review_pdfs(wildcards, edition=None):
    """The PDFs of an edition (by default the job's) in each of its languages, for its review page."""
    edition = edition or wildcards.edition
    return [
        str(FILES.pdf(f"{wildcards.subject}-{edition}-{code}"))
        for code in sheet_languages(DATA / wildcards.subject / edition)
        if not config["languages"] or code in config["languages"]
    ]


def review_previous(wildcards):
    """The previous edition's PDFs and checked sheet (none for a first edition)."""
    if not previous(wildcards):
        return []
    return [*review_pdfs(wildcards, previous(wildcards)), previous_checked(wildcards)]


def site_pages():
    """Every web page the build makes, as (subject, edition, language)."""
    return [(s, e, code) for s, e in SHEETS for code in languages(s, e)]
