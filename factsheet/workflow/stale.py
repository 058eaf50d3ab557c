"""A refused or removed sheet's earlier outputs, taken out of publication: moved to ``<output>/stale/`` under the
same relative paths, so that no PDF or web page with the figures of an earlier build stays under its published
name after the sheet was refused, or its folder removed from the data. The next build that accepts the sheet
makes them again.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from factsheet.model.editions import EDITION_RULE, LANGUAGE_RULE, SUBJECT_RULE
from factsheet.web import site
from factsheet.workflow.outputs import Outputs

STALE_DIR = "stale"


def failed_sheets(failed_logs: list[Path], logs_dir: Path, sheets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The sheets (subject, edition) of ``sheets`` that a failed job worked on, from the jobs' logs: a job's
    log is named after its sheet (logs/<stage>/<subject>-<edition>[-<language>].log, and the plain-name
    copies' <subject>-<edition>.pdf.log, archive-<subject>-<edition>.pdf.log)."""
    stems = set()
    for log in failed_logs:
        log = Path(log)
        if log.is_relative_to(logs_dir) and len(log.relative_to(logs_dir).parts) == 2:
            stems.add(log.name.removesuffix(".log"))
    return [(subject, edition) for subject, edition in sheets
            if any(re.fullmatch(rf"(archive-)?{re.escape(subject)}-{edition}(-{LANGUAGE_RULE})?(\.pdf|-changes\.md)?",
                                stem) for stem in stems)]


def removed_sheets(out_dir: Path, sheets: list[tuple[str, str]]) -> list[str]:
    """The sheets (``<subject>-<edition>``) that have PDFs or web pages in ``out_dir`` but are not among
    ``sheets`` (every sheet of the data folder): their folders were removed, or renamed."""
    files = Outputs(out_dir)
    output_name = re.compile(rf"(?:archive-)?(?P<sheet>{SUBJECT_RULE}-{EDITION_RULE})(?:-{LANGUAGE_RULE})?")
    found = {match["sheet"] for folder, suffix in ((out_dir, ".pdf"), (files.site, ".html"))
             for path in folder.glob(f"*{suffix}") if (match := output_name.fullmatch(path.name.removesuffix(suffix)))}
    return sorted(found - {f"{subject}-{edition}" for subject, edition in sheets})


def published(out_dir: Path, sheet: str) -> list[Path]:
    """Every output of a sheet (``<subject>-<edition>``) that is published or linked, which exists: its PDFs
    in every language it has outputs in, the plain-name copy, archival PDFs, change reports, and in the web
    edition its pages, cards, previews, the PDFs, table and photos the pages link to, and its index entries."""
    files = Outputs(out_dir)
    language = re.compile(rf"{re.escape(sheet)}-({LANGUAGE_RULE})")
    named = ((out_dir, ".pdf"), (files.site, ".html"), (files.entry(sheet).parent, ".json"))
    languages = {m[1] for folder, suffix in named
                 for p in folder.glob(f"{sheet}-*{suffix}") if (m := language.fullmatch(p.name.removesuffix(suffix)))}
    found = [files.pdf(sheet), files.archival(sheet), files.changes(sheet),
             files.site / site.table(sheet), files.site / site.photos(sheet)]
    for name in (f"{sheet}-{code}" for code in sorted(languages)):
        found += [files.pdf(name), files.archival(name), files.changes(name), files.entry(name),
                  *(files.site / f(name) for f in (site.page, site.card, site.previews, site.pdf, site.archival_pdf))]
    return [p for p in found if p.exists() or p.is_symlink()]


def set_aside(out_dir: Path, sheet: str) -> list[Path]:
    """Move the sheet's published outputs to ``<out_dir>/stale/`` (same relative paths, replacing what an
    earlier refusal put there); the paths they had."""
    moved = []
    for path in published(out_dir, sheet):
        target = out_dir / STALE_DIR / path.relative_to(out_dir)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        moved.append(path)
    return moved
