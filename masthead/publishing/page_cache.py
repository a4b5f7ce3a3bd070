"""Whole-page caching for readers without a personal view of the site.

Most readers are anonymous, have no comment cookie and no messages waiting: for them a page is
the same HTML every time until something is published. Such responses are cached under a key
that holds the site's content version, which every publish, unpublish, move or delete bumps
(in the database, so every web process sees it within a second, whatever the cache backend).
Forms in cached pages carry a marker where the CSRF token goes; each response gets its own.
Only query strings a page reads are stored (see is_storable_query), with values its links
write (see do_not_store), and every key holds the Wagtail site the page was rendered for (see
site_address), not the Host header: every host, port and letter case of one site shares its
entries. The same machinery stores the fragments of a page that its script fetches (the comment
thread's "load more"), with their headers and the reader-choice cookies they set.
"""

import functools
import hashlib
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlencode

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse, QueryDict
from django.http.request import split_domain_port
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import http_date
from django.utils.module_loading import import_string

from masthead.links import QUERY_STRING_AS_SENT


def response_marker(name: str) -> str:
    """A placeholder in cached HTML that each response fills in for its reader.

    Derived from SECRET_KEY, so that no reader can type it: written into a comment's link or an
    author's name, a guessable marker would be filled in too, and the link would carry every
    viewer's CSRF token off to its site."""
    digest = salted_hmac("masthead.page-cache.marker", name, algorithm="sha256").hexdigest()
    return f"__MASTHEAD_{name}_{digest[:24]}__"


CSRF_MARKER = response_marker("CSRF_TOKEN")
PAGE_CACHE_SECONDS = 600
_VERSION_MEMO_SECONDS = 1.0
# What is read at most once a second per process, as (value, read at): the content version, and
# each page's variants (an article's thread version) by page id, then by source.
_content_memo: dict[str, tuple[int, float]] = {}
_variant_memo: dict[int, dict[str, tuple[object, float]]] = {}
_VARIANT_MEMO_PAGES = 10_000
# The content version at which this process last dropped Wagtail's cached site addresses.
_site_paths_version: dict[str, int] = {}
# The Wagtail site that answers each host name and server port, under the version it was read
# at: {version: {(host name, port): site id or None}}.
_site_memo: dict[str, dict[tuple[str, str], int | None]] = {}
_SITE_MEMO_HOSTS = 1_000  # more names only with a wildcard in ALLOWED_HOSTS


def _memoised(memo: dict, key, read):
    value, read_at = memo.get(key, (None, 0.0))
    now = time.monotonic()
    if value is None or now - read_at > _VERSION_MEMO_SECONDS:
        value = read()
        memo[key] = (value, now)
    return value


def content_version() -> int:
    """The site's content version, read from the database at most once a second per process.

    Whatever readers see on any page goes through it: publishing, moves, deletions, edits of
    images and settings, money moving on a campaign."""
    return _memoised(_content_memo, "value", _content_version_read)


def _content_version_read() -> int:
    from wagtail.models import Site

    from masthead.publishing.models import ContentVersion

    value = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    seen = _site_paths_version.get("value")
    if seen is not None and seen != value:
        # Wagtail keeps every site's address in the cache (in front of each page's full URL:
        # feed items, sitemaps) and forgets it when a site is saved, but only in the saving
        # process when the cache is per process (no REDIS_URL): after `masthead site` or an
        # edit in another web process's admin, links here kept the old address until a restart.
        # A site's save bumps the content version, which every process reads within a second.
        Site.clear_site_root_paths_cache()
    # (The first read of a process has nothing older to forget: Wagtail's own save cleared them.)
    _site_paths_version["value"] = value
    return value


def content_changed(**kwargs) -> None:
    """Signal receiver: anything readers see may have changed."""
    from masthead.publishing.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"value": 1})
    _content_memo.clear()
    _site_memo.clear()


def variant_changed(page_id: int) -> None:
    """What a page's variant source answers for `page_id` has changed (a thread's new version):
    this process reads it again at once; other processes within a second."""
    _variant_memo.pop(page_id, None)


def forget_versions() -> None:
    """Read the content version and every variant afresh (tests whose transaction rolled back)."""
    _content_memo.clear()
    _variant_memo.clear()
    _site_memo.clear()
    _site_paths_version.clear()


def slug_changed(*, instance, **kwargs) -> None:
    """Signal receiver for a page's new address. Autosave renames a new article each time its
    headline changes, and the address of a page readers cannot see is nothing they see: only a
    live page, or one with live pages under it, changes cached pages."""
    if instance.live or instance.get_descendants().live().exists():
        content_changed()


# Wagtail fills these in on an image's first use; they change nothing readers see either.
_TECHNICAL_IMAGE_FIELDS = {"file_size", "file_hash", "width", "height"}


def edit_saved(*, created=False, update_fields=None, **kwargs) -> None:
    """Signal receiver for images and site settings: an edit (a caption, a credit, the site's name)
    may show on cached pages; a new row (a fresh upload, settings created with defaults) cannot."""
    if created or (update_fields and set(update_fields) <= _TECHNICAL_IMAGE_FIELDS):
        return
    content_changed()


def is_cacheable(request, personal_cookies=(), personal_view=None, page_id=None) -> bool:
    """Anonymous GETs without cookies that change what the page shows: a session (messages), or
    the page's own `personal_cookies` (an article's comment section knows its guest authors).

    `personal_view` names a function (request, page id) -> bool that tells whether such a cookie
    gives this request a view of its own of the page: a guest who has taken no part in an
    article's discussion sees it as anyone does. Without it, the cookie alone does."""
    # Wagtail's previews (and moderation views) build dummy requests that pass our middleware.
    if getattr(request, "is_preview", False) or getattr(request, "is_dummy", False):
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated or getattr(request, "comment_form", None) is not None:
        return False
    cookies = request.COOKIES
    if any(name in cookies for name in ("messages", "sessionid")):
        return False
    if not any(name in cookies for name in personal_cookies):
        return True
    return personal_view is not None and not _has_personal_view(request, personal_view, page_id)


def is_rendered_for_this_reader_only(request, page) -> bool:
    """Whether this request's render of `page` is served to this reader alone, never stored for
    others: only then may it show what their own cookies hold (a guest's remembered name)."""
    return getattr(request, "page_cache_do_not_store", False) or not is_cacheable(
        request, page.page_cache_personal_cookies, page.page_cache_personal_view, page.pk
    )


def _has_personal_view(request, personal_view: str, page_id) -> bool:
    """personal_view's answer, asked once per request: the middleware asks before routing, and a
    page it could not answer from the cache asks again while it renders."""
    answers = request.__dict__.setdefault("page_cache_personal_views", {})
    if (personal_view, page_id) not in answers:
        answers[personal_view, page_id] = import_string(personal_view)(request, page_id)
    return answers[personal_view, page_id]


# Markers in cached HTML that every response fills in for its own reader (the CSRF token; the
# moment a comment form was shown, registered by discussion).
RESPONSE_MARKERS = {CSRF_MARKER: get_token}


def register_marker(marker: str, fill) -> None:
    """`fill(request) -> str` replaces `marker` in every page served through the cache."""
    RESPONSE_MARKERS[marker] = fill


def with_csrf(html: str, request) -> str:
    for marker, fill in RESPONSE_MARKERS.items():
        if marker in html:
            html = html.replace(marker, fill(request))
    return html


def code_digest(package: Path) -> str:
    """A digest of the Python files and templates under `package`: their names and contents, not
    their modification times, so that every machine running one release agrees on it."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.html")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def code_release() -> str:
    """The release serving the site, read once per process (about 20 ms). Redis outlives a
    deploy: without it in the keys, a release that changes a template but no static file would
    serve the pages its predecessor cached, for up to PAGE_CACHE_SECONDS."""
    return code_digest(Path(__file__).resolve().parents[1])


def version_and_month() -> str:
    # The month is in every key: the goal bar shows it, and must turn with it. So is the hash of
    # collectstatic's manifest: cached pages name stylesheets and scripts by their hashed file
    # names, and a deploy that changes one must not keep serving pages that link the old one;
    # and the code's own (code_release). The markers too (they follow SECRET_KEY): pages cached
    # before a new key would go out with their placeholders unfilled.
    static_build = getattr(staticfiles_storage, "manifest_hash", "")
    return (
        f"{content_version()}-{timezone.localdate():%Y-%m}-{static_build}-{code_release()}"
        f"-{CSRF_MARKER}"
    )


def is_storable_query(query_string: str, query_values: dict[str, str]) -> bool:
    """Whether a response to this query string may be stored: an empty one, or each parameter
    once, encoded as links write it, with a name and value the page reads (`query_values`: name ->
    pattern of the values). Anything else is rendered without being stored, so that made-up query
    strings (`?x=1`, `?x=2`…, or `?page=02`) cannot fill the cache with copies of a page."""
    if not query_string:
        return True
    pairs = parse_qsl(query_string, keep_blank_values=True)
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or urlencode(pairs) != query_string:
        return False
    return all(
        name in query_values and re.fullmatch(query_values[name], value) for name, value in pairs
    )


# Parameters that links shared on social networks and in newsletters carry for analytics in the
# reader's browser; no page reads them. Left in, every click from Facebook (a new fbclid each
# time) would be rendered afresh instead of coming from the cache, just when a story spreads.
TRACKING_PARAMETER = re.compile(
    r"utm_\w+|fbclid|gclid|gbraid|wbraid|dclid|msclkid|twclid|ttclid|yclid|igshid|mc_cid|mc_eid"
    r"|_ga|_gl|mkt_tok|li_fat_id"
)


def drop_tracking_parameters(request) -> None:
    """The page is rendered, cached and served as the same page without tracking parameters.
    The address in the reader's browser keeps them, for the analytics that read them there, and
    so does a redirect to the same page (links.address_without)."""
    parts = request.META.get("QUERY_STRING", "").split("&")
    kept = [
        part
        for part in parts
        if not TRACKING_PARAMETER.fullmatch(unquote_plus(part.partition("=")[0]))
    ]
    if len(kept) < len(parts):
        request.META.setdefault(QUERY_STRING_AS_SENT, request.META["QUERY_STRING"])
        request.META["QUERY_STRING"] = "&".join(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"])


def do_not_store(request) -> None:
    """Serve this request's page without storing it: its query names something no link of the
    site names (a made-up reply target, a made-up place in a thread), and each such address
    would otherwise fill an entry of its own."""
    request.page_cache_do_not_store = True


def _digest(*parts: str) -> str:
    """Addresses with their query and the reader's choices can run to hundreds of characters; a
    key stays short (Django warns of keys over 250 characters, memcached's limit)."""
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _page_key(page_id: int, variant, version: str, address: str, choices: str = "") -> str:
    return f"page:{page_id}:{variant}:{_digest(version, address, choices)}"


def reader_choices(request, cookies: dict[str, str]) -> str:
    """The values of the cookies a page reads (`cookies`: name -> pattern of the values it acts
    on), for the key: a reader who chose "most voted" gets that page, and a value the page would
    ignore makes no entry of its own."""
    return "&".join(
        f"{name}={request.COOKIES[name]}"
        for name, pattern in sorted(cookies.items())
        if re.fullmatch(pattern, request.COOKIES.get(name, ""))
    )


def _site_id(request, version: str) -> int | None:
    """The id of the Wagtail site that answers `request`, found as Site.find_for_request finds it
    (the host's name in any letter case, without the Host header's port, and the port the server
    was reached on), and remembered under the content version, which a site's edit bumps: a
    cached page then costs no query for it. None where no site answers (no default site)."""
    from wagtail.models import Site

    where = (split_domain_port(request.get_host())[0], request.get_port())
    sites = _site_memo.get(version)
    if sites is None or len(sites) >= _SITE_MEMO_HOSTS:
        sites = {}
        _site_memo.clear()
        _site_memo[version] = sites
    if where not in sites:
        site = Site.find_for_request(request)
        sites[where] = site.pk if site is not None else None
    return sites[where]


def site_address(request, version: str) -> str | None:
    """What a cached page's key holds of its address: the Wagtail site, the scheme, the path and
    the query string (already stripped of tracking parameters and checked by is_storable_query).

    Not the Host header: it passes ALLOWED_HOSTS with any port and letter case, and each variant
    would render and store a copy of every page. Nothing a page shows depends on the host beyond
    its site: full links name the site's root_url (links.canonical_root, Wagtail's page URLs and
    sitemaps), other links are paths, and a host that matches no site by name gets the default
    site's pages, as Wagtail serves it. Only where no site answers does canonical_root fall back
    to the request's own host: None, such a request is never stored."""
    site_id = _site_id(request, version)
    if site_id is None:
        return None
    return f"site-{site_id} {request.scheme} {request.get_full_path()}"


def _route_key(version: str, address: str) -> str:
    return f"page-route:{_digest(version, address)}"


def _variant(source: str | None, page_id: int):
    """The page's variant, read at most once a second per process like the content version: a
    page served from the cache then costs no query at all (not even opening a connection)."""
    if not source:
        return ""
    if page_id not in _variant_memo and len(_variant_memo) >= _VARIANT_MEMO_PAGES:
        _variant_memo.clear()
    variants = _variant_memo.setdefault(page_id, {})
    return _memoised(variants, source, lambda: import_string(source)(page_id))


def _entry_of(response, cookies: dict[str, str]) -> dict:
    """What is stored of a rendered response: its content, the headers its view set, and the
    cookies among `cookies` (a reader's choices) that it sets, such as a newly chosen sort order."""
    return {
        "content": response.content.decode(),
        "content_type": response["Content-Type"],
        "headers": {
            name: value for name, value in response.items() if name.lower() != "content-type"
        },
        "cookies": {name: response.cookies[name] for name in cookies if name in response.cookies},
    }


def _response_from(entry: dict, request) -> HttpResponse:
    response = HttpResponse(
        with_csrf(entry["content"], request), content_type=entry["content_type"]
    )
    # .get: entries stored by the previous release (shared through Redis) have neither.
    for name, value in entry.get("headers", {}).items():
        response[name] = value
    for name, morsel in entry.get("cookies", {}).items():
        response.cookies[name] = morsel
        if morsel["max-age"]:  # the cookie's lifetime counts from this response, as on a render
            morsel["expires"] = http_date(time.time() + int(morsel["max-age"]))
    response["Vary"] = "Cookie"
    return response


def serve_cached(request, page, render, *, variant_source: str | None = None) -> HttpResponse:
    """The cached page for this request, rendering (and caching) it on a miss.

    `page` is a page (see publishing.models.CachedPageMixin) or anything else that has its `pk`
    and `page_cache_*` attributes, such as a fragment of a page that its script fetches.
    `page.page_cache_variant_source` may name a function of the page id whose value is part of
    the key (an article's thread version: a new comment makes a new page);
    `page.page_cache_query_values(request)` names the query parameters the page reads;
    `page.page_cache_personal_cookies` and `page.page_cache_personal_view`, which readers see a
    page of their own (see is_cacheable). `variant_source`, when given, stands for the page's
    own: a route of the page, such as a feed, that changes less often than the page.
    """
    personal, personal_view = page.page_cache_personal_cookies, page.page_cache_personal_view
    query_string = request.META.get("QUERY_STRING", "")
    version, address = "", None
    if is_cacheable(request, personal, personal_view, page.pk) and is_storable_query(
        query_string, page.page_cache_query_values(request)
    ):
        version = version_and_month()
        address = site_address(request, version)
    if address is None:
        response = render()
        if hasattr(response, "render"):
            response.render()
        if not getattr(response, "streaming", False):
            response.content = with_csrf(response.content.decode(), request)
        return response
    source = variant_source or page.page_cache_variant_source
    cookies = page.page_cache_cookies
    key = _page_key(
        page.pk, _variant(source, page.pk), version, address, reader_choices(request, cookies)
    )
    entry = cache.get(key)
    if entry is None:
        response = render()
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        if getattr(request, "page_cache_do_not_store", False):
            response.content = with_csrf(response.content.decode(), request)
            return response
        entry = _entry_of(response, cookies)
        cache.set_many(
            {
                key: entry,
                _route_key(version, address): {
                    "page": page.pk,
                    "variant_source": source,
                    "personal": personal,
                    "personal_view": personal_view,
                    "cookies": cookies,
                },
            },
            PAGE_CACHE_SECONDS,
        )
    return _response_from(entry, request)


class PageCacheMiddleware:
    """Answer a cached page before Wagtail routes the request (which costs several queries).

    Sync only, like the money style's middleware at the bottom of the list: under ASGI, Django
    then runs every middleware after ServeStatic in sync mode, the chain as one thread hop (see
    MIDDLEWARE in settings). Were the bottom ones async-capable, Django's own middlewares would
    run in async mode, each of their hooks a hop of its own: fifteen for a cached page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.cached(request) or self.get_response(request)

    def cached(self, request):
        drop_tracking_parameters(request)
        if not is_cacheable(request):
            return None
        version = version_and_month()
        address = site_address(request, version)
        if address is None:
            return None
        route = cache.get(_route_key(version, address))
        if route is None or not is_cacheable(
            request, route["personal"], route.get("personal_view"), route["page"]
        ):
            return None
        key = _page_key(
            route["page"],
            _variant(route["variant_source"], route["page"]),
            version,
            address,
            reader_choices(request, route["cookies"]),
        )
        entry = cache.get(key)
        return _response_from(entry, request) if entry is not None else None
