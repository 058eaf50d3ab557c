"""Check every file of a sheet before anything is drawn, reporting every problem of every file at once."""

from pathlib import Path

from . import paths
from .contributions import read_raw, tidy
from .editions import contributions_file
from .errors import DataError, Problem, display_path
from .figures import compute_for, sheet_windows
from .files import outside_problem
from .formatting import Formatter, load_labels
from .narrative import entry_problems, environment, load_blocks, narrative_names
from .sheet import load_projects, load_quotes, load_sheet

KNOWN_ENTRIES = {paths.SHEET_FILE, f"{paths.CONTRIBUTIONS_STEM}.csv", f"{paths.CONTRIBUTIONS_STEM}.xlsx",
                 paths.NARRATIVE_DIR, paths.PROJECTS_DIR, paths.QUOTES_DIR, paths.PHOTOS_DIR}


def check_sheet(sheet_dir: Path, labels_dir: Path = paths.LABELS_DIR) -> dict:
    """Load and check sheet.yaml, the table, the texts and the photos; return a summary of what was checked."""
    sheet_dir = Path(sheet_dir)
    problems: list[Problem] = []

    def attempt(load):
        try:
            return load()
        except DataError as err:
            problems.extend(err.problems)
            return None

    problems += _stray_entries(sheet_dir)
    problems += _links_leaving(sheet_dir)
    if not (sheet_dir / paths.SHEET_FILE).is_file():
        problems.append(Problem(display_path(sheet_dir), "", f"{paths.SHEET_FILE} is missing; expected one in "
                                "every sheet folder"))
        raise DataError(list(dict.fromkeys(problems)))
    sheet = attempt(lambda: load_sheet(sheet_dir / paths.SHEET_FILE))
    if sheet is None:
        raise DataError(list(dict.fromkeys(problems)))
    if not (labels_dir / f"{sheet.language}.yaml").is_file():
        available = ", ".join(sorted(p.stem for p in labels_dir.glob("*.yaml")))
        problems.append(Problem(display_path(sheet_dir / paths.SHEET_FILE), "key language",
                                f"{sheet.language!r} has no labels file; expected one of {available} "
                                f"(or add templates/labels/{sheet.language}.yaml)"))
        raise DataError(list(dict.fromkeys(problems)))
    table_file = contributions_file(sheet_dir)
    table = None
    if not table_file.is_file():
        problems.append(Problem(display_path(table_file), "", "the contributions table is missing; expected "
                                f"{paths.CONTRIBUTIONS_STEM}.csv or {paths.CONTRIBUTIONS_STEM}.xlsx"))
    else:
        streams = [s.id for s in sheet.streams]
        table = attempt(lambda: tidy(read_raw(table_file), streams, table_file, **sheet_windows(sheet)))
    projects = attempt(lambda: load_projects(sheet_dir, sheet))
    quotes = attempt(lambda: load_quotes(sheet_dir, projects or [])) if projects is not None else None
    blocks = None
    if table is not None:
        fmt = Formatter(sheet.language, load_labels(sheet.language, labels_dir))
        figures = compute_for(table, sheet)
        names, env = narrative_names(sheet, figures), environment(fmt.filters())
        blocks = attempt(lambda: load_blocks(sheet_dir, names, env))
        problems += entry_problems(sheet_dir, projects or [], quotes or [], names, env)
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    return {"sheet": display_path(sheet_dir), "table": display_path(table_file), "rows": len(table),
            "years": [int(table["year"].min()), int(table["year"].max())], "narrative": sorted(blocks),
            "projects": len(projects), "quotes": len(quotes),
            "photos": sum(1 for p in projects if p.photo)}


def _links_leaving(sheet_dir: Path) -> list[Problem]:
    """The sheet's files and folders that are links leaving the sheet's folder (each is also refused where it
    is read; here they are named all at once, before anything is read)."""
    entries = [sheet_dir / name for name in sorted(KNOWN_ENTRIES)]
    for folder in (paths.NARRATIVE_DIR, paths.PROJECTS_DIR, paths.QUOTES_DIR, paths.PHOTOS_DIR):
        if (sheet_dir / folder).is_dir() and (sheet_dir / folder).resolve().is_relative_to(sheet_dir.resolve()):
            entries += sorted((sheet_dir / folder).iterdir())
    problems = [outside_problem(entry, sheet_dir) for entry in entries if entry.exists() or entry.is_symlink()]
    return [p for p in problems if p]


def _stray_entries(sheet_dir: Path) -> list[Problem]:
    """Files at the top of a sheet folder that look like a misnamed input (sheet.yml, contributions.xls)."""
    problems = []
    for folder in (paths.PROJECTS_DIR, paths.QUOTES_DIR):
        inside = (sheet_dir / folder).resolve().is_relative_to(sheet_dir.resolve())  # else: _links_leaving
        for entry in sorted((sheet_dir / folder).iterdir()) if (sheet_dir / folder).is_dir() and inside else []:
            if entry.suffix != ".md" and not entry.name.startswith("."):
                problems.append(Problem(display_path(entry), "", f"{entry.name!r} is not read by the pipeline; "
                                        f"expected Markdown files (.md) in {folder}/"))
    for entry in sorted(sheet_dir.iterdir()) if sheet_dir.is_dir() else []:
        if entry.name in KNOWN_ENTRIES or entry.name.startswith("."):
            continue
        if entry.is_dir():
            problems.append(Problem(display_path(entry), "", f"the folder {entry.name!r} is not read by the "
                                    f"pipeline; expected only {', '.join(sorted(KNOWN_ENTRIES))}"))
            continue
        if entry.suffix.lower() in (".yaml", ".yml", ".csv", ".xlsx", ".xls", ".ods", ".json") \
                or entry.stem.lower() in ("sheet", paths.CONTRIBUTIONS_STEM):
            problems.append(Problem(display_path(entry), "", f"{entry.name!r} is not read by the pipeline; "
                                    f"expected {paths.SHEET_FILE} and {paths.CONTRIBUTIONS_STEM}.csv or .xlsx "
                                    "(rename it, or move it out of the sheet folder)"))
    if (sheet_dir / f"{paths.CONTRIBUTIONS_STEM}.csv").is_file() and \
            (sheet_dir / f"{paths.CONTRIBUTIONS_STEM}.xlsx").is_file():
        problems.append(Problem(display_path(sheet_dir / f"{paths.CONTRIBUTIONS_STEM}.xlsx"), "",
                                "both contributions.csv and contributions.xlsx exist; expected only one of them"))
    return problems
