"""E-mail to moderators when comments wait for review (WordPress's "comment held for
moderation" notice), batched so that a spam wave sends one message, not hundreds."""

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from masthead.links import absolute_url
from masthead.mail import sender
from masthead.moderation.models import (
    Decision,
    DecisionAction,
    ModerationSettings,
    ModeratorAlert,
    Report,
)

logger = logging.getLogger(__name__)

ALERT_INTERVAL = timedelta(minutes=10)
LISTED = 20  # comments described in one message; the rest are counted
NOBODY_WARNING_INTERVAL = timedelta(hours=1)


def alert_recipients(options: ModerationSettings) -> list[str]:
    # "#desk@example.com" may be an address set aside as "#" once did: never mailed (saving the
    # settings asks for "# " or the address without its #).
    listed = [
        line
        for line in ModerationSettings.lines(options.alert_recipients)
        if not line.startswith("#")
    ]
    if listed:
        return listed
    moderators = get_user_model().objects.with_perm(
        "moderation.moderate_comments", include_superusers=True
    )
    return sorted({user.email for user in moderators if user.email})


def comments_awaiting_alert(site: Site):
    """Comments of the site's articles that wait for review and that no alert has mentioned
    since they were last held: a comment approved and then hidden again by readers' reports is
    news to the moderators a second time. So is a comment a moderator approved that readers
    reported again past the site's threshold: reports no longer hide it (Coral Talk's rule, see
    selectors.approval_standing), but the approval may have been wrong; it is announced once
    per approval, not on every report after."""
    from masthead.discussion.models import Comment, CommentStatus

    last_alerted = ModeratorAlert.objects.filter(comments=OuterRef("pk")).order_by("-sent")
    last_held = Decision.objects.filter(
        comment=OuterRef("pk"), new_status=CommentStatus.PENDING, undone__isnull=True
    ).order_by("-created")
    last_decision = (
        Decision.objects.filter(comment=OuterRef("pk"), undone__isnull=True)
        .exclude(action__in=[DecisionAction.FEATURE, DecisionAction.UNFEATURE])
        .order_by("-created", "-id")
    )
    # Distinct readers as the hide threshold counts them (services.reports.comment_report).
    reporters = (
        Report.objects.filter(comment=OuterRef("pk"), resolved__isnull=True)
        .annotate(reporter=Coalesce(NullIf("ip_hash", Value("")), "reader_key"))
        .values("comment")
        .annotate(count=Count("reporter", distinct=True))
        .values("count")
    )
    threshold = ModerationSettings.for_site(site).report_threshold

    def not_alerted_since(moment: str) -> Q:
        return Q(last_alerted__isnull=True) | Q(**{f"{moment}__gt": F("last_alerted")})

    held = Q(status=CommentStatus.PENDING) & not_alerted_since("last_held")
    reported_after_approval = (
        Q(status=CommentStatus.PUBLISHED, last_action=DecisionAction.APPROVE)
        & Q(reporters__gte=threshold)
        & not_alerted_since("last_decided")
    )
    return (
        Comment.objects.filter(
            Q(status=CommentStatus.PENDING)
            | Q(
                status=CommentStatus.PUBLISHED,
                pk__in=Report.objects.filter(resolved__isnull=True).values("comment_id"),
            ),
            deleted__isnull=True,
            article__path__startswith=site.root_page.path,
        )
        .annotate(
            last_alerted=Subquery(last_alerted.values("sent")[:1]),
            last_held=Subquery(last_held.values("created")[:1]),
            last_action=Subquery(last_decision.values("action")[:1]),
            last_decided=Subquery(last_decision.values("created")[:1]),
            reporters=Coalesce(Subquery(reporters[:1]), 0, output_field=IntegerField()),
        )
        .filter(held | reported_after_approval)
        .select_related("article")
        .order_by("created", "id")
    )


def _why_held(comment) -> list[str]:
    from masthead.discussion.models import CommentStatus

    if comment.status == CommentStatus.PUBLISHED:  # reported again after an approval
        approval = next(
            (
                d
                for d in comment.decisions.all()
                if d.action == DecisionAction.APPROVE and d.undone is None
            ),
            None,
        )
        by = f" by {approval.made_by}" if approval is not None else ""
        return [
            f"{comment.reporters} reader{pluralize(comment.reporters)} reported it after it "
            f"was approved{by}; "
            "it stays shown until a moderator looks again"
        ]
    hidden = next((d for d in comment.decisions.all() if d.action == DecisionAction.HIDE), None)
    if hidden is not None:
        return [hidden.note or "hidden by readers' reports"]
    verdict = next(iter(comment.verdicts.all()), None)
    return list(verdict.reasons) if verdict is not None and verdict.reasons else []


def moderator_alert_send(site: Site, *, now: datetime | None = None) -> ModeratorAlert | None:
    """Tell the site's moderators about the comments held since the last alert, unless an alert
    went out less than ALERT_INTERVAL ago (the next run sends what arrived meanwhile)."""
    from masthead.discussion.models import CommentStatus
    from masthead.publishing.models import SiteIdentity

    now = now or timezone.now()
    options = ModerationSettings.for_site(site)
    if not options.alert_moderators:
        return None
    last = ModeratorAlert.objects.filter(site=site).values_list("sent", flat=True).first()
    if last is not None and now - last < ALERT_INTERVAL:
        return None
    # Every waiting comment is counted and recorded as alerted, but only the first LISTED are
    # read whole: a backlog of thousands costs their ids, not their rows.
    awaiting = comments_awaiting_alert(site)
    waiting = list(awaiting.values_list("pk", flat=True))
    if not waiting:
        return None
    listed = awaiting.filter(pk__in=waiting[:LISTED]).prefetch_related("verdicts", "decisions")
    recipients = alert_recipients(options)
    if not recipients:
        # The clock runs every minute; once an hour is enough to be noticed in the logs.
        warned = f"moderation:alert-nobody:{site.pk}"
        if cache.add(warned, True, timeout=NOBODY_WARNING_INTERVAL.total_seconds()):
            logger.warning(
                "%d comments wait for review on %s and nobody can be alerted: give a moderator "
                "an e-mail address or list addresses in Settings → Moderation",
                len(waiting),
                site,
            )
        return None
    site_name = SiteIdentity.name_for(site)
    queue_url = absolute_url(reverse("moderation_queue")) + "?queue=pending"
    reported_url = absolute_url(reverse("moderation_queue")) + "?queue=reported"
    context = {
        "site_name": site_name,
        "count": len(waiting),
        "items": [
            {
                "comment": comment,
                "reasons": _why_held(comment),
                "held": comment.status != CommentStatus.PUBLISHED,
                "queue_url": (
                    f"{queue_url}&article={comment.article_id}"
                    if comment.status != CommentStatus.PUBLISHED
                    else f"{reported_url}&article={comment.article_id}"
                ),
            }
            for comment in listed
        ],
        "more": max(0, len(waiting) - LISTED),
        "queue_url": queue_url,
        "settings_url": absolute_url(
            reverse("wagtailsettings:edit", args=["moderation", "moderationsettings"])
        ),
    }
    subject = (
        f"[{site_name}] A comment awaits moderation"
        if len(waiting) == 1
        else f"[{site_name}] {len(waiting)} comments await moderation"
    )
    text = render_to_string("moderation/emails/alert.txt", context)
    html = render_to_string("moderation/emails/alert.html", context)
    # Recorded and sent together: if the mail server refuses, nothing is marked as alerted and
    # the next run tries again.
    with transaction.atomic():
        alert = ModeratorAlert.objects.create(site=site, sent=now, recipients=len(recipients))
        alert.comments.set(waiting)
        for address in recipients:
            message = EmailMultiAlternatives(
                subject=subject,
                body=text,
                from_email=sender(site_name),
                to=[address],
                headers={"Auto-Submitted": "auto-generated"},
            )
            message.attach_alternative(html, "text/html")
            message.send()
    return alert


def moderator_alerts_send(now: datetime | None = None) -> int:
    """Run by the task worker's clock every minute: one alert per site at most."""
    sent = 0
    for site in Site.objects.select_related("root_page"):
        if moderator_alert_send(site, now=now) is not None:
            sent += 1
    return sent
