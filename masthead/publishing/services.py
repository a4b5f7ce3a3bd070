"""Writes of the publishing app that are not editors' own work in the admin."""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Page, Site

from masthead.publishing.models import HomePage


def home_page_ensure(*, title: str, tagline: str = "") -> HomePage:
    """The site's front page, created as the default site's root if there is none yet."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    home = root.add_child(instance=HomePage(title=title, slug="front-page", tagline=tagline))
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    old_root_id = site.root_page_id
    site.root_page = home
    site.site_name = title
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.save()
    # Wagtail's placeholder "Welcome" page is no longer reachable; remove it.
    if old_root_id and old_root_id != home.pk:
        Page.objects.filter(pk=old_root_id, depth=2, content_type__model="page").delete()
    return home
