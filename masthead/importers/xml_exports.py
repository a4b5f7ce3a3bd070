"""Reading other systems' XML exports (WordPress's WXR, Disqus's): helpers the readers share."""

from itertools import islice
from pyexpat import errors
from xml.etree.ElementTree import ParseError


def local_name(element) -> str:
    """An element's tag without its namespace (WXR 1.0, 1.1 and 1.2 differ only by namespace)."""
    return element.tag.rsplit("}", 1)[-1]


def leaf_texts(element) -> dict[str, str]:
    """The text of each child without children, by local name; where two share a local name
    (WXR's content:encoded and excerpt:encoded), the first one wins."""
    values = {}
    for child in element:
        if len(child) == 0:
            values.setdefault(local_name(child), child.text or "")
    return values


def wordpress_post_key(values: dict[str, str]) -> str:
    """What names a WordPress post (an item's leaf_texts) in every export of its site: its guid,
    which WordPress never changes (not even when the site moves), else its id; "" for neither."""
    guid = values.get("guid", "").strip()
    post_id = values.get("post_id", "").strip()
    if guid:
        return f"wordpress:{guid}"
    return f"wordpress:id:{post_id}" if post_id else ""


# expat's "no element found" and "unclosed token": the text stops inside the document.
ENDED_EARLY = {
    errors.codes[errors.XML_ERROR_NO_ELEMENTS],
    errors.codes[errors.XML_ERROR_UNCLOSED_TOKEN],
}


def unreadable_export(what: str, error: ParseError, source) -> str:
    """Why an export (`source`, a path or a binary file) cannot be read, for its operator. An
    export saved again in another encoding (an editor's "Save as" in Windows-1252, say) still
    declares UTF-8: its first accented letter stops the reader, which calls that an "invalid
    token"; say what it really is."""
    message = f"Not a readable {what} (XML error: {error})."
    if error.code in ENDED_EARLY:
        return message + (
            " The file ends before the export does: it was cut short (a download or copy that "
            "did not finish?). Export it again and import the whole file."
        )
    line_number = error.position[0]
    line = _line(source, line_number)
    if line is not None:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            message += (
                f" Line {line_number} is not UTF-8 text, as the file says it is: it was saved in "
                "another encoding. Export it again, or convert it to UTF-8 "
                "(iconv -f windows-1252 -t utf-8), and import that."
            )
    return message


def _line(source, number: int) -> bytes | None:
    try:
        if hasattr(source, "read"):
            source.seek(0)
            return next(islice(source, number - 1, None), None)
        with open(source, "rb") as file:
            return next(islice(file, number - 1, None), None)
    except (OSError, ValueError):
        return None
