"""The worst input of each kind that passes every documented limit, built with `make`'s own build command.

For each kind (the table as CSV, the workbook, Markdown texts, sheet.yaml, a photo, the whole sheet at every
limit at once, and inputs just past a limit, which must be refused), a copy of the checkout's sources is made
with the Canada sheet changed into that input, and `factsheet/commands/build.py` builds it (the web edition too, as
`make` does). Printed: a Markdown table of wall time and peak memory (the largest resident set of one process
of the build, and of all of them together) per kind. Targets: built within 60 s and 1 GB (one process), or
refused within 10 s.

Usage: python bench/worst_inputs.py [KIND ...]   (all kinds by default; --list names them)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from factsheet import paths
from factsheet.model import contributions, markdown, sheet, validate
from tests.conftest import copy_checkout, first_language_only  # as the tests copy and reduce a sheet

ROOT = Path(__file__).resolve().parents[1]

CANADA = ROOT / "data" / "canada" / "2023"
SUBJECT, EDITION = "worst", "2023"
TARGET_BUILT_S, TARGET_REFUSED_S, TARGET_MB = 60, 10, 1000
LANGUAGES = (None, "fr", "es")  # the Canada sheet's: None for its first language's untranslated files


def checkout(folder: Path) -> Path:
    """A copy of the checkout's sources with the Canada sheet as data/worst/2023; returns the sheet's folder."""
    copy_checkout(folder)
    shutil.rmtree(folder / "data")
    sheet_dir = folder / "data" / SUBJECT / EDITION
    shutil.copytree(CANADA, sheet_dir)
    # The most a sheet may allow itself: the largest page budget, and stale translations printed with a warning,
    # so that an input the limits allow is built (its cost measured), not refused for running over the Canada
    # sheet's four pages or because the bench's own edits of the English made its translations stale.
    path = sheet_dir / "sheet.yaml"
    text = re.sub(r"^pages: .*$", f"pages: {sheet.MAX_PAGES}", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    path.write_text(text + "stale: warn\n", encoding="utf-8")
    return sheet_dir


def language_file(path: Path, language: str | None) -> Path:
    return path if language is None else sheet.translated_path(path, language)


# Markdown that costs the parser and the layout the most while passing every check: runs of brackets and
# emphasis marks that never close (the parser's worst case is quadratic in such runs), a word too long for any
# line, lists and links at their limits.
def _brackets(size: int) -> str:
    run = " ".join(mark * 100 for mark, most in markdown.MAX_MARKS.items() for _ in range(most // 100)) + " "
    return (run + "words " * (size // 6))[:size]


def _emphasis(size: int) -> str:
    marks = "*a **b _c __d " * (markdown.MAX_MARKS["*"] // 3)
    return (marks + "words " * size)[:size]


def _link_soup(size: int) -> str:
    return ("[a]( " * markdown.MAX_MARKS["["] + "words " * size)[:size]


def _long_word(size: int) -> str:
    return (("x" * markdown.MAX_RUN + " ") * (size // markdown.MAX_RUN + 1))[:size]


def _lists_and_links(size: int) -> str:
    nested = ["  " * level + f"- [item {level}](https://example.org/{level})"
              for level in range(markdown.MAX_BLOCK_NESTING)] * (markdown.MAX_LINKS // markdown.MAX_BLOCK_NESTING)
    lines = [*nested, ""] + ["Plain words in a paragraph of their own, line after line."] * size
    text = ""
    for line in lines:  # whole lines only: a list cut short could read as another construct
        if len((text + line + "\n").encode()) > size:
            break
        text += line + "\n"
    return text


PATTERNS = [_brackets, _emphasis, _link_soup, _long_word, _lists_and_links]


def fill_texts(sheet_dir: Path, folders=("narrative",), patterns=PATTERNS) -> None:
    """Each language's texts of ``folders`` replaced by pathological Markdown (``patterns`` in turn), of equal
    sizes: each text at most MAX_TEXT_BYTES, every language's texts together MAX_LANGUAGE_TEXT_BYTES."""
    texts = [p for folder in paths.TEXT_FOLDERS for p in sheet.untranslated_texts(sheet_dir / folder)]
    for language in LANGUAGES:
        files = [language_file(p, language) if language_file(p, language).is_file() else p for p in texts]
        targets = [f for f in files if f.parent.name in folders and sheet.text_language(f) == language]
        kept = sum(f.stat().st_size for f in files if f not in targets)
        parts = {f: _split(f.read_text(encoding="utf-8")) for f in targets}
        heads = sum(len(head.encode()) for head, _ in parts.values())
        share = (validate.MAX_LANGUAGE_TEXT_BYTES - 1 - kept - heads) // max(len(targets), 1)
        for number, (target, (head, _)) in enumerate(parts.items()):
            size = min(share, sheet.MAX_TEXT_BYTES - len(head.encode()) - 1)
            target.write_text(head + patterns[number % len(patterns)](size), encoding="utf-8")


def _split(text: str) -> tuple[str, str]:
    """A text's front matter (with its '---' lines) and body; no front matter for narrative blocks."""
    match = re.match(r"\A(---\n.*?\n---\n)(.*)\Z", text, re.DOTALL)
    return (match.group(1), match.group(2)) if match else ("", text)


def full_table(sheet_dir: Path) -> None:
    """contributions.csv at MAX_ROWS rows and nearly MAX_TABLE_BYTES: the real rows, then 'Total' rows (each
    checked against the sum) with long notes."""
    path = sheet_dir / "contributions.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    header, rows = lines[0], lines[1:]
    table = contributions.read_raw(path)
    columns = [c for c in table.columns if c != contributions.ROW]
    amounts = [contributions.parse_amount(a) for a, y in zip(table["amount_usd"], table["year"], strict=True)
               if str(y).strip().lower() != "total"]
    total = f"{sum(amounts):.2f}"
    room = contributions.MAX_TABLE_BYTES - len(path.read_bytes())
    count = contributions.MAX_ROWS - len(rows)
    note = "n" * (room // count - 40)
    cells = {"year": "Total", "stream": "", "amount_usd": total, "note": note}
    extra = ",".join(cells.get(c, "") for c in columns)
    if "note" not in columns:
        header += ",note"
        rows = [r + "," for r in rows]
        extra += "," + note
    path.write_text("\n".join([header, *rows, *[extra] * count]) + "\n", encoding="utf-8")


def wrong_table(sheet_dir: Path) -> None:
    """contributions.csv of MAX_ROWS rows, every one of them wrong (each is named)."""
    rows = [f"{2100 + i % 900},unknown{i},-{i}" for i in range(contributions.MAX_ROWS)]
    (sheet_dir / "contributions.csv").write_text("year,stream,amount_usd\n" + "\n".join(rows) + "\n", encoding="utf-8")


def full_workbook(sheet_dir: Path) -> None:
    """contributions.xlsx at the cell limit: the table on the visible worksheet, a hidden worksheet (never
    read, but loaded) holding the rest of the cells, with long texts up to the unpacked limit."""
    import openpyxl

    table = contributions.read_raw(sheet_dir / "contributions.csv")
    (sheet_dir / "contributions.csv").unlink()
    book = openpyxl.Workbook(write_only=True)
    visible = book.create_sheet("Contributions")
    visible.append([c for c in table.columns if c != contributions.ROW])
    for record in table.drop(columns=[contributions.ROW]).itertuples(index=False):
        visible.append([_number(v) for v in record])
    hidden = book.create_sheet("Workings")
    hidden.sheet_state = "hidden"
    cells = contributions.MAX_XLSX_CELLS - 4 * (len(table) + 1)
    text_size = (contributions.MAX_XLSX_UNPACKED // 2) // cells
    for row in range(cells // 10):
        hidden.append([f"{row:08d}{column}" + "t" * text_size for column in range(10)])
    book.save(sheet_dir / "contributions.xlsx")


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def crowded_workbook(sheet_dir: Path) -> None:
    """A small workbook whose worksheet stores as many empty cells as fit in MAX_XLSX_UNPACKED (millions):
    it must be refused before openpyxl loads them."""
    import zipfile

    full_workbook(sheet_dir)
    path = sheet_dir / "contributions.xlsx"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    cells = (contributions.MAX_XLSX_UNPACKED - sum(len(v) for k, v in parts.items() if "sheet2" not in k)) // 4 - 100
    parts["xl/worksheets/sheet2.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row r="1">' + b"<c/>" * cells + b"</row></sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def full_yaml(sheet_dir: Path) -> None:
    """sheet.yaml with every list at its most items, of long names, up to MAX_TEXT_BYTES (first language only:
    a translation lists the same items)."""
    first_language_only(sheet_dir)
    path = sheet_dir / "sheet.yaml"
    text = path.read_text(encoding="utf-8")
    most = sheet.MAX_LIST_ITEMS
    lists = {"priority_areas": most["priority_areas"], "countries": most["countries"]}
    text = re.sub(r"^(priority_areas|countries):.*?(?=^\S)", "", text, flags=re.MULTILINE | re.DOTALL)
    partners = most["partners"] - len(re.findall(r"^  - code:", text, flags=re.MULTILINE))
    added = "".join(f"  - code: P{i}\n    name: Partner agency number {i} with a long official name\n"
                    for i in range(partners))
    text = re.sub(r"^(partners:\n(?:  .*\n)+)", lambda m: m.group(1) + added, text, flags=re.MULTILINE)
    room = sheet.MAX_TEXT_BYTES - len(text.encode()) - 200
    per_item = room // sum(lists.values()) - 8
    for key, count in lists.items():
        text += f"{key}:\n" + "".join(f"  - {'Wide' * (per_item // 4)} {i}\n" for i in range(count))
    path.write_text(text, encoding="utf-8")


def _photo(path: Path, pixels: int) -> None:
    """A JPEG of ``pixels`` pixels of noise (the costliest to decode and to compress again)."""
    import numpy as np
    from PIL import Image

    width = int((pixels * 3 / 2) ** 0.5)
    height = pixels // width
    pixels = np.random.default_rng(1).integers(0, 256, (height, width, 3), dtype=np.uint8)
    path.parent.mkdir(exist_ok=True)
    Image.fromarray(pixels).save(path, quality=95)


def photos(sheet_dir: Path, count: int = 1) -> None:
    """The first ``count`` projects each with a photo as large as the limits allow (MAX_PHOTO_PIXELS, all of
    them together MAX_SHEET_PHOTO_PIXELS), the same file under other names."""
    first = sheet_dir / "photos" / "photo-0.jpg"
    _photo(first, min(sheet.MAX_PHOTO_PIXELS, sheet.MAX_SHEET_PHOTO_PIXELS // count))
    for number, path in enumerate(sheet.untranslated_texts(sheet_dir / "projects")[:count]):
        name = f"photo-{number}.jpg"
        if number:
            os.link(first, sheet_dir / "photos" / name)
        for language in LANGUAGES:
            target = language_file(path, language)
            if target.is_file():
                field = f"photo: {{file: photos/{name}, " if language is None else "photo: {"
                text = target.read_text(encoding="utf-8")
                target.write_text(text.replace("---\n", f"---\n{field}caption: A caption, credit: A credit}}\n", 1),
                                  encoding="utf-8")


def most_entries(sheet_dir: Path) -> None:
    """MAX_PROJECTS projects and MAX_QUOTES quotes (copies of the first, in every language)."""
    for folder, most in (("projects", sheet.MAX_PROJECTS), ("quotes", sheet.MAX_QUOTES)):
        existing = sheet.untranslated_texts(sheet_dir / folder)
        for number in range(len(existing), most):
            for language in LANGUAGES:
                source = language_file(existing[0], language)
                name = f"{90 + number:02d}-copy-{number}" + ("" if language is None else f".{language}") + ".md"
                if source.is_file():
                    shutil.copy2(source, sheet_dir / folder / name)


def whole_sheet(sheet_dir: Path) -> None:
    """Every limit at once: most projects and quotes, each with a full-size photo, every language's texts at
    their limit, the table at its limit."""
    most_entries(sheet_dir)
    photos(sheet_dir, sheet.MAX_PROJECTS)
    fill_texts(sheet_dir, folders=("narrative", "projects", "quotes"))
    full_table(sheet_dir)


def deep_markdown(sheet_dir: Path) -> None:
    """Every narrative block of every language as deeply nested quotations, lists and emphasis as fits."""
    size = 5_000  # five of them stay within each language's limit for all texts together
    deep = [">" * size, "- " * (size // 2), "*" * (size // 2) + "a" + "*" * (size // 2),
            "[" * (size // 8) + "a" + "](b)" * (size // 8), "**a " * (size // 4)]
    for number, path in enumerate(sheet.untranslated_texts(sheet_dir / "narrative")):
        for language in LANGUAGES:
            if language_file(path, language).is_file():
                language_file(path, language).write_text(deep[number % len(deep)], encoding="utf-8")


def named_pipes(sheet_dir: Path) -> None:
    """A named pipe in place of a text and of the table: refused without waiting for a writer."""
    for path in (sheet_dir / "narrative" / "intro.md", sheet_dir / "contributions.csv"):
        path.unlink()
        os.mkfifo(path)


def _too_large(sheet_dir: Path) -> None:
    """A text of 1 MB (the limit before this bench) of pathological Markdown: refused unread."""
    (sheet_dir / "narrative" / "intro.md").write_text("[" * 1_000_000, encoding="utf-8")


KINDS = {  # kind: (what it is, how it is made, whether it must build)
    "canada": ("the Canada sheet as it is (reference)", lambda d: None, True),
    "table-csv": (f"CSV of {contributions.MAX_ROWS:,} rows, ~{contributions.MAX_TABLE_BYTES // 1_000_000} MB",
                  full_table, True),
    "table-csv-wrong": (f"CSV of {contributions.MAX_ROWS:,} rows, each wrong", wrong_table, False),
    "workbook": (f"workbook of {contributions.MAX_XLSX_CELLS:,} cells, unpacking to "
                 f"~{contributions.MAX_XLSX_UNPACKED // 2_000_000} MB", full_workbook, True),
    "workbook-crowded": ("workbook of ~5 million empty cells, under the size limits", crowded_workbook, False),
    "markdown": ("texts at their limits, of pathological Markdown", fill_texts, True),
    "markdown-deep": ("texts of nesting past the limits", deep_markdown, False),
    "markdown-1mb": ("a text of 1 MB of '['", _too_large, False),
    "yaml": ("sheet.yaml at its limits (lists, size)", full_yaml, True),
    "photo": (f"a photo of {sheet.MAX_PHOTO_PIXELS // 1_000_000} megapixels of noise", photos, True),
    "photos": (f"{sheet.MAX_PROJECTS} photos of {sheet.MAX_SHEET_PHOTO_PIXELS // 1_000_000} megapixels together",
               lambda d: photos(d, sheet.MAX_PROJECTS), True),
    "named-pipe": ("named pipes in place of a text and the table", named_pipes, False),
    "whole-sheet": (f"{sheet.MAX_PROJECTS} projects with photos, {sheet.MAX_QUOTES} quotes, texts and table at "
                    "their limits", whole_sheet, True),
}


def measure(workdir: Path) -> dict:
    """Build; return its wall time and its peak memory: the largest resident set of one process and of all
    of them together, sampled every 0.1 s over every process working in ``workdir`` (Snakemake's process
    and its stages' run apart from the build command, so they are found by their working folder)."""
    import psutil

    start = time.monotonic()
    build = subprocess.Popen([sys.executable, "-m", "factsheet.commands.build", "--cores", "2"], cwd=workdir, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak_one = peak_all = 0
    output = []
    reader = threading.Thread(target=lambda: output.extend(build.stdout), daemon=True)
    reader.start()
    while build.poll() is None:
        sizes = []
        for process in psutil.process_iter(["cwd", "memory_info"]):
            cwd, memory = process.info["cwd"], process.info["memory_info"]
            if cwd and memory and Path(cwd).is_relative_to(workdir):
                sizes.append(memory.rss)
        peak_one, peak_all = max(peak_one, *sizes, 0), max(peak_all, sum(sizes))
        time.sleep(0.1)
    seconds = time.monotonic() - start
    reader.join()
    errors = [line for line in output if line.startswith("error:")]
    return {"seconds": seconds, "peak_mb": peak_one / 2**20, "total_mb": peak_all / 2**20, "status": build.returncode,
            "errors": len(errors), "first": errors[0].strip() if errors else "", "tail": "".join(output)[-600:]}


def main(kinds: list[str]) -> int:
    rows, failed = [], []
    for kind in kinds:
        what, make, builds = KINDS[kind]
        with tempfile.TemporaryDirectory(prefix="worst-inputs-") as folder:
            workdir = Path(folder)
            make(checkout(workdir))
            result = measure(workdir)
        built = result["status"] == 0
        target = TARGET_BUILT_S if built else TARGET_REFUSED_S
        met = result["seconds"] <= target and result["peak_mb"] <= TARGET_MB and built == builds
        outcome = "built" if built else f"refused ({result['errors']} lines)"
        rows.append(f"| {kind} | {what} | {outcome} | {result['seconds']:.1f} s | {result['peak_mb']:.0f} MB | "
                    f"{result['total_mb']:.0f} MB | {'yes' if met else 'NO'} |")
        print(rows[-1], file=sys.stderr, flush=True)
        if not met:
            failed.append(kind)
            print(result["first"] or result["tail"], file=sys.stderr, flush=True)
    print("| kind | input | outcome | wall time | peak memory, one process | all processes | target met |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--list"]:
        print("\n".join(f"{kind}: {what}" for kind, (what, _, _) in KINDS.items()))
    else:
        unknown = [k for k in sys.argv[1:] if k not in KINDS]
        if unknown:
            sys.exit(f"unknown kind {unknown[0]!r}; expected one of {', '.join(KINDS)}")
        sys.exit(main(sys.argv[1:] or list(KINDS)))
