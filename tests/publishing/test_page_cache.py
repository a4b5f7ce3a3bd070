import json
import re

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.discussion.models import Comment
from masthead.discussion.readers import Reader
from masthead.discussion.services import comment_post
from masthead.publishing.page_cache import CSRF_MARKER
from tests.factories import make_article

pytestmark = pytest.mark.django_db

KAI = Reader(user=None, key="g-kai", ip_hash="kai")


def comment_by_kai(article):
    return comment_post(
        article=article,
        reader=KAI,
        body="The winter timetable finally suits the school run.",
        author_name="Kai",
        author_email="kai@example.com",
    )


def test_second_anonymous_view_comes_from_the_cache(
    client, newsroom, django_assert_max_num_queries
):
    article = newsroom["articles"]["ferry"]
    first = client.get(article.url).content.decode()
    with django_assert_max_num_queries(2):  # the content version and the thread version
        again = Client().get(article.url).content.decode()
    per_reader = (
        r'name="(csrfmiddlewaretoken|started)" value="[^"]+"'  # filled in for each response
    )
    assert re.sub(per_reader, "", first) == re.sub(per_reader, "", again)


def test_a_cached_article_read_again_within_a_second_costs_no_query(
    newsroom, monkeypatch, django_assert_num_queries
):
    from masthead.publishing import page_cache

    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", 60.0)  # the second, made to last
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    with django_assert_num_queries(0):  # not even the versions: this process has just read them
        assert "Ferry" in Client().get(article.url).content.decode()


def test_a_vote_shows_at_once_on_a_cached_article_however_recently_versions_were_read(
    newsroom, monkeypatch
):
    from masthead.discussion.services import vote_cast
    from masthead.publishing import page_cache

    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", 60.0)
    article = newsroom["articles"]["ferry"]
    comment = comment_by_kai(article)
    assert "0 points" in Client().get(article.url).content.decode()  # now cached
    vote_cast(comment=comment, reader=Reader(user=None, key="g-lu", ip_hash="lu"), value=1)
    assert "1 point<" in Client().get(article.url).content.decode()


def test_a_long_address_is_cached_under_a_short_key(newsroom, django_assert_max_num_queries):
    import warnings

    from django.core.cache.backends.base import CacheKeyWarning

    article = newsroom["articles"]["ferry"]
    article.slug = "ferry-" + "timetable-" * 24  # Wagtail allows 255 characters
    article.save()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # a key over 250 characters
        assert Client().get(article.url).status_code == 200
        with django_assert_max_num_queries(2):
            assert Client().get(article.url).status_code == 200


def test_publishing_shows_at_once_on_cached_pages(client, newsroom):
    client.get("/")
    make_article(section=newsroom["world"], title="Breaking: a fresh story")
    assert "Breaking: a fresh story" in Client().get("/").content.decode()


def test_new_comment_shows_at_once_on_a_cached_article(client, newsroom):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    poster = Client()
    poster.post(
        f"/comments/{article.pk}/post/",
        {"body": "Fresh remark", "author_name": "Kai", "author_email": "kai@example.com"},
    )
    assert "Fresh remark" in Client().get(article.url).content.decode()


def test_each_reader_gets_their_own_csrf_token_and_can_post_from_a_cached_page(newsroom):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for reader in readers:
        html = reader.get(article.url).content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
        assert CSRF_MARKER not in html
    assert tokens[0] != tokens[1]
    response = readers[1].post(
        f"/comments/{article.pk}/post/",
        {
            "body": "Posted from a cached page",
            "author_name": "Lu",
            "author_email": "lu@example.com",
            "csrfmiddlewaretoken": tokens[1],
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Posted from a cached page").exists()


def test_readers_with_a_comment_cookie_see_their_own_view(newsroom):
    article = newsroom["articles"]["ferry"]
    author = Client()
    author.post(
        f"/comments/{article.pk}/post/",
        {
            "body": "Links http://a.example http://b.example http://c.example",
            "author_name": "Mo",
            "author_email": "mo@example.com",
        },
    )
    assert "Awaiting moderation" in author.get(article.url).content.decode()
    assert "Awaiting moderation" not in Client().get(article.url).content.decode()


PER_RESPONSE = r'name="(csrfmiddlewaretoken|started)" value="[^"]+"'  # filled in for each


def test_a_guest_who_took_part_elsewhere_gets_the_cached_article_until_they_take_part_in_it(
    newsroom,
):
    ferry, telescope = newsroom["articles"]["ferry"], newsroom["articles"]["telescope"]
    on_ferry = comment_by_kai(ferry)
    comment_by_kai(telescope)
    guest = Client()
    guest.post(f"/comments/comment/{on_ferry.pk}/vote/", {"value": "1"})  # gets their cookie
    assert "masthead_reader" in guest.cookies

    as_anyone = Client().get(telescope.url).content.decode()  # rendered and stored
    # The cached page: the versions and whether they took part, not the render's dozen queries.
    assert queries_for(guest, telescope.url) <= 5
    as_guest = guest.get(telescope.url).content.decode()
    assert re.sub(PER_RESPONSE, "", as_guest) == re.sub(PER_RESPONSE, "", as_anyone)
    assert 'aria-pressed="true"' in card_of(guest.get(ferry.url).content.decode(), on_ferry.pk)

    # Their comment awaiting moderation shows to them at once, and to no one else.
    held = "Links http://a.example http://b.example http://c.example"
    posted = guest.post(
        f"/comments/{telescope.pk}/post/",
        {"body": held, "author_name": "Mo", "author_email": "mo@example.com"},
    )
    assert posted.status_code == 302
    assert Comment.objects.get(body=held).status != "published"
    assert "Awaiting moderation" in guest.get(telescope.url).content.decode()
    assert queries_for(guest, telescope.url) > 5  # their own view, rendered
    assert "Awaiting moderation" not in Client().get(telescope.url).content.decode()


@pytest.mark.parametrize("part", ["vote", "report"])
def test_a_guests_vote_or_report_shows_at_once_on_an_article_they_read_from_the_cache(
    newsroom, part
):
    ferry, telescope = newsroom["articles"]["ferry"], newsroom["articles"]["telescope"]
    guest = Client()
    guest.post(f"/comments/comment/{comment_by_kai(ferry).pk}/vote/", {"value": "1"})
    comment = comment_by_kai(telescope)
    guest.get(telescope.url)
    assert queries_for(guest, telescope.url) <= 5  # from the cache

    if part == "vote":
        guest.post(f"/comments/comment/{comment.pk}/vote/", {"value": "-1"})
        shown = 'vote--down has-tip is-chosen" aria-pressed="true"'
    else:
        guest.post(f"/moderation/comment/{comment.pk}/report/", {"reason": "off_topic"})
        shown = '<span class="comment__report">Reported</span>'
    assert shown in card_of(guest.get(telescope.url).content.decode(), comment.pk)
    assert shown not in Client().get(telescope.url).content.decode()


def test_a_guest_who_took_part_elsewhere_shares_the_cached_thread_fragments(newsroom):
    ferry, telescope = newsroom["articles"]["ferry"], newsroom["articles"]["telescope"]
    guest = Client()
    guest.post(f"/comments/comment/{comment_by_kai(ferry).pk}/vote/", {"value": "1"})
    comment_by_kai(telescope)
    fragment = f"/comments/{telescope.pk}/"
    first = guest.get(fragment)  # rendered for the guest, and stored: it is anyone's view
    assert "The winter timetable" in first.content.decode()
    assert served_from_the_cache(fragment)
    oldest_first = f"{fragment}?sort=oldest"
    Client().get(oldest_first)
    assert queries_for(guest, oldest_first) <= 5


def test_a_comment_cookie_nobody_signed_gets_the_cached_article(newsroom):
    article = newsroom["articles"]["ferry"]
    comment_by_kai(article)
    Client().get(article.url)
    forged = Client()
    forged.cookies["masthead_reader"] = "g-kai"  # Kai's key, unsigned
    assert queries_for(forged, article.url) <= 5
    assert "Delete" not in forged.get(article.url).content.decode()


def test_featuring_a_comment_shows_at_once_on_a_cached_article(
    newsroom, django_user_model, django_assert_max_num_queries
):
    from masthead.moderation.services import comment_feature, comment_unfeature

    article = newsroom["articles"]["ferry"]
    comment = comment_by_kai(article)
    moderator = django_user_model.objects.create_user("picker", "picker@example.com", "pw")
    assert "Editors’ picks" not in Client().get(article.url).content.decode()  # now cached

    comment_feature(comment=comment, moderator=moderator)
    featured = Client().get(article.url).content.decode()
    assert "Editors’ picks" in featured and "comment__badge--featured" in featured
    with django_assert_max_num_queries(2):  # and cached again: the content and thread versions
        assert Client().get(article.url).content.decode().count("Editors’ picks") == 1

    comment_unfeature(comment=Comment.objects.get(pk=comment.pk), moderator=moderator)
    unfeatured = Client().get(article.url).content.decode()
    assert "Editors’ picks" not in unfeatured and "comment__badge--featured" not in unfeatured


def test_a_pick_its_author_edits_leaves_the_cached_article_at_once(newsroom, django_user_model):
    from datetime import timedelta

    from masthead.discussion.services import comment_edit
    from masthead.moderation.services import comment_feature

    article = newsroom["articles"]["ferry"]
    comment = comment_by_kai(article)
    moderator = django_user_model.objects.create_user("picker", "picker@example.com", "pw")
    comment_feature(comment=comment, moderator=moderator)
    assert "Editors’ picks" in Client().get(article.url).content.decode()  # now cached

    comment_edit(
        comment=Comment.objects.get(pk=comment.pk),
        reader=KAI,
        body="Ferry tickets half price at my shop, ask for Kai.",
        now=comment.created + timedelta(minutes=1),
    )
    edited = Client().get(article.url).content.decode()
    assert "Editors’ picks" not in edited and "comment__badge--featured" not in edited
    assert "Ferry tickets half price" in edited  # still in the thread, as any edited comment


def test_a_donation_moves_the_bar_on_cached_pages(
    client, newsroom, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from masthead.funding.services import donation_record_manual
    from tests.funding.factories import make_campaign

    campaign = make_campaign(goal_minor=500_000)
    article = newsroom["articles"]["ferry"]
    before = Client().get(article.url).content.decode()
    assert "1,234" not in before
    with django_capture_on_commit_callbacks(execute=True):
        donation_record_manual(
            campaign=campaign,
            amount_minor=123_400,
            currency="USD",
            method="bank_transfer",
            received_at=timezone.now(),
        )
    assert "1,234" in Client().get(article.url).content.decode()


def test_the_month_is_part_of_every_page_key(client, newsroom, monkeypatch):
    from datetime import timedelta

    from masthead.publishing import page_cache

    article = newsroom["articles"]["ferry"]
    client.get(article.url)
    this_month = page_cache.version_and_month()
    today = page_cache.timezone.localdate()
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: next_month)
    assert page_cache.version_and_month() != this_month


def test_preview_of_a_draft_is_never_served_from_the_cache(admin_client, newsroom):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)  # fills the page and fragment caches
    admin_client.get(article.url)
    draft = article.get_latest_revision_as_object()
    draft.standfirst = "A rewritten standfirst, not yet published."
    draft.save_revision()
    preview = draft.make_preview_request()
    assert "A rewritten standfirst, not yet published." in preview.content.decode()
    assert "A rewritten standfirst" not in Client().get(article.url).content.decode()


def test_each_response_of_a_cached_page_says_when_its_form_was_shown(newsroom):
    from masthead.discussion.forms import form_timing

    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    html = Client().get(article.url).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert 0 <= form_timing(started).seconds < 5


def test_a_comment_cookie_does_not_stop_the_front_page_coming_from_the_cache(
    newsroom, django_assert_max_num_queries
):
    Client().get("/")
    commenter = Client()
    commenter.cookies["masthead_reader"] = "anything"
    with django_assert_max_num_queries(1):
        assert commenter.get("/").status_code == 200


class LenientManifestStorage(ManifestStaticFilesStorage):
    """collectstatic's storage, reading a manifest written by the test; unlisted files are
    served unhashed instead of failing."""

    def stored_name(self, name):
        return self.hashed_files.get(name, name)


def test_a_deploy_with_new_stylesheets_is_not_served_old_cached_pages(newsroom, settings, tmp_path):
    article = newsroom["articles"]["ferry"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.LenientManifestStorage"},
    }

    def deploy(build):  # a release folder as collectstatic fills it
        root = tmp_path / build
        (root / "masthead" / "css").mkdir(parents=True)
        for name in ("site.css", f"site.{build}.css"):
            (root / "masthead" / "css" / name).write_text("body { margin: 0 }")
        manifest = {
            "version": "1.1",
            "hash": build,
            "paths": {"masthead/css/site.css": f"masthead/css/site.{build}.css"},
        }
        (root / "staticfiles.json").write_text(json.dumps(manifest))
        settings.STATIC_ROOT = str(root)

    deploy("0a1b2c")
    assert "site.0a1b2c.css" in Client().get(article.url).content.decode()
    deploy("9f8e7d")
    assert "site.9f8e7d.css" in Client().get(article.url).content.decode()


def served_from_the_cache(url, **headers) -> bool:
    # A cached page costs at most the content and thread versions; a rendered one many more.
    with CaptureQueriesContext(connection) as queries:
        assert Client(**headers).get(url).status_code == 200
    return len(queries) <= 2


@pytest.mark.parametrize(
    "query",
    [
        "?junk=1",
        "?comments_sort=oldest&junk=1",
        "?comments_sort=made-up",
        "?comments_sort=oldest&comments_sort=oldest",
        "?comments_sort=%6Fldest",
        "?page=1",  # an article has no pages
    ],
)
def test_query_strings_the_article_does_not_read_are_not_stored(newsroom, query):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url + query)
    assert not served_from_the_cache(article.url + query)


@pytest.mark.parametrize(
    "query", ["", "?comments_sort=oldest", "?comments=all&comments_sort=oldest"]
)
def test_query_strings_the_article_reads_are_stored(newsroom, query):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url + query)
    assert served_from_the_cache(article.url + query)


@pytest.mark.parametrize(
    "query",
    [
        "?fbclid=IwAR3x",
        "?utm_source=newsletter&utm_medium=email&utm_campaign=friday",
        "?comments_sort=oldest&gclid=Cj0K",
    ],
)
def test_links_with_tracking_parameters_get_the_cached_page(newsroom, query):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url + query.replace("Cj0K", "first-click").replace("IwAR3x", "IwAR0"))
    assert served_from_the_cache(article.url + query)


def test_tracking_parameters_leave_the_parameters_a_page_reads_alone(newsroom):
    world = newsroom["world"]
    page_one = Client().get(world.url + "?utm_source=x").content.decode()
    assert Client().get(world.url + "?page=1&utm_source=x").content.decode() == page_one
    assert Client().get(world.url + "?page=2&fbclid=y").status_code == 404  # still read


def test_a_listing_stores_its_page_numbers_but_not_other_spellings(newsroom):
    world = newsroom["world"]
    for query in ("?page=1", "?page=01"):
        Client().get(world.url + query)
    assert served_from_the_cache(world.url + "?page=1")
    assert not served_from_the_cache(world.url + "?page=01")
    # " 1" names no page: it leads to the listing's own address (see test_pages).
    assert Client().get(world.url + "?page=+1")["Location"] == world.url
    assert Client().get(world.url + "?page=2").status_code == 404  # past the end: never stored


def test_a_section_feed_is_stored_but_not_for_page_numbers_it_ignores(newsroom):
    feed = newsroom["world"].url + "feed/"
    for url in (feed, feed + "?page=3"):
        Client().get(url)
    assert served_from_the_cache(feed)
    assert not served_from_the_cache(feed + "?page=3")


def test_every_host_gets_links_to_the_sites_own_address(newsroom, settings):
    """The canonical and sharing links name the site's address (as the sitemap does), whichever
    of its hosts filled the cache."""
    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    article = newsroom["articles"]["ferry"]
    Client(HTTP_HOST="news.example").get(article.url)
    html = Client().get(article.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html
    assert f'<meta property="og:url" content="http://testserver{article.url}">' in html
    html = Client(HTTP_HOST="news.example").get(article.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html


def test_a_host_header_with_any_port_or_case_makes_no_new_copy_of_an_articles_fragments(
    newsroom, monkeypatch
):
    """A Host header passes ALLOWED_HOSTS whatever its port and letter case: each variant
    misses the page cache, but the article's head, body and related fragments are the site's,
    rendered and stored once."""
    from django.core.cache import caches

    article = newsroom["articles"]["ferry"]
    stored = []
    backend = type(caches["default"])  # each thread has a cache object of its own
    store = backend.set

    def counted_store(cache, key, *args, **kwargs):
        if key.startswith("template.cache.") and "article-" in key:
            stored.append(key)
        return store(cache, key, *args, **kwargs)

    monkeypatch.setattr(backend, "set", counted_store)
    for host in ("testserver", "testserver:8001", "TestServer:65000", "TESTSERVER"):
        response = Client(HTTP_HOST=host).get(article.url)
        assert response.status_code == 200
        assert f'<link rel="canonical" href="http://testserver{article.url}">' in (
            response.content.decode()
        )
    assert len(stored) == 3, stored  # head, body, related: once


def test_each_wagtail_site_keeps_fragments_of_its_own(newsroom, settings):
    from wagtail.models import Site

    from masthead.publishing.models import SiteIdentity

    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    path = newsroom["articles"]["ferry"].url
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="other.example", root_page=default.root_page)
    SiteIdentity.objects.update_or_create(site=other, defaults={"name": "The Other Ledger"})
    assert "The Other Ledger" not in Client().get(path).content.decode()
    html = Client(HTTP_HOST="other.example").get(path).content.decode()
    assert '<meta property="og:site_name" content="The Other Ledger">' in html
    assert f'<link rel="canonical" href="http://other.example{path}">' in html


@pytest.mark.parametrize(
    "host", ["testserver:8001", "TestServer:65000", "TESTSERVER", "testserver."]
)
def test_a_host_header_with_any_port_or_case_gets_the_page_its_site_stored(
    newsroom, host, monkeypatch, django_assert_num_queries
):
    """Such a Host header passes ALLOWED_HOSTS: were each variant an entry of its own, anyone
    could have pages rendered at will and fill the cache with copies of them."""
    from masthead.publishing import page_cache

    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", 60.0)  # the second, made to last
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    with django_assert_num_queries(0):  # no render, and no query to find the host's site
        html = Client(HTTP_HOST=host).get(article.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html


def test_a_host_no_site_names_gets_the_page_the_default_site_stored(newsroom, settings):
    """Wagtail serves such a host the default site's pages, links and settings: the same page."""
    settings.ALLOWED_HOSTS = ["testserver", "alias.example"]
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    assert served_from_the_cache(article.url, HTTP_HOST="alias.example")


def other_site(hostname: str, name: str, port: int = 80):
    from wagtail.models import Site

    from masthead.publishing.models import SiteIdentity

    default = Site.objects.get(is_default_site=True)
    site = Site.objects.create(hostname=hostname, port=port, root_page=default.root_page)
    SiteIdentity.objects.update_or_create(site=site, defaults={"name": name})
    return site


def test_each_wagtail_site_gets_its_own_stored_pages_whatever_the_hosts_port_or_case(
    newsroom, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    path = newsroom["articles"]["ferry"].url
    other_site("other.example", "The Other Ledger")
    Client().get(path)
    Client(HTTP_HOST="other.example").get(path)
    for host in ("testserver", "TESTSERVER:8001"):
        assert served_from_the_cache(path, HTTP_HOST=host)
        html = Client(HTTP_HOST=host).get(path).content.decode()
        assert "The Other Ledger" not in html
        assert f'<link rel="canonical" href="http://testserver{path}">' in html
    for host in ("other.example", "Other.Example:8001"):
        assert served_from_the_cache(path, HTTP_HOST=host)
        html = Client(HTTP_HOST=host).get(path).content.decode()
        assert '<meta property="og:site_name" content="The Other Ledger">' in html
        assert f'<link rel="canonical" href="http://other.example{path}">' in html


def test_two_sites_on_one_host_name_never_share_a_page_whatever_the_host_header_says(newsroom):
    """Wagtail tells sites on one name apart by the port the server was reached on, not by the
    Host header's: a proxy in front of the server may pass the name alone."""
    path = newsroom["articles"]["ferry"].url
    other_site("testserver", "The Night Edition", port=8080)
    Client().get(path)
    for environ in (
        {"SERVER_PORT": "8080", "HTTP_HOST": "testserver"},
        {"SERVER_PORT": "8080", "HTTP_HOST": "testserver:8080"},
    ):
        html = Client().get(path, **environ).content.decode()
        assert '<meta property="og:site_name" content="The Night Edition">' in html
        assert f'<link rel="canonical" href="http://testserver:8080{path}">' in html
    assert "The Night Edition" not in Client().get(path).content.decode()


def test_a_sites_new_address_shows_at_once_on_its_cached_pages(newsroom, settings):
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    path = newsroom["articles"]["ferry"].url
    Client().get(path)
    site = Site.objects.get(is_default_site=True)
    site.hostname = "news.example"
    site.save()
    for host in ("testserver", "news.example"):  # the old name is still the default site's
        html = Client(HTTP_HOST=host).get(path).content.decode()
        assert f'<link rel="canonical" href="http://news.example{path}">' in html


def test_a_request_no_site_answers_is_answered_but_never_stored(newsroom, settings):
    """Without a default site, links on a host that names no site fall back to that host's own
    address (links.canonical_root): no other host may be served them."""
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = ["testserver", "stray.example"]
    article = newsroom["articles"]["ferry"]
    Site.objects.update(is_default_site=False, hostname="news.example")
    thread = f"/comments/{article.pk}/"
    Client(HTTP_HOST="stray.example").get(thread)
    assert not served_from_the_cache(thread, HTTP_HOST="stray.example")


def test_a_readers_chosen_comment_order_is_followed_on_cached_pages(newsroom):
    from masthead.discussion.models import Comment
    from masthead.discussion.services import vote_cast

    article = newsroom["articles"]["ferry"]
    for body in ("Well liked remark", "Latest remark"):
        comment_post(
            article=article,
            reader=Reader(user=None, key=f"k-{body}", ip_hash=body),
            body=body,
            author_name="Kit",
            author_email="kit@example.com",
        )
    liked = Comment.objects.get(body="Well liked remark")
    for n in range(3):
        vote_cast(comment=liked, reader=Reader(user=None, key=f"v{n}", ip_hash=f"v{n}"), value=1)

    def first_comment(client):
        html = client.get(article.url).content.decode()
        return (
            "Well liked"
            if html.index("Well liked remark") < html.index("Latest remark")
            else "Latest"
        )

    assert first_comment(Client()) == "Latest"  # the default, newest first, now in the cache
    chooser = Client()
    chooser.get(f"/comments/{article.pk}/sort/?sort=most_voted")  # the no-JavaScript sort link
    assert chooser.cookies["masthead_comment_sort"].value == "most_voted"
    assert first_comment(chooser) == "Well liked"
    assert first_comment(chooser) == "Well liked"  # and again, from the cache
    assert first_comment(Client()) == "Latest"
    assert served_from_the_cache(article.url, HTTP_COOKIE="masthead_comment_sort=most_voted")
    # a value the page ignores gets the default page, not an entry of its own
    assert served_from_the_cache(article.url, HTTP_COOKIE="masthead_comment_sort=made-up")


def test_pages_from_the_cache_cannot_be_framed_by_other_sites(newsroom):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    assert served_from_the_cache(article.url)
    assert Client().get(article.url)["X-Frame-Options"] == "DENY"
    assert Client().get("/")["X-Frame-Options"] == "DENY"


def test_discussion_settings_show_at_once_on_cached_articles(newsroom):
    from wagtail.models import Site

    from masthead.discussion.models import DiscussionSettings

    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    options = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    options.invitation = "Tell us what the timetable means for you."
    options.save()
    assert "Tell us what the timetable means for you." in Client().get(article.url).content.decode()


def test_a_deleted_image_leaves_no_broken_picture_on_cached_pages(newsroom):
    article = newsroom["articles"]["ferry"]
    photo = article.featured_image
    rendition = photo.get_rendition("width-800").file.name.rsplit("/", 1)[-1].split(".")[0]
    assert rendition in Client().get(article.url).content.decode()
    photo.delete()
    assert rendition not in Client().get(article.url).content.decode()


def test_a_comment_cannot_carry_off_the_csrf_token_of_the_readers_who_view_it(newsroom):
    """The placeholders each response fills in for its reader are not something a reader can
    type: written into a comment's link or name, they would hand every viewer's CSRF token to
    the link's site."""
    from masthead.discussion.services.comments import thread_changed

    article = newsroom["articles"]["ferry"]
    Client().post(
        f"/comments/{article.pk}/post/",
        {
            "body": "[Read this](https://evil.example/?t=__MASTHEAD_CSRF_TOKEN__)",
            "author_name": "Eve __MASTHEAD_FORM_STARTED__",
            "author_email": "eve@example.com",
        },
    )
    Comment.objects.update(status="published")  # whatever the filter made of it
    thread_changed(article.pk, recount=True)
    victim = Client()
    for url in (article.url, article.url, f"/comments/{article.pk}/"):  # rendered, cached, fragment
        html = victim.get(url).content.decode()
        assert "https://evil.example/?t=__MASTHEAD_CSRF_TOKEN__" in html, url
        assert "Eve __MASTHEAD_FORM_STARTED__" in html, url


def test_public_pages_run_only_the_sites_own_scripts_and_the_admin_keeps_its_own(
    newsroom, admin_client
):
    article = newsroom["articles"]["ferry"]
    Client().get(article.url)
    assert served_from_the_cache(article.url)
    for url in (article.url, "/", "/search/?q=ferry", "/donate/", f"/comments/{article.pk}/"):
        header = Client().get(url)["Content-Security-Policy"]
        policy = dict(directive.strip().split(" ", 1) for directive in header.split(";"))
        assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'", url
    assert "Content-Security-Policy" not in admin_client.get("/admin/")
    assert "Content-Security-Policy" not in admin_client.get(f"/admin/pages/{article.pk}/edit/")


def thread_of_two_pages(article) -> list:
    """Three comments, oldest first, two to a page of the thread: "load more" shows the oldest."""
    from masthead.discussion.models import DiscussionSettings

    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    return [
        comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-remark-{n}", ip_hash=f"remark-{n}"),
            body=f"Remark number {n}",
            author_name="Kit",
            author_email="kit@example.com",
        )
        for n in range(3)
    ]


def nojs_links(article) -> dict[str, str]:
    """The addresses of "Reply" (to the newest comment) and of "Load more comments"."""
    import html as html_module

    page = Client().get(article.url).content.decode()
    more = re.search(r'href="([^"]+)"[^>]*>Load more comments<', page).group(1)
    reply = re.search(r'class="comment__reply" href="([^"]+)"', page).group(1)
    return {
        "reply": article.url + html_module.unescape(reply).split("#")[0],
        "more": article.url + html_module.unescape(more).split("#")[0],
    }


def answer(client, article, parent, body, name="Lu"):
    """Answer a comment as the form does without JavaScript."""
    response = client.post(
        f"/comments/{article.pk}/post/",
        {
            "body": body,
            "author_name": name,
            "author_email": "lu@example.com",
            "parent_id": parent.pk,
        },
    )
    assert response.status_code == 302
    return Comment.objects.get(body=body)


def test_reply_and_load_more_pages_without_javascript_are_stored(newsroom):
    article = newsroom["articles"]["ferry"]
    oldest, _, newest = thread_of_two_pages(article)
    links = nojs_links(article)
    assert links["reply"] == f"{article.url}?reply_to={newest.pk}"
    # An e-mail's link to the comment lands on the page of the thread that shows it.
    location = Client().get(f"/comments/comment/{oldest.pk}/")["Location"].split("#")[0]
    for url in (*links.values(), location):
        Client().get(url)
        assert served_from_the_cache(url), url
    assert 'Replying to <strong dir="auto" data-replying-name>Kit</strong>' in (
        Client().get(links["reply"]).content.decode()
    )
    assert "Remark number 0" in Client().get(links["more"]).content.decode()


def comment_on_another_article(newsroom, *, created):
    """A comment of the election article, at the same moment as one of the ferry's: its id in a
    link to the ferry's thread names no place in it."""
    return Comment.objects.create(
        article=newsroom["articles"]["election"],
        author_name="Eve",
        body="Elsewhere",
        body_html="<p>Elsewhere</p>",
        created=created,
    )


def test_reply_targets_and_thread_places_no_link_names_are_shown_but_not_stored(newsroom):
    from urllib.parse import parse_qs, urlencode, urlsplit

    article = newsroom["articles"]["ferry"]
    comments = thread_of_two_pages(article)
    elsewhere = comment_on_another_article(newsroom, created=comments[0].created)
    more = {
        key: value[0]
        for key, value in parse_qs(urlsplit(nojs_links(article)["more"]).query).items()
    }
    made_up_cursor = more["comments_after"].replace(f"_{comments[1].pk}", f"_{comments[1].pk + 7}")
    for query in (
        {"reply_to": "987654"},
        {"reply_to": elsewhere.pk},
        {**more, "comments_after": made_up_cursor},
        {**more, "comments_after": "2001-01-01T00:00:00+00:00_1"},
        {**more, "comments_snapshot": elsewhere.pk},
    ):
        url = f"{article.url}?{urlencode(query)}"
        assert Client().get(url).status_code == 200
        assert not served_from_the_cache(url), url


def test_comments_votes_and_moderation_show_at_once_on_cached_reply_and_load_more_pages(
    newsroom, django_user_model
):
    from masthead.discussion.services import vote_cast
    from masthead.moderation.services import comment_remove

    article = newsroom["articles"]["ferry"]
    oldest, _, newest = thread_of_two_pages(article)
    links = nojs_links(article)
    for url in links.values():
        Client().get(url)
        assert served_from_the_cache(url)

    on_first_page = answer(Client(), article, newest, "A fresh answer on the first page")
    on_second_page = answer(Client(), article, oldest, "A fresh answer on the second page")
    assert on_first_page.body in Client().get(links["reply"]).content.decode()
    assert on_second_page.body in Client().get(links["more"]).content.decode()

    vote_cast(comment=oldest, reader=Reader(user=None, key="g-voter", ip_hash="voter"), value=1)
    assert "1 point<" in Client().get(links["more"]).content.decode()

    moderator = django_user_model.objects.create_user("mod", "mod@example.com", "pw")
    comment_remove(comment=on_first_page, moderator=moderator)
    comment_remove(comment=on_second_page, moderator=moderator)
    assert on_first_page.body not in Client().get(links["reply"]).content.decode()
    assert on_second_page.body not in Client().get(links["more"]).content.decode()


def test_reply_and_load_more_pages_never_carry_another_readers_view(newsroom, django_user_model):
    article = newsroom["articles"]["ferry"]
    oldest, _, newest = thread_of_two_pages(article)
    links = nojs_links(article)

    # A guest whose answers are held, and who gets a note beside one after a refused vote.
    guest = Client()
    links_to_spam = "Links http://a.example http://b.example http://c.example"
    held = [
        answer(guest, article, parent, f"{links_to_spam} {n}", name="Mo")
        for n, parent in enumerate((newest, oldest))
    ]
    assert all(comment.status != "published" for comment in held)
    guest.post(f"/comments/comment/{held[1].pk}/vote/", {"value": "1"})
    note = guest.get(links["more"]).content.decode()
    assert "comment__note" in note  # shown once, on the page of the thread that shows it
    signed_in = Client()
    signed_in.force_login(django_user_model.objects.create_user("Quinn", "q@example.com", "pw"))
    guest_tokens = []
    for url in links.values():
        guest_page = guest.get(url).content.decode()
        assert "Awaiting moderation" in guest_page
        assert "Commenting as <strong>Quinn" in signed_in.get(url).content.decode()
        guest_tokens.append(
            re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', guest_page).group(1)
        )

    for url in links.values():
        assert not served_from_the_cache(url)  # nothing personal was stored: rendered afresh
        for _ in range(2):  # rendered and stored, then from the cache
            page = Client().get(url).content.decode()
            assert "Awaiting moderation" not in page and links_to_spam not in page
            assert "Commenting as" not in page and "comment__note" not in page
            assert CSRF_MARKER not in page and not any(token in page for token in guest_tokens)
            assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', page)
        assert served_from_the_cache(url)


def thread_fragments(article) -> dict[str, str]:
    """What the comment section's script fetches: a sort order, "load more" with the cursor and
    snapshot of the answer before, "view all", and the panel of a passage with comments."""
    from urllib.parse import urlencode

    thread = f"/comments/{article.pk}/"
    first = Client().get(thread + "?sort=oldest")
    more = {"sort": "oldest", "after": first["X-Next-Cursor"], "snapshot": first["X-Snapshot"]}
    fragments = {
        "sort": thread + "?sort=oldest",
        "more": f"{thread}?{urlencode(more)}",  # encoded as the script's URLSearchParams does
        "all": thread + "?sort=oldest&all=1",
        "show new": thread,
    }
    on_passage = Comment.objects.filter(article=article, anchor__isnull=False).first()
    if on_passage is not None:
        fragments["passage"] = f"{thread}?anchor={on_passage.anchor_id}"
    return fragments


def passage_comments(article, count=2, quote="Islanders welcomed the winter timetable.") -> list:
    from masthead.discussion.services import AnchorInput

    return [
        comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-passage-{n}", ip_hash=f"passage-{n}"),
            body=f"On the timetable {n}",
            author_name="Pat",
            author_email="pat@example.com",
            anchor=AnchorInput(quote=quote),
        )
        for n in range(count)
    ]


FRAGMENT_HEADERS = ("X-Comment-Count", "X-Next-Cursor", "X-Snapshot", "X-Passage-Limit")


def test_thread_fragments_for_anonymous_readers_come_from_the_cache_with_their_headers(
    newsroom, monkeypatch
):
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "PASSAGE_PANEL_COMMENTS", 1)  # the panel says it lists one of two
    article = newsroom["articles"]["ferry"]
    thread_of_two_pages(article)
    passage_comments(article)
    per_response = r'name="csrfmiddlewaretoken" value="[^"]+"'
    for name, url in thread_fragments(article).items():
        rendered = Client().get(url)
        assert served_from_the_cache(url), name
        cached = Client().get(url)
        assert re.sub(per_response, "", cached.content.decode()) == re.sub(
            per_response, "", rendered.content.decode()
        ), name
        for header in FRAGMENT_HEADERS:
            assert cached.get(header) == rendered.get(header), (name, header)
    panel = Client().get(thread_fragments(article)["passage"])
    assert panel["X-Passage-Limit"] == "1"
    more = Client().get(thread_fragments(article)["more"])
    assert "Remark number 2" in more.content.decode() and more["X-Next-Cursor"]


def test_a_thread_fragment_from_the_cache_sets_the_sort_cookie_as_a_rendered_one_does(newsroom):
    from datetime import timedelta
    from email.utils import parsedate_to_datetime

    from django.utils import timezone

    article = newsroom["articles"]["ferry"]
    oldest, _, newest = thread_of_two_pages(article)
    url = f"/comments/{article.pk}/?sort=most_voted"
    rendered = Client().get(url).cookies["masthead_comment_sort"]
    assert served_from_the_cache(url)
    cached = Client().get(url).cookies["masthead_comment_sort"]
    for attribute in ("max-age", "samesite", "path", "secure", "httponly"):
        assert cached[attribute] == rendered[attribute], attribute
    assert cached.value == rendered.value == "most_voted"
    assert parsedate_to_datetime(cached["expires"]) > timezone.now() + timedelta(days=364)

    # Without "sort" in the query ("show new"), the order the reader chose is followed.
    thread = f"/comments/{article.pk}/"
    Client().get(thread)
    chooser = Client()
    chooser.cookies["masthead_comment_sort"] = "oldest"
    for _ in range(2):  # rendered and stored, then from the cache
        html = chooser.get(thread).content.decode()
        assert oldest.body in html and newest.body not in html  # two to a page
    assert served_from_the_cache(thread, HTTP_COOKIE="masthead_comment_sort=oldest")
    html = Client().get(thread).content.decode()
    assert newest.body in html and oldest.body not in html


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_thread_fragments_are_never_stored_or_served_for_readers_with_a_view_of_their_own(
    newsroom, django_user_model
):
    article = newsroom["articles"]["ferry"]
    *_, newest = thread_of_two_pages(article)
    [on_passage] = passage_comments(article, count=1)  # the newest, on every fragment below
    guest = Client()
    links_to_spam = "Links http://a.example http://b.example http://c.example"
    held = [
        answer(guest, article, parent, f"{links_to_spam} {n}", name="Mo")
        for n, parent in enumerate((on_passage, newest))
    ]
    assert all(comment.status != "published" for comment in held)
    signed_in = Client()
    signed_in.force_login(django_user_model.objects.create_user("Quinn", "q@example.com", "pw"))
    signed_in.post(f"/comments/comment/{on_passage.pk}/vote/", {"value": "1"})
    fragments = thread_fragments(article)  # stores the first page, oldest first
    urls = [fragments["show new"], fragments["more"], fragments["all"], fragments["passage"]]
    for url in urls:
        assert "Awaiting moderation" in guest.get(url).content.decode()
        signed_in.get(url)
        assert not served_from_the_cache(url), url  # neither stored their own view
        for _ in range(2):  # rendered and stored, then from the cache
            html = Client().get(url).content.decode()
            assert "Awaiting moderation" not in html and links_to_spam not in html
            assert 'aria-pressed="true"' not in html
        assert served_from_the_cache(url)
        assert queries_for(guest, url) > 2 and queries_for(signed_in, url) > 2  # rendered
        assert "Awaiting moderation" in guest.get(url).content.decode()
    for url in (fragments["all"], fragments["passage"]):
        assert 'aria-pressed="true"' in card_of(signed_in.get(url).content.decode(), on_passage.pk)


def card_of(html, comment_id) -> str:
    return html.split(f'id="comment-{comment_id}"', 1)[1].split('class="comment__replies', 1)[0]


def test_comments_votes_and_removals_show_at_once_in_cached_thread_fragments(
    newsroom, django_user_model
):
    from masthead.discussion.services import vote_cast
    from masthead.moderation.services import comment_remove

    article = newsroom["articles"]["ferry"]
    oldest, _, newest = thread_of_two_pages(article)
    fragments = thread_fragments(article)  # oldest first: "load more" shows the newest
    for url in fragments.values():
        Client().get(url)
        assert served_from_the_cache(url), url

    fresh = Client().post(
        f"/comments/{article.pk}/post/",
        {"body": "A fresh remark", "author_name": "Lu", "author_email": "lu@example.com"},
    )
    assert fresh.status_code == 302
    shown = Client().get(fragments["show new"])
    assert "A fresh remark" in shown.content.decode() and shown["X-Comment-Count"] == "4"
    on_second_page = answer(Client(), article, newest, "A fresh answer on the second page")
    assert on_second_page.body in Client().get(fragments["more"]).content.decode()

    vote_cast(comment=newest, reader=Reader(user=None, key="g-voter", ip_hash="voter"), value=1)
    assert "1 point<" in card_of(Client().get(fragments["more"]).content.decode(), newest.pk)

    moderator = django_user_model.objects.create_user("mod", "mod@example.com", "pw")
    comment_remove(comment=on_second_page, moderator=moderator)
    assert on_second_page.body not in Client().get(fragments["more"]).content.decode()
    comment_remove(comment=oldest, moderator=moderator)
    assert oldest.body not in Client().get(fragments["sort"]).content.decode()


def test_thread_fragments_for_places_no_link_or_script_asks_for_are_answered_but_not_stored(
    newsroom,
):
    from urllib.parse import parse_qs, urlencode, urlsplit

    article = newsroom["articles"]["ferry"]
    comments = thread_of_two_pages(article)
    elsewhere = comment_on_another_article(newsroom, created=comments[0].created)
    [elsewhere_anchor] = passage_comments(
        newsroom["articles"]["election"], count=1, quote="Turnout rose sharply."
    )
    linked = thread_fragments(article)["more"]
    Client().get(linked)
    assert served_from_the_cache(linked)  # where "load more" leads is stored
    more = {key: value[0] for key, value in parse_qs(urlsplit(linked).query).items()}
    made_up_cursor = more["after"].replace(f"_{comments[1].pk}", f"_{comments[1].pk + 7}")
    thread = f"/comments/{article.pk}/"
    for query in (
        urlencode({**more, "after": made_up_cursor}),
        urlencode({**more, "after": "2001-01-01T00:00:00+00:00_1"}),
        urlencode({**more, "snapshot": elsewhere.pk}),
        urlencode({"sort": "oldest", "snapshot": "987654"}),
        "anchor=987654",
        f"anchor={elsewhere_anchor.anchor_id}",
        "sort=made-up",
        "sort=oldest&junk=1",
        "after=junk",
    ):
        url = f"{thread}?{query}"
        assert Client().get(url).status_code == 200, url
        assert not served_from_the_cache(url), url


def test_each_reader_gets_their_own_csrf_token_in_a_cached_thread_fragment_and_can_vote(newsroom):
    article = newsroom["articles"]["ferry"]
    *_, newest = thread_of_two_pages(article)
    url = f"/comments/{article.pk}/?sort=newest"
    Client().get(url)
    assert served_from_the_cache(url)
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for reader in readers:
        html = reader.get(url).content.decode()
        assert CSRF_MARKER not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    assert tokens[0] != tokens[1]
    response = readers[1].post(
        f"/comments/comment/{newest.pk}/vote/", {"value": "1", "csrfmiddlewaretoken": tokens[1]}
    )
    assert response.status_code == 302
    newest.refresh_from_db()
    assert newest.score == 1


def content_version_value() -> int:
    from masthead.publishing.models import ContentVersion

    return ContentVersion.objects.get(pk=1).value


def test_the_funding_settings_a_first_render_makes_keep_that_page_cached(
    newsroom, django_capture_on_commit_callbacks
):
    from masthead.funding.models import FundingSettings

    FundingSettings.objects.all().delete()
    before = content_version_value()
    with django_capture_on_commit_callbacks(execute=True):
        Client().get(newsroom["articles"]["ferry"].url)  # makes them, with their defaults
    assert FundingSettings.objects.exists() and content_version_value() == before
    with django_capture_on_commit_callbacks(execute=True):
        edited = FundingSettings.objects.get()
        edited.support_heading = "Keep the ferry news coming"
        edited.save()  # an editor's change
    assert content_version_value() == before + 1


def test_a_deploy_with_new_code_is_not_served_old_cached_pages(newsroom, monkeypatch):
    from masthead.publishing import page_cache

    article = newsroom["articles"]["ferry"]

    def renders():
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(article.url).status_code == 200
        return any("wagtailcore_page" in query["sql"] for query in queries.captured_queries)

    assert renders()
    assert not renders()  # from the cache
    monkeypatch.setattr(page_cache, "code_release", lambda: "the-next-release")
    assert renders()


def test_the_code_release_is_the_same_wherever_the_same_files_are(tmp_path):
    from masthead.publishing.page_cache import code_digest

    for machine in ("one", "two"):
        (tmp_path / machine / "templates").mkdir(parents=True)
        (tmp_path / machine / "views.py").write_text("def page(): ...\n")
        (tmp_path / machine / "templates" / "page.html").write_text("<h1>{{ title }}</h1>\n")
    assert code_digest(tmp_path / "one") == code_digest(tmp_path / "two")
    (tmp_path / "two" / "templates" / "page.html").write_text("<h2>{{ title }}</h2>\n")
    assert code_digest(tmp_path / "one") != code_digest(tmp_path / "two")


def test_autosave_renaming_a_draft_keeps_the_cached_pages(
    newsroom, django_capture_on_commit_callbacks
):
    """Autosave saves a new article each time its headline, and so its address, changes."""
    draft = make_article(section=newsroom["world"], title="Ferry fares", publish=False)
    Client().get("/")
    before = content_version_value()
    for slug in ("ferry-fares-rise", "ferry-fares-rise-in-spring"):
        with django_capture_on_commit_callbacks(execute=True):
            draft.slug = slug
            draft.save()
    assert content_version_value() == before


def test_a_new_address_of_a_live_page_or_one_above_live_pages_shows_on_cached_pages(
    newsroom, django_capture_on_commit_callbacks
):
    article = newsroom["articles"]["ferry"]
    section = article.get_parent().specific
    section.live = False
    section.save()
    before = content_version_value()
    for page, slug in ((article, "ferry-news"), (section, "world-news")):
        with django_capture_on_commit_callbacks(execute=True):
            page.slug = slug
            page.save()
    assert content_version_value() == before + 2


def test_a_guests_remembered_details_never_go_into_a_page_other_readers_are_served(newsroom):
    ferry, telescope = newsroom["articles"]["ferry"], newsroom["articles"]["telescope"]
    comment_by_kai(telescope)  # so that the telescope's thread has a reply link
    guest = Client()
    posted = guest.post(
        f"/comments/{ferry.pk}/post/",
        {
            "body": "The ferry should run on Sundays too.",
            "author_name": "Wren Okafor",
            "author_email": "wren@example.com",
            "remember": "on",
        },
    )
    assert posted.status_code == 302 and "masthead_commenter" in guest.cookies

    # Elsewhere the cookie changes nothing: the shared page, from the cache, without their details
    # (the page's script fills the form in their browser).
    as_anyone = Client().get(telescope.url).content.decode()
    assert queries_for(guest, telescope.url) <= 5
    as_guest = guest.get(telescope.url).content.decode()
    assert re.sub(PER_RESPONSE, "", as_guest) == re.sub(PER_RESPONSE, "", as_anyone)
    assert "wren@example.com" not in as_guest

    # Where they took part the page is made for them alone, and comes filled in without a script
    # (a reply without JavaScript); it is never stored for anyone else.
    [kai] = Comment.objects.filter(article=ferry, author_name="Wren Okafor")
    reply = f"{ferry.url}?reply_to={kai.pk}"
    own = guest.get(reply).content.decode()
    assert 'value="Wren Okafor"' in own and 'value="wren@example.com"' in own
    assert re.search(r'<input[^>]*name="remember"[^>]*checked', own)
    for _ in range(2):
        assert "wren@example.com" not in Client().get(reply).content.decode()
        assert "wren@example.com" not in Client().get(ferry.url).content.decode()


def header_account_link(html: str):
    from bs4 import BeautifulSoup

    link = BeautifulSoup(html, "html.parser").select_one(".site-header a.site-header__account")
    return link["href"], " ".join(link.text.split())


def test_the_cached_header_says_sign_in_and_a_signed_in_reader_sees_their_own_name(
    newsroom, django_user_model
):
    article = newsroom["articles"]["ferry"]
    signed_out = ("/accounts/login/?next=" + article.url, "Sign in")  # back to the story after
    assert header_account_link(Client().get(article.url).content.decode()) == signed_out

    reader = Client()
    reader.force_login(django_user_model.objects.create_user("rosa", first_name="Rosa"))
    assert header_account_link(reader.get(article.url).content.decode()) == (
        "/accounts/",
        "Your account: Rosa",  # the first two words for screen readers only
    )
    # Rosa's page was rendered for her alone: the next signed-out reader still gets the cached one.
    assert header_account_link(Client().get(article.url).content.decode()) == signed_out


def test_a_site_moved_by_another_process_gets_its_new_address_in_feed_links(
    newsroom, settings, monkeypatch
):
    """`masthead site` (or the admin in another web process) saves the site elsewhere: Wagtail
    forgot its cached site addresses there only, so the serving process's feed items kept the
    old host while the feed's own link had the new one, until a restart."""
    from django.db.models import F
    from wagtail.models import Site

    from masthead.publishing import page_cache
    from masthead.publishing.models import ContentVersion

    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    assert "http://testserver/" in Client().get("/feed/").content.decode()
    # What the other process writes: the site's new host, and (its signal) a new content version.
    Site.objects.filter(is_default_site=True).update(hostname="news.example")
    ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)
    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", -1.0)  # a second has passed

    feed = Client(HTTP_HOST="news.example").get("/feed/").content.decode()
    links = re.findall(r"<link>([^<]+)</link>", feed)
    assert len(links) > 1 and all(link.startswith("http://news.example/") for link in links)
    assert "testserver" not in feed
