"""Importing a whole thread from JSON (the path the WordPress and Disqus importers share).

The file is a list of {"id", "parent_id", "author", "email", "created", "text", "votes"}, ids local
to the file, parents always earlier; `export-comments` writes the same list, with an optional
"status" (a comment that is not "published" is left behind, and a reply to it answers its nearest
published ancestor) and "anchor" ({"quote", "prefix", "suffix"}: the passage it comments on).
Everything is checked before anything is written, and the writing happens in one transaction: a
bad file changes nothing. Each comment keeps its id from the file, so importing the same file
again (or a later export of the same site) adds only what is new.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.dateparse import parse_datetime

from masthead.discussion import anchors, conf
from masthead.discussion.markdown import render_comment
from masthead.discussion.models import Comment, CommentStatus, PassageAnchor
from masthead.discussion.services.comments import discussion_settings, one_line, thread_changed

REQUIRED_FIELDS = ("id", "parent_id", "author", "email", "created", "text", "votes")
EMAIL_MAX_LENGTH = Comment._meta.get_field("author_email").max_length
# The score column is a 32-bit integer on every database.
VOTES_LIMIT = 2**31 - 1
# How a top-level comment's parent is written: WordPress and Disqus exports say 0, or "0".
NO_PARENT = (None, "", 0, "0")
ID_MAX_LENGTH = Comment._meta.get_field("import_id").max_length
IMPORT_READER_KEY = "import"
BATCH_SIZE = 1000
# What export-comments --all writes for a comment its author deleted (not a moderation status).
DELETED = "deleted"
ANCHOR_CONTEXT_MAX_LENGTH = PassageAnchor._meta.get_field("prefix").max_length


class ImportRefused(Exception):
    """A file that cannot be imported; the message names the line or item at fault."""


@dataclass(frozen=True)
class ImportAnchor:
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class ImportItem:
    position: int
    id: str
    parent_id: str | None
    author: str
    email: str
    created: datetime
    text: str
    votes: int
    anchor: ImportAnchor | None = None


class ImportItems(list):
    """A thread's checked comments, in file order; `left_out` counts those not published."""

    left_out = 0


def parse_import(raw: str) -> list[ImportItem]:
    """Check a whole file and return its comments in file order, or refuse it with the reason."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    if not isinstance(data, list):
        raise ImportRefused("The file must hold a JSON list of comments, [ {...}, {...} ].")
    return check_entries(data)


def check_entries(data: list) -> ImportItems:
    """Check a thread's comments (dicts with the JSON file's fields) and return them in order,
    or refuse the whole thread with the reason. Comments whose "status" is not "published" are
    left out; a reply to one answers its nearest published ancestor."""
    items, seen = ImportItems(), set()
    answers_instead: dict[str, str | None] = {}  # left-out comment → its nearest kept ancestor
    article_ids = set()
    for position, entry in enumerate(data, start=1):
        where = f"Item {position}"
        if not isinstance(entry, dict):
            raise ImportRefused(
                f"{where} is not an object with the fields {', '.join(REQUIRED_FIELDS)}."
            )
        if "id" in entry:
            where = f"Item {position} (id {entry['id']!r})"
        missing = [name for name in REQUIRED_FIELDS if name not in entry]
        if missing:
            raise ImportRefused(f"{where} lacks {', '.join(missing)}.")
        local_id = _local_id(entry["id"], where, "id")
        if local_id in seen or local_id in answers_instead:
            raise ImportRefused(f"{where}: the id is used twice in the file.")
        parent_id = (
            None
            if entry["parent_id"] in NO_PARENT
            else _local_id(entry["parent_id"], where, "parent_id")
        )
        if parent_id is not None and parent_id not in seen and parent_id not in answers_instead:
            raise ImportRefused(
                f"{where}: parent_id {entry['parent_id']!r} is not an earlier comment of the file."
            )
        if parent_id in answers_instead:
            parent_id = answers_instead[parent_id]
        if entry.get("article_id") is not None:
            article_ids.add(str(entry["article_id"]))
            if len(article_ids) > 1:
                raise ImportRefused(
                    f"{where}: the file holds comments of several articles (article_id "
                    f"{' and '.join(sorted(article_ids))}); export one with "
                    "export-comments --article ID."
                )
        status = entry.get("status", CommentStatus.PUBLISHED)
        if status not in CommentStatus.values and status != DELETED:
            raise ImportRefused(
                f"{where}: status {status!r} is not one of "
                f"{', '.join([*CommentStatus.values, DELETED])}."
            )
        if status != CommentStatus.PUBLISHED:
            answers_instead[local_id] = parent_id
            items.left_out += 1
            continue
        author = entry["author"]
        if not isinstance(author, str) or not one_line(author):
            raise ImportRefused(f"{where}: the author is empty.")
        email = entry["email"] or ""
        if not isinstance(email, str):
            raise ImportRefused(f"{where}: email must be text.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ImportRefused(f"{where}: {email!r} is not an e-mail address.") from None
            if len(email.strip()) > EMAIL_MAX_LENGTH:
                raise ImportRefused(
                    f"{where}: the e-mail address is longer than {EMAIL_MAX_LENGTH} characters."
                )
        created = _created(entry["created"], where)
        text = entry["text"]
        if not isinstance(text, str) or not text.strip():
            raise ImportRefused(f"{where}: the text is empty.")
        if len(text) > conf.COMMENT_MAX_LENGTH * 4:
            raise ImportRefused(
                f"{where}: the text is longer than {conf.COMMENT_MAX_LENGTH * 4} characters."
            )
        votes = entry["votes"]
        if isinstance(votes, bool) or not isinstance(votes, int):
            raise ImportRefused(
                f"{where}: votes must be a whole number (the net score), not {votes!r}."
            )
        if abs(votes) > VOTES_LIMIT:
            raise ImportRefused(f"{where}: votes {votes} is out of range (at most ±{VOTES_LIMIT}).")
        seen.add(local_id)
        items.append(
            ImportItem(
                position,
                local_id,
                parent_id,
                one_line(author)[:80],
                email.strip(),
                created,
                text.strip(),
                votes,
                _anchor(entry.get("anchor"), where),
            )
        )
    return items


def comments_import(*, article, items: list[ImportItem], progress=None) -> int:
    """Write checked comments into an article in one transaction, skipping moderation.

    Replies deeper than the site's depth are attached at the deepest level with "in reply to",
    as new replies are. Comments imported into the article before (same id in the file) are
    skipped, and new replies to them attach to them. `progress(done, total)` is called after
    each batch. Returns how many comments were added.
    """
    max_depth = discussion_settings(article).max_depth
    by_local_id: dict[str, Comment] = {}
    passages: dict[ImportAnchor, PassageAnchor] = {}
    with transaction.atomic():
        by_local_id.update(
            (comment.import_id, comment)
            for comment in Comment.objects.filter(article=article)
            .exclude(import_id="")
            .only("id", "import_id", "parent_id", "root_id", "depth")
        )
        new_items = [item for item in items if item.id not in by_local_id]
        total = len(new_items)
        done = 0
        # Insert level by level, so every parent has its database id before its replies are built.
        levels: dict[int, list[ImportItem]] = {}
        depth_of: dict[str, int] = {}
        for item in new_items:
            if item.parent_id is None:
                depth = 0
            elif item.parent_id in depth_of:
                depth = depth_of[item.parent_id] + 1
            else:  # a reply to a comment imported before
                depth = by_local_id[item.parent_id].depth + 1
            depth_of[item.id] = depth
            levels.setdefault(depth, []).append(item)
        for depth in sorted(levels):
            batch = []
            for item in levels[depth]:
                comment = Comment(
                    article=article,
                    author_name=item.author,
                    author_email=item.email.lower(),
                    reader_key=IMPORT_READER_KEY,
                    import_id=item.id,
                    body=item.text,
                    body_html=render_comment(item.text),
                    status=CommentStatus.PUBLISHED,
                    created=item.created,
                    imported_score=item.votes,
                    score=item.votes,
                )
                if item.anchor is not None:
                    if item.anchor not in passages:
                        passages[item.anchor] = _passage(article, item.anchor)
                    comment.anchor = passages[item.anchor]
                if item.parent_id is not None:
                    parent = by_local_id[item.parent_id]
                    if parent.depth + 1 >= max_depth:
                        comment.parent_id, comment.depth, comment.replied_to = (
                            parent.parent_id,
                            parent.depth,
                            parent,
                        )
                    else:
                        comment.parent, comment.depth = parent, parent.depth + 1
                    comment.root_id = parent.root_id or parent.pk
                batch.append((item, comment))
            for start in range(0, len(batch), BATCH_SIZE):
                chunk = batch[start : start + BATCH_SIZE]
                Comment.objects.bulk_create([comment for _, comment in chunk])
                for item, comment in chunk:
                    by_local_id[item.id] = comment
                done += len(chunk)
                if progress:
                    progress(done, total)
        thread_changed(article.pk, recount=True)
    return total


def _passage(article, anchor: ImportAnchor) -> PassageAnchor:
    """The article's anchor for the passage, made if needed. It is not looked for in the text:
    a passage edited since the comment was written is kept, and shown as edited."""
    passage, _ = PassageAnchor.objects.get_or_create(
        article=article,
        fingerprint=PassageAnchor.fingerprint_of(anchor.quote, anchor.prefix, anchor.suffix),
        defaults={"quote": anchor.quote, "prefix": anchor.prefix, "suffix": anchor.suffix},
    )
    return passage


def _anchor(value, where: str) -> ImportAnchor | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("quote"), str):
        raise ImportRefused(f'{where}: anchor must be {{"quote", "prefix", "suffix"}} or null.')
    quote = anchors.squeeze(value["quote"])
    if not quote or len(quote) > anchors.QUOTE_MAX_LENGTH:
        raise ImportRefused(
            f"{where}: the anchor's quote must have 1 to {anchors.QUOTE_MAX_LENGTH} characters."
        )
    context = []
    for name in ("prefix", "suffix"):
        text = value.get(name) or ""
        if not isinstance(text, str) or len(text) > ANCHOR_CONTEXT_MAX_LENGTH:
            raise ImportRefused(
                f"{where}: the anchor's {name} must be text of at most "
                f"{ANCHOR_CONTEXT_MAX_LENGTH} characters."
            )
        context.append(text)
    return ImportAnchor(quote, *context)


def lenient_email(value: str) -> str:
    """An address from another system's export, or "" when it is not one (old systems kept
    whatever was typed: such a comment is imported without an address, not refused)."""
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= EMAIL_MAX_LENGTH else ""


def _local_id(value, where: str, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise ImportRefused(f"{where}: {name} must be a number or a string, not {value!r}.")
    if len(str(value)) > ID_MAX_LENGTH:
        raise ImportRefused(f"{where}: {name} is longer than {ID_MAX_LENGTH} characters.")
    return str(value)


def _created(value, where: str) -> datetime:
    if not isinstance(value, str):
        raise ImportRefused(
            f"{where}: created must be an ISO 8601 date and time in UTC, e.g. 2025-03-14T09:30:00Z."
        )
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:  # well formed but impossible, such as February 30th
        parsed = None
    if parsed is None:
        raise ImportRefused(
            f"{where}: created {value!r} is not an ISO 8601 date and time, e.g. 2025-03-14T09:30:00Z."
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    elif parsed.utcoffset().total_seconds() != 0:
        parsed = parsed.astimezone(UTC)
    return parsed
