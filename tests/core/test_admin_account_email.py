"""An editor's own address in the admin's account settings (/admin/account/) changes as a
reader's does on the account page: with the password, and only once the link sent to the new
address is opened, the old address being told. Nobody at an unlocked session can give the
account their own address at once and then take it over with a password reset."""

import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from masthead.accounts import LOGIN_ATTEMPTS_PER_ACCOUNT, email_links
from masthead.accounts import services as account_services
from masthead.accounts.forms import PASSWORD_NEEDED, PASSWORD_NOT_RIGHT
from masthead.accounts.models import AccountEmail

pytestmark = pytest.mark.django_db

PASSWORD = "chief-horse-battery"
ACCOUNT = "/admin/account/"


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_superuser(
        "chief", "chief@example.org", PASSWORD, first_name="Chief", last_name="Editor"
    )


@pytest.fixture
def desk(chief) -> Client:
    """The editor's browser, signed in to the admin with the password."""
    client = Client()
    signed_in = client.post(
        reverse("wagtailadmin_login"), {"username": "chief", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    return client


def settings_form(**changes) -> dict:
    """What the account settings page sends, the name and theme as they were, with `changes`
    (field names without the panel's prefix: email, password, first_name...)."""
    sent = {
        "name_email-first_name": "Chief",
        "name_email-last_name": "Editor",
        "theme-theme": "system",
        "theme-contrast": "system",
        "theme-density": "default",
    }
    panels = {"first_name": "name_email", "last_name": "name_email"}
    for name, value in changes.items():
        sent[f"{panels.get(name, 'email')}-{name}"] = value
    if "email" in changes:
        # Wagtail's own field too, which changed the address at once: it must stay gone.
        sent["name_email-email"] = changes["email"]
    return sent


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def change_path(message) -> str:
    return urlsplit(
        re.search(r"https?://\S+/accounts/email/change/\S+/", message.body).group(0)
    ).path


def ask_in_the_admin(client, capture, email="chief@new.example", **changes):
    with capture(execute=True):
        return client.post(ACCOUNT, settings_form(email=email, password=PASSWORD, **changes))


def test_a_new_address_in_the_account_settings_waits_for_the_link_sent_to_it(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    asked = ask_in_the_admin(desk, django_capture_on_commit_callbacks, first_name="Rosa")

    assert asked.status_code == 302 and asked["Location"] == ACCOUNT
    chief.refresh_from_db()
    assert chief.email == "chief@example.org"  # not before the link is opened
    assert chief.first_name == "Rosa"  # the rest of the page is saved as it was
    assert [message.to for message in mailoutbox] == [["chief@new.example"]]
    page = text_of(desk.get(ACCOUNT))
    assert "We sent a link to chief@new.example" in page
    assert "You asked to change it to <strong>chief@new.example</strong>" in page
    assert "Open the link we sent there to finish" in page
    assert "Your account’s address is <strong>chief@example.org</strong>" in page
    # Password reset links still go to the account's own address.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "chief@new.example"})
    assert len(mailoutbox) == 1


def test_following_the_link_changes_the_address_and_tells_the_old_one(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    ask_in_the_admin(desk, django_capture_on_commit_callbacks)
    path = change_path(mailoutbox[0])

    assert "Yes, use this address" in text_of(desk.get(path))
    chief.refresh_from_db()
    assert chief.email == "chief@example.org"  # a mail scanner opening the link changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = desk.post(path)

    assert "Your e-mail address is changed" in text_of(done)
    chief.refresh_from_db()
    assert chief.email == "chief@new.example"
    assert mailoutbox[-1].to == ["chief@example.org"]
    assert "chief@new.example" in mailoutbox[-1].body and '"chief"' in mailoutbox[-1].body
    page = desk.get(ACCOUNT)  # the browser that opened the link stays signed in
    assert page.status_code == 200
    assert "You asked to change it" not in text_of(page)
    assert "Your account’s address is <strong>chief@new.example</strong>" in text_of(page)


def test_the_new_address_needs_the_password_and_what_was_typed_is_kept(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    for password, message in (("", PASSWORD_NEEDED), ("guess", PASSWORD_NOT_RIGHT)):
        with django_capture_on_commit_callbacks(execute=True):
            refused = desk.post(
                ACCOUNT,
                settings_form(email="thief@example.net", password=password, first_name="Thief"),
            )
        assert refused.status_code == 200
        assert message in text_of(refused)
        assert 'value="thief@example.net"' in refused.content.decode()
    chief.refresh_from_db()
    assert (chief.email, chief.first_name) == ("chief@example.org", "Chief")
    assert mailoutbox == []
    assert not AccountEmail.objects.filter(user=chief).exclude(new_email="").exists()


def test_a_wrong_password_counts_once_toward_the_lockout(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT - 1):
        desk.post(ACCOUNT, settings_form(email="chief@new.example", password="guess"))

    asked = ask_in_the_admin(desk, django_capture_on_commit_callbacks)

    assert asked.status_code == 302
    assert [message.to for message in mailoutbox] == [["chief@new.example"]]


def test_the_name_alone_saves_without_a_password(desk, chief, mailoutbox):
    saved = desk.post(ACCOUNT, settings_form(first_name="Rosa", last_name="Marquez"))

    assert saved.status_code == 302
    chief.refresh_from_db()
    assert (chief.first_name, chief.last_name, chief.email) == (
        "Rosa",
        "Marquez",
        "chief@example.org",
    )
    assert mailoutbox == []


def test_an_address_another_account_has_is_refused(desk, chief, django_user_model, mailoutbox):
    django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")

    refused = desk.post(ACCOUNT, settings_form(email="ROSA@example.org", password=PASSWORD))

    assert refused.status_code == 200
    assert account_services.EMAIL_TAKEN in text_of(refused)
    chief.refresh_from_db()
    assert chief.email == "chief@example.org"
    assert mailoutbox == []


def test_a_wrong_or_expired_link_says_so_and_changes_nothing(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    ask_in_the_admin(desk, django_capture_on_commit_callbacks)
    assert [message.to for message in mailoutbox] == [["chief@new.example"]]
    path = change_path(mailoutbox[0])
    token = path.rstrip("/").rsplit("/", 1)[-1]
    waiting = AccountEmail.objects.get(user=chief)
    with mock.patch("time.time", return_value=time.time() - 3 * 24 * 3600 - 60):
        late = email_links.email_change_token(
            user_id=chief.pk, new_email=waiting.new_email, requested=waiting.new_email_requested
        )

    expired = desk.post(reverse("accounts-email-change-confirm", args=[late]))
    assert expired.status_code == 410
    assert account_services.LINK_EXPIRED in text_of(expired)
    assert "Your e-mail address was not changed" in text_of(expired)
    cut_short = desk.post(reverse("accounts-email-change-confirm", args=[token[:-4]]))
    assert cut_short.status_code == 404
    assert account_services.LINK_INVALID in text_of(cut_short)

    ask_in_the_admin(desk, django_capture_on_commit_callbacks, email="chief@other.example")
    retired = desk.post(path)  # asking again retires the link sent before
    assert retired.status_code == 410
    assert account_services.CHANGE_LINK_RETIRED in text_of(retired)
    chief.refresh_from_db()
    assert chief.email == "chief@example.org"


def test_the_link_can_be_sent_again_or_the_change_cancelled_from_the_admin(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    ask_in_the_admin(desk, django_capture_on_commit_callbacks)
    page = desk.get(ACCOUNT).content.decode()
    resend = reverse("masthead_account_email_resend")
    cancel = reverse("masthead_account_email_cancel")
    assert f'data-w-action-url-value="{resend}"' in page
    assert f'data-w-action-url-value="{cancel}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        resent = desk.post(resend, follow=True)
    assert "We sent a link to chief@new.example" in text_of(resent)
    assert [message.to for message in mailoutbox] == [["chief@new.example"]] * 2

    cancelled = desk.post(cancel, follow=True)
    assert "The change of address is cancelled" in text_of(cancelled)
    assert "You asked to change it" not in text_of(cancelled)
    assert Client().post(change_path(mailoutbox[1])).status_code == 410
    nothing = desk.post(resend, follow=True)
    assert account_services.NO_EMAIL_CHANGE_PENDING in text_of(nothing)
    chief.refresh_from_db()
    assert chief.email == "chief@example.org"


def test_a_new_address_signs_out_the_editors_other_sessions_and_a_new_password_too(
    desk, chief, mailoutbox, django_capture_on_commit_callbacks
):
    """What a change does to sessions: the browser that made it stays signed in, the others
    (where a thief may be) are signed out."""

    def signed_in_elsewhere() -> Client:
        client = Client()
        client.post(reverse("wagtailadmin_login"), {"username": "chief", "password": PASSWORD})
        assert client.get(ACCOUNT).status_code == 200
        return client

    laptop = signed_in_elsewhere()
    ask_in_the_admin(desk, django_capture_on_commit_callbacks)
    assert laptop.get(ACCOUNT).status_code == 200  # asking changes nothing yet
    desk.post(change_path(mailoutbox[0]))
    assert desk.get(ACCOUNT).status_code == 200
    assert laptop.get(ACCOUNT).status_code == 302

    laptop = signed_in_elsewhere()
    new_password = "chief-horse-battery-2"
    changed = desk.post(
        ACCOUNT,
        {
            **settings_form(),
            "password-old_password": PASSWORD,
            "password-new_password1": new_password,
            "password-new_password2": new_password,
        },
    )
    assert changed.status_code == 302
    assert desk.get(ACCOUNT).status_code == 200
    assert laptop.get(ACCOUNT).status_code == 302


def test_an_account_without_a_password_is_told_who_changes_its_address(
    django_user_model, mailoutbox
):
    """An account an importer made, or one signing in through another service, has no password
    to confirm a change with: the panel says who changes the address instead of asking for one
    (a guess would only count toward the lockout), and the rest of the page saves."""
    sam = django_user_model.objects.create_superuser(
        "sam", "sam@example.org", None, first_name="Sam", last_name="Editor"
    )
    client = Client()
    client.force_login(sam)

    saved = client.post(
        ACCOUNT, settings_form(email="sam@new.example", password="", first_name="Samuel")
    )

    assert saved.status_code == 302
    sam.refresh_from_db()
    assert (sam.first_name, sam.email) == ("Samuel", "sam@example.org")
    assert mailoutbox == []
    page = client.get(ACCOUNT)
    assert account_services.ADDRESS_CHANGED_BY_AN_ADMINISTRATOR in text_of(page)
    assert 'name="email-password"' not in page.content.decode()
    # No reset link goes to an account without a password: the panel does not promise one.
    assert "Password reset links" not in text_of(page)
    assert "Notifications go to it." in text_of(page)
    assert "no password reset links are sent for it" in text_of(page)


def test_the_password_panel_stops_guessing_the_current_password_as_sign_in_does(desk, chief):
    """The address waits for the password; so must the Password panel, which would otherwise let
    whoever has a moment at an open session guess the password without limit, then set another."""
    from masthead.accounts import TOO_MANY_ATTEMPTS

    def change_password(old_password):
        new = {"password-new_password1": "taken-over-9", "password-new_password2": "taken-over-9"}
        return desk.post(ACCOUNT, {**settings_form(), "password-old_password": old_password, **new})

    for attempt in range(LOGIN_ATTEMPTS_PER_ACCOUNT):
        assert change_password(f"guess-{attempt}").status_code == 200

    refused = change_password(PASSWORD)

    assert refused.status_code == 200
    assert TOO_MANY_ATTEMPTS in text_of(refused)
    chief.refresh_from_db()
    assert chief.check_password(PASSWORD)
