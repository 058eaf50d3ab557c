"""How figures read in print: amounts, dates and periods, per language."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

from . import paths
from .files import read_template_file


def load_labels(language: str, labels_dir: Path = paths.LABELS_DIR) -> dict[str, str]:
    """The reader-visible words for one language (templates/labels/<language>.yaml)."""
    return yaml.safe_load(read_template_file(labels_dir / f"{language}.yaml", labels_dir.parent))


class Formatter:
    """Formats figures for one language; its methods are the templates' filters."""

    def __init__(self, language: str, labels: dict[str, str]):
        self.locale = language.replace("-", "_")
        self.labels = labels

    def usd(self, amount: float) -> str:
        """US$ 54,643,557 (whole dollars)."""
        value = format_decimal(Decimal(str(amount)).quantize(Decimal(1)), format="#,##0", locale=self.locale)
        return self.labels["usd"].format(value=value).replace(" ", "\u00a0", 1)

    def usd_millions(self, amount: float) -> str:
        """US$ 54.6 million, rounded DOWN to 0.1 million so 'over'/'exceeded' stays true."""
        millions = (Decimal(str(amount)) / Decimal(1_000_000)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
        value = format_decimal(millions, format="#,##0.0", locale=self.locale)
        return self.labels["usd_millions"].format(value=value).replace(" ", "\u00a0")

    def millions(self, amount: float) -> str:
        """54.6 (one decimal, nearest, for chart labels)."""
        return format_decimal(round(Decimal(str(amount)) / Decimal(1_000_000), 1), format="#,##0.0",
                              locale=self.locale)

    def month_year(self, date: dt.date) -> str:
        """June 2023."""
        return format_date(date, self.labels["date_format"], locale=self.locale)

    def filters(self) -> dict:
        """The filters narrative blocks and templates may use."""
        return {"usd": self.usd, "usd_millions": self.usd_millions, "millions": self.millions,
                "month_year": self.month_year}


def isolated(text: str) -> str:
    """A label that holds right-to-left letters, set apart so that what follows it (", 2018-2022") keeps its
    own direction; other text unchanged."""
    import unicodedata

    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE
    return text
