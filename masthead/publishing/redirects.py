"""Wagtail's redirects, also for the addresses a WordPress site moved in gave out through its
index.php, and for the pages and feeds WordPress adds to each of its addresses."""

import re
from urllib.parse import urlsplit, urlunsplit

from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.contrib.redirects import middleware as wagtail_redirects
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

# WordPress answers each of its addresses through index.php too: /index.php?p=123 (the guid of
# older posts), /index.php/2024/05/slug/ (its permalinks on a server without URL rewriting).
INDEX_PHP = re.compile(r"/index\.php(?=/|$)")
# The further pages of a WordPress listing: /page/2/, /category/city/page/2/, /2024/05/page/3/.
PAGED = re.compile(r"^(?P<base>.*/)page/(?P<number>[1-9][0-9]{0,5})/?$")
# A WordPress feed: a post's comments (/2024/05/12/slug/feed/), the site's comments
# (/comments/feed/), a category's posts (/category/city/feed/); each also as /feed/atom/...
FEED = re.compile(r"^(?P<base>.*/)feed/(?:(?P<kind>atom|rss2|rss|rdf)/?)?$")


class RedirectMiddleware(wagtail_redirects.RedirectMiddleware):
    """Wagtail's RedirectMiddleware (an address not found here that a redirect names leads where
    it says), which also takes an address through a WordPress site's index.php as the same
    address without it: /index.php?p=123 as /?p=123, /index.php/2024/05/slug/ as
    /2024/05/slug/, and /index.php/about/ as /about/ where the page kept its address; one that
    leads nowhere is not found, at once. A listing's further pages (/category/city/page/2/) lead
    to that page of the listing the archive became, a post's comments feed to its article's
    comments. Only on a site that moved in from WordPress: the import adds the redirect of its
    /index.php."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        parts = urlsplit(request.get_full_path())
        if INDEX_PHP.search(parts.path) is not None:
            found = _without_index_php(request, parts)
            if found is None:  # /index.php itself, redirected by the import
                return super().process_response(request, response)
        else:
            response = super().process_response(request, response)
            if response.status_code != 404 or not _moved_from_wordpress():
                return response
            found = _wordpress_variant(request, parts.path)
        if found is None:
            return response
        link, permanent = found
        return (HttpResponsePermanentRedirect if permanent else HttpResponseRedirect)(link)


def _moved_from_wordpress() -> bool:
    return Redirect.objects.filter(old_path__endswith="/index.php").exists()


def _redirect(request, address: str) -> Redirect | None:
    """The redirect of an address (a path, with its query string or not), if one names it."""
    # Percent-encoded, as Wagtail's lookup takes it (it tries the decoded form first).
    redirect = wagtail_redirects.get_redirect(
        request, Redirect.normalise_path(address, decode_unicode=False)
    )
    return redirect if redirect is not None and redirect.link else None


def _without_index_php(request, parts) -> tuple[str, bool] | None:
    """Where the address without index.php leads, and whether for good; None if not a WordPress
    address, or if it leads nowhere (not found: a redirect to a missing page helps no one)."""
    match = INDEX_PHP.search(parts.path)
    # One slash at the start: //elsewhere.example/ would lead readers off the site.
    path = "/" + (parts.path[: match.start()] + parts.path[match.end() :]).lstrip("/\\")
    # With the query string first (/?p=123), as Wagtail's own lookup does, then without it.
    with_query = urlunsplit(("", "", path, parts.query, ""))
    for candidate in dict.fromkeys([with_query, path]):
        redirect = _redirect(request, candidate)
        if redirect is not None:
            return redirect.link, redirect.is_permanent
    front_page = parts.path[: match.end()]
    if wagtail_redirects.get_redirect(request, front_page) is None:
        return None
    if path == "/" or not url_has_allowed_host_and_scheme(with_query, allowed_hosts=None):
        return None
    if _page_at(request, path) is not None or _is_route(path):
        return with_query, True  # an address this site has kept
    return _wordpress_variant(request, path)


def _wordpress_variant(request, path: str) -> tuple[str, bool] | None:
    """Where a WordPress listing's further page or a feed leads (see RedirectMiddleware)."""
    paged = PAGED.match(path)
    if paged is not None:
        return _listing_page(request, paged["base"], int(paged["number"]))
    feed = FEED.match(path)
    if feed is not None:
        return _feed(request, feed["base"], feed["kind"])
    return None


def _listing_page(request, base: str, number: int) -> tuple[str, bool] | None:
    """Page `number` of the listing `base` is (or redirects to); the last one it has if it has
    fewer (WordPress shows 10 posts a page, this site more). A stand-in (302, such as the front
    page for a date archive) stands in for every page of it, as it is."""
    from masthead.publishing import selectors

    redirect = _redirect(request, base)
    if redirect is not None and not redirect.is_permanent:
        return redirect.link, False
    target = redirect.link if redirect is not None else base
    if redirect is None and _page_at(request, base) is None:
        return None
    target_path = urlsplit(target).path
    routed = _page_at(request, target_path)
    if routed is not None:
        page, view, kwargs = routed
        pages = selectors.listing_page_count(page=page, view=view, kwargs=kwargs)
        number = min(number, pages or 1)
    if number == 1:
        return target, True
    return f"{target}{'&' if '?' in target else '?'}page={number}", True


def _feed(request, base: str, kind: str | None) -> tuple[str, bool] | None:
    """A feed WordPress had: the same feed here in the format asked for where this site has it
    (a category's, a tag's, an author's, the site's comments: redirected by the import, or at
    the same address), else a post's comments feed leads to its article's comments feed."""
    from masthead.publishing.models import ArticlePage

    feed = f"{base}feed/"
    redirect = _redirect(request, feed)
    if redirect is not None:
        link = redirect.link
        if kind == "atom" and _is_served(request, f"{urlsplit(link).path}atom/"):
            link = f"{link}atom/"
        return link, redirect.is_permanent
    if _is_served(request, feed):  # /comments/feed/atom/: this site's comments feed is RSS
        return feed, True
    redirect = _redirect(request, base)
    page = redirect.redirect_page if redirect is not None else None
    if page is None and redirect is None:
        routed = _page_at(request, base)
        page = routed[0] if routed is not None else None
    if page is not None and isinstance(page.specific_deferred, ArticlePage) and page.live:
        return f"{page.url}feed/", True
    return None


def _is_served(request, path: str) -> bool:
    """Whether this site answers `path`: one of its routes, or a page or a route of a page."""
    return _is_route(path) or _page_at(request, path) is not None


def _page_at(request, path: str):
    """(page, view name, view kwargs) of the live page, or route of a page, at `path`, or None."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [component for component in path.split("/") if component]
    try:
        page, args, kwargs = site.root_page.localized.specific.route(request, components)
    except Http404:
        return None
    view = args[0] if args else None
    return page, getattr(view, "__name__", ""), (args[2] if len(args) > 2 else kwargs) or {}


def _is_route(path: str) -> bool:
    """Whether `path` is one of the site's own addresses other than its pages (/feed/...)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name != "wagtail_serve"
