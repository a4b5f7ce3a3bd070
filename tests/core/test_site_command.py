"""`masthead site`: a fresh install becomes a named site at its public address."""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from masthead.publishing.models import HomePage

pytestmark = pytest.mark.django_db


def test_a_fresh_install_becomes_a_named_site_at_its_public_address(client, settings):
    """After `migrate` alone the front page was Wagtail's "Welcome to your new Wagtail site!"
    and the sitemap listed http://localhost/."""
    settings.WAGTAILADMIN_BASE_URL = "https://news.example"
    settings.ALLOWED_HOSTS = ["news.example"]
    with pytest.raises(CommandError, match="Name the publication the first time"):
        call_command("site")

    call_command("site", name="News Example", tagline="Independent news for the coast")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("news.example", 443)
    assert isinstance(site.root_page.specific, HomePage)
    front = client.get("/", HTTP_HOST="news.example", secure=True).content.decode()
    assert "<title>News Example" in front and "Independent news for the coast" in front
    assert "Welcome to your new Wagtail site" not in front
    sitemap = client.get("/sitemap.xml", HTTP_HOST="news.example", secure=True).content.decode()
    assert "<loc>https://news.example/</loc>" in sitemap

    settings.WAGTAILADMIN_BASE_URL = "https://www.news.example:8443"
    settings.ALLOWED_HOSTS = ["www.news.example"]
    call_command("site")  # the address moved; the name stays
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("www.news.example", 8443)
    front = client.get("/", HTTP_HOST="www.news.example:8443", secure=True).content.decode()
    assert "<title>News Example" in front
    assert HomePage.objects.count() == 1
