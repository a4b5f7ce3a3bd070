"""Masthead's settings. Everything an operator may change comes from the environment (see README)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from masthead import task_queues
from masthead.config import (
    Env,
    admins,
    base_url,
    database_config,
    email_config,
    from_email,
    funding_bounds,
    language_code,
    local_secret_key,
    log_level,
    masthead_home,
    parse_rate,
    production_problems,
    redis_url,
    tasks_backend,
    time_zone,
)

env = Env()
PACKAGE_DIR = Path(__file__).resolve().parent
MASTHEAD_HOME = masthead_home(env)

# A fresh checkout is a local install: DEBUG is on unless the operator turns it off, and then
# SECRET_KEY and ALLOWED_HOSTS must be given (the server refuses to start otherwise).
DEBUG = env.bool("DEBUG", True)
SECRET_KEY = env.str("SECRET_KEY") or None
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", [])
_problems = production_problems(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)
if _problems:
    raise ImproperlyConfigured("\n".join(_problems))
if SECRET_KEY is None:
    SECRET_KEY = local_secret_key(MASTHEAD_HOME)
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "masthead",
    "masthead.publishing",
    "masthead.discussion",
    "masthead.moderation",
    "masthead.funding",
    "masthead.importers",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "masthead.apps.WagtailUsersConfig",  # wagtail.users, names optional in its user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # the API docs page from its own static files, not a CDN (works offline)
    "django_tasks",
    "django_tasks_db",
    "servestatic.runserver_nostatic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
]

# Under ASGI (`masthead serve`) Django runs a middleware in async mode if it can, and each hook of
# a sync-style middleware in async mode is a thread hop of its own. ServeStatic is async-only, so
# it comes first; every middleware after it then runs in sync mode, the whole chain in one hop
# (the page cache's and the money style's middlewares are sync only for that). Static files
# thus skip SecurityMiddleware: ServeStatic adds its headers (_static_file_headers below).
# AsyncFileMiddleware, outermost of the rest, sends uploaded files under ASGI as they are read.
MIDDLEWARE = [
    "servestatic.middleware.ServeStaticMiddleware",
    "masthead.streaming.AsyncFileMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the page cache, so that pages served from it are not framed by other sites either.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "masthead.publishing.page_cache.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "masthead.publishing.middleware.BylineMissingMiddleware",
    # Wagtail's, which also answers a WordPress site's addresses through /index.php.
    "masthead.publishing.redirects.RedirectMiddleware",
    "masthead.funding.middleware.MoneyStyleMiddleware",
]

# Django's model backend, with a limit on wrong passwords (see accounts.ThrottledModelBackend).
AUTHENTICATION_BACKENDS = ["masthead.accounts.ThrottledModelBackend"]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"
ASGI_APPLICATION = "masthead.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "masthead.context_processors.site_chrome",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL"),
        MASTHEAD_HOME,
        pool_size=env.int("DATABASE_POOL_SIZE", 10, minimum=1),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url(env)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("MASTHEAD_CACHE_PREFIX", "masthead"),
            "TIMEOUT": 300,
        }
    }
    CACHES["limits"] = {
        **CACHES["default"],
        "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-limits",
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "masthead",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Counters behind the abuse limits (sign-in attempts, confirmation e-mails, edits) must be
        # shared by every web process, which an in-process cache is not: a table of the database
        # (created by `migrate`).
        "limits": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "masthead_limits",
            "TIMEOUT": 3600,
        },
    }

# Background work goes through Django's Tasks API: a database queue by default (no other service
# needed; `masthead serve` starts a worker beside the web processes), RQ on Redis when REDIS_URL
# is set (run `masthead worker` processes). MASTHEAD_TASKS_BACKEND overrides either. Reader-facing
# e-mails go before bulk work (masthead/task_queues.py): the queues are listed in that order.
if REDIS_URL:
    # RQ's backend, holding each task until the transaction that enqueued it commits.
    _tasks_backend = "masthead.task_backends.RQBackend"
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600} for name in task_queues.QUEUES_IN_ORDER
    }
else:
    _tasks_backend = "django_tasks_db.DatabaseBackend"
TASKS = {
    "default": {
        "BACKEND": tasks_backend(env, default=_tasks_backend),
        "QUEUES": task_queues.QUEUES_IN_ORDER,
    }
}
# How long `masthead serve`, once told to stop, waits for its worker to finish the task in hand
# (an e-mail, a retraining) before it kills it.
MASTHEAD_SHUTDOWN_TIMEOUT = env.int("MASTHEAD_SHUTDOWN_TIMEOUT", 60, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts-login"
# After signing in without a page to return to, and for a signed-in reader who opens the sign-in
# page: "Your account" (Django's default, /accounts/profile/, is no page of ours).
LOGIN_REDIRECT_URL = "accounts-profile"

LANGUAGE_CODE = language_code(env)
TIME_ZONE = time_zone(env)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = MASTHEAD_HOME / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = MASTHEAD_HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "servestatic.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In DEBUG, static files come straight from the apps' folders, without `collectstatic`.
SERVESTATIC_USE_FINDERS = DEBUG
SERVESTATIC_AUTOREFRESH = DEBUG
# The embedded install serves uploaded media itself; behind a proxy, let the proxy do it.
MASTHEAD_SERVE_MEDIA = env.bool("MASTHEAD_SERVE_MEDIA", True)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o644

globals().update(email_config(env))
# Without a name before the address, mail goes out under the site's name (masthead.mail.sender).
DEFAULT_FROM_EMAIL = from_email(env)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mailed when a backup fails, and (Django's logging) of each server error while DEBUG is off.
ADMINS = admins(env)
EMAIL_SUBJECT_PREFIX = "[Masthead] "

# Security. With DEBUG off, HTTPS is assumed (a proxy terminating TLS sets X-Forwarded-Proto);
# MASTHEAD_HTTPS=false serves plain HTTP, e.g. on a private network.
HTTPS = env.bool("MASTHEAD_HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("MASTHEAD_BEHIND_PROXY", HTTPS) else None
)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
# Off unless the operator opts in, as in Django: includeSubDomains cuts off every plain-HTTP
# subdomain of the publisher's domain, and preload asks browsers to hard-code HTTPS for it, a
# list that takes months to leave.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"


def _static_file_headers(headers, path, url):
    """The headers SecurityMiddleware gives pages, given to static files (ServeStatic answers
    before it), as over HTTPS: browsers ignore HSTS on plain HTTP answers."""
    from django.http import HttpRequest, HttpResponse
    from django.middleware.security import SecurityMiddleware

    class OverHttps(HttpRequest):
        def is_secure(self):
            return True

    secured = SecurityMiddleware(HttpResponse).process_response(OverHttps(), HttpResponse())
    for name, value in secured.items():
        if name.lower() != "content-type":
            headers[name] = value


SERVESTATIC_ADD_HEADERS_FUNCTION = _static_file_headers
X_FRAME_OPTIONS = "DENY"  # Wagtail allows its own preview frame explicitly
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
# Content Security Policy of the public pages: scripts only from the site's own files, so that
# markup slipping through into a comment, a name or a quote could never run. The video players
# are the only frames (after the reader clicks play). No form-action: the donate form's answer
# sends the reader on to Stripe Checkout. The Wagtail admin (and its previews) has inline
# scripts of its own and is left out; the API's docs page runs from local files under it.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # the goal bar's widths are style attributes
        "img-src": ["'self'", "data:"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    },
}
# `check --deploy` warns when HSTS leaves out subdomains (W005) or the preload list (W021): both
# are the operator's choice to make (above), not a fault of a production configuration.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"] + (
    [] if HTTPS else ["security.W004", "security.W008", "security.W012", "security.W016"]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": log_level(env)},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# The error page (DEBUG) and the error e-mails to ADMINS hide the user:password@ inside URLs
# (REDIS_URL, DATABASE_URL, EMAIL_URL, CACHES...) as well as the settings Django hides by name.
DEFAULT_EXCEPTION_REPORTER_FILTER = "masthead.error_reports.CredentialsFilter"

# Discussion: a reader may post this many comments per period ("5/m", "30/h", "10/5m").
MASTHEAD_COMMENT_RATE_LIMIT = env.str("MASTHEAD_COMMENT_RATE_LIMIT", "5/m")
parse_rate(MASTHEAD_COMMENT_RATE_LIMIT)  # refuses a malformed rate at startup, naming the variable
# Live comment streams (with REDIS_URL) one network address may hold open at once; see discussion.conf.
MASTHEAD_LIVE_STREAMS_PER_NETWORK = env.int("MASTHEAD_LIVE_STREAMS_PER_NETWORK", 20, minimum=1)
# Days the filter's catches are kept before they are deleted (0: for good); see moderation.services.spam.
MASTHEAD_SPAM_KEPT_DAYS = env.int("MASTHEAD_SPAM_KEPT_DAYS", 30, minimum=0)

# Wagtail
WAGTAIL_SITE_NAME = env.str("MASTHEAD_SITE_NAME", "The Harbour Ledger")
WAGTAILADMIN_BASE_URL = base_url(env)
WAGTAILIMAGES_IMAGE_MODEL = "publishing.CreditedImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = "masthead.publishing.image_forms.CreditedImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Wagtail turns WebP and AVIF into PNG, several times their size for a photo: keep them.
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"webp": "webp", "avif": "avif"}
# Documents go through Wagtail's view, which checks a private collection's privacy; "direct" or
# "redirect" would link /media/documents/, which the media route refuses (see serve_media).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# A password-protected page or document asks for its password in the site's own layout.
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "publishing/password_required.html"  # noqa: S105
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "publishing/password_required.html"  # noqa: S105
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Editors' avatars are their uploaded photo or Wagtail's default: the admin asks gravatar.com for
# nothing (it would hand a hash of every editor's e-mail address to a third party, and show
# broken images on a server without internet).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# An editor's own account settings change the name only: the address changes in the e-mail panel
# of masthead.accounts.admin_account, with the password and a link sent to the new address.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
TAGGIT_CASE_INSENSITIVE = True

# Reader funding. Payments are off until STRIPE_SECRET_KEY is set; manual donations always work.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", "")
FUNDING_MIN_AMOUNT, FUNDING_MAX_AMOUNT = funding_bounds(env)
