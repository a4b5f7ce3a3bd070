"""Comments as JSON: the list `export-comments` writes and `import-comments --article` reads.

Each comment is {"id", "parent_id", "author", "email", "created", "text", "votes", "status",
"featured_at", "anchor", "article_id", "article_url"}: id is "masthead:<pk>:<created>" for a
comment written here and the id it came with for an imported one (see exported_comment_id), so
that a file imported back finds its comments already there; text is the Markdown its author wrote, votes
the net score readers see, created in UTC, parent_id the comment it answers, featured_at when a
moderator made it an editors' pick (in UTC; null when it is not one). A reply to a comment that is not
exported (held, removed, deleted by its author) answers its nearest exported ancestor, so the file
always imports. Both ways stream: comments are written as they are read from the database, a
chunk at a time, and a file is read an item at a time (by ijson), so memory stays flat whatever
its size; only a file at fault is read whole, by json, to say where.
"""

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from decimal import Decimal
from itertools import chain
from typing import BinaryIO

import ijson
from wagtail.models import Page

from masthead.discussion import selectors
from masthead.discussion.services import ImportRefused
from masthead.discussion.services.importing import DELETED, exported_comment_id

NOT_A_LIST = "The file must hold a JSON list of comments, [ {...}, {...} ]."
# How much of a file ijson reads at a time: small, because ijson makes a read's events all at
# once, before _nesting_limited sees how deep they go.
READ_BYTES = 1 << 12
# Far deeper than a comment needs (a list of objects, each with an "anchor" object).
MAX_DEPTH = 32
OPENING = {"start_map", "start_array"}
CLOSING = {"end_map", "end_array"}
# A \uXXXX escape of half a UTF-16 surrogate pair, and of its second half.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
LOW_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
PAIR_BYTES = 12  # len(rb"\ud83d\ude00")
# A string (skipped whole), or a constant json.loads reads and JSON has not.
STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def comments_export(
    *,
    write: Callable[[str], object],
    article_id: int | None = None,
    include_all: bool = False,
    include_emails: bool = False,
) -> int:
    """Write the comments (one article's, or the site's) as a JSON list; returns how many.

    Only published comments unless `include_all`, which adds held, spam and removed ones and those
    their authors deleted, each with its status (a deleted one without its text, which its author
    withdrew). E-mail addresses only with `include_emails`.
    """
    count = 0
    article, article_url = None, ""
    exported: dict[int, str] = {}  # pk → its id in the file
    answers_instead: dict[int, int | None] = {}  # a comment not exported → its exported ancestor
    write("[")
    for comment in selectors.comments_for_export(article_id=article_id, include_all=include_all):
        if comment.article_id != article:
            article, exported, answers_instead = comment.article_id, {}, {}
            page = Page.objects.filter(pk=article).first()
            article_url = (page.get_full_url() or "") if page else ""
        parent = _exported_ancestor(
            comment.replied_to_id or comment.parent_id, exported, answers_instead
        )
        anchor = comment.anchor
        exported_id = exported_comment_id(
            pk=comment.pk, import_id=comment.import_id, created=comment.created
        )
        item = {
            "id": exported_id,
            "parent_id": exported[parent] if parent is not None else None,
            "author": comment.author_name,
            "email": comment.author_email if include_emails else "",
            "created": _utc(comment.created),
            # Its author took it back: the file says it was there, not what it said.
            "text": "" if comment.deleted else comment.body,
            "votes": comment.score,
            "status": DELETED if comment.deleted else comment.status,
            "featured_at": _utc(comment.featured_at) if comment.featured_at else None,
            "anchor": (
                {"quote": anchor.quote, "prefix": anchor.prefix, "suffix": anchor.suffix}
                if anchor
                else None
            ),
            "article_id": comment.article_id,
            "article_url": article_url,
        }
        write(("\n" if count == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
        exported[comment.pk] = exported_id
        count += 1
    write("\n]\n" if count else "]\n")
    return count


def _utc(moment) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _exported_ancestor(
    comment_id: int | None, exported: dict[int, str], answers_instead: dict[int, int | None]
) -> int | None:
    """The comment itself if it was exported, else the nearest ancestor that was (parents come
    first in the file, so "exported" means "written already")."""
    walked = []
    while comment_id is not None and comment_id not in exported:
        if comment_id in answers_instead:
            comment_id = answers_instead[comment_id]
            break
        walked.append(comment_id)
        comment_id = selectors.comment_answers(comment_id)
    for skipped in walked:
        answers_instead[skipped] = comment_id
    return comment_id


class LoneSurrogate(Exception):
    """A \\uXXXX escape at `byte` of the file is half of a surrogate pair without its other half."""

    def __init__(self, byte: int):
        super().__init__(f"lone surrogate escape at byte {byte}")
        self.byte = byte


class _SurrogatesChecked:
    """The file, as ijson reads it, refusing an escaped lone surrogate ("\\ud800") before ijson
    sees it: ijson's C backend reads one as "?", and one followed by another escape as a
    different character, without a word. The last bytes of each read wait for the next, in case
    an escape or a pair is cut between reads."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.waiting = b""  # read, not yet checked
        self.offset = 0  # of `waiting` in the file
        self.backslashes = 0  # how many backslashes end what was checked
        self.second_half_at = -1  # where the low half of the last pair checked is

    def read(self, size: int = READ_BYTES) -> bytes:
        if size == 0:  # ijson asks for nothing to learn whether the file gives bytes or text
            return b""
        while True:
            chunk = self.file.read(size)
            data = self.waiting + chunk
            end = max(0, len(data) - (PAIR_BYTES - 1)) if chunk else len(data)
            self._check(data, end)
            checked, self.waiting = data[:end], data[end:]
            self.offset += end
            trailing = len(checked) - len(checked.rstrip(b"\\"))
            self.backslashes = trailing + (self.backslashes if trailing == len(checked) else 0)
            if checked or not chunk:
                return checked

    def _check(self, data: bytes, end: int) -> None:
        for escape in SURROGATE_ESCAPE.finditer(data, 0, len(data)):
            start = escape.start()
            if start >= end:
                return
            before = start
            while before > 0 and data[before - 1] == ord("\\"):
                before -= 1
            escaped_backslash = (start - before + (self.backslashes if before == 0 else 0)) % 2
            if escaped_backslash:  # "\\\\ud800" is a backslash, then the text "ud800"
                continue
            if self.offset + start == self.second_half_at:
                continue
            if escape.group()[3] in b"89abAB" and LOW_SURROGATE_ESCAPE.match(data, start + 6):
                self.second_half_at = self.offset + start + 6
                continue
            raise LoneSurrogate(self.offset + start)


class NotUtf8Text(Exception):
    """The file stops being UTF-8 text at `byte` (counted from 0)."""

    def __init__(self, byte: int):
        super().__init__(f"not UTF-8 text at byte {byte}")
        self.byte = byte


def read_comments(file: BinaryIO) -> Iterator[object]:
    """The items of the JSON list a file holds, one at a time as the file is read (by ijson).

    ImportRefused says where the file stops being JSON, by line and column as `json.loads`
    would (NaN, Infinity and escaped lone surrogates too), or that it holds something other than
    a list; NotUtf8Text where it stops being
    UTF-8 (named first, wherever it is). Items before the fault have been yielded by then:
    check the whole file first. The file must be seekable: at a fault it is read again, whole.
    """
    events = ijson.parse(_SurrogatesChecked(file), buf_size=READ_BYTES)
    try:
        first = next(events)
        if first[1] == "start_map":
            raise ImportRefused(NOT_A_LIST)  # whatever it holds: not read into memory
        if first[1] != "start_array":
            deque(events, maxlen=0)  # a number or a string: is it JSON at all?
            raise ImportRefused(NOT_A_LIST)
        for item in ijson.items(_nesting_limited(chain([first], events)), "item"):
            yield _with_floats(item)
    # ValueError: what ijson's Python backend (where the C one is missing) raises for some
    # faults, such as bytes that are not UTF-8.
    except (ijson.JSONError, ValueError, LoneSurrogate) as error:
        raise _fault(file, error) from None


def _nesting_limited(events: Iterable[tuple]) -> Iterator[tuple]:
    """ijson keeps the path to each open level, each as long as the level is deep: a file of
    nothing but brackets would take memory as the square of its depth. Reads are small, so
    this sees a deep level before ijson has gone much deeper."""
    depth = 0
    for event in events:
        kind = event[1]
        if kind in OPENING:
            depth += 1
            if depth > MAX_DEPTH:
                raise ImportRefused(
                    f"The file nests lists or objects more than {MAX_DEPTH} deep: it does not "
                    "hold comments."
                )
        elif kind in CLOSING:
            depth -= 1
        yield event


def _with_floats(value):
    """ijson reads 1.5 as Decimal('1.5'): as float, as json.loads reads it, so that a refusal
    shows the number as it was written."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _with_floats(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_with_floats(inner) for inner in value]
    return value


XML_NOT_JSON = (
    "This is an XML file, not JSON: import a WordPress export with --wordpress FILE, a Disqus "
    "export with --disqus FILE (--article is for a JSON list of comments)."
)


def _fault(file: BinaryIO, error: Exception) -> Exception:
    """What is wrong with a file ijson refused, where json.loads would say it is: ijson's
    messages name no line. Only a file at fault is read whole, once."""
    file.seek(0)
    data = file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as not_utf8:
        return NotUtf8Text(not_utf8.start)
    if isinstance(error, LoneSurrogate):
        line, column = _line_and_column(data[: error.byte].decode("utf-8"))
        escape = data[error.byte : error.byte + 6].decode("ascii")
        return ImportRefused(
            f"Not valid text: {escape} at line {line}, column {column} is half of a UTF-16 "
            "surrogate pair without its other half, so it stands for no character (the file "
            "was cut or made by a faulty program); mend or remove it."
        )
    del data
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        return ImportRefused(XML_NOT_JSON)
    try:
        # Objects are dropped as soon as they are read: what is kept is the text.
        json.loads(text, object_pairs_hook=lambda pairs: None)
    except json.JSONDecodeError as fault:
        # json's "Unterminated string starting at" is followed by its place: one "at" is enough.
        message = fault.msg.removesuffix(" at")
        return ImportRefused(
            f"Not valid JSON: {message} at line {fault.lineno}, column {fault.colno}."
        )
    except RecursionError:
        pass
    # json reads NaN and Infinity, which JSON has not; ijson says what it found, not where.
    for found in STRING_OR_CONSTANT.finditer(text):
        if found.group(1):
            line, column = _line_and_column(text[: found.start()])
            return ImportRefused(
                f"Not valid JSON: {found.group(1)} at line {line}, column {column}: JSON has no "
                "NaN or Infinity; write a number or null."
            )
    return ImportRefused(f"Not valid JSON: {str(error).splitlines()[0].rstrip('.')}.")


def _line_and_column(before: str) -> tuple[int, int]:
    """Where the text that follows `before` starts, counted as json.loads counts."""
    return before.count("\n") + 1, len(before) - before.rfind("\n")
