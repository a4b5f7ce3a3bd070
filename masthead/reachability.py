"""Whether the services Masthead is configured to use answer, asked before `serve` and `worker`
start: a server started without them would report success, then fail every request."""

import copy
from urllib.parse import urlsplit

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import load_backend

CONNECT_TIMEOUT_SECONDS = 5


def service_problems() -> list[str]:
    """What stops the database and Redis (when REDIS_URL is set) from being used, each naming
    the variable to set."""
    from django.conf import settings

    problems = [database_problem(), redis_problem(settings.REDIS_URL)]
    return [problem for problem in problems if problem]


def database_problem(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """Why the database cannot be used, naming DATABASE_URL; None when it answers."""
    settings_dict = copy.deepcopy(connections[alias].settings_dict)
    options = settings_dict.setdefault("OPTIONS", {})
    # One connection of our own, not from the pool: the pool retries for its timeout and then
    # says only "couldn't get a connection", where the driver says what is wrong.
    options.pop("pool", None)
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    probe = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        where = (
            f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or 5432}"
            f"/{settings_dict['NAME']}"
            if probe.vendor == "postgresql"
            else str(settings_dict["NAME"])
        )
        return (
            f"DATABASE_URL names a database that cannot be used, {where} ({_reason(error)}): "
            "start it, or set DATABASE_URL to one that can be reached."
        )
    finally:
        probe.close()
    return None


def redis_problem(url: str | None) -> str | None:
    """Why Redis at `url` cannot be used, naming REDIS_URL; None when it answers or is not set."""
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=CONNECT_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return (
            f"REDIS_URL names a Redis that cannot be used, {_without_password(url)} "
            f"({_reason(error)}): start it, or set REDIS_URL to one that can be reached."
        )
    finally:
        client.close()
    return None


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":…@", 1)
    return parts._replace(netloc=netloc).geturl()


def _reason(error: Exception) -> str:
    return " ".join(str(error).split()).rstrip(".")
