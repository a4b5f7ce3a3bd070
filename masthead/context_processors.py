from functools import cache

from wagtail.models import Site

from masthead.publishing.selectors import site_menus


def site_chrome(request):
    """The sections in the header's menu and the information pages in the footer. Passed as
    callables, so that only a template that shows them looks them up: the admin's pages run the
    same context processors and show none of it (they made up to five queries for it on every
    screen)."""

    @cache
    def menus():
        return site_menus(Site.find_for_request(request))  # one cache read for both

    return {
        "navigation_sections": lambda: menus().sections,
        "footer_pages": lambda: menus().footer_pages,
    }
