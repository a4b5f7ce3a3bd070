"""Moderators' actions: approve, mark spam, remove, ban, and undo. Every one is logged and labels
the comment for the filter to learn from. (Featuring, in featuring.py, is logged and undone here
too, without a label.)"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from masthead.moderation.models import (
    Ban,
    BanKind,
    CommentVerdict,
    Decision,
    DecisionAction,
    Report,
)
from masthead.refusals import Refused

ALREADY_UNDONE = "This decision was already undone."
CHANGED_SINCE = "The comment has been moderated again since; undo the later decision first."
BATCH_CHANGED_SINCE = (
    "Nothing was undone: {changed} of these {total} comments {have} been moderated again since. "
    "Undo the later decisions first, or undo the others one at a time in the log."
)
# Why the queue and the log offer a bulk action's Undo disabled, before anyone clicks it.
BATCH_MODERATED_SINCE = (
    "Some of these comments have been moderated again since. "
    "Undo the later decisions first, or undo the others one at a time in the log."
)
NOTHING_TO_BAN = "This comment has no account, e-mail address or network address to ban."
UNKNOWN_ACTION = "Unknown moderation action."
BAN_ALREADY_LIFTED = "This ban was already lifted."
BAN_NOT_LIFTED = "This ban stands: there is no lift to undo."
BAN_OVER = "This ban's period is over: ban the author again from the queue if need be."
BAN_STANDS = "This reader is banned again already."
BAN_LIFTED_AGAIN = (
    "Nothing was done: this reader was banned again and lifted again since (lifted {when}{who}). "
    "Use “Ban again” on that newest lift, under “Recently lifted”, if they should be barred."
)
NOT_BANNED_AGAIN = "This ban was not made with “Ban again”: there is nothing of that to undo."
BAN_AGAIN_OVER = "This ban's period is over: there is nothing to undo."
BAN_DAYS_MAX = 3650
BAN_LENGTH_INVALID = f"A ban lasts from 1 to {BAN_DAYS_MAX:,} days, or for good."

ALREADY_DECIDED = "This comment is {already}; nothing was changed."
# How a comment already in an action's outcome is described, by its status.
ALREADY = {
    "published": "already published",
    "spam": "already marked as spam",
    "removed": "already removed",
    "featured": "already featured",
    "not featured": "not featured",
}

# The log's note on a comment its author posted while banned, back for review with the ban undone.
BAN_UNDONE_NOTE = "the ban on its author was undone"

REMOVE_LABELS = {"abuse": "abuse", "off_topic": "", "other": ""}
# How the log words a removal's reason when the moderator wrote no note.
REMOVE_NOTES = {"abuse": "abuse", "off_topic": "off-topic", "other": "another reason"}


class ModerationRefused(Refused):
    pass


class AlreadyDecided(ModerationRefused):
    """The action would change nothing: the comment is already so and no report awaits a decision."""

    def __init__(self, status: str):
        self.already = ALREADY.get(status, f"already {status}")
        super().__init__(ALREADY_DECIDED.format(already=self.already), status=409)


@dataclass(frozen=True)
class ModerationOutcome:
    """What a bulk action did: its decisions, the comments already so, and the other refusals."""

    decisions: list[Decision] = field(default_factory=list)
    unchanged: int = 0
    already: str = ""
    refused: list[str] = field(default_factory=list)


def comment_approve(*, comment, moderator, now: datetime | None = None, note: str = "") -> Decision:
    """Publish a held, reported or spam-marked comment; it is acceptable (a "ham" label)."""
    decision = _approve(comment=comment, moderator=moderator, now=now, note=note)
    _retrain_if_due([decision])
    return decision


def comment_mark_spam(
    *, comment, moderator, now: datetime | None = None, note: str = ""
) -> Decision:
    decision = _mark_spam(comment=comment, moderator=moderator, now=now, note=note)
    _retrain_if_due([decision])
    return decision


def comment_remove(
    *, comment, moderator, reason: str = "abuse", now: datetime | None = None, note: str = ""
) -> Decision:
    """Take a comment down. Removals for abuse teach the abuse filter; others (off-topic) do not."""
    decision = _remove(comment=comment, moderator=moderator, reason=reason, now=now, note=note)
    _retrain_if_due([decision])
    return decision


def reader_ban(
    *,
    comment,
    moderator,
    kinds=(BanKind.ACCOUNT, BanKind.EMAIL, BanKind.ADDRESS),
    days: int | None = None,
    reason: str = "",
    as_spam: bool | None = None,
    now: datetime | None = None,
) -> Decision:
    """Bar the comment's author from commenting, for `days` or for good, and take the comment
    down: as spam (`as_spam`, a spammer: it teaches the spam model) or removed as abuse (it
    teaches the abuse model). Left to None, a comment already marked as spam stays spam and any
    other is removed as abuse.

    The ban covers what the comment carries: the account, the e-mail address, the hashed network
    address. It applies from the author's next comment on. Banning the author of a comment
    already removed (or marked spam) is logged (and can be undone) but teaches the filter nothing
    new.
    """
    decision = _ban(
        comment=comment,
        moderator=moderator,
        kinds=kinds,
        days=days,
        reason=reason,
        as_spam=as_spam,
        now=now,
    )
    _retrain_if_due([decision])
    return decision


# The decisions themselves, without the check whether retraining is due: a bulk action makes it
# once for all its decisions.


def _approve(*, comment, moderator, now=None, note="") -> Decision:
    from masthead.discussion.models import CommentStatus

    return _decide(
        comment, DecisionAction.APPROVE, CommentStatus.PUBLISHED, "ham", moderator, now, note
    )


def _mark_spam(*, comment, moderator, now=None, note="") -> Decision:
    from masthead.discussion.models import CommentStatus

    return _decide(comment, DecisionAction.SPAM, CommentStatus.SPAM, "spam", moderator, now, note)


def _remove(*, comment, moderator, reason="abuse", now=None, note="") -> Decision:
    from masthead.discussion.models import CommentStatus

    label = REMOVE_LABELS.get(reason, "")
    return _decide(
        comment,
        DecisionAction.REMOVE,
        CommentStatus.REMOVED,
        label,
        moderator,
        now,
        note or REMOVE_NOTES.get(reason, reason),
    )


def _ban(
    *,
    comment,
    moderator,
    kinds=(BanKind.ACCOUNT, BanKind.EMAIL, BanKind.ADDRESS),
    days=None,
    reason="",
    as_spam=None,
    now=None,
) -> Decision:
    from masthead.discussion.models import Comment, CommentStatus

    now = now or timezone.now()
    _check_ban_length(days)
    targets = _ban_targets(comment, kinds)
    if not targets:
        raise ModerationRefused(NOTHING_TO_BAN)
    with transaction.atomic():
        if as_spam is None:
            as_spam = (
                Comment.objects.select_for_update().filter(pk=comment.pk, status=CommentStatus.SPAM)
            ).exists()
        status, label = (
            (CommentStatus.SPAM, "spam") if as_spam else (CommentStatus.REMOVED, "abuse")
        )
        decision = _decide(
            comment, DecisionAction.BAN, status, label, moderator, now, reason, new_bans=True
        )
        expires = now + timedelta(days=days) if days else None
        Ban.objects.bulk_create(
            [
                Ban(
                    kind=kind,
                    value=value,
                    reason=reason,
                    created=now,
                    created_by=moderator,
                    expires=expires,
                    decision=decision,
                )
                for kind, value in targets
            ]
        )
    return decision


def _retrain_if_due(decisions: list[Decision]) -> None:
    """Queue a retraining if the filter has new labels and enough came in: one check (one count)
    for any number of decisions."""
    from masthead.moderation.services.training import filter_retrain_if_due

    if any(decision.label for decision in decisions):
        filter_retrain_if_due()


def _ban_targets(comment, kinds) -> list[tuple[str, str]]:
    targets = []
    if BanKind.ACCOUNT in kinds and comment.user_id:
        targets.append((BanKind.ACCOUNT, str(comment.user_id)))
    if BanKind.EMAIL in kinds:
        targets += [(BanKind.EMAIL, email) for email in _author_emails(comment)]
    if BanKind.ADDRESS in kinds and comment.ip_hash:
        targets.append((BanKind.ADDRESS, comment.ip_hash))
    return targets


def _author_emails(comment) -> list[str]:
    """The address the comment carries and, for a reader with an account, the account's address
    now: they may have moved since, and a ban by e-mail is meant for the reader."""
    emails = [comment.author_email.lower()] if comment.author_email else []
    account_email = (comment.user.email or "").lower() if comment.user_id else ""
    if account_email and account_email not in emails:
        emails.append(account_email)
    return emails


def ban_lift(*, ban: Ban, moderator=None, now: datetime | None = None) -> Ban:
    """Lift a ban by hand, recording who and when (the decisions log and the bans page show it).
    Refused if it was lifted already: the first lift stands, with its moderator.

    The other bans still standing on the same account, e-mail or address (one per decision that
    banned it: a bulk ban of several comments from one address makes several) are lifted with it:
    the moderator lifts the ban on the target, who may comment again."""
    now = now or timezone.now()
    with transaction.atomic():
        ban = Ban.objects.select_for_update().get(pk=ban.pk)
        if ban.lifted:
            raise ModerationRefused(BAN_ALREADY_LIFTED)
        ban.lifted, ban.lifted_by = now, moderator
        ban.save(update_fields=["lifted", "lifted_by"])
        Ban.objects.filter(Ban.active_q(now), kind=ban.kind, value=ban.value).update(
            lifted=now, lifted_by=moderator
        )
    return ban


def ban_reinstate(*, ban: Ban, moderator, now: datetime | None = None) -> Ban:
    """Undo a lift: bar the same account, address or network again, until the same end, as a
    new ban (the lifted one stays, with who lifted it); returns it. Refused once its period is
    over, while the same target is banned anyway, or once the target was lifted again since
    (only its newest lift is undone).

    A lift ends every ban standing on the target (ban_lift: one per decision that barred it), so
    every ban it ended together with this one and whose period runs on is made again too, each
    with its decision, end and reason: the target is barred again as it was, for as many
    comments, and undoing one of those decisions still lifts only its own."""
    now = now or timezone.now()
    with transaction.atomic():
        ban = Ban.objects.select_for_update().get(pk=ban.pk)
        if not ban.lifted:
            raise ModerationRefused(BAN_NOT_LIFTED)
        if ban.expires and ban.expires <= now:
            raise ModerationRefused(BAN_OVER)
        if Ban.objects.filter(Ban.active_q(now), kind=ban.kind, value=ban.value).exists():
            raise ModerationRefused(BAN_STANDS)
        # Only the newest lift is undone: a later one was decided after this, seeing more (the
        # bans page offers "Ban again" there alone; a stale tab may still post this one).
        newer_lift = (
            Ban.objects.filter(kind=ban.kind, value=ban.value, lifted__gt=ban.lifted)
            .select_related("lifted_by")
            .order_by("-lifted")
            .first()
        )
        if newer_lift:
            raise ModerationRefused(_lifted_again(newer_lift))
        lifted_together = (
            Ban.objects.filter(kind=ban.kind, value=ban.value, lifted=ban.lifted)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now))
            .exclude(pk=ban.pk)
            .order_by("id")
        )
        again = [
            Ban.objects.create(
                kind=lifted.kind,
                value=lifted.value,
                reason=lifted.reason,
                created=now,
                created_by=moderator,
                expires=lifted.expires,
                decision=lifted.decision,
                legacy_address=lifted.legacy_address,
                reinstates=lifted,
            )
            for lifted in [ban, *lifted_together]
        ]
        return again[0]


def _lifted_again(newer_lift: Ban) -> str:
    lifter = newer_lift.lifted_by
    return BAN_LIFTED_AGAIN.format(
        when=dateformat.format(timezone.localtime(newer_lift.lifted), "j M Y, H:i:s"),
        who=f" by {lifter.get_username()}" if lifter else "",
    )


def ban_reinstate_undo(*, ban: Ban, moderator, now: datetime | None = None) -> list[Ban]:
    """Undo a "Ban again" (`ban`, one of the bans it made): lift the bans it made that still
    stand, recording who and when, as undoing a ban decision lifts the bans the decision made.
    Bans made on the same target since, by other decisions, stand. Refused once they were lifted
    (the first lift stands, with its moderator) or their period is over."""
    now = now or timezone.now()
    with transaction.atomic():
        ban = Ban.objects.select_for_update().get(pk=ban.pk)
        if ban.reinstates_id is None:
            raise ModerationRefused(NOT_BANNED_AGAIN)
        made_again = Ban.objects.select_for_update().filter(
            kind=ban.kind, value=ban.value, created=ban.created, reinstates__isnull=False
        )
        standing = list(made_again.filter(Ban.active_q(now)).order_by("id"))
        if not standing:
            lifted = made_again.filter(lifted__isnull=False).exists()
            raise ModerationRefused(BAN_ALREADY_LIFTED if lifted else BAN_AGAIN_OVER)
        Ban.objects.filter(pk__in=[b.pk for b in standing]).update(lifted=now, lifted_by=moderator)
        for standing_ban in standing:
            standing_ban.lifted, standing_ban.lifted_by = now, moderator
    return standing


def decision_undo(*, decision: Decision, moderator, now: datetime | None = None) -> Decision:
    """Put the comment back as it was before the decision, lift bans it made, reopen the reports
    it settled, forget its label. Refused once the comment has been moderated again since.

    Undoing a ban also puts back for review the comments its author posted while the ban stood,
    which it sent to spam (see _release_barred_comments): `released` on the decision returned
    lists the decisions that did so (empty for other decisions)."""
    from masthead.discussion.services.comments import thread_changed

    now = now or timezone.now()
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update().select_related("comment").get(pk=decision.pk)
        )
        if decision.undone:
            raise ModerationRefused(ALREADY_UNDONE)
        if _moderated_since(decision):
            raise ModerationRefused(CHANGED_SINCE)
        decision.released = _undo(decision, moderator, now)
        thread_changed(decision.comment.article_id, recount=True)
    return decision


def decision_batch_undo(*, batch: uuid.UUID, moderator, now: datetime | None = None) -> list:
    """Undo every standing decision of one bulk action, all or none: if any of its comments has
    been moderated again since, nothing is undone. Decisions undone one by one are skipped.
    Each decision returned has `released`, as decision_undo's."""
    from masthead.discussion.services.comments import thread_changed

    now = now or timezone.now()
    with transaction.atomic():
        decisions = list(
            Decision.objects.select_for_update()
            .select_related("comment")
            .filter(batch=batch, undone__isnull=True)
            .order_by("id")
        )
        if not decisions:
            raise ModerationRefused(ALREADY_UNDONE)
        changed = sum(1 for decision in decisions if _moderated_since(decision))
        if changed:
            raise ModerationRefused(
                BATCH_CHANGED_SINCE.format(
                    changed=changed, total=len(decisions), have="has" if changed == 1 else "have"
                )
            )
        for decision in decisions:
            decision.released = _undo(decision, moderator, now)
        for article_id in {decision.comment.article_id for decision in decisions}:
            thread_changed(article_id, recount=True)
    return decisions


def _check_ban_length(days: int | None) -> None:
    if days is not None and not 0 < days <= BAN_DAYS_MAX:
        raise ModerationRefused(BAN_LENGTH_INVALID)


def _moderated_since(decision: Decision) -> bool:
    """The comment changed since the decision, or a later decision stands on it."""
    return (
        decision.comment.status != decision.new_status
        or Decision.objects.filter(
            comment_id=decision.comment_id, undone__isnull=True, pk__gt=decision.pk
        ).exists()
    )


def _undo(decision: Decision, moderator, now: datetime) -> list[Decision]:
    """Undo the decision; returns the decisions that put its author's comments back for review."""
    from masthead.moderation.services.featuring import pick_restore

    comment = decision.comment
    comment.status = decision.previous_status
    decision.undone, decision.undone_by = now, moderator
    decision.save(update_fields=["undone", "undone_by"])
    pick_restore(comment)
    comment.save(update_fields=["status", "featured_at", "featured_by"])
    decision.bans.filter(lifted__isnull=True).update(lifted=now, lifted_by=moderator)
    # The reports the decision settled are open again (it settled them at its own time).
    Report.objects.filter(comment=comment, resolved=decision.created).update(resolved=None)
    if decision.action == DecisionAction.BAN:
        return _release_barred_comments(decision, moderator, now)
    return []


def _release_barred_comments(decision: Decision, moderator, now: datetime) -> list[Decision]:
    """The comments sent to spam only because a ban barred their author go back to the pending
    queue once that ban is undone and no other bars them, each with a decision in the log (which
    can be undone) and no label: nobody has judged their words yet. A comment the filter or a
    moderator has judged since (an edit assessed anew, a decision standing on it) stays as it is,
    and so does one whose author another ban still bars.

    A comment's verdict names one of the bans that barred it, not necessarily this decision's:
    a bulk ban, or two bans of one reader, makes a set of bans per decision. So the comments
    looked at are those this decision's bans barred (by their verdict or by what they carry),
    and one is released once the ban its verdict names was undone, by this or an earlier undo:
    undoing the bans one after another (or a bulk ban in one step) releases it at the last."""
    from masthead.discussion.models import Comment, CommentStatus
    from masthead.discussion.services.comments import thread_changed

    bans = list(decision.bans.all())  # made again ones included
    barred = Q(pk__in=[])  # matches nothing; each ban adds what it bars
    for ban in bans:
        barred |= Q(verdicts__ban__kind=ban.kind, verdicts__ban__value=ban.value)
        if ban.kind == BanKind.ACCOUNT:
            barred |= Q(user_id=ban.value)
        elif ban.kind == BanKind.EMAIL:
            barred |= Q(author_email__iexact=ban.value) | Q(user__email__iexact=ban.value)
        else:
            barred |= Q(ip_hash=ban.value)
    candidates = (
        Comment.objects.filter(barred, status=CommentStatus.SPAM)
        .exclude(pk=decision.comment_id)
        .values_list("pk", flat=True)
        .distinct()
    )
    released = []
    changed_articles = set()
    for comment in (
        Comment.objects.select_for_update()
        .filter(pk__in=list(candidates), status=CommentStatus.SPAM)
        .order_by("article_id", "pk")
    ):
        verdict = (
            CommentVerdict.objects.filter(comment=comment)
            .select_related("ban__decision")
            .order_by("-created", "-id")[0]
        )
        judged_since = Decision.objects.filter(
            comment=comment, undone__isnull=True, created__gte=verdict.created
        ).exists()
        if not _ban_undone(verdict.ban) or judged_since or _still_barred(comment, now):
            continue
        comment.status = CommentStatus.PENDING
        comment.save(update_fields=["status"])
        released.append(
            Decision.objects.create(
                comment=comment,
                action=DecisionAction.RELEASE,
                moderator=moderator,
                previous_status=CommentStatus.SPAM,
                new_status=CommentStatus.PENDING,
                note=BAN_UNDONE_NOTE,
                body=comment.body,
                fingerprint=verdict.fingerprint,
                created=now,
            )
        )
        changed_articles.add(comment.article_id)
    # Spam and pending comments are neither shown nor counted: the threads' counts stay as they
    # are, only their versions move (the moderation views of them change).
    for article_id in sorted(changed_articles):
        thread_changed(article_id)
    return released


def _ban_undone(ban: Ban | None) -> bool:
    """The ban was lifted by undoing the decision that made it (a ban lifted by hand lets its
    reader comment again from then on, and leaves what they posted while barred as it is)."""
    return (
        ban is not None
        and ban.lifted is not None
        and ban.decision is not None
        and ban.decision.undone is not None
    )


def _still_barred(comment, now: datetime) -> bool:
    """Whether a standing ban bars the comment's author, as a new comment of theirs would be
    barred (assessing.barring_ban). The comment keeps the hash of its network only; the hash of
    its full address, which an address ban made before IPv6 counted per /64 holds, is known
    from the address bans its verdicts name (barring_ban names such a ban first)."""
    from masthead.moderation.services.assessing import barring_ban

    named = CommentVerdict.objects.filter(comment=comment, ban__kind=BanKind.ADDRESS).values_list(
        "ban__value", flat=True
    )
    return (
        barring_ban(
            user_id=comment.user_id,
            emails=_author_emails(comment),
            address_hashes=[comment.ip_hash, *named],
            now=now,
        )
        is not None
    )


def comments_moderate(
    *, comments, action: str, moderator, now: datetime | None = None, **options
) -> ModerationOutcome:
    """The same action on many comments (the queue's bulk actions). A comment the action cannot
    change or is refused for is left as it is and counted in the outcome; the others go ahead.
    Decisions made together share a `batch`, so that they can be undone in one step."""
    from masthead.discussion.models import Comment
    from masthead.discussion.services.comments import recounts_gathered
    from masthead.moderation.services.featuring import comment_feature, comment_unfeature

    handlers = {
        "approve": _approve,
        "spam": _mark_spam,
        "remove": _remove,
        "ban": _ban,
        "feature": comment_feature,
        "unfeature": comment_unfeature,
    }
    if action not in handlers:
        raise ModerationRefused(UNKNOWN_ACTION)
    if action == "ban":
        _check_ban_length(options.get("days"))  # said once, not swallowed per comment
    now = now or timezone.now()
    # Article by article: each decision updates its article's thread counts, and two bulk
    # actions taking the same articles in opposite orders would deadlock on PostgreSQL.
    comments = sorted(comments, key=lambda comment: (comment.article_id, comment.pk))
    decisions, refused, unchanged, already = [], [], 0, ""
    with transaction.atomic():
        # Lock them all first, in one order, so that two bulk actions over the same comments
        # wait for each other instead of deadlocking (PostgreSQL; each decision locks its own).
        list(
            Comment.objects.select_for_update()
            .filter(pk__in=[comment.pk for comment in comments])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with recounts_gathered():  # each thread recounted once, after all its decisions
            for comment in comments:
                try:
                    decisions.append(
                        handlers[action](comment=comment, moderator=moderator, now=now, **options)
                    )
                except AlreadyDecided as refusal:
                    unchanged, already = unchanged + 1, refusal.already
                except ModerationRefused as refusal:
                    refused.append(refusal.message)
        if len(decisions) > 1:
            batch = uuid.uuid4()
            Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(batch=batch)
            for decision in decisions:
                decision.batch = batch
        _retrain_if_due(decisions)
    return ModerationOutcome(decisions, unchanged, already, refused)


def _decide(
    comment, action, new_status, label, moderator, now, note, *, new_bans=False
) -> Decision:
    """Log the decision, settle the reports, label the comment. Approving a published comment
    nobody reported (or marking spam twice...) is refused as a no-op: logged, it would count as
    a new training label. A ban (`new_bans`) always does something, but teaches the filter only
    if its label is news for the comment.

    The comment's status is read under a row lock: two moderators acting on the same comment at
    once take turns, and the second sees what the first did (a no-op, or a change from it)."""
    from masthead.discussion.models import Comment, CommentStatus
    from masthead.discussion.services.comments import comment_published, thread_changed

    now = now or timezone.now()
    with transaction.atomic():
        # The text too, as it is now: the label is for the words the moderator decided on.
        previous, body = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values_list("status", "body")
            .get()
        )
        if (
            previous == new_status
            and not new_bans
            and not Report.objects.filter(comment=comment, resolved__isnull=True).exists()
        ):
            raise AlreadyDecided(previous)
        if label and label == _standing_label(comment):
            label = ""  # the filter has learnt this of the comment already; once is enough
        comment.status = new_status
        changed = ["status"]
        if new_status != CommentStatus.PUBLISHED:
            # A comment taken down is no longer featured (undoing this brings the pick back).
            comment.featured_at = comment.featured_by = None
            changed += ["featured_at", "featured_by"]
        comment.save(update_fields=changed)
        fingerprint = (
            CommentVerdict.objects.filter(comment=comment)
            .values_list("fingerprint", flat=True)
            .first()
            or b""
        )
        decision = Decision.objects.create(
            comment=comment,
            action=action,
            moderator=moderator,
            previous_status=previous,
            new_status=new_status,
            note=note[:200],
            body=body,
            label=label,
            fingerprint=fingerprint,
            created=now,
        )
        Report.objects.filter(comment=comment, resolved__isnull=True).update(resolved=now)
        thread_changed(comment.article_id, recount=True)
        if (
            new_status == CommentStatus.PUBLISHED
            and previous != CommentStatus.PUBLISHED
            and not _was_ever_published(comment, decision)
        ):
            comment_published(comment)  # subscribers hear of it now, as if it had just been posted
    return decision


def _standing_label(comment) -> str:
    """What the filter currently learns from the comment: its latest labelled decision not undone."""
    return (
        Decision.objects.filter(comment=comment, undone__isnull=True)
        .exclude(label="")
        .order_by("-created", "-id")
        .values_list("label", flat=True)
        .first()
        or ""
    )


def _was_ever_published(comment, decision) -> bool:
    """Subscribers were told when the comment was first published; a later re-approval is silent."""
    from masthead.discussion.models import CommentStatus

    first_verdict = CommentVerdict.objects.filter(comment=comment).order_by("created", "id").first()
    if first_verdict is not None and first_verdict.action == "publish":
        return True
    return (
        Decision.objects.filter(comment=comment, new_status=CommentStatus.PUBLISHED)
        .exclude(pk=decision.pk)
        .exists()
    )
