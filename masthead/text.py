"""Text people type that is shown or mailed as a single line."""

import unicodedata


def one_line(text: str | None) -> str:
    """A name as it is shown: on one line, without control characters."""
    printable = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text or "")
    return " ".join(printable.split())
