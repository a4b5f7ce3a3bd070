"""Wagtail's redirects, also for the addresses a WordPress site moved in gave out through its
index.php."""

import re
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.contrib.redirects import middleware as wagtail_redirects
from wagtail.contrib.redirects.models import Redirect

# WordPress answers each of its addresses through index.php too: /index.php?p=123 (the guid of
# older posts), /index.php/2024/05/slug/ (its permalinks on a server without URL rewriting).
INDEX_PHP = re.compile(r"/index\.php(?=/|$)")


class RedirectMiddleware(wagtail_redirects.RedirectMiddleware):
    """Wagtail's RedirectMiddleware (an address not found here that a redirect names leads where
    it says), which also takes an address through a WordPress site's index.php as the same
    address without it: /index.php?p=123 as /?p=123, /index.php/2024/05/slug/ as
    /2024/05/slug/, and /index.php/about/ as /about/ where the page kept its address. Only on a
    site that moved in from WordPress: the import adds the redirect of its /index.php."""

    def process_response(self, request, response):
        if response.status_code == 404:
            found = _without_index_php(request)
            if found is not None:
                link, permanent = found
                return (HttpResponsePermanentRedirect if permanent else HttpResponseRedirect)(link)
        return super().process_response(request, response)


def _without_index_php(request) -> tuple[str, bool] | None:
    """Where the address without index.php leads, and whether for good; None if not a WordPress
    address (or no redirect names it)."""
    parts = urlsplit(request.get_full_path())
    match = INDEX_PHP.search(parts.path)
    if match is None:
        return None
    # One slash at the start: //elsewhere.example/ would lead readers off the site.
    path = "/" + (parts.path[: match.start()] + parts.path[match.end() :]).lstrip("/\\")
    # With the query string first (/?p=123), as Wagtail's own lookup does, then without it.
    with_query = urlunsplit(("", "", path, parts.query, ""))
    for candidate in dict.fromkeys([with_query, path]):
        # Percent-encoded, as Wagtail's lookup takes it (it tries the decoded form first).
        redirect = wagtail_redirects.get_redirect(
            request, Redirect.normalise_path(candidate, decode_unicode=False)
        )
        if redirect is not None and redirect.link:
            return redirect.link, redirect.is_permanent
    front_page = parts.path[: match.end()]
    if (
        path != "/"
        and url_has_allowed_host_and_scheme(with_query, allowed_hosts=None)
        and wagtail_redirects.get_redirect(request, front_page) is not None
    ):
        return with_query, True  # an address this site has kept, or answers not found
    return None
