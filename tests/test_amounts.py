"""parse_amount: money amounts as people type them, and the errors for everything else."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factsheet.model.amounts import LIMIT, parse_amount

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0.0),
        (10912345, 10_912_345.0),
        (1234.5, 1234.5),
        (0.25, 0.25),
        ("0", 0.0),
        ("10912345", 10_912_345.0),
        ("10,912,345", 10_912_345.0),
        ("US$ 10,912,345", 10_912_345.0),
        ("US$10,912,345", 10_912_345.0),
        ("us$ 10,912,345", 10_912_345.0),
        ("10 912 345", 10_912_345.0),
        (f"10{NBSP}912{NBSP}345", 10_912_345.0),
        (f"10{NNBSP}912{NNBSP}345", 10_912_345.0),
        (f"US${NBSP}10{NBSP}912{NBSP}345", 10_912_345.0),
        ("USD 1,000", 1000.0),
        ("1,000 USD", 1000.0),
        ("$ 5", 5.0),
        ("$5", 5.0),
        ("  42  ", 42.0),
        ("1,234.50", 1234.5),
        ("1234.50", 1234.5),
        ("999", 999.0),
        ("1,000", 1000.0),
    ],
)
def test_accepted_amounts(value, expected):
    result = parse_amount(value)
    assert isinstance(result, float)
    assert result == expected


@pytest.mark.parametrize(
    "value",
    ["abc", "12,34", "1,2345", "-5", "\u22125", "US$ -1,000", "1.2.3", "10,912,345 EUR", "1e6", "0x10",
     float("inf"), float("-inf"), -3, -0.5, True, False, None, [1], {"amount": 1}],
)
def test_rejected_amounts_name_the_value_and_what_was_expected(value):
    with pytest.raises(ValueError) as info:
        parse_amount(value)
    message = str(info.value)
    assert repr(value) in message
    assert "expected" in message


@pytest.mark.parametrize("value", ["", "   ", "\t", "US$", "USD  ", float("nan")])
def test_empty_amounts_are_reported_as_empty(value):
    # An empty cell (a blank string, or NaN as pandas gives an empty Excel cell) is reported as
    # "empty" rather than by its repr, which would be meaningless ('' or nan) to the writer.
    with pytest.raises(ValueError) as info:
        parse_amount(value)
    message = str(info.value)
    assert "empty" in message
    assert "expected" in message


@pytest.mark.parametrize("value", ["-5", "\u22125", "US$ -1,000", -3])
def test_negative_amounts_say_negative(value):
    with pytest.raises(ValueError, match="negative"):
        parse_amount(value)


@given(st.text())
def test_any_text_gives_a_finite_non_negative_float_or_a_value_error(text):
    try:
        result = parse_amount(text)
    except ValueError:
        return
    assert isinstance(result, float)
    assert math.isfinite(result)
    assert result >= 0


# Amounts below the parser's limit (1e15 < 2**53) are exactly representable as floats.
@given(st.integers(min_value=0, max_value=int(LIMIT) - 1))
def test_comma_grouped_integers_round_trip(n):
    assert parse_amount(f"{n:,}") == n


@given(st.integers(min_value=0, max_value=int(LIMIT) - 1))
def test_space_grouped_integers_with_currency_round_trip(n):
    assert parse_amount(f"US$ {n:,}".replace(",", " ")) == n


@given(st.integers(min_value=0, max_value=int(LIMIT) - 1), st.sampled_from([NBSP, NNBSP]))
def test_no_break_space_grouped_integers_round_trip(n, space):
    assert parse_amount(f"{n:,}".replace(",", space)) == n
