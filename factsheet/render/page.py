"""What a sheet's page shows, in one language: its texts, computed figures and chart (the values of the sheet
template, which the web edition reuses), and the template filled with them."""

import functools
from pathlib import Path

import jinja2

from factsheet import __version__, paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import confined, read_template_file
from factsheet.model import links, markdown
from factsheet.model.checked import CheckedSheet
from factsheet.model.figures import Figures
from factsheet.model.narrative import BLOCKS
from factsheet.model.sheet import Sheet
from factsheet.render import brand
from factsheet.render.formatting import Formatter, css_page_counter, css_string, isolated, load_labels
from factsheet.render.palette import stream_css

SHORT_PROJECT_WORDS = 70  # a project this short is kept whole in one column


def column_runs(projects: list[dict]) -> list[dict]:
    """A partner's projects in two columns, as runs that each end at a project with quotes (its quotes span
    both columns) or at the last project. A run of one short project spans the columns itself ("wide"), a run
    of two is laid side by side ("pair"): balanced in columns, a lone short card leaves one column empty, and
    WeasyPrint balances unbreakable cards a pixel per layout pass. Other runs are set in columns."""
    runs, current = [], []
    for project in projects:
        current.append(project)
        if project["quotes"] or project is projects[-1]:
            all_short = all(p["short"] for p in current)
            kind = {1: "wide", 2: "pair"}.get(len(current)) if all_short else None
            runs.append({"kind": kind or "columns", "projects": current})
            current = []
    return runs


def chart_alt(sheet: Sheet, figures: Figures, fmt: Formatter) -> str:
    """Alt text for the chart, from its data: what it shows and every figure, labels as typed; each figure at the
    precision the sheet prints it (a year's amount as its bar and table cell, a total as its key figure)."""
    labels = fmt.labels
    intro = labels["chart_alt"].format(possessive=sheet.donor.possessive, period=figures.period.long)
    years = "; ".join(
        labels["chart_alt_year"].format(year=year, figures=", ".join(
            f"{s.label} {fmt.usd_millions_nearest(figures.by_year[year][s.id])}" for s in sheet.streams
            if s.id in figures.by_year[year]) or labels["chart_alt_no_figures"])
        for year in figures.by_year
    )
    totals = "; ".join(labels["chart_alt_total"].format(label=s.label, total=fmt.usd_millions(figures.totals[s.id]),
                                                        window=figures.windows[s.id].long) for s in sheet.streams)
    return f"{intro} {years}. {totals}."


def rounding_shows(sheet: Sheet, figures: Figures, fmt: Formatter) -> bool:
    """Whether the figures as shown fail to add up: a stream's yearly cells to its total as its key figure and
    legend show it, or a year's stream cells to the year's total cell."""
    shown = fmt.shown_millions
    for s in sheet.streams:
        cells = [shown(figures.by_year[y][s.id]) for y in figures.by_year if s.id in figures.by_year[y]]
        if cells and sum(cells) != shown(figures.totals[s.id], down=True):
            return True
    return any(sum(shown(v) for v in amounts.values()) != shown(sum(amounts.values()))
               for amounts in figures.by_year.values() if amounts)


def chart_table(sheet: Sheet, figures: Figures, fmt: Formatter) -> dict:
    """The chart's figures as a small table: a row per stream and the total, a column per year;
    a year outside a stream's window reads as missing, not as 0."""
    years = list(figures.by_year)
    missing = fmt.labels["chart_table_missing"]

    def cell(values):
        return fmt.millions(sum(values)) if values else missing

    rows = [{"label": s.label, "stream": i, "cells": [cell([figures.by_year[y][s.id]] if s.id in figures.by_year[y]
                                                           else []) for y in years]}
            for i, s in enumerate(sheet.streams, start=1)]
    rows.append({"label": fmt.labels["chart_total"], "stream": None,
                 "cells": [cell(list(figures.by_year[y].values())) for y in years]})
    return {"years": years, "rows": rows}


def description(sheet: Sheet, figures: Figures, fmt: Formatter) -> str:
    """The PDF's subject: the donor and the reporting window, or each stream's window when they differ."""
    labels = fmt.labels
    if figures.same_windows:
        return labels["pdf_subject"].format(donor=sheet.donor.name, period=figures.period.long)
    windows = fmt.join(f"{s.label} {figures.windows[s.id].long}" for s in sheet.streams)
    return labels["pdf_subject_windows"].format(donor=sheet.donor.name, windows=windows)


def project_order(projects: list, partners: list) -> list:
    """Partner groups in the order sheet.yaml lists them, a group with a featured project first;
    in each group the featured projects first, then the others in file order."""
    groups = []
    for partner in partners:
        members = [p for p in projects if p.partner == partner.code]
        if members:
            groups.append((partner, sorted(members, key=lambda p: not p.featured)))
    return sorted(groups, key=lambda group: not any(p.featured for p in group[1]))


def sheet_photo(file: str) -> str:
    """A photo as the PDF stage's fetcher finds it: in the sheet's folder (sheet:photos/x.jpg)."""
    return f"{paths.SHEET_SCHEME}:{file}"


def context(model: CheckedSheet, chart_src: str, logos: dict, fonts_url: str = "../fonts",
            labels_dir: Path = paths.LABELS_DIR, brand_file: Path = paths.BRAND_FILE,
            language: str | None = None, photo_src=sheet_photo) -> dict:
    """Everything the template shows, computed and formatted, in ``language`` (by default the sheet's first),
    from the checked sheet; ``photo_src`` gives a photo's address from its file name in the sheet folder."""
    sheet = model.sheet(language)
    labels = load_labels(sheet.language, labels_dir)
    typography = labels.get("typography")
    fmt = Formatter(sheet.language, labels)
    figures = model.figures(labels)
    edition = model.edition(language)
    blocks = edition["blocks"]
    projects, quotes = model.projects(language), model.quotes(language)
    sheet = markdown.typeset_model(sheet, typography)

    def quote_view(quote):
        return {"html": markdown.inline_html(" ".join(quote.filled.split()), typography),
                "speaker": quote.model.speaker,
                "role_html": markdown.inline_html(quote.model.role, typography) if quote.model.role else None}

    def project_view(entry):
        project, photo = entry.model, None
        if project.photo:
            photo = {"src": photo_src(project.photo.file), "caption": project.photo.caption,
                     "credit": project.photo.credit}
        html = markdown.to_html(entry.filled, typography)
        lead, _, rest = html.partition("</p>\n")  # a photo follows the first paragraph, so the card can
        lead = lead + "</p>\n" if rest else html   # begin at the foot of a column and its photo move on
        return {"id": project.id, "title": project.title, "countries": project.countries,
                "lead_html": lead, "rest_html": rest, "photo": photo,
                "short": len(project.body.split()) < SHORT_PROJECT_WORDS, "featured": project.featured,
                "quotes": [quote_view(q) for q in quotes if q.model.project == project.id]}

    groups, entries = [], {entry.model.id: entry for entry in projects}
    for partner, members in project_order([entry.model for entry in projects], sheet.partners):
        views = [project_view(entries[p.id]) for p in members]
        # The featured projects, or the only one, across the page; the others in two columns.
        wide = views if len(views) == 1 else [v for v in views if v["featured"]]
        groups.append({"heading": labels["partner_heading"].format(name=partner.name, code=partner.shown_code),
                       "projects": views, "wide": wide, "runs": column_runs([v for v in views if v not in wide])})
    brand_values = brand.load_brand(brand_file)
    colours = stream_css(brand_values, len(sheet.streams))  # each stream's fill and ink
    return {
        "sheet": sheet,
        "labels": labels,
        "formatter": fmt,
        "edition": fmt.month_year(sheet.edition_date),
        "narrative": {name: blocks.get(name) for name in BLOCKS},  # a missing block is None
        "present_blocks": sorted(blocks),
        "key_figures": [
            {"value": fmt.usd_millions(figures.totals[s.id]), "stream": i,
             "caption": labels["key_figure_caption"].format(label=isolated(s.label),
                                                                  period=figures.windows[s.id].long)}
            for i, s in enumerate(sheet.streams, start=1)
        ],
        "chart": {"src": chart_src, "tall_src": None, "alt": chart_alt(sheet, figures, fmt),
                  **edition["chart"], "table": chart_table(sheet, figures, fmt),
                  "rounding_note": labels["rounding_note"] if rounding_shows(sheet, figures, fmt) else None},
        "description": description(sheet, figures, fmt),
        "keywords": [*labels["pdf_keywords"], sheet.donor.name,
                     *dict.fromkeys(w.long for w in [figures.period, *figures.windows.values()]),
                     *[p.name for p in sheet.partners]],
        "partner_groups": groups,
        "loose_quotes": [quote_view(q) for q in quotes if q.model.project is None],
        "stream_css": colours,
        "css": brand.css(brand_values, fonts_url) + colours + "\n"
               + read_template_file(paths.STYLESHEET),
        "page_of": css_page_counter(labels["page_of"]),
        "logos": logos,
        "generator": f"factsheet pipeline {__version__}",
    }


@functools.cache
def templates(templates_dir: Path = paths.TEMPLATES_DIR) -> jinja2.Environment:
    """The sheet's templates, HTML-escaped, strict about unknown names. One environment a process, which keeps
    the templates compiled (and compiles one again when its file changes)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["css_string"] = css_string  # a label inside the <style> element, which HTML escaping misses
    return environment


def render(values: dict, templates_dir: Path = paths.TEMPLATES_DIR) -> str:
    """The sheet's HTML; a DataError naming the template if it would link anywhere but an https:, http: or
    mailto: address or a #place (WeasyPrint would turn any other link into a file:// link of this machine)."""
    template = confined(Path(templates_dir) / paths.SHEET_TEMPLATE, templates_dir, "the templates folder")
    html = templates(Path(templates_dir)).get_template(paths.SHEET_TEMPLATE).render(**values)
    refused = links.unsafe_hrefs(html)
    if refused:
        raise DataError([Problem(display_path(template), "", links.link_problem(href)) for href in refused])
    return html
