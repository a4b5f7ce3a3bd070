"""Money in minor units, and amounts formatted per locale and site style (Babel, CLDR)."""

from decimal import Decimal

import pytest
from django.utils import translation

from masthead.funding.money import (
    AMOUNT_TOO_LONG,
    MAX_AMOUNT_CHARS,
    NOT_A_NUMBER,
    STYLE_AMOUNT_SYMBOL,
    STYLE_LOCALE,
    MoneyError,
    format_money,
    to_major,
    to_minor,
)
from tests.funding.factories import plain


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("25", "USD", 2500),
        ("12.5", "EUR", 1250),
        ("12,50", "EUR", 1250),
        ("1,000", "USD", 100_000),
        ("1,000.25", "GBP", 100_025),
        ("5000", "JPY", 5000),
        (Decimal("0.01"), "CHF", 1),
    ],
)
def test_amounts_become_minor_units(text, currency, minor):
    assert to_minor(text, currency) == minor
    assert to_major(minor, currency) == Decimal(minor).scaleb(-(0 if currency == "JPY" else 2))


@pytest.mark.parametrize(
    "text",
    ["abc", "", "12..5", "nan", "Infinity", "1e", "--3", "1e3", "1E+999997", "1E+1000000", "1_000"],
)
def test_something_not_a_number_is_refused_with_a_message_to_act_on(text):
    with pytest.raises(MoneyError) as refused:
        to_minor(text, "USD")
    assert str(refused.value) == NOT_A_NUMBER


def test_an_amount_longer_than_anyone_types_is_refused_before_it_is_parsed():
    with pytest.raises(MoneyError) as refused:
        to_minor("1" * (MAX_AMOUNT_CHARS + 1), "USD")
    assert str(refused.value) == AMOUNT_TOO_LONG % {"limit_value": MAX_AMOUNT_CHARS}


def test_more_decimals_than_the_currency_has_are_refused():
    with pytest.raises(MoneyError, match="at most 2 decimal places"):
        to_minor("1.234", "USD")
    with pytest.raises(MoneyError, match="at most 0 decimal places"):
        to_minor("100.5", "JPY")


def test_an_unknown_currency_is_refused_and_the_known_ones_are_named():
    with pytest.raises(MoneyError, match=r"Unknown currency XYZ: use one of USD, EUR"):
        to_minor("10", "XYZ")


NBSP = "\u00a0"


def test_amounts_read_as_the_sites_language_writes_them_by_default():
    """The default was "2,500 $" whatever the language: no US reader writes a dollar amount so."""
    with translation.override("en-us"):
        assert format_money(250_000, "USD") == "$2,500"
        assert format_money(0, "USD") == "$0"
        assert format_money(10_050, "USD") == "$100.50"
        assert format_money(500_000, "EUR") == "€5,000"
        assert format_money(5000, "JPY") == "¥5,000"
    with translation.override("de"):
        assert format_money(250_000, "EUR") == f"2.500{NBSP}€"
    with translation.override("fr"):
        assert plain(format_money(250_050, "EUR")) == "2 500,50 €"


def test_the_amount_then_symbol_style_stays_for_sites_that_choose_it():
    with translation.override("en-us"):
        style = STYLE_AMOUNT_SYMBOL
        assert format_money(250_000, "USD", style=style) == f"2,500{NBSP}$"  # never wraps
        assert plain(format_money(10_050, "USD", style=style)) == "100.50 $"
        assert plain(format_money(5000, "JPY", style=style)) == "5,000 ¥"


def test_the_locale_style_follows_cldr():
    with translation.override("en-us"):
        assert format_money(250_000, "USD", style=STYLE_LOCALE) == "$2,500"
        assert format_money(1_250, "USD", style=STYLE_LOCALE) == "$12.50"
    with translation.override("de"):
        assert format_money(250_000, "EUR", style=STYLE_LOCALE) == f"2.500{NBSP}€"
        assert plain(format_money(250_000, "USD", style=STYLE_AMOUNT_SYMBOL)) == "2.500 $"
    with translation.override("fr"):
        assert plain(format_money(250_000, "EUR", style=STYLE_LOCALE)) == "2 500 €"
