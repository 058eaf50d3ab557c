"""What changed between two editions of a sheet, in one of its languages: figures (old → new) and texts added
or removed; the report's own words come from the language's labels file."""

import difflib
import re
from pathlib import PurePosixPath

from factsheet import paths
from factsheet.files import load_yaml
from factsheet.model.figures import Figures
from factsheet.model.sheet import Sheet, text_language, translated_path
from factsheet.render.formatting import Formatter

SENTENCE_END = re.compile(r"(?<=[.!?…»”])\s+(?=[A-Z“«(])")


def figure_rows(old: Figures, new: Figures, old_sheet: Sheet, new_sheet: Sheet, fmt: Formatter) -> list[tuple]:
    """(figure, old value, new value) for every figure that differs; '—' where one edition lacks it."""
    words = fmt.labels
    labels = {s.id: s.label for s in old_sheet.streams} | {s.id: s.label for s in new_sheet.streams}
    rows = []
    if old.period != new.period:
        rows.append((words["changes_period"], old.period.long, new.period.long))
    for stream in labels:
        before, after = old.windows.get(stream), new.windows.get(stream)
        if before != after and not (old.same_windows and new.same_windows):
            rows.append((words["changes_window"].format(label=labels[stream]), before.long if before else "—",
                         after.long if after else "—"))
    for stream in labels | {"overall": words["changes_all_streams"]}:
        before, after = old.totals.get(stream), new.totals.get(stream)
        if before != after:
            name = words["changes_total"].format(label=labels.get(stream, words["changes_all_streams"]),
                                                 window=_window(stream, old, new))
            rows.append((name, _usd(before, fmt), _usd(after, fmt)))
    years = sorted(set(old.by_year) | set(new.by_year))
    for year in years:
        for stream in labels:
            before = old.by_year.get(year, {}).get(stream)
            after = new.by_year.get(year, {}).get(stream)
            if before != after:
                rows.append((f"{labels[stream]}, {year}", _usd(before, fmt), _usd(after, fmt)))
    return rows


def _window(stream: str, old: Figures, new: Figures) -> str:
    """The years a total covers, as '2018-2022', or '2017-2021 → 2018-2022' when they moved."""
    before = old.windows.get(stream, old.period).long
    after = new.windows.get(stream, new.period).long
    return after if before == after else f"{before} → {after}"


def _usd(value, fmt: Formatter) -> str:
    return "—" if value is None else fmt.usd(value)


def setting_rows(old: dict[str, str], new: dict[str, str], file_name: str = paths.SHEET_FILE) -> list[tuple]:
    """(key, old, new) for every value of sheet.yaml (or of its translation ``file_name``) that differs between
    two editions' texts (``old`` and ``new``: a checked sheet's sources, by path in its folder)."""
    def flat(value, prefix=""):
        if isinstance(value, dict):
            return {k: v for key, sub in value.items() for k, v in flat(sub, f"{prefix}{key}.").items()}
        if isinstance(value, list):
            return {k: v for i, sub in enumerate(value) for k, v in flat(sub, f"{prefix}{i + 1}.").items()}
        return {prefix.rstrip("."): str(value)}

    def values(sources: dict[str, str]) -> dict:
        return flat(load_yaml(sources[file_name])) if file_name in sources else {}

    before, after = values(old), values(new)
    return [(key, before.get(key, "—"), after.get(key, "—")) for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)]


def _parts(text: str) -> tuple[dict, list[str]]:
    """A text file's front matter fields (flattened) and its sentences, whitespace normalised."""
    meta = {}
    if text.startswith("---"):
        front, _, text = text[3:].partition("\n---")
        text = text.partition("\n")[2]
        meta = {k: " ".join(str(v).split()) for k, v in (load_yaml(front) or {}).items()}
    sentences = []
    for paragraph in text.split("\n\n"):
        sentences += [s for s in SENTENCE_END.split(" ".join(paragraph.split())) if s]
    return meta, sentences


def texts_in(sources: dict[str, str], folder: str, language: str | None) -> dict[str, str]:
    """A folder's texts in ``language`` (None: the first language; a text without its translation is the one
    the edition falls back to), by the name of their untranslated file: the path of the text used."""
    texts = {path.name: path for path in map(PurePosixPath, sorted(sources))
             if path.parent.as_posix() == folder and path.suffix == ".md" and text_language(path) is None}
    if language is None:
        return {name: path.as_posix() for name, path in texts.items()}
    return {name: translated_path(path, language).as_posix()
            if translated_path(path, language).as_posix() in sources else path.as_posix()
            for name, path in texts.items()}


def text_changes(old: dict[str, str], new: dict[str, str], labels: dict, old_language: str | None = None,
                 new_language: str | None = None) -> list[str]:
    """Markdown lines: text files added or removed; in the others, fields and sentences added or removed. The
    texts compared are those of each edition's language (None: its first), shown by their file's name."""
    lines = []
    for folder in paths.TEXT_FOLDERS:
        before, after = texts_in(old, folder, old_language), texts_in(new, folder, new_language)

        def shown(path: str, folder: str = folder) -> str:
            return f"`{folder}/{PurePosixPath(path).name}`"

        for name in sorted(set(after) - set(before)):
            lines.append(f"- **{labels['changes_added']}** {shown(after[name])}: {_summary(new[after[name]])}")
        for name in sorted(set(before) - set(after)):
            lines.append(f"- **{labels['changes_removed']}** {shown(before[name])}: {_summary(old[before[name]])}")
        for name in sorted(set(before) & set(after)):
            (old_meta, old_sentences), (new_meta, new_sentences) = _parts(old[before[name]]), _parts(new[after[name]])
            details = [f"  - `{key}`: “{_clip(old_meta.get(key, '—'))}” → “{_clip(new_meta.get(key, '—'))}”"
                       for key in sorted(set(old_meta) | set(new_meta)) if old_meta.get(key) != new_meta.get(key)]
            for op in difflib.ndiff(old_sentences, new_sentences):
                if op[:2] in ("- ", "+ "):
                    word = labels["changes_sentence_removed" if op[0] == "-" else "changes_sentence_added"]
                    details.append(f"  - {word}: “{_clip(op[2:])}”")
            if details:
                lines += [f"- **{labels['changes_changed']}** {shown(after[name])}:", *details]
    return lines


def _summary(text: str) -> str:
    meta, sentences = _parts(text)
    return _clip(meta.get("title") or meta.get("speaker") or (sentences[0] if sentences else ""))


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def report(title: str, old_label: str, new_label: str, figures: list[tuple], settings: list[tuple],
           texts: list[str], labels: dict, setting_files: list[str] = (paths.SHEET_FILE,)) -> str:
    """The change report as Markdown, its words from ``labels`` (the language's labels file)."""
    out = [f"# {labels['changes_title'].format(title=title, edition=new_label)}", "",
           labels["changes_compared"].format(edition=old_label), ""]
    out += [f"## {labels['changes_figures']}", ""]
    if figures:
        out += [f"| {labels['changes_figure']} | {old_label} | {new_label} |", "|---|---:|---:|"]
        out += [f"| {name} | {before} | {after} |" for name, before, after in figures]
    else:
        out.append(labels["changes_no_figure"])
    out += ["", f"## {labels['changes_texts']}", ""] + (texts or [labels["changes_no_text"]])
    out += ["", f"## {labels['changes_settings'].format(files=', '.join(setting_files))}", ""]
    if settings:
        out += [f"| {labels['changes_key']} | {old_label} | {new_label} |", "|---|---|---|"]
        out += [f"| `{key}` | {_cell(before)} | {_cell(after)} |" for key, before, after in settings]
    else:
        out.append(labels["changes_no_setting"])
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return _clip(text.replace("|", "\\|").replace("\n", " "), 120)
