"""Money amounts as people type them: 10912345, "10,912,345", "US$ 10 912 345"."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Currency marks a writer may put before or after the figure.
_CURRENCY = re.compile(r"^(?:US\$|USD|\$)\s*|\s*(?:US\$|USD|\$)$", re.IGNORECASE)
# Thousands grouped by comma, space, no-break space or thin space; optional decimals. The digits 0-9 only
# (re.ASCII): \d alone also matches Arabic-Indic, full-width and every other script's digits.
_GROUPED = re.compile(r"^\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?$", re.ASCII)
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$", re.ASCII)

LIMIT = 1e15  # a thousand billion dollars: more is a typing error, and sums stay exact in floats
EXPECTED = 'a non-negative amount in US dollars, like 10912345, "10,912,345" or "US$ 10 912 345"'


def parse_amount(value) -> float:
    """Return the amount as a float, or raise ValueError saying what was expected."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount; expected {EXPECTED}")
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isnan(number):
            raise ValueError(f"the amount is empty; expected {EXPECTED}")
    elif isinstance(value, str):
        text = _CURRENCY.sub("", value.strip()).strip()
        if not text:
            raise ValueError(f"the amount is empty; expected {EXPECTED}")
        if text[0] in "-\u2212":
            raise ValueError(f"{value!r} is negative; expected {EXPECTED}")
        other = next((c for c in text if c.isdigit() and not c.isascii()), None)
        if other is not None:  # a figure typed in another script's digits is read by no reader of the table
            raise ValueError(f"{value!r} holds the digit {other!r} (U+{ord(other):04X}, "
                             f"{unicodedata.name(other, 'a digit')}); expected {EXPECTED}, typed in the digits 0-9")
        if not (_PLAIN.match(text) or _GROUPED.match(text)):
            raise ValueError(f"{value!r} is not an amount; expected {EXPECTED}")
        digits = re.sub(r"[,\u00a0\u202f ]", "", text)
        try:
            number = float(Decimal(digits))
        except InvalidOperation:  # pragma: no cover - the patterns above exclude it
            raise ValueError(f"{value!r} is not an amount; expected {EXPECTED}") from None
    else:
        raise ValueError(f"{value!r} is not an amount; expected {EXPECTED}")
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite amount; expected {EXPECTED}")
    if number < 0:
        raise ValueError(f"{value!r} is negative; expected {EXPECTED}")
    if number >= LIMIT:
        raise ValueError(f"{value!r} is implausibly large; expected an amount below US$ {LIMIT:,.0f}")
    return number
