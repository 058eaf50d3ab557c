"""Lay a sheet out so that no page looks unfinished, whatever it holds.

The stylesheet does most of it (balanced columns, a lone box across both columns,
the contact panel at the foot of the last page). What CSS cannot promise, that a
column does not stop half way down a page and that the last page is not mostly
empty, is measured here on WeasyPrint's own boxes: the sheet is laid out at the
normal type size, and only if a page fails the measure again: with its last page
filled (a taller chart, blocks moved apart) or at a few slightly denser or looser
sizes, keeping the first layout that passes (or the least blank one).

The measure is the one a designer applies at a glance (and the project's test
tool): in each half of every page, the tallest run with nothing printed, as a
share of the content height; at most MAX_BLANK on every page but the last, at
most MAX_BLANK_LAST on the last. It reads WeasyPrint's laid-out boxes, an
interface of the pinned WeasyPrint version (70) that is not part of its public
API: tests/test_shapes.py checks the PDFs with the measuring tool itself, and tests/test_layout_search.py
the order of the search.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 96 / 25.4  # CSS pixels per millimetre
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_SIDE_MM = 14, 17, 14  # the page's content area, as the stylesheet sets it
MAX_BLANK, MAX_BLANK_LAST = 0.20, 0.50
# Type settings tried, in order, as (body size in pt, line height, paragraph spacing in em): the normal one
# first, then a little denser or looser. A looser setting fills a last page that would be mostly empty; a
# denser one takes a few lines off a page too many. Each is applied as a user stylesheet over the sheet's own.
SETTINGS = ((8.8, 1.35, 0.45), (8.6, 1.32, 0.4), (9.1, 1.42, 0.55), (8.4, 1.3, 0.35), (9.4, 1.48, 0.65),
            (9.6, 1.55, 0.75))
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


def setting_css(setting: tuple[float, float, float]) -> str:
    """A user stylesheet for one type setting (important, so that it wins over the sheet's normal values)."""
    size, leading, spacing = setting
    return (f"html {{ font-size: {size}pt !important; line-height: {leading} !important; }} "
            f"section p, article p {{ margin-bottom: {spacing}em !important; }}")


TALL_CHART_CSS = (".chart .chart-image { display: none !important; } "
                  ".chart .chart-image-tall { display: block !important; }")
MAX_GAP_MM = 30  # the most space stretching may add above one block
LEFT_FREE = 0.04  # the share of a stretched page left blank at its foot


# What WeasyPrint raises when its layout itself fails on one type setting (an internal error, not bad input):
# that setting is skipped, and the search goes on with the others.
LAYOUT_CRASHES = (AssertionError, IndexError, KeyError, ZeroDivisionError)


class LayoutFailed(Exception):
    """WeasyPrint could not lay the sheet out at any setting tried; the message names its first error."""


def render_best(html, stylesheet_factory) -> tuple[object, str, Measure]:
    """The first layout of ``html`` (a weasyprint.HTML) whose pages all pass, or the one closest to passing:
    (document, the user stylesheet it was laid out with, measure). ``stylesheet_factory`` makes a weasyprint.CSS
    of a string.

    Tried in order, none twice: the normal type setting; if only its last page is too empty, the taller chart
    (which fills a short sheet's last page) and the blocks moved apart (the space shared out above the blocks
    that start on a page ending with a large blank), still at the normal setting; then the other type SETTINGS;
    then, with the setting closest to passing, the taller chart and each of the two with its blocks moved
    apart. A setting at which WeasyPrint itself fails (LAYOUT_CRASHES) is skipped; LayoutFailed if all do."""
    laid_out, tried, crashes = {}, [], []  # laid_out: each stylesheet tried -> its layout (None: WeasyPrint failed)

    def attempt(css: str):
        if css not in laid_out:
            try:
                document = html.render(**({"stylesheets": [stylesheet_factory(css)]} if css else {}))
                tried.append((document, css, measure_document(document)))
                laid_out[css] = tried[-1]
            except LAYOUT_CRASHES as crash:
                crashes.append(crash)
                laid_out[css] = None
        return laid_out[css]

    def filled(done):
        """The layouts that fill the last page of ``done``, tried until one passes."""
        for css in (done[1], f"{done[1]} {TALL_CHART_CSS}"):
            base = done if css == done[1] else attempt(css)
            if base is None:
                continue
            if base[2].passes:
                return base
            stretched = stretch_css(base[0])
            if stretched:
                spread = attempt(f"{css} {stretched}")
                if spread is not None and spread[2].passes:
                    return spread
        return None

    first = attempt("")
    if first is not None and first[2].passes:
        return first
    if first is not None and first[2].worst <= MAX_BLANK:  # only the last page fails: fill it first
        done = filled(first)
        if done:
            return done
    for setting in SETTINGS[1:]:
        done = attempt(setting_css(setting))
        if done is not None and done[2].passes:
            return done
    if not tried:
        raise LayoutFailed(f"WeasyPrint failed to lay the sheet out at every type setting "
                           f"({type(crashes[0]).__name__}: {crashes[0] or 'no message'})")
    closest = min(tried, key=lambda t: t[2].excess)
    return filled(closest) or closest


def stretch_css(document) -> str:
    """Rules moving apart the blocks of each page that ends with a blank run over the limit: the free space at
    the page's foot, less LEFT_FREE of it, shared out above the blocks (data-flow) that start on the page."""
    rules = {}
    pages = document.pages
    for number, page in enumerate(pages):
        box = page._page_box  # noqa: SLF001 - see the module's docstring
        top, bottom = MARGIN_TOP_MM * MM, page.height - MARGIN_BOTTOM_MM * MM
        limit = MAX_BLANK_LAST if number == len(pages) - 1 else MAX_BLANK
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
            extra = min(free / len(flows), MAX_GAP_MM * MM)
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
