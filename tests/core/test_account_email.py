"""An account's address: confirmed by a link at sign-up, and changed only by a link sent to the
new address (services; the pages are in test_account_page.py and test_accounts.py)."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from masthead.accounts import email_links, selectors
from masthead.accounts import services as account_services
from masthead.accounts.models import AccountEmail

pytestmark = pytest.mark.django_db

SITE = "The Test Gazette"


@pytest.fixture
def rosa(django_user_model):
    return django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")


LINK = re.compile(r"https?://\S+/accounts/email/(?:change|confirm)/(\S+)/")


def link_token(message) -> str:
    return LINK.search(message.body).group(1)


def ask_for(user, email, capture, **kwargs):
    with capture(execute=True):
        return account_services.account_email_change_request(
            user=user, email=email, site_name=SITE, **kwargs
        )


def test_asking_for_a_new_address_sends_a_link_there_and_changes_nothing_yet(
    rosa, mailoutbox, django_capture_on_commit_callbacks, settings
):
    pending = ask_for(rosa, " Rosa@New.Example ", django_capture_on_commit_callbacks)

    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"
    assert pending.new_email == "rosa@new.example"
    assert selectors.email_change_pending(rosa, now=timezone.now()) == pending
    assert [message.to for message in mailoutbox] == [["rosa@new.example"]]
    assert mailoutbox[0].from_email == "The Test Gazette <newsroom@localhost>"  # who writes
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL + "/accounts/email/change/")
    assert '"rosa"' in mailoutbox[0].body and "rosa@example.org" in mailoutbox[0].body


def test_the_link_moves_the_account_once_and_the_old_address_is_told(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    ask_for(rosa, "rosa@new.example", django_capture_on_commit_callbacks)
    token = link_token(mailoutbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        moved = account_services.account_email_change_confirm(token=token, site_name=SITE)

    rosa.refresh_from_db()
    assert moved.pk == rosa.pk and rosa.email == "rosa@new.example"
    assert selectors.email_change_pending(rosa, now=timezone.now()) is None
    assert mailoutbox[-1].to == ["rosa@example.org"] and "rosa@new.example" in mailoutbox[-1].body
    with pytest.raises(account_services.AccountRefused) as used:
        account_services.account_email_change_confirm(token=token, site_name=SITE)
    assert used.value.message == account_services.CHANGE_LINK_RETIRED
    assert used.value.status == 410


def test_asking_again_or_cancelling_retires_the_links_sent_before(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    ask_for(rosa, "rosa@first.example", django_capture_on_commit_callbacks)
    first = link_token(mailoutbox[-1])
    ask_for(rosa, "rosa@second.example", django_capture_on_commit_callbacks)
    second = link_token(mailoutbox[-1])

    with pytest.raises(account_services.AccountRefused, match="no longer works"):
        account_services.account_email_change_to_confirm(token=first)
    user, new_email = account_services.account_email_change_to_confirm(token=second)
    assert (user, new_email) == (rosa, "rosa@second.example")

    account_services.account_email_change_cancel(user=rosa)
    assert selectors.email_change_pending(rosa, now=timezone.now()) is None
    with pytest.raises(account_services.AccountRefused, match="no longer works"):
        account_services.account_email_change_confirm(token=second, site_name=SITE)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"


def test_resending_sends_a_new_link_for_the_same_address(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(account_services.AccountRefused) as nothing:
        account_services.account_email_change_resend(user=rosa, site_name=SITE)
    assert nothing.value.message == account_services.NO_EMAIL_CHANGE_PENDING

    ask_for(rosa, "rosa@new.example", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_email_change_resend(
            user=rosa, site_name=SITE, now=timezone.now() + timedelta(minutes=5)
        )
    assert [message.to for message in mailoutbox] == [["rosa@new.example"]] * 2
    account_services.account_email_change_confirm(token=link_token(mailoutbox[1]), site_name=SITE)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@new.example"


def test_an_address_another_account_took_meanwhile_is_refused_when_the_link_is_opened(
    rosa, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    ask_for(rosa, "shared@example.org", django_capture_on_commit_callbacks)
    django_user_model.objects.create_user("kit", "Shared@Example.org", "pw-kit-horse")

    with pytest.raises(account_services.AccountRefused) as taken:
        account_services.account_email_change_confirm(
            token=link_token(mailoutbox[0]), site_name=SITE
        )

    assert taken.value.message == account_services.EMAIL_TAKEN_SINCE.format(
        email="shared@example.org"
    )
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"
    assert len(mailoutbox) == 1  # the old address is told of nothing


def test_a_change_link_works_for_three_days_and_cannot_be_forged(
    rosa, django_capture_on_commit_callbacks
):
    pending = ask_for(rosa, "rosa@new.example", django_capture_on_commit_callbacks)
    with mock.patch("time.time", return_value=time.time() - 3 * 24 * 3600 - 60):
        late = email_links.email_change_token(
            user_id=rosa.pk, new_email=pending.new_email, requested=pending.requested
        )
    with pytest.raises(account_services.AccountRefused) as expired:
        account_services.account_email_change_confirm(token=late, site_name=SITE)
    assert (expired.value.message, expired.value.status) == (account_services.LINK_EXPIRED, 410)

    forged = email_links.email_change_token(
        user_id=rosa.pk, new_email="thief@example.org", requested=pending.requested
    )
    for token in (forged, late[:-3] + "abc", "not-a-token"):
        with pytest.raises(account_services.AccountRefused):
            account_services.account_email_change_confirm(token=token, site_name=SITE)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"


def test_confirmation_e_mails_to_one_address_are_limited_like_password_resets(
    rosa, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    limit = account_services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR
    for _ in range(limit):
        ask_for(rosa, "target@example.org", django_capture_on_commit_callbacks)
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    with pytest.raises(account_services.AccountRefused) as refused:
        ask_for(kit, "target@example.org", django_capture_on_commit_callbacks)
    assert refused.value.status == 429
    assert refused.value.message == account_services.TOO_MANY_CONFIRMATION_EMAILS.format(
        email="target@example.org"
    )
    assert len(mailoutbox) == limit


def test_change_requests_from_one_network_are_limited(
    django_user_model, django_capture_on_commit_callbacks
):
    for number in range(account_services.EMAIL_CHANGES_PER_NETWORK_PER_HOUR):
        user = django_user_model.objects.create_user(f"u{number}", f"u{number}@x.org", "pw")
        ask_for(user, f"new{number}@x.org", django_capture_on_commit_callbacks, network="n1")
    last = django_user_model.objects.create_user("last", "last@x.org", "pw")
    with pytest.raises(account_services.AccountRefused) as refused:
        ask_for(last, "new-last@x.org", django_capture_on_commit_callbacks, network="n1")
    assert refused.value.message == account_services.TOO_MANY_EMAIL_CHANGES_FROM_NETWORK
    ask_for(last, "new-last@x.org", django_capture_on_commit_callbacks, network="n2")


def test_accounts_made_by_editors_or_before_sign_up_confirmed_addresses_count_as_confirmed(
    rosa, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")
    assert selectors.email_is_confirmed(rosa) and selectors.email_is_confirmed(admin)
    assert not AccountEmail.objects.exists()


def test_a_new_account_is_unconfirmed_until_the_link_sent_at_sign_up_is_opened(
    rosa, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_signed_up(user=rosa, site_name=SITE)
    assert not selectors.email_is_confirmed(rosa)
    assert mailoutbox[0].to == ["rosa@example.org"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL + "/accounts/email/confirm/")

    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_email_confirmation_resend(user=rosa, site_name=SITE)
    assert len(mailoutbox) == 2

    assert account_services.account_email_confirm(token=link_token(mailoutbox[0])) == rosa
    assert selectors.email_is_confirmed(rosa)
    account_services.account_email_confirm(token=link_token(mailoutbox[1]))  # harmless again
    with pytest.raises(account_services.AccountRefused) as confirmed:
        account_services.account_email_confirmation_resend(user=rosa, site_name=SITE)
    assert confirmed.value.message == account_services.EMAIL_CONFIRMED_ALREADY


def test_a_sign_up_link_stops_working_once_the_account_has_another_address(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_signed_up(user=rosa, site_name=SITE)
    ask_for(rosa, "rosa@new.example", django_capture_on_commit_callbacks)
    account_services.account_email_change_confirm(token=link_token(mailoutbox[1]), site_name=SITE)
    assert selectors.email_is_confirmed(rosa)  # the new address's link proved it is hers

    with pytest.raises(account_services.AccountRefused) as retired:
        account_services.account_email_confirm(token=link_token(mailoutbox[0]))
    assert retired.value.message == account_services.CONFIRM_LINK_RETIRED


def test_resending_a_sign_up_link_is_limited_per_address(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_signed_up(user=rosa, site_name=SITE)
        for _ in range(account_services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR - 1):
            account_services.account_email_confirmation_resend(user=rosa, site_name=SITE)
    with pytest.raises(account_services.AccountRefused) as refused:
        account_services.account_email_confirmation_resend(user=rosa, site_name=SITE)
    assert refused.value.status == 429
    assert len(mailoutbox) == account_services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR


def test_signing_up_again_and_again_with_a_strangers_address_sends_them_few_links(
    django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    """Sign up with someone else's address, delete the account, sign up again: each sign-up
    mailed them a link, past the limit on the links one address gets in an hour."""
    limit = account_services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR
    for number in range(limit + 3):
        user = django_user_model.objects.create_user(f"pest{number}", "target@example.org", "pw")
        with django_capture_on_commit_callbacks(execute=True):
            account_services.account_signed_up(user=user, site_name=SITE)
        assert not selectors.email_is_confirmed(user)  # made all the same, unconfirmed
        account_services.account_delete(user=user)

    assert [message.to for message in mailoutbox] == [["target@example.org"]] * limit


def test_an_address_another_account_takes_at_the_same_moment_is_refused(
    rosa, django_user_model, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    ask_for(rosa, "shared@example.org", django_capture_on_commit_callbacks)
    token = link_token(mailoutbox[0])
    django_user_model.objects.create_user("kit", "Shared@Example.org", "pw-kit-horse")
    # As when the other account took it after the service looked.
    monkeypatch.setattr(account_services, "email_in_use", lambda email, other_than: False)

    with pytest.raises(account_services.AccountRefused) as refused:
        account_services.account_email_change_confirm(token=token, site_name=SITE)

    assert refused.value.message == account_services.EMAIL_TAKEN_SINCE.format(
        email="shared@example.org"
    )
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"
