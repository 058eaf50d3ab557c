"""A translator's hand-off: one sheet's segments in one language as an XLIFF 2.0 file, and back.

Each file of the sheet with words a reader sees is an XLIFF ``<file>`` (``original``: the sheet and the
source file, ``canada/2024/narrative/intro.md``); each segment a ``<unit>`` named by its key (``title``,
``photo.caption``, ``body.3``) with its ``<source>``, the current translation as ``<target>``, and its state:

- translated: ``state="translated"``;
- stale (the source changed since) or new: ``state="initial"`` (translation tools show it as needing work),
  the old translation as target, and notes giving the source it was made from and a word diff of the change;
- carried over from an earlier edition: ``state="translated"`` with a note asking to check it.

A computed value, ``{{ totals.assessed | usd_millions }}``, is a placeholder ``<ph>`` (its expression as
``disp`` and ``equiv``, ``canDelete="no"``): translation tools show it as a tag that cannot be typed or
broken. Markdown's inline markup (``**bold**``, ``*italic*``, ``[text](https://...)``) stays text in the
segment, as in the files the translator would otherwise get.

The project's labels (``templates/labels/<language>.yaml``: "Contact details", "Source:", the chart title)
travel in the same file, as a ``<file id="labels">`` after the sheet's: one unit per label (a list's items
one each, ``pdf_keywords.2``), the source language's label as source, the label in the target language as
target (``state="initial"`` when that language has no such label yet). Settings (``typography``, the
``date_format`` pattern) stay out. A label's ``{name}`` fields are placeholders ``<ph>`` as the computed
values are. Labels are project-wide and change rarely: no record of their sources is kept.

The XML is written and read with lxml; reading refuses DTDs, entities and network access.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.model.editions import LANGUAGE_RULE, is_sheet_name, linked_folder, sheet_languages
from factsheet.model.translations import (
    LABEL_FIELD,
    label_fields,
    label_markup_problem,
    label_segments,
    normal,
    segments,
    word_diff,
)

NS = "urn:oasis:names:tc:xliff:document:2.0"
PLACEHOLDER = re.compile(r"{{.*?}}", re.DOTALL)
DONE_STATES = ("translated", "reviewed", "final")
LABELS_ID = "labels"  # the id of the labels' <file>


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _fill(element, text: str, expressions: dict[str, str], pattern: re.Pattern = PLACEHOLDER) -> None:
    """Put ``text`` into ``element``, each {{ }} (or each match of ``pattern``) as a <ph>; ``expressions`` maps
    an expression to its id."""
    pieces = pattern.split(text)
    found = pattern.findall(text)
    element.text = pieces[0]
    for expression, after in zip(found, pieces[1:], strict=True):
        ph = etree.SubElement(element, _q("ph"))
        ph.set("id", expressions.setdefault(expression, f"ph{len(expressions) + 1}"))
        ph.set("canCopy", "no")
        ph.set("canDelete", "no")
        ph.set("disp", expression)
        ph.set("equiv", expression)
        ph.tail = after


def _indent(element, level: int = 0) -> None:
    """Indent the structure (never inside a source or target, whose white space is the text's)."""
    if element.tag in (_q("source"), _q("target"), _q("note")) or not len(element):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in element:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    element[-1].tail = "\n" + "  " * level


def export(sheet_dir: Path, language: str, source_language: str, labels_dir: Path = paths.LABELS_DIR) -> bytes:
    """The XLIFF 2.0 file of a sheet's segments in ``language``, and of the project's labels."""
    sheet_dir = Path(sheet_dir)
    sheet = f"{sheet_dir.parent.name}/{sheet_dir.name}"
    root = etree.Element(_q("xliff"), nsmap={None: NS})
    root.set("version", "2.0")
    root.set("srcLang", source_language)
    root.set("trgLang", language)
    files: dict[str, etree._Element] = {}
    for s in segments(sheet_dir, language):
        if s.file not in files:
            files[s.file] = etree.SubElement(root, _q("file"), id=f"f{len(files) + 1}", original=f"{sheet}/{s.file}")
        unit = etree.SubElement(files[s.file], _q("unit"), id=f"u{len(files[s.file]) + 1}", name=s.key)
        notes = [("state", s.state)]
        if s.state == "stale":
            notes += [("previous-source", s.previous or ""), ("change", word_diff(s.previous or "", s.source))]
        elif s.state == "carried":
            notes.append(("check", f"translated for the {s.recorded_for} edition: check it still holds"))
        container = etree.SubElement(unit, _q("notes"))
        for category, text in notes:
            etree.SubElement(container, _q("note"), category=category).text = text
        segment = etree.SubElement(unit, _q("segment"),
                                   state="translated" if s.state in ("translated", "carried", "unrecorded")
                                   else "initial")
        expressions: dict[str, str] = {}
        _fill(etree.SubElement(segment, _q("source")), s.source, expressions)
        if s.target is not None:
            _fill(etree.SubElement(segment, _q("target")), s.target, expressions)
    _export_labels(root, Path(labels_dir), language, source_language)
    _indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _export_labels(root, labels_dir: Path, language: str, source_language: str) -> None:
    """The labels' <file>: one unit per label, its {fields} as placeholders."""
    original = f"{paths.LABELS_DIR.relative_to(paths.PROJECT_ROOT).as_posix()}/{source_language}.yaml"
    file_element = etree.SubElement(root, _q("file"), id=LABELS_ID, original=original)
    allowed = label_fields(labels_dir)
    for key, source, target in label_segments(labels_dir, source_language, language):
        unit = etree.SubElement(file_element, _q("unit"), id=f"u{len(file_element) + 1}", name=key)
        notes = [("state", "translated" if target is not None else "new")]
        fields = allowed.get(key, set())
        if fields - set(LABEL_FIELD.findall(source)):
            notes.append(("fields", "the fields a translation may use, each once: " + ", ".join(sorted(fields))))
        container = etree.SubElement(unit, _q("notes"))
        for category, text in notes:
            etree.SubElement(container, _q("note"), category=category).text = text
        segment = etree.SubElement(unit, _q("segment"), state="translated" if target is not None else "initial")
        expressions: dict[str, str] = {}
        _fill(etree.SubElement(segment, _q("source")), source, expressions, LABEL_FIELD)
        if target is not None:
            _fill(etree.SubElement(segment, _q("target")), target, expressions, LABEL_FIELD)


def _text(element, name: str, where: Problem, expressions: dict[str, str] | None,
          extra: set[str] = frozenset()) -> tuple[str, list[str]]:
    """An element's text with each <ph> given back as its expression, and what is wrong in it (a <ph> the
    source lacks is one of ``extra``, the other fields a label may use, or wrong)."""
    wrong: list[str] = []
    pieces = [element.text or ""]
    for child in element:
        if child.tag != _q("ph"):
            tag = etree.QName(child).localname if isinstance(child.tag, str) else "a comment"
            wrong.append(f"<{tag}> in the {name} (only text and the placeholders <ph> may be there)")
        elif expressions is None:
            pieces.append(child.get("equiv") or child.get("disp") or "")
        elif child.get("id") not in expressions and (child.get("equiv") or child.get("disp")) in extra:
            pieces.append(child.get("equiv") or child.get("disp"))
        elif child.get("id") not in expressions:
            wrong.append(f"a placeholder <ph id={child.get('id')!r}> in the {name} that the source does not have")
        else:
            pieces.append(expressions[child.get("id")])
        pieces.append(child.tail or "")
    return "".join(pieces), wrong


def read(path: Path, data_dir: Path, labels_dir: Path = paths.LABELS_DIR
         ) -> tuple[Path, str, dict[tuple[str, str], str], dict[str, str]]:
    """An XLIFF file of translation-out, checked against the sheet and the labels as they are now: (the sheet's
    folder, the language, {(file, key): translated text} of the segments marked translated, {key: translated
    text} of the labels marked translated). Raises DataError naming each segment that is wrong or missing."""
    shown = display_path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as err:
        raise DataError([Problem(shown, "", f"not a readable XML file ({err}); expected the XLIFF file "
                                 "written by make translation-out, as the translation tool saved it")]) from None
    if root.tag != _q("xliff") or not str(root.get("version", "")).startswith("2."):
        raise DataError([Problem(shown, "line 1", f"not an XLIFF 2 file (root {etree.QName(root).localname!r}, "
                                 f"version {root.get('version')!r}); expected <xliff version=\"2.0\"> in {NS}")])
    sheet_files = [f for f in root.iter(_q("file")) if f.get("id") != LABELS_ID]
    label_files = [f for f in root.iter(_q("file")) if f.get("id") == LABELS_ID]
    originals = [f.get("original") or "" for f in sheet_files]
    sheets = {"/".join(o.split("/")[:2]) for o in originals}
    if len(sheets) != 1 or not all(o.count("/") >= 2 for o in originals) or len(label_files) > 1:
        raise DataError([Problem(shown, "", f"its files name {len(sheets)} sheets ({', '.join(sorted(sheets))}) "
                                 f"and {len(label_files)} labels; expected one sheet's files and the labels, as "
                                 "make translation-out writes them")])
    sheet = sheets.pop()
    if not is_sheet_name(sheet):
        raise DataError([Problem(shown, "", f"its files name the sheet {sheet!r}; expected <subject>/<edition> of a "
                                 "sheet in the data folder (like canada/2023), as make translation-out writes it")])
    sheet_dir = Path(data_dir) / sheet
    linked = linked_folder(data_dir, *sheet.split("/"))
    if linked:  # its translations would be written where the link leads
        raise DataError([linked])
    if not (sheet_dir / "sheet.yaml").is_file():
        raise DataError([Problem(shown, "", f"it is for {display_path(sheet_dir)}, which has no sheet.yaml; "
                                 "expected a sheet of this project")])
    source_language, language = _languages(root, sheet_dir, shown)
    current = {(s.file, s.key): s for s in segments(sheet_dir, language)}
    problems, found, seen = [], {}, set()
    for file_element in sheet_files:
        file = file_element.get("original").split("/", 2)[2]
        for unit in file_element.iter(_q("unit")):
            key = unit.get("name") or ""
            where = f"unit {file}, {key or unit.get('id')}"
            segment = current.get((file, key))
            if segment is None:
                problems.append(Problem(shown, where, "the sheet has no such segment (now); expected the units "
                                        "make translation-out wrote, for the sheet as it is"))
                continue
            seen.add((file, key))
            problems += _unit(unit, segment.source, shown, where, found, (segment.file, segment.key))
    for (file, key), segment in current.items():
        if (file, key) not in seen:
            problems.append(Problem(shown, f"unit {file}, {key}", f"missing: the sheet has this segment "
                                    f"({segment.source[:60]!r}); expected every unit make translation-out wrote"))
    labels: dict[str, str] = {}
    for file_element in label_files:  # the labels: a file that lacks them is a sheet's alone
        problems += _labels(file_element, Path(labels_dir), source_language, language, shown, labels)
    if problems:
        raise DataError(problems)
    return sheet_dir, language, found, labels


def _languages(root, sheet_dir: Path, shown: str) -> tuple[str, str]:
    """The file's srcLang and trgLang, checked before any path is made of them: the sheet's first language and
    one of its translated languages, as make translation-out writes them (the target language names the files
    translation-in writes: a wrong one would overwrite another language's). Raises DataError otherwise."""
    languages = sheet_languages(sheet_dir)
    declared = f"key languages of {display_path(sheet_dir / paths.SHEET_FILE)}"
    expected = {"srcLang": (languages[:1], "the sheet's first language"),
                "trgLang": (languages[1:], "one of the sheet's translated languages")}
    problems = []
    for attribute, (allowed, what) in expected.items():
        value = root.get(attribute)
        if value in allowed:
            continue
        wrong = "missing" if value is None else f"{value!r} is not a language code" \
            if not re.fullmatch(LANGUAGE_RULE, value) else f"{value!r} is not {what}"
        choices = " or ".join(repr(code) for code in allowed) or "none (the sheet has no translated language)"
        problems.append(Problem(shown, f"attribute {attribute}", f"{wrong}; expected {choices}, as {declared} "
                                "gives them and make translation-out writes them"))
    if problems:
        raise DataError(problems)
    return root.get("srcLang"), root.get("trgLang")


def _labels(file_element, labels_dir: Path, source_language: str, language: str, shown: str,
            found: dict[str, str]) -> list[Problem]:
    name = f"{paths.LABELS_DIR.relative_to(paths.PROJECT_ROOT).as_posix()}/{source_language}.yaml"
    current = {key: source for key, source, _ in label_segments(labels_dir, source_language, language)}
    problems, seen, allowed = [], set(), label_fields(labels_dir)
    for unit in file_element.iter(_q("unit")):
        key = unit.get("name") or ""
        where = f"unit {name}, {key or unit.get('id')}"
        if key not in current:
            problems.append(Problem(shown, where, "the labels have no such label (now); expected the units make "
                                    "translation-out wrote, for the labels as they are"))
            continue
        seen.add(key)
        problems += _unit(unit, current[key], shown, where, found, key, LABEL_FIELD, allowed.get(key, set()))
    problems += [Problem(shown, f"unit {name}, {key}", f"missing: the labels have this label ({source[:60]!r}); "
                         "expected every unit make translation-out wrote") for key, source in current.items()
                 if key not in seen]
    return problems


def _unit(unit, expected: str, shown: str, where: str, found: dict, found_key, pattern: re.Pattern = PLACEHOLDER,
          fields: set[str] | None = None) -> list[Problem]:
    """Check a unit against the source text ``expected``; its translation, when marked translated and right,
    into ``found[found_key]``. ``pattern`` is what a placeholder stands for ({{ }}, or a label's {field});
    ``fields``, for a label, the fields its translation may use (each once, the source's ones at least
    unless a language of the project uses others)."""
    label = pattern is not PLACEHOLDER
    parts = unit.findall(_q("segment"))
    if len(parts) != 1:
        return [Problem(shown, where, f"{len(parts)} <segment> elements; expected one")]
    part = parts[0]
    source_element, target_element = part.find(_q("source")), part.find(_q("target"))
    source, wrong = _text(source_element, "source", None, None) if source_element is not None else ("", [])
    if normal(source) != normal(expected):
        return [Problem(shown, where, f"its source is not the {'label' if label else 'sheet'}'s text now "
                        f"({word_diff(source, expected)}); expected a file written by make translation-out after "
                        "the last change of the source")]
    if part.get("state", "initial") not in DONE_STATES:
        return []  # not translated yet: left as it is
    if target_element is None or not "".join(target_element.itertext()).strip() and not len(target_element):
        return [Problem(shown, where, "marked translated, but its target is empty; expected the translation")]
    expressions = {ph.get("id"): ph.get("disp") or ph.get("equiv") for ph in source_element.iter(_q("ph"))}
    extra = set(fields or ()) - set(expressions.values())
    target, wrong = _text(target_element, "target", None, expressions, extra)
    problems = [Problem(shown, where, f"{w}; expected the source's placeholders, each once") for w in wrong]
    used = [expressions.get(ph.get("id")) or ph.get("equiv") or ph.get("disp")
            for ph in target_element.iter(_q("ph"))]
    for expression in dict.fromkeys([*expressions.values(), *extra]):
        count = used.count(expression)
        ph_id = next((i for i, e in expressions.items() if e == expression), None)
        named = f"the placeholder {expression}" + (f" (<ph id={ph_id!r}>)" if ph_id else "")
        if count > 1 or not count and ph_id and not extra:
            problems.append(Problem(shown, where, f"{named} is {'missing' if not count else f'given {count} times'}"
                                    " in the target; expected it once, as the source has it"))
    typed_text = "".join(target_element.itertext())
    if label:
        if "{" in typed_text or "}" in typed_text:
            problems.append(Problem(shown, where, f"the target has {{ }} typed as text ({typed_text!r}); expected "
                                    "the label's fields only as the source's placeholders"))
        markup = label_markup_problem(target, expected)
        if markup:
            problems.append(Problem(shown, where, f"the target {markup}"))
    else:
        typed = [t for t in PLACEHOLDER.findall(typed_text) if t]
        if typed or "{{" in typed_text:
            problems.append(Problem(shown, where, f"the target has {{{{ }}}} typed as text "
                                    f"({', '.join(typed) or '{{'}); expected the computed values only as the "
                                    "source's placeholders"))
    if extra and not any(e in used for e in [*expressions.values(), *extra]) and expressions:
        problems.append(Problem(shown, where, "the target has none of the label's fields; expected the source's "
                                "placeholders"))
    if not problems:
        found[found_key] = target if label else normal(target)
    return problems
