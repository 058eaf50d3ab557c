"""Figures computed from the tidy table: the period and the totals prose refers to."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Period:
    first: int
    last: int

    @property
    def years(self) -> int:
        return self.last - self.first + 1

    @property
    def long(self) -> str:
        """'2018-2022' ('2022' for a single year)"""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def short(self) -> str:
        """'2018-22' (full years when the century changes)"""
        if self.first == self.last:
            return str(self.first)
        if self.first // 100 == self.last // 100:
            return f"{self.first}-{self.last % 100:02d}"
        return self.long

    def __str__(self) -> str:
        return self.long


@dataclass(frozen=True)
class Figures:
    """What narrative blocks and templates can name: period, totals, by_year."""

    period: Period
    totals: dict[str, float]  # per stream id, plus "overall"
    by_year: dict[int, dict[str, float]]  # year -> stream id -> amount


def compute(table: pd.DataFrame, streams: list[str]) -> Figures:
    """Sum the tidy table by stream and by year."""
    period = Period(int(table["year"].min()), int(table["year"].max()))
    by_stream = table.groupby("stream")["amount_usd"].sum()
    totals = {s: float(by_stream.get(s, 0.0)) for s in streams}
    totals["overall"] = float(table["amount_usd"].sum())
    pivot = table.pivot(index="year", columns="stream", values="amount_usd")
    by_year = {int(y): {s: float(pivot.loc[y, s]) for s in streams} for y in pivot.index}
    return Figures(period=period, totals=totals, by_year=by_year)
