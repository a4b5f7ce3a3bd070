"""Sign-in for readers and editors: wrong passwords are limited per account and network."""

import io
import os
import re
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.test import Client

from masthead.accounts import LOGIN_ATTEMPTS_PER_ACCOUNT, TOO_MANY_ATTEMPTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")


def sign_in(client, password, username="rosa", url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_waits(reader):
    client = Client()
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT):
        assert "correct username and password" in sign_in(client, "guess").content.decode()
    refused = sign_in(client, "right-horse-battery")
    assert refused.status_code == 200 and TOO_MANY_ATTEMPTS in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # another network is not locked out
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(other, "right-horse-battery").status_code == 302


def test_the_admin_sign_in_is_limited_too(admin_user):
    client = Client()
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT):
        sign_in(client, "guess", username="admin", url="/admin/login/")
    sign_in(client, "password", username="admin", url="/admin/login/")
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_clears_earlier_mistakes(reader):
    client = Client()
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT - 1):
        sign_in(client, "guess")
    assert sign_in(client, "right-horse-battery").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT - 1):
        sign_in(client, "guess")
    assert sign_in(client, "right-horse-battery").status_code == 302


def test_a_reader_may_sign_in_with_their_e_mail_address(reader):
    client = Client()
    assert "Username or e-mail address" in client.get("/accounts/login/").content.decode()
    assert sign_in(client, "right-horse-battery", username=" Rosa@Example.org").status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)

    wrong = sign_in(Client(), "guess", username="rosa@example.org")
    assert "correct username and password" in wrong.content.decode()


@pytest.fixture
def addresses_shared_before_they_were_unique():
    """A database where accounts shared addresses before masthead/migrations/0002 (its index is
    back when the test's transaction is rolled back)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX masthead_user_email_unique_ci")


def test_an_address_several_accounts_share_signs_nobody_in(
    reader, django_user_model, addresses_shared_before_they_were_unique
):
    django_user_model.objects.create_user("rosa-work", "rosa@example.org", "right-horse-battery")
    client = Client()
    refused = sign_in(client, "right-horse-battery", username="rosa@example.org")
    assert "correct username and password" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "right-horse-battery", username="rosa-work").status_code == 302


def test_a_username_that_is_another_accounts_address_signs_in_its_own_account(
    reader, django_user_model
):
    named = django_user_model.objects.create_user("rosa@example.org", "kit@example.org", "kit-pw")
    client = Client()
    assert sign_in(client, "kit-pw", username="rosa@example.org").status_code == 302
    assert client.session["_auth_user_id"] == str(named.pk)


def test_an_account_named_after_a_readers_address_does_not_keep_them_from_signing_in_with_it(
    reader, client
):
    squat = client.post("/accounts/signup/", {**KIT, "username": "rosa@example.org"})
    assert squat.status_code == 302

    rosa = Client()
    assert sign_in(rosa, "right-horse-battery", username="rosa@example.org").status_code == 302
    assert rosa.session["_auth_user_id"] == str(reader.pk)
    squatter = Client()
    assert sign_in(squatter, KIT["password1"], username="rosa@example.org").status_code == 302
    assert squatter.session["_auth_user_id"] != str(reader.pk)
    wrong = sign_in(Client(), "guess", username="rosa@example.org")
    assert "correct username and password" in wrong.content.decode()


def test_wrong_passwords_count_against_the_account_whether_named_or_addressed(reader):
    client = Client()
    for attempt in range(LOGIN_ATTEMPTS_PER_ACCOUNT):
        sign_in(client, "guess", username="rosa@example.org" if attempt % 2 else "rosa")
    refused = sign_in(client, "right-horse-battery", username="rosa@example.org")
    assert TOO_MANY_ATTEMPTS in refused.content.decode()


def test_editors_sign_in_to_the_admin_with_their_username_or_address(admin_user):
    for typed in ("admin", admin_user.email):
        client = Client()
        assert sign_in(client, "password", username=typed, url="/admin/login/").status_code == 302
        assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_signing_up_signs_the_reader_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "kit",
            "first_name": "Kit",
            "email": "kit@example.org",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    assert response.status_code == 302
    assert client.get("/accounts/login/").status_code == 302  # already signed in


KIT = {
    "username": "kit",
    "first_name": "Kit",
    "email": "kit@example.org",
    "password1": "a-long-unusual-pass-42",
    "password2": "a-long-unusual-pass-42",
}


def test_a_new_account_confirms_its_address_by_a_link_and_may_ask_for_it_again(
    client, django_user_model, mailoutbox, settings, django_capture_on_commit_callbacks
):
    from masthead.accounts import selectors

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", KIT)
    kit = django_user_model.objects.get(username="kit")
    assert not selectors.email_is_confirmed(kit)
    assert mailoutbox[0].to == ["kit@example.org"]
    link = re.search(r"https?://\S+/accounts/email/confirm/\S+/", mailoutbox[0].body).group(0)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL)  # not the Host header
    page = client.get("/accounts/").content.decode()
    assert "Confirm your address" in page and "Send the link again" in page

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post("/accounts/email/confirm/resend/", follow=True)
    assert "We sent a new link to kit@example.org." in resent.content.decode()
    assert [message.to for message in mailoutbox] == [["kit@example.org"]] * 2

    path = urlsplit(link).path
    question = Client().get(path)  # a mail scanner opening the link confirms nothing
    assert "Yes, confirm my address" in question.content.decode()
    assert not selectors.email_is_confirmed(kit)
    done = Client().post(path)
    assert "Your address is confirmed" in done.content.decode()
    assert selectors.email_is_confirmed(kit)
    assert "Confirm your address" not in client.get("/accounts/").content.decode()
    assert "Your address is confirmed" in Client().get(path).content.decode()


def test_a_sign_up_whose_link_the_hourly_limit_holds_back_says_so_instead_of_sent(
    django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.accounts import services

    for _ in range(services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR):  # someone else's doing
        with django_capture_on_commit_callbacks(execute=True):
            Client().post("/accounts/signup/", KIT)
        services.account_delete(user=django_user_model.objects.get(username="kit"))
    sent = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post("/accounts/signup/", {**KIT, "next": "/accounts/"}, follow=True)

    assert len(mailoutbox) == sent
    page = re.sub(r"\s+", " ", answer.content.decode())
    assert "Your account is ready, but several e-mails have gone to kit@example.org" in page
    assert django_user_model.objects.filter(username="kit").exists()


def test_the_account_page_says_no_link_was_sent_while_the_hourly_limit_held_it_back(
    django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    """The account page's notice said "We sent a link" to a reader whose sign-up link the limit
    held back: it says none was sent until one is, asked for with its button."""
    from masthead import limits
    from masthead.accounts import counter_key, services

    for _ in range(services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR):  # someone else's doing
        with django_capture_on_commit_callbacks(execute=True):
            Client().post("/accounts/signup/", KIT)
        services.account_delete(user=django_user_model.objects.get(username="kit"))
    reader = Client()
    with django_capture_on_commit_callbacks(execute=True):
        reader.post("/accounts/signup/", KIT)

    page = re.sub(r"\s+", " ", reader.get("/accounts/").content.decode())

    assert "We sent a link to" not in page
    assert services.CONFIRMATION_HELD_BACK.format(email="kit@example.org") in page
    # One request, then what to do with the link: not "Ask for one … Please open it".
    assert "Ask for one with the button below, then open it to show the address is yours." in page
    assert "Please open it" not in page
    assert ">Send the link</button>" in page

    limits.forget(f"account-confirmation-emails:{counter_key('kit@example.org')}")  # an hour on
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        reader.post("/accounts/email/confirm/resend/")
    assert [message.to for message in mailoutbox[sent:]] == [["kit@example.org"]]
    page = re.sub(r"\s+", " ", reader.get("/accounts/").content.decode())
    assert (
        "We sent a link to <strong>kit@example.org</strong>. Please open it to show the address "
        "is yours." in page
    )
    assert ">Send the link again</button>" in page


@pytest.mark.parametrize("mode", ["post", "pre_guests"])
def test_an_unconfirmed_reader_is_told_their_comments_wait_only_where_guests_wait(
    client, mode, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.moderation.models import ModerationSettings
    from tests.factories import make_article, make_home, make_section

    make_home()
    article = make_article(section=make_section(title="World"), title="Harbour council votes")
    options = ModerationSettings.for_site(article.get_site())
    options.mode = mode
    options.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", KIT)
    waiting = "wait for a moderator"
    held = mode == "pre_guests"

    form = client.get(article.url).content.decode()
    account = client.get("/accounts/").content.decode()
    [confirmation] = mailoutbox

    assert "Confirm your address" in account
    assert (waiting in form, waiting in account, waiting in confirmation.body) == (held,) * 3
    link = re.search(r"https?://\S+/accounts/email/confirm/\S+/", confirmation.body).group(0)
    confirmed = client.post(urlsplit(link).path).content.decode()
    assert "Your address is confirmed" in confirmed
    assert ("no longer held for a moderator" in confirmed) == held


@pytest.mark.parametrize(
    "name",
    ["cheap-pills.com", "Kit, example dot com", "Kit kit@example.net", "Kit +1 415 555 0123"],
)
def test_sign_up_refuses_a_name_that_advertises_and_keeps_what_was_typed(
    client, django_user_model, mailoutbox, name
):
    from masthead.accounts.services import NAME_ADVERTISES

    refused = client.post("/accounts/signup/", {**KIT, "first_name": name})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert NAME_ADVERTISES in html
    assert 'value="kit@example.org"' in html
    assert not django_user_model.objects.filter(username="kit").exists()
    assert mailoutbox == []


@pytest.mark.parametrize("name", ["Paki", "Moderator", "The Editor"])
def test_sign_up_refuses_an_abusive_or_a_newsroom_name_and_keeps_what_was_typed(
    client, django_user_model, mailoutbox, name
):
    from masthead.accounts.names import NAME_ABUSIVE, NAME_RESERVED

    refused = client.post("/accounts/signup/", {**KIT, "first_name": name})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert (NAME_ABUSIVE if name == "Paki" else NAME_RESERVED) in html
    assert 'value="kit@example.org"' in html
    assert not django_user_model.objects.filter(username="kit").exists()
    assert mailoutbox == []


def test_one_network_cannot_sign_up_or_probe_addresses_without_end(django_user_model):
    from masthead.accounts import SIGNUPS_PER_ADDRESS_PER_HOUR, TOO_MANY_SIGNUPS

    client = Client()
    for number in range(SIGNUPS_PER_ADDRESS_PER_HOUR):
        client.post("/accounts/signup/", {"username": f"u{number}", "email": f"p{number}@x.org"})
    kit = {
        "username": "kit",
        "first_name": "Kit",
        "email": "kit@example.org",
        "password1": "a-long-unusual-pass-42",
        "password2": "a-long-unusual-pass-42",
    }
    refused = client.post("/accounts/signup/", kit)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert TOO_MANY_SIGNUPS in html
    assert 'value="kit@example.org"' in html  # what was typed is kept
    assert not django_user_model.objects.filter(username="kit").exists()
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post("/accounts/signup/", kit).status_code == 302


def reset_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)


def test_a_reader_who_forgot_the_password_chooses_a_new_one_by_e_mail(
    reader, mailoutbox, settings, django_capture_on_commit_callbacks
):
    client = Client()
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in login_page

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/password/reset/", {"email": "ROSA@example.org"})
    assert sent.status_code == 302
    assert "Check your e-mail" in client.get(sent["Location"]).content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rosa@example.org"]
    link = reset_link(mailoutbox[0])
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))  # not the Host header
    assert '"rosa"' in mailoutbox[0].body

    path = urlsplit(link).path
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = {
        "new_password1": "tide-lantern-copper-9",
        "new_password2": "tide-lantern-copper-9",
    }
    done = client.post(form_page.redirect_chain[-1][0], new_password, follow=True)
    assert "Your password is changed" in done.content.decode()
    assert client.session.get("_auth_user_id") == str(reader.pk)  # signed in

    again = Client().get(path, follow=True).content.decode()
    assert "This link no longer works" in again  # a link works once
    assert sign_in(Client(), "tide-lantern-copper-9").status_code == 302
    assert sign_in(Client(REMOTE_ADDR="198.51.100.9"), "right-horse-battery").status_code == 200


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(reader, mailoutbox):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mailoutbox == []


def test_password_reset_requests_cannot_flood_an_inbox_or_go_on_without_end(
    reader, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.accounts import (
        PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR,
        PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
        TOO_MANY_RESET_REQUESTS,
    )

    for number in range(PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")  # many networks, one inbox
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password/reset/", {"email": "rosa@example.org"})
        assert response.status_code == 302
    assert len(mailoutbox) == PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR

    client = Client()
    for number in range(PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        client.post("/accounts/password/reset/", {"email": f"someone{number}@example.org"})
    refused = client.post("/accounts/password/reset/", {"email": "kit@example.org"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert TOO_MANY_RESET_REQUESTS in html
    assert 'value="kit@example.org"' in html  # what was typed is kept


def test_the_counters_behind_the_limits_are_shared_by_every_web_process(settings):
    # An in-process cache would give each of `masthead serve`'s web processes its own count.
    backend = settings.CACHES["limits"]["BACKEND"]
    if settings.REDIS_URL:
        assert backend.endswith("RedisCache")
    else:
        assert backend == "django.core.cache.backends.db.DatabaseCache"


def test_migrate_creates_the_table_of_the_limits(tmp_path):
    env = {
        **os.environ,
        "MASTHEAD_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    # One small app's migrations are enough: `migrate` signals the end of every run, and the
    # table must follow from that signal (the test database gets it from pytest-django anyway).
    subprocess.run(
        [sys.executable, "-m", "masthead.cli", "migrate", "contenttypes", "--noinput", "-v0"],
        check=True,
        env=env,
    )
    tables = sqlite3.connect(tmp_path / "masthead.sqlite3").execute(
        "select name from sqlite_master where type='table' and name='masthead_limits'"
    )
    assert tables.fetchall() == [("masthead_limits",)]


def test_no_two_accounts_share_an_address_whatever_its_case(reader, django_user_model):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        django_user_model.objects.create_user("rosa-two", "ROSA@example.ORG", "pw")
    # Accounts without an address (createsuperuser allows it) are not sharing one.
    django_user_model.objects.create_user("desk-one", "", "pw")
    django_user_model.objects.create_user("desk-two", "", "pw")


def test_signing_up_with_an_address_taken_at_the_same_moment_says_so(
    client, reader, django_user_model, monkeypatch
):
    from masthead.accounts import EMAIL_HAS_AN_ACCOUNT, SignupForm

    # As when two sign-ups with one address pass the form's check together.
    monkeypatch.setattr(SignupForm, "clean_email", lambda form: form.cleaned_data["email"])
    refused = client.post("/accounts/signup/", {**KIT, "email": "Rosa@Example.org"})

    assert refused.status_code == 400
    assert EMAIL_HAS_AN_ACCOUNT in refused.content.decode()
    assert 'value="kit"' in refused.content.decode()  # what was typed is kept
    assert not django_user_model.objects.filter(username="kit").exists()
    assert "_auth_user_id" not in client.session


def test_createsuperuser_refuses_an_address_another_account_has(db, django_user_model, monkeypatch):
    """It failed on the unique index with an IntegrityError traceback."""
    from django.core.management import CommandError, call_command

    from masthead.management.commands.createsuperuser import ADDRESS_TAKEN

    django_user_model.objects.create_user("rosa", "rosa@example.org", "pw")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password")
    with pytest.raises(CommandError, match="Another account has this e-mail address"):
        call_command(
            "createsuperuser", interactive=False, username="chief", email="Rosa@Example.org"
        )
    assert not django_user_model.objects.filter(username="chief").exists()

    # Asked at the prompt, the address is refused and asked for again.
    answers = iter(["chief", "ROSA@example.org", "chief@example.org"])
    monkeypatch.setattr("builtins.input", lambda message="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-long-admin-password")
    errors = io.StringIO()
    terminal = io.StringIO()
    terminal.isatty = lambda: True
    call_command("createsuperuser", stdin=terminal, stderr=errors, stdout=io.StringIO())
    assert ADDRESS_TAKEN in errors.getvalue()
    assert django_user_model.objects.get(username="chief").email == "chief@example.org"


def test_a_refused_form_says_so_in_the_page_title(reader):
    """A screen reader reads the title first after a reload; the comment form and the account
    page already start it with "Error: ", the sign-in, sign-up and password reset forms did not."""
    client = Client()
    for url, data in (
        ("/accounts/login/", {"username": "rosa", "password": "guess"}),
        ("/accounts/signup/", {"username": "rosa", "password1": "a", "password2": "b"}),
        ("/accounts/password/reset/", {"email": "not an address"}),
    ):
        html = client.post(url, data).content.decode()
        assert "<title>Error: " in html, url
        assert "<title>Error: " not in client.get(url).content.decode(), url

    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(str(reader.pk).encode())
    link = client.get(
        f"/accounts/password/reset/{uid}/{default_token_generator.make_token(reader)}/"
    )
    refused = client.post(link["Location"], {"new_password1": "a", "new_password2": "b"})
    assert "<title>Error: Choose a new password" in refused.content.decode()


def test_the_sign_up_form_lets_the_browser_fill_in_the_readers_name_and_address(client):
    """WCAG 1.3.5: fields about the reader say what they hold, as the account page's already do."""
    html = client.get("/accounts/signup/").content.decode()
    assert re.search(r'<input[^>]*name="first_name"[^>]*autocomplete="name"', html) or re.search(
        r'<input[^>]*autocomplete="name"[^>]*name="first_name"', html
    )
    assert re.search(r'<input[^>]*name="email"[^>]*autocomplete="email"', html) or re.search(
        r'<input[^>]*autocomplete="email"[^>]*name="email"', html
    )


def test_the_admin_password_reset_cannot_flood_an_inbox_either(reader, mailoutbox):
    """Wagtail's own form at /admin/password_reset/ sent one e-mail per post, to readers' accounts
    too, past every limit of the site's reset: it leads to the site's reset instead."""
    client = Client()
    for _ in range(12):
        response = client.post("/admin/password_reset/", {"email": "rosa@example.org"})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/reset/"
    assert mailoutbox == []
    login_page = client.get("/admin/login/").content.decode()
    assert 'href="/admin/password_reset/"' in login_page  # the admin's link still leads there
    assert client.get("/admin/password_reset/", follow=True).status_code == 200
