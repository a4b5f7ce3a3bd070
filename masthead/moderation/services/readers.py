"""What a change to a reader's account means for moderation: a ban on their e-mail address
follows them to a new one."""

from datetime import datetime

from django.utils import timezone

from masthead.moderation.models import Ban, BanKind

CARRIED_NOTE = "carried to the account's new e-mail address"


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
