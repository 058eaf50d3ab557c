"""What each translation translates: segments, the record of their sources, and stale translations.

A sheet's readable words are cut into **segments**: each field of sheet.yaml a reader sees (``title``,
``chart.source``, ``priority_areas.2``), each front matter field of a project or quote (``title``,
``photo.caption``, ``role``), and each block of a text's body: a paragraph, a list item or a heading
(``body.3``, counted from 1).

For each translated language, ``translations.<language>.yaml`` beside sheet.yaml records, for every
translated segment, the hash of the source text it was made from (and that text, for the word diff shown when
it changes), and the edition it was checked for. The tools keep it (make translation-in, make
translation-reviewed, make edition); nobody types it, and editing a translation by hand leaves it as it is.

A translated segment is

- ``translated`` when its source is the one recorded and it was checked for this edition;
- ``stale`` when its source changed since (the build names it, with a word diff of the change);
- ``carried`` when its source is unchanged but it was checked for an earlier edition (a new edition's
  translations start so: nothing of the old edition is published unchecked);
- ``new`` when the source has it and the translation not (a paragraph added to the source);
- ``unrecorded`` when the translation has it but the record does not (a text translated by hand).

Body blocks are matched to their record by hash, so a paragraph moved in the source, its text unchanged, is
not stale; the blocks left over are matched in order.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import YAML_LOADER, load_yaml, write_text
from factsheet.model.editions import LANGUAGE_RULE
from factsheet.model.languages import language_name
from factsheet.model.sheet import _FRONT, read_text, translated_path, untranslated_texts

RECORD_STEM = "translations"  # translations.<language>.yaml beside sheet.yaml
RECORD_HEADER = ("# Which text of the {source} edition each {target} translation was made from (a hash, and the\n"
                 "# text for the word diff shown when it changes), and the edition it was checked for.\n"
                 "# Kept by make translation-in, make translation-reviewed and make edition: not edited by hand.\n")
STALE_POLICIES = ("error", "warn")
_BLOCK_START = re.compile(r"(#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")


def record_file(sheet_dir: Path, language: str) -> Path:
    return Path(sheet_dir) / f"{RECORD_STEM}.{language}.yaml"


def is_record_file(path: Path) -> bool:
    return re.fullmatch(rf"{RECORD_STEM}\.{LANGUAGE_RULE}\.yaml", path.name) is not None


def normal(text: str) -> str:
    """A segment's text as compared and hashed: white space (line breaks of a re-wrapped paragraph) as one
    space (a no-break space is a character of the text, and kept)."""
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip(" \t\r\n")


def text_hash(text: str) -> str:
    return hashlib.sha256(normal(text).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Block:
    """A block of a Markdown body: its text's span in the file (after its marker: '# ', '- ', '2. ')."""
    start: int
    end: int
    marker: str
    text: str


def body_blocks(text: str) -> list[Block]:
    """The paragraphs, list items and headings of a Markdown file's body (after any front matter), in order."""
    match = _FRONT.match(text)
    offset = match.start(2) if match else 0
    blocks: list[list] = []  # [start, end, marker]
    position = offset
    open_block = False
    for line in text[offset:].splitlines(keepends=True):
        stripped = line.strip()
        start, end = position, position + len(line.rstrip("\r\n"))
        position += len(line)
        if not stripped:
            open_block = False
            continue
        marker = _BLOCK_START.match(line)
        if marker or not open_block:
            lead = len(line) - len(line.lstrip())
            skip = lead + (len(marker.group(1)) if marker else 0)
            blocks.append([start + skip, end, marker.group(1).strip() if marker else ""])
            open_block = not (marker and marker.group(1).startswith("#"))
        else:
            blocks[-1][1] = end
    return [Block(s, e, m, text[s:e]) for s, e, m in blocks]


def _front(text: str) -> dict:
    match = _FRONT.match(text)
    data = load_yaml(match.group(1)) if match else None
    return data if isinstance(data, dict) else {}


def _flat(value, key: str = "") -> dict[str, str]:
    """A nested YAML value as {dotted key: text} (lists by index)."""
    if isinstance(value, dict):
        return {k: v for name, item in value.items() for k, v in _flat(item, f"{key}.{name}".lstrip(".")).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flat(item, f"{key}.{i}".lstrip(".")).items()}
    return {key: str(value)} if value not in (None, "") else {}


def sheet_fields(data: dict) -> dict[str, str]:
    """The fields of sheet.yaml a reader sees, as {dotted key: text}, in the order a translator reads them."""
    found: dict[str, str] = {}
    if not isinstance(data, dict):
        return found
    found |= _flat({"title": data.get("title")})
    found |= _flat({"donor": {k: (data.get("donor") or {}).get(k) for k in ("name", "possessive")}})
    found |= {f"streams.{s.get('id')}": str(s.get("label")) for s in data.get("streams") or []
              if isinstance(s, dict) and s.get("label")}
    for p in data.get("partners") or []:
        if isinstance(p, dict):
            found |= _flat({"partners": {str(p.get("code")): {"name": p.get("name"),
                                                              "abbreviation": p.get("abbreviation")}}})
    found |= _flat({"priority_areas": data.get("priority_areas") or []})
    found |= _flat({"countries": data.get("countries") or []})
    chart, contact = data.get("chart") or {}, data.get("contact") or {}
    found |= _flat({"chart": {k: chart.get(k) for k in ("source", "note")}})
    found |= _flat({"contact": {"organisation": contact.get("organisation"), "address": contact.get("address")}})
    return found


def translated_fields(data: dict) -> dict[str, str]:
    """The same fields of a sheet.<language>.yaml (whose streams and partners are keyed by id and code)."""
    return _flat(data) if isinstance(data, dict) else {}


def entry_fields(data: dict, folder: str) -> dict[str, str]:
    """The front matter fields of a project or quote a reader sees."""
    keys = ("title", "countries", "photo") if folder == paths.PROJECTS_DIR else ("speaker", "role")
    found = _flat({k: data.get(k) for k in keys if k in data})
    return {k: v for k, v in found.items() if k != "photo.file"}


@dataclass
class Segment:
    """One segment of a source file and where its translation stands."""
    file: str  # the source file, relative to the sheet folder: sheet.yaml, narrative/intro.md
    key: str  # title, chart.source, body.3
    source: str
    target: str | None = None
    state: str = "new"  # translated, stale, carried, new, unrecorded
    previous: str | None = None  # the source text the translation was made from, when it changed
    recorded_for: str | None = None  # the edition it was checked for
    index: int | None = None  # a body segment's block in the translation (its target), counted from 0
    marker: str = ""  # a body segment's Markdown marker in the source: '#', '-', '2.'

    @property
    def place(self) -> str:
        if self.key.startswith("body."):
            return f"paragraph {self.key.split('.')[1]}"
        return f"key {self.key}"


def source_files(sheet_dir: Path) -> list[str]:
    """Every file with segments: sheet.yaml, then each untranslated text."""
    sheet_dir = Path(sheet_dir)
    return [paths.SHEET_FILE] + [p.relative_to(sheet_dir).as_posix() for folder in paths.TEXT_FOLDERS
                                 for p in untranslated_texts(sheet_dir / folder)]


def translation_of(sheet_dir: Path, file: str, language: str) -> Path:
    return translated_path(Path(sheet_dir) / file, language)


# A record holds each translated segment's English (for the word diff) and its hash: about the size of the
# English texts and fields, which the limits of texts keep under 30 KB; the rest is room for hashes and keys.
MAX_RECORD_BYTES = 100_000


def load_record(sheet_dir: Path, language: str) -> dict:
    path = record_file(sheet_dir, language)
    if not path.is_file():
        return {}
    try:
        data = load_yaml(read_text(path, Path(sheet_dir), limit=MAX_RECORD_BYTES))
    except yaml.YAMLError as err:
        raise DataError([Problem(display_path(path), "", f"not readable YAML ({err.__class__.__name__}); expected "
                                 "the file as the tools wrote it (restore it, or remove it and mark the "
                                 "translations reviewed)")]) from None
    return data if isinstance(data, dict) else {}


def _entry(value) -> dict | None:
    return value if isinstance(value, dict) and "hash" in value else None


def segments(sheet_dir: Path, language: str, edition: str | None = None) -> list[Segment]:
    """Every segment of the sheet with its translation into ``language`` and its state."""
    sheet_dir = Path(sheet_dir)
    edition = str(edition or sheet_dir.name)
    record = load_record(sheet_dir, language)
    found: list[Segment] = []
    for file in source_files(sheet_dir):
        source_path, target_path = sheet_dir / file, translation_of(sheet_dir, file, language)
        source_text = read_text(source_path, sheet_dir)
        target_text = read_text(target_path, sheet_dir) if target_path.is_file() else None
        recorded = record.get(file) if isinstance(record.get(file), dict) else {}
        if file == paths.SHEET_FILE:
            sources = sheet_fields(load_yaml(source_text) or {})
            targets = translated_fields(load_yaml(target_text) or {}) if target_text is not None else {}
            body_sources, body_targets, body_record, markers = [], [], [], []
        else:
            folder = file.split("/")[0]
            sources = entry_fields(_front(source_text), folder) if folder != paths.NARRATIVE_DIR else {}
            targets = entry_fields(_front(target_text), folder) if target_text and folder != paths.NARRATIVE_DIR \
                else {}
            body_sources = [normal(b.text) for b in body_blocks(source_text)]
            markers = [b.marker for b in body_blocks(source_text)]
            body_targets = [normal(b.text) for b in body_blocks(target_text)] if target_text is not None else []
            body_record = recorded.get("body") if isinstance(recorded.get("body"), list) else []
        for key, text in sources.items():
            found.append(_state(Segment(file, key, normal(text), targets.get(key)), _entry(recorded.get(key)),
                                edition))
        for segment, marker in zip(_body_segments(file, body_sources, body_targets, body_record, edition), markers,
                                   strict=True):
            segment.marker = marker
            found.append(segment)
    return found


def _state(segment: Segment, entry: dict | None, edition: str) -> Segment:
    if segment.target is None:
        segment.state = "new"
    elif entry is None:
        segment.state = "unrecorded"
    elif entry["hash"] != text_hash(segment.source):
        segment.state, segment.previous = "stale", entry.get("source")
    elif str(entry.get("edition")) != edition:
        segment.state = "carried"
    else:
        segment.state = "translated"
    segment.recorded_for = str(entry.get("edition")) if entry else None
    return segment


def _body_segments(file: str, sources: list[str], targets: list[str], record: list, edition: str) -> list[Segment]:
    """The body's blocks, each paired with the translation block recorded as made from its text (wherever it
    moved), the others in order with the translation blocks left."""
    entries = [_entry(e) for e in record]
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for j, text in enumerate(sources):
        h = text_hash(text)
        for i, entry in enumerate(entries[:len(targets)]):
            if i not in used and entry and entry["hash"] == h:
                pairs[j] = i
                used.add(i)
                break
    left = iter(i for i in range(len(targets)) if i not in used)
    for j in range(len(sources)):
        if j not in pairs:
            i = next(left, None)
            if i is not None:
                pairs[j] = i
    found = []
    for j, text in enumerate(sources):
        i = pairs.get(j)
        segment = Segment(file, f"body.{j + 1}", text, targets[i] if i is not None else None, index=i)
        found.append(_state(segment, entries[i] if i is not None and i < len(entries) else None, edition))
    return found


def record_entry(source: str, edition: str) -> dict:
    return {"hash": text_hash(source), "edition": int(edition) if str(edition).isdigit() else str(edition),
            "source": normal(source)}


def updated_record(sheet_dir: Path, language: str, chosen, edition: str | None = None) -> dict:
    """The record with each segment for which ``chosen(segment)`` is true recorded as translating its current
    source, checked for this edition (the others as they were)."""
    sheet_dir = Path(sheet_dir)
    edition = str(edition or sheet_dir.name)
    old = load_record(sheet_dir, language)
    found = segments(sheet_dir, language, edition)
    record: dict = {}
    for file in source_files(sheet_dir):
        mine = [s for s in found if s.file == file]
        previous = old.get(file) if isinstance(old.get(file), dict) else {}
        entry: dict = {}
        for s in (s for s in mine if not s.key.startswith("body.")):
            if s.target is not None and chosen(s):
                entry[s.key] = record_entry(s.source, edition)
            elif _entry(previous.get(s.key)) and s.target is not None:
                entry[s.key] = previous[s.key]
        body = [s for s in mine if s.key.startswith("body.")]
        if body:
            targets = len(_targets_in_order(sheet_dir, file, language))
            old_body = previous.get("body") if isinstance(previous.get("body"), list) else []
            by_target = {}
            for s in body:
                if s.target is None:
                    continue
                i = s.index
                if chosen(s):
                    by_target[i] = record_entry(s.source, edition)
                elif i < len(old_body) and _entry(old_body[i]):
                    by_target[i] = old_body[i]
            if by_target:
                entry["body"] = [by_target.get(i) for i in range(targets)]
        if entry:
            record[file] = entry
    return record


def _targets_in_order(sheet_dir: Path, file: str, language: str) -> list[str]:
    path = translation_of(sheet_dir, file, language)
    return [normal(b.text) for b in body_blocks(read_text(path, Path(sheet_dir)))] if path.is_file() else []


def write_record(sheet_dir: Path, language: str, record: dict, source_language: str) -> bool:
    """Write the record (only when it changed: a round trip changes no byte); whether it was written."""
    from babel import Locale

    path = record_file(sheet_dir, language)

    def name(code: str) -> str:
        try:
            return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
        except Exception:  # noqa: BLE001 - an unknown code: itself
            return code

    text = RECORD_HEADER.format(source=name(source_language), target=name(language)) + yaml.safe_dump(
        record, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False

    write_text(path, text)
    return True


def word_diff(old: str, new: str, context: int = 4, limit: int = 160) -> str:
    """What changed from ``old`` to ``new``, word by word: '… the [-2022-] {+2023+} edition …'."""
    a, b = normal(old).split(), normal(new).split()
    parts = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    codes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            words = a[i1:i2]
            if len(words) > 2 * context:
                head = words[:context] if n else []
                tail = words[-context:] if n < len(codes) - 1 else []
                words = [*head, "…", *tail] if head or tail else ["…"]
            parts.append(" ".join(words))
            continue
        if i2 > i1:
            parts.append(f"[-{' '.join(a[i1:i2])}-]")
        if j2 > j1:
            parts.append(f"{{+{' '.join(b[j1:j2])}+}}")
    shown = " ".join(p for p in parts if p)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def word_diff_html(old: str, new: str) -> str:
    """The change from ``old`` to ``new`` as HTML, removed words in <del>, added ones in <ins> (whole text)."""
    import html

    a, b = normal(old).split(" ") if old else [], normal(new).split(" ") if new else []
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(html.escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(parts)


def stale_policy(sheet, language: str) -> str:
    """'error' (stale text stops the build, the default) or 'warn' (it prints, with a warning)."""
    policy = getattr(sheet, "stale", "error")
    return policy.get(language, "error") if isinstance(policy, dict) else policy


def stale_problems(sheet, sheet_dir: Path) -> tuple[list[Problem], list[str]]:
    """Every language's stale translations: problems (or warnings, where sheet.yaml says stale: warn), each
    naming the translation's file and paragraph or key with a word diff of its source's change; one line per
    language for translations carried over from an earlier edition and not yet checked for this one; and a
    warning for translations the record does not know."""
    sheet_dir = Path(sheet_dir)
    subject_sheet = f"{sheet_dir.parent.name}/{sheet_dir.name}"
    problems, warnings = [], []
    first = sheet.languages[0]
    for language in sheet.languages[1:]:
        try:
            found = segments(sheet_dir, language)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError):
            continue  # a translation that cannot be read: its own check names the problem
        lines: list[Problem] = []
        reviewed = f"make translation-reviewed SHEET={subject_sheet} LANGUAGE={language}"
        for s in found:
            if s.state != "stale" and not (s.state == "new" and s.key.startswith("body.")
                                           and translation_of(sheet_dir, s.file, language).is_file()):
                continue
            where = display_path(translation_of(sheet_dir, s.file, language))
            if s.state == "stale":
                change = word_diff(s.previous or "", s.source)
                message = (f"translates an older {language_name(first)} text, which changed since: {change}; "
                           f"expected it translated again (make translation-out and translation-in), or checked "
                           f"and marked reviewed ({reviewed} KEY={s.file}:{s.key})")
            else:
                message = (f"the {language_name(first)} text has a paragraph more than its translation: "
                           f"{word_diff('', s.source)}; expected its translation (make translation-out and "
                           "translation-in)")
            lines.append(Problem(where, s.place, message))
        carried = [s for s in found if s.state == "carried"]
        if carried:
            editions = ", ".join(sorted({s.recorded_for for s in carried if s.recorded_for}))
            lines.append(Problem(display_path(record_file(sheet_dir, language)), "",
                                 f"{len(carried)} {language_name(language)} translations were checked for the "
                                 f"{editions} edition, not yet for {sheet_dir.name}; expected them checked and "
                                 f"marked reviewed ({reviewed}), or a translator's file imported "
                                 "(make translation-in)"))
        unrecorded = sorted({s.file for s in found if s.state == "unrecorded"})
        if unrecorded:
            warnings.append(f"{len(unrecorded)} {language_name(language)} translations are not in "
                            f"{record_file(sheet_dir, language).name} ({', '.join(unrecorded[:5])}"
                            f"{', ...' if len(unrecorded) > 5 else ''}): a change of their source will not be "
                            f"noticed; once checked, run {reviewed}")
        if stale_policy(sheet, language) == "warn":
            warnings += [f"{p} (printed anyway: stale: warn for {language})" for p in lines]
        else:
            problems += lines
    return problems, warnings


# ---------- Writing translations into the project's files (make translation-in) ----------


def _yaml_node(node, keys: list[str]):
    """The node at a dotted key path of a composed YAML document, or None."""
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if str(k.value) == key), None)
        elif isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
        else:
            return None
        if node is None:
            return None
    return node


def _set_nested(data: dict, keys: list[str], value: str) -> None:
    for n, key in enumerate(keys[:-1]):
        following = keys[n + 1]
        if isinstance(data, list):
            data = data[int(key)]
            continue
        data = data.setdefault(key, [] if following.isdigit() else {})
    if isinstance(data, list):
        while len(data) <= int(keys[-1]):
            data.append("")
        data[int(keys[-1])] = value
    else:
        data[keys[-1]] = value


def _set_yaml(text: str, start: int, end: int, key: str, value: str, flatten) -> str:
    """``text`` (YAML between ``start`` and ``end``) with the scalar at ``key`` set to ``value``: in place,
    keeping the comments, the other values as typed and the value's double quotes if it had them; a key the
    file lacks is added under its parent (the file is written out again only when neither fits)."""
    import json

    part = text[start:end]
    expected = {**flatten(load_yaml(part) or {}), key: value}

    def fits(new: str) -> bool:
        try:
            return flatten(load_yaml(new) or {}) == expected
        except yaml.YAMLError:
            return False

    keys = key.split(".")
    root = yaml.compose(part, Loader=YAML_LOADER)
    node = _yaml_node(root, keys)
    forms = [value, json.dumps(value, ensure_ascii=False)]
    if isinstance(node, yaml.ScalarNode) and node.style == '"':
        forms.reverse()  # a value typed in double quotes stays so
    for written in forms:
        if isinstance(node, yaml.ScalarNode):
            new = part[:node.start_mark.index] + written + part[node.end_mark.index:]
        else:  # a key the file lacks: a line after its parent's last, at the indentation of its keys
            parent = _yaml_node(root, keys[:-1]) if len(keys) > 1 else root
            if not isinstance(parent, yaml.MappingNode) or not parent.value or parent.flow_style:
                break
            indent = " " * parent.value[0][0].start_mark.column
            after = part.find("\n", parent.value[-1][1].end_mark.index - 1)
            after = len(part) if after < 0 else after
            line = f"{indent}{keys[-1]}: {written}"
            new = part[:after] + ("\n" if after < len(part) or part.endswith("\n") else "\n") + line + part[after:] \
                if after < len(part) else part.rstrip("\n") + "\n" + line + "\n"
        if fits(new):
            return text[:start] + new + text[end:]
    data = load_yaml(part) or {}
    _set_nested(data, keys, value)
    return text[:start] + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6) + text[end:]


def apply(sheet_dir: Path, language: str, found: dict[tuple[str, str], str]) -> list[Path]:
    """Write translated segments ({(file, key): text}) into the translation files, changing only what
    differs; return the files written."""
    sheet_dir = Path(sheet_dir)
    current = {(s.file, s.key): s for s in segments(sheet_dir, language)}
    changed: dict[Path, str] = {}
    for file in dict.fromkeys(f for f, _ in found):
        path = translation_of(sheet_dir, file, language)
        text = read_text(path, sheet_dir) if path.is_file() else None
        original = text
        mine = {key: value for (f, key), value in found.items() if f == file}
        fields = {k: v for k, v in mine.items() if not k.startswith("body.")}
        if file == paths.SHEET_FILE:
            text = text or ""
            for key, value in fields.items():
                if current[(file, key)].target != value:
                    text = _set_yaml(text, 0, len(text), key, value, translated_fields)
        else:
            folder = file.split("/")[0]
            if text is None:
                text = "---\n\n---\n" if folder != paths.NARRATIVE_DIR else ""
            for key, value in fields.items():
                if current[(file, key)].target != value:
                    match = _FRONT.match(text)
                    text = _set_yaml(text, match.start(1), match.end(1), key, value,
                                     lambda d, folder=folder: entry_fields(d, folder))
            text = _set_body(text, file, {k: v for k, v in mine.items() if k.startswith("body.")}, current)
        if text != original:
            changed[path] = text
    for path, text in changed.items():  # every file worked out first: nothing is half-imported
        write_text(path, text)
    return list(changed)


def _set_body(text: str, file: str, found: dict[str, str], current: dict) -> str:
    """The Markdown ``text`` with each body segment's translation in its block, in place; when the source has
    blocks the translation lacks, the body is laid out again after the source's blocks."""
    blocks = body_blocks(text)
    body = [s for (f, k), s in current.items() if f == file and k.startswith("body.")]
    if all(s.index is not None for s in body if s.key in found):
        for s in sorted((s for s in body if s.key in found), key=lambda s: -s.index):
            block = blocks[s.index]
            if normal(block.text) != found[s.key]:
                text = text[:block.start] + found[s.key] + text[block.end:]
        return text
    match = _FRONT.match(text)
    head = text[:match.start(2)] if match else ""
    pieces = []
    for s in body:
        value = found.get(s.key) or s.target or ""
        pieces.append(f"{s.marker} {value}" if s.marker else value)
    lines = [pieces[0]] if pieces else []
    for before, s, piece in zip(body, body[1:], pieces[1:], strict=False):
        listed = s.marker and not s.marker.startswith("#") and before.marker and not before.marker.startswith("#")
        lines.append(("\n" if listed else "\n\n") + piece)
    return head + "".join(lines) + "\n"


# ---------- The project's labels (templates/labels/<language>.yaml), in the same XLIFF file ----------

# Keys of a labels file that are settings, not words: how quotation marks and spaces are set, and the Babel
# (CLDR) date pattern, whose letters are codes. They stay out of the translator's file.
LABEL_SETTINGS = ("typography", "date_format")
LABEL_FIELD = re.compile(r"{[^{}]*}")  # a str.format field of a label: {possessive}, {period_short}


# Characters that make markup, which no label needs: a label is set as text in HTML and, page_of and the quotation
# marks, in a CSS string of the PDF's <style> element. A translated label holding one its source lacks is refused.
LABEL_MARKUP = "<>"
LABELS_REFERENCE = "en"  # the labels file the others are translated from (a new language's starts as a copy)


def label_markup_problem(value: str, source: str | None) -> str | None:
    """What is wrong with a label's ``value`` that holds a markup character its source language's label
    (``source``; None when that language has no such label) lacks, as a problem's message; None when nothing."""
    found = [c for c in LABEL_MARKUP if c in value and c not in (source or "")]
    if not found:
        return None
    return (f"{value!r} holds {' and '.join(repr(c) for c in found)}, which a label is not to hold; expected text "
            f"without markup characters, as the source language's label "
            f"{'(' + repr(source) + ') ' if source is not None else ''}has none")


def label_markup_problems(labels: dict, source_labels: dict) -> dict[str, str]:
    """{dotted key: message} for each value of a labels file (its settings too) holding a markup character that
    the same key of ``source_labels`` lacks."""
    source = _flat(source_labels)
    return {key: message for key, value in _flat(labels).items()
            if (message := label_markup_problem(value, source.get(key)))}


def _labels(labels_dir: Path, language: str) -> dict:
    path = Path(labels_dir) / f"{language}.yaml"
    if not path.is_file():
        return {}
    data = load_yaml(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def label_texts(data: dict) -> dict[str, str]:
    """The labels a reader sees, as {dotted key: text} (a list's items by index), settings left out."""
    return _flat({k: v for k, v in data.items() if k not in LABEL_SETTINGS})


def label_segments(labels_dir: Path, source_language: str, language: str) -> list[tuple[str, str, str | None]]:
    """Each label of the source language as (key, source text, the text in ``language`` or None)."""
    source, target = label_texts(_labels(labels_dir, source_language)), label_texts(_labels(labels_dir, language))
    return [(key, text, target.get(key)) for key, text in source.items()]


def label_fields(labels_dir: Path) -> dict[str, set[str]]:
    """The {fields} each label may use: those of the label in every language of the project (the pipeline fills
    the same fields whatever the language; a language may choose another, as year_range_short does)."""
    found: dict[str, set[str]] = {}
    for path in sorted(Path(labels_dir).glob("*.yaml")):
        for key, text in label_texts(_labels(labels_dir, path.stem)).items():
            found.setdefault(key, set()).update(LABEL_FIELD.findall(text))
    return found


def apply_labels(labels_dir: Path, source_language: str, language: str, found: dict[str, str]) -> Path | None:
    """Write translated labels ({key: text}) into templates/labels/<language>.yaml, in place, keeping its
    comments and order (a new language's file starts as a copy of the source language's); the file, when
    written."""
    path = Path(labels_dir) / f"{language}.yaml"
    text = path.read_text(encoding="utf-8") if path.is_file() else \
        (Path(labels_dir) / f"{source_language}.yaml").read_text(encoding="utf-8")
    original = text if path.is_file() else None
    current = label_texts(load_yaml(text) or {})
    for key, value in found.items():
        if current.get(key) != value:
            text = _set_yaml(text, 0, len(text), key, value, _flat)
    if text == original:
        return None
    write_text(path, text)
    return path
