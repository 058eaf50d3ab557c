"""Figures computed from the tidy table: the reporting windows and the totals prose refers to.

Each stream reports over its own window (sheet.yaml ``streams: - window:``), by default the
sheet's window (``window:``, by default the years of the table). A year outside a stream's
window is *missing* for that stream, which is not the same as a year in which nothing was paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from factsheet.render.formatting import year_ranges


@dataclass(frozen=True)
class Period:
    first: int
    last: int
    # How a range reads in the sheet's language (labels year_range, year_range_short); not part of equality.
    pattern: str = field(default="{first}-{last}", compare=False, repr=False)
    short_pattern: str = field(default="{first}-{last_two}", compare=False, repr=False)

    @property
    def years(self) -> int:
        return self.last - self.first + 1

    @property
    def long(self) -> str:
        """'2018-2022' ('2022' for a single year)"""
        return str(self.first) if self.first == self.last else self.pattern.format(first=self.first, last=self.last)

    @property
    def short(self) -> str:
        """'2018-22' (full years when the century changes)"""
        if self.first == self.last:
            return str(self.first)
        if self.first // 100 == self.last // 100:
            return self.short_pattern.format(first=self.first, last=self.last, last_two=f"{self.last % 100:02d}")
        return self.long

    def __contains__(self, year: int) -> bool:
        return self.first <= year <= self.last

    def __iter__(self):
        return iter(range(self.first, self.last + 1))

    def __str__(self) -> str:
        return self.long


@dataclass(frozen=True)
class Figures:
    """What narrative blocks and templates can name: period, windows, totals, by_year."""
    period: Period  # the sheet's window: every year the chart and table show
    windows: dict[str, Period]  # per stream id: the years it reports
    totals: dict[str, float]  # per stream id, plus "overall"
    by_year: dict[int, dict[str, float]]  # year -> stream id -> amount; a stream is absent in a year it misses

    @property
    def same_windows(self) -> bool:
        """True when every stream reports over the sheet's whole window."""
        return all(w == self.period for w in self.windows.values())


def windows_of(streams: list[str], declared: dict[str, tuple[int, int] | None] | None,
               sheet_window: tuple[int, int] | None, years, ranges: dict | None = None
               ) -> tuple[Period, dict[str, Period]]:
    """The sheet's window and each stream's: as declared, else the sheet's; the sheet's is the declared one,
    else from the first to the last year of the table and of the streams' declared windows. ``ranges``: how
    a range reads (formatting.year_ranges)."""
    declared, ranges = declared or {}, ranges or {}
    if sheet_window:
        period = Period(*sheet_window, **ranges)
    else:
        bounds = [int(y) for y in years] + [y for w in declared.values() if w for y in w]
        period = Period(min(bounds), max(bounds), **ranges)
    return period, {s: Period(*declared[s], **ranges) if declared.get(s) else period for s in streams}


def sheet_windows(sheet) -> dict:
    """The window arguments of :func:`compute` and the table check, from a sheet's model."""
    return {"declared": {s.id: (s.window.first, s.window.last) if s.window else None for s in sheet.streams},
            "sheet_window": (sheet.window.first, sheet.window.last) if sheet.window else None}


def compute(table: pd.DataFrame, streams: list[str], declared: dict | None = None,
            sheet_window: tuple[int, int] | None = None, ranges: dict | None = None) -> Figures:
    """Sum the tidy table by stream and by year, within the reporting windows."""
    period, windows = windows_of(streams, declared, sheet_window, table["year"], ranges)
    by_stream = table.groupby("stream")["amount_usd"].sum()
    totals = {s: float(by_stream.get(s, 0.0)) for s in streams}
    totals["overall"] = float(table["amount_usd"].sum())
    cells = {(int(y), s): float(a) for y, s, a in zip(table["year"], table["stream"], table["amount_usd"], strict=True)}
    by_year = {year: {s: cells[year, s] for s in streams if (year, s) in cells} for year in period}
    return Figures(period=period, windows=windows, totals=totals, by_year=by_year)


def compute_for(table: pd.DataFrame, sheet, labels: dict | None = None) -> Figures:
    """:func:`compute` for a sheet's streams and windows; year ranges read as ``labels`` (of the sheet's
    language) say."""
    return compute(table, [s.id for s in sheet.streams], **sheet_windows(sheet),
                   ranges=year_ranges(labels) if labels else None)
