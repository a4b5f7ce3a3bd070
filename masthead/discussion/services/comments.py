"""Posting, editing and deleting comments."""

import hashlib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from masthead import limits, moderation
from masthead.accounts import names
from masthead.accounts.selectors import email_is_confirmed
from masthead.discussion import anchors, conf, selectors
from masthead.discussion.markdown import render_comment
from masthead.discussion.models import (
    Comment,
    CommentStatus,
    DiscussionSettings,
    PassageAnchor,
    ThreadStats,
)
from masthead.discussion.readers import Reader
from masthead.moderation.submissions import Submission, SubmissionContext, Verdict
from masthead.publishing import page_cache
from masthead.refusals import Refused
from masthead.text import one_line

BODY_EMPTY = "Please write a comment before posting."
BODY_TOO_LONG = (
    "Comments can be at most {limit:,} characters long; yours has {length:,}."
    " Please shorten it by {excess:,}."
)
# PostgreSQL cannot store a NUL character, and no reader types one (Django's forms refuse it).
BODY_HAS_NUL = "Comments cannot contain a NUL character (\\u0000); please remove it."
NAME_MISSING = "Please give your name; it is shown with your comment."
NAME_TOO_LONG = "Please shorten your name to at most {limit} characters."
EMAIL_MISSING = "Please give your e-mail address; it is never shown."
EMAIL_INVALID = "That e-mail address does not look right."
URL_INVALID = "That website address does not look right; give one such as example.com/me."
EMAIL_MAX_LENGTH = Comment._meta.get_field("author_email").max_length
URL_MAX_LENGTH = Comment._meta.get_field("author_url").max_length
EMAIL_TOO_LONG = "E-mail addresses have at most {limit} characters."
URL_TOO_LONG = "Please give a website address of at most {limit} characters."
# A comment that is not shown (held, spam, removed, deleted) is as unknown as a missing one to
# everyone but its author: no answer may tell them apart.
COMMENT_NOT_FOUND = "No such comment."
PARENT_UNKNOWN = "The comment you are replying to is not shown, so it cannot be answered."
PARENT_AWAITING_MODERATION = (
    "Your comment is awaiting moderation: it can be answered once it is published."
)
THREAD_CLOSED = "Comments are closed on this article."
RATE_LIMITED = "You are commenting too quickly. Please wait {seconds} seconds and try again."
EDIT_WINDOW_OVER = "Comments can only be changed within {minutes} minutes of posting."
NOT_YOUR_COMMENT = "Only the author of this comment can change it."
ALREADY_DELETED = "This comment has been deleted."
REMOVED_BY_MODERATOR = "A moderator has removed this comment, so it can no longer be changed."
ANCHOR_NOT_FOUND = "The passage you selected could not be found in the article."
ANCHOR_TOO_LONG = "Please select a shorter passage (at most {limit} characters)."

STATUS_FOR_ACTION = {
    Verdict.PUBLISH: CommentStatus.PUBLISHED,
    Verdict.HOLD: CommentStatus.PENDING,
    Verdict.SPAM: CommentStatus.SPAM,
}


class CommentRefused(Refused):
    """A comment that cannot be accepted: also the form field at fault and, over the rate limit,
    when to try again. A form shows all of its `problems` (Refused) at once, instead of one more
    after each try."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        status: int = 400,
        retry_after: int | None = None,
    ):
        super().__init__(message, status=status, field=field)
        self.retry_after = retry_after


@dataclass(frozen=True)
class AnchorInput:
    """The passage a reader selected: the quote and, if the browser sent it, its surroundings."""

    quote: str
    prefix: str = ""
    suffix: str = ""


def discussion_settings_for_request(request) -> DiscussionSettings:
    return DiscussionSettings.for_request(request)


def comments_are_open(
    article, *, now: datetime | None = None, options: DiscussionSettings | None = None
) -> bool:
    """Open unless moderators or, without their override, an editor closed them, or the site
    closes threads N days after publishing."""
    if not selectors.effective_comments_open(article):
        return False
    options = options or selectors.discussion_settings(article)
    if options.close_after_days and article.first_published_at:
        now = now or timezone.now()
        return now < article.first_published_at + timedelta(days=options.close_after_days)
    return True


# The name's abuse check and the verdict both read the site's moderation settings: once a post.
@moderation.settings_kept()
def comment_post(
    *,
    article,
    reader: Reader,
    body: str,
    author_name: str = "",
    author_email: str = "",
    author_url: str = "",
    parent_id: int | None = None,
    anchor: AnchorInput | None = None,
    honeypot: str = "",
    seconds_to_submit: float | None = None,
    form_token_forged: bool = False,
    source: str = "form",
    now: datetime | None = None,
    options: DiscussionSettings | None = None,
) -> Comment:
    """Validate, ask moderation for a verdict, and store a new comment in one transaction.

    A reply to a comment at the deepest level is attached beside it (same parent) and remembers
    whom it answers. Notifications and live updates are queued after the commit, never run here.
    `options`, the article's discussion settings, saves reading them again when the caller has.
    """
    now = now or timezone.now()
    options = options or selectors.discussion_settings(article)
    if not comments_are_open(article, now=now, options=options):
        raise CommentRefused(THREAD_CLOSED, status=403)
    # Every problem at once, in the form's order: the reader corrects them in one go.
    problems: list[CommentRefused] = []
    body, author_name, author_email, author_url = _clean_fields(
        reader, body, author_name, author_email, author_url, article=article, problems=problems
    )
    parent = _noted(problems, _parent_for_reply, article, parent_id, reader)
    quoted = anchor is not None and anchor.quote.strip()
    passage = _noted(problems, _passage_for, article, anchor) if quoted else None
    if problems:
        raise _refused_together(problems)
    # Rendered before the transaction: markdown of a long comment can take most of a second,
    # and SQLite's write lock would be held meanwhile, stalling every other write on the site.
    body_html = render_comment(body)
    with transaction.atomic():
        # Counted, assessed and stored in turn with the reader's (and the network's) other posts:
        # a burst of simultaneous posts cannot all be counted before any is stored.
        _take_turns(reader)
        recent_by_reader, recent_by_address = _check_rate(reader, now)
        verdict = moderation.assess(
            Submission(
                body=body,
                author_name=author_name,
                author_email=author_email,
                author_url=author_url,
                article_id=article.pk,
                reader_key=reader.key,
                ip_hash=reader.ip_hash,
                address_hash=reader.address_hash,
                user_id=reader.user.pk if reader.user else None,
                account_unconfirmed=_account_unconfirmed(reader.user),
                parent_id=parent.pk if parent else None,
                parent_body=parent.body if parent else "",
                honeypot=honeypot,
                seconds_to_submit=seconds_to_submit,
                form_token_forged=form_token_forged,
            ),
            SubmissionContext(
                now=now,
                source=source,
                article=article,
                recent_by_reader=recent_by_reader,
                recent_by_address=recent_by_address,
            ),
        )
        comment = Comment(
            article=article,
            user=reader.user,
            author_name=author_name,
            author_email=author_email,
            author_url=author_url,
            reader_key=reader.key,
            ip_hash=reader.ip_hash,
            body=body,
            body_html=body_html,
            status=STATUS_FOR_ACTION[verdict.action],
            created=now,
        )
        _place_in_thread(comment, parent, max_depth=options.max_depth)
        if passage is not None:
            comment.anchor = _anchor_get_or_create(article, passage)
        comment.save()
        moderation.verdict_record(comment=comment, verdict=verdict, now=now)
        thread_changed(article.pk, recount=True)
        if comment.status == CommentStatus.PUBLISHED:
            _after_publish(comment)
    return comment


def comment_published(comment: Comment) -> None:
    """Follow-up work once a comment becomes visible (on posting, or when a moderator approves it)."""
    _after_publish(comment)


def _account_unconfirmed(user) -> bool:
    """Whether the comment's account has yet to confirm its address (moderated as a guest)."""
    return user is not None and not email_is_confirmed(user)


def _after_publish(comment: Comment) -> None:
    from masthead.discussion import tasks

    comment_id, article_id = comment.pk, comment.article_id
    transaction.on_commit(lambda: tasks.notify_subscribers.enqueue(comment_id))
    transaction.on_commit(lambda: tasks.announce_comment.enqueue(article_id, comment_id))


def comment_edit(
    *, comment: Comment, reader: Reader, body: str, now: datetime | None = None, request=None
) -> Comment:
    """The author rewrites their comment within the edit window; the edit passes moderation again.
    A featured comment whose text changes stops being featured (moderation logs why). `request`,
    the reader's, opens an article restricted to some readers to those it lets in."""
    now = now or timezone.now()
    _check_author_may_change(comment, reader, now, editing=True, request=request)
    body = _clean_body(body)
    _check_edit_rate(reader, now)
    verdict = moderation.assess(
        Submission(
            body=body,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_url=comment.author_url,
            article_id=comment.article_id,
            reader_key=comment.reader_key,
            ip_hash=reader.ip_hash,
            address_hash=reader.address_hash,
            user_id=comment.user_id,
            account_unconfirmed=_account_unconfirmed(comment.user),
            parent_id=comment.parent_id,
            parent_body=comment.parent.body if comment.parent_id else "",
        ),
        SubmissionContext(now=now, source="edit", article=comment.article),
    )
    was_published = comment.status == CommentStatus.PUBLISHED
    # (Bodies stored before line breaks were normalised keep their CRLF: the same words still.)
    rewritten = body != comment.body.replace("\r\n", "\n")
    comment.body = body
    comment.body_html = render_comment(body)
    comment.edited = now
    # An edit can lose a comment its place, never win one: what a moderator or the filter marked
    # as spam stays spam (its author, like any spammer, still sees "awaiting moderation").
    if verdict.action != Verdict.PUBLISH and comment.status != CommentStatus.SPAM:
        comment.status = STATUS_FOR_ACTION[verdict.action]
    changed = ["body", "body_html", "edited", "status"]
    with transaction.atomic():
        # Editors picked the words they read: other words end the pick (the same words keep it).
        unpicked = rewritten and moderation.pick_end_on_edit(comment=comment, now=now) is not None
        comment.save(update_fields=changed + (["featured_at", "featured_by"] if unpicked else []))
        moderation.verdict_record(comment=comment, verdict=verdict, now=now)
        thread_changed(
            comment.article_id,
            recount=unpicked or was_published != (comment.status == CommentStatus.PUBLISHED),
        )
    return comment


def comment_delete(
    *, comment: Comment, reader: Reader, now: datetime | None = None, request=None
) -> Comment:
    """The author deletes their comment: replies stay, under a "comment deleted" placeholder.
    A featured comment stops being featured. `request` as for comment_edit."""
    now = now or timezone.now()
    _check_author_may_change(comment, reader, now, request=request)
    comment.deleted = now
    comment.featured_at = comment.featured_by = None
    with transaction.atomic():
        comment.save(update_fields=["deleted", "featured_at", "featured_by"])
        thread_changed(comment.article_id, recount=True)
    return comment


# The articles whose recount waits for the end of recounts_gathered(), or None outside it.
_recounts_waiting: ContextVar[set | None] = ContextVar("recounts_waiting", default=None)


@contextmanager
def recounts_gathered():
    """Within it, thread_changed(recount=True) notes the article, and each noted thread is
    recounted once on leaving: a bulk moderation action over 25 comments of one long thread
    recounts it once, not 25 times. Use it inside the transaction the changes are made in."""
    waiting: set[int] = set()
    token = _recounts_waiting.set(waiting)
    try:
        yield
    finally:
        _recounts_waiting.reset(token)
    for article_id in sorted(waiting):  # in one order, like the locks the changes took
        thread_changed(article_id, recount=True)


def thread_changed(article_id: int, *, recount: bool = False, votes_only: bool = False) -> None:
    """Bump the thread's version (cached pages and live polls notice), recounting if asked.
    `votes_only`: a vote changed the thread's scores, and nothing else: its votes version is
    bumped too, and the site's comments feed, which shows no scores
    (selectors.comments_version), is left as it is."""
    page_cache.variant_changed(article_id)
    if not votes_only:
        page_cache.variant_changed(selectors.SITE_COMMENTS_FEED_CACHE_ID)
    waiting = _recounts_waiting.get()
    if recount and waiting is not None:
        waiting.add(article_id)
        return
    if not recount:
        bumped = {"version": F("version") + 1}
        if votes_only:
            bumped["votes_version"] = F("votes_version") + 1
        updated = ThreadStats.objects.filter(article_id=article_id).update(**bumped)
        if updated:
            return
        if votes_only:  # a thread without its counters yet: made as any change makes them
            page_cache.variant_changed(selectors.SITE_COMMENTS_FEED_CACHE_ID)
    visible = selectors.shown_comments(article_id)
    counts = visible.aggregate(
        published=Count("id"),
        top_level=Count("id", filter=Q(parent__isnull=True)),
        latest=Max("id"),
        featured=Count("id", filter=Q(featured_at__isnull=False)),
    )
    values = {
        "published_count": counts["published"],
        "top_level_count": counts["top_level"],
        "latest_comment_id": counts["latest"] or 0,
        "featured_count": counts["featured"],
    }
    updated = ThreadStats.objects.filter(article_id=article_id).update(
        version=F("version") + 1, **values
    )
    if not updated:
        try:
            with transaction.atomic():
                ThreadStats.objects.create(article_id=article_id, version=1, **values)
        except IntegrityError:  # created meanwhile by a concurrent writer
            ThreadStats.objects.filter(article_id=article_id).update(
                version=F("version") + 1, **values
            )


def threads_changed(article_ids) -> None:
    """thread_changed for many threads at once: one query for those that have their counters."""
    article_ids = set(article_ids)
    counted = set(
        ThreadStats.objects.filter(article_id__in=article_ids).values_list("article_id", flat=True)
    )
    ThreadStats.objects.filter(article_id__in=counted).update(version=F("version") + 1)
    for article_id in counted:
        page_cache.variant_changed(article_id)
    page_cache.variant_changed(selectors.SITE_COMMENTS_FEED_CACHE_ID)
    for article_id in article_ids - counted:
        thread_changed(article_id, recount=True)


def _clean_body(body: str) -> str:
    # Browsers send a textarea's line breaks as CRLF but count them as one character: a comment
    # the page's counter shows within the limit is within it here too.
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise CommentRefused(BODY_EMPTY, field="body")
    if "\x00" in body:
        raise CommentRefused(BODY_HAS_NUL, field="body")
    if len(body) > conf.COMMENT_MAX_LENGTH:
        raise CommentRefused(
            BODY_TOO_LONG.format(
                limit=conf.COMMENT_MAX_LENGTH,
                length=len(body),
                excess=len(body) - conf.COMMENT_MAX_LENGTH,
            ),
            field="body",
        )
    return body


def _noted(problems: list[CommentRefused], check, *args):
    """What `check` answers, or None with its refusal added to `problems`."""
    try:
        return check(*args)
    except CommentRefused as problem:
        problems.append(problem)
        return None


def _refused_together(problems: list[CommentRefused]) -> CommentRefused:
    """The first problem, carrying them all (the API answers the first as it always has)."""
    first = problems[0]
    first.problems = tuple(problems)
    return first


def _clean_fields(
    reader: Reader,
    body: str,
    name: str,
    email: str,
    url: str,
    *,
    article,
    problems: list[CommentRefused],
) -> tuple[str, str, str, str]:
    """The comment and its author's details, cleaned; each field's refusal goes to `problems`."""
    body = _noted(problems, _clean_body, body) or ""
    if reader.user is not None:
        name, email = author_name_of(reader.user), reader.user.email
    else:
        name, email = one_line(name), (email or "").strip()
    name = _noted(problems, _clean_name, name, reader.user is None, article) or ""
    email = _noted(problems, _clean_email, email, reader.user is None) or ""
    url = _noted(problems, _clean_url, url) or ""
    return body, name, email, url


def _clean_name(name: str, guest: bool, article) -> str:
    if guest and not name:
        raise CommentRefused(NAME_MISSING, field="author_name")
    if len(name) > conf.COMMENT_NAME_MAX_LENGTH:
        raise CommentRefused(
            NAME_TOO_LONG.format(limit=conf.COMMENT_NAME_MAX_LENGTH), field="author_name"
        )
    # An account's name was held to the same rules when it was chosen (accounts.services).
    refusal = names.name_refusal(name, article=article) if guest else ""
    if refusal:
        raise CommentRefused(refusal, field="author_name")
    return name


def _clean_email(email: str, required: bool) -> str:
    if required and not email:
        raise CommentRefused(EMAIL_MISSING, field="author_email")
    if len(email) > EMAIL_MAX_LENGTH:
        raise CommentRefused(EMAIL_TOO_LONG.format(limit=EMAIL_MAX_LENGTH), field="author_email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise CommentRefused(EMAIL_INVALID, field="author_email") from None
    # Stored in lower case: one address is one author for history, bans and the queue.
    return email.lower()


def _clean_url(url: str) -> str:
    url = _with_scheme((url or "").strip())
    if len(url) > URL_MAX_LENGTH:
        raise CommentRefused(URL_TOO_LONG.format(limit=URL_MAX_LENGTH), field="author_url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommentRefused(URL_INVALID, field="author_url") from None
    return url


# A scheme, as in "https:" or "javascript:"; "example.com:8080" is a host and its port.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


def _with_scheme(url: str) -> str:
    """A website typed as "example.com/me" gets https://, as WordPress adds http:// (any other
    scheme stays, for the validator to refuse)."""
    if not url or _SCHEME.match(url):
        return url
    return f"https:{url}" if url.startswith("//") else f"https://{url}"


def author_name_of(user) -> str:
    """The name an account's comments show: its full name, or its username if it has none."""
    return (user.get_full_name() or user.get_username()).strip()


def _parent_for_reply(article, parent_id, reader: Reader) -> Comment | None:
    """The comment a reply answers. One that is not shown, or that is on another article, is
    refused as a missing one is (the answer must not tell that a comment id exists), unless it is
    the reader's own awaiting moderation on this article (which they see)."""
    if parent_id in (None, ""):
        return None
    try:
        parent = Comment.objects.get(pk=int(parent_id), article_id=article.pk)
    except (Comment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise CommentRefused(PARENT_UNKNOWN, field="parent_id") from None
    if parent.status != CommentStatus.PUBLISHED or parent.deleted:
        own = is_author(parent, reader) and not parent.deleted
        if own and parent.status in selectors.OWN_UNPUBLISHED:
            raise CommentRefused(PARENT_AWAITING_MODERATION, field="parent_id")
        raise CommentRefused(PARENT_UNKNOWN, field="parent_id")
    return parent


def _place_in_thread(comment: Comment, parent: Comment | None, *, max_depth: int) -> None:
    if parent is None:
        return
    if parent.depth + 1 >= max_depth:
        # The thread is as deep as it may go: sit beside the comment answered, and say whom it answers.
        comment.parent_id = parent.parent_id
        comment.depth = parent.depth
        comment.replied_to = parent
    else:
        comment.parent = parent
        comment.depth = parent.depth + 1
    comment.root_id = parent.root_id or parent.pk


def _check_rate(reader: Reader, now: datetime) -> tuple[int, int]:
    """Refuse a reader (or a network address) over the comment rate limit; otherwise return
    how many comments each posted within the window (moderation's rate signal reuses them)."""
    rate = conf.comment_rate()
    since = now - timedelta(seconds=rate.seconds)
    by_reader = Comment.objects.filter(reader_key=reader.key, created__gt=since)
    reader_count, address_count = by_reader.count(), 0
    limited = by_reader if reader_count >= rate.count else None
    if limited is None and reader.ip_hash:
        by_address = Comment.objects.filter(ip_hash=reader.ip_hash, created__gt=since)
        address_count = by_address.count()
        if address_count >= rate.count * conf.COMMENT_RATE_LIMIT_PER_ADDRESS_FACTOR:
            limited = by_address
    if limited is not None:
        oldest = limited.order_by("created").values_list("created", flat=True).first()
        wait = max(1, int((oldest + timedelta(seconds=rate.seconds) - now).total_seconds()) + 1)
        raise CommentRefused(RATE_LIMITED.format(seconds=wait), status=429, retry_after=wait)
    return reader_count, address_count


def _take_turns(reader: Reader) -> None:
    """Within the posting transaction: one reader's posts (and one network's) take turns. SQLite's
    write transactions take turns already (transaction_mode IMMEDIATE); PostgreSQL holds a lock
    per reader and per network until the commit."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in (f"reader:{reader.key}", f"network:{reader.ip_hash}" if reader.ip_hash else ""):
            if name:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_number(name)])


def _lock_number(name: str) -> int:
    digest = hashlib.blake2b(f"masthead.comment-post:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _check_edit_rate(reader: Reader, now: datetime) -> None:
    """Edits count against the comment rate limit as well: each one is assessed, stored and
    pushed to every open thread."""
    rate = conf.comment_rate()
    window, elapsed = divmod(int(now.timestamp()), rate.seconds)
    key = f"discussion:edits:{reader.key}:{window}"
    edits = limits.count(key, rate.seconds + 1)
    if edits > rate.count:
        wait = rate.seconds - elapsed
        raise CommentRefused(RATE_LIMITED.format(seconds=wait), status=429, retry_after=wait)


def _passage_for(article, anchor: AnchorInput) -> AnchorInput:
    """The passage found in the article, widened to whole words: a selection that starts or
    ends inside a word quotes all of it (as discussion.js does for a reader's selection).

    Kept as sent: a passage a conversation is already anchored to (stored or imported as part
    of a word), so that its bubble's "Comment on this passage" joins it; one editors opened for
    feedback, as they marked it; and one that whole words would take past the length limit,
    rather than refusing what the reader selected.
    """
    quote = anchors.squeeze(anchor.quote)
    if len(quote) > anchors.QUOTE_MAX_LENGTH:
        raise CommentRefused(ANCHOR_TOO_LONG.format(limit=anchors.QUOTE_MAX_LENGTH), field="anchor")
    text = anchors.article_text(article)
    location = anchors.locate(text, quote=quote, prefix=anchor.prefix, suffix=anchor.suffix)
    if not location.found:
        raise CommentRefused(ANCHOR_NOT_FOUND, field="anchor")
    start, end = location.start, location.start + len(quote)
    passage = _passage_at(text, start, end)
    wider = _passage_at(text, *anchors.whole_words(text, start, end))
    if wider.quote == passage.quote or len(wider.quote) > anchors.QUOTE_MAX_LENGTH:
        return passage
    if passage.quote in anchors.feedback_passages(article) or _anchor_exists(article, passage):
        return passage
    return wider


def _passage_at(text: str, start: int, end: int) -> AnchorInput:
    quote = text[start:end]
    prefix, suffix = anchors.context_around(text, start, quote)
    return AnchorInput(quote=quote, prefix=prefix, suffix=suffix)


def _anchor_exists(article, passage: AnchorInput) -> bool:
    return PassageAnchor.objects.filter(
        article=article,
        fingerprint=PassageAnchor.fingerprint_of(passage.quote, passage.prefix, passage.suffix),
    ).exists()


def _anchor_get_or_create(article, passage: AnchorInput) -> PassageAnchor:
    anchor, _ = PassageAnchor.objects.get_or_create(
        article=article,
        fingerprint=PassageAnchor.fingerprint_of(passage.quote, passage.prefix, passage.suffix),
        defaults={"quote": passage.quote, "prefix": passage.prefix, "suffix": passage.suffix},
    )
    return anchor


def is_author(comment: Comment, reader: Reader) -> bool:
    if reader.user is not None and comment.user_id is not None:
        return reader.user.pk == comment.user_id
    return bool(reader.key) and reader.key == comment.reader_key


def comment_change_refusal(
    comment: Comment, reader: Reader, *, editing: bool, now: datetime | None = None, request=None
) -> CommentRefused | None:
    """Why the reader may not edit (`editing`) or delete the comment now, or None: the edit and
    delete pages say so instead of offering a form that would be refused."""
    try:
        _check_author_may_change(
            comment, reader, now or timezone.now(), editing=editing, request=request
        )
    except CommentRefused as refusal:
        return refusal
    return None


def _check_author_may_change(
    comment: Comment, reader: Reader, now: datetime, *, editing: bool = False, request=None
) -> None:
    if not is_author(comment, reader):
        # A comment others do not see (held, below a held one, on an article that is not live or
        # that this reader has not opened) is as unknown to them as a missing one: its pages
        # would show the article's headline.
        if not selectors.comment_is_public(comment, request):
            raise CommentRefused(COMMENT_NOT_FOUND, status=404)
        raise CommentRefused(NOT_YOUR_COMMENT, status=403)
    if comment.deleted:
        raise CommentRefused(ALREADY_DELETED, status=410)
    # Its author may still withdraw a comment a moderator removed, but not rewrite it.
    if editing and comment.status == CommentStatus.REMOVED:
        raise CommentRefused(REMOVED_BY_MODERATOR, status=403)
    minutes = selectors.discussion_settings(comment.article).edit_window_minutes
    if now > comment.created + timedelta(minutes=minutes):
        raise CommentRefused(EDIT_WINDOW_OVER.format(minutes=minutes), status=403)
