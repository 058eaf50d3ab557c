"""The rules a designer checks on every printed page, checked on WeasyPrint's laid-out boxes.

The render stage applies them to the document it lays out, and writes what they find into the sheet's layout
record (output/layout/<sheet>.json) and its log as warnings: a rule broken is the editor's and the designer's to
judge (a sentence to cut, a block to move), not a reason to withhold a sheet that is otherwise right. The tests
hold the project's own sheets and the test corpus to none at all (tests/test_print_rules.py), and show each rule
failing on a small made-up page.

From the command line, one sheet's HTML is laid out as the render stage does (without a page budget) and
checked (exit status 1 when a rule is broken):

    python -m factsheet.render.print_rules output/html/canada-2023-fr.html --sheet-dir data/canada/2023
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from factsheet.render.layout import _lines, _walk

RULES = {
    "heading-alone": "a heading or card title alone at the foot of a column or page",
    "single-line": "a single line of a paragraph alone at the top or foot of a column",
    "last-lines-alone": "a section's last lines alone on the next page",
    "hanging-indent": "a wrapped heading with a triangle has no hanging indent",
    "panel-columns": "the columns of a panel do not start on one line",
    "cut-corner": "text enters a card's cut corner",
    "key-figure-line": "a key-figure amount is not on one line within its card",
    "quote-apart": "a quote stands on another page than its project",
}
HEADINGS = ("h2", "h3")
PARAGRAPHS = ("p", "li")
# Classes of blocks whose end must not be cut off from them
SECTIONS = ("block", "project", "lead", "commitments", "stream-notes")
LAST_LINES = 2  # a section's fragment on its last page of at most this many lines is cut off
TOLERANCE = 1.0  # CSS px: what counts as "the same line" or "inside"


@dataclass(frozen=True)
class Violation:
    page: int  # from 1
    rule: str
    text: str

    def __str__(self) -> str:
        return f"page {self.page}: {RULES[self.rule]} ({self.rule}): {self.text!r}"


@dataclass
class Line:
    box: object
    element: object  # the nearest element above the line
    elements: tuple  # every element above it, the outermost first
    page: int
    column: str  # "left", "right" or "across"

    @property
    def top(self) -> float:
        return self.box.position_y

    @property
    def text_x(self) -> float:
        """Where the line's first printed text starts."""
        from weasyprint.formatting_structure import boxes

        return min((b.position_x for b in _walk(self.box) if isinstance(b, boxes.TextBox) and b.text.strip()),
                   default=self.box.position_x)


def check(document) -> list[Violation]:
    """Every rule broken in a laid-out weasyprint Document, page by page."""
    lines = _all_lines(document)
    found = [*_headings_alone(lines), *_single_lines(lines), *_last_lines_alone(lines), *_hanging_indents(lines),
             *_panels(document), *_cut_corners(document), *_key_figure_amounts(document), *_quotes_apart(lines)]
    return sorted(set(found), key=lambda v: (v.page, list(RULES).index(v.rule), v.text))


def _all_lines(document) -> list[Line]:
    found = []
    for number, page in enumerate(document.pages, start=1):
        middle = page.width / 2
        for box in _lines(page._page_box):  # noqa: SLF001 - WeasyPrint's laid-out page (see layout.py)
            element, elements = box._block_element, box._elements  # noqa: SLF001
            if _within(elements, "contact") is not None:
                continue  # the contact panel has rules of its own (panel-columns)
            container = getattr(box, "_container", box)
            x, width = container.content_box_x(), container.width
            column = "across" if width > middle else "left" if x + width / 2 < middle else "right"
            found.append(Line(box, element, elements, number, column))
    return found


def _classes(element) -> list[str]:
    return (element.get("class") or "").split() if element is not None else []


def _within(elements, cls: str):
    """The nearest of ``elements`` (a line's, the outermost first) with the class ``cls``, or None."""
    return next((element for element in reversed(elements) if cls in _classes(element)), None)


def _first(elements, wanted):
    """The nearest of ``elements`` for which ``wanted(element)`` holds, or None."""
    return next((element for element in reversed(elements) if wanted(element)), None)


def _heading(elements):
    return _first(elements, lambda e: e.tag in HEADINGS or e.tag == "p" and "countries" in _classes(e))


def _text(element, limit: int = 70) -> str:
    words = " ".join("".join(element.itertext()).split())
    return words if len(words) <= limit else words[:limit - 3].rstrip() + "..."


def _headings_alone(lines: list[Line]):
    for line, after in zip(lines, [*lines[1:], None], strict=False):
        heading = _heading(line.elements)
        if heading is None or after is not None and _heading(after.elements) is not None:
            continue  # not a heading, or a heading followed by its eyebrow (both are checked at the last)
        if after is None or after.page != line.page or (
                after.column != line.column and "across" not in (after.column, line.column)):
            yield Violation(line.page, "heading-alone", _text(heading))


def _fragments(lines: list[Line], key) -> dict:
    """The lines of each element chosen by ``key``, in fragments: (page, column) -> lines."""
    groups: dict = {}
    for line in lines:
        element = key(line.elements)
        if element is not None:
            groups.setdefault(element, {}).setdefault((line.page, line.column), []).append(line)
    return groups


def _paragraph(elements):
    """The paragraph of running text a line belongs to (a key-figure card is not one: its amount and caption are
    lines of their own, set side by side with the other cards')."""
    return _first(elements, lambda e: e.tag in PARAGRAPHS and "key-figure" not in _classes(e))


def _single_lines(lines: list[Line]):
    for element, fragments in _fragments(lines, _paragraph).items():
        if len(fragments) > 1:
            for (page, _), found in fragments.items():
                if len(found) == 1:
                    yield Violation(page, "single-line", _text(element))


def _section(elements):
    return _first(elements, lambda e: any(c in SECTIONS for c in _classes(e)))


def _last_lines_alone(lines: list[Line]):
    for fragments in _fragments(lines, _section).values():
        pages = sorted({page for page, _ in fragments})
        if len(pages) > 1:
            last = [line for (page, _), found in fragments.items() if page == pages[-1] for line in found]
            if len(last) <= LAST_LINES:
                yield Violation(pages[-1], "last-lines-alone", _text(last[-1].element))


def _hanging_indents(lines: list[Line]):
    by_heading: dict = {}
    for line in lines:
        heading = _heading(line.elements)
        if heading is not None and heading.tag == "h2" and "partner-heading" not in _classes(heading):
            by_heading.setdefault(heading, []).append(line)
    for heading, found in by_heading.items():
        if len(found) > 1 and found[0].page == found[1].page and found[1].text_x < found[0].text_x - TOLERANCE:
            yield Violation(found[0].page, "hanging-indent", _text(heading))


def _panels(document):
    for number, page in enumerate(document.pages, start=1):
        for box in _walk(page._page_box):  # noqa: SLF001
            if "contact-panel" not in _classes(getattr(box, "element", None)) or not hasattr(box, "children"):
                continue
            starts = [next(iter(_lines(child)), None) for child in box.children]
            tops = [line.position_y for line in starts if line is not None]
            if tops and max(tops) - min(tops) > TOLERANCE:
                yield Violation(number, "panel-columns", _text(box.element))


def _cut_corner(style) -> float:
    """The size of a box's cut top-right corner (along its diagonal, CSS px), 0 if it has none: the brand's
    corner is a linear gradient at 225deg that starts transparent."""
    for kind, image in style["background_image"]:
        if kind == "linear-gradient" and getattr(image, "direction_type", "") == "angle" \
                and abs(image.direction - math.radians(225)) < 0.01 and not image.colors[0].alpha:
            stop = image.stop_positions[1] if len(image.stop_positions) > 1 else image.stop_positions[0]
            if getattr(stop, "unit", "px") == "px":
                return float(stop.value)
    return 0.0


def _cut_corners(document):
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(document.pages, start=1):
        for box in _walk(page._page_box):  # noqa: SLF001
            style = getattr(box, "style", None)
            if style is None or isinstance(box, (boxes.TextBox, boxes.LineBox, boxes.InlineBox)):
                continue
            corner = _cut_corner(style)
            if not corner:
                continue
            right = box.position_x + box.margin_left + box.border_width()
            top = box.position_y + box.margin_top
            for text in _walk(box):
                if isinstance(text, boxes.TextBox) and text.text.strip():
                    x1 = text.position_x + _inked_width(text)
                    if ((right - x1) + (text.position_y - top)) / math.sqrt(2) < corner - TOLERANCE:
                        yield Violation(number, "cut-corner", _text(box.element))
                        break


def _key_figure_amounts(document):
    """A key figure's amount (the card's <strong>) set on one line, and inside its card: a second line, or a line
    running past the card's padding (an amount kept from wrapping, too wide for its card), breaks the rule."""
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(document.pages, start=1):
        for card in _walk(page._page_box):  # noqa: SLF001
            if "key-figure" not in _classes(getattr(card, "element", None)) or not _block_level(card):
                continue
            inside = card.content_box_x() + card.width
            for amount in _walk(card):
                if getattr(amount, "element", None) is None or amount.element.tag != "strong" \
                        or not _block_level(amount):
                    continue
                found = list(_lines(amount))
                ends = [b.position_x + _inked_width(b) for line in found for b in _walk(line)
                        if isinstance(b, boxes.TextBox) and b.text.strip()]
                if len(found) > 1 or any(end > inside + TOLERANCE for end in ends):
                    yield Violation(number, "key-figure-line", _text(amount.element))
                break


def _block_level(box) -> bool:
    """A box laid out as a block (a block, a flex or grid container or item), not a line or inline part."""
    from weasyprint.formatting_structure import boxes

    return isinstance(box, boxes.ParentBox) and not isinstance(box, (boxes.LineBox, boxes.InlineBox))


def _inked_width(text_box) -> float:
    """A text box's width without the space it may end with."""
    stripped = text_box.text.rstrip()
    if stripped == text_box.text or not text_box.text:
        return text_box.width
    return text_box.width * len(stripped) / len(text_box.text)


def _quotes_apart(lines: list[Line]):
    pages_of: dict = {}
    for line in lines:
        for element in line.elements:
            if element.get("id"):
                pages_of.setdefault(element.get("id"), set()).add(line.page)
    seen = set()
    for line in lines:
        quote = _within(line.elements, "pull-quote")
        if quote is None or id(quote) in seen or not quote.get("data-project"):
            continue
        seen.add(id(quote))
        if line.page not in pages_of.get(quote.get("data-project"), set()):
            yield Violation(line.page, "quote-apart", _text(quote))


def main(html_file, sheet_dir) -> int:
    from pathlib import Path

    from weasyprint import CSS, HTML

    from factsheet import paths
    from factsheet.render import layout
    from factsheet.render.fetcher import SandboxedFetcher

    html_file = Path(html_file).resolve()
    fetcher = SandboxedFetcher(allowed=[paths.TEMPLATES_DIR, Path(sheet_dir), html_file.parent.parent],
                               sheet_dir=Path(sheet_dir))
    laid_out = layout.render_best(HTML(filename=html_file, url_fetcher=fetcher, media_type="print"),
                                  lambda css: CSS(string=css, url_fetcher=fetcher))  # as the render stage does
    found = check(laid_out.document)
    for violation in found:
        print(f"{html_file.name}: {violation}")
    return 1 if found else 0


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Check a sheet's laid-out pages against the rules a designer "
                                                 "checks; exit 1 when one is broken.")
    parser.add_argument("html_file")
    parser.add_argument("--sheet-dir", required=True, help="the sheet's folder (its photos)")
    arguments = parser.parse_args()
    sys.exit(main(arguments.html_file, arguments.sheet_dir))
