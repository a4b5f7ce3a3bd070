from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from masthead import limits
from masthead.links import address_without, canonical_root
from masthead.publishing import selectors

# Passwords one network address may try an hour on one protected page or collection: Wagtail's
# own form lets a script guess a shared password as fast as it can post.
PASSWORD_TRIES_PER_NETWORK_PER_HOUR = 20
TOO_MANY_PASSWORD_TRIES = (
    "Too many passwords were tried from your network in the last hour. Please try again later."  # noqa: S105
)


def search(request):
    """Site search at /search/?q=…"""
    first_page = unreadable_page_redirect(request)
    if first_page is not None:
        return first_page
    query = selectors.search_text(request.GET.get("q", ""))
    page_number = request.GET.get("page")
    try:
        context = selectors.search_articles(query, page_number=page_number)
    except Http404:
        if page_number is None:
            raise
        # A later page than the results now have (fewer match than when the link was made):
        # their last page, the search kept, as a listing's old further page goes to its last.
        first = selectors.search_articles(query, page_number=1)["page_obj"]
        last = first.paginator.num_pages if first else 1
        params = {"q": query, **({"page": last} if last > 1 else {})}
        return redirect(f"{reverse('search')}?{urlencode(params)}")
    return render(request, "publishing/search.html", context)


def unreadable_page_redirect(request) -> HttpResponsePermanentRedirect | None:
    """To the address without its `?page=` if that names no page: anything but a whole number
    from 1 in digits (?page=abc, ?page=, ?page=0: a link mangled on its way). Readers and
    crawlers get the first page at its one address, rather than a 404 or a second copy of it to
    index. A number past the end names a page: the listing's 404, or the search's last page."""
    number = request.GET.get("page")
    # Not int(): it refuses a number of more than 4,300 digits (a 500).
    if number is None or (number.isascii() and number.isdigit() and number.lstrip("0")):
        return None
    return HttpResponsePermanentRedirect(address_without(request, "page"))


def robots_txt(request):
    # On the site's own host, as the sitemaps name their pages (a crawler may come by an alias).
    sitemap = canonical_root(request) + "/sitemap.xml"
    news_sitemap = canonical_root(request) + "/news-sitemap.xml"
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\nSitemap: {sitemap}\nSitemap: {news_sitemap}\n"
    return render(request, "publishing/robots.txt", {"body": body}, content_type="text/plain")


def page_password(request, page_view_restriction_id, page_id):
    """Wagtail's password form of a protected page, with a limit on guesses."""
    tries = f"page:{page_view_restriction_id}"
    if _password_tries_exceeded(request, tries):
        restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
        page = get_object_or_404(Page, id=page_id).specific
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]
        )
        form = _refused_password_form(request, restriction)
        response = page.serve_password_required_response(request, form, action_url)
        response.status_code = 429
        return response
    return _counting_wrong_passwords(
        request,
        tries,
        wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id),
    )


def document_password(request, restriction_id):
    """Wagtail's password form of a protected collection of documents, with a limit on guesses."""
    tries = f"documents:{restriction_id}"
    if _password_tries_exceeded(request, tries):
        restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)
        context = {
            "form": _refused_password_form(request, restriction),
            "action_url": reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk]),
        }
        template = settings.WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE
        return TemplateResponse(request, template, context, status=429)
    return _counting_wrong_passwords(
        request, tries, document_views.authenticate_with_password(request, restriction_id)
    )


def _password_tries_key(request, restriction: str) -> str:
    from masthead.discussion.readers import request_network

    return f"password-tries:{restriction}:{request_network(request)}"


def _password_tries_exceeded(request, restriction: str) -> bool:
    """Only wrong passwords count: readers behind one network address (an office, a school, a
    phone network) who know the password are let in however many they are."""
    if request.method != "POST":
        return False
    key = _password_tries_key(request, restriction)
    return limits.counts([key]).get(key, 0) >= PASSWORD_TRIES_PER_NETWORK_PER_HOUR


def _counting_wrong_passwords(request, restriction: str, response):
    # Wagtail's form answers a right password with a redirect, a wrong one with the form again.
    if request.method == "POST" and response.status_code == 200:
        limits.count(_password_tries_key(request, restriction), 3600)
    return response


class _PasswordNotTriedForm(PasswordViewRestrictionForm):
    """The password form again, empty, saying why the password sent was not tried."""

    def non_field_errors(self):
        return self.error_class([TOO_MANY_PASSWORD_TRIES], error_class="nonfield")


def _refused_password_form(request, restriction):
    return _PasswordNotTriedForm(
        instance=restriction, initial={"return_url": request.POST.get("return_url", "")}
    )
