"""Row ids as addresses, forms and links carry them: text that may say anything."""

import re

# The largest id a database column holds. Django does not range-check every lookup (Wagtail's
# page links, raw filters): a larger number would fail the query itself, a 500.
MAX_ID = 2**63 - 1
# ASCII digits only: "²".isdigit() is true, and int("²") raises.
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The row id `value` names, or None for anything that names no row (not a number, zero,
    or beyond any table)."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
