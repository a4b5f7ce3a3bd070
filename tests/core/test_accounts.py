"""Sign-in for readers and editors: wrong passwords are limited per account and network."""

import os
import sqlite3
import subprocess
import sys

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
    subprocess.run(
        [sys.executable, "-m", "masthead.cli", "migrate", "--noinput", "-v0"], check=True, env=env
    )
    tables = sqlite3.connect(tmp_path / "masthead.sqlite3").execute(
        "select name from sqlite_master where type='table' and name='masthead_limits'"
    )
    assert tables.fetchall() == [("masthead_limits",)]
