"""Editions of a subject's sheet: data/<subject>/<edition>/, the naming rules of its folders and files, and
the languages a sheet declares. Light to import: the Snakefile uses it to plan the jobs. Starting the next
edition is factsheet/model/next_edition.py."""

import re
from pathlib import Path

from factsheet import paths
from factsheet.errors import Problem, display_path

# The naming rule of sheet folders, data/<subject>/<edition>/ (the Snakefile's wildcards follow it).
SUBJECT_RULE = r"[a-z0-9]+(-[a-z0-9]+)*"
EDITION_RULE = r"\d{4}"
# A language code (fr, es, pt-BR): the suffix of a translated text (intro.fr.md) and of an edition's files.
LANGUAGE_RULE = r"[a-z]{2}(-[A-Z]{2})?"
DEFAULT_LANGUAGES = ["en"]
FOLDER_RULE = ("a sheet folder is data/<subject>/<edition>/, the subject in lower-case letters, digits and "
               "hyphens (like new-zealand) and the edition a four-digit year (like 2023)")


def is_sheet_name(sheet: str) -> bool:
    """Whether ``sheet`` names a sheet as <subject>/<edition> (canada/2023): a folder of the data folder."""
    subject, _, edition = sheet.partition("/")
    return bool(re.fullmatch(SUBJECT_RULE, subject) and re.fullmatch(EDITION_RULE, edition))


def linked_folder(data_dir: Path, subject: str, edition: str | None = None) -> Problem | None:
    """The problem with data/<subject>/ or data/<subject>/<edition>/ when it is a link: a sheet's folder is a
    folder of the data folder, so that what the build reads and the commands write stays in it; else None."""
    for folder in [Path(data_dir) / subject, *([Path(data_dir) / subject / edition] if edition else [])]:
        if folder.is_symlink():
            return Problem(display_path(Path(data_dir).resolve() / folder.relative_to(data_dir)), "",
                           f"the folder {folder.name!r} is a link (to {folder.resolve()}), so it is not built; "
                           "expected a folder of the data folder: move or copy the sheet there")
    return None


def listed_sheets(data_dir: Path, names: list[str]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(subject, edition) of each sheet named ``<subject>/<edition>`` in ``names`` (the config's sheets:), and a
    problem for each whose folder is a link (it is skipped, as find_sheets skips it)."""
    listed = [tuple(Path(name).parts) for name in names]
    problems = {sheet: problem for sheet in listed if (problem := linked_folder(data_dir, *sheet))}
    return [sheet for sheet in listed if sheet not in problems], list(problems.values())


def find_sheets(data_dir: Path) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(subject, edition) of every sheet folder under ``data_dir``, and one problem for each folder that does
    not follow the naming rule (it is skipped; hidden folders and loose files are ignored).

    A folder that fits the rule is a sheet even without its sheet.yaml, so that check_sheet can say it is
    missing. A folder that is a link is skipped the same way (linked_folder)."""
    sheets, problems = [], []

    def visible_folders(folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    for subject in visible_folders(Path(data_dir)) if Path(data_dir).is_dir() else []:
        linked = linked_folder(data_dir, subject.name)
        if linked:
            problems.append(linked)
            continue
        if not re.fullmatch(SUBJECT_RULE, subject.name):
            fitting = re.sub(r"[^a-z0-9]+", "-", subject.name.lower()).strip("-")
            rename = f" (rename it {fitting!r})" if re.fullmatch(SUBJECT_RULE, fitting) else ""
            problems.append(Problem(display_path(subject), "", f"the folder name {subject.name!r} does not fit "
                                    f"the naming rule, so its sheets are not built{rename}; {FOLDER_RULE}"))
            continue
        found = visible_folders(subject)
        for edition in found:
            linked = linked_folder(data_dir, subject.name, edition.name)
            if linked:
                problems.append(linked)
            elif re.fullmatch(EDITION_RULE, edition.name):
                sheets.append((subject.name, edition.name))
            else:
                problems.append(Problem(display_path(edition), "", f"the folder name {edition.name!r} is not "
                                        f"an edition year, so it is not built; {FOLDER_RULE}"))
        if not found:
            problems.append(Problem(display_path(subject), "", f"no edition folder in it; {FOLDER_RULE}"))
    return sheets, problems


def editions(data_dir: Path, subject: str) -> list[str]:
    """The subject's editions that have a sheet.yaml, oldest first."""
    folder = Path(data_dir) / subject
    return sorted(p.parent.name for p in folder.glob(f"*/{paths.SHEET_FILE}") if p.parent.name.isdigit())


def previous_edition(data_dir: Path, subject: str, edition: str) -> str | None:
    """The latest edition before ``edition``, if any."""
    earlier = [e for e in editions(data_dir, subject) if int(e) < int(edition)]
    return earlier[-1] if earlier else None


def sheet_languages(sheet_dir: Path) -> list[str]:
    """The languages a sheet declares (``languages:`` in sheet.yaml, the first being that of its untranslated
    files; by default English), read leniently for planning: check_sheet reports what is wrong with them."""
    from factsheet.files import load_yaml

    try:
        data = load_yaml((Path(sheet_dir) / paths.SHEET_FILE).read_text(encoding="utf-8-sig"))
        declared = data.get("languages") or [data.get("language")] if isinstance(data, dict) else []
    except Exception:  # noqa: BLE001 - an unreadable sheet.yaml (even an impossible date): check_sheet names why
        declared = []
    found = [code for code in dict.fromkeys(declared if isinstance(declared, list) else [])
             if isinstance(code, str) and re.fullmatch(LANGUAGE_RULE, code)]
    return found or list(DEFAULT_LANGUAGES)


def contributions_file(sheet_dir: Path) -> Path:
    """The sheet's contributions table as the user saved it (.csv preferred, else .xlsx)."""
    for suffix in (".csv", ".xlsx"):
        candidate = Path(sheet_dir) / f"{paths.CONTRIBUTIONS_STEM}{suffix}"
        if candidate.exists():
            return candidate
    return Path(sheet_dir) / f"{paths.CONTRIBUTIONS_STEM}.csv"
