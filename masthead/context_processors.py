from functools import cache

from wagtail.models import Site

from masthead.publishing.selectors import navigation_sections


def site_chrome(request):
    """The sections in the header's menu. Passed as a callable, so that only a template that
    shows the menu looks them up: the admin's pages run the same context processors and show
    none of it (they made up to five queries for it on every screen)."""

    @cache
    def sections():
        return navigation_sections(Site.find_for_request(request))

    return {"navigation_sections": sections}
