"""Lay a sheet out as a designer does: at the brand's one type setting, within the sheet's page budget.

The type never changes to fill or save space: every sheet, in every language, is set in the sizes of the brand
file (templates/brand/brand.yaml, ``type:``), which the stylesheet reads. What the layout may change are the
flexible parts: the stylesheet balances columns, spans a lone box across the page and keeps the contact panel
at the foot of the last page; here, when a page ends with a large blank, the blocks that start on it are moved
apart (once; on the last page by no more than a designer adds between sections). A sheet that fits is laid out
once, a sheet that needs its blocks moved apart twice. The last page may end short, up to MAX_BLANK_LAST: when
even the taller chart and those gaps leave more of it empty, the sheet is too short for its pages, and the
render stage warns the editor (short_last_page). Gaps go on a last page only when, at their most, they can
bring it within the limit: a layout that cannot come closer to passing than by spreading a too-short page is not
tried.

The page budget is the number of pages a sheet states (``pages:`` in sheet.yaml), by default the number its
first language runs to. An edition that runs over it is refused (OverBudget), naming how many lines of text
run over and the longest blocks to shorten: cutting text is the editor's decision, not the layout's.

The blank measure is the one a designer applies at a glance (and the project's test tool): in each half of
every page, the tallest run with nothing printed, as a share of the content height; at most MAX_BLANK on every
page but the last, at most MAX_BLANK_LAST on the last. It reads WeasyPrint's laid-out boxes, an interface of
the pinned WeasyPrint version (70) that is not part of its public API: tests/test_shapes.py checks the PDFs
with the measuring tool itself, and tests/test_layout_search.py the order of the search.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 96 / 25.4  # CSS pixels per millimetre
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_SIDE_MM = 14, 17, 14  # the page's content area, as the stylesheet sets it
# A hundredth under the measuring tool's limits (0.20, and 0.35 on the last page): it reads the printed page's
# pixels, these the boxes, and a layout right at the limit read 0.201 there.
MAX_BLANK, MAX_BLANK_LAST = 0.19, 0.34
INK_GREY = 245  # as the measuring tool: a fill lighter than this grey reads as paper


@dataclass(frozen=True)
class Measure:
    """The tallest blank runs of a layout: per page (left, right), as shares of the content height."""

    pages: tuple[tuple[float, float], ...]

    @property
    def worst(self) -> float:
        """The largest share on any page but the last."""
        return max((max(p) for p in self.pages[:-1]), default=0.0)

    @property
    def last(self) -> float:
        return max(self.pages[-1]) if self.pages else 0.0

    @property
    def passes(self) -> bool:
        return self.worst <= MAX_BLANK and self.last <= MAX_BLANK_LAST

    @property
    def excess(self) -> float:
        """How far the layout is from passing (0 when it passes)."""
        return max(self.worst - MAX_BLANK, 0) + max(self.last - MAX_BLANK_LAST, 0)


# The chart at the brand's taller height (brand.yaml chart.tall_height_mm), shown instead of the normal one
TALL_CHART_CSS = (".chart .chart-image { display: none !important; } "
                  ".chart .chart-image-tall { display: block !important; }")
MAX_GAP_MM = 30  # the most space stretching may add above one block
# On the last page, which may end short: no more than a designer adds between sections (two lines of body text)
MAX_GAP_LAST_MM = 8
LEFT_FREE = 0.04  # the share of a stretched page left blank at its foot
LONGEST_NAMED = 3  # the blocks an over-budget message names


# What WeasyPrint raises when its layout itself fails (an internal error, not bad input).
LAYOUT_CRASHES = (AssertionError, IndexError, KeyError, ZeroDivisionError)


class LayoutFailed(Exception):
    """WeasyPrint could not lay the sheet out; the message names its error."""


class OverBudget(Exception):
    """An edition runs to more pages than its budget; the message says by how much and what to shorten."""


@dataclass(frozen=True)
class Layout:
    """The layout kept: the document, the stylesheet it was laid out with (beside the sheet's own), its
    measure, and how many layouts the decision took."""

    document: object
    css: str
    measure: Measure
    layouts: int


def render_best(html, stylesheet_factory, budget: int | None = None, tall_chart: bool | None = None) -> Layout:
    """Lay ``html`` (a weasyprint.HTML) out at the brand's type. ``tall_chart``: the chart's height as the sheet's
    first language chose it (every language of a sheet has the same chart); None lets this layout choose: the
    taller chart when the last page would otherwise be too empty and it comes closer to passing. Then, if a page
    ends with a blank over the limit, once more with the blocks that start on it moved apart, keeping the layout
    closer to passing. ``stylesheet_factory`` makes a weasyprint.CSS of a string. OverBudget when the sheet runs
    to more than ``budget`` pages (moving blocks apart never adds one), LayoutFailed when WeasyPrint fails."""
    from weasyprint.text.fonts import FontConfiguration

    layouts = 0
    fonts = FontConfiguration()  # one for every attempt: each loads the brand's font faces once, not again

    def attempt(css: str):
        nonlocal layouts
        layouts += 1
        try:
            document = html.render(font_config=fonts, **({"stylesheets": [stylesheet_factory(css)]} if css else {}))
        except LAYOUT_CRASHES as crash:
            raise LayoutFailed(f"WeasyPrint failed to lay the sheet out ({type(crash).__name__}: "
                               f"{crash or 'no message'})") from None
        return document, measure_document(document)

    base = TALL_CHART_CSS if tall_chart else ""
    document, measure = attempt(base)
    if budget is not None and len(document.pages) > budget:
        raise OverBudget(over_budget(document, budget))
    if tall_chart is None and measure.last > MAX_BLANK_LAST:  # a short last page: the chart may take more room
        tall, tall_measure = attempt(TALL_CHART_CSS)
        if len(tall.pages) == len(document.pages) and tall_measure.excess < measure.excess:
            base, document, measure = TALL_CHART_CSS, tall, tall_measure
    kept = Layout(document, base, measure, layouts)
    if not measure.passes:
        stretched = stretch_css(document)
        if stretched:
            css = f"{base} {stretched}".strip()
            spread, spread_measure = attempt(css)
            if len(spread.pages) == len(document.pages) and spread_measure.excess < measure.excess:
                kept = Layout(spread, css, spread_measure, layouts)
    return Layout(kept.document, kept.css, kept.measure, layouts)


def short_last_page(measure: Measure, pages: int, budget: int | None = None) -> str:
    """What an editor needs when a sheet is too short for its pages: how much of the last page is left empty (or
    how many pages of its budget it leaves unused) and what to do; "" when the sheet fills its pages."""
    if budget and pages < budget:
        return (f"runs to {pages} page{'s' if pages != 1 else ''} of its budget of {budget}: add text or a photo, "
                f"or set pages: {pages} in sheet.yaml")
    if measure.last <= MAX_BLANK_LAST:
        return ""
    fewer = f", or set pages: {pages - 1} in sheet.yaml" if pages > 1 else ""
    return (f"leaves {measure.last:.0%} of its last page (page {pages}) empty, more than the "
            f"{MAX_BLANK_LAST + 0.01:.0%} a designer allows: add text or a photo{fewer}")


def over_budget(document, budget: int) -> str:
    """What an editor needs to bring a sheet back into its budget: how far it runs over (in millimetres of
    column, and lines of text), and its longest blocks (heading and lines), the first candidates for cutting."""
    over_lines, over_mm = 0, 0.0
    for page in document.pages[budget:]:
        box = page._page_box  # noqa: SLF001 - see the module's docstring
        over_lines += sum(1 for line in _lines(box) if not _in_contact(line))
        inked: list = []
        for child in box.children:
            if type(child).__name__ == "FootnoteAreaBox":  # the contact panel, at the page's foot
                over_mm += child.margin_height() / MM if child.children else 0
            else:
                _collect_ink(child, inked)
        top = MARGIN_TOP_MM * MM
        over_mm += (max((y1 for *_, y1 in inked), default=top) - top) / MM  # the page's text, from its top
    lines: dict[object, list] = {}
    for page in document.pages:
        for line in _lines(page._page_box):  # noqa: SLF001 - see the module's docstring
            block = _block_of(line)
            if block is not None:
                lines.setdefault(block, []).append(line)
    longest = sorted(lines.items(), key=lambda item: -len(item[1]))[:LONGEST_NAMED]
    named = "; ".join(f"{_block_name(element)} ({len(found)} lines)" for element, found in longest)
    return (f"runs to {len(document.pages)} pages, {over_mm:.0f} mm over its budget of {budget} "
            f"page{'s' if budget != 1 else ''} ({over_lines} lines of text, and the contact panel); expected at "
            f"most {budget} page{'s' if budget != 1 else ''}: shorten the longest blocks: {named}")


BLOCK_CLASSES = ("project", "block", "lead", "commitments", "pull-quote", "stream-notes", "countries-list")


def _block_of(line):
    """The element of the block (a project, a narrative section, a quote, ...) that a line box belongs to."""
    for element in reversed(line._elements):  # noqa: SLF001
        if any(c in BLOCK_CLASSES for c in (element.get("class") or "").split()):
            return element
    return None


def _block_name(element) -> str:
    """A block as the editor finds it on the page: its kind and its heading (or first words)."""
    classes = (element.get("class") or "").split()
    kind = next(c for c in BLOCK_CLASSES if c in classes)
    kinds = {"project": "the project", "pull-quote": "the quote", "lead": "the introduction",
             "commitments": "the commitments box", "stream-notes": "the financial notes",
             "countries-list": "the list of countries"}
    heading = element.find(".//h3") if kind == "project" else element.find(".//h2")
    words = " ".join("".join((heading if heading is not None else element).itertext()).split())
    if len(words) > 60:
        words = words[:57].rstrip() + "..."
    return f'{kinds.get(kind, "the section")} "{words}"'


def _lines(box, elements=()):
    """The line boxes holding text under ``box``, each tagged with the elements above it (``_elements``, the
    outermost first; ``_block_element``, the nearest)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):  # the running footer, outside the content
        return
    element = getattr(box, "element", None)
    if element is not None and (not elements or elements[-1] is not element):
        elements = (*elements, element)
    if isinstance(box, boxes.LineBox):
        if any(isinstance(b, boxes.TextBox) and b.text.strip() for b in _walk(box)):
            box._elements = elements  # noqa: SLF001 - notes of ours on a box of this layout only
            box._block_element = elements[-1] if elements else None  # noqa: SLF001
            yield box
        return
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            child._container = box  # noqa: SLF001 - the block the line is set in (its column's width)
        yield from _lines(child, elements)


def _in_contact(line) -> bool:
    return any("contact" in (element.get("class") or "").split() for element in line._elements)  # noqa: SLF001


def stretch_css(document) -> str:
    """Rules moving apart the blocks of each page that ends with a blank run over the limit: the free space at
    the page's foot, less LEFT_FREE of it, shared out above the blocks (data-flow) that start on the page, at most
    MAX_GAP_MM above each. The last page may end short (its contact panel at its foot): there, no more than
    MAX_GAP_LAST_MM goes above a block; more only hides a sheet too short for its pages behind gaps (a new donor's
    two-page sheet showed 30 mm above its partner's heading and as much inside its chart), which the render stage
    tells the editor instead; and none when even those gaps would leave it too empty."""
    rules = {}
    pages = document.pages
    for number, page in enumerate(pages):
        box = page._page_box  # noqa: SLF001 - see the module's docstring
        top, bottom = MARGIN_TOP_MM * MM, page.height - MARGIN_BOTTOM_MM * MM
        last = number == len(pages) - 1
        limit, most = (MAX_BLANK_LAST, MAX_GAP_LAST_MM) if last else (MAX_BLANK, MAX_GAP_MM)
        footnotes = [b for b in _walk(box) if type(b).__name__ == "FootnoteAreaBox" and b.children]
        floor = min([bottom, *(b.position_y for b in footnotes)])
        flows, inked = [], []
        for child in box.children:
            if type(child).__name__ != "FootnoteAreaBox":
                _collect_ink(child, inked)
        end = max([top, *(y1 for _, _, _, y1 in inked if y1 <= floor + 1)])
        for b in _walk(box):
            element = getattr(b, "element", None)
            if element is not None and element.get("data-flow") and top + 1 < b.position_y < end:
                flows.append(b)
        free = floor - end - LEFT_FREE * (bottom - top)
        if flows and free > 0 and (floor - end) / (bottom - top) > limit * 0.9:
            extra = min(free / len(flows), most * MM)
            if last and (floor - end - extra * len(flows)) / (bottom - top) > limit:
                continue  # even every gap at its most leaves the last page too empty: no gaps, the editor is told
            for b in flows:
                rules[b.element.get("data-flow")] = b.margin_top + extra
    return " ".join(f'[data-flow="{flow}"] {{ margin-top: {px:.2f}px !important; }}' for flow, px in rules.items())


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def measure_document(document) -> Measure:
    """The blank runs of every page of a rendered document."""
    return Measure(tuple(_measure_page(page) for page in document.pages))


def _measure_page(page) -> tuple[float, float]:
    box = page._page_box  # noqa: SLF001 - WeasyPrint's laid-out page (see the module's docstring)
    width, height = page.width, page.height
    top, bottom = MARGIN_TOP_MM * MM, height - MARGIN_BOTTOM_MM * MM
    left, right, middle = MARGIN_SIDE_MM * MM, width - MARGIN_SIDE_MM * MM, width / 2
    inked: list[tuple[float, float, float, float]] = []
    for child in box.children:
        _collect_ink(child, inked)
    shares = []
    for x0, x1 in ((left, middle), (middle, right)):
        spans = sorted((max(y0, top), min(y1, bottom)) for bx0, y0, bx1, y1 in inked
                       if bx1 > x0 and bx0 < x1 and y1 > top and y0 < bottom)
        gap, reached = 0.0, top
        for y0, y1 in spans:
            gap = max(gap, y0 - reached)
            reached = max(reached, y1)
        gap = max(gap, bottom - reached)
        shares.append(gap / (bottom - top))
    return shares[0], shares[1]


def _collect_ink(box, inked: list) -> None:
    """Rectangles of everything that prints: text, images, coloured fills and borders."""
    from weasyprint.formatting_structure import boxes

    x, y = box.position_x, box.position_y
    if isinstance(box, boxes.TextBox):
        if box.text.strip():
            inked.append((x, y, x + box.width, y + box.height))
        return
    if isinstance(box, boxes.MarginBox):  # the running footer, outside the content area
        return
    if isinstance(box, boxes.ReplacedBox):
        inked.append((x, y, x + box.margin_width(), y + box.margin_height()))
        return
    style = box.style
    if _fill_inks(style):
        bx, by = x + box.margin_left, y + box.margin_top
        inked.append((bx, by, bx + box.border_width(), by + box.border_height()))
    else:
        for side in ("top", "bottom"):
            if style[f"border_{side}_width"] and style[f"border_{side}_style"] != "none" \
                    and _grey(style[f"border_{side}_color"]) < INK_GREY:
                edge = y + box.margin_top + (0 if side == "top" else box.border_height())
                inked.append((x + box.margin_left, edge - 1, x + box.margin_left + box.border_width(), edge + 1))
    for child in getattr(box, "children", ()):
        _collect_ink(child, inked)


def _fill_inks(style) -> bool:
    colour = style["background_color"]
    if getattr(colour, "alpha", 0) and _grey(colour) < INK_GREY:
        return True
    return any(kind != "none" for kind, _ in style["background_image"])  # a gradient or an image


def _grey(colour) -> float:
    """The grey level (0-255) of a colour on white paper."""
    if not getattr(colour, "alpha", 0):
        return 255.0
    red, green, blue = colour.to("srgb").coordinates
    r, g, b = (255 * (1 - colour.alpha) + 255 * c * colour.alpha for c in (red, green, blue))
    return 0.299 * r + 0.587 * g + 0.114 * b
