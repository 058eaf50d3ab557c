"""Formatter (amounts and dates as printed), figures.Period and figures.compute."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from factsheet.model.figures import Period, compute
from factsheet.render.formatting import Formatter, load_labels

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def fmt() -> Formatter:
    return Formatter("en", load_labels("en"))


def test_english_labels_have_the_money_and_date_patterns():
    labels = load_labels("en")
    assert labels["usd"] == "US$ {value}"
    assert labels["usd_millions"] == "US$ {value} million"
    assert labels["date_format"] == "MMMM y"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (54_643_557, "54.6"),
        (37_299_999, "37.2"),  # nearest would be 37.3: rounding is DOWN so "exceeded" stays true
        (999_999, "0.9"),
        (54_699_999.99, "54.6"),
        (54_600_000, "54.6"),
        (0, "0.0"),
        (100_000, "0.1"),
        (1_234_567_890, "1,234.5"),
    ],
)
def test_usd_millions_rounds_down_to_a_tenth(fmt, amount, shown):
    assert fmt.usd_millions(amount) == f"US${NBSP}{shown}{NBSP}million"


def test_usd_millions_never_exceeds_the_amount(fmt):
    for amount in (54_643_557, 37_299_999, 999_999, 10_912_345, 6_125_400, 12_345_678_901):
        value = float(fmt.usd_millions(amount).split(NBSP)[1].replace(",", ""))
        assert value * 1_000_000 <= amount < (value + 0.1) * 1_000_000


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(54_643_557, "54,643,557"), (999, "999"), (1000, "1,000"), (0, "0"), (1_000_000, "1,000,000"),
     (1234.4, "1,234")],
)
def test_usd_groups_thousands(fmt, amount, shown):
    assert fmt.usd(amount) == f"US${NBSP}{shown}"


def test_usd_has_no_breaking_space(fmt):
    assert " " not in fmt.usd(54_643_557)
    assert " " not in fmt.usd_millions(54_643_557)


def test_millions_for_chart_labels_is_nearest(fmt):
    assert fmt.millions(37_299_999) == "37.3"
    assert fmt.millions(10_912_345) == "10.9"


@pytest.mark.parametrize(
    ("date", "shown"),
    [(dt.date(2023, 6, 1), "June 2023"), (dt.date(1999, 12, 31), "December 1999"),
     (dt.date(2024, 1, 15), "January 2024")],
)
def test_month_year(fmt, date, shown):
    assert fmt.month_year(date) == shown


def test_filters_are_the_formatter_methods(fmt):
    filters = fmt.filters()
    assert set(filters) == {"usd", "usd_millions", "millions", "month_year", "join"}
    assert filters["usd_millions"](54_643_557) == f"US${NBSP}54.6{NBSP}million"
    assert filters["month_year"](dt.date(2023, 6, 1)) == "June 2023"


# ---------------------------------------------------------------- Period


@pytest.mark.parametrize(
    ("first", "last", "short", "long", "years"),
    [
        (2018, 2022, "2018-22", "2018-2022", 5),
        (1999, 2001, "1999-2001", "1999-2001", 3),
        (1999, 2000, "1999-2000", "1999-2000", 2),
        (2000, 2009, "2000-09", "2000-2009", 10),
        (2001, 2005, "2001-05", "2001-2005", 5),
    ],
)
def test_period_short_and_long(first, last, short, long, years):
    period = Period(first, last)
    assert period.short == short
    assert period.long == long
    assert str(period) == long
    assert period.years == years


# ---------------------------------------------------------------- compute


ROWS = [
    (2020, "assessed", 1_000_000.0),
    (2020, "voluntary", 250_000.5),
    (2021, "assessed", 1_100_000.0),
    (2021, "voluntary", 0.0),
    (2022, "assessed", 1_200_000.25),
    (2022, "voluntary", 333_333.0),
]


def tidy_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([(y, s, a, "") for y, s, a in rows], columns=["year", "stream", "amount_usd", "note"])


def test_compute_totals_by_year_and_period():
    figures = compute(tidy_frame(ROWS), ["assessed", "voluntary"])

    expected_totals = {"assessed": 0.0, "voluntary": 0.0}
    expected_by_year: dict[int, dict[str, float]] = {}
    for year, stream, amount in ROWS:
        expected_totals[stream] += amount
        expected_by_year.setdefault(year, {})[stream] = amount
    overall = sum(amount for _, _, amount in ROWS)

    assert figures.totals["assessed"] == pytest.approx(expected_totals["assessed"])
    assert figures.totals["voluntary"] == pytest.approx(expected_totals["voluntary"])
    assert figures.totals["overall"] == pytest.approx(overall)
    assert set(figures.totals) == {"assessed", "voluntary", "overall"}
    assert figures.by_year == expected_by_year
    assert list(figures.by_year) == [2020, 2021, 2022]
    assert figures.period == Period(2020, 2022)
    assert figures.period.short == "2020-22"
    assert all(isinstance(y, int) for y in figures.by_year)
    assert isinstance(figures.period.first, int) and isinstance(figures.period.last, int)


def test_compute_single_stream_single_year():
    figures = compute(tidy_frame([(2019, "assessed", 42.0)]), ["assessed"])
    assert figures.totals == {"assessed": 42.0, "overall": 42.0}
    assert figures.by_year == {2019: {"assessed": 42.0}}
    assert (figures.period.first, figures.period.last) == (2019, 2019)


def test_a_right_to_left_label_is_isolated_so_its_window_keeps_its_order():
    from factsheet.render.formatting import isolated

    assert isolated("Assessed contributions (RBSA)") == "Assessed contributions (RBSA)"
    assert isolated("الدعم العام") == "\u2068الدعم العام\u2069"
