"""Fact sheet pipeline: data/<subject>/<edition>/ -> <output_dir>/<subject>-<edition>-<language>.pdf

Stages, one rule each: check the sheet (and write its table tidy, once for all its
languages), then for each language draw the chart, fill the HTML template, render the
PDF (and report what changed since the previous edition). The sheet's first language is
also published under the edition's plain name, <subject>-<edition>.pdf. The web edition
(<output_dir>/site/, factsheet/site.py) adds per language a page, page previews and a social
card, and an index of every sheet. Every stage is scripts/<stage>.py with a main() that names its arguments;
a rule runs it in a fresh fork of a warm process (scripts/factsheet/stages.py), and
it runs alone from the shell too (python scripts/<stage>.py --help).
"""

import functools
import os
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

sys.path.insert(0, str(Path(workflow.basedir, "scripts")))
from factsheet.brand import font_faces, load_brand, logo_languages  # noqa: E402
from factsheet.editions import (  # noqa: E402
    EDITION_RULE,
    LANGUAGE_RULE,
    SUBJECT_RULE,
    find_sheets,
    previous_edition,
    sheet_languages,
)
from factsheet import site, stages  # noqa: E402
from factsheet.outputs import Outputs  # noqa: E402

min_version("9.0")


configfile: "config/config.yaml"


validate(config, schema="config/config.schema.yaml")

DATA = Path(config["data_dir"])
OUT = Path(config["output_dir"])
FILES = Outputs(OUT)  # the name of every file the rules write (factsheet/outputs.py)
LOGS = FILES.logs
SITE = FILES.site
# The web edition links to each sheet's archival PDF: with it, render_pdf writes both variants.
ARCHIVAL = config["archival"] or config["site"]


def source(path):
    """A file of the workflow itself, as a local input (also when outputs go to cluster storage)."""
    return local(os.path.relpath(path))


# A rule's stage module and the helpers it imports are its inputs: changing them reruns what depends on them.
HELPERS = [source(p) for p in sorted(Path(workflow.basedir, "scripts", "factsheet").glob("*.py"))]
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
    return source(Path(workflow.basedir, "scripts", f"{stage}.py"))


onstart:
    # The warm process imports the libraries while the first jobs are being scheduled.
    stages.warm_up()
    if config["site"] and not config["site_url"]:
        print("note: config site_url is not set: the web edition's links stay relative, and a shared page "
              "shows no card (set site_url to the address the site will be published at)", file=sys.stderr)
    # Temporary files of a build that was killed outright (outputs are written to a temporary
    # file, then renamed); the directory is locked by now, so no other build is writing.
    for leftover in OUT.rglob(".*.part"):
        leftover.unlink(missing_ok=True)


def discover_sheets():
    """(subject, edition) of every data/<subject>/<edition>/ folder, or of the config's list. A folder that
    does not fit the naming rule is named on stderr and skipped: the other sheets are still built."""
    if config["sheets"]:
        return [Path(s).parts for s in config["sheets"]]
    sheets, problems = find_sheets(DATA)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return sheets


SHEETS = discover_sheets()


# Run where the workflow is started, also on a cluster: the final target, the brand and site assets
# (a second's work that every sheet of a group needs), the copies under plain names, the site's index.
localrules:
    all,
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


# What a job's wildcards decide (its sheet's folder, ...) is worked out in its run block. `params:` are kept
# for what can change while no input does (render_web's languages): Snakemake reruns a job whose params
# changed, and comparing any param makes it import pandas first (0.3 s of planning a PDF build here).
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


def sheet_texts_all(wildcards):
    """sheet.yaml and its translations into every language of the sheet."""
    found = [Path(sheet_dir(wildcards), "sheet.yaml"),
             *(Path(sheet_dir(wildcards), f"sheet.{code}.yaml") for code in sheet_languages_of(
                 wildcards.subject, wildcards.edition))]
    return [str(p) for p in found if p.exists()]


def sheet_texts_of(wildcards):
    """sheet.yaml, and its translation into the job's language if it has one (sheet.fr.yaml)."""
    found = [Path(sheet_dir(wildcards), "sheet.yaml"), Path(sheet_dir(wildcards), f"sheet.{wildcards.lang}.yaml")]
    return [str(p) for p in found if p.exists()]


def previous(wildcards):
    """The edition before this one, whose figures and texts the change report compares."""
    return previous_edition(DATA, wildcards.subject, wildcards.edition)


def previous_dir(wildcards):
    return str(DATA / wildcards.subject / previous(wildcards))


def previous_tidy(wildcards):
    return str(FILES.tidy(f"{wildcards.subject}-{previous(wildcards)}"))


def previous_files(wildcards):
    return sorted(str(p) for p in Path(previous_dir(wildcards)).rglob("*") if p.is_file())


def sheet_files(wildcards):
    """Every file of a sheet's data folder: narrative, projects, quotes, photos."""
    return sorted(str(p) for p in Path(sheet_dir(wildcards)).rglob("*") if p.is_file())


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


BATCH_SUMMARIES = [OUT / "batches" / f"{n}.json" for n in range(len(BATCHES))]


rule all:
    """Build every fact sheet, and a change report for each that has a previous edition (in batches, when
    batch_size is set); and the web edition's index."""
    input:
        BATCH_SUMMARIES if BATCHES else finished(SHEETS),
        [SITE / site.INDEX] if config["site"] else [],


rule write_brand_assets:
    """Write the matplotlib style, the logo in its print colour and the static fonts from the brand file."""
    input:
        stage=stage_module("write_brand_assets"),
        brand=BRAND,
        logos=LOGOS,
        helpers=HELPERS,
    output:
        style=FILES.style,
        logo_on_dark=FILES.logo_on_dark,
        language_logos=[FILES.logo_on_dark_in(language) for language in LOGO_LANGUAGES],
        fonts=[FILES.fonts_dir / face["file"] for face in font_faces(load_brand(Path(str(BRAND))))],
    log:
        LOGS / "write_brand_assets.log",
    run:
        stages.run("write_brand_assets", log=log[0], brand_file=input.brand, style_file=output.style,
                   logo_on_dark=output.logo_on_dark, fonts_dir=FILES.fonts_dir,
                   language_logos={language: FILES.logo_on_dark_in(language) for language in LOGO_LANGUAGES})


rule check_sheet:
    """Check every file of a sheet (table, sheet.yaml, texts, photos) before anything is drawn; the table,
    read and checked once, is written tidy for the stages after it."""
    input:
        stage=stage_module("check_sheet"),
        sheet=sheet_files,
        labels=LABELS,
        brand=BRAND,  # the fonts it declares decide which characters print (read from the environment's cache)
        helpers=HELPERS,
    output:
        summary=FILES.summary("{subject}-{edition}"),
        tidy=FILES.tidy("{subject}-{edition}"),
    log:
        LOGS / "check_sheet" / "{subject}-{edition}.log",
    run:
        stages.run("check_sheet", log=log[0], sheet_dir=sheet_dir(wildcards), summary_file=output.summary,
                   tidy_file=output.tidy, plausible_max_usd=config["plausible_max_usd"])


# A stage with many arguments gets them from a function beside its rule: Snakemake's linter measures a run
# block's bytecode, which grows with each Python version.
def chart_arguments(input, output, wildcards):
    return dict(tidy_file=input.tidy, sheet_file=str(Path(sheet_dir(wildcards), "sheet.yaml")),
                brand_file=input.brand, style_file=input.style,
                fonts_dir=FILES.fonts_dir, svg_file=output.chart, tall_svg_file=output.chart_tall,
                phone_svg_file=output.chart_phone, language=wildcards.lang)


rule plot_contributions:
    """Draw the contributions chart as SVG, text kept as text."""
    input:
        stage=stage_module("plot_contributions"),
        tidy=rules.check_sheet.output.tidy,
        sheet=sheet_texts_all,  # one chart design for every language: their legends decide it together
        labels=LABELS,
        brand=BRAND,
        style=rules.write_brand_assets.output.style,
        fonts=rules.write_brand_assets.output.fonts,
        helpers=HELPERS,
    output:
        chart=FILES.chart("{subject}-{edition}-{lang}"),
        chart_tall=FILES.tall_chart("{subject}-{edition}-{lang}"),
        chart_phone=FILES.phone_chart("{subject}-{edition}-{lang}"),
    log:
        LOGS / "plot_contributions" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("plot_contributions", log=log[0], **chart_arguments(input, output, wildcards))


def html_arguments(input, output, wildcards):
    # The page only links to the chart (render_pdf needs it), so the chart is drawn meanwhile.
    name = f"{wildcards.subject}-{wildcards.edition}-{wildcards.lang}"
    return dict(sheet_dir=sheet_dir(wildcards), tidy_file=input.tidy, chart_file=str(FILES.chart(name)),
                logo_file=input.logo_on_dark, fonts_dir=FILES.fonts_dir, html_file=output.html,
                tall_chart_file=str(FILES.tall_chart(name)), language=wildcards.lang)


rule render_html:
    """Fill the sheet template with the sheet's texts and computed figures."""
    input:
        stage=stage_module("render_html"),
        tidy=rules.check_sheet.output.tidy,
        logo_on_dark=logo_of,
        logos=rules.write_brand_assets.output.language_logos,
        fonts=rules.write_brand_assets.output.fonts,
        sheet=sheet_files,
        templates=TEMPLATES,
        helpers=HELPERS,
    output:
        html=FILES.html("{subject}-{edition}-{lang}"),
    log:
        LOGS / "render_html" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("render_html", log=log[0], **html_arguments(input, output, wildcards))


def pdf_arguments(input, output, wildcards):
    return dict(html_file=input.html, sheet_dir=sheet_dir(wildcards), pdf_file=output.pdf,
                archival_file=output.get("archival"), tidy_file=input.tidy, layout_file=output.layout,
                budget_file=input.budget[0] if input.budget else None, language=wildcards.lang)


def budget_record(wildcards):
    """The layout record of the sheet's first language, whose pages are the other languages' budget when
    sheet.yaml states none, and whose chart they show (none for the first language itself, or when it is not
    built)."""
    first = first_language(wildcards)
    if wildcards.lang == first or first not in languages(wildcards.subject, wildcards.edition):
        return []
    return [str(FILES.layout(f"{wildcards.subject}-{wildcards.edition}-{first}"))]


rule render_pdf:
    """Render the HTML to the published PDF (PDF/UA-1) and, when asked, the archival one (PDF/A-3a)."""
    input:
        stage=stage_module("render_pdf"),
        html=rules.render_html.output.html,
        budget=budget_record,
        tidy=rules.check_sheet.output.tidy,
        chart=rules.plot_contributions.output.chart,
        chart_tall=rules.plot_contributions.output.chart_tall,
        logos=rules.write_brand_assets.output,
        sheet=sheet_files,
        templates=TEMPLATES,
        helpers=HELPERS,
    output:
        pdf=FILES.pdf("{subject}-{edition}-{lang}"),
        layout=FILES.layout("{subject}-{edition}-{lang}"),
        **({"archival": FILES.archival("{subject}-{edition}-{lang}")} if ARCHIVAL else {}),
    log:
        LOGS / "render_pdf" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("render_pdf", log=log[0], **pdf_arguments(input, output, wildcards))


rule report_changes:
    """Write what changed since the previous edition: figures old and new, texts added or removed."""
    input:
        stage=stage_module("report_changes"),
        old_tidy=previous_tidy,
        new_tidy=rules.check_sheet.output.tidy,
        old_sheet=previous_files,
        new_sheet=sheet_files,
        helpers=HELPERS,
    output:
        report=FILES.changes("{subject}-{edition}-{lang}"),
    log:
        LOGS / "report_changes" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("report_changes", log=log[0], old_dir=previous_dir(wildcards), new_dir=sheet_dir(wildcards),
                   old_tidy=input.old_tidy, new_tidy=input.new_tidy, report_file=output.report,
                   language=wildcards.lang)


def review_pdfs(wildcards, edition=None):
    """The PDFs of an edition (by default the job's) in each of its languages, for its review page."""
    edition = edition or wildcards.edition
    return [str(FILES.pdf(f"{wildcards.subject}-{edition}-{code}"))
            for code in sheet_languages(DATA / wildcards.subject / edition)
            if not config["languages"] or code in config["languages"]]


def review_previous(wildcards):
    """The previous edition's PDFs, table and files (none for a first edition)."""
    if not previous(wildcards):
        return []
    return [*review_pdfs(wildcards, previous(wildcards)), previous_tidy(wildcards), *previous_files(wildcards)]


def review_arguments(input, output, wildcards):
    old = previous(wildcards)
    return dict(new_dir=sheet_dir(wildcards), new_tidy=input.tidy, new_pdfs=input.pdfs, review_file=output.review,
                old_dir=previous_dir(wildcards) if old else None,
                old_tidy=previous_tidy(wildcards) if old else None,
                old_pdfs=review_pdfs(wildcards, old) if old else [])


rule render_review:
    """Write an edition's review page: the previous edition's figures and this one's side by side, each
    text's changes as a word diff, the translations to check, and the pages of both editions."""
    input:
        stage=stage_module("render_review"),
        tidy=rules.check_sheet.output.tidy,
        pdfs=review_pdfs,
        previous=review_previous,
        sheet=sheet_files,
        labels=LABELS,
        helpers=HELPERS,
    output:
        review=FILES.review("{subject}-{edition}"),
    log:
        LOGS / "render_review" / "{subject}-{edition}.log",
    run:
        stages.run("render_review", log=log[0], **review_arguments(input, output, wildcards))


rule name_first_language:
    """The sheet's first language under the edition's plain name too (canada-2023.pdf, as before the sheets
    had languages): a copy of its PDF or change report."""
    input:
        lambda w: OUT / f"{w.subject}-{w.edition}-{first_language(w)}{w.kind}",
    output:
        OUT / "{subject}-{edition}{kind}",
    wildcard_constraints:
        kind=r"\.pdf|-changes\.md",
    log:
        LOGS / "name_first_language" / "{subject}-{edition}{kind}.log",
    run:
        stages.copy(input[0], output[0])


use rule name_first_language as name_first_language_archival with:
    input:
        lambda w: FILES.archival(f"{w.subject}-{w.edition}-{first_language(w)}"),
    output:
        FILES.archival("{subject}-{edition}"),
    log:
        LOGS / "name_first_language" / "archive-{subject}-{edition}.log",


rule build_batch:
    """Build a batch of sheets in one job, on all the cores it has: a local build of those sheets (each stage
    in a fresh fork of the job's own warm process), which rebuilds only what changed."""
    input:
        sheets=lambda w: sorted(str(p) for s, _ in BATCHES[int(w.batch)] for p in (DATA / s).rglob("*")
                                if p.is_file()),
        code=[*HELPERS, *TEMPLATES, *WEB_TEMPLATES, source(Path(workflow.basedir, "Snakefile")),
              *[stage_module(s) for s in ("check_sheet", "plot_contributions", "render_html", "render_pdf",
                                          "report_changes", "render_review", "publish_sheet_files", "render_previews",
                                          "render_web", "render_card")]],
        brand_assets=rules.write_brand_assets.output,
        site_assets=lambda w: rules.write_site_assets.output if config["site"] else [],  # defined below
    output:
        summary=OUT / "batches" / "{batch}.json",
    params:
        sheets=lambda w: [f"{s}/{e}" for s, e in BATCHES[int(w.batch)]],
        targets=lambda w: [str(t) for t in finished(BATCHES[int(w.batch)])],
    threads: lambda wildcards: workflow.cores  # all the cores the job is given (a node, see profiles/slurm)
    log:
        LOGS / "build_batch" / "{batch}.log",
    run:
        stages.build_batch(params.sheets, params.targets, cores=threads, config=config, summary_file=output.summary,
                           log=log[0])


# ---------- The web edition: <output_dir>/site/ (factsheet/site.py names its files) ----------


def site_pages():
    """Every web page the build makes, as (subject, edition, language)."""
    return [(s, e, code) for s, e in SHEETS for code in languages(s, e)]


rule write_site_assets:
    """Write the web edition's stylesheet, logo and fonts (the PDF's static fonts as WOFF2)."""
    input:
        stage=stage_module("write_site_assets"),
        brand=BRAND,
        fonts=rules.write_brand_assets.output.fonts,
        templates=WEB_TEMPLATES,
        helpers=HELPERS,
    output:
        stylesheet=SITE / site.STYLESHEET,
        logo=SITE / site.LOGO,
        language_logos=[SITE / site.logo(language) for language in LOGO_LANGUAGES],
        icon=SITE / site.ICON,
        fonts=[SITE / site.web_font(face["file"]) for face in font_faces(load_brand(Path(str(BRAND))))],
    log:
        LOGS / "write_site_assets.log",
    run:
        stages.run("write_site_assets", log=log[0], brand_file=input.brand, fonts_dir=FILES.fonts_dir,
                   site_dir=SITE)


rule publish_sheet_files:
    """Put a sheet's cleaned table and its photos (at a web size, without camera metadata) into the site."""
    input:
        stage=stage_module("publish_sheet_files"),
        tidy=rules.check_sheet.output.tidy,
        sheet=sheet_files,
        helpers=HELPERS,
    output:
        table=SITE / site.table("{subject}-{edition}"),
        photos=directory(SITE / site.photos("{subject}-{edition}")),
    log:
        LOGS / "publish_sheet_files" / "{subject}-{edition}.log",
    run:
        stages.run("publish_sheet_files", log=log[0], sheet_dir=sheet_dir(wildcards), tidy_file=input.tidy,
                   table_file=output.table, photos_dir=output.photos)


rule publish_pdf:
    """Put a sheet's PDF and archival PDF into the site, which links to them."""
    input:
        pdf=rules.render_pdf.output.pdf,
        archival=FILES.archival("{subject}-{edition}-{lang}"),
    output:
        pdf=SITE / site.pdf("{subject}-{edition}-{lang}"),
        archival=SITE / site.archival_pdf("{subject}-{edition}-{lang}"),
    log:
        LOGS / "publish_pdf" / "{subject}-{edition}-{lang}.log",
    run:
        stages.copy(input.pdf, output.pdf)
        stages.copy(input.archival, output.archival)


rule render_previews:
    """Draw the PDF's pages as PNG images, and page 1 as the index's thumbnail."""
    input:
        stage=stage_module("render_previews"),
        pdf=rules.render_pdf.output.pdf,
        helpers=HELPERS,
    output:
        previews=directory(SITE / site.previews("{subject}-{edition}-{lang}")),
    log:
        LOGS / "render_previews" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("render_previews", log=log[0], pdf_file=input.pdf, previews_dir=output.previews)


def web_arguments(input, output, params, wildcards):
    return dict(sheet_dir=sheet_dir(wildcards), tidy_file=input.tidy, chart_file=input.chart,
                phone_chart_file=input.chart_phone, site_dir=SITE,
                html_file=output.page, entry_file=output.entry, language=wildcards.lang,
                languages=params.languages, site_url=config["site_url"] or None,
                site_language=config["site_language"])


rule render_web:
    """Write a sheet's web page in one language: its texts and computed figures, the chart inline, links to
    its files; and its entry for the index."""
    input:
        stage=stage_module("render_web"),
        tidy=rules.check_sheet.output.tidy,
        chart=rules.plot_contributions.output.chart,
        chart_phone=rules.plot_contributions.output.chart_phone,
        sheet=sheet_files,
        templates=[*TEMPLATES, *WEB_TEMPLATES],
        assets=rules.write_site_assets.output,
        files=rules.publish_sheet_files.output,
        pdfs=rules.publish_pdf.output,
        previews=rules.render_previews.output.previews,
        helpers=HELPERS,
    output:
        page=SITE / site.page("{subject}-{edition}-{lang}"),
        entry=FILES.entry("{subject}-{edition}-{lang}"),
    params:
        languages=lambda w: languages(w.subject, w.edition),  # a param: the page is made again when they change
        site_url=config["site_url"],
        site_language=config["site_language"],
    log:
        LOGS / "render_web" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("render_web", log=log[0], **web_arguments(input, output, params, wildcards))


rule render_card:
    """Draw a sheet's social card (1200 x 630 PNG): title, date and key figures."""
    input:
        stage=stage_module("render_card"),
        entry=rules.render_web.output.entry,
        fonts=rules.write_brand_assets.output.fonts,
        logo=logo_of,
        logos=rules.write_brand_assets.output.language_logos,
        templates=WEB_TEMPLATES,
        brand=BRAND,
        helpers=HELPERS,
    output:
        card=SITE / site.card("{subject}-{edition}-{lang}"),
    log:
        LOGS / "render_card" / "{subject}-{edition}-{lang}.log",
    run:
        stages.run("render_card", log=log[0], entry_file=input.entry, fonts_dir=FILES.fonts_dir,
                   logo_file=input.logo, card_file=output.card)


rule site_index:
    """Write the site's index: every sheet by subject, edition and language, with page-1 thumbnails. In
    batches, the pages are made by the batch jobs, so the index waits for those."""
    input:
        stage=stage_module("render_site_index"),
        pages=BATCH_SUMMARIES if BATCHES else [FILES.entry(f"{s}-{e}-{code}") for s, e, code in site_pages()],
        templates=WEB_TEMPLATES,
        labels=LABELS,
        helpers=HELPERS,
    output:
        index=SITE / site.INDEX,
        # an index in each other language of the pages, beside it (index-fr.html)
        others=[SITE / site.index(code, config["site_language"])
                for code in sorted({code for _, _, code in site_pages()} - {config["site_language"]})],
    params:
        entries=[FILES.entry(f"{s}-{e}-{code}") for s, e, code in site_pages()],
    log:
        LOGS / "site_index.log",
    run:
        stages.run("render_site_index", log=log[0], entry_files=params.entries, index_file=output.index,
                   language=config["site_language"])
