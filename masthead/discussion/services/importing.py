"""Importing a whole thread of comments from another system or an export (the way in that the
importers share).

A thread is a list of {"id", "parent_id", "author", "email", "created", "text", "votes"}, ids
local to the thread, parents always earlier; `export-comments` writes the same list, with an
optional "status" (a comment that is not "published" is left behind, and a reply to it answers its
nearest published ancestor), "featured_at" (when a moderator made it an editors' pick, or null:
it is a pick here too, logged as brought in by the import) and "anchor" ({"quote", "prefix",
"suffix"}: the passage it comments on). Everything is checked before anything is written, and the writing happens in one
transaction: a bad file changes nothing. Each comment keeps its id from the file, so importing
the same file again (or a later export of the same site) adds only what is new.

An export names a comment written here "masthead:<pk>:<created>" (see exported_comment_id) and
one imported here by the id it came with, so that the two can never be the same id, and an
article's export imported back into it finds every comment already there. Exports written
before that named every comment by its bare pk: see EntryChecker.check.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.dateparse import parse_datetime

from masthead import moderation
from masthead.discussion import anchors, conf
from masthead.discussion.markdown import render_comment
from masthead.discussion.models import Comment, CommentStatus, PassageAnchor
from masthead.discussion.selectors import discussion_settings
from masthead.discussion.services.comments import thread_changed
from masthead.ids import MAX_ID
from masthead.text import one_line

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
EXPORTED_ID_PREFIX = "masthead:"
EXPORTED_ID = re.compile(r"masthead:(\d+):")


def exported_comment_id(*, pk: int, import_id: str, created: datetime) -> str:
    """A comment's id in an export: the id it was imported with, or, for one written here,
    "masthead:<pk>:<created in UTC>". The moment keeps this site's comment 18 apart from another
    Masthead's comment 18 imported into the same article."""
    if import_id:
        return import_id
    moment = created.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f"{EXPORTED_ID_PREFIX}{pk}:{moment}"


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
    featured_at: datetime | None = None
    # The comment's database id on the Masthead that exported it, when the file names it by that.
    exported_pk: int | None = None
    # Named by that bare id (an export written before ids said "masthead:").
    legacy_export: bool = False

    @property
    def import_id(self) -> str:
        """The id the comment keeps here: its id in the file, or for an item of an export
        written before "masthead:" ids, the id such an export gives it now (its bare pk
        could be another comment's import id in the article)."""
        if self.legacy_export:
            return exported_comment_id(pk=self.exported_pk, import_id="", created=self.created)
        return self.id


class ImportItems(list):
    """A thread's checked comments, in file order; `left_out` counts those not published."""

    left_out = 0


def check_entries(data) -> ImportItems:
    """Check a thread's comments (dicts with the JSON file's fields) and return them in order,
    or refuse the whole thread with the reason. Comments whose "status" is not "published" are
    left out; a reply to one answers its nearest published ancestor."""
    checker = EntryChecker()
    items = ImportItems(item for entry in data if (item := checker.check(entry)) is not None)
    items.left_out = checker.left_out
    return items


class EntryChecker:
    """Checks a thread's comments one at a time, in file order, keeping only their ids: a file
    too large to hold in memory is checked as it is read (see check_entries for the rules)."""

    def __init__(self):
        self.position = 0
        self.kept_ids: set[str] = set()
        self.left_out = 0
        self._answers_instead: dict[str, str | None] = {}  # left out → nearest kept ancestor
        self._article_ids: set[str] = set()

    def check(self, entry) -> ImportItem | None:
        """The entry as an item to import, or None when it is left out; ImportRefused names
        the entry at fault."""
        self.position += 1
        position = self.position
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
        # Exports written before "masthead:" ids named every comment, imported or not, by its
        # bare pk; they are the files with an article_id and whole-number ids.
        legacy_export = entry.get("article_id") is not None and not isinstance(entry["id"], str)
        if legacy_export:
            exported_pk = int(local_id)
        elif exported := EXPORTED_ID.match(local_id):
            exported_pk = int(exported.group(1))
        else:
            exported_pk = None
        if exported_pk is not None and not 0 < exported_pk <= MAX_ID:
            exported_pk = None  # no comment of any Masthead: nothing to look for
            legacy_export = False
        if local_id in self.kept_ids or local_id in self._answers_instead:
            raise ImportRefused(f"{where}: the id is used twice in the file.")
        parent_id = (
            None
            if entry["parent_id"] in NO_PARENT
            else _local_id(entry["parent_id"], where, "parent_id")
        )
        if (
            parent_id is not None
            and parent_id not in self.kept_ids
            and parent_id not in self._answers_instead
        ):
            raise ImportRefused(
                f"{where}: parent_id {entry['parent_id']!r} is not an earlier comment of the file."
            )
        if parent_id in self._answers_instead:
            parent_id = self._answers_instead[parent_id]
        if entry.get("article_id") is not None:
            self._article_ids.add(str(entry["article_id"]))
            if len(self._article_ids) > 1:
                raise ImportRefused(
                    f"{where}: the file holds comments of several articles (article_id "
                    f"{' and '.join(sorted(self._article_ids))}); export one with "
                    "export-comments --article ID."
                )
        status = entry.get("status", CommentStatus.PUBLISHED)
        if status not in CommentStatus.values and status != DELETED:
            raise ImportRefused(
                f"{where}: status {status!r} is not one of "
                f"{', '.join([*CommentStatus.values, DELETED])}."
            )
        if status != CommentStatus.PUBLISHED:
            self._answers_instead[local_id] = parent_id
            self.left_out += 1
            return None
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
        created = _moment(entry["created"], where, "created")
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
        self.kept_ids.add(local_id)
        return ImportItem(
            position,
            local_id,
            parent_id,
            one_line(author)[:80],
            email.strip(),
            created,
            text.strip(),
            votes,
            _anchor(entry.get("anchor"), where),
            _featured_at(entry.get("featured_at"), where),
            exported_pk,
            legacy_export,
        )


def comments_import(*, article, items: Iterable[ImportItem], progress=None) -> int:
    """Write checked comments into an article in one transaction, skipping moderation.

    Items are taken a batch at a time, so an iterator of them (a file being read) keeps memory
    flat; each comment's parent comes before it, as checking sees to. Replies deeper than the
    site's depth are attached at the deepest level with "in reply to", as new replies are.
    Comments the article has already (see _already_there) are skipped, and new replies to them
    attach to them. `progress(done)` is called after each batch with how many comments were
    added so far. Returns how many comments were added.
    """
    max_depth = discussion_settings(article).max_depth
    passages: dict[ImportAnchor, PassageAnchor] = {}
    added = 0
    with transaction.atomic():
        # Where each comment of the file went: the ids are kept, not the comments.
        placed = _placed_by_import_id(article)
        remaining = iter(items)
        while batch := list(islice(remaining, BATCH_SIZE)):
            there = _already_there(article, batch, placed)
            placed.update(there)
            new_items = [item for item in batch if item.id not in there]
            for generation in _generations(new_items):
                comments = []
                for item in generation:
                    comment = _comment(article, item, placed.get(item.parent_id), max_depth)
                    if item.anchor is not None:
                        if item.anchor not in passages:
                            passages[item.anchor] = _passage(article, item.anchor)
                        comment.anchor = passages[item.anchor]
                    comments.append(comment)
                Comment.objects.bulk_create(comments)
                moderation.picks_imported(
                    comments=[comment for comment in comments if comment.featured_at]
                )
                for item, comment in zip(generation, comments, strict=True):
                    placed[item.id] = _Placed(
                        comment.pk, comment.parent_id, comment.root_id, comment.depth
                    )
            added += len(new_items)
            if progress and new_items:
                progress(added)
        thread_changed(article.pk, recount=True)
    return added


def comments_new_count(*, article, items: Iterable[ImportItem]) -> int:
    """How many of the checked items comments_import would add to the article: the others are
    already there. Reads the items a batch at a time, as comments_import does."""
    placed = _placed_by_import_id(article)
    new = 0
    remaining = iter(items)
    while batch := list(islice(remaining, BATCH_SIZE)):
        new += len(batch) - len(_already_there(article, batch, placed))
    return new


class _Placed(NamedTuple):
    pk: int
    parent_id: int | None
    root_id: int | None
    depth: int


def _placed_by_import_id(article) -> dict[str, _Placed]:
    return {
        import_id: _Placed(pk, parent_id, root_id, depth)
        for import_id, pk, parent_id, root_id, depth in Comment.objects.filter(article=article)
        .exclude(import_id="")
        .values_list("import_id", "id", "parent_id", "root_id", "depth")
    }


def _already_there(
    article, batch: list[ImportItem], placed: dict[str, _Placed]
) -> dict[str, _Placed]:
    """The batch's items that the article has already, by their ids in the file, and where.

    An item is there when the article has a comment that an export would give its id (see
    exported_comment_id): the one imported with that id, or the one written here with that pk
    and moment. An item of an export written before "masthead:" ids names a comment by its bare
    pk, imported or not: it is that comment if it was written at the same moment (another
    Masthead's comment 18, or another system's comment "18", is not this article's), or one
    imported from such a file before, under the new id or, by older versions, the bare one.
    """
    exported_pks = {item.exported_pk for item in batch if item.exported_pk is not None}
    by_pk = {
        pk: (import_id, created, _Placed(pk, parent_id, root_id, depth))
        for pk, import_id, created, parent_id, root_id, depth in Comment.objects.filter(
            article=article, pk__in=exported_pks
        ).values_list("id", "import_id", "created", "parent_id", "root_id", "depth")
    }
    bare_ids = [item.id for item in batch if item.legacy_export and item.id in placed]
    created_by_bare_id = dict(
        Comment.objects.filter(article=article, import_id__in=bare_ids).values_list(
            "import_id", "created"
        )
    )
    there = {}
    for item in batch:
        if item.exported_pk in by_pk:
            import_id, created, place = by_pk[item.exported_pk]
            if item.legacy_export:
                same = created == item.created
            else:
                same = exported_comment_id(pk=place.pk, import_id=import_id, created=created)
                same = same == item.id
            if same:
                there[item.id] = place
                continue
        if item.import_id in placed:
            there[item.id] = placed[item.import_id]
        elif item.legacy_export and created_by_bare_id.get(item.id) == item.created:
            there[item.id] = placed[item.id]
    return there


def _generations(items: list[ImportItem]) -> list[list[ImportItem]]:
    """The items in groups that can be inserted one after another: each item's parent is in an
    earlier group (or was inserted before), so it has its database id when the reply is built."""
    generation_of: dict[str, int] = {}
    groups: list[list[ImportItem]] = []
    for item in items:
        generation = generation_of.get(item.parent_id, -1) + 1
        generation_of[item.id] = generation
        if generation == len(groups):
            groups.append([])
        groups[generation].append(item)
    return groups


def _comment(article, item: ImportItem, parent: _Placed | None, max_depth: int) -> Comment:
    comment = Comment(
        article=article,
        author_name=item.author,
        author_email=item.email.lower(),
        reader_key=IMPORT_READER_KEY,
        import_id=item.import_id,
        body=item.text,
        body_html=render_comment(item.text),
        status=CommentStatus.PUBLISHED,
        created=item.created,
        imported_score=item.votes,
        score=item.votes,
        featured_at=item.featured_at,
    )
    if parent is not None:
        if parent.depth + 1 >= max_depth:
            comment.parent_id, comment.depth = parent.parent_id, parent.depth
            comment.replied_to_id = parent.pk
        else:
            comment.parent_id, comment.depth = parent.pk, parent.depth + 1
        comment.root_id = parent.root_id or parent.pk
    return comment


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
        raise ImportRefused(f"{where}: {name} must be a whole number or a string, not {value!r}.")
    if len(str(value)) > ID_MAX_LENGTH:
        raise ImportRefused(f"{where}: {name} is longer than {ID_MAX_LENGTH} characters.")
    return str(value)


def _featured_at(value, where: str) -> datetime | None:
    """When the comment was picked, or None (null, or no field: files written before picks
    were exported)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportRefused(
            f"{where}: featured_at must be null or an ISO 8601 date and time in UTC, e.g. "
            "2025-03-14T09:30:00Z."
        )
    return _moment(value, where, "featured_at")


def _moment(value, where: str, name: str) -> datetime:
    """A date and time of the file (ISO 8601), in UTC; one without a time zone is taken as UTC."""
    if not isinstance(value, str):
        raise ImportRefused(
            f"{where}: {name} must be an ISO 8601 date and time in UTC, e.g. 2025-03-14T09:30:00Z."
        )
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:  # well formed but impossible, such as February 30th
        parsed = None
    if parsed is None:
        raise ImportRefused(
            f"{where}: {name} {value!r} is not an ISO 8601 date and time, e.g. 2025-03-14T09:30:00Z."
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    elif parsed.utcoffset().total_seconds() != 0:
        parsed = parsed.astimezone(UTC)
    return parsed
