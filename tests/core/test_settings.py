"""The server refuses unsafe production settings and names the variable to set."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.config import Env, database_config, email_config, production_problems

GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ"


def run_masthead(args, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MASTHEAD_"))
    }
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    env.update(
        {
            "MASTHEAD_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "masthead.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_server_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = run_masthead(["check"], {"DEBUG": "false", "ALLOWED_HOSTS": "news.example"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_server_refuses_to_start_without_allowed_hosts_when_debug_is_off(tmp_path):
    result = run_masthead(["check"], {"DEBUG": "false", "SECRET_KEY": GOOD_KEY}, tmp_path)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_server_refuses_a_database_url_it_cannot_use(tmp_path):
    result = run_masthead(["check"], {"DATABASE_URL": "mysql://root@localhost/news"}, tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_configuration_passes_check_deploy(tmp_path):
    result = run_masthead(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_local_use_generates_and_keeps_a_secret_key(tmp_path):
    first = run_masthead(
        ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        {},
        tmp_path,
    )
    second = run_masthead(
        ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        {},
        tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("key", "allowed", "expected"),
    [
        (None, ["a.example"], "SECRET_KEY is not set"),
        ("short", ["a.example"], "SECRET_KEY is too short"),
        (GOOD_KEY, [], "ALLOWED_HOSTS is not set"),
        (GOOD_KEY, ["*"], "ALLOWED_HOSTS is '*'"),
    ],
)
def test_production_problems_name_the_variable(key, allowed, expected):
    problems = production_problems(debug=False, secret_key=key, allowed_hosts=allowed)
    assert any(expected in problem for problem in problems)


def test_debug_on_has_no_production_problems():
    assert production_problems(debug=True, secret_key=None, allowed_hosts=[]) == []


def test_database_url_switches_to_postgresql(tmp_path):
    config = database_config("postgres://postgres@127.0.0.1:5432/test", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "test"


def test_postgresql_connections_are_closed_after_each_request(tmp_path):
    # Kept open, they pile up one per request thread under ASGI until PostgreSQL refuses clients.
    config = database_config("postgres://postgres@127.0.0.1:5432/test", tmp_path, pool_size=4)
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["pool"]["max_size"] == 4  # taken from a pool, given back after


def test_sqlite_default_uses_wal(tmp_path):
    config = database_config(None, tmp_path)
    assert config["NAME"] == tmp_path / "masthead.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_bad_boolean_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        Env({"DEBUG": "maybe"}).bool("DEBUG", True)


def test_email_url_configures_smtp():
    config = email_config(Env({"EMAIL_URL": "smtp://user:p%40ss@mail.example:587?tls=1"}))
    assert config["EMAIL_HOST"] == "mail.example"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_config(Env({"EMAIL_URL": "carrier-pigeon://loft"}))


def test_serving_elsewhere_than_the_base_url_is_pointed_out():
    from masthead.management.commands.serve import base_url_warning

    assert base_url_warning("127.0.0.1", 8000, environ={}) is None
    warning = base_url_warning("127.0.0.1", 8011, environ={})
    assert "MASTHEAD_BASE_URL" in warning and "http://127.0.0.1:8011" in warning
    assert base_url_warning("127.0.0.1", 8011, environ={"MASTHEAD_BASE_URL": "x"}) is None


def test_serving_others_with_debug_on_is_pointed_out():
    from masthead.management.commands.serve import debug_warning

    local = ["localhost", "127.0.0.1", "[::1]", "testserver"]
    assert debug_warning("127.0.0.1", debug=True, allowed_hosts=local) is None
    assert "DEBUG=false" in debug_warning("192.0.2.10", debug=True, allowed_hosts=local)
    assert "DEBUG=false" in debug_warning(
        "127.0.0.1", debug=True, allowed_hosts=["news.example.org"]
    )
    assert debug_warning("192.0.2.10", debug=False, allowed_hosts=["news.example.org"]) is None
