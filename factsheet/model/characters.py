"""Characters no input may hold, whatever the fonts print: the ones that reorder or hide what is shown.

The bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) change the order in which the text
around them is shown, so that a typed "ILO cooperation" reads "noitarepooc OLI" and "0.1 million" reads
"1.0 million" in the PDF and the web page; the layout sets the direction of right-to-left text itself
(factsheet/render/formatting.isolated), so a text never needs one. Control characters (C0 and C1: NUL,
escape sequences) are never typed on purpose and reach the published table as they are. The marks that do
not reorder anything (U+200E, U+200F, the zero-width space and joiners) are allowed: see docs/checks.md.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Line breaks and tabs are the layout of a text (a Markdown list, a YAML value of several lines); everything
# else of C0 and C1 is refused.
_REFUSED_IN_TEXTS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
# The same as a set: the brand's fonts map the direction controls (the layout inserts isolates itself), so that
# what they print is not what a text may hold.
REFUSED_IN_TEXTS = frozenset(c for c in map(chr, range(0x2070)) if _REFUSED_IN_TEXTS.match(c))
# A cell of the table may hold a line break (Alt+Enter in Excel, a quoted line break in CSV), not a tab: a tab
# moves the columns of whoever pastes the published table.
_REFUSED_IN_CELLS = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
MAX_NAMED = 10  # characters named in one message, before "and N more"


def refused_characters(text: str, in_cell: bool = False) -> str | None:
    """What ``text`` holds of the characters above, as a message naming each by code point and name, or None;
    ``in_cell``: a cell of the contributions table (a tab refused too). Linear in the text's length."""
    pattern = _REFUSED_IN_CELLS if in_cell else _REFUSED_IN_TEXTS
    if not pattern.search(text):
        return None
    found = list(dict.fromkeys(pattern.findall(text)))
    shown = ", ".join(_named(c) for c in found[:MAX_NAMED])
    more = f" and {len(found) - MAX_NAMED} more" if len(found) > MAX_NAMED else ""
    reasons = []
    if any(c in BIDI_CONTROLS for c in found):
        reasons.append("a direction control reverses the order in which the text around it is shown (the layout "
                       "sets the direction of right-to-left text itself)")
    if any(c not in BIDI_CONTROLS for c in found):
        reasons.append("a control character is never printed, and would be copied as it is into the published files")
    return (f"holds {shown}{more}: {'; '.join(reasons)}; expected text without them: delete them (retype the text "
            "around them, or paste it as plain text)")


def _named(char: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE); a control character, which has no name: U+001B (control character)."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'control character')})"
