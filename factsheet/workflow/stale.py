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


_OUTPUT_NAME = re.compile(rf"(?:archive-)?(?P<sheet>{SUBJECT_RULE}-{EDITION_RULE})(?:-(?P<language>{LANGUAGE_RULE}))?")


def outputs_by_sheet(out_dir: Path) -> dict[str, set[str]]:
    """The sheets (``<subject>-<edition>``) that have PDFs, web pages or index entries in ``out_dir``, each with
    the languages they are in; each folder read once."""
    files, found = Outputs(out_dir), {}
    for folder, suffix in ((files.pdfs_dir, ".pdf"), (files.site, ".html"), (files.entries_dir, ".json")):
        for path in folder.glob(f"*{suffix}"):
            if match := _OUTPUT_NAME.fullmatch(path.name.removesuffix(suffix)):
                found.setdefault(match["sheet"], set()).update({match["language"]} - {None})
    return found


def published(out_dir: Path, sheet: str, languages: set[str] | None = None) -> list[Path]:
    """Every output of a sheet (``<subject>-<edition>``) that is published or linked, which exists: its PDFs
    in every language it has outputs in, the plain-name copy, archival PDFs, change reports, and in the web
    edition its pages, cards, previews, the PDFs, table and photos the pages link to, and its index entries.
    ``languages``: only the outputs of those languages (a language the sheet no longer has)."""
    files = Outputs(out_dir)
    found = [] if languages else [files.pdf(sheet), files.archival(sheet), files.changes(sheet),
                                  files.site / site.table(sheet), files.site / site.photos(sheet)]
    for name in (f"{sheet}-{code}" for code in sorted(languages or outputs_by_sheet(out_dir).get(sheet, ()))):
        found += [files.pdf(name), files.archival(name), files.changes(name), files.entry(name),
                  *(files.site / f(name) for f in (site.page, site.card, site.previews, site.pdf, site.archival_pdf))]
    return [p for p in found if p.exists() or p.is_symlink()]


def set_aside(out_dir: Path, sheet: str, languages: set[str] | None = None) -> list[Path]:
    """Move the sheet's published outputs (of ``languages`` only, if given) to ``<out_dir>/stale/`` (same relative
    paths, replacing what an earlier refusal put there); the paths they had."""
    moved = []
    for path in published(out_dir, sheet, languages):
        target = out_dir / STALE_DIR / path.relative_to(out_dir)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        moved.append(path)
    return moved
