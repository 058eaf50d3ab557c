"""Fact sheet pipeline: data/<subject>/<edition>/ -> <output_dir>/<subject>-<edition>-<language>.pdf

rules/sheets.smk checks a sheet, then for each language draws the chart, fills the HTML template and
renders the PDF (and reports what changed since the previous edition); rules/site.smk makes the web
edition (<output_dir>/site/); rules/cluster.smk builds sheets in batches on a cluster; rules/common.smk
finds the sheets and names the files the rules read. Each stage is a module of factsheet/stages/, which
also runs alone from the shell (python -m factsheet.stages.<stage> --help).
"""

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, schema="config/config.schema.yaml")


include: "rules/common.smk"


rule all:
    """Build every fact sheet, and a change report for each that has a previous edition (in batches, when
    batch_size is set); and the web edition's index."""
    input:
        BATCH_SUMMARIES if BATCHES else finished(SHEETS),
        [SITE / site.INDEX] if config["site"] else [],


include: "rules/sheets.smk"
include: "rules/site.smk"
include: "rules/cluster.smk"
