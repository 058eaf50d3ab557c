"""Money amounts as people type them: 10912345, "10,912,345", "US$ 10 912 345"."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

# Currency marks a writer may put before or after the figure.
_CURRENCY = re.compile(r"^(?:US\$|USD|\$)\s*|\s*(?:US\$|USD|\$)$", re.IGNORECASE)
# Thousands grouped by comma, space, no-break space or thin space; optional decimals.
_GROUPED = re.compile(r"^\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")

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
