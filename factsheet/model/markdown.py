"""The Markdown subset a writer may use in narrative, project and quote texts.

Paragraphs, **bold**, *italic*, bullet and numbered lists, links, and '# Heading'
lines (rendered one level below the sheet title). Anything else a writer might
type (pictures, tables, HTML, '##' headings, code blocks) is refused by
:func:`problems` with the file and line; the renderer never prints it as markup.
Pictures go through a project's ``photo:`` field. A link goes to an https:, http:
or mailto: address or a #place in the sheet (factsheet/model/links.py): any other is
refused by :func:`problems`, and the renderer prints it as text.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from factsheet.errors import Problem, display_path
from factsheet.model.links import link_problem


def _subset(options: dict) -> MarkdownIt:
    """The subset's renderer with ``options`` (the typographer's, for a language)."""
    md = MarkdownIt("commonmark", {"html": False, **options}).disable(["image", "html_block", "html_inline"])
    # A link the check would refuse, as typed or once escaped (a host's invisible character becomes punycode), is
    # printed as text.
    escaped = md.normalizeLink
    md.normalizeLink = lambda url: url if link_problem(url) else escaped(url)
    md.validateLink = lambda url: link_problem(url) is None
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def _shift_headings(state) -> None:
    """'#' in a text is a section of the sheet (h2), '##' a sub-section (h3), and so on."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


_md = _subset({"typographer": False})

# The typography of a language, as its labels file sets it (``typography:``): the quotation marks that straight
# ones become (markdown-it's typographer: "x" -> “x”, « x » in French; an apostrophe -> ’), and the
# space a mark takes before or after it (French: a no-break space before ':' and inside « »).
_SPACES = " \u00a0\u202f"


def _spacing_rule(conventions: dict):
    """A markdown-it core rule that sets the spaces ``conventions`` ask for around marks, in the text a reader
    sees (never in a link's address); a mark inside a word or a number (10:30, https://, ?q=) is left as it is."""
    before, after = conventions.get("space_before") or {}, conventions.get("space_after") or {}
    marks = re.escape("".join(before))
    rules = [(re.compile(rf"(?:(?<=[^\s{marks}])|^)[{_SPACES}]?{re.escape(mark)}(?![\w/])"), space + mark)
             for mark, space in before.items()]
    rules += [(re.compile(rf"(?<![\w/]){re.escape(mark)}[{_SPACES}]?(?=\S)"), mark + space)
              for mark, space in after.items()]

    def spaced(text: str, first: bool) -> str:
        """``text`` with its marks spaced; ``first``: it opens its paragraph, so a mark at its start (no word
        before it) keeps what was typed."""
        for pattern, replacement in rules:
            text = pattern.sub(lambda m, new=replacement: m.group() if first and not m.start()
                               and m.group().strip() == m.group() else new, text)
        return text

    def spacing(state) -> None:
        for token in state.tokens:
            if token.type == "inline" and token.children:
                for i, child in enumerate(token.children):
                    if child.type == "text":
                        child.content = spaced(child.content, i == 0)
    return spacing


@functools.lru_cache(maxsize=16)
def _typographer(conventions_json: str) -> MarkdownIt:
    conventions = json.loads(conventions_json)
    md = _subset({"typographer": True, "quotes": conventions.get("quotes") or "\u201c\u201d\u2018\u2019"})
    md.enable(["smartquotes"])
    md.core.ruler.push("spacing", _spacing_rule(conventions))
    return md


def _renderer(conventions: dict | None) -> MarkdownIt:
    return _typographer(json.dumps(conventions, sort_keys=True)) if conventions else _md


def to_html(text: str, conventions: dict | None = None) -> str:
    """Block Markdown to HTML, set in the typography of ``conventions`` (a labels file's ``typography``)."""
    return _renderer(conventions).render(text)


def inline_html(text: str, conventions: dict | None = None) -> str:
    """One line of inline Markdown (bold, italic, links) to HTML, without a <p>."""
    return _renderer(conventions).renderInline(text)


def typeset(text: str, conventions: dict | None) -> str:
    """A plain text (a title or a name from sheet.yaml, not Markdown) set in the typography of ``conventions``:
    typographic quotation marks and apostrophes, the spaces around marks; nothing else of it is read."""
    if not conventions or not text:
        return text
    md = _renderer(conventions)
    child = Token("text", "", 0, content=text)
    state = StateCore(text, md, {}, [Token("inline", "", 0, content=text, children=[child])])
    for rule in md.core.ruler.getRules(""):
        if rule.__name__ in ("smartquotes", "spacing"):  # the typographer's quotes and the spacing rule
            rule(state)
    return child.content


NOT_TYPESET = {"id", "code", "file", "email", "web", "phone", "partner", "project", "body", "language", "languages",
               "fallback"}  # what a reader does not read as prose: names of files, addresses, codes; Markdown


def typeset_model(model, conventions: dict | None):
    """A sheet's, project's or quote's texts as a reader sees them, in the typography of its language (its labels
    file's ``typography``: typographic quotes and apostrophes, the spaces around marks); Markdown fields are set
    by their renderer."""
    from pydantic import BaseModel

    def typeset_value(value):
        if isinstance(value, str):
            return typeset(value, conventions)
        if isinstance(value, BaseModel):
            return typeset_model(value, conventions)
        if isinstance(value, list):
            return [typeset_value(v) for v in value]
        return value

    if not conventions:
        return model
    return model.model_copy(update={name: typeset_value(getattr(model, name)) for name in type(model).model_fields
                                    if name not in NOT_TYPESET})


def split_heading(text: str) -> tuple[str | None, str]:
    """A leading '# Heading' line and the rest, so the layout can place the heading itself."""
    first, _, rest = text.lstrip().partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.strip()
    return None, text.strip()


# Everything CommonMark (and pipe tables) can parse, so that what the subset lacks is seen and named.
_full = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
# Every link is kept (javascript: included) and as typed, without escapes added, for problems() to name it.
_full.validateLink = lambda url: True
_full.normalizeLink = lambda url: url
_EXPECTED = "expected the Markdown subset of texts: paragraphs, **bold**, *italic*, lists, [links](address)"
_REFUSED = {
    "image": "a picture (![...](...)) cannot be placed in a text; expected a project's photo: field",
    "table_open": f"tables are not supported in texts; {_EXPECTED}",
    "html_block": f"HTML is not supported in texts; {_EXPECTED}",
    "html_inline": f"HTML is not supported in texts; {_EXPECTED}",
    "fence": f"code blocks are not supported in texts; {_EXPECTED}",
    "code_block": f"a line indented by four spaces is a code block, not supported in texts; {_EXPECTED} "
                  "(remove the indentation)",
}


def problems(text: str, path: Path, first_line: int = 1) -> list[Problem]:
    """Markdown the subset does not support, one problem per place (file and line), in reading order."""
    found = []

    def refuse(kind: str, line: int, shown: str = "") -> None:
        message = _REFUSED.get(kind, kind)
        found.append(Problem(display_path(path), f"line {line + first_line}",
                             f"{shown + ': ' if shown else ''}{message}"))

    for token in _full.parse(text):
        line = token.map[0] if token.map else 0
        if token.type in _REFUSED:
            refuse(token.type, line, _excerpt(token.content) if token.type.startswith("html") else "")
        elif token.type == "heading_open" and token.tag != "h1":
            level = int(token.tag[1])
            refuse(f"a heading of level {level} ({'#' * level} ...) is not supported; expected only "
                   "'# Heading' for a section heading", line)
        elif token.type == "inline" and token.children:
            offset = 0
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    offset += 1
                elif child.type == "image":
                    refuse("image", line + offset, repr(f"![{child.content}]({child.attrGet('src') or ''})"))
                elif child.type == "html_inline" and not child.content.startswith("</"):
                    refuse("html_inline", line + offset, _excerpt(child.content))
                elif child.type == "link_open" and (wrong := link_problem(child.attrGet("href") or "")):
                    refuse(f"a link to {wrong}", line + offset)
    seen, unique = set(), []
    for problem in found:  # an HTML block of many lines, or a table, is one problem
        if (problem.where, problem.message) not in seen:
            seen.add((problem.where, problem.message))
            unique.append(problem)
    return unique


def link_problems(text: str, path: Path, place: str) -> list[Problem]:
    """A problem at ``place`` for each link of a line of inline Markdown (a quote's role) that the links'
    rules refuse."""
    return [Problem(display_path(path), place, f"a link to {wrong}")
            for token in _full.parseInline(text) for child in token.children or []
            if child.type == "link_open" and (wrong := link_problem(child.attrGet("href") or ""))]


def _excerpt(html: str) -> str:
    first = html.strip().splitlines()[0] if html.strip() else html
    return repr(first if len(first) <= 40 else first[:37] + "...")


# How deeply a text's lists and quotations may nest, and its emphasis and links within one another: a page
# shows two or three levels readably, and each level more costs the layout more than the one before.
MAX_BLOCK_NESTING = 4
MAX_INLINE_NESTING = 4
MAX_LINKS = 40  # links in one text (a text of 10 KB could otherwise hold hundreds)
# Marks of links and emphasis in one text: the parser looks for the end of each unclosed one, so that runs of
# them cost it the square of their number (a link takes one '[', emphasis two or four '*' or '_'; the Canada
# sheet's texts hold 114 '*' and '_' in all).
MAX_MARKS = {"[": 100, "*": 200, "_": 200}
# Characters without a space between them: a longer run is no word, and each layout of the page tries to break
# it anew (a link's address counts, and stays well under this).
MAX_RUN = 300
_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")
_NESTING_BLOCKS = ("bullet_list_open", "ordered_list_open", "blockquote_open")


def structure_problems(text: str, path: Path, first_line: int = 1) -> list[Problem]:
    """Lists, quotations, emphasis or links nested deeper than the limits above, or more links than
    MAX_LINKS: one problem per kind, at its first line. More marks than MAX_MARKS: a problem each, found
    without parsing the text (call this before anything else parses it)."""
    marks = [Problem(display_path(path), f"line {text.count(chr(10), 0, _nth(text, mark, most + 1)) + first_line}",
                     f"the text holds {text.count(mark)} {mark!r} (from here on, past {most}); expected at most "
                     f"{most} (a link takes one '[', emphasis two or four '*' or '_')")
             for mark, most in MAX_MARKS.items() if text.count(mark) > most]
    run = _RUN.search(text)
    if run:
        marks.append(Problem(display_path(path), f"line {text.count(chr(10), 0, run.start()) + first_line}",
                             f"{len(run.group(0)):,} characters follow one another without a space "
                             f"({run.group(0)[:20]!r}...); expected words of at most {MAX_RUN} characters"))
    if marks:
        return marks
    found: dict[str, Problem] = {}
    depth, links = 0, 0

    def refuse(kind: str, line: int, message: str) -> None:
        found.setdefault(kind, Problem(display_path(path), f"line {line + first_line}", message))

    for token in _full.parse(text):
        line = token.map[0] if token.map else 0
        if token.type in _NESTING_BLOCKS:
            depth += 1
        elif token.type.replace("_close", "_open") in _NESTING_BLOCKS:
            depth -= 1
        if depth > MAX_BLOCK_NESTING:
            refuse("blocks", line, f"lists and quotations (> ...) are nested {depth} levels deep here; expected at "
                   f"most {MAX_BLOCK_NESTING}")
        inline = 0
        for child in token.children or ():
            inline += child.nesting if child.type.split("_")[0] in ("em", "strong", "link", "s") else 0
            links += child.type == "link_open"
            if links > MAX_LINKS:
                refuse("links", line, f"the text holds more than {MAX_LINKS} links (the paragraph here holds link "
                       f"number {MAX_LINKS + 1}); expected at most {MAX_LINKS}")
            if inline > MAX_INLINE_NESTING:
                refuse("inline", line, f"emphasis and links are nested {inline} levels deep in one another here; "
                       f"expected at most {MAX_INLINE_NESTING}")
    return list(found.values())


def _nth(text: str, char: str, number: int) -> int:
    """Where the ``number``-th ``char`` of ``text`` is."""
    position = -1
    for _ in range(number):
        position = text.index(char, position + 1)
    return position
