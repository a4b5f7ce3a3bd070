"""Settings → Site identity: the name readers see in the header and in the e-mails' subjects."""

import pytest
from django.test import Client
from wagtail.models import Site

from masthead.publishing.models import SiteIdentity
from tests.factories import make_home

pytestmark = pytest.mark.django_db


def ask_for_a_password_reset(capture_on_commit_callbacks) -> None:
    with capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "rosa@example.org"})


def test_a_name_typed_on_two_lines_is_kept_on_one_and_mails_still_go_out(
    admin_client, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    """A line break pasted into the name went into the subject of every e-mail the site sends
    ("Reset your password on …"), and Django refused to send any of them."""
    make_home()
    site = Site.objects.get(is_default_site=True)
    django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")

    response = admin_client.post(
        f"/admin/settings/publishing/siteidentity/{site.pk}/",
        {"name": "The Harbour\r\nLedger", "tagline": "News", "about": "", "twitter_handle": ""},
    )

    assert response.status_code == 302
    assert SiteIdentity.for_site(site).name == "The Harbour Ledger"
    ask_for_a_password_reset(django_capture_on_commit_callbacks)
    assert [mail.subject for mail in mailoutbox] == ["Reset your password on The Harbour Ledger"]


def test_a_name_stored_on_two_lines_before_is_mailed_on_one(
    django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    make_home()
    site = Site.objects.get(is_default_site=True)
    SiteIdentity.objects.filter(pk=SiteIdentity.for_site(site).pk).update(name="Harbour\nNews")
    django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")

    ask_for_a_password_reset(django_capture_on_commit_callbacks)

    assert [mail.subject for mail in mailoutbox] == ["Reset your password on Harbour News"]


def test_a_name_of_control_characters_alone_is_refused_and_the_old_one_kept(admin_client):
    make_home()
    site = Site.objects.get(is_default_site=True)
    SiteIdentity.objects.filter(pk=SiteIdentity.for_site(site).pk).update(name="Harbour News")

    response = admin_client.post(
        f"/admin/settings/publishing/siteidentity/{site.pk}/",
        {"name": "\x07\x07", "tagline": "News", "about": "", "twitter_handle": ""},
    )

    assert response.status_code == 200
    assert "Give the site a name" in response.content.decode()
    assert SiteIdentity.for_site(site).name == "Harbour News"
