"""The comments feeds: the whole site's (/comments/feed/) and each article's (<article>/feed/)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.services import comment_delete
from tests.factories import make_article

pytestmark = pytest.mark.django_db
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user("mod", "mod@example.com", "pw", is_staff=True)


def feed_items(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [
        {
            "title": item.findtext("title"),
            "description": item.findtext("description"),
            "link": item.findtext("link"),
            "guid": item.findtext("guid"),
            "pubDate": item.findtext("pubDate"),
            "creator": item.findtext(f"{DC}creator"),
        }
        for item in channel.findall("item")
    ]


def titles(items) -> list[str]:
    return [item["title"] for item in items]


def test_the_sites_comments_feed_lists_what_readers_see_newest_first(
    client, article, post, make_guest
):
    headline = article.title
    first = post("Bridges *matter* & so do <b>footpaths</b>", name="Alex")
    held = post("Held for review", name="Hal")
    reply_below_held = post("Reply below a held one", name="Rae", parent_id=held.pk)
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    spam = post("Cheap watches", name="Sam")
    Comment.objects.filter(pk=spam.pk).update(status=CommentStatus.SPAM)
    removed = post("Rude words", name="Rob")
    Comment.objects.filter(pk=removed.pk).update(status=CommentStatus.REMOVED)
    author = make_guest()
    deleted = post("Changed my mind", name="Dee", reader=author)
    comment_delete(comment=deleted, reader=author, now=deleted.created)
    draft = make_article(section=article.get_parent(), title="Unpublished story")
    post("On a story taken down", name="Una", on=draft)
    draft.unpublish()
    private = make_article(section=article.get_parent(), title="Members only")
    post("Behind a password", name="Pat", on=private)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="staff"
    )
    last = post("Second thoughts on the bridge", name="Bea")
    cache.clear()

    items = feed_items(client, "/comments/feed/")
    assert titles(items) == [f"Comment on {headline} by Bea", f"Comment on {headline} by Alex"]
    newest, oldest = items
    assert newest["link"] == f"http://testserver/comments/comment/{last.pk}/"
    assert newest["guid"].startswith("urn:uuid:")
    assert newest["guid"] != oldest["guid"]
    assert newest["pubDate"] and newest["creator"] == "Bea"
    # The comment as its thread shows it: rendered from Markdown, the reader's markup escaped.
    assert oldest["description"] == first.body_html
    assert "<em>matter</em>" in oldest["description"]
    assert "<b>" not in oldest["description"]
    assert reply_below_held.status == CommentStatus.PUBLISHED  # hidden by its branch alone

    # The comment's address leads to the comment on the article's page.
    location = client.get(f"/comments/comment/{last.pk}/")["Location"]
    assert location == f"{article.url}#comment-{last.pk}"


def test_an_articles_comments_feed_lists_its_own_comments(client, article, post):
    other = make_article(section=article.get_parent(), title="Another story")
    post("On the bridge", name="Alex")
    post("On another story", name="Bo", on=other)
    held = post("Held for review", name="Hal")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    cache.clear()

    items = feed_items(client, f"{article.url}feed/")
    assert titles(items) == [f"Comment on {article.title} by Alex"]
    channel = ET.fromstring(client.get(f"{article.url}feed/").content).find("channel")
    assert channel.findtext("link") == f"http://testserver{article.url}#comments"
    assert titles(feed_items(client, f"{other.url}feed/")) == ["Comment on Another story by Bo"]
    guid = items[0]["guid"]
    assert feed_items(client, "/comments/feed/")[-1]["guid"] == guid


def test_a_draft_or_private_article_has_no_comments_feed(client, article, post):
    draft = make_article(section=article.get_parent(), title="Not yet", publish=False)
    private = make_article(section=article.get_parent(), title="Members only")
    post("Behind a password", on=private)
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="staff"
    )
    cache.clear()
    assert client.get(f"/world/{draft.slug}/feed/").status_code == 404
    response = client.get(f"{private.url}feed/")
    assert response["Content-Type"].startswith("text/html")  # the page's password form
    assert b"Behind a password" not in response.content
    # Feed readers would show its comments to everyone: not even to a reader who has the password.
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{private.pk}/",
        {"password": "staff", "return_url": private.url},
    )
    assert b"Behind a password" in client.get(private.url).content
    assert client.get(f"{private.url}feed/").status_code == 404


def test_a_removed_comment_leaves_the_feeds_and_an_approved_one_joins_them(
    client, article, post, moderator
):
    """The article's feed is cached with its thread: a moderator's decision makes a new one."""
    from masthead.moderation.services import comment_approve, comment_remove

    kept = post("Worth keeping", name="Kim")
    rude = post("Rude words", name="Rob")
    held = post("Held for review", name="Hal")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    cache.clear()
    article_feed = f"{article.url}feed/"
    expected = [f"Comment on {article.title} by {name}" for name in ("Rob", "Kim")]
    assert titles(feed_items(client, article_feed)) == expected
    assert titles(feed_items(client, "/comments/feed/")) == expected

    comment_remove(comment=Comment.objects.get(pk=rude.pk), moderator=moderator)
    comment_approve(comment=Comment.objects.get(pk=held.pk), moderator=moderator)
    expected = [f"Comment on {article.title} by {name}" for name in ("Hal", "Kim")]
    assert titles(feed_items(client, article_feed)) == expected
    assert titles(feed_items(client, "/comments/feed/")) == expected
    assert kept.pk


def test_the_sites_comments_feed_is_cached_until_a_comment_joins_or_leaves_it(
    client, article, post, moderator
):
    """It read the comments of every live article of the site (a query through the page tree)
    on every request of every feed reader; it is kept as the article feeds are, and a
    moderator's decision anywhere makes a new one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.moderation.services import comment_approve, comment_remove
    from masthead.publishing import page_cache

    kept = post("Worth keeping", name="Kim")
    held = post("Held for review", name="Hal")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    cache.clear()
    page_cache.forget_versions()
    first = client.get("/comments/feed/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/comments/feed/")
    assert again.content == first.content
    assert not [query for query in queries if "discussion_comment" in query["sql"]]

    comment_approve(comment=Comment.objects.get(pk=held.pk), moderator=moderator)
    names = [f"Comment on {article.title} by {name}" for name in ("Hal", "Kim")]
    assert titles(feed_items(client, "/comments/feed/")) == names
    comment_remove(comment=Comment.objects.get(pk=kept.pk), moderator=moderator)
    assert titles(feed_items(client, "/comments/feed/")) == names[:1]
    # As another web process sees it: its memo of the threads' versions is a second old.
    page_cache.forget_versions()
    post("A new voice", name="Nia")
    page_cache.forget_versions()
    assert titles(feed_items(client, "/comments/feed/"))[0].endswith("by Nia")


def test_a_vote_keeps_the_sites_comments_feed_but_not_the_threads_page(
    client, article, post, make_guest
):
    """Every vote threw the site's comments feed away (it was kept under every thread's version,
    which a vote changes for the scores the thread's page shows): the feed shows no scores, so
    it stays cached after a vote, while the thread's cached page is made again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discussion import selectors
    from masthead.discussion.services import vote_cast
    from masthead.publishing import page_cache

    kept = post("Worth keeping", name="Kim")
    cache.clear()
    page_cache.forget_versions()
    first = client.get("/comments/feed/")
    thread_before = selectors.thread_version(article.pk)

    vote_cast(comment=kept, reader=make_guest(), value=1)
    page_cache.forget_versions()  # as another web process sees it, a second on
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/comments/feed/")

    assert again.content == first.content
    assert not [query for query in queries if "discussion_comment" in query["sql"]]
    assert selectors.thread_version(article.pk) > thread_before  # its page shows the new score
    post("A new voice", name="Nia")
    page_cache.forget_versions()
    assert titles(feed_items(client, "/comments/feed/"))[0].endswith("by Nia")


def test_a_vote_keeps_the_articles_comments_feed_but_not_its_page(
    client, article, post, make_guest
):
    """An article's comments feed was kept under its thread's version, which every vote moves
    for the scores the page shows: the feed shows none, so a vote keeps it cached, while a new
    comment makes a new one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discussion.services import vote_cast
    from masthead.publishing import page_cache

    feed_url = f"{article.url}feed/"
    kept = post("Worth keeping", name="Kim")
    cache.clear()
    page_cache.forget_versions()
    first = client.get(feed_url)
    page_before = client.get(article.url).content

    vote_cast(comment=kept, reader=make_guest(), value=1)
    page_cache.forget_versions()  # as another web process sees it, a second on
    with CaptureQueriesContext(connection) as queries:
        again = client.get(feed_url)

    assert again.content == first.content
    assert not [query for query in queries if "discussion_comment" in query["sql"]]
    assert client.get(article.url).content != page_before  # its page shows the new score
    post("A new voice", name="Nia")
    page_cache.forget_versions()
    assert titles(feed_items(client, feed_url))[0].endswith("by Nia")


def test_an_article_names_its_comments_feed_for_feed_readers(client, article):
    html = client.get(article.url).content.decode()
    links = re.findall(
        r'<link rel="alternate" type="application/rss\+xml" title="([^"]*)" href="([^"]+)">', html
    )
    assert (f"Comments on {article.title}", f"{article.url}feed/") in links
    assert ET.fromstring(client.get(f"{article.url}feed/").content).tag == "rss"


@pytest.mark.parametrize("url", ["/comments/feed/", "article"])
def test_a_comments_feed_costs_the_same_queries_however_many_comments_it_lists(
    client, article, post, url, django_assert_max_num_queries
):
    from masthead.publishing import page_cache

    url = f"{article.url}feed/" if url == "article" else url
    post("The first comment")

    def rendered_afresh():
        cache.clear()
        page_cache.forget_versions()
        return client.get(url)

    rendered_afresh()  # warm what every request shares (the site, its settings)
    with django_assert_max_num_queries(20) as small:
        rendered_afresh()
    for number in range(8):
        post(f"Comment number {number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert rendered_afresh().content.count(b"Comment number") == 8
