"""The e-mails discussion sends: subscription confirmations and notifications (with digests)."""

import contextlib
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from masthead.discussion.markdown import plain_text
from masthead.discussion.models import SubscriptionKind
from masthead.discussion.selectors.articles import is_open_article
from masthead.discussion.subscription_links import subscription_token
from masthead.links import absolute_url
from masthead.mail import sender

# What each kind of subscription asked to hear about, as the footer of a notification says it.
TOPICS = {
    SubscriptionKind.ALL: "new comments",
    SubscriptionKind.REPLIES: "replies to your comments",
}


def _site_name(article) -> str:
    from masthead.publishing.models import SiteIdentity

    return SiteIdentity.name_for(article.get_site())


class Mailing:
    """A run of notifications to many readers: one connection to the mail server for all of them
    (not a new one, with its TLS handshake, per e-mail) and each site's name looked up once."""

    def __init__(self):
        self._connection = get_connection()
        self._site_names: dict[int, str] = {}

    @property
    def connection(self):
        # Opened here, not by the send: a backend closes again the connections it opened itself.
        self._connection.open()
        return self._connection

    def site_name(self, article) -> str:
        if article.pk not in self._site_names:
            self._site_names[article.pk] = _site_name(article)
        return self._site_names[article.pk]

    def reconnect(self) -> None:
        """After a failed send: the next e-mail opens a fresh connection."""
        with contextlib.suppress(smtplib.SMTPException, OSError):  # it is being dropped anyway
            self._connection.close()

    def close(self) -> None:
        self._connection.close()


def _send(
    *,
    subject: str,
    to: str,
    template: str,
    context: dict,
    unsubscribe_url: str | None = None,
    connection=None,
) -> None:
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        # RFC 8058: mail clients offer their own one-click "Unsubscribe" and POST to this address.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # names and titles may hold line breaks
        body=render_to_string(f"discussion/emails/{template}.txt", context),
        from_email=sender(context["site_name"]),
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(
        render_to_string(f"discussion/emails/{template}.html", context), "text/html"
    )
    message.send()


def send_confirmation(subscription) -> None:
    article = subscription.article
    context = {
        "article": article,
        "article_url": absolute_url(article.url),
        "site_name": _site_name(article),
        "kind": subscription.get_kind_display().lower(),
        "confirm_url": absolute_url(
            reverse("discussion:subscription-confirm", args=[subscription_token(subscription)])
        ),
    }
    _send(
        subject=f"Please confirm: notifications for “{article.title}”",
        to=subscription.email,
        template="confirm_subscription",
        context=context,
    )


def send_notification(subscriptions, comments, mailing: Mailing) -> None:
    """One e-mail about new comments for a reader's subscriptions (one or both kinds) to an
    article, sent on `mailing`'s connection; comments answering the reader are marked as replies
    to them."""
    subscription = subscriptions[0]
    article = subscription.article
    kinds = {s.kind for s in subscriptions}
    # Its unsubscribe link stops every subscription this e-mail serves (see subscription_unsubscribe).
    unsubscribe_url = absolute_url(
        reverse("discussion:subscription-unsubscribe", args=[subscription_token(subscription)])
    )
    items = [
        {
            "author_name": comment.author_name,
            "text": plain_text(comment.body),
            "html": comment.body_html,
            "url": absolute_url(reverse("discussion:comment", args=[comment.pk])),
            "created": comment.created,
            "is_reply_to_you": _answers(comment, subscriptions),
        }
        for comment in comments
    ]
    context = {
        "article": article,
        "article_url": absolute_url(article.url),
        "site_name": mailing.site_name(article),
        "comments": items,
        "unsubscribe_url": unsubscribe_url,
        "all_replies": all(item["is_reply_to_you"] for item in items),
        "topics": " and ".join(TOPICS[kind] for kind in SubscriptionKind.values if kind in kinds),
        # An article restricted (a password, signed-in readers, groups) since the reader followed
        # it: its comments stay behind the restriction, and the e-mail only points to them.
        "protected": not is_open_article(article.pk),
    }
    _send(
        subject=_notification_subject(items, article.title),
        to=subscription.email,
        template="notification",
        context=context,
        unsubscribe_url=unsubscribe_url,
        connection=mailing.connection,
    )


def _notification_subject(items, title: str) -> str:
    """Says first what the reader most wants to know: that someone answered them."""
    replies = sum(item["is_reply_to_you"] for item in items)
    if len(items) == 1:
        verb = "replied to you" if replies else "commented"
        return f"{items[0]['author_name']} {verb} on “{title}”"
    if replies == len(items):
        return f"{replies} replies to you on “{title}”"
    if replies:
        reply_count = "1 reply" if replies == 1 else f"{replies} replies"
        return f"{len(items)} new comments on “{title}”, {reply_count} to you"
    return f"{len(items)} new comments on “{title}”"


def _answers(comment, subscriptions) -> bool:
    """Whether the comment answers the reader: one written from their address, or by the account
    that asked for their subscriptions (it may have moved to another address since)."""
    answered = comment.replied_to or comment.parent
    if answered is None:
        return False
    email = subscriptions[0].email
    accounts = {s.user_id for s in subscriptions if s.user_id is not None}
    return answered.author_email.lower() == email.lower() or answered.user_id in accounts
