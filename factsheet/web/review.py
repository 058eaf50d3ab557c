"""The review page of an edition, read by its editor and approver before it is published: the previous
edition's figures and this one's side by side, each text's changes as a word diff, the translations that are
stale or missing, and the pages of both editions side by side in every language. One self-contained HTML file
(inline CSS, page images as data: URIs) that works from file://; its words are the labels of the sheet's first
language."""

import base64
import html
import io
from pathlib import Path, PurePosixPath

from factsheet import paths
from factsheet.files import load_yaml
from factsheet.model import checked
from factsheet.model.languages import language_name
from factsheet.model.translations import sheet_fields, word_diff_html
from factsheet.render.formatting import Formatter, load_labels
from factsheet.render.page_images import drawn_pages

PAGE_WIDTH = 300  # pixels of a page image: the layout and the headings show, at a glance

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; color: #1d1d1b; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #1e2dbe; } h3 { font-size: 1rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left;
  vertical-align: top; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.changed td { background: #fff7d6; }
del { background: #ffd7d5; text-decoration: line-through; } ins { background: #d4f4dd; text-decoration: none; }
.pages { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .pages figure { margin: 0; }
.pages img { width: 140px; border: 1px solid #999; margin: 0 .3rem .3rem 0; }
.none { color: #555; font-style: italic; }
"""


def _images(pdf: Path | None, labels: dict) -> str:
    from PIL import Image

    if pdf is None or not Path(pdf).is_file():
        return ""
    found = []
    for number, image in enumerate(drawn_pages(Path(pdf), width=PAGE_WIDTH), start=1):
        buffer = io.BytesIO()
        # 64 colours by octree, as the web edition's page images: faster than the default median cut, and smaller
        image.convert("RGB").quantize(64, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG")
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        alt = html.escape(labels["review_page"].format(number=number))
        found.append(f'<img alt="{alt}" src="data:image/png;base64,{data}">')
    return "".join(found)


def _figures(old_model, new_model, new_sheet, labels, fmt) -> list[tuple[str, str, str]]:
    new = new_model.figures(labels)
    old = old_sheet = None
    if old_model:
        old_base = old_model.sheet()
        old_sheet = old_model.sheet(new_sheet.language if new_sheet.language in old_base.languages else None)
        old = old_model.figures(labels)
    rows = [(labels["changes_period"], old.period.long if old else "—", new.period.long)]
    streams = {s.id: s.label for s in (old_sheet.streams if old_sheet else [])} | {s.id: s.label
                                                                                  for s in new_sheet.streams}
    for stream, label in [*streams.items(), ("overall", labels["changes_all_streams"])]:
        window = new.windows.get(stream, new.period).long
        before = old.totals.get(stream) if old else None
        after = new.totals.get(stream)
        rows.append((labels["changes_total"].format(label=label, window=window),
                     "—" if before is None else fmt.usd(before), "—" if after is None else fmt.usd(after)))
    for year in sorted(set(old.by_year if old else {}) | set(new.by_year)):
        for stream, label in streams.items():
            before = (old.by_year.get(year, {}) if old else {}).get(stream)
            after = new.by_year.get(year, {}).get(stream)
            rows.append((f"{label}, {year}", "—" if before is None else fmt.usd(before),
                         "—" if after is None else fmt.usd(after)))
    return rows


def _texts(old: dict[str, str] | None, new: dict[str, str], labels: dict) -> list[str]:
    """One section per text of the first language (and sheet.yaml's fields) that changed: a word diff. ``old``
    and ``new``: the two editions' texts by path in the sheet's folder (a checked sheet's sources)."""
    found, old = [], old or {}

    def fields(sources: dict[str, str]) -> dict:
        text = sources.get(paths.SHEET_FILE, "")
        return sheet_fields(load_yaml(text) or {}) if text else {}

    old_fields, new_fields = fields(old), fields(new)
    changed = [(k, old_fields.get(k, ""), new_fields.get(k, "")) for k in dict.fromkeys([*new_fields, *old_fields])
               if old_fields.get(k) != new_fields.get(k)]
    if changed:
        rows = "".join(f"<tr><td><code>{html.escape(k)}</code></td><td>{word_diff_html(a, b)}</td></tr>"
                       for k, a, b in changed)
        found.append(f"<h3>{paths.SHEET_FILE}</h3><table>{rows}</table>")
    names = sorted(name for name in {*old, *new} if PurePosixPath(name).parent.as_posix() in paths.TEXT_FOLDERS
                   and name.endswith(".md") and PurePosixPath(name).stem.count(".") == 0)
    for name in names:
        before, after = old.get(name, ""), new.get(name, "")
        if before != after:
            paragraphs = [word_diff_html(a, b) for a, b in _paragraph_pairs(before, after)]
            found.append(f"<h3>{html.escape(name)}</h3>" + "".join(f"<p>{p}</p>" for p in paragraphs))
    return found or [f'<p class="none">{html.escape(labels["review_no_text_changed"])}</p>']


def _paragraph_pairs(before: str, after: str) -> list[tuple[str, str]]:
    """The changed paragraphs of a text, old and new, paired in order (an added or removed one with '')."""
    import difflib

    a, b = [p for p in before.split("\n\n") if p.strip()], [p for p in after.split("\n\n") if p.strip()]
    pairs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            olds, news = a[i1:i2], b[j1:j2]
            for n in range(max(len(olds), len(news))):
                pairs.append((olds[n] if n < len(olds) else "", news[n] if n < len(news) else ""))
    return pairs


def _translations(model, sheet, labels: dict) -> str:
    rows = []
    for language in sheet.languages[1:]:
        for s in model.translation_status(language):
            missing = s.target is None
            state = labels["review_state_missing"] if missing else labels[f"review_state_{s.state}"].format(
                edition=s.recorded_for or "")
            change = word_diff_html(s.previous or "", s.source) if s.state == "stale" else html.escape(s.source[:160])
            rows.append(f"<tr><td>{html.escape(language_name(language, sheet.language))}</td>"
                        f"<td><code>{html.escape(s.file)}</code>, {html.escape(s.place)}</td>"
                        f"<td>{html.escape(state)}</td><td>{change}</td></tr>")
    if not rows:
        return f'<p class="none">{html.escape(labels["review_translations_current"])}</p>'
    return "<table>" + "".join(rows) + "</table>"


def review_page(model: checked.CheckedSheet, old_model: checked.CheckedSheet | None, new_pdfs: list[Path],
                old_pdfs: list[Path] | None = None) -> str:
    """The review page of the checked sheet ``model`` (compared with the previous edition's, ``old_model``, if it
    has one), as HTML; ``new_pdfs`` and ``old_pdfs`` are its PDFs and the previous edition's, in the order of
    its languages."""
    sheet = model.sheet()
    labels = load_labels(sheet.language)
    fmt = Formatter(sheet.language, labels)
    old_sheet = old_model.sheet() if old_model else None
    old_date = fmt.month_year(old_sheet.edition_date) if old_sheet else "—"
    new_date = fmt.month_year(sheet.edition_date)
    e = html.escape
    rows = "".join(f'<tr class="{"changed" if a != b else ""}"><td>{e(name)}</td><td class="n">{e(a)}</td>'
                   f'<td class="n">{e(b)}</td></tr>'
                   for name, a, b in _figures(old_model, model, sheet, labels, fmt))
    def by_language(pdfs) -> dict[str, Path]:  # <subject>-<edition>-<language>.pdf
        return {code: Path(pdf) for pdf in pdfs or [] for code in sheet.languages
                if Path(pdf).stem.endswith(f"-{code}")}

    old_by_language, new_by_language = by_language(old_pdfs), by_language(new_pdfs)
    pages = []
    for language, pdf in new_by_language.items():
        pages.append(f"<h3>{e(language_name(language, sheet.language))}</h3><div class=\"pages\">"
                     f"<figure><figcaption>{e(old_date)}</figcaption>{_images(old_by_language.get(language), labels)}"
                     f"</figure><figure><figcaption>{e(new_date)}</figcaption>{_images(pdf, labels)}</figure></div>")
    texts = "".join(_texts(old_model.data["sources"] if old_model else None, model.data["sources"], labels))
    title = labels["review_title"].format(title=sheet.title, edition=new_date)
    intro = labels["review_intro"].format(previous=old_date) if old_sheet else labels["review_first"]
    page = (f'<!DOCTYPE html>\n<html lang="{e(sheet.language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
            f"<style>{STYLE}</style></head><body><main><h1>{e(title)}</h1><p>{e(intro)}</p>"
            f'<h2 id="figures">{e(labels["review_figures"])}</h2><table><thead><tr><th></th><th>{e(old_date)}</th>'
            f"<th>{e(new_date)}</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<h2 id="texts">{e(labels["review_texts"])}</h2>{texts}'
            f'<h2 id="translations">{e(labels["review_translations"])}</h2>{_translations(model, sheet, labels)}'
            f'<h2 id="pages">{e(labels["review_pages"])}</h2>{"".join(pages)}</main></body></html>\n')
    return page
