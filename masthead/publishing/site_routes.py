"""The site's own addresses that are answered before Wagtail looks for a page: the first part of
each (feed, donate, search, accounts, admin…) is a slug no page under the front page may take,
or readers would get the site's feed, its donation form or its sign-in instead of the page."""

import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# A first part that a page's slug could be (a letter, digit, "-" or "_"), as a literal: one with
# a variable or a regular expression in it ("<int:pk>", "(?P<path>.*)") is no slug.
LITERAL_SLUG = re.compile(r"[-\w]+")


def site_route_slugs() -> frozenset[str]:
    """The first part of each address of the site's URLconf tried before Wagtail's pages (its
    catch-all, wagtail.views.serve: those after it never answer a page's address), and of the
    static files' and uploaded media's addresses on this host: answered by the ServeStatic
    middleware, and by the site or the proxy in front of it (MASTHEAD_SERVE_MEDIA), before the
    URLconf. Only patterns of the form "part/…" count: a page's address ends in "/", so
    "sitemap.xml" or "robots.txt" hide none. Derived once per URLconf (see _first_parts)."""
    return _first_parts(get_resolver()) | _served_prefixes(settings.STATIC_URL, settings.MEDIA_URL)


@functools.lru_cache(maxsize=4)
def _first_parts(resolver: URLResolver) -> frozenset[str]:
    # Keyed by the resolver, which Django makes anew when the URLconf changes (clear_url_caches:
    # a test's override of ROOT_URLCONF), so a cached set never outlives its URLconf.
    parts, _ = _first_parts_before_pages(resolver.url_patterns)
    return frozenset(parts)


def _first_parts_before_pages(patterns) -> tuple[set[str], bool]:
    """The first parts of `patterns` up to Wagtail's catch-all, and whether it was reached."""
    from wagtail.views import serve  # the URLconf's views load Wagtail's models

    parts: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.callback is serve:
            return parts, True
        route = _route(pattern.pattern)
        if route is None:
            continue
        if route == "" and isinstance(pattern, URLResolver):
            # An include at the root (Wagtail's own URLs): its patterns are the site's.
            inner, reached_pages = _first_parts_before_pages(pattern.url_patterns)
            parts |= inner
            if reached_pages:
                return parts, True
            continue
        first, slash, _ = route.partition("/")
        if slash and LITERAL_SLUG.fullmatch(first):
            parts.add(first)
    return parts, False


def _route(pattern) -> str | None:
    """A pattern's route as written with path() ("donate/"), a regex's without its anchors
    ("media/(?P<path>.*)"); None for any other kind (a language prefix)."""
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        return str(pattern).removeprefix("^").removesuffix("$")
    return None


def _served_prefixes(*urls: str) -> frozenset[str]:
    """The first part of each of `urls` served from this host ("/static/" → "static"); none of
    one on another host (a CDN's)."""
    parts = set()
    for url in urls:
        address = urlsplit(url or "")
        first = address.path.lstrip("/").partition("/")[0]
        if not address.netloc and LITERAL_SLUG.fullmatch(first):
            parts.add(first)
    return frozenset(parts)
