"""A reader's account as the account page shows it: their comments and the discussions they
follow."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Max, Q

from masthead.discussion import conf
from masthead.discussion.models import (
    Comment,
    CommentStatus,
    Subscription,
    SubscriptionKind,
)
from masthead.discussion.selectors.threads import OWN_UNPUBLISHED

# Discussions the account page lists at a time.
FOLLOWED_PER_PAGE = 50


def account_comments(user):
    """The account's comments as the thread shows them to their author, newest first: published
    ones, and those awaiting moderation (ones taken for spam among them, which tell their author
    no more than that); not deleted ones, nor those a moderator removed, nor any on an article
    that is not live."""
    return (
        Comment.objects.filter(
            user=user,
            deleted__isnull=True,
            status__in=[CommentStatus.PUBLISHED, *OWN_UNPUBLISHED],
            article__live=True,
        )
        .select_related("article")
        .only("pk", "body", "status", "created", "edited", "article_id", "article__title")
        .order_by("-created", "-id")
    )


@dataclass
class FollowedDiscussion:
    """An article whose new comments an account's reader hears of, at one address."""

    article: object
    email: str
    # Any of the article's subscriptions at this address: stopping one stops them all.
    subscription_id: int
    kinds: list[str] = field(default_factory=list)
    confirmed: bool = False

    @property
    def kind_labels(self) -> list[str]:
        ordered = sorted(self.kinds, key=SubscriptionKind.values.index)
        return [SubscriptionKind(kind).label for kind in ordered]


@dataclass(frozen=True)
class Authorship:
    """An account's comments, and every name and address it wrote them under."""

    comment_ids: list[int]
    names: set[str]
    emails: set[str]


def account_authorship(user) -> Authorship:
    """The account's comments (deleted ones too) with the names and addresses they carry, and
    the account's own: what a record may quote of the reader behind it."""
    rows = list(Comment.objects.filter(user=user).values_list("pk", "author_name", "author_email"))
    return Authorship(
        comment_ids=[pk for pk, _, _ in rows],
        names={name for _, name, _ in rows} | {user.get_full_name(), user.get_username()},
        emails={email for _, _, email in rows} | {user.email},
    )


def _followed(user, *, now: datetime):
    """The account's active subscriptions, and those whose confirmation link still works."""
    still_confirmable = now - timedelta(days=conf.SUBSCRIPTION_CONFIRM_DAYS)
    return Subscription.objects.filter(user=user, unsubscribed__isnull=True).filter(
        Q(confirmed__isnull=False) | Q(created__gte=still_confirmable)
    )


def account_follows_any(user, *, now: datetime) -> bool:
    """Whether the account follows any discussion (account_subscriptions would list one)."""
    return _followed(user, now=now).exists()


def account_subscriptions_page(
    user, *, now: datetime, page_number, per_page: int | None = None
) -> Page:
    """A page of account_subscriptions' rows: the page's articles and addresses are chosen in
    the database (newest subscription first), and only their subscriptions read, so an account
    following thousands of discussions costs the same few queries. A page number past the end
    gives the last page."""
    pairs = (
        _followed(user, now=now)
        .order_by()
        .values("article_id", "email")
        .annotate(newest=Max("created"), newest_id=Max("id"))
        .order_by("-newest", "-newest_id")
    )
    page = Paginator(pairs, per_page or FOLLOWED_PER_PAGE).get_page(page_number)
    on_page = list(page.object_list)
    wanted = {(pair["article_id"], pair["email"]) for pair in on_page}
    rows = account_subscriptions(
        user,
        now=now,
        subscriptions=_followed(user, now=now).filter(
            article_id__in={article_id for article_id, _ in wanted},
            email__in={email for _, email in wanted},
        ),
    )
    page.object_list = [row for row in rows if (row.article.pk, row.email) in wanted]
    return page


def account_subscriptions(user, *, now: datetime, subscriptions=None) -> list[FollowedDiscussion]:
    """What the account asked to be notified of, newest first, one row per article and address
    (one e-mail and one link serve both kinds): active subscriptions, and those whose
    confirmation link still works (or those of `subscriptions`, some of them)."""
    if subscriptions is None:
        subscriptions = _followed(user, now=now)
    subscriptions = (
        subscriptions.select_related("article")
        .only(
            "pk",
            "email",
            "kind",
            "created",
            "confirmed",
            "article_id",
            "article__title",
            "article__url_path",
        )
        .order_by("-created", "-id")
    )
    rows: dict[tuple[int, str], FollowedDiscussion] = {}
    for subscription in subscriptions:
        row = rows.setdefault(
            (subscription.article_id, subscription.email),
            FollowedDiscussion(
                article=subscription.article,
                email=subscription.email,
                subscription_id=subscription.pk,
            ),
        )
        row.kinds.append(subscription.kind)
        row.confirmed = row.confirmed or subscription.confirmed is not None
    return list(rows.values())


def account_follows(*, article, user, email: str, kind: str) -> bool:
    """Whether the account has an active subscription of this kind to the article at `email`."""
    if user is None:
        return False
    return Subscription.objects.filter(
        article=article,
        email=email.lower(),
        kind=kind,
        user=user,
        confirmed__isnull=False,
        unsubscribed__isnull=True,
    ).exists()


def account_following_addresses(*, article, user) -> list[str]:
    """The addresses at which the account hears of every new comment on the article (its active
    subscriptions of the kind "all"): where the article shows that it follows, and a button to
    stop. Usually one; an account that moved to a new address keeps the one that confirmed."""
    if user is None or not user.is_authenticated:
        return []
    return sorted(
        Subscription.objects.filter(
            article=article,
            user=user,
            kind=SubscriptionKind.ALL,
            confirmed__isnull=False,
            unsubscribed__isnull=True,
        ).values_list("email", flat=True)
    )
