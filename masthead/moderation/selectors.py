"""Reads for the moderators' screens."""

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from masthead.moderation.models import (
    Ban,
    CommentVerdict,
    Decision,
    DecisionAction,
    FilterVersion,
    ModerationMode,
    Report,
    ReportReason,
)

QUEUES = {
    "pending": "Awaiting review",
    "reported": "Reported",
    "spam": "Spam",
    "published": "Recently published",
    "featured": "Featured",
}
RECENTLY_PUBLISHED_DAYS = 7
PER_PAGE = 25


def comments_reported_by(*, reader_key: str, comment_ids) -> set[int]:
    """The ids among `comment_ids` of the comments the reader behind `reader_key` has reported."""
    return set(
        Report.objects.filter(reader_key=reader_key, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


def _queue_filter(queue: str, now: datetime) -> Q:
    from masthead.discussion.models import CommentStatus

    # The comments named by open reports (the report_open index), not every comment of the site
    # asked whether it has one: SQLite read them all for the count on every queue page.
    open_reports = Q(pk__in=Report.objects.filter(resolved__isnull=True).values("comment_id"))
    # A comment its author deleted is shown to nobody and was withdrawn: nothing to review. The
    # reported queue keeps it (marked as deleted), for a moderator may still ban the author of a
    # threat that readers reported before it was deleted.
    kept = Q(deleted__isnull=True)
    return {
        "pending": Q(status=CommentStatus.PENDING) & kept,
        "reported": open_reports,
        "spam": Q(status=CommentStatus.SPAM) & kept,
        "published": Q(
            status=CommentStatus.PUBLISHED,
            created__gte=now - timedelta(days=RECENTLY_PUBLISHED_DAYS),
        )
        & kept,
        "featured": Q(featured_at__isnull=False),
    }[queue]


def _queue_narrowing(*, article_id: int | None, author: str, reason: str, text: str) -> Q:
    """The comments the queue's filters (article, author, reason, words) leave, in any queue.
    The reason is looked for in the verdicts and reports, whose rows the query joins: a comment
    may then come more than once (count or list it distinctly)."""
    narrowing = Q()
    if article_id:
        narrowing &= Q(article_id=article_id)
    if author:
        narrowing &= author_matching(author)
    if text:
        narrowing &= Q(body__icontains=text)
    if reason:
        narrowing &= (
            Q(verdicts__reasons_text__contains=reason.casefold())
            | Q(reports__reason__in=report_reasons_matching(reason))
            | Q(reports__note__icontains=reason)
            | _masked_site_terms_matching(reason)
        )
    return narrowing


class _RowCount(Subquery):
    """How many rows a queryset has, as a value of another query: one query counts several."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def queue_counts(
    now: datetime | None = None,
    *,
    article_id: int | None = None,
    author: str = "",
    reason: str = "",
    text: str = "",
) -> dict[str, int]:
    """How many comments each queue holds, in the order of QUEUES, among those queue_comments'
    filters leave (none: the whole site's), in one query.

    Each queue is counted on its own (a subquery each) rather than by conditional counts over
    the comments of any queue: that scan cannot use the queues' indexes, so its cost grew with
    every comment the site ever had instead of with the queues."""
    from masthead.discussion.models import Comment

    now = now or timezone.now()
    narrowing = _queue_narrowing(article_id=article_id, author=author, reason=reason, text=text)
    counts = {}
    for queue in QUEUES:
        listed = Comment.objects.filter(_queue_filter(queue, now), narrowing).order_by()
        counts[queue] = _RowCount((listed.distinct() if reason else listed).values("pk"))
    # Any one row carries the counts; a site without comments has none, and nothing to count.
    row = Comment.objects.order_by().values(**counts).first()
    return row or dict.fromkeys(QUEUES, 0)


def queue_comments(
    *,
    queue: str,
    article_id: int | None = None,
    author: str = "",
    reason: str = "",
    text: str = "",
    now=None,
):
    """The comments of a queue, newest first (the featured queue: the latest pick first), with
    what a moderator needs to judge them.

    `hidden_by_reports` is true for a comment held because readers' reports hid it (its latest
    standing decision is the hiding) rather than by the filter or a moderator.
    """
    from masthead.discussion.models import Comment, CommentStatus

    now = now or timezone.now()
    comments = Comment.objects.filter(
        _queue_filter(queue if queue in QUEUES else "pending", now),
        _queue_narrowing(article_id=article_id, author=author, reason=reason, text=text),
    )
    if reason:
        comments = comments.distinct()
    last_action = Subquery(
        Decision.objects.filter(comment=OuterRef("pk"), undone__isnull=True)
        .order_by("-created", "-id")
        .values("action")[:1]
    )
    return (
        comments.annotate(last_action=last_action)
        # Held because readers' reports hid it, not by the filter: the moderator should know why.
        .annotate(
            hidden_by_reports=Case(
                When(status=CommentStatus.PENDING, last_action=DecisionAction.HIDE, then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
        .select_related("article", "parent", "replied_to", "user", "featured_by")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=CommentVerdict.objects.order_by("-created", "-id"),
                to_attr="verdict_list",
            ),
            Prefetch(
                "reports",
                queryset=Report.objects.filter(resolved__isnull=True).order_by("created"),
                to_attr="open_reports",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(undone__isnull=True)
                .exclude(action__in=[DecisionAction.FEATURE, DecisionAction.UNFEATURE])
                .select_related("moderator")
                .order_by("-created", "-id"),
                to_attr="standing_decisions",
            ),
        )
        .order_by(*(("-featured_at",) if queue == "featured" else ()), "-created", "-id")
    )


def approval_standing(comment, decisions=None):
    """The moderator's approval that readers' reports no longer overturn (Coral Talk's rule: a
    brigade of accounts must not undo a moderator), or None. It stands while it is the comment's
    latest decision not undone (featuring aside) and the comment still reads as approved: an
    author's edit since asks for a fresh look, so reports hide it again at the threshold.
    `decisions`, newest first and without featuring, as queue_comments prefetches them; read
    from the database if not given."""
    if decisions is None:
        decisions = (
            Decision.objects.filter(comment=comment, undone__isnull=True)
            .exclude(action__in=[DecisionAction.FEATURE, DecisionAction.UNFEATURE])
            .select_related("moderator")
            .order_by("-created", "-id")[:1]
        )
    latest = next(iter(decisions), None)
    if latest is None or latest.action != DecisionAction.APPROVE:
        return None
    if latest.body:  # the text the moderator approved (kept since 0015)
        same_text = latest.body.replace("\r\n", "\n") == comment.body.replace("\r\n", "\n")
    else:
        same_text = comment.edited is None or comment.edited <= latest.created
    return latest if same_text else None


def ban_suggestion(comment) -> str:
    """How the queue first offers to ban a comment's author: "spam" (as a spammer: the comment
    stays or becomes spam) if it is marked spam, the filter's latest verdict was spam or the
    readers who reported it all said spam; otherwise "abuse". Reads what queue_comments
    prefetched."""
    from masthead.discussion.models import CommentStatus

    verdicts = getattr(comment, "verdict_list", [])
    reports = getattr(comment, "open_reports", [])
    if comment.status == CommentStatus.SPAM or (verdicts and verdicts[0].action == "spam"):
        return "spam"
    if reports and all(report.reason == "spam" for report in reports):
        return "spam"
    return "abuse"


@dataclass(frozen=True)
class EditedAfter:
    """The text a moderator decided on, or the filter first judged, when its author has edited
    the comment since: what the queue shows beside the text as it reads now."""

    after: str  # what the edit came after: "Marked as spam by mod", "the filter's verdict"
    body: str
    verdict: object | None  # the filter's verdict on that text, if kept


def edited_after(comment) -> EditedAfter | None:
    """Whether the comment now reads otherwise than when the standing moderator's decision was
    made on it (else, than when the filter first judged it), and what it read then. Reads what
    queue_comments prefetched; texts from before they were kept (empty) are not compared."""
    verdicts = getattr(comment, "verdict_list", [])  # newest first
    decisions = getattr(comment, "standing_decisions", [])
    decision = decisions[0] if decisions else None
    if decision is not None and decision.body:
        if decision.body == comment.body:
            return None
        judged = [verdict for verdict in verdicts if verdict.body == decision.body] or [
            verdict for verdict in verdicts if verdict.created <= decision.created
        ]
        return EditedAfter(
            after=f"{decision.summary} by {decision.made_by}",
            body=decision.body,
            verdict=judged[0] if judged else None,
        )
    first = verdicts[-1] if verdicts else None
    if first is not None and first.body and first.body != comment.body:
        return EditedAfter(after="the filter's first verdict", body=first.body, verdict=first)
    return None


# How the filter named a site's own term before it named it as written (ee8719d): masked like a
# slur, "blocked term: z*****x", and "Z-o-r-b-l-a-x → z*****x" among obfuscated words.
_MASKED_SITE_TERM_RE = re.compile(r"^blocked term: (\S\**\S?)$")
_OBFUSCATED_RE = re.compile(r"^obfuscated words: (.*)$")


def site_terms_by_site() -> dict[int, dict[str, str]]:
    """Each site's lexicon additions as its moderators wrote them (lexicon.site_terms_as_written),
    by site id: terms the built-in list reads as slurs are left masked there."""
    from masthead.moderation.core.lexicon import site_terms_as_written
    from masthead.moderation.models import ModerationSettings

    return {
        site_id: site_terms_as_written(tuple(ModerationSettings.lines(additions)))
        for site_id, additions in ModerationSettings.objects.exclude(
            lexicon_additions=""
        ).values_list("site_id", "lexicon_additions")
    }


def _unmasked_terms(masked: str, written: dict[str, str]) -> list[str]:
    from masthead.moderation.core.lexicon import mask

    return [
        shown
        for term, shown in written.items()
        if mask(term) == masked and shown != mask(term)  # a slur stays masked
    ]


def _unmask_pair(pair: str, written: dict[str, str], body: str) -> str:
    from masthead.moderation.core.lexicon import mask, site_term

    original, arrow, fixed = pair.partition(" → ")
    terms = [term for term in written if mask(term) == fixed and written[term] != mask(term)]
    if not arrow or len(terms) != 1:
        return pair
    [term] = terms
    # The original as the comment wrote it, where it still reads so: same length, same ends.
    for start in (i for i, char in enumerate(body) if char == original[:1]):
        candidate = body[start : start + len(original)]
        if mask(candidate) == original and site_term(candidate).replace(" ", "") == term.replace(
            " ", ""
        ):
            original = candidate
            break
    return f"{original} → {term}"


def _masked_site_terms_matching(text: str) -> Q:
    """The verdicts stored before ee8719d that name, masked, a site term whose written form
    contains `text`: the queue shows them unmasked (reasons_as_shown), so its filter finds them."""
    from masthead.moderation.core.lexicon import mask

    wanted = text.casefold()
    found = Q(pk__in=[])
    for written in site_terms_by_site().values():
        for term, shown in written.items():
            if shown != mask(term) and wanted in shown.casefold():
                found |= Q(verdicts__reasons_text__contains=f"blocked term: {mask(term)}")
                found |= Q(verdicts__reasons_text__contains=f"→ {mask(term)}")
    return found


def reasons_as_shown(reasons, *, written: dict[str, str], body: str = "") -> list[str]:
    """A verdict's stored reasons as the queue shows them: a site's own term that a verdict
    stored before ee8719d masked like a slur ("blocked term: z*****x") is named as the site's
    moderators wrote it, as newer verdicts name it ("blocked term: Zorblax!"); two of the site's
    terms masked alike are both named. The stored reasons are left as they are (the term may
    since have left the list: then the mask stays). `body`: the text judged, to name a broken-up
    term as the comment wrote it."""
    if not written:
        return list(reasons)
    shown = []
    for reason in reasons:
        reason = str(reason)
        masked = _MASKED_SITE_TERM_RE.match(reason)
        obfuscated = _OBFUSCATED_RE.match(reason)
        if masked and (terms := _unmasked_terms(masked.group(1), written)):
            reason = f"blocked term: {' or '.join(terms)}"
        elif obfuscated and "*" in reason:
            pairs = obfuscated.group(1).split(", ")
            reason = "obfuscated words: " + ", ".join(
                _unmask_pair(pair, written, body) for pair in pairs
            )
        shown.append(reason)
    return shown


def verdicts_unmask(comments) -> None:
    """Give every verdict queue_comments prefetched its `reasons_shown` (reasons_as_shown, with
    the terms of the comment's site): what the queue prints instead of the stored reasons."""
    from wagtail.models import Site

    by_site = site_terms_by_site()
    roots = (
        sorted(
            Site.objects.filter(pk__in=by_site).values_list("root_page__path", "pk"),
            key=lambda root: -len(root[0]),
        )
        if by_site
        else []
    )
    for comment in comments:
        path = getattr(comment.article, "path", "")
        site_id = next((pk for root, pk in roots if path.startswith(root)), None)
        written = by_site.get(site_id, {})
        for verdict in getattr(comment, "verdict_list", []):
            verdict.reasons_shown = reasons_as_shown(
                verdict.reasons, written=written, body=verdict.body or comment.body
            )


def report_reasons_matching(text: str) -> list[str]:
    """The report reasons whose label, as the queue shows it ("Off-topic"), or whose stored name
    (off_topic) contains `text`, whatever its case and whether words are joined by a hyphen, an
    underscore or a space."""

    def plain(words: str) -> str:
        return " ".join(re.split(r"[\s_-]+", words.casefold())).strip()

    wanted = plain(text)
    return [
        value
        for value, label in ReportReason.choices
        if wanted and (wanted in plain(str(label)) or wanted in plain(value))
    ]


def distinct_reporters(reports) -> int:
    """Readers behind the reports as the hide threshold counts them: one per network address
    (a reader without one counts alone), as in services.reports.comment_report."""
    return len({report.ip_hash or f"reader:{report.reader_key}" for report in reports})


ADDRESS_FILTER_RE = re.compile(r"#([0-9a-f]{6,64})", re.IGNORECASE)


def author_matching(author: str) -> Q:
    """The queue's author filter: a name or an e-mail address, or a network address as the
    queue shows it ("#47b2a87e", the start of its hash): a spammer who changes names keeps it."""
    address = ADDRESS_FILTER_RE.fullmatch(author)
    if address:
        return Q(ip_hash__startswith=address.group(1).lower())
    return Q(author_name__icontains=author) | Q(author_email__icontains=author)


@dataclass(frozen=True)
class AuthorRecord:
    """An author's comments, each counted once. A comment its author deleted counts under the
    moderators' verdict if it had one (spam, removed), else as `deleted`: it is neither published
    nor waiting any more (the queues leave it out)."""

    approved: int = 0
    spam: int = 0
    removed: int = 0
    pending: int = 0
    deleted: int = 0
    banned: bool = False
    # comments from the same network address under another account or e-mail address
    same_address_others: int = 0
    same_address_others_spam: int = 0


def author_records(comments, *, now: datetime | None = None) -> dict[int, AuthorRecord]:
    """Each comment's author's history (by account, else e-mail), and what else came from its
    network address under other names, in three queries for the page."""
    from masthead.discussion.models import Comment, CommentStatus

    now = now or timezone.now()
    comments = list(comments)
    emails = {c.author_email.lower() for c in comments if not c.user_id and c.author_email}
    users = {c.user_id for c in comments if c.user_id}
    counts = {}
    if emails or users:
        kept = Q(deleted__isnull=True)
        rows = (
            Comment.objects.filter(
                Q(user_id__in=users) | Q(user__isnull=True, author_email__in=emails)
            )
            .values("user_id", "author_email")
            .annotate(
                approved=Count("id", filter=Q(status=CommentStatus.PUBLISHED) & kept),
                spam=Count("id", filter=Q(status=CommentStatus.SPAM)),
                removed=Count("id", filter=Q(status=CommentStatus.REMOVED)),
                pending=Count("id", filter=Q(status=CommentStatus.PENDING) & kept),
                deleted=Count(
                    "id",
                    filter=Q(status__in=[CommentStatus.PUBLISHED, CommentStatus.PENDING]) & ~kept,
                ),
            )
        )
        for row in rows:
            key = ("u", row["user_id"]) if row["user_id"] else ("e", row["author_email"].lower())
            previous = counts.get(key, AuthorRecord())
            counts[key] = AuthorRecord(
                previous.approved + row["approved"],
                previous.spam + row["spam"],
                previous.removed + row["removed"],
                previous.pending + row["pending"],
                previous.deleted + row["deleted"],
            )
    banned_values = set(
        Ban.objects.filter(Ban.active_q(now))
        .filter(
            Q(value__in=[str(u) for u in users])
            | Q(value__in=emails)
            | Q(value__in={c.ip_hash for c in comments if c.ip_hash})
        )
        .values_list("value", flat=True)
    )
    by_address: dict[str, list[tuple[tuple, int, int]]] = {}
    addresses = {c.ip_hash for c in comments if c.ip_hash}
    if addresses:
        rows = (
            Comment.objects.filter(ip_hash__in=addresses)
            .values("ip_hash", "user_id", "author_email")
            .annotate(total=Count("id"), spam=Count("id", filter=Q(status=CommentStatus.SPAM)))
        )
        for row in rows:
            key = (
                ("u", row["user_id"])
                if row["user_id"]
                else ("e", (row["author_email"] or "").lower())
            )
            by_address.setdefault(row["ip_hash"], []).append((key, row["total"], row["spam"]))
    records = {}
    for comment in comments:
        key = _author_key(comment)
        record = counts.get(key, AuthorRecord())
        banned = bool(
            {str(comment.user_id or ""), (comment.author_email or "").lower(), comment.ip_hash}
            & banned_values
        )
        others = [row for row in by_address.get(comment.ip_hash, []) if row[0] != key]
        records[comment.pk] = replace(
            record,
            banned=banned,
            same_address_others=sum(total for _, total, _ in others),
            same_address_others_spam=sum(spam for _, _, spam in others),
        )
    return records


def _author_key(comment) -> tuple:
    if comment.user_id:
        return ("u", comment.user_id)
    return ("e", (comment.author_email or "").lower())


def commented_articles(*, limit: int = 200):
    """The newest articles with comments, for the queue's article filter: ids and headlines only
    (an article's body can be large, and the list is read on every queue view)."""
    from masthead.publishing.models import ArticlePage

    return (
        ArticlePage.objects.filter(comments__isnull=False)
        .distinct()
        .only("id", "title")
        .order_by("-first_published_at")[:limit]
    )


@dataclass(frozen=True)
class ArticleCommentState:
    """An article's thread as its comment settings make it, for the moderator who may change
    them: the settings in force (the moderators' override, else the article's own), the
    article's own (its editors'), and what they come to for the next comment."""

    article: object
    comments_open: bool  # the switch in force
    is_open: bool  # what readers get: the site may also close threads some days after publishing
    comment_moderation: str  # the mode in force; "" follows the site's
    override: object  # the moderators' override (CommentSettingsOverride), or None
    override_by: object  # who set it (a user), None once deleted
    site_mode_label: str
    mode_label: str  # what the next comment goes through
    changes: list  # the moderators' latest changes (PageLogEntry, with `message`), newest first

    @property
    def own_words(self) -> str:
        """The article's own settings (its editors'), in words."""
        from masthead.moderation.services.articles import comment_settings, comment_settings_words

        return comment_settings_words(comment_settings(self.article))


def article_comment_state(
    article, *, now: datetime | None = None, changes: int = 5
) -> ArticleCommentState:
    """The article's comment settings, the moderators' override of them (who, when), what they
    resolve to, and the last `changes` moderators made (who, when, what): moderators cannot open
    the page's own history."""
    from django.contrib.auth import get_user_model
    from wagtail.models import PageLogEntry

    from masthead.discussion.selectors import comment_settings_override
    from masthead.discussion.services import comments_are_open
    from masthead.moderation.services.articles import (
        COMMENT_SETTINGS_CHANGED,
        settings_in_force,
    )
    from masthead.moderation.services.assessing import mode_for, moderation_settings_for

    options = moderation_settings_for(article)
    mode = mode_for(article, options)
    labels = {value: str(label) for value, label in ModerationMode.choices}
    override = comment_settings_override(article)
    in_force = settings_in_force(article)
    entries = list(
        PageLogEntry.objects.filter(page=article, action=COMMENT_SETTINGS_CHANGED)
        .select_related("user")
        .order_by("-timestamp", "-pk")[:changes]
    )
    return ArticleCommentState(
        article=article,
        comments_open=in_force["comments_open"],
        is_open=comments_are_open(article, now=now),
        comment_moderation=in_force["comment_moderation"],
        override=override,
        override_by=(
            get_user_model().objects.filter(pk=override.by_id).first()
            if override and override.by_id
            else None
        ),
        site_mode_label=labels.get(options.mode, options.mode),
        mode_label=labels.get(mode, mode),
        changes=entries,
    )


def paginate(queryset, page_number, per_page: int = PER_PAGE, count: int | None = None):
    """A page of the queryset; `count`, when the caller has counted it already, spares the
    paginator counting it again."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(page_number)


def recent_decisions(*, limit: int = 200, moderator: str = ""):
    """The newest decisions first (only those of the moderator with that username, if given);
    `batch_standing` counts the decisions of the same bulk action not yet undone (None outside a
    bulk action). `decisions_mark_undoable` tells which of those listed can be undone."""
    standing = (
        Decision.objects.filter(batch=OuterRef("batch"), undone__isnull=True)
        .order_by()
        .values("batch")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    )
    decisions = Decision.objects.all()
    if moderator:
        from django.contrib.auth import get_user_model

        field = get_user_model().USERNAME_FIELD
        decisions = decisions.filter(**{f"moderator__{field}": moderator})
    return (
        decisions.select_related("comment", "comment__article", "moderator", "undone_by")
        .annotate(batch_standing=Subquery(standing))
        .order_by("-created", "-id")[:limit]
    )


def decisions_mark_undoable(decisions) -> None:
    """Set `undoable` on each decision (Undo would succeed: it is not undone, and its comment has
    not been moderated again since, as `decision_undo` checks) and `batch_undoable` (undoing its
    whole bulk action would), so that a moderator is not offered an Undo the server refuses.
    Two queries whatever the number of decisions, for those listed only: as subqueries of the
    listing's SQL, PostgreSQL checked every decision ever made (a hashed subplan) to list 50."""
    if not decisions:
        return
    batches = {decision.batch for decision in decisions if decision.batch}
    members = list(
        Decision.objects.filter(batch__in=batches, undone__isnull=True).values(
            "pk", "batch", "comment_id", "new_status", "comment__status"
        )
        if batches
        else []
    )
    comment_ids = {decision.comment_id for decision in decisions} | {
        member["comment_id"] for member in members
    }
    latest_standing = dict(
        Decision.objects.filter(comment_id__in=comment_ids, undone__isnull=True)
        .order_by()
        .values("comment_id")
        .annotate(latest=Max("pk"))
        .values_list("comment_id", "latest")
    )

    def moderated_since(pk, comment_id, new_status, comment_status) -> bool:
        return comment_status != new_status or latest_standing.get(comment_id, pk) > pk

    blocked_batches = {
        member["batch"]
        for member in members
        if moderated_since(
            member["pk"], member["comment_id"], member["new_status"], member["comment__status"]
        )
    }
    for decision in decisions:
        decision.undoable = not decision.undone and not moderated_since(
            decision.pk, decision.comment_id, decision.new_status, decision.comment.status
        )
        decision.batch_undoable = decision.batch not in blocked_batches


@dataclass(frozen=True)
class DecisionGroup:
    """One decision, or the decisions of one bulk action, as the queue lists them."""

    decisions: list

    @property
    def first(self):
        return self.decisions[0]

    @property
    def standing(self) -> int:
        return sum(1 for decision in self.decisions if not decision.undone)

    @property
    def summary(self) -> str:
        """What the action did, each outcome once: a bulk approval may have published some
        comments and only dismissed the reports on others, already published."""
        made = sorted(self.decisions, key=lambda decision: decision.pk)  # in the action's order
        summaries = list(dict.fromkeys(decision.summary for decision in made))
        return ", ".join([summaries[0], *(summary.lower() for summary in summaries[1:])])


def recent_decision_groups(*, limit: int = 5, scan: int = 200) -> list[DecisionGroup]:
    """The newest `limit` moderator actions, a bulk action counting once (its decisions share a
    batch and are logged together, so they come one after another)."""
    groups: list[list] = []
    for decision in recent_decisions(limit=scan):
        if groups and decision.batch and groups[-1][0].batch == decision.batch:
            groups[-1].append(decision)
            continue
        if len(groups) == limit:
            break
        groups.append([decision])
    decisions_mark_undoable([decision for group in groups for decision in group])
    return [DecisionGroup(decisions) for decisions in groups]


def active_bans():
    return Ban.objects.filter(Ban.active_q(timezone.now())).select_related(
        "created_by", "decision__comment"
    )


RECENTLY_LIFTED_DAYS = 30


def recently_lifted_bans(*, now: datetime | None = None, days: int = RECENTLY_LIFTED_DAYS):
    """Bans lifted in the last `days`, by hand or by undoing their decision, the latest first."""
    now = now or timezone.now()
    return (
        Ban.objects.filter(lifted__gt=now - timedelta(days=days))
        .select_related("created_by", "lifted_by", "decision__comment")
        .order_by("-lifted", "-id")
    )


def bans_named(bans) -> list:
    """The bans, each with `target`: what it bars as a moderator reads it (an account by its
    username, not its number; an address by the start of its hash). One query for the accounts."""
    from django.contrib.auth import get_user_model

    from masthead.moderation.models import BanKind

    bans = list(bans)
    ids = {int(ban.value) for ban in bans if ban.kind == BanKind.ACCOUNT and ban.value.isdigit()}
    User = get_user_model()
    usernames = {
        str(pk): username
        for pk, username in User.objects.filter(pk__in=ids).values_list("pk", User.USERNAME_FIELD)
    }
    for ban in bans:
        if ban.kind == BanKind.ACCOUNT:
            ban.target = usernames.get(ban.value) or f"a deleted account (#{ban.value})"
        elif ban.kind == BanKind.ADDRESS:
            ban.target = f"#{ban.value[:8]}"
        else:
            ban.target = ban.value
    return bans


@dataclass(frozen=True)
class BanRow:
    """A banned target (an account, an e-mail address, a network address) as the bans page lists
    it: one row however many bans stand on it. A bulk ban of five comments by one reader makes
    five bans of each target (one per decision, each undone with its decision); the moderator
    asks who is barred and until when. `bans`, named (bans_named), the newest first."""

    bans: list
    # For a lifted row: the bans standing on the same target now (made again with "Ban again"
    # or from the queue), the latest first; see lifted_ban_rows.
    banned_again: tuple = ()
    # For a lifted row the target was lifted again after (banned, or banned again, and lifted
    # once more): that newer lift's row, and the first ban made on the target after this lift, if
    # any. Such a row offers no "Ban again": the newest lift of a target alone does.
    lifted_again: "BanRow | None" = None
    next_ban: Ban | None = None

    @property
    def ban(self) -> Ban:
        """The ban the row's button acts on: "Lift" lifts every ban on the target, and "Ban
        again" bars it again until the latest end the lifted bans had."""
        return max(self.bans, key=lambda ban: (ban.expires is None, ban.expires or ban.created))

    @property
    def created(self) -> datetime:
        return min(ban.created for ban in self.bans)

    @property
    def expires(self) -> datetime | None:
        """When the last of its bans ends; None (for good) if one never does."""
        return self.ban.expires

    @property
    def banned_by(self) -> list[str]:
        return list(
            dict.fromkeys(ban.created_by.get_username() for ban in self.bans if ban.created_by)
        )

    @property
    def reasons(self) -> list[str]:
        return list(dict.fromkeys(ban.reason for ban in self.bans if ban.reason))

    @property
    def comments(self) -> list:
        """The comments the bans were decided on, the newest first, each once."""
        seen = {ban.decision.comment_id: ban.decision.comment for ban in self.bans if ban.decision}
        return sorted(seen.values(), key=lambda comment: comment.created, reverse=True)

    @property
    def authors(self) -> list[str]:
        return list(dict.fromkeys(comment.author_name for comment in self.comments))

    @property
    def articles(self) -> list:
        """The articles of those comments, each once (select_related("decision__comment__article")
        saves a query each)."""
        seen = {comment.article_id: comment.article for comment in self.comments}
        return list(seen.values())


def ban_rows(bans, *, lifted: bool = False) -> list[BanRow]:
    """The bans as the bans page lists them: one row per target (kind and value), in the order
    of each target's first ban here. `lifted`: one row per target and lift, for the bans a lift
    (or an undo) ended together share its time; a target lifted twice has a row for each."""
    rows: dict[tuple, list] = {}
    for ban in bans_named(bans):
        key = (ban.kind, ban.value, ban.lifted) if lifted else (ban.kind, ban.value)
        rows.setdefault(key, []).append(ban)
    return [BanRow(group) for group in rows.values()]


def lifted_ban_rows(*, now: datetime | None = None) -> list[BanRow]:
    """The bans page's recently lifted rows (ban_rows with `lifted`), each with the bans that
    stand on its target again (`banned_again`): such a row offers no "Ban again", which would be
    refused, but says the target is barred again. A target banned and lifted twice has a row for
    each lift; the older says when it was banned again and lifted again (`next_ban`,
    `lifted_again`) instead of offering a second "Ban again" that would do the same."""
    now = now or timezone.now()
    rows = ban_rows(recently_lifted_bans(now=now), lifted=True)
    targets = Q(pk__in=[])
    for row in rows:
        targets |= Q(kind=row.ban.kind, value=row.ban.value)
    standing: dict[tuple, list] = {}
    for ban in (
        Ban.objects.filter(Ban.active_q(now))
        .filter(targets)
        .select_related("created_by")
        .order_by("-created", "-id")
    ):
        standing.setdefault((ban.kind, ban.value), []).append(ban)
    later = list(
        Ban.objects.filter(targets, created__gte=min((row.ban.lifted for row in rows), default=now))
        .select_related("created_by")
        .order_by("created", "id")
    )
    newest: dict[tuple, BanRow] = {}  # the target's newer lift row, as the rows come newest first
    done = []
    for row in rows:
        target = (row.ban.kind, row.ban.value)
        lifted_again = newest.get(target)
        newest[target] = row
        next_ban = None
        if lifted_again:
            next_ban = next(
                (
                    ban
                    for ban in later
                    if (ban.kind, ban.value) == target and ban.created >= row.ban.lifted
                ),
                None,
            )
        done.append(
            replace(
                row,
                banned_again=tuple(standing.get(target, ())),
                lifted_again=lifted_again,
                next_ban=next_ban,
            )
        )
    return done


@dataclass(frozen=True)
class BanLifted:
    """A ban lifted by hand, as the decisions log lists it among the decisions."""

    ban: Ban
    row: BanRow | None = None  # every ban the lift ended on the target

    @property
    def created(self):
        return self.ban.lifted


@dataclass(frozen=True)
class BanMadeAgain:
    """A "Ban again" (a lift undone), as the decisions log lists it among the decisions: one entry
    per target and moment, however many bans it made again (one per decision that had barred the
    target). `standing`: some of them still bar the target, and the entry offers to undo it."""

    ban: Ban
    row: BanRow
    standing: bool = False
    again = True  # what the log's template tells it apart by

    @property
    def created(self):
        return self.ban.created

    @property
    def ended(self) -> Ban | None:
        """The ban whose lift ended it (by hand, by undoing it or its decision), if one did."""
        return next((ban for ban in self.row.bans if ban.lifted), None)


def bans_made_again(bans, *, now: datetime) -> list[BanMadeAgain]:
    """The bans (made with "Ban again"), one entry per target and moment, the newest first."""
    rows: dict[tuple, list] = {}
    for ban in bans_named(bans):
        rows.setdefault((ban.kind, ban.value, ban.created), []).append(ban)
    entries = []
    for group in rows.values():
        row = BanRow(group)
        standing = any(
            ban.lifted is None and (ban.expires is None or ban.expires > now) for ban in group
        )
        entries.append(BanMadeAgain(row.ban, row, standing))
    return sorted(entries, key=lambda entry: entry.created, reverse=True)


@dataclass(frozen=True)
class CommentSettingsChanged:
    """A moderator's change of an article's comment settings (a page log entry, with `user`), as
    the decisions log lists it among the decisions. `article` is None once the page is deleted:
    `title` is then the headline the entry kept."""

    entry: object
    article: object | None
    changes: str
    settings_change = True  # what the log's template tells it apart by

    @property
    def created(self):
        return self.entry.timestamp

    @property
    def title(self) -> str:
        return self.article.title if self.article else self.entry.label


def comment_settings_changes_listed(entries) -> list[CommentSettingsChanged]:
    """The page log entries of moderators' comment settings changes, each with its article (one
    query for them all) and what it changed."""
    from wagtail.models import Page

    from masthead.moderation.services.articles import comment_settings_entry_words

    entries = list(entries)
    pages = Page.objects.in_bulk({entry.page_id for entry in entries})
    return [
        CommentSettingsChanged(
            entry, pages.get(entry.page_id), comment_settings_entry_words(entry.data)
        )
        for entry in entries
    ]


def _newest_moments(bans, moment: str, per_page: int) -> Q:
    """The bans of the newest `per_page` (target, `moment`) groups: one entry per target and
    action, however many bans the action made or ended on that target at once."""
    groups = (
        bans.values("kind", "value", moment)
        .annotate(first=Min("pk"))
        .order_by(f"-{moment}")
        .values_list("kind", "value", moment)[:per_page]
    )
    found = Q(pk__in=[])
    for kind, value, when in groups:
        found |= Q(kind=kind, value=value, **{moment: when})
    return found


def decisions_log(
    page_number,
    *,
    per_page: int = 50,
    limit: int = 5000,
    moderator: str = "",
    now: datetime | None = None,
):
    """A page of the decisions log and its entries: the decisions, with the bans lifted by hand,
    made again ("Ban again") and the articles' comment settings moderators changed in the same
    stretch of time among them, the newest first. A lift falls on the page of the decisions
    around it (the first page: those after the newest decision; the last: before the oldest).
    Bans lifted by undoing their decision are not listed again: the undo is. `moderator`, a
    username: that moderator's decisions, lifts, bans made again and settings changes only."""
    from wagtail.models import PageLogEntry

    from masthead.moderation.services.articles import COMMENT_SETTINGS_CHANGED

    now = now or timezone.now()
    page = paginate(
        recent_decisions(limit=limit, moderator=moderator), page_number, per_page=per_page
    )
    decisions = list(page.object_list)
    decisions_mark_undoable(decisions)
    # what each ban decision barred, and until when, as the bans list names it
    prefetch_related_objects(
        decisions, Prefetch("bans", queryset=Ban.objects.order_by("kind", "id"), to_attr="ban_list")
    )
    for decision in decisions:
        # A ban lifted and made again with "Ban again" keeps its decision: the decision barred
        # each target once.
        kept: dict[tuple, Ban] = {}
        for ban in decision.ban_list:
            kept.setdefault((ban.kind, ban.value), ban)
        decision.ban_list = list(kept.values())
    bans_named([ban for decision in decisions for ban in decision.ban_list])
    lifts = Ban.objects.filter(lifted__isnull=False).exclude(decision__undone=F("lifted"))
    made_again = Ban.objects.filter(reinstates__isnull=False)
    settings_changes = PageLogEntry.objects.filter(action=COMMENT_SETTINGS_CHANGED)
    if moderator:
        from django.contrib.auth import get_user_model

        field = get_user_model().USERNAME_FIELD
        lifts = lifts.filter(**{f"lifted_by__{field}": moderator})
        made_again = made_again.filter(**{f"created_by__{field}": moderator})
        settings_changes = settings_changes.filter(**{f"user__{field}": moderator})
    if page.has_previous():
        newer_page = page.paginator.page(page.previous_page_number()).object_list
        until = list(newer_page)[-1].created
        lifts = lifts.filter(lifted__lte=until)
        made_again = made_again.filter(created__lte=until)
        settings_changes = settings_changes.filter(timestamp__lte=until)
    if page.has_next() and decisions:
        since = decisions[-1].created
        lifts = lifts.filter(lifted__gt=since)
        made_again = made_again.filter(created__gt=since)
        settings_changes = settings_changes.filter(timestamp__gt=since)
    # One entry per target and lift: "Lift" lifts every ban on the target at once (a bulk ban
    # of five comments made five), and the moderator lifted one thing.
    in_groups = _newest_moments(lifts, "lifted", per_page)
    lifted = [
        BanLifted(row.ban, row)
        for row in ban_rows(
            lifts.filter(in_groups)
            .select_related("created_by", "lifted_by", "decision__comment__article")
            .order_by("-lifted", "-id"),
            lifted=True,
        )
    ]
    # Likewise one entry per target and "Ban again", the newest `per_page` of them.
    in_moments = _newest_moments(made_again, "created", per_page)
    again = bans_made_again(
        made_again.filter(in_moments)
        .select_related("created_by", "lifted_by", "decision__comment__article")
        .order_by("-created", "-id"),
        now=now,
    )
    changed = comment_settings_changes_listed(
        settings_changes.select_related("user").order_by("-timestamp", "-pk")[:per_page]
    )
    entries = sorted(
        decisions + lifted + again + changed, key=lambda entry: entry.created, reverse=True
    )
    return page, entries


@dataclass(frozen=True)
class FilterQuality:
    decisions: int
    agreed: int
    held_but_approved: int
    published_but_removed: int

    @property
    def accuracy(self) -> float | None:
        return self.agreed / self.decisions if self.decisions else None


def filter_quality(
    *, limit: int = 200, since: datetime | None = None, until: datetime | None = None
) -> FilterQuality:
    """How often the filter's first verdict matched the moderators' newest labelled decisions.

    The filter is judged on what it decided itself: a comment it would publish that the
    moderation mode held for review (pre-moderation) counts as published.

    Counts the decisions retraining learns from (training.labelled_decisions): a ban on a comment
    already removed, an off-topic removal, an undone decision or a hiding by reports teaches the
    filter nothing and is no test of it either. A comment the filter published agrees with an
    acceptable ("ham") label; one it held or marked spam agrees with a spam or abuse label.
    `since` and `until` split the decisions as retraining does: a retraining at `t` learnt from
    those up to and including `t`, and those after it are new (decisions_since_last_training).
    """
    from masthead.moderation.services.training import labelled_decisions

    decisions = labelled_decisions()
    if since:
        decisions = decisions.filter(created__gt=since)
    if until:
        decisions = decisions.filter(created__lte=until)
    decisions = list(decisions.order_by("-created", "-id").values("comment_id", "label")[:limit])
    first_verdicts = {}
    for comment_id, filter_action, action in (
        CommentVerdict.objects.filter(comment_id__in=[d["comment_id"] for d in decisions])
        .order_by("comment_id", "created", "id")
        .values_list("comment_id", "filter_action", "action")
    ):
        first_verdicts.setdefault(comment_id, filter_action or action)
    agreed = held_but_approved = published_but_removed = 0
    counted = 0
    for decision in decisions:
        verdict = first_verdicts.get(decision["comment_id"])
        if verdict is None:
            continue
        counted += 1
        acceptable = decision["label"] == "ham"
        if acceptable == (verdict == "publish"):
            agreed += 1
        elif acceptable:
            held_but_approved += 1
        else:
            published_but_removed += 1
    return FilterQuality(counted, agreed, held_but_approved, published_but_removed)


@dataclass(frozen=True)
class RetrainingProgress:
    """How far the site is from a retraining that can learn: labelled decisions so far, and needed."""

    decisions: int
    needed: int
    retrained_before: bool = False

    @property
    def ready(self) -> bool:
        return self.decisions >= self.needed

    @property
    def summary(self) -> str:
        which = "next" if self.retrained_before else "first"
        return f"{self.decisions} of {self.needed} decisions needed for the {which} retraining."


def retraining_progress() -> RetrainingProgress:
    """Counts the decisions that teach the filter (approvals, spam marks, removals for abuse and
    bans that changed the comment's label; not undone ones), as retraining does."""
    from masthead.moderation.services.training import (
        decisions_needed_to_retrain,
        labelled_decisions,
    )

    return RetrainingProgress(
        labelled_decisions().count(),
        decisions_needed_to_retrain(),
        FilterVersion.objects.filter(promoted=True).exists(),
    )


def filter_versions(limit: int = 20):
    return FilterVersion.objects.order_by("-created")[:limit]
