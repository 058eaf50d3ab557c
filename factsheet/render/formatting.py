"""How figures read in print, per language: amounts, dates, year ranges and lists.

Numbers, dates and lists follow the language's locale (Babel, from the Unicode CLDR): 54.6 in English,
54,6 in French and Spanish; "June 2023", "juin 2023", "junio de 2023"; "A, B and C", "A, B et C". The
wording around them (US$ 54.6 million, 54,6 millions de dollars É.-U.) is the house style of each
language, kept in its labels file (templates/labels/<language>.yaml), not here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from factsheet import paths
from factsheet.files import load_yaml, read_template_file


def load_labels(language: str, labels_dir: Path = paths.LABELS_DIR) -> dict[str, str]:
    """The reader-visible words for one language (templates/labels/<language>.yaml)."""
    return load_yaml(read_template_file(labels_dir / f"{language}.yaml", labels_dir.parent))


def babel_locale(language: str) -> str:
    """The locale whose CLDR data formats ``language``'s numbers, dates and lists: pt-BR -> pt_BR; a region CLDR
    has no data for (en-XA, the private-use region of the pseudo-language the tests build) takes its language's."""
    from babel import Locale, UnknownLocaleError

    code = language.replace("-", "_")
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return code.split("_")[0]
    return code


class Formatter:
    """Formats figures for one language; its methods are the templates' filters."""

    def __init__(self, language: str, labels: dict[str, str]):
        self.locale = babel_locale(language)
        self.labels = labels

    def _worded(self, label: str, value: str) -> str:
        """The label's wording around a number, the number bound to the words beside it (no line break
        between "US$" and "54.6", or "54,6" and "millions")."""
        before, _, after = self.labels[label].partition("{value}")
        if before.endswith(" "):
            before = before[:-1] + "\u00a0"
        if after.startswith(" "):
            after = "\u00a0" + after[1:]
        return before + value + after

    def usd(self, amount: float) -> str:
        """US$ 54,643,557 (whole dollars)."""
        value = format_decimal(Decimal(str(amount)).quantize(Decimal(1)), format="#,##0", locale=self.locale)
        return self._worded("usd", value)

    @staticmethod
    def shown_millions(amount: float, down: bool = False) -> Decimal:
        """An amount in millions as the sheet shows it: to 0.1 million, the nearest (chart and table) or rounded
        DOWN (key figures and totals in prose, so that 'over'/'exceeded' stays true)."""
        millions = Decimal(str(amount)) / Decimal(1_000_000)
        return millions.quantize(Decimal("0.1"), rounding=ROUND_DOWN) if down else round(millions, 1)

    def usd_millions(self, amount: float) -> str:
        """US$ 54.6 million, rounded DOWN to 0.1 million so 'over'/'exceeded' stays true."""
        value = format_decimal(self.shown_millions(amount, down=True), format="#,##0.0", locale=self.locale)
        return self._worded("usd_millions", value)

    def usd_millions_nearest(self, amount: float) -> str:
        """US$ 10.9 million: a chart's bar or table cell worded as money (the chart's alt text)."""
        return self._worded("usd_millions", self.millions(amount))

    def millions(self, amount: float) -> str:
        """54.6 (one decimal, nearest, for chart labels)."""
        return format_decimal(self.shown_millions(amount), format="#,##0.0", locale=self.locale)

    def decimal(self, value: float, places: int) -> str:
        """A plain number with ``places`` decimals in the locale's signs (2,5 in French): the chart's axis."""
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(round(Decimal(str(value)), places), format=pattern, locale=self.locale)

    def file_size(self, size: int) -> str:
        """A download's size: 412 KB under a megabyte (at least 1), else 1.2 MB (decimal units)."""
        if size < 1_000_000:
            return self.labels["size_kb"].format(size=format_decimal(max(1, round(size / 1000)), locale=self.locale))
        value = format_decimal(round(Decimal(size) / Decimal(1_000_000), 1), format="#,##0.0", locale=self.locale)
        return self.labels["size_mb"].format(size=value)

    def month_year(self, date: dt.date) -> str:
        """June 2023 (juin 2023, junio de 2023)."""
        return format_date(date, self.labels["date_format"], locale=self.locale)

    def join(self, items) -> str:
        """Cambodia, Lao PDR and Thailand (Cambodge, Laos et Thaïlande): the locale's list of several things
        (a mapping's values: {{ streams | join }})."""
        from babel.lists import format_list

        values = [str(v) for v in (items.values() if isinstance(items, dict) else items)]
        return format_list(values, locale=self.locale)

    def filters(self) -> dict:
        """The filters narrative blocks and templates may use."""
        return {"usd": self.usd, "usd_millions": self.usd_millions, "millions": self.millions,
                "month_year": self.month_year, "join": self.join}


def year_ranges(labels: dict) -> dict[str, str]:
    """The patterns of a year range in a language (``year_range``: 2018-2022; ``year_range_short``: 2018-22)."""
    return {"pattern": labels["year_range"], "short_pattern": labels["year_range_short"]}


def isolated(text: str) -> str:
    """A label that holds right-to-left letters, set apart so that what follows it (", 2018-2022") keeps its
    own direction; other text unchanged."""
    import unicodedata

    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE
    return text


# Characters a label may not hold as such inside a CSS string of a <style> element: the backslash and quotes (they
# would end or escape the string), < > and & (markup: "</style>" would end the element), and control characters
# (a line break ends a CSS string).
_CSS_ESCAPED = frozenset('\\"\'<>&' + "".join(map(chr, [*range(0x20), 0x7F])))


def css_string(text: str) -> Markup:
    """``text`` as the inside of a double-quoted CSS string in a <style> element, whatever it holds: each character
    of _CSS_ESCAPED as a CSS escape (< is \\3C ), the others as they are. Markup, as no HTML character is left."""
    return Markup("".join(f"\\{ord(c):X} " if c in _CSS_ESCAPED else c for c in str(text)))


def css_page_counter(label: str) -> Markup:
    """The page_of label ("{page} / {pages}") as the inside of a CSS content string: its words as css_string
    gives them, its {page} and {pages} as the page counters (the string closed around each)."""
    import string

    counters = {"page": '" counter(page) "', "pages": '" counter(pages) "'}
    pieces = []
    for text, field, _, _ in string.Formatter().parse(label):
        pieces.append(css_string(text))
        if field is not None:
            pieces.append(counters[field])  # another field is a KeyError, as str.format gives it
    return Markup("".join(pieces))
