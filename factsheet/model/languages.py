"""The languages of a sheet: one set of figures, streams, years and photos; its texts once per language.

The untranslated files are in the sheet's first language (``languages:`` in sheet.yaml, English by default).
Each other language has its translations beside them, named with the language before the suffix:

- ``sheet.fr.yaml``: every field of sheet.yaml that a reader sees (:class:`SheetText`);
- ``narrative/intro.fr.md``, ``projects/05-forteress.fr.md``, ``quotes/01-omrani.fr.md``: the text, and for a
  project or quote the front matter fields a reader sees (:class:`ProjectText`, :class:`QuoteText`).

Nothing falls back silently: a translation that is missing is an error listing everything missing for that
language, unless sheet.yaml names the text under ``fallback:``; then the first language's text is used and
the build prints a warning for it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.model.sheet import (
    MAX_PROJECTS,
    MAX_QUOTES,
    Model,
    Photo,
    Project,
    Quote,
    Sheet,
    Text,
    _load_entries,
    _problems,
    _yaml,
    base_stem,
    entry_file,
    entry_id,
    photo_problem,
    read_text,
    split_front_matter,
    text_language,
    translated_path,
    untranslated_texts,
)


class DonorText(Model):
    name: Text
    possessive: Text


class PartnerText(Model):
    name: Text
    abbreviation: Text | None = None  # the code as readers of this language know it (EDSC for ESDC)


class ChartText(Model):
    source: Text
    note: Text | None = None


class ContactText(Model):
    organisation: Text
    address: list[Text] = []


class SheetText(Model):
    """sheet.<language>.yaml: what a reader sees of sheet.yaml, in that language."""

    title: Text
    donor: DonorText
    streams: dict[str, Text]  # stream id -> label
    partners: dict[str, PartnerText] = {}  # partner code -> name (and abbreviation)
    priority_areas: list[Text] = []
    countries: list[Text] = []
    chart: ChartText
    contact: ContactText


class PhotoText(Model):
    caption: Text
    credit: Text


class ProjectText(Model):
    """The front matter of a translated project: what a reader sees (partner, featured and the photo's file
    are those of the untranslated project)."""

    title: Text
    countries: list[Text] = []
    photo: PhotoText | None = None


class QuoteText(Model):
    speaker: Text | None = None  # when the name reads differently (a title: Ms -> Mme)
    role: Text | None = None


def language_name(code: str, in_language: str = "en") -> str:
    """'fr' -> 'French' (Babel's name for the language, in ``in_language``); a region Babel has no data for
    is named by its code: 'en-XA' (the tests' pseudo-language, a private-use region) -> 'English (XA)'."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(in_language) or code
    except (UnknownLocaleError, ValueError):
        language, _, region = code.partition("-")
        if region and language != code:
            named = language_name(language, in_language)
            return f"{named} ({region})" if named != language else code
        return code


def sheet_text_file(sheet_dir: Path, language: str) -> Path:
    return Path(sheet_dir) / f"{Path(paths.SHEET_FILE).stem}.{language}{Path(paths.SHEET_FILE).suffix}"


def in_language(sheet: Sheet, sheet_dir: Path, language: str | None) -> Sheet:
    """The sheet as readers of ``language`` see it (its sheet.<language>.yaml applied); the sheet itself for its
    first language. Raises DataError naming what is missing or wrong."""
    if language is None or language == sheet.languages[0]:
        return sheet
    if language not in sheet.languages:
        raise DataError([Problem(display_path(Path(sheet_dir) / paths.SHEET_FILE), "key languages",
                                 f"{language!r} is not a language of this sheet; expected one of "
                                 f"{', '.join(sheet.languages)}")])
    text, missing, problems = _sheet_text(sheet, sheet_dir, language)
    if missing:
        problems.insert(0, Problem(display_path(sheet_text_file(sheet_dir, language)), "",
                                   f"missing for {language_name(language)}: {', '.join(missing)}"))
    if problems:
        raise DataError(problems)
    return _apply(sheet, text, language)


def sheet_text_complete(sheet: Sheet, sheet_dir: Path, language: str) -> bool:
    """Whether sheet.<language>.yaml exists and gives every field, rightly."""
    text, missing, problems = _sheet_text(sheet, sheet_dir, language)
    return text is not None and not missing and not problems


def _sheet_text(sheet: Sheet, sheet_dir: Path, language: str) -> tuple[SheetText | None, list[str], list[Problem]]:
    """sheet.<language>.yaml read and checked against sheet.yaml: (the text, what is missing, other problems)."""
    path = sheet_text_file(sheet_dir, language)
    if not path.is_file():
        return None, [path.name], []
    try:
        data = _yaml(read_text(path, Path(sheet_dir)), path)
    except DataError as err:
        return None, [], err.problems
    if not isinstance(data, dict):
        return None, [], [Problem(display_path(path), "", "expected keys like 'title:' at the top level")]
    missing = [f"{path.name} key {key}" for key in _missing_keys(sheet, data)]
    try:
        text = SheetText.model_validate(data)
    except ValidationError as err:
        problems = [p for p in _problems(err, path, model=SheetText) if "this required key is missing" not in p.message]
        return None, missing, problems
    problems = []
    unknown = {"streams": [k for k in text.streams if k not in {s.id for s in sheet.streams}],
               "partners": [k for k in text.partners if k not in {p.code for p in sheet.partners}]}
    for key, names in unknown.items():
        known = [s.id for s in sheet.streams] if key == "streams" else [p.code for p in sheet.partners]
        problems += [Problem(display_path(path), f"key {key}.{name}", f"{name!r} is not one of the sheet's {key} in "
                             f"{paths.SHEET_FILE}; expected one of {', '.join(known) or '(none)'}") for name in names]
    for key, base, translated in (("priority_areas", sheet.priority_areas, text.priority_areas),
                                  ("countries", sheet.countries, text.countries),
                                  ("contact.address", sheet.contact.address, text.contact.address)):
        if translated and len(translated) != len(base):
            problems.append(Problem(display_path(path), f"key {key}", f"{len(translated)} entries, but "
                                    f"{paths.SHEET_FILE} has {len(base)}; expected one translation of each, in order"))
    return text, missing, problems


def _missing_keys(sheet: Sheet, data: dict) -> list[str]:
    """The keys a translation must give because sheet.yaml gives them (what a reader sees), and it does not."""
    def has(*keys) -> bool:
        value = data
        for key in keys:
            if not isinstance(value, dict) or value.get(key) in (None, "", []):
                return False
            value = value[key]
        return True

    wanted = [("title",), ("donor", "name"), ("donor", "possessive"),
              *[("streams", s.id) for s in sheet.streams], *[("partners", p.code, "name") for p in sheet.partners],
              ("chart", "source"), ("contact", "organisation")]
    wanted += [("priority_areas",)] if sheet.priority_areas else []
    wanted += [("countries",)] if sheet.countries else []
    wanted += [("chart", "note")] if sheet.chart.note else []
    wanted += [("contact", "address")] if sheet.contact.address else []
    return [".".join(keys) for keys in wanted if not has(*keys)]


def _apply(sheet: Sheet, text: SheetText, language: str) -> Sheet:
    """The sheet with the translated fields in place of its own."""
    streams = [s.model_copy(update={"label": text.streams[s.id]}) for s in sheet.streams]
    partners = [p.model_copy(update={"name": text.partners[p.code].name,
                                     "abbreviation": text.partners[p.code].abbreviation or p.abbreviation})
                for p in sheet.partners]
    return sheet.model_copy(update={
        "language": language, "title": text.title,
        "donor": sheet.donor.model_copy(update=text.donor.model_dump()),
        "streams": streams, "partners": partners,
        "priority_areas": text.priority_areas or sheet.priority_areas,
        "countries": text.countries or sheet.countries,
        "chart": sheet.chart.model_copy(update={"source": text.chart.source, "note": text.chart.note}),
        "contact": sheet.contact.model_copy(update={"organisation": text.contact.organisation,
                                                    "address": text.contact.address or sheet.contact.address}),
    })


def text_file(path: Path, sheet: Sheet) -> Path:
    """The file to read for an untranslated text in the sheet's (edition's) language: its translation, or the
    text itself for the first language and for a text named under fallback: (check_sheet warns about it)."""
    if sheet.language == sheet.languages[0]:
        return path
    translated = translated_path(path, sheet.language)
    return translated if translated.is_file() else path


def text_name(path: Path) -> str:
    """How sheet.yaml's fallback: names a text: narrative/intro, projects/forteress, quotes/omrani."""
    folder = path.parent.name
    return f"{folder}/{base_stem(path) if folder == paths.NARRATIVE_DIR else entry_id(path)}"


def _translated_entry(path: Path, sheet_dir: Path, model) -> tuple:
    """A translated project's or quote's front matter, checked against ``model``, its body, and the problem of
    an empty body (if it is)."""
    meta, body = split_front_matter(path, Path(sheet_dir))
    try:
        text = model.model_validate(meta)
    except ValidationError as err:
        raise DataError(_problems(err, path, model=model)) from None
    problems = [] if body else [Problem(display_path(path), "", "the text after the front matter is empty")]
    return text, body, problems


def translated_project(project: Project, path: Path, sheet_dir: Path) -> Project:
    """A project with the translated front matter and body of ``path`` (projects/NN-id.<language>.md)."""
    text, body, problems = _translated_entry(path, sheet_dir, ProjectText)
    if project.countries and len(text.countries) != len(project.countries):
        problems.append(Problem(display_path(path), "key countries", f"{len(text.countries)} countries, but the "
                                f"untranslated project has {len(project.countries)}; expected one translation of each"))
    if bool(project.photo) != bool(text.photo):
        wanted = "a photo: with its caption: and credit:" if project.photo else "no photo: (the project has none)"
        problems.append(Problem(display_path(path), "key photo", f"expected {wanted}"))
    if problems:
        raise DataError(problems)
    photo = Photo(file=project.photo.file, caption=text.photo.caption, credit=text.photo.credit) \
        if project.photo and text.photo else None
    return project.model_copy(update={"title": text.title, "countries": text.countries or project.countries,
                                      "photo": photo, "body": body})


def translated_quote(quote: Quote, path: Path, sheet_dir: Path) -> Quote:
    """A quote with the translated front matter and body of ``path``."""
    text, body, problems = _translated_entry(path, sheet_dir, QuoteText)
    if quote.role and not text.role:
        problems.append(Problem(display_path(path), "key role", "this required key is missing (the untranslated "
                                "quote has a role)"))
    if problems:
        raise DataError(problems)
    return quote.model_copy(update={"speaker": text.speaker or quote.speaker, "role": text.role or quote.role,
                                    "body": body})


def in_language_entries(entries: list, folder: Path, sheet: Sheet, translate) -> list:
    """Projects or quotes in the edition's language: each replaced by its translation where one exists."""
    if sheet.language == sheet.languages[0]:
        return entries
    by_id = {entry_id(p): p for p in untranslated_texts(folder)}
    problems, found = [], []
    for entry in entries:
        path = text_file(by_id[entry.id], sheet)
        try:
            found.append(translate(entry, path, folder.parent) if path != by_id[entry.id] else entry)
        except DataError as err:
            problems += err.problems
    if problems:
        raise DataError(problems)
    return found


def translation_problems(sheet: Sheet, sheet_dir: Path) -> tuple[list[Problem], list[str]]:
    """Every language's missing translations (one problem per language, listing them) and stray translation
    files (of a language the sheet does not declare, or of no untranslated text); and the warnings for the
    texts that fall back to the first language, as declared."""
    sheet_dir = Path(sheet_dir)
    first, problems, warnings = sheet.languages[0], [], []
    texts = [p for folder in paths.TEXT_FOLDERS for p in untranslated_texts(sheet_dir / folder)]
    names = {text_name(p) for p in texts}
    for folder in paths.TEXT_FOLDERS:
        for path in sorted((sheet_dir / folder).glob("*.md")) if (sheet_dir / folder).is_dir() else []:
            language = text_language(path)
            if language is None:
                continue
            if language not in sheet.languages[1:]:
                expected = ", ".join(sheet.languages[1:]) or "none: add the language to languages: in sheet.yaml"
                problems.append(Problem(display_path(path), "", f"a translation into {language!r}, which is not a "
                                        f"translated language of this sheet; expected one of {expected}"))
            elif not path.with_name(f"{base_stem(path)}{path.suffix}").is_file():
                problems.append(Problem(display_path(path), "", f"a translation of {base_stem(path)}.md, which does "
                                        f"not exist; expected the untranslated text beside it"))
    for path in sorted(sheet_dir.glob(f"{Path(paths.SHEET_FILE).stem}.*{Path(paths.SHEET_FILE).suffix}")):
        language = path.stem.partition(".")[2]
        if language not in sheet.languages[1:]:
            problems.append(Problem(display_path(path), "", f"a translation into {language!r}, which is not a "
                                    "translated language of this sheet; expected one of "
                                    f"{', '.join(sheet.languages[1:]) or 'none: add it to languages: in sheet.yaml'}"))
    for language in sheet.languages[1:]:
        allowed = set(sheet.fallback.get(language, []))
        problems += [Problem(display_path(sheet_dir / paths.SHEET_FILE), f"key fallback.{language}",
                             f"{name!r} is not a text of this sheet; expected one of {', '.join(sorted(names))}")
                     for name in sorted(allowed - names)]
        _, missing, wrong = _sheet_text(sheet, sheet_dir, language)
        problems += wrong
        for path in texts:
            if translated_path(path, language).is_file():
                continue
            if text_name(path) in allowed:
                warnings.append(f"{display_path(path)}: no {language_name(language)} translation "
                                f"({translated_path(path, language).name}); the {language} edition uses the "
                                f"{language_name(first)} text, as fallback.{language} in {paths.SHEET_FILE} allows")
            else:
                missing.append(str(translated_path(path, language).relative_to(sheet_dir)))
        if missing:
            problems.append(Problem(display_path(sheet_dir / paths.SHEET_FILE), "key languages",
                                    f"the {language_name(language)} edition ({language}) is missing "
                                    f"{len(missing)} translation{'s' if len(missing) > 1 else ''}: "
                                    f"{'; '.join(missing)}; expected each translated, or the text named under "
                                    f"fallback: {language}: in {paths.SHEET_FILE} to use the {first} text"))
    return problems, warnings


def load_projects(sheet_dir: Path, sheet: Sheet) -> list[Project]:
    """Projects in file-name order, each checked against the declared partners; in the language of ``sheet``
    (each project's translation, where the edition is in another language than the first)."""
    projects, problems = _load_entries(sheet_dir / paths.PROJECTS_DIR, Project, MAX_PROJECTS)
    codes = [p.code for p in sheet.partners]
    for project in projects:
        path = sheet_dir / paths.PROJECTS_DIR
        if project.partner not in codes:
            problems.append(Problem(display_path(entry_file(path, project.id)), "key partner",
                                    f"{project.partner!r} is not a partner of this sheet; expected one of "
                                    f"{', '.join(codes) or '(none declared under partners: in sheet.yaml)'}"))
        if project.photo:
            problem = photo_problem(sheet_dir, project.photo.file)
            if problem:
                problems.append(Problem(display_path(entry_file(path, project.id)), "key photo.file", problem))
    if problems:
        raise DataError(problems)
    return in_language_entries(projects, sheet_dir / paths.PROJECTS_DIR, sheet, translated_project)


def load_quotes(sheet_dir: Path, projects: list[Project], sheet: Sheet | None = None) -> list[Quote]:
    """Testimonial quotes, each optionally placed after one project; in the language of ``sheet``, if given."""
    quotes, problems = _load_entries(sheet_dir / paths.QUOTES_DIR, Quote, MAX_QUOTES)
    ids = [p.id for p in projects]
    for quote in quotes:
        if quote.project is not None and quote.project not in ids:
            problems.append(Problem(display_path(entry_file(sheet_dir / paths.QUOTES_DIR, quote.id)), "key project",
                                    f"{quote.project!r} is not a project of this sheet; "
                                    f"expected one of {', '.join(ids)}"))
    if problems:
        raise DataError(problems)
    return in_language_entries(quotes, sheet_dir / paths.QUOTES_DIR, sheet, translated_quote) if sheet else quotes
