"""Text people type that is shown or mailed as a single line, and counts said in words."""

import unicodedata

from django.utils.translation import ngettext


def one_line(text: str | None) -> str:
    """A name as it is shown: on one line, without control characters."""
    printable = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text or "")
    return " ".join(printable.split())


def counted(count: int, singular: str, plural: str, **values) -> str:
    """`singular` or `plural` (ngettext: the language's own rule) with `count` and `values` in
    their `%(count)d`, `%(name)s` places: "1 comment", "2 comments". `masthead makemessages`
    collects them as plural messages (masthead/management/commands/makemessages.py)."""
    return ngettext(singular, plural, count) % {"count": count, **values}
