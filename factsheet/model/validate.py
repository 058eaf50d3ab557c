"""Check every file of a sheet before anything is drawn, reporting every problem of every file at once."""

import re
from pathlib import Path

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import broken_link_problem, outside_problem, special_file_problem
from factsheet.model import markdown
from factsheet.model.characters import REFUSED_IN_TEXTS, refused_characters
from factsheet.model.contributions import PLAUSIBLE_MAX_USD, read_raw, tidy
from factsheet.model.editions import LANGUAGE_RULE, contributions_file
from factsheet.model.figures import compute_for, sheet_windows
from factsheet.model.languages import (
    in_language,
    load_projects,
    load_quotes,
    sheet_text_complete,
    sheet_text_file,
    text_file,
    translation_problems,
)
from factsheet.model.narrative import chart_lines, entry_problems, environment, load_blocks, narrative_names
from factsheet.model.sheet import (
    MAX_SHEET_PHOTO_PIXELS,
    MAX_TEXT_BYTES,
    entry_file,
    load_sheet,
    photo_pixels,
    read_text,
    text_language,
    translated_path,
    untranslated_texts,
)
from factsheet.model.translations import LABELS_REFERENCE, is_record_file, label_markup_problems, stale_problems
from factsheet.render import brand
from factsheet.render.formatting import Formatter, load_labels

KNOWN_ENTRIES = {paths.SHEET_FILE, f"{paths.CONTRIBUTIONS_STEM}.csv", f"{paths.CONTRIBUTIONS_STEM}.xlsx",
                 paths.NARRATIVE_DIR, paths.PROJECTS_DIR, paths.QUOTES_DIR, paths.PHOTOS_DIR}
# Characters a text may hold that no font needs to print: line breaks and tabs (the layout turns them into
# spaces), the soft hyphen (a hyphen where the line breaks there), zero-width spaces and joiners, the
# left-to-right and right-to-left marks, the word joiner, variation selectors and the byte order mark (none of
# them is drawn, and none reorders the text around it). The direction controls that do reorder it are refused
# (characters.refused_characters).
INVISIBLE = frozenset("\t\n\r\u00ad\ufeff" + "".join(map(chr, [*range(0x200B, 0x2010), *range(0x2060, 0x2065),
                                                             *range(0xFE00, 0xFE10)])))
# The texts of one language together (narrative, projects and quotes, as that edition prints them): the Canada
# sheet's are 16-17.5 KB, four pages. A sheet is laid out once at the brand's type (layout.py), at a cost that
# grows with its pages: twice the Canada sheet's texts leaves room to add projects, and bench/worst_inputs.py
# measures a sheet at this limit.
MAX_LANGUAGE_TEXT_BYTES = 40_000
_LONG_WORD = re.compile(rf"\S{{{markdown.MAX_RUN + 1},}}")
MAX_SHOWN = 10  # characters named in one problem, and lines of one file named, before "and N more"


def checked_sheet(sheet_dir: Path, labels_dir: Path = paths.LABELS_DIR,
                  plausible_max_usd: float = PLAUSIBLE_MAX_USD):
    """Check every file of the sheet (raising DataError with every problem); return the summary of what was
    checked and the contributions table, tidy (read and checked once, here). ``plausible_max_usd``: the
    largest amount a row of the table may give."""
    sheet_dir = Path(sheet_dir)
    problems: list[Problem] = []

    def attempt(load):
        try:
            return load()
        except DataError as err:
            problems.extend(err.problems)
            return None

    broken = _broken_links(sheet_dir)
    if broken:  # where a link that leads nowhere would lead cannot be told: nothing else is read
        raise DataError(broken)
    problems += _stray_entries(sheet_dir)
    problems += _links_leaving(sheet_dir)
    unread = _special_files(sheet_dir) + _text_totals(sheet_dir)
    if unread:  # what is not a file, or is too much to read, is not read
        raise DataError(list(dict.fromkeys(problems + unread)))
    unprintable = _unprintable_check()
    problems += _unprintable_texts(sheet_dir, unprintable)
    if not (sheet_dir / paths.SHEET_FILE).is_file():
        problems.append(Problem(display_path(sheet_dir), "", f"{paths.SHEET_FILE} is missing; expected one in "
                                "every sheet folder"))
        raise DataError(list(dict.fromkeys(problems)))
    sheet = attempt(lambda: load_sheet(sheet_dir / paths.SHEET_FILE))
    if sheet is None:
        raise DataError(list(dict.fromkeys(problems)))
    unlabelled = [code for code in sheet.languages if not (labels_dir / f"{code}.yaml").is_file()]
    if unlabelled:
        available = ", ".join(sorted(p.stem for p in labels_dir.glob("*.yaml")))
        problems += [Problem(display_path(sheet_dir / paths.SHEET_FILE), "key languages",
                             f"{code!r} has no labels file; expected one of {available} "
                             f"(or add templates/labels/{code}.yaml)") for code in unlabelled]
        raise DataError(list(dict.fromkeys(problems)))
    problems += _unprintable_values(sheet.model_dump(), sheet_dir / paths.SHEET_FILE, unprintable)
    missing, warnings = translation_problems(sheet, sheet_dir)
    problems += missing
    stale, stale_warnings = attempt(lambda: stale_problems(sheet, sheet_dir)) or ([], [])
    problems += stale
    warnings += stale_warnings
    editions = {sheet.language: sheet}
    for code in sheet.languages[1:]:
        if sheet_text_complete(sheet, sheet_dir, code):  # else its problems are listed already
            editions[code] = attempt(lambda code=code: in_language(sheet, sheet_dir, code))
            if editions[code] is not None:
                problems += _unprintable_values(editions[code].model_dump(), sheet_text_file(sheet_dir, code),
                                                unprintable)
    table_file = contributions_file(sheet_dir)
    table = None
    if not table_file.is_file():
        problems.append(Problem(display_path(table_file), "", "the contributions table is missing; expected "
                                f"{paths.CONTRIBUTIONS_STEM}.csv or {paths.CONTRIBUTIONS_STEM}.xlsx"))
    elif sheet.table and sheet.table.sheet and table_file.suffix != ".xlsx":
        problems.append(Problem(display_path(sheet_dir / paths.SHEET_FILE), "key table.sheet",
                                f"names the worksheet {sheet.table.sheet!r}, but the table is {table_file.name}; "
                                "expected a workbook (.xlsx), or no table: key"))
    else:
        streams = [s.id for s in sheet.streams]
        worksheet = sheet.table.sheet if sheet.table else None
        table = attempt(lambda: tidy(read_raw(table_file, worksheet), streams, table_file, **sheet_windows(sheet),
                                     plausible_max=plausible_max_usd))
    projects = attempt(lambda: load_projects(sheet_dir, sheet))
    problems += _photos_total(sheet_dir, projects or [])
    quotes = attempt(lambda: load_quotes(sheet_dir, projects or [])) if projects is not None else None
    blocks = None
    for code, edition in editions.items():  # every language's texts, filled in with its own formatting
        if edition is None or table is None:
            continue
        labels = load_labels(code, labels_dir)
        fmt = Formatter(code, labels)
        problems += _unprintable_values(labels, labels_dir / f"{code}.yaml", unprintable)
        problems += _label_markup(labels, labels_dir, code)
        figures = compute_for(table, edition, labels)
        names, env = narrative_names(edition, figures), environment(fmt.filters())
        found = attempt(lambda edition=edition, names=names, env=env: load_blocks(sheet_dir, names, env, edition))
        blocks = found if code == sheet.language else blocks
        attempt(lambda edition=edition, names=names, env=env: chart_lines(edition, sheet_dir, names, env))
        if projects is None:
            continue
        translated = attempt(lambda edition=edition: (load_projects(sheet_dir, edition),
                                                      load_quotes(sheet_dir, projects, edition)))
        if translated is not None:
            problems += entry_problems(sheet_dir, translated[0], translated[1] if quotes is not None else [], names,
                                       env, edition)
            problems += _role_links(sheet_dir, translated[1] if quotes is not None else [], edition)
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    return {"sheet": display_path(sheet_dir), "table": display_path(table_file), "rows": len(table),
            "years": [int(table["year"].min()), int(table["year"].max())], "narrative": sorted(blocks),
            "projects": len(projects), "quotes": len(quotes), "languages": sheet.languages, "warnings": warnings,
            "photos": sum(1 for p in projects if p.photo)}, table


def _label_markup(labels: dict, labels_dir: Path, code: str) -> list[Problem]:
    """A problem for each label of ``code`` holding a markup character (< >) that the English label lacks:
    translation-in refuses them, and this names one typed into the labels file by hand."""
    if code == LABELS_REFERENCE:
        return []
    reference = load_labels(LABELS_REFERENCE, labels_dir) if (labels_dir / f"{LABELS_REFERENCE}.yaml").is_file() \
        else {}
    return [Problem(display_path(labels_dir / f"{code}.yaml"), f"key {key}", message)
            for key, message in label_markup_problems(labels, reference).items()]


def _role_links(sheet_dir: Path, quotes: list, edition) -> list[Problem]:
    """A problem for each link of a quote's role (inline Markdown in its front matter) that the links' rules
    refuse, naming the file of the edition's language."""
    folder = sheet_dir / paths.QUOTES_DIR
    return [problem for quote in quotes if quote.role
            for problem in markdown.link_problems(quote.role, text_file(entry_file(folder, quote.id), edition),
                                                  "key role")]


def _links_leaving(sheet_dir: Path) -> list[Problem]:
    """The sheet's files and folders that are links leaving the sheet's folder (each is also refused where it
    is read; here they are named all at once, before anything is read)."""
    entries = [sheet_dir / name for name in sorted(KNOWN_ENTRIES)]
    for folder in (paths.NARRATIVE_DIR, paths.PROJECTS_DIR, paths.QUOTES_DIR, paths.PHOTOS_DIR):
        if (sheet_dir / folder).is_dir() and (sheet_dir / folder).resolve().is_relative_to(sheet_dir.resolve()):
            entries += sorted((sheet_dir / folder).iterdir())
    problems = [outside_problem(entry, sheet_dir) for entry in entries if entry.exists() or entry.is_symlink()]
    return [p for p in problems if p]


def _broken_links(sheet_dir: Path) -> list[Problem]:
    """The links in the sheet's folder and its folders that lead nowhere (a loop, a missing file), all at once."""
    entries = sorted(sheet_dir.iterdir()) if sheet_dir.is_dir() else []
    problems = [problem for entry in entries if (problem := broken_link_problem(entry, sheet_dir))]
    if problems:  # a folder that is such a link cannot be looked into
        return problems
    entries = []
    for folder in (*paths.TEXT_FOLDERS, paths.PHOTOS_DIR):  # below them, rglob enters no linked folder
        inside = (sheet_dir / folder).resolve().is_relative_to(sheet_dir.resolve())  # else: _links_leaving
        entries += sorted((sheet_dir / folder).rglob("*")) if (sheet_dir / folder).is_dir() and inside else []
    return [problem for entry in entries if (problem := broken_link_problem(entry, sheet_dir))]


def _photos_total(sheet_dir: Path, projects: list) -> list[Problem]:
    """A problem when the projects' photos together hold more than MAX_SHEET_PHOTO_PIXELS (read from their
    headers; each photo itself is checked where the projects are loaded)."""
    files = sorted({project.photo.file for project in projects if project.photo})
    sizes = [photo_pixels(sheet_dir / file) for file in files]
    total = sum(width * height for width, height in filter(None, sizes))
    if total <= MAX_SHEET_PHOTO_PIXELS:
        return []
    return [Problem(display_path(sheet_dir / paths.PHOTOS_DIR), "", f"the {len(files)} photos of the projects hold "
                    f"{total:,} pixels together; expected at most {MAX_SHEET_PHOTO_PIXELS:,} "
                    f"({MAX_SHEET_PHOTO_PIXELS // 1_000_000} megapixels): save them smaller (print needs about "
                    "1,000 px wide)")]


def _special_files(sheet_dir: Path) -> list[Problem]:
    """Named pipes, devices and sockets in the sheet's folder or its folders: named, never opened (reading a
    named pipe waits for a writer that may never come)."""
    entries = sorted(sheet_dir.iterdir()) if sheet_dir.is_dir() else []
    for folder in (*paths.TEXT_FOLDERS, paths.PHOTOS_DIR):
        inside = (sheet_dir / folder).resolve().is_relative_to(sheet_dir.resolve())  # else: _links_leaving
        entries += sorted((sheet_dir / folder).rglob("*")) if (sheet_dir / folder).is_dir() and inside else []
    return [problem for entry in entries if (problem := special_file_problem(entry))]


def _text_totals(sheet_dir: Path) -> list[Problem]:
    """A problem for each language whose texts together are larger than MAX_LANGUAGE_TEXT_BYTES (from the
    files' sizes: nothing is read). A language without a translation of a text prints the text untranslated."""
    texts = [path for folder in paths.TEXT_FOLDERS for path in untranslated_texts(sheet_dir / folder)
             if path.resolve().is_relative_to(sheet_dir.resolve())]
    languages = {text_language(path) for folder in paths.TEXT_FOLDERS for path in (sheet_dir / folder).glob("*.md")
                 if text_language(path) and path.resolve().is_relative_to(sheet_dir.resolve())}

    def size(path: Path) -> int:  # a text over MAX_TEXT_BYTES is named on its own where it is read (unread)
        return path.stat().st_size if path.is_file() and path.stat().st_size <= MAX_TEXT_BYTES else 0

    problems = []
    for language in [None, *sorted(languages)]:
        total = sum(size(translated_path(path, language)) if language and translated_path(path, language).is_file()
                    else size(path) for path in texts)
        if total > MAX_LANGUAGE_TEXT_BYTES:
            which = f"the {language} texts" if language else "the texts"
            problems.append(Problem(display_path(sheet_dir), "", f"{which} (narrative/, projects/, quotes/) hold "
                                    f"{total:,} bytes together; expected at most {MAX_LANGUAGE_TEXT_BYTES:,} (about "
                                    "eight pages): shorten the longest"))
    return problems


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
        if entry.name in KNOWN_ENTRIES or entry.name.startswith(".") or _is_sheet_translation(entry) \
                or (entry.is_file() and is_record_file(entry)):  # translations.fr.yaml: kept by the tools
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


def _is_sheet_translation(entry: Path) -> bool:
    """sheet.fr.yaml: sheet.yaml's fields in another language (languages.translation_problems checks the
    language)."""
    stem, suffix = Path(paths.SHEET_FILE).stem, Path(paths.SHEET_FILE).suffix
    return entry.is_file() and entry.suffix == suffix \
        and re.fullmatch(rf"{stem}\.{LANGUAGE_RULE}", entry.stem) is not None


def _unprintable_check(brand_file: Path = paths.BRAND_FILE):
    """A function telling what a text holds that the brand's fonts cannot print (a system font would draw it, or
    an empty box), as a problem's message, or None when they print all of it; linear in the text's length."""
    values = brand.load_brand(brand_file)
    allowed = (brand.printable(values) | INVISIBLE) - REFUSED_IN_TEXTS
    expected = (f"expected text in the scripts the fonts of {brand_file.relative_to(paths.PROJECT_ROOT).as_posix()} "
                f"cover ({', '.join(brand.scripts(values))}), or a fallback font declared there for their script")

    def unprintable(text: str) -> str | None:
        if allowed.issuperset(text):
            return None
        refused = refused_characters(text)  # named for what they do, not as characters the fonts lack
        chars = list(dict.fromkeys(c for c in text if c not in allowed and c not in REFUSED_IN_TEXTS))
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:MAX_SHOWN])
        more = f" and {len(chars) - MAX_SHOWN} more" if len(chars) > MAX_SHOWN else ""
        lacking = f"characters the brand fonts cannot print: {shown}{more}; {expected}" if chars else None
        return "; and ".join(filter(None, (refused, lacking)))

    return unprintable


def _long_word(text: str) -> str | None:
    """What is wrong with a printed value holding a word longer than a text may (markdown.MAX_RUN: it would run
    off the page), or None."""
    run = _LONG_WORD.search(text)
    return run and (f"{len(run.group(0)):,} characters follow one another without a space ({run.group(0)[:20]!r}...); "
                    f"expected words of at most {markdown.MAX_RUN} characters, as in the texts (a longer one runs off "
                    "the page): put spaces in it, or shorten it")


def _front_matter_end(lines: list[str]) -> int:
    """How many of a Markdown file's lines its front matter takes (between two ``---`` lines; 0 without one)."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((n + 1 for n, line in enumerate(lines[1:], start=1) if line.strip() == "---"), 0)


def _unprintable_values(values, path: Path, unprintable, key: str = "") -> list[Problem]:
    """A problem for each text value of a loaded YAML file (sheet.yaml, a translation, a labels file) that the
    fonts cannot print, or that holds a word longer than a text may (markdown.MAX_RUN: the value is printed too),
    named by its key (``partners.0.name``)."""
    if isinstance(values, str):
        return [Problem(display_path(path), f"key {key}", message)
                for message in (unprintable(values), _long_word(values)) if message]
    items = values.items() if isinstance(values, dict) else enumerate(values) if isinstance(values, list) else ()
    return [problem for name, value in items
            for problem in _unprintable_values(value, path, unprintable, f"{key}.{name}".lstrip("."))]


def _unprintable_texts(sheet_dir: Path, unprintable) -> list[Problem]:
    """A problem for each line of the Markdown texts (narrative, projects and quotes: front matter and body)
    holding characters the fonts cannot print; past MAX_SHOWN lines of one file, one more sums up the rest."""
    problems = []
    for folder in paths.TEXT_FOLDERS:
        for path in sorted((sheet_dir / folder).glob("*.md")):
            try:
                lines = read_text(path, sheet_dir).split("\n")
            except DataError:
                continue  # a link leaving the sheet, too large, not UTF-8: reported where the file is read
            found = [(number, message) for number, line in enumerate(lines, start=1) if (message := unprintable(line))]
            problems += [Problem(display_path(path), f"line {n}", message) for n, message in found[:MAX_SHOWN]]
            problems += [Problem(display_path(path), f"line {n}", message)  # the body's are checked as Markdown
                         for n, line in enumerate(lines[:_front_matter_end(lines)], start=1)
                         if (message := _long_word(line))]
            if len(found) > MAX_SHOWN:
                problems.append(Problem(display_path(path), f"lines {found[MAX_SHOWN][0]}-{found[-1][0]}",
                                        f"{len(found) - MAX_SHOWN} more lines hold characters the brand fonts "
                                        "cannot print"))
    return problems
