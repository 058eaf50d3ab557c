"""One sheet's hand-edited data: sheet.yaml, narrative/, projects/, quotes/.

Every file is checked against a model (pydantic) that rejects unknown keys,
so a typo such as ``titel:`` is reported instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import YAML_LOADER, confined, outside_problem, shown_as_given, special_file_problem
from factsheet.model import links
from factsheet.model.editions import DEFAULT_LANGUAGES, LANGUAGE_RULE

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
MAX_PAGES = 24  # the largest page budget a sheet may declare


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Donor(Model):
    name: Text
    possessive: Text


# Items a list of sheet.yaml may hold: what a page shows readably (there are fewer than 200 countries).
MAX_LIST_ITEMS = {"partners": 12, "priority_areas": 20, "countries": 200, "address": 8}
Year = Annotated[int, Field(ge=1919, le=2100)]  # the ILO's founding year; a sanity bound
MAX_WINDOW_YEARS = 15  # the chart and its figures table stay readable up to this many years


class Window(Model):
    """A reporting window: the first and last year a stream (or the sheet) reports, both included."""

    first: Year
    last: Year

    @model_validator(mode="after")
    def _ordered(self):
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) is after last ({self.last}); expected first <= last")
        if self.last - self.first + 1 > MAX_WINDOW_YEARS:
            raise ValueError(f"{self.first}-{self.last} spans {self.last - self.first + 1} years; expected at most "
                             f"{MAX_WINDOW_YEARS} (the chart and its figures table stay readable up to that)")
        return self


class Stream(Model):
    id: Identifier
    label: Text
    window: Window | None = None  # its own reporting window; default: the sheet's window


class Partner(Model):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9&.-]*$")]
    name: Text
    abbreviation: Text | None = None  # as readers see it, when not the code (a translation's EDSC for ESDC)

    @property
    def shown_code(self) -> str:
        return self.abbreviation or self.code


class Chart(Model):
    source: Text
    note: Text | None = None


class Table(Model):
    """Where the contributions table is read from."""

    sheet: Text | None = None  # the workbook's worksheet holding it; default: the workbook's only visible one


class Contact(Model):
    organisation: Text
    address: Annotated[list[Text], Field(max_length=MAX_LIST_ITEMS["address"])] = []
    phone: Text | None = None
    email: Text | None = None  # linked as mailto:, so checked as an address (factsheet/model/links.py)
    web: Text | None = None    # ilo.org/partnerships or https://...: an https: site

    @field_validator("email", "web")
    @classmethod
    def _address(cls, value, info):
        check = links.email_problem if info.field_name == "email" else links.web_site_problem
        problem = value and check(value)
        if problem:
            raise ValueError(problem)
        return value

    @property
    def email_href(self) -> str | None:
        """The e-mail address's link, or None (no address, or one the links' rules refuse)."""
        return f"mailto:{self.email}" if self.email and not links.email_problem(self.email) else None

    @property
    def web_href(self) -> str | None:
        """The web site's link (https://), or None (no site, or one the links' rules refuse)."""
        return links.web_site_url(self.web) if self.web and not links.web_site_problem(self.web) else None


Language = Annotated[str, StringConstraints(pattern=rf"^{LANGUAGE_RULE}$")]


class Sheet(Model):
    title: Text
    # The sheet's languages, the first being that of its untranslated files (sheet.yaml, intro.md); each other
    # one has its translations beside them (sheet.fr.yaml, intro.fr.md). ``language`` is the edition's: the
    # first, or the one a translated view of the sheet is in (factsheet.model.languages.in_language).
    languages: Annotated[list[Language], Field(min_length=1)]
    language: Language
    # Per language: the texts (narrative/intro, projects/<id>, quotes/<id>) it may take untranslated from the
    # first language, each with a warning. Nothing falls back without being named here.
    fallback: dict[Language, list[Text]] = {}
    edition_date: dt.date
    donor: Donor
    streams: Annotated[list[Stream], Field(min_length=1, max_length=4)]  # a key-figure card each
    window: Window | None = None  # the sheet's reporting window; default: the years of the table
    # The sheet's page budget: every language edition must fit it; default: the pages its first language runs to
    pages: Annotated[int, Field(ge=1, le=MAX_PAGES)] | None = None
    partners: Annotated[list[Partner], Field(max_length=MAX_LIST_ITEMS["partners"])] = []
    priority_areas: Annotated[list[Text], Field(max_length=MAX_LIST_ITEMS["priority_areas"])] = []
    # where the donor's funding works, shown as a compact list
    countries: Annotated[list[Text], Field(max_length=MAX_LIST_ITEMS["countries"])] = []
    chart: Chart
    table: Table | None = None
    contact: Contact
    # false: built like any other, but left off the web edition's index and marked for search engines not to
    # list it (an example, a draft)
    publish: bool = True
    # Whether a stale translation (its source changed since it was made) stops the build ("error", the
    # default) or prints with a warning ("warn"): for every language, or per language ({fr: warn}).
    stale: Literal["error", "warn"] | dict[Language, Literal["error", "warn"]] = "error"

    @model_validator(mode="before")
    @classmethod
    def _languages(cls, data):
        """``languages: [en, fr]``; a sheet with one language may say ``language: en`` instead (the default)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        declared, single = data.get("languages"), data.get("language")
        if declared is None:
            declared = [single] if single is not None else list(DEFAULT_LANGUAGES)
        elif single is not None and isinstance(declared, list) and declared and single != declared[0]:
            raise ValueError(f"language ({single!r}) is not the first of languages ({declared!r}); expected "
                             "only languages: with the language of the untranslated files first")
        data["languages"] = declared
        if isinstance(declared, list) and declared:
            data["language"] = declared[0]
        return data

    @model_validator(mode="after")
    def _languages_sound(self):
        repeated = sorted({code for code in self.languages if self.languages.count(code) > 1})
        if repeated:
            raise ValueError(f"the language {repeated[0]!r} is given twice in languages; each must be unique")
        for code in self.fallback:
            if code not in self.languages[1:]:
                raise ValueError(f"fallback names {code!r}, which is not a translated language of this sheet; "
                                 f"expected one of {', '.join(self.languages[1:]) or '(none: add it to languages)'}")
        return self

    @model_validator(mode="after")
    def _windows_inside(self):
        if self.window:
            for stream in self.streams:
                w = stream.window
                if w and (w.first < self.window.first or w.last > self.window.last):
                    raise ValueError(f"the window of stream {stream.id!r} ({w.first}-{w.last}) is not inside the "
                                     f"sheet's window ({self.window.first}-{self.window.last}); expected it inside")
        return self

    @field_validator("pages", mode="before")
    @classmethod
    def _pages_typed_as_a_number(cls, value):
        """A number as typed (``pages: 4``), not a YAML tag's true or false, which would count as 1 or 0."""
        if isinstance(value, bool):
            raise ValueError(f"{value} is not a number of pages; expected a number, like pages: 4")
        return value

    @field_validator("streams", "partners")
    @classmethod
    def _unique(cls, items):
        ids = [getattr(item, "id", None) or getattr(item, "code", None) for item in items]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"{repeated[0]!r} is given twice; each must be unique")
        return items


class Photo(Model):
    file: Text  # path inside the sheet's data folder
    caption: Text
    credit: Text


class Project(Model):
    id: str
    partner: Text
    title: Text
    countries: list[Text] = []
    featured: bool = False  # shown first, across the page, with more room
    photo: Photo | None = None
    body: str


class Quote(Model):
    id: str
    speaker: Text
    role: Text | None = None
    project: str | None = None  # id of the project the quote follows
    body: str


# A sheet.yaml or a Markdown text larger than this is refused, not read: 10 KB is about 1,500 words, four
# times the longest text of the Canada sheet, and keeps the cost of any Markdown in it to a tenth of a second.
MAX_TEXT_BYTES = 10_000
MAX_PROJECTS, MAX_QUOTES = 12, 6  # what the layout is tested with (tests/corpus); more is refused unread
MAX_YAML_DEPTH = 50  # how deeply YAML lists and mappings may nest


def read_text(path: Path, root: Path | None = None, limit: int = MAX_TEXT_BYTES) -> str:
    """The file's text; a clear problem if it is a link leaving ``root`` (the sheet's folder), larger than
    ``limit`` bytes, empty or not UTF-8."""
    if root is not None:
        confined(path, root)
    special = special_file_problem(path)
    if special:
        raise DataError([special])
    size = path.stat().st_size
    if size > limit:
        raise DataError([Problem(shown_as_given(path), "", f"the file is larger than {limit:,} bytes "
                                 f"({size:,} bytes); expected a text of at most {limit:,} bytes")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError([Problem(display_path(path), f"byte {err.start + 1}",
                                 f"the file is not UTF-8 text (found byte 0x{raw[err.start]:02x}); "
                                 "expected UTF-8: save it again choosing the UTF-8 encoding")]) from None
    if not text.strip():
        raise DataError([Problem(display_path(path), "", "the file is empty; expected content")])
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TooDeep(yaml.YAMLError):
    """YAML nested deeper than MAX_YAML_DEPTH, or using an alias (both refused before they cost anything)."""

    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message, self.mark = message, mark


class _Loader(YAML_LOADER):
    """Safe YAML that keeps every plain value as the text typed (``language: no`` is the code "no", a
    partner ``ON`` stays "ON", ``2023-06-01`` a text the models turn into a date, ``2018`` one they turn
    into a year) and refuses a key given twice (plain YAML would silently keep the last). Only an empty value
    (or ``~``) means "nothing". Nesting and aliases are refused before it composes anything (_refuse_shapes)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is given twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_NULL = "tag:yaml.org,2002:null"
_Loader.yaml_implicit_resolvers = {"": [(_NULL, re.compile(r"^$"))], "~": [(_NULL, re.compile(r"^~$"))]}


def _refuse_shapes(text: str) -> None:
    """Refuse nesting deeper than MAX_YAML_DEPTH levels and aliases (``*name``, which can multiply a small file
    into a huge one), reading the parser's events, before anything is built of them."""
    too_deep = f"the YAML is nested deeper than {MAX_YAML_DEPTH} levels; expected at most {MAX_YAML_DEPTH}"
    depth, events = 0, yaml.parse(text, Loader=YAML_LOADER)
    while True:
        try:
            event = next(events, None)
        except yaml.MarkedYAMLError as err:  # libyaml stops at its own limit, scanning ahead of the events
            if "nesting depth" in (err.problem or ""):
                raise _TooDeep(too_deep, err.problem_mark) from None
            raise
        if event is None:
            return
        if isinstance(event, yaml.AliasEvent):
            raise _TooDeep("aliases (*name) are not allowed; expected every value written out", event.start_mark)
        if isinstance(event, yaml.NodeEvent) and depth + 1 > MAX_YAML_DEPTH:
            raise _TooDeep(too_deep, event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml(text: str, path: Path, first_line: int = 1):
    try:
        _refuse_shapes(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _TooDeep as err:
        raise DataError([Problem(display_path(path), f"line {err.mark.line + first_line}", err.message)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + first_line}" if mark else ""
        what = getattr(err, "problem", None) or str(err)
        raise DataError([Problem(display_path(path), where,
                                 f"this is not valid YAML ({what}); check indentation and quotes")]) from None


def _model_at(model, loc: tuple):
    """The model class that holds the last key of ``loc`` (Sheet -> ('donor', 'nmae') -> Donor), or None."""
    import types
    import typing

    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        while True:
            origin = typing.get_origin(annotation)
            if origin is typing.Annotated:
                annotation = typing.get_args(annotation)[0]
            elif origin in (list, typing.Union, types.UnionType):
                annotation = next((a for a in typing.get_args(annotation) if a is not type(None)), None)
            else:
                break
        model = annotation
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _problems(err: ValidationError, path: Path, prefix: str = "", model=None,
              hidden: tuple[str, ...] = ()) -> list[Problem]:
    problems = []
    for e in err.errors():
        key = ".".join(str(part) for part in e["loc"])
        key = f"{prefix}{key}" if key else prefix.rstrip(".")
        if e["type"] == "extra_forbidden":
            holder = _model_at(model, tuple(e["loc"][:-1])) if model is not None else None
            allowed = [name for name in (holder.model_fields if holder else ()) if name not in hidden]
            expected = f"expected one of {', '.join(allowed)}" if allowed else "check its spelling"
            message = f"unknown key {key.split('.')[-1]!r}; {expected}"
        elif e["type"] == "missing":
            message = "this required key is missing"
        else:
            value = e.get("input")
            shown = f"{value!r} " if not isinstance(value, (dict, list)) else ""
            message = f"{shown}is not valid: {e['msg'][0].lower()}{e['msg'][1:]}"
        problems.append(Problem(display_path(path), f"key {key}" if key else "", message))
    return problems


def load_sheet(path: Path) -> Sheet:
    """Read and check sheet.yaml."""
    data = _yaml(read_text(path, path.parent), path)
    if not isinstance(data, dict):
        raise DataError([Problem(display_path(path), "", "expected keys like 'title:' at the top level")])
    try:
        return Sheet.model_validate(data)
    except ValidationError as err:
        raise DataError(_problems(err, path, model=Sheet)) from None


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n?(.*)\Z", re.DOTALL)


def split_front_matter(path: Path, root: Path | None = None) -> tuple[dict, str]:
    """A Markdown file's YAML front matter (between --- lines) and its body (``root``: see read_text)."""
    text = read_text(path, root)
    match = _FRONT.match(text)
    if not match:
        raise DataError([Problem(display_path(path), "line 1",
                                 "expected the file to start with a '---' line, its fields, and another '---' line")])
    meta = _yaml(match.group(1), path, first_line=2) or {}
    if not isinstance(meta, dict):
        raise DataError([Problem(display_path(path), "line 2", "expected 'key: value' lines between the '---' lines")])
    return meta, match.group(2).strip()


def body_first_line(path: Path, root: Path | None = None) -> int:
    """The line of a Markdown file on which the body returned by split_front_matter starts."""
    text = read_text(path, root)
    match = _FRONT.match(text)
    if not match:
        return 1
    body = match.group(2)
    return text[:match.start(2)].count("\n") + body[:len(body) - len(body.lstrip())].count("\n") + 1


def entry_id(path: Path) -> str:
    """A file's id: its name without the ordering number and language, '05-forteress.fr.md' -> 'forteress'."""
    return re.sub(r"^\d+[-_]", "", base_stem(path))


_TRANSLATED = re.compile(rf"^(?P<stem>.+)\.(?P<language>{LANGUAGE_RULE})$")


def text_language(path: Path) -> str | None:
    """The language a text file is a translation into ('intro.fr.md' -> 'fr'), or None for an untranslated one."""
    match = _TRANSLATED.match(path.stem)
    return match.group("language") if match else None


def base_stem(path: Path) -> str:
    """A text file's name without its language and suffix: 'intro.fr.md' -> 'intro'."""
    match = _TRANSLATED.match(path.stem)
    return match.group("stem") if match else path.stem


def translated_path(path: Path, language: str) -> Path:
    """Where the translation of an untranslated text into ``language`` lives: intro.md -> intro.fr.md."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def untranslated_texts(folder: Path) -> list[Path]:
    """The Markdown files of a folder in the sheet's first language (translations left out), in name order."""
    return [p for p in sorted(folder.glob("*.md")) if text_language(p) is None] if folder.is_dir() else []


def _load_entries(folder: Path, model, most: int):
    """The entries of a folder of texts (projects, quotes), read only when there are at most ``most``."""
    if folder.exists() or folder.is_symlink():
        confined(folder, folder.parent)
    found = untranslated_texts(folder)
    if len(found) > most:
        raise DataError([Problem(display_path(folder), "", f"the folder holds {len(found)} texts; expected at most "
                                 f"{most} (what a fact sheet's layout is made for): keep the main ones")])
    entries, problems, seen = [], [], {}
    for path in found:
        if entry_id(path) in seen:
            problems.append(Problem(display_path(path), "", f"its id {entry_id(path)!r} is also the id of "
                                    f"{seen[entry_id(path)].name}; expected different names after the number"))
            continue
        seen[entry_id(path)] = path
        try:
            meta, body = split_front_matter(path, folder.parent)
            if not body:
                raise DataError([Problem(display_path(path), "", "the text after the front matter is empty")])
            entries.append(model.model_validate({**meta, "id": entry_id(path), "body": body}))
        except DataError as err:
            problems += err.problems
        except ValidationError as err:
            problems += _problems(err, path, model=model, hidden=("id", "body"))
    return entries, problems


PHOTO_TYPES = (".jpg", ".jpeg", ".png")
# Pixels of a photo (a phone's 4000 x 3000), and of all the photos of a sheet together: each PDF decodes and
# downsamples every photo, at a cost that grows with its pixels, to about 1,000 px wide (what print needs).
# A larger image is refused before its pixels are decoded.
MAX_PHOTO_PIXELS = 12_000_000
MAX_SHEET_PHOTO_PIXELS = 24_000_000


PHOTO_PATH_EXPECTED = (f"expected a path inside {paths.PHOTOS_DIR}/ without '..', like "
                       f"{paths.PHOTOS_DIR}/workshop.jpg")
# A folder or file name of a photo's path: letters, digits, spaces and - _ . ( ) , + (not first: a dot or a space)
_PHOTO_NAME = re.compile(r"[^\W_][\w .(),+-]*|_[\w .(),+-]*")


def photo_path_problem(file: str) -> str | None:
    """Why ``file`` is not a plain path inside the sheet's photos/ folder (photos/workshop.jpg), or None.

    The path names the photo's copy in the web edition too (factsheet/web/site.py), so it must stay below photos/
    however it is read: no '..' or '.', nothing absolute, no backslash, no percent-escape, no control
    character."""
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in file):
        return f"{file!r} holds a control or invisible character; {PHOTO_PATH_EXPECTED}"
    if "\\" in file:
        return f"{file!r} holds a backslash (\\); {PHOTO_PATH_EXPECTED} (folders separated by /)"
    if "%" in file:
        return f"{file!r} holds a percent sign (an escape like %2e is not read as a name); {PHOTO_PATH_EXPECTED}"
    parts = file.split("/")
    if file.startswith("/") or ":" in file:
        return f"{file!r} is an absolute path or an address; {PHOTO_PATH_EXPECTED}"
    if ".." in parts:
        return f"{file!r} climbs with '..'; {PHOTO_PATH_EXPECTED}"
    if "." in parts:
        return f"{file!r} names the folder '.'; {PHOTO_PATH_EXPECTED}"
    if parts[0] != paths.PHOTOS_DIR or len(parts) < 2 or "" in parts:
        return f"{file!r} is not a file inside {paths.PHOTOS_DIR}/; {PHOTO_PATH_EXPECTED}"
    odd = next((part for part in parts if not _PHOTO_NAME.fullmatch(part)), None)
    if odd is not None:
        return (f"{file!r} has the name {odd!r}; {PHOTO_PATH_EXPECTED}, its names of letters, digits, spaces and "
                "- _ . ( ) , + (none starting with a dot or a space)")
    return None


def photo_problem(sheet_dir: Path, file: str) -> str | None:
    """Why a photo path cannot be used (not a plain path inside photos/, outside the sheet folder or a link
    leaving it, missing, not a JPEG or PNG, more than MAX_PHOTO_PIXELS pixels), or None."""
    folder = Path(sheet_dir)
    if "\0" not in file:  # a climb or a link out of the sheet is named as such (a NUL cannot be resolved)
        outside = outside_problem(folder / file, folder, name=file)
        if outside:
            return outside.message
    shape = photo_path_problem(file)
    if shape:
        return shape
    target = (folder / file).resolve()
    if target.suffix.lower() not in PHOTO_TYPES:
        return f"{file!r} is not a JPEG or PNG file; expected a name ending in {', '.join(PHOTO_TYPES)}"
    if not target.is_file():
        return f"{file!r} does not exist in {display_path(sheet_dir)}; expected the path of an image file there"
    pixels = photo_pixels(target)
    if pixels is None:
        return f"{file!r} is not a readable JPEG or PNG image; expected a photo saved as JPEG or PNG"
    width, height = pixels
    if width * height > MAX_PHOTO_PIXELS:
        return (f"{file!r} is {width:,}x{height:,} pixels ({width * height:,} pixels); expected at most "
                f"{MAX_PHOTO_PIXELS:,} pixels ({MAX_PHOTO_PIXELS // 1_000_000} megapixels): save it smaller (print "
                "needs about 1,000 px wide)")
    try:
        from PIL import Image

        with Image.open(target) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - any failure to read it means it is not a usable image
        return f"{file!r} is not a readable JPEG or PNG image; expected a photo saved as JPEG or PNG"
    return None


def photo_pixels(path: Path) -> tuple[int, int] | None:
    """An image's width and height in pixels, read from its header (the pixels are not decoded), or None
    when it is not a readable JPEG or PNG."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=("JPEG", "PNG")) as image:
                return image.size
    except Image.DecompressionBombError as err:  # larger than Pillow's own limit: read its size from the header
        del err
        return _header_size(path)
    except Exception:  # noqa: BLE001 - any failure to read it means it is not a usable image
        return None


def _header_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk or a JPEG's SOF marker, without decoding anything."""
    import struct

    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    position = 2
    while data.startswith(b"\xff\xd8") and position + 9 < len(data):
        if data[position] != 0xFF:
            return None
        marker, length = data[position + 1], struct.unpack(">H", data[position + 2:position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            return width, height
        position += 2 + length
    return None


def entry_file(folder: Path, entry: str) -> Path:
    """The untranslated file of a project or quote of ``folder`` (projects/, quotes/) by its id."""
    return next(p for p in untranslated_texts(folder) if entry_id(p) == entry)
