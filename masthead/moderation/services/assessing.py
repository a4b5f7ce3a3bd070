"""The verdict on a new comment: bans first, then the filter with what the site knows, then the mode."""

import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q

from masthead.config import parse_rate
from masthead.discussion import anchors
from masthead.discussion import conf as discussion_conf
from masthead.moderation import conf, core
from masthead.moderation.models import (
    Ban,
    BanKind,
    CommentVerdict,
    Decision,
    ModerationMode,
    ModerationSettings,
)
from masthead.moderation.submissions import Submission, SubmissionContext, Verdict

PRE_MODERATION_REASONS = {
    ModerationMode.PRE_ALL: "every comment is reviewed before it is published",
    ModerationMode.PRE_GUESTS: "comments by guests are reviewed before they are published",
    ModerationMode.PRE_FIRST: "a reader's first comment is reviewed before it is published",
}

_current_filter = {"path": None, "checked": 0.0}


# Within settings_kept(): the settings read so far, by article id (None: the default site's).
_settings_kept: ContextVar[dict | None] = ContextVar("moderation_settings_kept", default=None)


@contextmanager
def settings_kept():
    """Within it, moderation_settings_for reads an article's settings once: a post asks for them
    for the name's abuse check, then for the verdict. Kept no longer than the post, so a change
    saved in the admin (or by the code that runs next) is what the next one reads."""
    token = _settings_kept.set({})
    try:
        yield
    finally:
        _settings_kept.reset(token)


def moderation_settings_for(article) -> ModerationSettings:
    from masthead.publishing.selectors import page_site_settings

    kept = _settings_kept.get()
    article_id = article.pk if article is not None else None
    if kept is not None and article_id in kept:
        return kept[article_id]
    options = page_site_settings(ModerationSettings, article)
    if kept is not None:
        kept[article_id] = options
    return options


def mode_for(article, options: ModerationSettings) -> str:
    """The article's moderation mode as moderators (their override) or its editors set it, else
    the site's."""
    from masthead.discussion.selectors import effective_comment_moderation

    if article is None:
        return options.mode
    return effective_comment_moderation(article) or options.mode


def current_filter_path() -> str | None:
    """The directory of the promoted retrained filter (None: the committed starter)."""
    from masthead.moderation.models import FilterVersion

    now = time.monotonic()
    if now - _current_filter["checked"] > conf.CURRENT_FILTER_RECHECK_SECONDS:
        directory = (
            FilterVersion.objects.filter(is_current=True)
            .values_list("directory", flat=True)
            .first()
        )
        path = Path(settings.MASTHEAD_HOME) / directory if directory else None
        _current_filter["path"] = str(path) if path and path.is_dir() else None
        _current_filter["checked"] = now
    return _current_filter["path"]


def forget_current_filter() -> None:
    _current_filter["checked"] = 0.0


def current_models() -> core.Models:
    return core.load_models(current_filter_path())


def active_ban(draft: Submission, now: datetime) -> Ban | None:
    return barring_ban(
        user_id=draft.user_id,
        emails=[draft.author_email],
        address_hashes=[draft.ip_hash, draft.address_hash],
        now=now,
    )


def barring_ban(*, user_id, emails, address_hashes, now: datetime) -> Ban | None:
    """The standing ban that bars an author now, by account, e-mail or address; None: none does.
    Both a new comment's check and the release of comments when a ban is undone ask this, so
    that "is this author barred" has one answer.

    An address ban holds the hash of a network (an IPv6 /64) or, if it was made before IPv6
    counted per /64, of one full address; the two hashes never collide, so both are looked up.
    Of several bans, one made that way is named first: the comment's verdict records the ban,
    and it is then the only record of that full address's hash (see decisions._still_barred)."""
    matches = Q(pk__in=[])
    address_hashes = set(address_hashes) - {""}
    if address_hashes:
        matches |= Q(kind=BanKind.ADDRESS, value__in=address_hashes)
    emails = {email.lower() for email in emails} - {""}
    if emails:
        matches |= Q(kind=BanKind.EMAIL, value__in=emails)
    if user_id:
        matches |= Q(kind=BanKind.ACCOUNT, value=str(user_id))
    return (
        Ban.objects.filter(matches)
        .filter(Ban.active_q(now))
        .order_by("-legacy_address", F("expires").asc(nulls_last=True), "pk")
        .first()
    )


def author_history(draft: Submission) -> core.History:
    """The author's record: by account if signed in, else by e-mail address.

    An account whose address is unconfirmed keeps its own record (what moderators passed of
    its comments is its own), not that of the address it typed, which a guest could type too."""
    from masthead.discussion.models import Comment, CommentStatus

    if draft.user_id:
        theirs = Comment.objects.filter(user_id=draft.user_id)
    elif draft.author_email:
        theirs = Comment.objects.filter(author_email=draft.author_email.lower())
    else:
        theirs = Comment.objects.filter(reader_key=draft.reader_key)
    counts = theirs.aggregate(
        total=Count("id"),
        approved=Count("id", filter=Q(status=CommentStatus.PUBLISHED)),
        spam=Count("id", filter=Q(status=CommentStatus.SPAM)),
        removed=Count("id", filter=Q(status=CommentStatus.REMOVED)),
    )
    return core.History(
        approved=counts["approved"],
        spam=counts["spam"],
        removed=counts["removed"],
        is_first_comment=counts["total"] == 0,
    )


def _recent_counts(draft: Submission, context: SubmissionContext) -> tuple[int, int, str]:
    from masthead.discussion.models import Comment

    rate_text = settings.MASTHEAD_COMMENT_RATE_LIMIT
    since = context.now - timedelta(seconds=parse_rate(rate_text).seconds)
    by_reader = context.recent_by_reader
    if by_reader is None:
        by_reader = Comment.objects.filter(reader_key=draft.reader_key, created__gt=since).count()
    by_address = context.recent_by_address
    if by_address is None:
        by_address = (
            Comment.objects.filter(ip_hash=draft.ip_hash, created__gt=since).count()
            if draft.ip_hash
            else 0
        )
    return by_reader, by_address, rate_text


def recent_fingerprints(now: datetime) -> list[bytes]:
    """Fingerprints of recent comments, whatever became of them: copy-paste is the signal."""
    rows = (
        CommentVerdict.objects.filter(
            created__gte=now - timedelta(days=conf.RECENT_FINGERPRINT_DAYS)
        )
        .exclude(fingerprint=b"")
        .order_by("-id")
        .values_list("fingerprint", flat=True)[: conf.RECENT_FINGERPRINTS]
    )
    return [bytes(fingerprint) for fingerprint in rows]  # PostgreSQL gives memoryviews


def labelled_fingerprints(now: datetime) -> list[core.LabelledFingerprint]:
    rows = (
        Decision.objects.filter(
            undone__isnull=True, created__gte=now - timedelta(days=conf.LABELLED_FINGERPRINT_DAYS)
        )
        .exclude(label="")
        .exclude(fingerprint=b"")
        .order_by("-created")
        .values_list("fingerprint", "label")[: conf.LABELLED_FINGERPRINTS]
    )
    return [core.LabelledFingerprint(bytes(fingerprint), label) for fingerprint, label in rows]


def core_settings(options: ModerationSettings) -> core.Settings:
    return core.Settings(
        strictness=options.strictness,
        allow_domains=ModerationSettings.lines(options.allow_domains),
        block_domains=ModerationSettings.lines(options.block_domains),
        lexicon_additions=ModerationSettings.lines(options.lexicon_additions),
        abuse_action=options.abuse_action,
        min_seconds_to_submit=conf.MIN_SECONDS_TO_SUBMIT,
    )


_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE_RE = re.compile(r"['’]s?$")
# What a capital after it may owe to the start of a sentence (or of a quotation, or a list).
_SENTENCE_OPENS = frozenset(".!?:;\"“‘'(—–-•")


def story_names(article) -> frozenset[str]:
    """The names of the people and places the article has, as the filter reads words (lower
    case, normalised): the words of its standfirst and text written with a capital inside a
    sentence or opening it with another ("Boris Johnson told"), and never without one ("Boris",
    "Johnson"; not "Look" that opens a sentence, nor "The", also written "the"). Kept in the
    cache per revision: the same for every comment on it."""
    if article is None or getattr(article, "pk", None) is None:
        return frozenset()
    key = (
        f"moderation:story-names:{article.pk}:{getattr(article, 'live_revision_id', '')}"
        f":{getattr(article, 'latest_revision_id', '')}"
    )
    names = cache.get(key)
    if names is None:
        capitalised, written_lower = set(), set()
        # The headline is left out: its capitals may be title case.
        for text in (getattr(article, "standfirst", "") or "", anchors.article_text(article)):
            matches = list(_WORD_RE.finditer(text))
            for at, match in enumerate(matches):
                word = _POSSESSIVE_RE.sub("", match.group())
                if word[:1].islower():
                    written_lower.add(word)
                    continue
                if not word[:1].isupper():
                    continue
                opening = text[: match.start()].rstrip()[-1:]
                following = matches[at + 1] if at + 1 < len(matches) else None
                named_in_full = (  # "Boris Johnson told MPs": a name opening the sentence
                    following is not None
                    and following.group()[:1].isupper()
                    and not text[match.end() : following.start()].strip()
                )
                if (opening and opening not in _SENTENCE_OPENS) or named_in_full:
                    capitalised.add(word.lower())
        names = sorted({core.normalise(word).text for word in capitalised - written_lower} - {""})
        cache.set(key, names, 24 * 3600)
    return frozenset(names)


def submission_assess(*, draft: Submission, context: SubmissionContext) -> Verdict:
    """The verdict on a submitted comment, with the scores and the reasons behind it.

    Order: a banned author's comment is spam; otherwise the filter (text, links, contact
    details, duplicates, rate, form timing, history) decides; finally the site's or the
    article's moderation mode may hold a comment the filter would publish.
    """
    now = context.now
    options = moderation_settings_for(context.article)
    ban = active_ban(draft, now)
    if ban is not None:
        until = f" until {ban.expires:%Y-%m-%d}" if ban.expires else ""
        return Verdict(
            Verdict.SPAM,
            {"banned": 1.0},
            [f"banned ({ban.get_kind_display().lower()}){until}"],
            core.fingerprint(core.own_words(draft.body, draft.parent_body)),
            ban_id=ban.pk,
        )

    history = author_history(draft)
    by_reader, by_address, rate = _recent_counts(draft, context)
    verdict = core.assess(
        core.Draft(
            body=draft.body,
            author_name=draft.author_name,
            author_email=draft.author_email,
            author_url=draft.author_url,
            is_guest=draft.is_guest,
            honeypot=draft.honeypot,
            seconds_to_submit=draft.seconds_to_submit,
            form_token_forged=draft.form_token_forged,
            parent_body=draft.parent_body,
            story_names=story_names(context.article),
        ),
        core.Context(
            history=history,
            recent_by_reader=by_reader,
            recent_by_ip=by_address,
            rate_limit=rate,
            address_limit_factor=discussion_conf.COMMENT_RATE_LIMIT_PER_ADDRESS_FACTOR,
            recent_fingerprints=recent_fingerprints(now),
            labelled_fingerprints=labelled_fingerprints(now),
            settings=core_settings(options),
        ),
        models=current_models(),
    )
    action, reasons = verdict.action, list(verdict.reasons)
    mode = mode_for(context.article, options)
    # Edits too: otherwise an approved comment could be rewritten to anything the filter lets
    # through and stay published on a pre-moderated site.
    if action == Verdict.PUBLISH and _pre_moderated(mode, draft, history):
        action = Verdict.HOLD
        reasons.append(f"pre-moderation: {PRE_MODERATION_REASONS[mode]}")
    return Verdict(action, verdict.scores, reasons, verdict.fingerprint, verdict.action)


def _pre_moderated(mode: str, draft: Submission, history: core.History) -> bool:
    if mode == ModerationMode.PRE_ALL:
        return True
    if mode == ModerationMode.PRE_GUESTS:
        return draft.is_guest
    if mode == ModerationMode.PRE_FIRST:
        return history.approved == 0
    return False


def verdict_record(*, comment, verdict: Verdict, now=None) -> CommentVerdict:
    from django.utils import timezone

    return CommentVerdict.objects.create(
        comment=comment,
        action=verdict.action,
        filter_action=verdict.filter_action or verdict.action,
        body=comment.body,
        scores=verdict.scores,
        reasons=list(verdict.reasons),
        reasons_text=CommentVerdict.searchable(verdict.reasons),
        fingerprint=verdict.fingerprint,
        ban_id=verdict.ban_id,
        created=now or timezone.now(),
    )
