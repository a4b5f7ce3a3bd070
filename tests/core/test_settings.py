"""The server refuses unsafe production settings and names the variable to set."""

import sqlite3
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.config import (
    Env,
    admins,
    base_url,
    database_config,
    email_config,
    from_email,
    funding_bounds,
    parse_rate,
    production_problems,
)
from tests.commands import run_masthead

GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ"


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


def test_a_database_that_cannot_be_reached_is_named_with_why_by_migrate(tmp_path):
    """deploy/masthead.service runs `masthead migrate` before `serve`: the connection pool's
    traceback ("couldn't get a connection after 10.00 sec") hid why the site did not start."""
    unreachable = "postgres://postgres@127.0.0.1:1/masthead"  # nothing listens on port 1

    result = run_masthead(["migrate", "--noinput"], {"DATABASE_URL": unreachable}, tmp_path)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "masthead: DATABASE_URL names a database that cannot be used, 127.0.0.1:1/masthead ("
    )
    assert "start it, or set DATABASE_URL to one that can be reached." in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker", "check", "migrate", "demo"])
def test_a_refused_configuration_is_one_line_naming_the_variable_for_every_command(
    command, tmp_path
):
    result = run_masthead([command], {"DEBUG": "false", "ALLOWED_HOSTS": "news.example"}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "masthead: configuration error: SECRET_KEY is not set, which DEBUG=false requires: "
        "set SECRET_KEY to a long random string (50+ characters)."
    ]


@pytest.mark.parametrize(
    ("command", "environment", "expected"),
    [
        (["check"], {"REDIS_URL": "notaurl"}, "REDIS_URL must start with redis://"),
        (["check"], {"EMAIL_URL": "smtp://u:p@host:notport"}, "EMAIL_URL has a port that is not"),
        (["check"], {"EMAIL_HOST": "mail.example", "EMAIL_PORT": "0"}, "EMAIL_PORT must be"),
        (["check"], {"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE must name a time zone"),
        (["check"], {"LANGUAGE_CODE": "xx-yy"}, "LANGUAGE_CODE must be a language Django"),
        (["check"], {"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO, WARNING"),
        (
            ["check"],
            {"MASTHEAD_TASKS_BACKEND": "nope.Backend"},
            "MASTHEAD_TASKS_BACKEND must be the dotted path",
        ),
        (
            # django-tasks' own RQ backend has no priorities: it refused the first task imported.
            ["check"],
            {"MASTHEAD_TASKS_BACKEND": "django_tasks_rq.RQBackend"},
            "The task backend django_tasks_rq.RQBackend (settings.TASKS['default']['BACKEND']) "
            "does not support task priorities",
        ),
        (
            ["check"],
            {"MASTHEAD_COMMENT_RATE_LIMIT": "5/0m"},
            "MASTHEAD_COMMENT_RATE_LIMIT's period must be from 1 second to 31 days",
        ),
        (
            ["check"],
            {"FUNDING_MIN_AMOUNT": "100", "FUNDING_MAX_AMOUNT": "10"},
            "FUNDING_MIN_AMOUNT (100) is more than FUNDING_MAX_AMOUNT (10)",
        ),
        (
            ["check"],
            {"MASTHEAD_BASE_URL": "news.example"},
            "MASTHEAD_BASE_URL must be the site's address with http:// or https://",
        ),
        (
            ["site", "--name", "News"],
            {"MASTHEAD_BASE_URL": "https://news.example:99999"},
            "MASTHEAD_BASE_URL has a port that is not a number",
        ),
        (
            ["check"],
            {"DATABASE_URL": "postgres://news:pa#ss@127.0.0.1:5432/news"},
            "DATABASE_URL has a port that is not a number from 1 to 65535, or a password",
        ),
        (["check"], {"EMAIL_URL": "smtp://u:p@mail.example:587?tsl=1"}, "'tsl'"),
        (
            ["check"],
            {"DEFAULT_FROM_EMAIL": "newsroom"},
            "DEFAULT_FROM_EMAIL must be an e-mail address, with a name if you like",
        ),
        (["serve"], {"PORT": "abc"}, "PORT must be a whole number, not 'abc'"),
        (["serve"], {"WEB_CONCURRENCY": "two"}, "WEB_CONCURRENCY must be a whole number"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_the_variable(
    command, environment, expected, tmp_path
):
    result = run_masthead(command, environment, tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("masthead: configuration error: ")
    assert expected in result.stderr


@pytest.mark.parametrize(
    ("environment", "language", "zone", "level"),
    [
        ({}, "en-us", "UTC", "INFO"),
        ({"LANGUAGE_CODE": "pt-BR", "TIME_ZONE": "Europe/Paris", "LOG_LEVEL": "debug"},
         "pt-br", "Europe/Paris", "DEBUG"),
        ({"LANGUAGE_CODE": "de-at"}, "de-at", "UTC", "INFO"),
    ],
)  # fmt: skip
def test_good_values_are_accepted(environment, language, zone, level, tmp_path):
    shown = (
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_CODE, s.TIME_ZONE, s.LOGGING['root']['level'])"
    )
    result = run_masthead(["shell", "-c", shown], environment, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [language, zone, level]


@pytest.mark.parametrize("text", ["5/0m", "5/0s", "5/32d", "0/m", "99999999999999999999/d", "5/x"])
def test_a_comment_rate_without_a_usable_limit_is_refused(text):
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_COMMENT_RATE_LIMIT"):
        parse_rate(text)


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("5/m", 5, 60), ("10/5m", 10, 300), ("10000/31d", 10_000, 31 * 86400), ("1/s", 1, 1)],
)
def test_comment_rates_within_bounds_are_read(text, count, seconds):
    rate = parse_rate(text)
    assert (rate.count, rate.seconds) == (count, seconds)


def test_funding_bounds_must_leave_room_for_a_gift():
    assert funding_bounds(Env({})) == (1, 10_000)
    assert funding_bounds(Env({"FUNDING_MIN_AMOUNT": "5", "FUNDING_MAX_AMOUNT": "5"})) == (5, 5)
    with pytest.raises(ImproperlyConfigured, match=r"FUNDING_MIN_AMOUNT .* FUNDING_MAX_AMOUNT"):
        funding_bounds(Env({"FUNDING_MIN_AMOUNT": "100", "FUNDING_MAX_AMOUNT": "10"}))
    with pytest.raises(ImproperlyConfigured, match="FUNDING_MAX_AMOUNT must be at least 1"):
        funding_bounds(Env({"FUNDING_MAX_AMOUNT": "-5"}))


def test_production_configuration_passes_check_deploy(tmp_path):
    result = run_masthead(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_hsts_keeps_to_the_site_itself_unless_the_operator_opts_in(tmp_path):
    """HSTS covered every subdomain and asked for the browsers' preload list by default: a
    newsroom on its apex domain cut off its own plain-HTTP subdomains, and committed its domain
    to lists browsers hard-code. Both are now the operator's choice, as in Django."""
    production = {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example"}
    show = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    default = run_masthead(["shell", "-c", show], production, tmp_path)
    assert default.stdout.split()[-3:] == ["31536000", "False", "False"], default.stderr
    opted_in = {**production, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "1"}
    widened = run_masthead(["shell", "-c", show], opted_in, tmp_path)
    assert widened.stdout.split()[-3:] == ["31536000", "True", "True"], widened.stderr
    wrong = run_masthead(
        ["check"], {**production, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "maybe"}, tmp_path
    )
    assert wrong.returncode == 2 and "SECURE_HSTS_INCLUDE_SUBDOMAINS" in wrong.stderr


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


def test_the_sqlite_database_is_readable_by_the_user_running_masthead_alone(tmp_path):
    """deploy/ shares MASTHEAD_HOME with nginx's group: a database SQLite made 0644 let anything
    running as www-data read its password hashes and session keys."""
    migrated = run_masthead(["migrate", "auth", "--noinput", "-v0"], {"REDIS_URL": ""}, tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    database = tmp_path / "masthead.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    with sqlite3.connect(database) as connection:  # a writer, as the site is, in WAL mode
        connection.execute("insert into auth_group (name) values ('editors')")
        assert stat.S_IMODE((tmp_path / "masthead.sqlite3-wal").stat().st_mode) == 0o600

    # An install whose database SQLite made before this: its next command closes it.
    database.chmod(0o644)
    assert run_masthead(["check"], {"REDIS_URL": ""}, tmp_path).returncode == 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


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


@pytest.mark.parametrize(
    "url",
    [
        "smtp://u:p@mail.example:587?tsl=1",  # a typo: mail would go out unencrypted
        "smtp://u:p@mail.example:587?tls=ture",
        "smtp://u:p@mail.example:587?ssl=1",
        "smtp://",
        "smtp://u:pa/ss@mail.example:587?tls=1",  # a password that should read pa%2Fss
    ],
)
def test_an_email_url_that_would_not_send_as_meant_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_config(Env({"EMAIL_URL": url}))


@pytest.mark.parametrize(
    "value", ["newsroom@news.example", "News Example <newsroom@news.example>", None]
)
def test_a_sender_address_with_or_without_a_name_is_accepted(value):
    environ = {} if value is None else {"DEFAULT_FROM_EMAIL": value}
    assert from_email(Env(environ)) == (value or "newsroom@localhost")


@pytest.mark.parametrize("tls", ["0", "off", "false"])
def test_an_email_url_may_turn_tls_off_in_words(tls):
    assert (
        email_config(Env({"EMAIL_URL": f"smtp://mail.example?tls={tls}"}))["EMAIL_USE_TLS"] is False
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "http://127.0.0.1:8000"),
        ("https://news.example/", "https://news.example"),
        ("https://news.example:8443", "https://news.example:8443"),
    ],
)
def test_the_base_url_is_the_scheme_and_host(value, expected):
    environ = {} if value is None else {"MASTHEAD_BASE_URL": value}
    assert base_url(Env(environ)) == expected


@pytest.mark.parametrize(
    "value",
    [
        "news.example",  # e-mails would carry links no mail client opens
        "//news.example",
        "ftp://news.example",
        "https://news.example:99999",
        "https://news.example/news/",  # not where the site is served: links would 404
        "https://news.example?x=1",
    ],
)
def test_a_base_url_links_could_not_use_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_BASE_URL"):
        base_url(Env({"MASTHEAD_BASE_URL": value}))


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


def test_admins_to_mail_come_from_the_environment():
    assert admins(Env({})) == []
    assert admins(Env({"ADMINS": 'ops@news.example, "Bloggs, Jo" <jo@news.example>,'})) == [
        ("ops@news.example", "ops@news.example"),
        ("Bloggs, Jo", "jo@news.example"),
    ]
    with pytest.raises(ImproperlyConfigured, match=r"ADMINS must be e-mail addresses .* 'jo'"):
        admins(Env({"ADMINS": "ops@news.example, jo"}))
