"""Fact sheet pipeline: data/<subject>/<edition>/ -> <output_dir>/<subject>-<edition>.pdf

Stages, one rule each: clean the contributions table, draw the chart, fill the
HTML template, render the PDF. Every stage is a script under scripts/ whose
functions the tests call directly.
"""

import sys
from pathlib import Path

from snakemake.utils import min_version, validate

sys.path.insert(0, str(Path(workflow.basedir, "scripts")))
from factsheet.brand import font_faces, load_brand  # noqa: E402
from factsheet.editions import contributions_file, previous_edition  # noqa: E402

min_version("9.0")


configfile: "config/config.yaml"


validate(config, schema="config/config.schema.yaml")

DATA = Path(config["data_dir"])
OUT = Path(config["output_dir"])
LOGS = OUT / "logs"
# Snakemake tracks a script only by its own file: the modules it imports are declared as inputs.
HELPERS = sorted(str(p) for p in Path(workflow.basedir, "scripts", "factsheet").glob("*.py"))
TEMPLATES = [str(p) for p in Path(workflow.basedir, "templates").rglob("*") if p.is_file()]
BRAND = str(Path(workflow.basedir, "templates", "brand", "brand.yaml"))
LOGO = str(Path(workflow.basedir, "templates", "brand", "logo.svg"))
LABELS = sorted(str(p) for p in Path(workflow.basedir, "templates", "labels").glob("*.yaml"))


def discover_sheets():
    """(subject, edition) of every data/<subject>/<edition>/sheet.yaml, or of the config's list."""
    if config["sheets"]:
        return [Path(s).parts for s in config["sheets"]]
    return sorted((p.parent.parent.name, p.parent.name) for p in DATA.glob("*/*/sheet.yaml"))


SHEETS = discover_sheets()
SUBJECTS = [subject for subject, _ in SHEETS]
EDITIONS = [edition for _, edition in SHEETS]


wildcard_constraints:
    subject=r"[a-z0-9]+(-[a-z0-9]+)*",
    edition=r"\d{4}",


def sheet_dir(wildcards):
    return str(DATA / wildcards.subject / wildcards.edition)


def contributions_table(wildcards):
    """The raw table as the user saved it: contributions.csv, else contributions.xlsx (check_sheet reports
    a missing table; none is asked for here so that Snakemake does not stop before it)."""
    table = contributions_file(Path(sheet_dir(wildcards)))
    return str(table) if table.exists() else []


def previous(wildcards):
    """The edition before this one, whose figures and texts the change report compares."""
    return previous_edition(DATA, wildcards.subject, wildcards.edition)


def previous_dir(wildcards):
    return str(DATA / wildcards.subject / previous(wildcards))


def previous_tidy(wildcards):
    return str(OUT / "clean" / f"{wildcards.subject}-{previous(wildcards)}.csv")


def previous_files(wildcards):
    return sorted(str(p) for p in Path(previous_dir(wildcards)).rglob("*") if p.is_file())


CHANGE_REPORTS = [OUT / f"{s}-{e}-changes.md" for s, e in SHEETS if previous_edition(DATA, s, e)]


def sheet_files(wildcards):
    """Every file of a sheet's data folder: narrative, projects, quotes, photos."""
    return sorted(str(p) for p in Path(sheet_dir(wildcards)).rglob("*") if p.is_file())


rule all:
    """Build every fact sheet, and a change report for each that has a previous edition."""
    input:
        expand(OUT / "{subject}-{edition}.pdf", zip, subject=SUBJECTS, edition=EDITIONS),
        CHANGE_REPORTS,


rule write_brand_assets:
    """Write the matplotlib style, the logo in its print colour and the static fonts from the brand file."""
    input:
        brand=BRAND,
        logo=LOGO,
        helpers=HELPERS,
    output:
        style=OUT / "style" / "brand.mplstyle",
        logo_on_dark=OUT / "style" / "logo-on-dark.svg",
        fonts=[OUT / "fonts" / face["file"] for face in font_faces(load_brand(Path(BRAND)))],
    params:
        fonts_dir=OUT / "fonts",
    log:
        LOGS / "write_brand_assets.log",
    conda:
        "environment.yml"
    script:
        "scripts/write_brand_assets.py"


rule check_sheet:
    """Check every file of a sheet (table, sheet.yaml, texts, photos) before anything is drawn."""
    input:
        sheet=sheet_files,
        labels=LABELS,
        helpers=HELPERS,
    output:
        summary=OUT / "checked" / "{subject}-{edition}.json",
    params:
        sheet_dir=sheet_dir,
    log:
        LOGS / "check_sheet" / "{subject}-{edition}.log",
    conda:
        "environment.yml"
    script:
        "scripts/check_sheet.py"


rule clean_contributions:
    """Read the contributions table (CSV or XLSX), check it and write it tidy."""
    input:
        checked=rules.check_sheet.output.summary,  # nothing is drawn before the whole sheet is checked
        table=contributions_table,
        sheet=DATA / "{subject}" / "{edition}" / "sheet.yaml",
        helpers=HELPERS,
    output:
        tidy=OUT / "clean" / "{subject}-{edition}.csv",
    log:
        LOGS / "clean_contributions" / "{subject}-{edition}.log",
    conda:
        "environment.yml"
    script:
        "scripts/clean_contributions.py"


rule plot_contributions:
    """Draw the contributions chart as SVG, text kept as text."""
    input:
        tidy=rules.clean_contributions.output.tidy,
        sheet=DATA / "{subject}" / "{edition}" / "sheet.yaml",
        brand=BRAND,
        style=rules.write_brand_assets.output.style,
        fonts=rules.write_brand_assets.output.fonts,
        helpers=HELPERS,
    output:
        chart=OUT / "charts" / "{subject}-{edition}.svg",
    log:
        LOGS / "plot_contributions" / "{subject}-{edition}.log",
    conda:
        "environment.yml"
    script:
        "scripts/plot_contributions.py"


rule render_html:
    """Fill the sheet template with the sheet's texts and computed figures."""
    input:
        tidy=rules.clean_contributions.output.tidy,
        chart=rules.plot_contributions.output.chart,
        logo_on_dark=rules.write_brand_assets.output.logo_on_dark,
        fonts=rules.write_brand_assets.output.fonts,
        sheet=sheet_files,
        templates=TEMPLATES,
        helpers=HELPERS,
    output:
        html=OUT / "html" / "{subject}-{edition}.html",
    params:
        sheet_dir=sheet_dir,
    log:
        LOGS / "render_html" / "{subject}-{edition}.log",
    conda:
        "environment.yml"
    script:
        "scripts/render_html.py"


rule render_pdf:
    """Render the HTML to the published PDF (PDF/UA-1) and, when asked, the archival one (PDF/A-3a)."""
    input:
        html=rules.render_html.output.html,
        tidy=rules.clean_contributions.output.tidy,
        chart=rules.plot_contributions.output.chart,
        logos=rules.write_brand_assets.output,
        sheet=sheet_files,
        templates=TEMPLATES,
        helpers=HELPERS,
    output:
        pdf=OUT / "{subject}-{edition}.pdf",
        **({"archival": OUT / "archive" / "{subject}-{edition}.pdf"} if config["archival"] else {}),
    params:
        sheet_dir=sheet_dir,
    log:
        LOGS / "render_pdf" / "{subject}-{edition}.log",
    conda:
        "environment.yml"
    script:
        "scripts/render_pdf.py"


rule report_changes:
    """Write what changed since the previous edition: figures old and new, texts added or removed."""
    input:
        old_tidy=previous_tidy,
        new_tidy=rules.clean_contributions.output.tidy,
        old_sheet=previous_files,
        new_sheet=sheet_files,
        helpers=HELPERS,
    output:
        report=OUT / "{subject}-{edition}-changes.md",
    params:
        old_dir=previous_dir,
        new_dir=sheet_dir,
    log:
        LOGS / "report_changes" / "{subject}-{edition}.log",
    conda:
        "environment.yml"
    script:
        "scripts/report_changes.py"
