"""Checks on the HTML the site writes, for what reads it besides people (browsers, validators,
search engines)."""

import re

# HTML's "valid global date and time string" with a time zone offset, as a <time datetime> must
# be for a machine to read it: a second's fraction has three digits at most.
_GLOBAL_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)")
_TIME_DATETIME = re.compile(r'<time\b[^>]*\bdatetime="([^"]*)"')


def time_moments(html: str) -> list[str]:
    """The datetime attribute of every <time> element in the page."""
    return _TIME_DATETIME.findall(html)


def unreadable_time_moments(html: str) -> list[str]:
    """The <time datetime> values of the page that HTML does not allow for a moment."""
    return [moment for moment in time_moments(html) if not _GLOBAL_MOMENT.fullmatch(moment)]
