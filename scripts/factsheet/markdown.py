"""The Markdown subset a writer may use in narrative, project and quote texts.

Paragraphs, **bold**, *italic*, bullet and numbered lists, links, and '# Heading'
lines (rendered one level below the sheet title). Raw HTML is shown as text and
images are not allowed: pictures go through a project's ``photo:`` field.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable(["image", "html_block", "html_inline"])


def _shift_headings(state) -> None:
    """'#' in a text is a section of the sheet (h2), '##' a sub-section (h3), and so on."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


_md.core.ruler.push("shift_headings", _shift_headings)


def to_html(text: str) -> str:
    """Block Markdown to HTML."""
    return _md.render(text)


def inline_html(text: str) -> str:
    """One line of inline Markdown (bold, italic, links) to HTML, without a <p>."""
    return _md.renderInline(text)


def split_heading(text: str) -> tuple[str | None, str]:
    """A leading '# Heading' line and the rest, so the layout can place the heading itself."""
    first, _, rest = text.lstrip().partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.strip()
    return None, text.strip()
