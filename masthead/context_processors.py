from wagtail.models import Site

from masthead.publishing.selectors import navigation_sections


def site_chrome(request):
    """The site's navigation, for the header of every page."""
    site = Site.find_for_request(request)
    return {"navigation_sections": navigation_sections(site), "current_site": site}
