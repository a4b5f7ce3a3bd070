"""Comments as JSON: the list `export-comments` writes and `import-comments --article` reads.

Each comment is {"id", "parent_id", "author", "email", "created", "text", "votes", "status",
"anchor", "article_id", "article_url"}: text is the Markdown its author wrote, votes the net score
readers see, created in UTC, parent_id the comment it answers. A reply to a comment that is not
exported (held, removed, deleted by its author) answers its nearest exported ancestor, so the file
always imports. Both ways stream: comments are written as they are read from the database, a
chunk at a time, and a file is read an item at a time, so memory stays flat whatever its size.
"""

import codecs
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import BinaryIO

from wagtail.models import Page

from masthead.discussion import selectors
from masthead.discussion.services import ImportRefused
from masthead.discussion.services.importing import DELETED

NOT_A_LIST = "The file must hold a JSON list of comments, [ {...}, {...} ]."
# How much of a file is read at a time.
READ_BYTES = 1 << 16
# An item of the file is a comment, far shorter than this even with every character escaped: one
# that has not ended by then has a string or an object left open.
ITEM_MAX_CHARS = 1 << 22
# A JSON error this close to the end of what has been read may only mean that the item goes on.
UNFINISHED_TAIL = 16
WHITESPACE = re.compile(r"[ \t\n\r]*")
BOM = "\ufeff"


def comments_export(
    *,
    write: Callable[[str], object],
    article_id: int | None = None,
    include_all: bool = False,
    include_emails: bool = False,
) -> int:
    """Write the comments (one article's, or the site's) as a JSON list; returns how many.

    Only published comments unless `include_all`, which adds held, spam and removed ones and those
    their authors deleted, each with its status. E-mail addresses only with `include_emails`.
    """
    count = 0
    article, article_url = None, ""
    exported: set[int] = set()
    answers_instead: dict[int, int | None] = {}  # a comment not exported → its exported ancestor
    write("[")
    for comment in selectors.comments_for_export(article_id=article_id, include_all=include_all):
        if comment.article_id != article:
            article, exported, answers_instead = comment.article_id, set(), {}
            page = Page.objects.filter(pk=article).first()
            article_url = (page.get_full_url() or "") if page else ""
        parent = _exported_ancestor(
            comment.replied_to_id or comment.parent_id, exported, answers_instead
        )
        anchor = comment.anchor
        item = {
            "id": comment.pk,
            "parent_id": parent,
            "author": comment.author_name,
            "email": comment.author_email if include_emails else "",
            "created": comment.created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "text": comment.body,
            "votes": comment.score,
            "status": DELETED if comment.deleted else comment.status,
            "anchor": (
                {"quote": anchor.quote, "prefix": anchor.prefix, "suffix": anchor.suffix}
                if anchor
                else None
            ),
            "article_id": comment.article_id,
            "article_url": article_url,
        }
        write(("\n" if count == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
        exported.add(comment.pk)
        count += 1
    write("\n]\n" if count else "]\n")
    return count


def _exported_ancestor(
    comment_id: int | None, exported: set[int], answers_instead: dict[int, int | None]
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


class NotUtf8Text(Exception):
    """The file stops being UTF-8 text at `byte` (counted from 0)."""

    def __init__(self, byte: int):
        super().__init__(f"not UTF-8 text at byte {byte}")
        self.byte = byte


def read_comments(file: BinaryIO) -> Iterator[object]:
    """The items of the JSON list a file holds, one at a time as the file is read.

    ImportRefused says where the file stops being JSON, by line and column as `json.loads`
    would, or that it holds something other than a list; NotUtf8Text where it stops being
    UTF-8. Items before the fault have been yielded by then: check the whole file first.
    """
    return _ListReader(file).items()


class _ListReader:
    """Reads a JSON list item by item: json's own decoder reads each item, from a window of the
    file that holds the item and is moved on as items are consumed."""

    def __init__(self, file: BinaryIO):
        self._file = file
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._bytes_read = 0
        self._decoder = json.JSONDecoder()
        self.text = ""  # the window: what has been read and not yet consumed
        self.pos = 0
        self.eof = False
        self._line = 1  # the line the window starts on
        self._column = 0  # characters on that line before the window

    def items(self) -> Iterator[object]:
        self._skip_whitespace()
        if self._peek() == BOM:
            raise self._refused("Unexpected UTF-8 BOM (decode using utf-8-sig)", self.pos)
        if self._peek() == "{":
            raise ImportRefused(NOT_A_LIST)  # whatever it holds: not read into memory
        if self._peek() != "[":
            self._value()  # a number or a string: is it JSON at all?
            self._skip_to_end()
            raise ImportRefused(NOT_A_LIST)
        self.pos += 1
        self._skip_whitespace()
        if self._peek() == "]":
            self.pos += 1
        else:
            while True:
                yield self._value()
                self._skip_whitespace()
                mark = self._peek()
                self.pos += 1
                if mark == "]":
                    break
                if mark != ",":
                    raise self._refused("Expecting ',' delimiter", self.pos - 1)
                self._skip_whitespace()
        self._skip_to_end()

    def _value(self) -> object:
        while True:
            try:
                value, end = self._decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if self.eof or not self._may_go_on(error):
                    raise self._refused(error.msg, error.pos) from None
                if len(self.text) - self.pos > ITEM_MAX_CHARS:
                    line, column = self._where(self.pos)
                    raise ImportRefused(
                        f"Not valid JSON: the item at line {line}, column {column} does not end "
                        f"within {ITEM_MAX_CHARS:,} characters (a string or object left open?)."
                    ) from None
                self._read_more(max(READ_BYTES, len(self.text) - self.pos))
                continue
            if end == len(self.text) and not self.eof and not isinstance(value, dict | list):
                self._read_more()  # a number at the end of the window may go on after it
                continue
            self.pos = end
            return value

    def _may_go_on(self, error: json.JSONDecodeError) -> bool:
        return (
            error.msg.startswith("Unterminated string")
            or error.pos >= len(self.text) - UNFINISHED_TAIL
        )

    def _skip_whitespace(self) -> None:
        self.pos = WHITESPACE.match(self.text, self.pos).end()
        while self.pos == len(self.text) and not self.eof:
            self._read_more()
            self.pos = WHITESPACE.match(self.text, self.pos).end()

    def _skip_to_end(self) -> None:
        self._skip_whitespace()
        if self.pos < len(self.text):
            raise self._refused("Extra data", self.pos)

    def _peek(self) -> str:
        if self.pos == len(self.text) and not self.eof:
            self._read_more()
        return self.text[self.pos : self.pos + 1]

    def _read_more(self, size: int = READ_BYTES) -> None:
        self._forget_consumed()
        data = self._file.read(size)
        pending = len(self._utf8.getstate()[0])  # the start of a character cut by the last read
        try:
            self.text += self._utf8.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise NotUtf8Text(self._bytes_read - pending + error.start) from None
        self._bytes_read += len(data)
        self.eof = not data

    def _forget_consumed(self) -> None:
        consumed = self.text[: self.pos]
        newlines = consumed.count("\n")
        if newlines:
            self._line += newlines
            self._column = len(consumed) - consumed.rfind("\n") - 1
        else:
            self._column += len(consumed)
        self.text, self.pos = self.text[self.pos :], 0

    def _where(self, pos: int) -> tuple[int, int]:
        """The line and column of a position in the window, counted from 1 as json does."""
        newlines = self.text.count("\n", 0, pos)
        if newlines:
            return self._line + newlines, pos - self.text.rfind("\n", 0, pos)
        return self._line, self._column + pos + 1

    def _refused(self, message: str, pos: int) -> ImportRefused:
        line, column = self._where(pos)
        return ImportRefused(f"Not valid JSON: {message} at line {line}, column {column}.")
