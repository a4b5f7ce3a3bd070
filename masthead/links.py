"""Addresses for what is sent outside a request (e-mails, tasks): the site's configured base URL
(``MASTHEAD_BASE_URL``) in front of a path."""

from urllib.parse import unquote_plus, urljoin, urlsplit

from django.conf import settings
from django.utils.encoding import escape_uri_path, iri_to_uri


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def site_address(site, path: str) -> str:
    """`path` on the address readers use for `site` (its root URL, which `masthead site` sets
    from MASTHEAD_BASE_URL), or on MASTHEAD_BASE_URL when no site answered the request: for
    addresses handed to another service to send readers back to (Stripe Checkout), which must
    not come from the request's Host header, chosen by a proxy or by whoever sent the request."""
    return site.root_url + path if site is not None else absolute_url(path)


# The query string as the reader's browser sent it, kept in the request's environ by whatever
# rewrites QUERY_STRING (the page cache drops tracking parameters before pages read it).
QUERY_STRING_AS_SENT = "masthead.query_string_as_sent"


def address_without(request, parameter: str) -> str:
    """The request's path and query string without `parameter`, the other parameters as they
    came, for a redirect to the same page: tracking parameters too (utm_source…), which the
    page cache hides from pages but the analytics read in the reader's browser."""
    query = request.META.get(QUERY_STRING_AS_SENT, request.META.get("QUERY_STRING", ""))
    kept = [part for part in query.split("&") if unquote_plus(part.partition("=")[0]) != parameter]
    # One slash at the start: //elsewhere.example/ would lead readers off the site.
    path = "/" + escape_uri_path(request.path).lstrip("/")
    query = "&".join(part for part in kept if part)
    return f"{path}?{iri_to_uri(query)}" if query else path


def canonical_root(request) -> str:
    """The address in front of every link that names a page to the outside world (canonical
    links, sitemaps, robots.txt, feeds): the root of the Wagtail site serving the request,
    whichever of its hosts or aliases the reader came by, so that search engines and feed readers
    see each page under one address. A request no site answers keeps its own host."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is None:
        return request.build_absolute_uri("/").rstrip("/")
    return site.root_url


def canonical_url(request, url: str) -> str:
    """A path of the site (or a media file's URL) on its canonical address
    (``canonical_root``); a URL that already names a host (media on a CDN) is kept."""
    return urljoin(canonical_root(request) + "/", url)


def site_root_url(site) -> str:
    """A Wagtail site's address, in front of every full page URL (sitemaps, exports, pages of
    another site). Wagtail takes the scheme from the port alone: 443 is https, every other port
    http, so a site at https://news.example:8443 got http:// links. The site MASTHEAD_BASE_URL
    names (host and port) takes its scheme; any other keeps Wagtail's."""
    if site.port == 80:
        return f"http://{site.hostname}"
    if site.port == 443:
        return f"https://{site.hostname}"
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    named = (base.hostname or "", base.port) == (site.hostname.lower(), site.port)
    scheme = base.scheme if named and base.scheme in ("http", "https") else "http"
    return f"{scheme}://{site.hostname}:{site.port}"
