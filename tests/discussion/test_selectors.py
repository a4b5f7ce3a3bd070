import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from masthead.discussion import selectors
from masthead.discussion.models import (
    Comment,
    CommentStatus,
    DiscussionSettings,
    PassageAnchor,
    SortOrder,
    Subscription,
)
from masthead.discussion.readers import Reader
from masthead.discussion.services import AnchorInput
from masthead.publishing import page_cache
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PER_PAGE = 3


def shown_on_page(article, *, sort, cursor=None) -> list[int]:
    page = selectors.thread_page(article, reader=None, sort=sort, per_page=PER_PAGE, cursor=cursor)
    return [comment.pk for comment in selectors.iter_thread(page.comments)]


@pytest.fixture
def busy_thread(article, post):
    """Eight conversations, some begun at the same moment and some with the same score, each
    but the last with replies (one at the deepest level, attached beside its parent)."""
    start = timezone.now() - timedelta(hours=2)
    moments = [0, 1, 1, 1, 2, 3, 3, 4]  # minutes after start: ties broken by id
    scores = [0, 2, 2, 0, 5, 2, 0, 1]
    comments = []
    for n, (minute, score) in enumerate(zip(moments, scores, strict=True)):
        top = post(f"Top {n}", now=start + timedelta(minutes=minute))
        Comment.objects.filter(pk=top.pk).update(score=score)
        comments.append(top)
        if n < 7:
            reply = post(f"Reply {n}", parent_id=top.pk, now=start + timedelta(minutes=10 + n))
            comments.append(post(f"Answer {n}", parent_id=reply.pk, now=reply.created))
            comments.append(reply)
    return comments


@pytest.mark.parametrize("sort", SortOrder.values)
def test_a_comments_location_opens_the_page_of_the_thread_that_shows_it(article, busy_thread, sort):
    first_page = shown_on_page(article, sort=sort)
    for comment in busy_thread:
        location = urlsplit(selectors.comment_location(comment, sort=sort, per_page=PER_PAGE))
        assert location.path == article.url and location.fragment == f"comment-{comment.pk}"
        if comment.pk in first_page:
            assert location.query == ""  # the plain article address
            continue
        query = parse_qs(location.query)
        assert query["comments_sort"] == [sort]
        shown = shown_on_page(article, sort=sort, cursor=query["comments_after"][0])
        assert comment.pk in shown
        assert shown[0] == (comment.root_id or comment.pk)  # the page begins with its conversation


@pytest.mark.parametrize("sort", SortOrder.values)
def test_a_comments_location_costs_one_query_and_a_replys_one_more(
    article, busy_thread, sort, django_assert_num_queries, monkeypatch
):
    # The content version a process reads at most once a second is read once here, however slow
    # the machine: the count is of what each location costs, not of the clock.
    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", 3600.0)
    # As the comment's link loads them: top-level comments and replies, on the first page and later.
    comments = [selectors.public_comment(comment.pk) for comment in busy_thread]
    replies = [comment for comment in comments if comment.root_id]
    assert article.url  # the site's root paths are cached from here on
    with django_assert_num_queries(len(comments) + len(replies)):
        locations = [
            selectors.comment_location(comment, sort=sort, per_page=PER_PAGE)
            for comment in comments
        ]
    assert any("comments_after" in location for location in locations)
    assert any("comments_after" not in location for location in locations)


def test_a_passages_bubble_counts_every_comment_its_panel_shows(article, post):
    """The comments on the passage and every reply below them, each once; placeholders, held
    comments and what hangs below a comment the panel hides are not counted."""
    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = 3
    options.save()
    spring = AnchorInput(quote="The bridge will open in spring.")
    footpath = AnchorInput(quote="Residents asked for a footpath.")

    first = post("Spring is optimistic.", anchor=spring)
    reply = post("Councils rarely meet their dates.", parent_id=first.pk)
    answer = post("This one has so far.", parent_id=reply.pk)
    post("Has it?", parent_id=answer.pk)  # at the deepest level: beside the answer
    post("And a footpath?", parent_id=first.pk, anchor=footpath)  # on both passages' panels
    second = post("I hope it is on time.", anchor=spring)
    post("Spring, or summer?", parent_id=second.pk, anchor=spring)  # counted once
    removed = post("Rude.", parent_id=second.pk)
    post("Under the removed one.", parent_id=removed.pk)
    spam = post("Cheap watches.", parent_id=second.pk)
    post("Under the spam.", parent_id=spam.pk)
    Comment.objects.filter(pk=removed.pk).update(status="removed")
    Comment.objects.filter(pk=spam.pk).update(status="spam")
    deleted = post("Deleted since.", anchor=spring)
    post("A reply that stays.", parent_id=deleted.pk)
    Comment.objects.filter(pk=deleted.pk).update(deleted=deleted.created)
    held = post("Held.", anchor=spring)
    Comment.objects.filter(pk=held.pk).update(status="pending")
    elsewhere = post("Not about any passage.")
    on_spring = post("Spring is when it rains.", parent_id=elsewhere.pk, anchor=spring)
    post("It does.", parent_id=on_spring.pk)

    counts = {anchor["id"]: anchor["count"] for anchor in selectors.passage_anchors(article)}
    footpath_id = Comment.objects.get(body="And a footpath?").anchor_id
    assert counts == {first.anchor_id: 11, footpath_id: 1}
    for anchor_id, count in counts.items():
        panel = selectors.passage_comments(article, anchor_id=anchor_id, reader=None)
        shown = [c for c in selectors.iter_thread(panel.comments) if not c.is_placeholder]
        assert count == len(shown)


def test_a_passage_whose_comments_are_all_gone_has_no_bubble(article, post):
    removed = post("Rude.", anchor=AnchorInput(quote="The bridge will open in spring."))
    Comment.objects.filter(pk=removed.pk).update(status="removed")
    assert selectors.passage_anchors(article) == []


def test_the_passages_and_their_counts_cost_one_query(article, post, django_assert_num_queries):
    for quote in ("The bridge will open in spring.", "Residents asked for a footpath."):
        top = post("On the passage.", anchor=AnchorInput(quote=quote))
        reply = post("A reply.", parent_id=top.pk)
        post("An answer.", parent_id=reply.pk)
    selectors.passage_anchors(article)  # the article's text is cached from here on
    with django_assert_num_queries(1):
        assert [anchor["count"] for anchor in selectors.passage_anchors(article)] == [3, 3]


def test_an_account_sees_its_own_comments_newest_first_as_the_thread_shows_them_to_it(
    article, post, django_user_model
):

    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    as_rosa = Reader(user=rosa, key=f"u{rosa.pk}", ip_hash="address-9")
    first = post("Published first.", reader=as_rosa)
    held = post("Held for review.", reader=as_rosa)
    filtered = post("Taken for spam.", reader=as_rosa)
    removed = post("Removed by a moderator.", reader=as_rosa)
    deleted = post("Deleted by Rosa.", reader=as_rosa)
    unpublished = make_article(title="Taken down since")
    hidden = post("On an article taken down since.", reader=as_rosa, on=unpublished)
    post("A guest's comment.")
    for comment, changes in (
        (held, {"status": CommentStatus.PENDING}),
        (filtered, {"status": CommentStatus.SPAM}),
        (removed, {"status": CommentStatus.REMOVED}),
        (deleted, {"deleted": timezone.now()}),
    ):
        Comment.objects.filter(pk=comment.pk).update(**changes)
    unpublished.unpublish()

    listed = list(selectors.account_comments(rosa))

    assert [comment.pk for comment in listed] == [filtered.pk, held.pk, first.pk]
    assert hidden.pk not in {comment.pk for comment in listed}
    assert [comment.status in selectors.OWN_UNPUBLISHED for comment in listed] == [
        True,
        True,
        False,
    ]


def test_a_page_of_an_accounts_comments_costs_the_same_queries_however_many_articles(
    article, post, django_user_model, django_assert_num_queries
):

    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    as_rosa = Reader(user=rosa, key=f"u{rosa.pk}", ip_hash="address-9")
    for number in range(4):
        post(f"Comment {number}.", reader=as_rosa, on=make_article(title=f"Story {number}"))
    with django_assert_num_queries(1):
        titles = [comment.article.title for comment in selectors.account_comments(rosa)]
    assert titles == [f"Story {number}" for number in (3, 2, 1, 0)]


def test_an_account_sees_the_discussions_it_follows_one_row_per_article_and_address(
    article, django_user_model
):

    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    now = timezone.now()
    other, stopped, expired = (make_article(title=title) for title in ("Other", "Stopped", "Old"))

    def follow(on, kind, *, email="rosa@example.org", user=rosa, ago=0, **fields):
        subscription = Subscription.objects.create(
            article=on, email=email, kind=kind, user=user, **fields
        )
        Subscription.objects.filter(pk=subscription.pk).update(created=now - timedelta(days=ago))
        return subscription

    follow(article, "all", ago=3, confirmed=now)
    newer = follow(article, "replies", ago=2, confirmed=now)
    awaiting = follow(other, "all", email="rosa.work@example.org", ago=1)
    follow(stopped, "all", confirmed=now, unsubscribed=now)
    follow(expired, "all", ago=30)  # never confirmed, and its link no longer works
    follow(other, "all", email="stranger@example.org", user=None, confirmed=now)

    rows = selectors.account_subscriptions(rosa, now=now)

    assert [(row.article.pk, row.email, row.confirmed) for row in rows] == [
        (other.pk, "rosa.work@example.org", False),
        (article.pk, "rosa@example.org", True),
    ]
    assert rows[0].subscription_id == awaiting.pk
    assert rows[1].subscription_id == newer.pk
    assert rows[1].kind_labels == ["New follow-up comments", "New replies to your comments"]


def test_a_page_shows_the_first_replies_of_a_long_conversation_and_links_to_the_rest(
    client, article, post, monkeypatch
):
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "REPLIES_SHOWN", 3)
    start = timezone.now() - timedelta(hours=1)
    top = post("Where does the bridge money come from?", now=start)
    replies = [
        post(f"Answer number {n}", parent_id=top.pk, now=start + timedelta(minutes=n + 1))
        for n in range(5)
    ]
    page = selectors.thread_page(article, reader=None, replies_shown=conf.REPLIES_SHOWN)
    [shown] = page.comments
    assert [reply.pk for reply in shown.replies] == [reply.pk for reply in replies[:3]]
    assert shown.more_replies == 2

    html = client.get(article.url).content.decode()
    assert "Answer number 2" in html and "Answer number 3" not in html
    link = re.search(r'<p class="comment__more-replies"><a href="([^"]+)">([^<]+)</a>', html)
    assert link.group(2) == "2 more replies: show the whole thread"
    everything = client.get(article.url + unescape(link.group(1)).split("#")[0])
    assert all(f"Answer number {n}" in everything.content.decode() for n in range(5))

    # A link to the fourth answer (from an e-mail, say) opens the whole thread at it.
    location = selectors.comment_location(replies[3], sort=SortOrder.NEWEST, per_page=20)
    assert "?comments=all&comments_sort=newest&comments_after=" in location
    assert location.endswith(f"#comment-{replies[3].pk}")
    assert "Answer number 3" in client.get(location.split("#")[0]).content.decode()
    assert "?" not in selectors.comment_location(replies[2], sort=SortOrder.NEWEST, per_page=20)


@pytest.mark.parametrize("per_conversation", [None, 10])
def test_a_page_of_a_thread_reads_its_conversations_not_every_published_comment_of_the_site(
    article, post, database_vendor, per_conversation
):
    from django.db import connection

    from masthead.discussion.selectors import threads

    if database_vendor != "sqlite":
        pytest.skip("SQLite's plan without statistics; PostgreSQL's planner has its own")
    top = post("Where does the bridge money come from?")
    post("From the harbour fund.", parent_id=top.pk)
    # A page's twenty conversations (the others have no replies yet).
    page = [top.pk, *(post(f"Comment {n}").pk for n in range(19))]
    replies = threads.replies_in(page, reader=None, per_conversation=per_conversation)
    sql, params = replies.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "root_id" in plan and "comment_status_time" not in plan
    assert [reply.body for reply in replies] == ["From the harbour fund."]


def test_the_passage_counts_follow_the_replies_not_every_published_comment_of_the_site(
    article, post, database_vendor
):
    """Each step of the passage counts reads the replies of the comments before it (by parent
    and by whom they answer): by the status index, a passage under a conversation of 1,544
    replies cost 4 s on every cache miss of its article."""
    from django.db import connection

    from masthead.discussion.selectors import passages

    if database_vendor != "sqlite":
        pytest.skip("SQLite's plan without statistics; PostgreSQL's planner has its own")
    top = post("On the passage.", anchor=AnchorInput(quote="The bridge will open in spring."))
    post("A reply.", parent_id=top.pk)
    sql = passages._PASSAGE_COUNTS_SQL.format(
        comment=Comment._meta.db_table, anchor=PassageAnchor._meta.db_table
    )
    params = [article.pk, "published", "removed", "published", "removed", "published"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "comment_status_time" not in plan and "parent_id" in plan
    assert [anchor["count"] for anchor in selectors.passage_anchors(article)] == [2]


def test_an_articles_settings_are_its_own_sites_or_else_the_default_sites(article):
    """Found by the site's id in Wagtail's cached root paths (without reading the Site): the
    discussion and moderation settings of the site an article belongs to, the default site's
    for one outside every site."""
    from wagtail.models import Page, Site

    from masthead.moderation.models import ModerationSettings
    from masthead.moderation.services.assessing import moderation_settings_for
    from masthead.publishing.models import HomePage
    from tests.factories import make_section

    def site_with_home(slug, **site):
        home = Page.get_first_root_node().add_child(instance=HomePage(title=slug, slug=slug))
        return Site.objects.create(root_page=home, **site) if site else home

    other = site_with_home("other", hostname="other.example", port=80)
    on_other = make_article(section=make_section(home=other.root_page.specific))
    outside = make_article(section=make_section(home=site_with_home("nowhere")))
    default = Site.objects.get(is_default_site=True)
    for site, words in ((default, "Tell the Gazette"), (other, "Tell the Other")):
        DiscussionSettings.objects.update_or_create(site=site, defaults={"invitation": words})
        ModerationSettings.objects.update_or_create(
            site=site, defaults={"lexicon_additions": words}
        )

    shown = {
        name: (
            selectors.discussion_settings(page).invitation,
            moderation_settings_for(page).lexicon_additions,
        )
        for name, page in (("default", article), ("other", on_other), ("outside", outside))
    }
    assert shown == {
        "default": ("Tell the Gazette", "Tell the Gazette"),
        "other": ("Tell the Other", "Tell the Other"),
        "outside": ("Tell the Gazette", "Tell the Gazette"),
    }
