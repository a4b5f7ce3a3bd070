"""Money: integer minor units plus an ISO 4217 code, and locale-aware display through Babel.

Only currencies in CURRENCIES are accepted; the exponent says how many minor units make a major
one (JPY has none). Babel's CLDR data places the symbol and groups digits per locale.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_symbol
from django.utils import translation
from django.utils.translation import gettext_lazy as _

CURRENCIES: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CHF": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "JPY": 0,
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]

UNKNOWN_CURRENCY = _("Unknown currency %(code)s: use one of %(known)s.")
NOT_A_NUMBER = _("Enter an amount as a number, e.g. 25 or 12.50.")
TOO_MANY_DECIMALS = _("%(code)s amounts have at most %(places)s decimal places.")
AMOUNT_TOO_LONG = _("Enter an amount of at most %(limit_value)s characters, e.g. 25 or 12.50.")
AMOUNT_BEYOND_RANGE = _("This amount is too large to record; check it for extra digits.")

# Longer than any amount a reader or editor types ("1,000,000,000.00" is 16); the forms use it as
# their max_length, and to_minor refuses longer text before Decimal sees it.
MAX_AMOUNT_CHARS = 20

# How amounts read on the site. "locale", the default, follows the site language's own convention
# from CLDR ("$2,500" in en-US, "€2,500" in en, "2.500 €" in de); "amount_symbol" puts the symbol
# after the amount whatever the language ("2,500 $"), for a site that wants it.
STYLE_AMOUNT_SYMBOL = "amount_symbol"
STYLE_LOCALE = "locale"
DEFAULT_STYLE = STYLE_LOCALE
STYLE_CHOICES = [
    (STYLE_LOCALE, _("The language's convention: $2,500 in US English, 2.500 € in German")),
    (STYLE_AMOUNT_SYMBOL, _("Amount then symbol, whatever the language: 2,500 $")),
]


_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")
# Amounts are kept in 64-bit integer columns; more minor units than they hold cannot be saved.
MAX_MINOR = 2**63 - 1

# Digits and a decimal point, as funding.js accepts them. The minus sign is let through so that
# "-5" is told to be more than zero. Decimal alone would also take "1E+999997", whose minor units
# take half a minute to compute, and "1E+1000000", which overflows.
_PLAIN = re.compile(r"-?\d+(\.\d+)?")


class MoneyError(ValueError):
    """An amount or currency a reader or editor must correct; str() is the message to show."""


def exponent(currency: str) -> int:
    code = (currency or "").upper()
    if code not in CURRENCIES:
        raise MoneyError(UNKNOWN_CURRENCY % {"code": code or "?", "known": ", ".join(CURRENCIES)})
    return CURRENCIES[code]


def to_minor(amount, currency: str) -> int:
    """'12.50' or Decimal('12.5') in `currency` → 1250. Refuses text longer than
    MAX_AMOUNT_CHARS, anything but plain digits (no exponents, NaN or Infinity), extra
    decimals and more minor units than MAX_MINOR."""
    places = exponent(currency)
    text = str(amount).strip().replace(" ", "")
    if len(text) > MAX_AMOUNT_CHARS:
        raise MoneyError(AMOUNT_TOO_LONG % {"limit_value": MAX_AMOUNT_CHARS})
    if _GROUPED.match(text):
        text = text.replace(",", "")  # 1,000.50
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")  # 12,50 as typed in much of Europe
    if not _PLAIN.fullmatch(text):
        raise MoneyError(NOT_A_NUMBER)
    value = Decimal(text)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise MoneyError(TOO_MANY_DECIMALS % {"code": currency.upper(), "places": places})
    if abs(minor) > MAX_MINOR:
        raise MoneyError(AMOUNT_BEYOND_RANGE)
    return int(minor)


def without_own_currency(text: str, currency: str, *, language: str | None = None) -> str:
    """'$1,250' or '1250 USD' for `currency` USD → '1,250': the amount written as the site writes
    it (the currency's symbol in the language) or with its code, before or after. Another
    currency's mark ('CA$50', '€50') is left for to_minor to refuse."""
    code = currency.upper()
    marks = sorted({code, get_currency_symbol(code, babel_locale(language))}, key=len, reverse=True)
    text = str(text).strip()
    for mark in marks:
        if text.upper().startswith(mark.upper()):
            return text[len(mark) :].strip()
        if text.upper().endswith(mark.upper()):
            return text[: -len(mark)].strip()
    return text


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-exponent(currency))


@dataclass(frozen=True)
class Money:
    amount_minor: int
    currency: str

    def __str__(self) -> str:
        return format_money(self.amount_minor, self.currency)


def babel_locale(language: str | None = None) -> str:
    return translation.to_locale(language or translation.get_language() or "en-us")


def format_money(
    amount_minor: int,
    currency: str,
    *,
    style: str = DEFAULT_STYLE,
    language: str | None = None,
) -> str:
    """1250, 'USD' → '$12.50' in US English; whole amounts drop their decimals ('$2,500')."""
    major = to_major(amount_minor, currency)
    whole = major == major.to_integral_value()
    decimals = 0 if whole else exponent(currency)
    locale = babel_locale(language)
    if style == STYLE_LOCALE:
        from babel import Locale

        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        pattern = pattern.split(";")[0]
        if decimals == 0:
            pattern = pattern.replace(".00", "")
    else:
        # A no-break space, as CLDR uses: "2,500 $" never wraps between the number and "$".
        pattern = "#,##0.00\u00a0¤" if decimals else "#,##0\u00a0¤"
    if decimals:
        major = major.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_currency(
        major, currency.upper(), format=pattern, locale=locale, currency_digits=False
    )
