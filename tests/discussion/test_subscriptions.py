import email
import email.policy
import re
import socket
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.accounts.services import account_email_change
from masthead.discussion.models import Comment, PendingNotification, Subscription
from masthead.discussion.services import (
    SubscriptionRefused,
    comment_notify_subscribers,
    subscription_confirm,
    subscription_follow,
    subscription_request,
    subscription_stop,
    subscription_unfollow,
    subscription_unsubscribe,
    subscriptions_deliver_due,
)
from masthead.discussion.subscription_links import subscription_for_token, subscription_token
from tests.discussion.conftest import guest
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def confirm_link(message) -> str:
    return re.search(r"http://\S+/comments/subscriptions/(\S+)/confirm/", message.body).group(1)


def subscribe_and_confirm(article, email, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email=email, kind=kind)
    token = confirm_link(mail.outbox[-1])
    return subscription_confirm(token=token)


def test_double_opt_in_sends_nothing_before_confirmation(
    article, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email="Reader@Example.com", kind="all")
    assert len(mail.outbox) == 1
    assert "Please confirm" in mail.outbox[0].subject
    assert mail.outbox[0].from_email == "The Harbour Ledger <newsroom@localhost>"  # the site's
    with django_capture_on_commit_callbacks(execute=True):
        post("Before confirming")
    assert len(mail.outbox) == 1  # not confirmed: nothing sent

    subscription = subscription_confirm(token=confirm_link(mail.outbox[0]))
    assert subscription.is_active and subscription.email == "reader@example.com"


def test_follow_up_comment_is_mailed_with_one_click_unsubscribe(
    article, post, django_capture_on_commit_callbacks
):
    subscribe_and_confirm(article, "fan@example.com", "all", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("A fresh point of view", name="Noor")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fan@example.com"]
    assert "Noor commented on" in message.subject
    assert "A fresh point of view" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body


def test_a_name_with_line_breaks_is_shown_on_one_line_and_mailed(
    article, post, django_capture_on_commit_callbacks
):
    subscribe_and_confirm(article, "fan@example.com", "all", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = post("Line breaks in my name", name="Noor\r\nBcc: everyone@example.com\x07")
    assert comment.author_name == "Noor Bcc: everyone@example.com"
    assert [m.subject for m in mail.outbox] == [
        "Noor Bcc: everyone@example.com commented on “Harbour council votes on the new bridge”"
    ]


class OneAddressRefused(BaseEmailBackend):
    """A mail server that refuses one recipient."""

    def send_messages(self, messages):
        if any("bounce@example.com" in m.to for m in messages):
            raise ConnectionRefusedError("550 no such user")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failing_subscriber_neither_loses_mail_nor_holds_up_the_others(
    article, post, settings, django_capture_on_commit_callbacks
):
    for address in ("bounce@example.com", "fan@example.com"):
        subscribe_and_confirm(article, address, "all", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = f"{__name__}.OneAddressRefused"
    with django_capture_on_commit_callbacks(execute=True):
        post("News for both of you")
    assert [m.to for m in mail.outbox] == [["fan@example.com"]]
    bounced = Subscription.objects.get(email="bounce@example.com")
    assert bounced.pending.count() == 1 and bounced.last_notified is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert subscriptions_deliver_due(now=timezone.now() + timedelta(minutes=1)) == 1
    assert mail.outbox[-1].to == ["bounce@example.com"]


class NotesTheTransaction(BaseEmailBackend):
    """A mail server that notes whether the database was inside a transaction as it sent."""

    in_transaction: list = []

    def send_messages(self, messages):
        from django.db import connection

        NotesTheTransaction.in_transaction.append(connection.in_atomic_block)
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_notifications_are_mailed_with_no_database_transaction_open(article, post, settings):
    """A slow mail server must not hold the database: on SQLite one open write transaction
    blocks every reader posting a comment for as long as the e-mail takes."""
    subscription_request(article=article, email="fan@example.com", kind="all")
    subscription_confirm(token=confirm_link(mail.outbox[-1]))
    settings.EMAIL_BACKEND = f"{__name__}.NotesTheTransaction"
    NotesTheTransaction.in_transaction = []
    post("News while the mail server dawdles")
    assert NotesTheTransaction.in_transaction == [False]
    subscription = Subscription.objects.get(email="fan@example.com")
    assert subscription.pending.count() == 0 and subscription.last_notified is not None


class PostsWhileSending(BaseEmailBackend):
    """A mail server during whose sending another reader's comment is published."""

    during: list = []

    def send_messages(self, messages):
        while self.during:
            self.during.pop()()
        mail.outbox.extend(messages)
        return len(messages)


def test_a_comment_published_while_a_digest_is_sent_goes_in_the_next_one(
    article, post, settings, django_capture_on_commit_callbacks
):
    subscribe_and_confirm(article, "fan@example.com", "all", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = f"{__name__}.PostsWhileSending"
    PostsWhileSending.during = [lambda: post("Written as the first e-mail went out", name="Ada")]
    with django_capture_on_commit_callbacks(execute=True):
        post("The first news", name="Noor")
    assert [m.subject for m in mail.outbox] == [
        "Noor commented on “Harbour council votes on the new bridge”"
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert subscriptions_deliver_due(now=timezone.now() + timedelta(hours=2)) == 1
    assert "Ada commented on" in mail.outbox[-1].subject
    assert "Written as the first e-mail went out" in mail.outbox[-1].body


def test_nobody_is_told_of_their_own_comment(article, post, django_capture_on_commit_callbacks):
    subscribe_and_confirm(article, "alex@example.com", "all", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("My own comment", email="alex@example.com")
    assert mail.outbox == []


def test_replies_subscription_hears_only_of_replies_to_my_comments(
    article, post, django_capture_on_commit_callbacks
):
    subscribe_and_confirm(
        article, "writer@example.com", "replies", django_capture_on_commit_callbacks
    )
    mine = post("My comment", email="writer@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("Unrelated top-level comment")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        post("An answer to you", parent_id=mine.pk, name="Rui")
    assert [m.subject for m in mail.outbox] == [
        "Rui replied to you on “Harbour council votes on the new bridge”"
    ]


def test_at_most_one_mail_per_ten_minutes_then_a_digest(
    article, post, django_capture_on_commit_callbacks
):
    subscription = subscribe_and_confirm(
        article, "fan@example.com", "all", django_capture_on_commit_callbacks
    )
    mail.outbox.clear()
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        post("First", now=start)
    assert len(mail.outbox) == 1
    from masthead.discussion.services import comment_notify_subscribers

    second = post("Second", now=start + timedelta(minutes=2))
    third = post("Third", now=start + timedelta(minutes=4))
    mail.outbox.clear()
    # The tasks run, but the subscriber's window is closed: the comments wait.
    assert comment_notify_subscribers(comment_id=second.pk, now=start + timedelta(minutes=2)) == 0
    assert comment_notify_subscribers(comment_id=third.pk, now=start + timedelta(minutes=4)) == 0
    assert PendingNotification.objects.filter(subscription=subscription).count() == 2
    assert subscriptions_deliver_due(now=start + timedelta(minutes=9)) == 0
    assert subscriptions_deliver_due(now=start + timedelta(minutes=10, seconds=1)) == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject.startswith("2 new comments on")
    assert digest.body.index("Second") < digest.body.index("Third")
    assert PendingNotification.objects.count() == 0


def test_unsubscribe_stops_mail_and_resubscribing_needs_confirmation(
    article, post, django_capture_on_commit_callbacks
):
    subscription = subscribe_and_confirm(
        article, "fan@example.com", "all", django_capture_on_commit_callbacks
    )
    subscription_unsubscribe(token=subscription_token(subscription))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("After unsubscribing")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email="fan@example.com", kind="all")
    assert "Please confirm" in mail.outbox[-1].subject
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_nobody_can_flood_an_address_with_confirmation_requests(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            client.post(f"/comments/{article.pk}/subscribe/", {"email": "victim@example.com"})
    assert len(mail.outbox) == 1
    # a reader who asks again later gets a fresh link
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(
            article=article,
            email="victim@example.com",
            kind="all",
            now=timezone.now() + timedelta(minutes=16),
        )
    assert len(mail.outbox) == 2

    # at most five a day, whatever the threads
    others = [make_article(title=f"Story {n}") for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for other in others[:3]:
            subscription_request(article=other, email="victim@example.com", kind="all")
    assert len(mail.outbox) == 5
    response = client.post(f"/comments/{others[3].pk}/subscribe/", {"email": "victim@example.com"})
    assert response.status_code == 429
    assert "already been sent to this address today" in response.content.decode()
    assert len(mail.outbox) == 5
    assert not Subscription.objects.filter(article=others[3]).exists()


def test_bad_subscription_requests_are_refused(article):
    with pytest.raises(SubscriptionRefused, match="valid e-mail"):
        subscription_request(article=article, email="nope", kind="all")
    # Valid in form, but longer than an address column holds (PostgreSQL failed with a 500).
    too_long = "a" * 64 + "@" + ".".join(letter * 63 for letter in "cde") + ".com"
    with pytest.raises(SubscriptionRefused, match="valid e-mail"):
        subscription_request(article=article, email=too_long, kind="all")
    assert not Subscription.objects.exists()
    with pytest.raises(SubscriptionRefused, match="Choose"):
        subscription_request(article=article, email="a@example.com", kind="everything")
    with pytest.raises(SubscriptionRefused, match="not valid"):
        subscription_confirm(token="forged")


def test_confirmation_link_expires(article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_request(article=article, email="late@example.com", kind="all")
    with pytest.raises(SubscriptionRefused, match="expired"):
        subscription_confirm(
            token=subscription_token(subscription), now=timezone.now() + timedelta(days=8)
        )


def test_one_click_unsubscribe_by_post_as_mail_clients_do(
    client, article, django_capture_on_commit_callbacks
):
    subscription = subscribe_and_confirm(
        article, "fan@example.com", "all", django_capture_on_commit_callbacks
    )
    url = f"/comments/subscriptions/{subscription_token(subscription)}/unsubscribe/"
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    subscription.refresh_from_db()
    assert subscription.unsubscribed is None  # a link scanner's GET changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed is not None


def test_confirm_link_page(client, article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email="fan@example.com", kind="replies")
    link = f"/comments/subscriptions/{confirm_link(mail.outbox[0])}/confirm/"
    # opening the link (as a mail scanner does) only asks
    asked = client.get(link)
    assert asked.status_code == 200
    assert (
        "Yes, notify me" in asked.content.decode() and "fan@example.com" in asked.content.decode()
    )
    assert not Subscription.objects.get().is_active
    response = client.post(link)
    assert response.status_code == 200
    assert "Confirmed" in response.content.decode()
    assert Subscription.objects.get().is_active
    assert "Confirmed" in client.get(link).content.decode()  # the link again: nothing to ask
    assert client.get(link.replace("/subscriptions/", "/subscriptions/x")).status_code == 404


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd), collecting what it receives; each envelope
    carries the session (the connection) it came over as `session`."""
    from aiosmtpd.controller import Controller

    received = []

    class Collector:
        async def handle_DATA(self, server, session, envelope):
            envelope.session = session
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collector(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def test_notification_travels_through_a_real_smtp_server(
    article, post, settings, smtp_server, django_capture_on_commit_callbacks
):
    port, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email="fan@example.com", kind="all")
    deadline = time.time() + 5
    while not received and time.time() < deadline:
        time.sleep(0.05)
    token = (
        re.search(rb"/comments/subscriptions/(\S+)/confirm/", received[0].content).group(1).decode()
    )
    subscription_confirm(token=token)
    with django_capture_on_commit_callbacks(execute=True):
        post("Sent over SMTP", reader=guest(), name="Ines")
    while len(received) < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert received[1].rcpt_tos == ["fan@example.com"]
    message = email.message_from_bytes(received[1].content, policy=email.policy.default)
    assert message["Subject"].strip().startswith("Ines commented on")
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert "Sent over SMTP" in message.get_body(("plain",)).get_content()


def test_a_comment_is_mailed_to_all_its_subscribers_over_one_connection(
    article, post, settings, smtp_server, django_capture_on_commit_callbacks
):
    """A busy thread's subscribers are mailed in one run: one connection (and TLS handshake) to
    the mail server for all of them, not one each."""
    addresses = [f"reader{number}@example.com" for number in range(4)]
    for address in addresses:
        subscribe_and_confirm(article, address, "all", django_capture_on_commit_callbacks)
    port, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with django_capture_on_commit_callbacks(execute=True):
        post("Word for everyone", reader=guest(), name="Ines")
    deadline = time.time() + 5
    while len(received) < len(addresses) and time.time() < deadline:
        time.sleep(0.05)
    assert sorted(envelope.rcpt_tos[0] for envelope in received) == addresses
    assert len({id(envelope.session) for envelope in received}) == 1


def test_read_and_reply_link_opens_the_page_that_shows_the_comment(
    article, post, client, django_capture_on_commit_callbacks
):
    oldest = post("The oldest comment", email="old@example.com")
    for n in range(25):  # more than a page of newer top-level comments
        post(f"Comment {n}")
    subscribe_and_confirm(article, "old@example.com", "replies", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = post("An answer to the oldest", parent_id=oldest.pk)
    link = re.search(r"Read and reply: http://[^/\s]+(\S+)", mail.outbox[0].body).group(1)
    assert link in mail.outbox[0].alternatives[0][0]

    opened = client.get(link, follow=True)
    assert opened.redirect_chain[-1][0].endswith(f"#comment-{reply.pk}")
    page = opened.content.decode()
    assert f'id="comment-{reply.pk}"' in page and f'id="comment-{oldest.pk}"' in page


def test_a_confirmation_the_mail_server_refused_is_tried_again_later(
    article, settings, monkeypatch
):
    from django_tasks import default_task_backend

    from masthead.discussion import emails, tasks

    queues = settings.TASKS["default"]["QUEUES"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": queues}
    }
    subscription = subscription_request(article=article, email="ann@example.com", kind="all")
    refusals = []

    def refuse(subscription):
        refusals.append(subscription.pk)
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(emails, "send_confirmation", refuse)
    assert tasks.send_subscription_confirmation.call(subscription.pk) is False
    [retry] = default_task_backend.results
    assert retry.args == [subscription.pk, 1] and retry.task.run_after > timezone.now()

    last = len(tasks.CONFIRMATION_RETRY_MINUTES)
    with pytest.raises(ConnectionRefusedError):  # out of tries: the task fails, and is logged
        tasks.send_subscription_confirmation.call(subscription.pk, last)
    assert refusals == [subscription.pk, subscription.pk]


def test_one_network_cannot_aim_confirmations_at_a_list_of_addresses(
    client, article, django_capture_on_commit_callbacks, settings
):
    from masthead.discussion import conf

    limit = conf.SUBSCRIPTION_CONFIRMATIONS_PER_NETWORK_PER_HOUR
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(limit):
            response = client.post(
                f"/comments/{article.pk}/subscribe/", {"email": f"stranger{number}@example.com"}
            )
            assert response.status_code == 200
    assert len(mail.outbox) == limit

    response = client.post(f"/comments/{article.pk}/subscribe/", {"email": "next@example.com"})
    assert response.status_code == 429
    assert "Too many notification requests came from your network" in response.content.decode()
    assert len(mail.outbox) == limit
    # another network is not held up
    other = client.post(
        f"/comments/{article.pk}/subscribe/",
        {"email": "next@example.com"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 200


def test_a_reader_following_both_ways_gets_one_mail_per_window_with_replies_marked(
    article, post, django_capture_on_commit_callbacks
):
    from masthead.discussion.services import comment_notify_subscribers

    mine = post("My comment", email="both@example.com", name="Sam")
    for kind in ("all", "replies"):
        subscribe_and_confirm(article, "both@example.com", kind, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    start = timezone.now()

    def comment_at(minutes, body, **kwargs):
        when = start + timedelta(minutes=minutes)
        return comment_notify_subscribers(comment_id=post(body, now=when, **kwargs).pk, now=when)

    assert comment_at(0, "Opening the window") == 1
    assert comment_at(2, "An answer to Sam", parent_id=mine.pk, name="Rui") == 0
    assert comment_at(4, "Another top-level view", name="Noor") == 0
    assert len(mail.outbox) == 1  # the reply waited for the window both subscriptions share

    assert subscriptions_deliver_due(now=start + timedelta(minutes=10, seconds=1)) == 1
    digest = mail.outbox[-1]
    assert digest.subject == (
        "2 new comments on “Harbour council votes on the new bridge”, 1 reply to you"
    )
    assert "Rui replied to you" in digest.body and "Noor wrote" in digest.body
    assert "replied to you" in digest.alternatives[0][0]
    assert "new comments and replies to your comments" in digest.body
    assert PendingNotification.objects.count() == 0

    # Nothing is sent again in the next windows.
    assert subscriptions_deliver_due(now=start + timedelta(minutes=30)) == 0
    bodies = " ".join(m.body for m in mail.outbox)
    for body in ("Opening the window", "An answer to Sam", "Another top-level view"):
        assert bodies.count(body) == 1


def test_one_click_unsubscribe_from_a_combined_mail_stops_both(
    article, post, client, django_capture_on_commit_callbacks
):
    mine = post("My comment", email="both@example.com")
    for kind in ("all", "replies"):
        subscribe_and_confirm(article, "both@example.com", kind, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("An answer", parent_id=mine.pk)
    unsubscribe = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    assert client.post(unsubscribe).status_code == 200
    assert not Subscription.objects.filter(unsubscribed__isnull=True).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("Another answer", parent_id=mine.pk)
        post("A top-level comment")
    assert mail.outbox == []


def test_a_digest_made_only_of_replies_says_so_in_its_subject(
    article, post, django_capture_on_commit_callbacks
):
    from masthead.discussion.services import comment_notify_subscribers

    mine = post("My comment", email="writer@example.com", name="Sam")
    subscribe_and_confirm(
        article, "writer@example.com", "replies", django_capture_on_commit_callbacks
    )
    mail.outbox.clear()
    start = timezone.now()
    for minutes, name in ((0, "Rui"), (2, "Noor"), (4, "Ola")):
        when = start + timedelta(minutes=minutes)
        comment = post(f"{name} answers Sam", parent_id=mine.pk, name=name, now=when)
        comment_notify_subscribers(comment_id=comment.pk, now=when)
    subscriptions_deliver_due(now=start + timedelta(minutes=10, seconds=1))
    assert [m.subject for m in mail.outbox] == [
        "Rui replied to you on “Harbour council votes on the new bridge”",
        "2 replies to you on “Harbour council votes on the new bridge”",
    ]


def test_a_subscription_belongs_to_the_account_that_asked_when_a_confirmation_went_out(
    article, django_user_model, django_capture_on_commit_callbacks
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    with django_capture_on_commit_callbacks(execute=True):
        asked = subscription_request(article=article, email=rosa.email, kind="all", user=rosa)
    assert asked.user == rosa

    # A stranger's address, followed and confirmed before an account gave it: asking again as
    # that account changes nothing, or the account would see what the stranger follows.
    other = make_article(title="Followed by the address's owner")
    owners = subscribe_and_confirm(
        other, "kit@example.org", "all", django_capture_on_commit_callbacks
    )
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    again = subscription_request(article=other, email="kit@example.org", kind="all", user=kit)
    assert again.pk == owners.pk and again.user is None

    # Once stopped, asking again starts it afresh (a new confirmation) for whoever asks now.
    subscription_unsubscribe(token=subscription_token(owners))
    with django_capture_on_commit_callbacks(execute=True):
        restarted = subscription_request(
            article=other, email="kit@example.org", kind="all", user=kit
        )
    restarted.refresh_from_db()
    assert restarted.user == kit and restarted.confirmed is None


def test_a_signed_in_readers_notify_me_and_follow_form_give_the_account_its_own_address(
    client, article, django_user_model
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    client.force_login(rosa)
    client.post(f"/comments/{article.pk}/post/", {"body": "Count me in.", "notify": "replies"})
    client.post(f"/comments/{article.pk}/subscribe/", {"email": "rosa.work@example.org"})
    Client().post(f"/comments/{article.pk}/subscribe/", {"email": "guest@example.org"})
    owners = dict(Subscription.objects.values_list("email", "user"))
    assert owners == {
        "rosa@example.org": rosa.pk,
        "rosa.work@example.org": None,  # not the account's address: the address's alone
        "guest@example.org": None,
    }


def test_an_account_at_its_confirmed_address_follows_at_once_without_a_confirmation_e_mail(
    article, post, django_user_model, django_capture_on_commit_callbacks
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    with django_capture_on_commit_callbacks(execute=True):
        following = subscription_follow(
            article=article, email="Rosa@Example.org", kind="all", user=rosa
        )
    assert following.is_active and following.user == rosa
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        post("Something new to read", name="Noor")
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


def test_following_at_once_takes_over_a_request_still_waiting_at_the_accounts_address(
    article, django_user_model, django_capture_on_commit_callbacks
):
    """Asked as a guest (or before the account's address was confirmed), the request waits for
    its link; the account, which has proven the address, follows with it at once."""
    with django_capture_on_commit_callbacks(execute=True):
        waiting = subscription_request(article=article, email="rosa@example.org", kind="all")
    old_link = confirm_link(mail.outbox[-1])
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    following = subscription_follow(
        article=article, email="rosa@example.org", kind="all", user=rosa, now=timezone.now()
    )
    assert following.pk == waiting.pk and following.is_active and following.user == rosa
    assert subscription_for_token(old_link) is None  # the links sent before stop working
    assert len(mail.outbox) == 1


def test_following_by_an_account_whose_address_is_unconfirmed_or_not_its_own_needs_the_e_mail(
    article, django_user_model, django_capture_on_commit_callbacks
):
    from masthead.accounts.models import AccountEmail

    lee = django_user_model.objects.create_user("lee", "lee@example.org", "pw-lee-horse")
    AccountEmail.objects.create(user=lee, confirmed=False)
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    with django_capture_on_commit_callbacks(execute=True):
        unconfirmed = subscription_follow(
            article=article, email="lee@example.org", kind="all", user=lee
        )
        someone_elses = subscription_follow(
            article=article, email="kit@example.org", kind="all", user=rosa
        )
    for subscription in (unconfirmed, someone_elses):
        assert subscription.confirmed is None and subscription.user is None
    assert sorted(message.to[0] for message in mail.outbox) == [
        "kit@example.org",
        "lee@example.org",
    ]


def test_following_at_once_makes_the_accounts_what_its_address_confirmed_by_e_mail_as_a_guest(
    article, django_user_model, django_capture_on_commit_callbacks
):
    """The address is proven both ways (the guest's e-mail link, the account's confirmation):
    the subscription is the account's as it is, its links still working; one at another
    address the account never proved stays that address's alone."""
    as_guest = subscribe_and_confirm(
        article, "kit@example.org", "all", django_capture_on_commit_callbacks
    )
    elsewhere = subscribe_and_confirm(
        article, "kit.work@example.org", "all", django_capture_on_commit_callbacks
    )
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    again = subscription_follow(article=article, email="kit@example.org", kind="all", user=kit)
    assert again.pk == as_guest.pk and again.user == kit and again.is_active
    assert again.confirmed == as_guest.confirmed
    assert subscription_for_token(subscription_token(as_guest)).pk == as_guest.pk
    elsewhere.refresh_from_db()
    assert elsewhere.user is None

    assert subscription_unfollow(article=article, user=kit) == ["kit@example.org"]
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def mail_to(address):
    return [message.subject for message in mail.outbox if address in message.to]


@pytest.mark.parametrize("followed", ["all", "replies"])
def test_following_at_once_takes_every_kind_the_address_confirmed_as_a_guest_and_stops_it(
    article, post, django_user_model, django_capture_on_commit_callbacks, followed
):
    """As a guest, the reader followed the thread and asked for replies to their comment. Signed
    in, they followed in one click (one kind) and then stopped following: the other kind, left
    with no account, went on mailing them about the article."""
    capture = django_capture_on_commit_callbacks
    theirs = post("My first thoughts.", name="Kit", email="kit@example.org")
    as_guest = [
        subscribe_and_confirm(article, "kit@example.org", kind, capture)
        for kind in ("all", "replies")
    ]
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")

    subscription_follow(article=article, email="kit@example.org", kind=followed, user=kit)

    for subscription in as_guest:
        subscription.refresh_from_db()
        assert (subscription.user, subscription.is_active) == (kit, True), subscription.kind
    assert subscription_unfollow(article=article, user=kit) == ["kit@example.org"]
    mail.outbox.clear()
    with capture(execute=True):
        post("An answer to Kit.", name="Noor", parent_id=theirs.pk)
        post("Another view entirely.", name="Ola")
    assert mail_to("kit@example.org") == []


def test_stopping_following_stops_what_the_address_confirmed_as_a_guest_since(
    article, post, django_user_model, django_capture_on_commit_callbacks
):
    """The reader followed in one click while a guest request for replies at their address
    waited for its e-mail, and confirmed it after: stopping following stopped the account's
    subscription only, and the replies still came."""
    capture = django_capture_on_commit_callbacks
    theirs = post("My first thoughts.", name="Kit", email="kit@example.org")
    with capture(execute=True):
        subscription_request(article=article, email="kit@example.org", kind="replies")
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    subscription_follow(article=article, email="kit@example.org", kind="all", user=kit)
    confirmed_since = subscription_confirm(token=confirm_link(mail.outbox[-1]))
    assert confirmed_since.is_active and confirmed_since.user is None
    stranger = subscribe_and_confirm(article, "ola@example.org", "replies", capture)

    assert subscription_unfollow(article=article, user=kit) == ["kit@example.org"]
    mail.outbox.clear()
    with capture(execute=True):
        post("An answer to Kit.", name="Noor", parent_id=theirs.pk)
    assert mail_to("kit@example.org") == []
    stranger.refresh_from_db()
    assert stranger.is_active  # another address's stays


def test_following_at_once_leaves_another_accounts_active_subscription_at_the_address_its_own(
    article, django_user_model
):
    """An account keeps the address that confirmed its subscriptions when it moves to a new
    one; the next account at that address does not take them over."""
    dana = django_user_model.objects.create_user("dana", "kit@example.org", "pw-dana-horse")
    danas = subscription_follow(article=article, email="kit@example.org", kind="all", user=dana)
    dana.email = "dana@example.org"
    dana.save(update_fields=["email"])
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    again = subscription_follow(article=article, email="kit@example.org", kind="all", user=kit)
    assert again.pk == danas.pk and again.user == dana


def test_unfollowing_stops_every_subscription_of_the_account_to_the_article_and_no_other(
    article, post, django_user_model, django_capture_on_commit_callbacks
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    for kind in ("all", "replies"):
        subscription_follow(article=article, email=rosa.email, kind=kind, user=rosa)
    elsewhere = make_article(title="Another discussion Rosa follows")
    subscription_follow(article=elsewhere, email=rosa.email, kind="all", user=rosa)
    stranger = subscribe_and_confirm(
        article, "kit@example.org", "all", django_capture_on_commit_callbacks
    )
    Subscription.objects.filter(user=rosa).update(last_notified=timezone.now())  # window shut
    with django_capture_on_commit_callbacks(execute=True):
        post("Waiting for the digest", name="Noor")
    assert PendingNotification.objects.filter(subscription__user=rosa).exists()

    assert subscription_unfollow(article=article, user=rosa) == ["rosa@example.org"]
    assert not Subscription.objects.filter(
        article=article, user=rosa, unsubscribed__isnull=True
    ).exists()
    assert not PendingNotification.objects.filter(subscription__user=rosa).exists()
    assert Subscription.objects.get(article=elsewhere).is_active
    stranger.refresh_from_db()
    assert stranger.is_active
    with pytest.raises(SubscriptionRefused):
        subscription_unfollow(article=article, user=None)


def test_stopping_a_subscription_stops_every_kind_at_its_address_on_its_article(
    article, django_capture_on_commit_callbacks
):
    both = [
        subscribe_and_confirm(article, "both@example.com", kind, django_capture_on_commit_callbacks)
        for kind in ("all", "replies")
    ]
    stopped = subscription_stop(subscription=both[0])
    assert stopped.unsubscribed is not None
    assert not Subscription.objects.filter(unsubscribed__isnull=True).exists()


def _account_follows(client, article, account, kind, body, capture):
    """The account posts with "Notify of" at its confirmed address: it follows at once."""
    client.force_login(account)
    with capture(execute=True):
        client.post(f"/comments/{article.pk}/post/", {"body": body, "notify": kind})
    assert Subscription.objects.get(article=article, user=account, kind=kind).is_active


def test_a_reader_who_changed_address_is_not_told_of_their_own_comments(
    client, article, django_user_model, django_capture_on_commit_callbacks
):
    dana = django_user_model.objects.create_user(
        "dana", "dana@example.org", "pw-dana-horse", first_name="Dana Reader"
    )
    _account_follows(
        client, article, dana, "all", "First thoughts.", django_capture_on_commit_callbacks
    )
    account_email_change(user=dana, email="dana2@example.org", site_name="The Test Gazette")
    client.force_login(dana)  # a new address signs out the sessions from before
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/comments/{article.pk}/post/", {"body": "Second thoughts."})
    assert Comment.objects.filter(user=dana, body="Second thoughts.").exists()
    assert mail.outbox == []
    assert not PendingNotification.objects.exists()


def test_replies_to_my_comments_still_reach_me_after_i_changed_address(
    client, article, post, django_user_model, django_capture_on_commit_callbacks
):
    dana = django_user_model.objects.create_user(
        "dana", "dana@example.org", "pw-dana-horse", first_name="Dana Reader"
    )
    _account_follows(
        client, article, dana, "replies", "First thoughts.", django_capture_on_commit_callbacks
    )
    account_email_change(user=dana, email="dana2@example.org", site_name="The Test Gazette")
    client.force_login(dana)  # a new address signs out the sessions from before
    client.post(f"/comments/{article.pk}/post/", {"body": "Second thoughts."})
    second = Comment.objects.get(user=dana, body="Second thoughts.")
    assert second.author_email == "dana2@example.org"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("I disagree with your second point.", parent_id=second.pk, name="Rui")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["dana@example.org"],
            "Rui replied to you on “Harbour council votes on the new bridge”",
        )
    ]


def test_a_right_to_left_comment_and_name_are_mailed_in_their_own_direction(
    article, post, django_capture_on_commit_callbacks
):
    subscribe_and_confirm(article, "fan@example.com", "all", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("أوافق تماماً!", name="سارة")
    [html] = [body for body, kind in mail.outbox[0].alternatives if kind == "text/html"]
    assert '<strong dir="auto">سارة</strong>' in html
    assert '<div dir="auto"><p>أوافق تماماً!</p></div>' in html


def test_comments_on_an_article_protected_since_are_not_mailed_out_whole(
    article, post, django_capture_on_commit_callbacks
):
    """A thread behind a password stayed readable to anyone subscribed before: the e-mail now
    says a comment came and links to it, and the comment is read behind the password."""
    from wagtail.models import PageViewRestriction

    subscribe_and_confirm(article, "fan@example.com", "all", django_capture_on_commit_callbacks)
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post("The members-only figures are worse than reported.", name="Noor")
    [message] = mail.outbox
    [html] = [body for body, kind in message.alternatives if kind == "text/html"]
    for text in (message.body, html):
        assert "members-only figures" not in text
        assert "The article is protected: open it to read this comment." in text
    assert "/comments/" in message.body  # the link to the comment


def _following(article, email, kind, **fields):
    return Subscription.objects.create(
        article=article, email=email, kind=kind, confirmed=timezone.now(), **fields
    )


def _unsubscribe_link_owner(message) -> str:
    token = message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").split("/")[-2]
    return subscription_for_token(token).email


def test_telling_many_subscribers_of_a_comment_costs_no_more_queries_than_telling_few(
    article, post
):
    """A busy thread's fan-out is a few queries for all its subscribers plus the e-mails, not a
    round of lookups per subscriber; each still gets their own e-mail and unsubscribe link."""
    mine = post("My comment", email="writer@example.com")
    _following(article, "writer@example.com", "replies")
    _following(article, "writer@example.com", "all")
    _following(article, "fan0@example.com", "all")

    def notify(later):
        answer = post("An answer to you", parent_id=mine.pk, name="Rui")
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            sent = comment_notify_subscribers(comment_id=answer.pk, now=timezone.now() + later)
        assert sent == len(mail.outbox)
        return len(queries)

    few = notify(timedelta(hours=1))
    assert len(mail.outbox) == 2
    for number in range(1, 9):
        _following(article, f"fan{number}@example.com", "all")
    _following(article, "both@example.com", "all")
    _following(article, "both@example.com", "replies")
    _following(article, "quiet@example.com", "replies")  # hears only of answers to them
    many = notify(timedelta(hours=2))

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["writer@example.com", "both@example.com"] + [f"fan{n}@example.com" for n in range(9)]
    )
    for message in mail.outbox:
        assert _unsubscribe_link_owner(message) == message.to[0]
        verb = "replied to you" if message.to == ["writer@example.com"] else "commented"
        assert message.subject == f"Rui {verb} on “Harbour council votes on the new bridge”"
    assert many <= few


def test_sending_the_digests_due_costs_no_more_queries_for_more_readers(article, post):
    comment = post("News for the digest", name="Noor")

    def deliver_due(addresses, later):
        for address in addresses:
            subscription = _following(article, address, "all")
            PendingNotification.objects.create(subscription=subscription, comment=comment)
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            assert subscriptions_deliver_due(now=timezone.now() + later) == len(addresses)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)
        assert PendingNotification.objects.count() == 0
        return len(queries)

    few = deliver_due(["first@example.com"], timedelta(hours=1))
    many = deliver_due([f"reader{n}@example.com" for n in range(8)], timedelta(hours=2))
    assert many <= few
