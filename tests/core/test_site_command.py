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


def test_a_site_on_another_port_keeps_the_scheme_of_its_public_address(client, settings):
    """Wagtail names a site on any port but 443 http://: at https://news.example:8443 the
    sitemap, exports and the command itself gave readers and search engines http:// links."""
    from io import StringIO

    from wagtail.models import Page

    settings.WAGTAILADMIN_BASE_URL = "https://news.example:8443"
    settings.ALLOWED_HOSTS = ["news.example"]
    said = StringIO()
    call_command("site", name="News Example", stdout=said)
    assert "is at https://news.example:8443/" in said.getvalue()

    sitemap = client.get("/sitemap.xml", HTTP_HOST="news.example:8443", secure=True)
    assert "<loc>https://news.example:8443/</loc>" in sitemap.content.decode()
    home = Page.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    assert home.get_full_url() == "https://news.example:8443/"
    other = Site(hostname="other.example", port=8080, root_page=home)
    assert other.root_url == "http://other.example:8080"  # not the address of MASTHEAD_BASE_URL

    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"  # a local install stays http
    call_command("site", stdout=StringIO())
    assert Page.objects.get(pk=home.pk).get_full_url() == "http://127.0.0.1:8000/"


def test_the_command_serve_advises_gives_the_site_its_new_address(settings):
    """`masthead serve` on another port than MASTHEAD_BASE_URL's says to set it and run a command
    so that e-mails, feeds and sitemaps name the new address. It named `masthead demo`, which
    leaves an existing site's address as it was: links kept pointing at the old port."""
    import re
    import shlex
    from io import StringIO

    from masthead.management.commands.serve import base_url_warning

    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    call_command("site", name="News Example", stdout=StringIO())
    warning = base_url_warning("127.0.0.1", 8011, environ={})

    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8011"  # the reader sets MASTHEAD_BASE_URL
    advised = re.search(r"`masthead ([^`]+)`", warning).group(1)
    call_command(*shlex.split(advised), stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8011)


def test_moving_the_site_tells_the_operator_to_restart_running_servers(settings):
    """Servers and workers read MASTHEAD_BASE_URL when they start: after `masthead site` with a
    new address, the command said only where the site now is, and running servers went on
    sending e-mails with links to the old address."""
    from io import StringIO

    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    first = StringIO()
    call_command("site", name="News Example", stdout=first)
    assert "restart" not in first.getvalue()  # a new site: nothing was serving it

    settings.WAGTAILADMIN_BASE_URL = "https://news.example"
    moved = StringIO()
    call_command("site", stdout=moved)
    said = moved.getvalue()
    assert "The address was http://127.0.0.1:8000/" in said
    assert "restart every running `masthead serve` and `masthead worker`" in said

    renamed = StringIO()
    call_command("site", name="The News Example", stdout=renamed)
    assert "restart" not in renamed.getvalue()  # same address: nothing to restart


def test_the_address_moved_warning_compares_the_site_it_changes(settings):
    """With a second site (another front page at its own address), the command compared the
    first site by host name, not the one it changes: a rename warned of a move."""
    from io import StringIO

    settings.WAGTAILADMIN_BASE_URL = "https://news.example"
    call_command("site", name="News Example")
    sister = HomePage(title="Sister paper", slug="sister")
    Site.objects.get(is_default_site=True).root_page.get_parent().add_child(instance=sister)
    Site.objects.create(hostname="a-sister.example", port=443, root_page=sister)

    renamed = StringIO()
    call_command("site", name="The News Example", stdout=renamed)
    assert "restart" not in renamed.getvalue()  # this site's address did not move
