from functools import cache

from wagtail.models import Site

from masthead.publishing.selectors import footer_pages, navigation_sections


def site_chrome(request):
    """The sections in the header's menu and the information pages in the footer. Passed as
    callables, so that only a template that shows them looks them up: the admin's pages run the
    same context processors and show none of it (they made up to five queries for it on every
    screen)."""

    @cache
    def sections():
        return navigation_sections(Site.find_for_request(request))

    @cache
    def information_pages():
        return footer_pages(Site.find_for_request(request))

    return {"navigation_sections": sections, "footer_pages": information_pages}
