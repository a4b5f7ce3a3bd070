"""Reading configuration from the environment: the one helper every setting goes through.

Every refusal names the variable to set, because the person reading it is usually an operator
looking at a log, not at this file.
"""

import os
import re
import secrets
import stat
import zoneinfo
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
# A password with one of these characters cuts a URL short where it stands, so that what follows
# reads as its port: the likelier cause of a "port" that is not a number.
PASSWORD_ESCAPES = "or a password in it with / # ? @ : not written %2F %23 %3F %40 %3A"  # noqa: S105


def truth(word: str) -> bool | None:
    """A yes or no as configuration writes it (1/0, true/false, yes/no, on/off), None if not."""
    word = word.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def url_port(parts: SplitResult, refusal: str) -> int | None:
    """The port of a URL read from the environment, refused with `refusal` if it is no number."""
    try:
        return parts.port
    except ValueError:
        raise ImproperlyConfigured(refusal) from None


class Env:
    """Typed access to environment variables, with defaults and errors that name the variable."""

    def __init__(self, environ=None):
        self.environ = os.environ if environ is None else environ

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.environ.get(name)
        return default if value is None else value.strip()

    def bool(self, name: str, default: bool) -> bool:
        value = self.environ.get(name)
        if value is None:
            return default
        answer = truth(value)
        if answer is not None:
            return answer
        raise ImproperlyConfigured(
            f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
        )

    def int(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.environ.get(name)
        if value is None or not value.strip():
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
        if maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {number}.")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self.environ.get(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]


def masthead_home(env: Env) -> Path:
    """The writable folder for the SQLite database, media, generated secrets and learned filters."""
    home = Path(env.str("MASTHEAD_HOME") or "var").expanduser().resolve()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"MASTHEAD_HOME={home} cannot be created ({error.strerror}); "
            "set MASTHEAD_HOME to a writable folder."
        ) from None
    if not os.access(home, os.W_OK):
        raise ImproperlyConfigured(
            f"MASTHEAD_HOME={home} is not writable; set MASTHEAD_HOME to a writable folder."
        )
    return home


def local_secret_key(home: Path) -> str:
    """A secret generated once and kept in MASTHEAD_HOME, for local use only."""
    path = home / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def database_config(url: str | None, home: Path, pool_size: int = 10) -> dict:
    """Django's DATABASES['default'] from DATABASE_URL, or SQLite (WAL) in MASTHEAD_HOME."""
    if not url:
        return sqlite_config(home / "masthead.sqlite3")
    import dj_database_url

    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {scheme or 'no scheme'!r}; Masthead supports postgres://… and sqlite:///…"
        )
    url_port(
        urlsplit(url),
        f"DATABASE_URL has a port that is not a number from 1 to 65535, {PASSWORD_ESCAPES}: "
        "e.g. postgres://user:password@host:5432/masthead",
    )
    try:
        # No persistent connections: under ASGI (`masthead serve`) every request runs its sync code
        # in a thread of its own, and a connection kept open in it is never reused nor closed, so
        # they piled up until PostgreSQL refused everyone ("too many clients"). A pool per process
        # (psycopg's) hands each request a connection and takes it back after.
        config = dj_database_url.parse(url, conn_max_age=0)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_config(Path(config["NAME"]))
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL names no database, e.g. postgres://user@host:5432/masthead"
        )
    config.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": pool_size,
        "timeout": 10,  # seconds a request waits for a free connection before failing
    }
    return config


def sqlite_config(path: Path) -> dict:
    owner_only_database(path)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
            # at the start of a transaction, so concurrent writers wait instead of failing.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def owner_only_database(path: Path) -> None:
    """Make the SQLite database (and its -wal, -shm and -journal files, which SQLite creates with
    the database's mode) readable and writable by its owner alone, creating it empty if need be.

    It holds password hashes, the keys of signed-in sessions and readers' addresses. SQLite
    creates it with the umask's mode, 0644: readable to anyone who may enter MASTHEAD_HOME,
    which deploy/ shares with nginx's group (for media/), so anything running as www-data (a
    PHP site on the same machine) could read it and sign in as any editor. Backups and the
    secret key were owner-only already."""
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:  # no such folder, or not ours: SQLite says so when it connects
        return
    for name in (path, *(Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal"))):
        try:
            mode = stat.S_IMODE(name.stat().st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
        except OSError:  # not there, or another user's (SQLite refuses it if it must)
            continue


def email_config(env: Env) -> dict:
    """Outgoing mail: EMAIL_URL (smtp://user:pass@host:587?tls=1), or EMAIL_HOST and friends,
    or the console backend, which prints messages instead of sending them."""
    url = env.str("EMAIL_URL")
    if url:
        parts = urlsplit(url)
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if parts.scheme not in {"smtp", "smtps", "console", "locmem", "dummy"}:
            raise ImproperlyConfigured(
                f"EMAIL_URL uses {parts.scheme!r}; use smtp://, smtps://, console:// or locmem://"
            )
        if parts.scheme in {"console", "locmem", "dummy"}:
            return {"EMAIL_BACKEND": f"django.core.mail.backends.{parts.scheme}.EmailBackend"}
        example = "use e.g. smtp://user:password@mail.example:587?tls=1"
        port = url_port(
            parts,
            f"EMAIL_URL has a port that is not a number from 1 to 65535, {PASSWORD_ESCAPES}: "
            f"{example}",
        )
        if not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL names no mail server: {example}")
        # A mistyped option (?tsl=1, ?tls=ture) must not quietly send the password unencrypted.
        unknown = sorted(set(options) - {"tls"})
        if unknown:
            raise ImproperlyConfigured(
                f"EMAIL_URL has an option Masthead does not know, {unknown[0]!r}: the only one is "
                f"tls=1 (STARTTLS; smtps:// for TLS from the start): {example}"
            )
        tls = options.get("tls", "false").strip().lower()
        if truth(tls) is None:
            raise ImproperlyConfigured(
                f"EMAIL_URL's tls must be true or false (1/0, yes/no, on/off), not {tls!r}: "
                f"{example}"
            )
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": truth(tls),
            "EMAIL_TIMEOUT": 20,
        }
    if env.str("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": env.str("EMAIL_HOST"),
            "EMAIL_PORT": env.int("EMAIL_PORT", 25, minimum=1, maximum=65535),
            "EMAIL_HOST_USER": env.str("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": env.str("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": env.bool("EMAIL_USE_TLS", False),
            "EMAIL_USE_SSL": env.bool("EMAIL_USE_SSL", False),
            "EMAIL_TIMEOUT": 20,
        }
    return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def base_url(env: Env) -> str:
    """MASTHEAD_BASE_URL, the public address that e-mails, feeds and sitemaps link to: a scheme
    and a host, nothing after them (a bare host name would make links e-mail clients cannot open,
    and a path is not where the site is served from)."""
    url = (env.str("MASTHEAD_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    example = "e.g. https://news.example or http://127.0.0.1:8000"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"MASTHEAD_BASE_URL must be the site's address with http:// or https://, "
            f"not {url!r}: {example}."
        )
    url_port(
        parts,
        f"MASTHEAD_BASE_URL has a port that is not a number from 1 to 65535 in {url!r}: {example}.",
    )
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ImproperlyConfigured(
            f"MASTHEAD_BASE_URL must be the scheme and host alone (Masthead is served at the "
            f"root of its host), not {url!r}: {example}."
        )
    return url


def redis_url(env: Env) -> str | None:
    """REDIS_URL, refused early when Redis's client could not read it (on the first page view)."""
    url = env.str("REDIS_URL") or None
    if url and urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://, not {url.split(':')[0]!r}: "
            "e.g. redis://127.0.0.1:6379/0"
        )
    return url


def time_zone(env: Env) -> str:
    """TIME_ZONE, a name from the IANA time zone database."""
    name = env.str("TIME_ZONE") or "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"TIME_ZONE must name a time zone such as UTC or Europe/Paris, not {name!r}."
        ) from None
    return name


def language_code(env: Env) -> str:
    """LANGUAGE_CODE, one of Django's languages or a regional variant of one (en-us, pt-br)."""
    from django.conf.global_settings import LANGUAGES

    code = (env.str("LANGUAGE_CODE") or "en-us").lower()
    known = {known_code for known_code, _name in LANGUAGES}
    if code not in known and code.split("-")[0] not in known:
        raise ImproperlyConfigured(
            f"LANGUAGE_CODE must be a language Django knows, such as en-us, fr or pt-br, "
            f"not {code!r}."
        )
    return code


def log_level(env: Env) -> str:
    """LOG_LEVEL, one of logging's level names (case does not matter)."""
    name = (env.str("LOG_LEVEL") or "INFO").upper()
    if name not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ImproperlyConfigured(
            f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {name!r}."
        )
    return name


def tasks_backend(env: Env, default: str) -> str:
    """MASTHEAD_TASKS_BACKEND, whose module must exist (it is imported only when a task is
    queued, which would fail in the middle of posting a comment)."""
    path = env.str("MASTHEAD_TASKS_BACKEND") or default
    module, _, attribute = path.rpartition(".")
    try:
        found = bool(module and attribute and find_spec(module))
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ImproperlyConfigured(
            f"MASTHEAD_TASKS_BACKEND must be the dotted path of a Django Tasks backend class, "
            f"such as django_tasks_db.DatabaseBackend, not {path!r} (no such module)."
        )
    return path


def admins(env: Env) -> list[tuple[str, str]]:
    """ADMINS, the operators mailed when a backup fails (and, Django's own, of each server
    error): comma-separated addresses, each optionally with a name, `Jo Bloggs <jo@news.example>`."""
    from email.utils import getaddresses

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = env.str("ADMINS", "")
    listed = ",".join(part for part in value.split(",") if part.strip())  # no empty entries
    people = []
    for name, address in getaddresses([listed]) if listed else []:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"ADMINS must be e-mail addresses separated by commas, each with a name if you "
                f"like (ops@news.example, Jo Bloggs <jo@news.example>): {address or value!r} is not one."
            ) from None
        people.append((name or address, address))
    return people


def from_email(env: Env) -> str:
    """DEFAULT_FROM_EMAIL, the sender of outgoing mail: an address, or a name and an address
    (`News <newsroom@news.example>`). A mail server refuses mail from something else, all of it."""
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = env.str("DEFAULT_FROM_EMAIL") or "newsroom@localhost"
    _name, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        raise ImproperlyConfigured(
            f"DEFAULT_FROM_EMAIL must be an e-mail address, with a name if you like "
            f"(newsroom@news.example, News <newsroom@news.example>), not {value!r}."
        ) from None
    return value


def funding_bounds(env: Env) -> tuple[int, int]:
    """FUNDING_MIN_AMOUNT and FUNDING_MAX_AMOUNT, the smallest and largest gift in whole units."""
    smallest = env.int("FUNDING_MIN_AMOUNT", 1, minimum=1)
    largest = env.int("FUNDING_MAX_AMOUNT", 10_000, minimum=1)
    if smallest > largest:
        raise ImproperlyConfigured(
            f"FUNDING_MIN_AMOUNT ({smallest}) is more than FUNDING_MAX_AMOUNT ({largest}): "
            "no gift could be accepted; lower the one or raise the other."
        )
    return smallest, largest


def production_problems(
    *, debug: bool, secret_key: str | None, allowed_hosts: list[str]
) -> list[str]:
    """What stops a DEBUG-off server from starting safely, each naming the variable to set."""
    if debug:
        return []
    problems = []
    if not secret_key:
        problems.append(
            "SECRET_KEY is not set, which DEBUG=false requires: "
            "set SECRET_KEY to a long random string (50+ characters)."
        )
    elif len(secret_key) < 50 or len(set(secret_key)) < 5:
        problems.append("SECRET_KEY is too short or too simple: use 50+ random characters.")
    if not allowed_hosts:
        problems.append(
            "ALLOWED_HOSTS is not set, which DEBUG=false requires: "
            "set ALLOWED_HOSTS to the site's host names, comma-separated."
        )
    elif "*" in allowed_hosts:
        problems.append("ALLOWED_HOSTS is '*': list the site's host names instead.")
    return problems


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Beyond these a limit is a typo, not a policy: a window of days is the longest anyone asks for,
# and counters and dates must stay in range (a 0 s window divided by zero on every edit).
RATE_MAX_COUNT = 10_000
RATE_MAX_SECONDS = 31 * 86400


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self):
        return f"{self.count} per {self.seconds} s"


def parse_rate(text: str) -> Rate:
    """'5/m' → 5 per 60 s; '10/5m' → 10 per 300 s. A malformed rate names the setting."""
    match = _RATE.match(text or "")
    if not match:
        raise ImproperlyConfigured(
            f"MASTHEAD_COMMENT_RATE_LIMIT must look like 5/m, 30/h or 10/5m, not {text!r}."
        )
    count, multiplier, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    seconds = multiplier * _UNIT_SECONDS[unit]
    if not 1 <= count <= RATE_MAX_COUNT:
        raise ImproperlyConfigured(
            f"MASTHEAD_COMMENT_RATE_LIMIT must allow from 1 to {RATE_MAX_COUNT:,} comments per "
            f"period, not {count} (in {text!r})."
        )
    if not 1 <= seconds <= RATE_MAX_SECONDS:
        raise ImproperlyConfigured(
            f"MASTHEAD_COMMENT_RATE_LIMIT's period must be from 1 second to 31 days, "
            f"not {text!r}: e.g. 5/m, 30/h or 10/5m."
        )
    return Rate(count=count, seconds=seconds)
