"""What a change to a reader's account means for moderation: a ban on their e-mail address
follows them to a new one, and a deleted account's name and address leave the records that
quote them (the scores and labels stay: they teach the filter)."""

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masthead.moderation.models import Ban, BanKind, CommentVerdict, Decision, Report

CARRIED_NOTE = "carried to the account's new e-mail address"
# What the records say where they quoted a deleted account's name or address.
ERASED_MENTION = "[deleted account]"
# The verdict's reason "author name advertises something: …" quotes at most this much of a name.
QUOTED_NAME_LENGTH = 40


def email_bans_carry(*, old_email: str, new_email: str, now: datetime | None = None) -> list[Ban]:
    """Ban `new_email` wherever `old_email` stands banned, until the same end, for the same
    decision (undoing it lifts both): an account banned by e-mail must not comment again by
    moving to another address. Each copy shows among the bans, its reason saying so; a ban the
    new address has already (same decision, same end) is not copied twice."""
    now = now or timezone.now()
    old_email, new_email = old_email.strip().lower(), new_email.strip().lower()
    if not old_email or not new_email or old_email == new_email:
        return []
    active = Ban.objects.filter(kind=BanKind.EMAIL).filter(Ban.active_q(now))
    already = set(active.filter(value=new_email).values_list("decision_id", "expires"))
    carried = [
        Ban(
            kind=BanKind.EMAIL,
            value=new_email,
            reason=_with_note(ban.reason, CARRIED_NOTE, Ban._meta.get_field("reason").max_length),
            created=now,
            created_by_id=ban.created_by_id,
            expires=ban.expires,
            decision_id=ban.decision_id,
        )
        for ban in active.filter(value=old_email).order_by("pk")
        if (ban.decision_id, ban.expires) not in already
    ]
    return Ban.objects.bulk_create(carried)


def _with_note(reason: str, note: str, max_length: int) -> str:
    if not reason:
        return note[:max_length]
    suffix = f" ({note})"
    return reason[: max_length - len(suffix)] + suffix


def reader_mentions_erase(*, comment_ids: Iterable[int], account_id: int, quoted: Iterable[str]):
    """Replace every quotation of a deleted account's names and addresses (`quoted`, whatever
    their case) in what moderation keeps of its comments: the filter's reasons, the moderators'
    notes in the log, the reasons of bans on them or on the account, readers' report notes.

    Scores, labels and fingerprints stay, as does the value a ban bars (it keeps barring). Only
    the records of the account's own comments and bans are read: elsewhere a word that happens
    to be a reader's name is not theirs."""
    pattern = _mentions_pattern(quoted)
    if pattern is None:
        return
    comment_ids = list(comment_ids)
    with transaction.atomic():
        for verdict in CommentVerdict.objects.filter(comment_id__in=comment_ids).only("reasons"):
            reasons = [
                pattern.sub(ERASED_MENTION, reason) if isinstance(reason, str) else reason
                for reason in verdict.reasons
            ]
            if reasons != verdict.reasons:
                verdict.reasons = reasons
                verdict.reasons_text = CommentVerdict.searchable(reasons)
                verdict.save(update_fields=["reasons", "reasons_text"])
        _erase_in(Decision.objects.filter(comment_id__in=comment_ids), "note", pattern)
        _erase_in(Report.objects.filter(comment_id__in=comment_ids), "note", pattern)
        bans = Ban.objects.filter(
            Q(decision__comment_id__in=comment_ids) | Q(kind=BanKind.ACCOUNT, value=str(account_id))
        )
        _erase_in(bans, "reason", pattern)


def _mentions_pattern(quoted: Iterable[str]) -> re.Pattern | None:
    """One expression for every name and address, longest first, each also as a reason quotes
    it (cut short), and only as whole words: "Al" does not erase "Also"."""
    mentions = set()
    for text in quoted:
        text = " ".join((text or "").split())
        if len(text) > 1:
            mentions |= {text, text[:QUOTED_NAME_LENGTH].rstrip()}
    if not mentions:
        return None
    alternatives = "|".join(re.escape(text) for text in sorted(mentions, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _erase_in(rows, field: str, pattern: re.Pattern) -> None:
    max_length = rows.model._meta.get_field(field).max_length
    changed = []
    for row in rows.only(field):
        text = getattr(row, field)
        erased = pattern.sub(ERASED_MENTION, text)[:max_length]
        if erased != text:
            setattr(row, field, erased)
            changed.append(row)
    rows.model.objects.bulk_update(changed, [field], batch_size=500)
