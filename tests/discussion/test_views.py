"""The comment section as a reader without JavaScript uses it: plain forms and links."""

import json
import re
from datetime import timedelta
from urllib.parse import quote, unquote

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from masthead.discussion.conf import SORT_COOKIE
from masthead.discussion.forms import form_started_token
from masthead.discussion.models import Comment, CommentStatus, DiscussionSettings
from masthead.discussion.readers import Reader
from masthead.discussion.services import comments as rules
from masthead.discussion.services.votes import OWN_COMMENT
from tests.discussion.conftest import guest

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    """What the page's form sends, its start token from a page shown half a minute before."""
    data = {
        "started": form_started_token(timezone.now() - timedelta(seconds=30)),
        "body": "A considered view.",
        "author_name": "Dana",
        "author_email": "dana@example.com",
        "author_url": "",
        "notify": "",
        "parent_id": "",
        "homepage": "",
    }
    data.update(overrides)
    return data


def test_section_shows_count_invitation_and_form(client, article, post):
    post("Existing comment")
    html = client.get(article.url).content.decode()
    assert "<span data-comment-count>1</span> comment</h2>" in html
    assert 'placeholder="Would love your thoughts, please comment."' in html
    assert 'name="author_email"' in html
    assert "Existing comment" in html


def small_pages(article, size=3):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = size
    options.save()


def test_a_comment_link_opens_the_page_of_the_thread_that_shows_it(client, article, post):
    small_pages(article)
    old = post("The first word on this")
    reply = post("A late answer to the first word", parent_id=old.pk)
    for n in range(5):
        post(f"Newer comment {n}")
    response = client.get(f"/comments/comment/{reply.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{reply.pk}")
    assert "comments_after=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert f'id="comment-{reply.pk}"' in page and "A late answer to the first word" in page
    assert "Back to the first comments" in page
    newest = Comment.objects.filter(body="Newer comment 4").get()
    on_first_page = client.get(f"/comments/comment/{newest.pk}/")
    assert on_first_page["Location"] == f"{article.url}#comment-{newest.pk}"


def test_a_comment_link_follows_the_readers_order(client, article, post):
    small_pages(article)
    comments = [post(f"Comment {n}") for n in range(6)]
    client.cookies[SORT_COOKIE] = "oldest"
    first = client.get(f"/comments/comment/{comments[0].pk}/")
    assert first["Location"] == f"{article.url}#comment-{comments[0].pk}"
    last = client.get(f"/comments/comment/{comments[-1].pk}/")
    assert "comments_sort=oldest" in last["Location"]
    assert f'id="comment-{comments[-1].pk}"' in client.get(last["Location"]).content.decode()


def test_a_link_to_a_comment_readers_may_not_see_answers_as_a_missing_one_does(
    client, article, post, django_user_model
):
    """A held, spam, removed or deleted comment's link led to its article: whoever tried ids
    learnt which ones moderation holds back, and where. Its author is still led to their own
    comment awaiting moderation, which their thread shows them."""
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")
    own = Reader(user=rosa, key=f"u{rosa.pk}", ip_hash="address-9")
    shown = post("Published and shown")
    missing = client.get(f"/comments/comment/{shown.pk + 1000}/")
    assert missing.status_code == 404
    authors = Client()
    authors.force_login(rosa)
    for status in ("pending", "spam", "removed", "deleted"):
        comment = post(f"Mine, now {status}", reader=own)
        if status == "deleted":
            Comment.objects.filter(pk=comment.pk).update(deleted=timezone.now())
        else:
            Comment.objects.filter(pk=comment.pk).update(status=status)
        link = f"/comments/comment/{comment.pk}/"
        answer = client.get(link)
        assert (answer.status_code, answer.get("Location")) == (404, None), status
        assert "We couldn’t find that page" in answer.content.decode()
        to_author = authors.get(link)
        if status in ("pending", "spam"):  # "awaiting moderation", as the thread shows it them
            assert to_author.status_code == 302, status
            assert to_author["Location"].endswith(f"#comment-{comment.pk}")
            assert f'id="comment-{comment.pk}"' in authors.get(to_author["Location"]).text
        else:
            assert to_author.status_code == 404, status
    assert client.get(f"/comments/comment/{shown.pk}/")["Location"].endswith(f"#comment-{shown.pk}")
    article.unpublish()
    assert client.get(f"/comments/comment/{shown.pk}/").status_code == 404


def test_posting_without_javascript_lands_where_the_new_comment_shows(client, article, post):
    small_pages(article)
    for n in range(5):
        post(f"Earlier comment {n}")
    client.cookies[SORT_COOKIE] = "oldest"
    response = client.post(f"/comments/{article.pk}/post/", form_data(body="Mine, the newest"))
    mine = Comment.objects.get(body="Mine, the newest")
    assert "comments_after=" in response["Location"]
    assert f'id="comment-{mine.pk}"' in client.get(response["Location"]).content.decode()


def test_invitation_is_a_site_setting(client, article):
    options = DiscussionSettings.for_site(article.get_site())
    options.invitation = "Tell us what you think."
    options.save()
    assert 'placeholder="Tell us what you think."' in client.get(article.url).content.decode()


def test_post_redirect_get_lands_on_the_new_comment(client, article):
    response = client.post(f"/comments/{article.pk}/post/", form_data())
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comment-{comment.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="comment-{comment.pk}"' in page and "A considered view." in page


def test_errors_come_back_with_the_readers_text_kept(client, article):
    response = client.post(
        f"/comments/{article.pk}/post/",
        form_data(author_email="", body="My carefully written words"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert rules.EMAIL_MISSING in html
    assert "My carefully written words</textarea>" in html
    assert 'value="Dana"' in html
    assert Comment.objects.count() == 0
    # the page says so in its title, the error summary takes the focus, and the field to correct
    # is linked to its error
    assert "<title>Error: " in html
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>", html).group(0)
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    email_field = re.search(r'<input[^>]*name="author_email"[^>]*>', html).group(0)
    assert 'aria-describedby="id_author_email_error"' in email_field
    assert 'id="id_author_email_error"' in html


def test_reply_without_javascript(client, article, post):
    parent = post("Parent comment", name="Pat")
    page = client.get(f"{article.url}?reply_to={parent.pk}").content.decode()
    assert (
        f'name="parent_id" value="{parent.pk}"' in page
        and 'Replying to <strong dir="auto" data-replying-name>Pat' in page
    )
    # a screen reader focusing the box hears which comment it answers
    box = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'aria-describedby="comment-form-replying"' in box
    assert 'id="comment-form-replying"' in page
    client.post(f"/comments/{article.pk}/post/", form_data(parent_id=str(parent.pk), body="Child"))
    child = Comment.objects.get(body="Child")
    assert child.parent_id == parent.pk


def test_a_refused_reply_keeps_its_box_described_by_the_reply_and_the_error(client, article, post):
    parent = post("Parent comment", name="Pat")
    response = client.post(
        f"/comments/{article.pk}/post/", form_data(parent_id=str(parent.pk), body="")
    )
    html = response.content.decode()
    assert response.status_code == 400
    box = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'aria-describedby="comment-form-replying id_body_error"' in box
    assert 'id="id_body_error"' in html


def test_a_refused_reply_links_back_to_the_article_not_to_the_address_it_was_posted_to(
    client, article, post
):
    """The page with the errors is the answer to /comments/<id>/post/, which takes POSTs only:
    its "Cancel reply", "Sign in" and "create one" links named that address (a 405)."""
    parent = post("Parent comment", name="Pat")
    response = client.post(
        f"/comments/{article.pk}/post/", form_data(parent_id=str(parent.pk), body="")
    )
    page = BeautifulSoup(response.content, "html.parser")
    cancel = page.select_one("[data-cancel-reply]")["href"]
    sign_in, sign_up = (link["href"] for link in page.select(".comment-form__signin a"))
    assert cancel == f"{article.url}#comment-form"
    assert sign_in.endswith(f"?next={quote(article.url, safe='/')}%23comment-form")
    assert sign_up.endswith(f"?next={quote(article.url, safe='/')}%23comment-form")
    assert client.get(cancel.split("#")[0]).status_code == 200


def test_a_top_level_comment_box_is_not_described_as_a_reply(client, article):
    box = re.search(r"<textarea[^>]*>", client.get(article.url).content.decode()).group(0)
    assert "comment-form-replying" not in box


def test_vote_without_javascript(client, article, post):
    comment = post("Vote me")
    response = client.post(f"/comments/comment/{comment.pk}/vote/", {"value": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.up == 1
    page = client.get(article.url).content.decode()
    assert 'aria-pressed="true"' in page  # the reader sees their vote


def test_sort_choice_is_remembered(client, article, post):
    post("Older")
    post("Newer")
    response = client.get(f"/comments/{article.pk}/sort/?sort=oldest")
    assert response.status_code == 302
    html = client.get(article.url).content.decode()
    assert html.index("Older") < html.index("Newer")
    assert 'data-sort-choice="oldest" aria-current="true"' in html


def test_load_more_link_and_view_all_without_javascript(client, article, post):
    for n in range(23):
        post(f"Number {n:02d}")
    first = client.get(article.url).content.decode()
    assert first.count('class="comment"') + first.count('class="comment ') == 20
    link = (
        first.split('data-load-more\n         href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    )
    second = client.get(article.url + link).content.decode()
    numbers = [f"Number {n:02d}" for n in range(3)]
    assert all(number in second for number in numbers)
    assert "Number 22" not in second
    everything = client.get(article.url + "?comments=all").content.decode()
    assert all(f"Number {n:02d}" in everything for n in range(23))


def import_thread(article, shape, *, start=None):
    """Comments written through the importer (no moderation: quick for long threads). `shape`
    lists each comment's parent as an index into the list so far, or None for a top-level one."""
    from django.utils import timezone

    from masthead.discussion.services.importing import ImportItem, comments_import

    start = start or timezone.now() - timedelta(days=1)
    items = [
        ImportItem(
            n + 1,
            str(n + 1),
            None if parent is None else str(parent + 1),
            f"Reader {n}",
            "",
            start + timedelta(seconds=n),
            f"Comment number {n}.",
            0,
        )
        for n, parent in enumerate(shape)
    ]
    comments_import(article=article, items=items)
    return {c.import_id: c for c in Comment.objects.filter(article=article)}


def whole_thread_pages(client, url):
    """The pages of the whole thread, following "Next page of all comments" from `url`: for
    each, the ids of the comments shown and the page's HTML."""
    pages = []
    while url:
        html = client.get(url).content.decode()
        pages.append(([int(pk) for pk in re.findall(r'data-comment-id="(\d+)"', html)], html))
        found = re.search(r'rel="next"\s+href="([^"]+)"', html)
        url = (
            url.split("?")[0] + found.group(1).replace("&amp;", "&").split("#")[0] if found else ""
        )
    return pages


@pytest.mark.parametrize("sort", ["newest", "oldest", "most_voted"])
def test_view_all_shows_the_whole_thread_in_pages_of_bounded_size(
    client, article, monkeypatch, sort
):
    from masthead.discussion import conf, selectors

    monkeypatch.setattr(conf, "VIEW_ALL_PAGE_COMMENTS", 6)
    # Three short conversations, one of 13 replies (a chain and branches), two more short ones.
    shape = [None, 0, None, 2, 3, None]
    long_root = len(shape)
    shape += [None, long_root, long_root + 1, long_root + 2, long_root + 1, long_root]
    shape += [long_root + 3, long_root + 4, long_root + 6, long_root + 7, long_root + 8]
    shape += [long_root + 9, long_root + 10, long_root]
    shape += [None, len(shape), None]
    comments = import_thread(article, shape)
    pages = whole_thread_pages(client, article.url + f"?comments=all&comments_sort={sort}")

    shown = [pk for ids, _ in pages for pk in ids]
    assert sorted(set(shown)) == sorted(c.pk for c in comments.values())
    assert all(len(ids) <= 6 for ids, _ in pages)
    long_conversation = comments[str(long_root + 1)]
    repeated = {pk for pk in shown if shown.count(pk) > 1}
    assert repeated == {long_conversation.pk}  # at the top of each page it goes on over
    # A reply whose comment is on an earlier page says whom it answers.
    continued = [html for ids, html in pages if ids[0] == long_conversation.pk][1]
    assert "in reply to" in continued

    # A link to the conversation's last reply (from an e-mail) opens a page that shows it.
    last = comments[str(len(shape) - 3)]
    location = selectors.comment_location(last, sort=sort, per_page=20)
    assert "comments=all" in location
    assert f'id="comment-{last.pk}"' in client.get(location.split("#")[0]).content.decode()


def test_sorting_in_view_all_keeps_the_reader_in_the_whole_thread_in_the_new_order(
    client, article, post
):
    """A reader of the whole thread ("view all") who picks another order sees the whole thread
    again, from its first comment, in that order: not the article's first page of comments."""
    small_pages(article, size=2)
    for n in range(5):
        post(f"Number {n:02d}")
    page = client.get(article.url + "?comments=all&comments_sort=newest").content.decode()
    link = re.search(r'href="([^"]+)" data-sort-choice="oldest"', page).group(1)

    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 302
    assert response.cookies[SORT_COOKIE].value == "oldest"
    html = client.get(response["Location"].split("#")[0]).content.decode()
    shown = re.findall(r"Number \d\d", html)
    assert shown == [f"Number {n:02d}" for n in range(5)]  # all of them, the oldest first
    assert 'data-sort-choice="oldest" aria-current="true"' in html
    assert "View all comments" not in html and "Load more comments" not in html


def voted(comment, by: int, *, value=1):
    """`by` readers (each a guest on an address of their own) vote `value` on `comment`."""
    from masthead.discussion.services.votes import vote_cast

    for n in range(by):
        reader = Reader(user=None, key=f"g-voter-{comment.pk}-{value}-{n}", ip_hash=f"v-{n}")
        comment = vote_cast(comment=comment, reader=reader, value=value)
    return comment


def next_page_link(html):
    found = re.search(r'(?:rel="next"|data-load-more)\s+href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&").split("#")[0] if found else None


@pytest.mark.parametrize("view_all", [True, False])
def test_most_voted_pages_keep_the_order_the_reader_started_with_while_votes_come_in(
    client, article, monkeypatch, view_all
):
    """Votes between two pages move comments in the most voted order: a reader paging on sees
    every comment once, in the order of the moment they opened the first page (and each with
    its score of now), neither one they have read again nor none of those voted past them."""
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "VIEW_ALL_PAGE_COMMENTS", 3)
    small_pages(article, size=3)
    shape = [None] * 6
    comments = import_thread(article, shape)
    for key, votes in zip("123456", (10, 8, 6, 4, 2, 0), strict=True):
        Comment.objects.filter(pk=comments[key].pk).update(imported_score=votes, score=votes)
    a, b, c, d, e, f = (Comment.objects.get(pk=comments[key].pk) for key in "123456")
    start = article.url + ("?comments=all&comments_sort=most_voted" if view_all else "")
    client.cookies[SORT_COOKIE] = "most_voted"

    first = client.get(start).content.decode()
    assert re.findall(r'data-comment-id="(\d+)"', first) == [str(x.pk) for x in (a, b, c)]
    voted(d, 5)  # 4 -> 9: now ahead of b, which the reader has read
    voted(b, 3, value=-1)  # 8 -> 5: now behind c, where the reader goes on
    second = client.get(article.url + next_page_link(first)).content.decode()

    assert re.findall(r'data-comment-id="(\d+)"', second) == [str(x.pk) for x in (d, e, f)]
    assert next_page_link(second) is None
    assert "9 points" in second  # d, with its score of now


def test_the_scripts_next_page_of_most_voted_keeps_its_order_in_the_same_queries_however_long(
    client, article, django_assert_max_num_queries
):
    """ "Load more" with JavaScript: the thread endpoint says the moment of the scores a page was
    ranked by (X-Votes-At), the next page keeps that order, and costs the same queries on a
    thread of hundreds of comments as on one of a few (and is stored by the page cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small_pages(article, size=2)
    comments = import_thread(article, [None] * 4)
    scores = dict(zip("1234", (6, 4, 2, 0), strict=True))
    for key, votes in scores.items():
        Comment.objects.filter(pk=comments[key].pk).update(imported_score=votes, score=votes)
    thread = f"/comments/{article.pk}/"
    first = client.get(thread, {"sort": "most_voted"})
    assert first["X-Votes-At"] == "0"
    voted(Comment.objects.get(pk=comments["3"].pk), 3)  # 2 -> 5: ahead of the second now
    more = {
        "sort": "most_voted",
        "after": first["X-Next-Cursor"],
        "snapshot": first["X-Snapshot"],
        "votes_at": first["X-Votes-At"],
    }

    def measured():
        from django.core.cache import cache

        from masthead.publishing import page_cache

        cache.clear()
        page_cache.forget_versions()
        return client.get(thread, more)

    with CaptureQueriesContext(connection) as small:
        second = measured()
    shown = re.findall(r'data-comment-id="(\d+)"', second.content.decode())
    assert shown == [str(comments["3"].pk), str(comments["4"].pk)]
    assert second["X-Next-Cursor"] == ""

    older = Comment.objects.order_by("created").first().created - timedelta(days=1)
    import_thread(article, [None] * 300, start=older)  # a long thread, behind in time and votes
    with django_assert_max_num_queries(len(small)):
        second = measured()
    shown = re.findall(r'data-comment-id="(\d+)"', second.content.decode())
    assert shown[:2] == [str(comments["3"].pk), str(comments["4"].pk)]
    from masthead.discussion import selectors

    place = {"cursor": more["after"], "snapshot": int(more["snapshot"]), "votes_at": 0}
    assert selectors.is_linked_thread_place(article.pk, sort="most_voted", **place)
    forged = place | {"cursor": "9" + place["cursor"]}  # a score the comment never had
    assert not selectors.is_linked_thread_place(article.pk, sort="most_voted", **forged)


@pytest.mark.parametrize("gone", ["deleted", "removed"])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_page_of_a_long_conversation_is_full_while_more_replies_follow(
    client, article, monkeypatch, sort, gone
):
    """Replies deleted or removed with nothing below them show nowhere: they take no room on
    a page of the whole thread (which stopped short, with more to come) nor among the replies
    a page of the thread shows below a comment."""
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "VIEW_ALL_PAGE_COMMENTS", 6)
    monkeypatch.setattr(conf, "REPLIES_SHOWN", 3)
    comments = import_thread(article, [None] + [0] * 14)
    for key in ("3", "4"):  # the second and third replies
        comment = comments[key]
        if gone == "deleted":
            comment.deleted = timezone.now()
        else:
            comment.status = CommentStatus.REMOVED
        comment.save()

    pages = whole_thread_pages(client, article.url + f"?comments=all&comments_sort={sort}")
    assert [len(ids) for ids, _ in pages] == [6, 6, 3]  # 12 replies shown below the root
    shown = {pk for ids, _ in pages for pk in ids}
    assert shown == {c.pk for key, c in comments.items() if key not in ("3", "4")}

    html = client.get(article.url).content.decode()
    first_replies = [comments[key].pk for key in ("2", "5", "6")]
    assert all(f'id="comment-{pk}"' in html for pk in first_replies)
    assert "9 more replies" in html


def test_view_all_of_a_long_thread_is_a_page_of_it_in_the_same_queries(
    client, article, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discussion import conf

    monkeypatch.setattr(conf, "VIEW_ALL_PAGE_COMMENTS", 50)
    url = article.url + "?comments=all&comments_sort=oldest"
    import_thread(article, [None, 0, 1, None, 3])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    small_count = len(small)  # before the next request resets the log
    # 600 more comments: conversations of 1 to 40 replies, in chains and branches.
    shape, n = [], 5
    while len(shape) < 600:
        root = n + len(shape)
        shape.append(None)
        for k in range(len(shape) % 40):
            shape.append(root + (k // 2))
    import_thread(article, shape, start=Comment.objects.latest("created").created)
    with django_assert_max_num_queries(small_count):
        html = client.get(url).content.decode()
    assert len(re.findall(r'data-comment-id="', html)) <= 50
    assert "Next page of all comments" in html


def test_thread_fragment_for_load_more(client, article, post):
    for n in range(22):
        post(f"Item {n}")
    first = client.get(f"/comments/{article.pk}/?sort=oldest")
    cursor, snapshot = first["X-Next-Cursor"], first["X-Snapshot"]
    post("Arrives in between")
    second = client.get(
        f"/comments/{article.pk}/", {"sort": "oldest", "after": cursor, "snapshot": snapshot}
    )
    html = second.content.decode()
    assert (
        "Item 20" in html
        and "Item 21" in html
        and "Item 19" not in html
        and "Arrives in between" not in html
    )
    assert second["X-Next-Cursor"] == ""


def test_updates_endpoint_answers_304_while_nothing_changes(client, article, post):
    comment = post("First")
    first = client.get(f"/comments/{article.pk}/updates/", {"since": comment.pk})
    assert first.json() == {"count": 1, "latest_id": comment.pk, "new": 0}
    again = client.get(
        f"/comments/{article.pk}/updates/", {"since": comment.pk}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    post("Second")
    changed = client.get(
        f"/comments/{article.pk}/updates/", {"since": comment.pk}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200 and changed.json()["new"] == 1


def test_updates_of_an_unpublished_or_private_article_are_not_found(client, article, post):
    from wagtail.models import PageViewRestriction

    post("First")
    assert client.get(f"/comments/{article.pk}/updates/").status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    assert client.get(f"/comments/{article.pk}/updates/").status_code == 404
    restriction.delete()
    assert client.get(f"/comments/{article.pk}/updates/").status_code == 200
    article.unpublish()
    assert client.get(f"/comments/{article.pk}/updates/").status_code == 404


def test_every_comment_shows_one_score_however_it_came_and_in_a_points_own_words(
    client, article, post
):
    """Imported comments have only the net score they had elsewhere: counts of up and down votes
    would not add up to it, so no comment shows them, and all read alike."""
    imported = post("Said on the old site")
    Comment.objects.filter(pk=imported.pk).update(imported_score=8, score=8)
    untouched, liked, disliked, disputed = (post(f"Said here {n}") for n in range(4))
    voted(liked, 1)
    voted(disliked, 1, value=-1)
    voted(voted(disputed, 1), 3, value=-1)
    page = soup_of(client.get(article.url))

    def vote_form_of(comment):
        return page.find(id=f"comment-{comment.pk}").find("form", class_="comment__vote")

    shown = {
        comment.pk: " ".join(vote_form_of(comment).get_text(" ", strip=True).split())
        for comment in (imported, untouched, liked, disliked, disputed)
    }
    assert shown == {
        imported.pk: "▲ Vote up ▼ Vote down 8 points : up votes minus down votes, plus 8 from "
        "before the comments moved here",
        untouched.pk: "▲ Vote up ▼ Vote down 0 points : up votes minus down votes",
        liked.pk: "▲ Vote up ▼ Vote down 1 point : up votes minus down votes",
        disliked.pk: "▲ Vote up ▼ Vote down \u22121 point : up votes minus down votes",
        disputed.pk: "▲ Vote up ▼ Vote down \u22122 points : up votes minus down votes",
    }


def test_edit_and_delete_pages_for_the_author_only(client, article):
    client.post(f"/comments/{article.pk}/post/", form_data(body="Draft words"))
    comment = Comment.objects.get()
    assert client.get(f"/comments/comment/{comment.pk}/edit/").status_code == 200
    client.post(f"/comments/comment/{comment.pk}/edit/", {"body": "Better words"})
    comment.refresh_from_db()
    assert comment.body == "Better words" and comment.edited
    assert "edited" in client.get(article.url).content.decode()
    stranger = Client()
    assert (
        stranger.post(f"/comments/comment/{comment.pk}/edit/", {"body": "Vandal"}).status_code
        == 403
    )
    assert stranger.post(f"/comments/comment/{comment.pk}/delete/").status_code == 403
    client.post(f"/comments/comment/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.deleted


def test_notify_choice_on_the_form_starts_a_subscription(
    client, article, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comments/{article.pk}/post/", form_data(notify="replies"), follow=True
        )
    assert [m.subject for m in mailoutbox] == [
        "Please confirm: notifications for “Harbour council votes on the new bridge”"
    ]
    address = mailoutbox[0].to[0]
    # the reader is told to look for the link, without JavaScript and with it
    assert f"confirm with the link we sent to {address}" in response.content.decode()
    with_script = client.post(
        f"/comments/{article.pk}/post/",
        form_data(notify="all", body="Another thought"),
        HTTP_ACCEPT="application/json",
    )
    assert with_script.json()["notice"].startswith("To receive notifications, confirm")


def test_the_forms_notify_answer_does_not_tell_whether_an_address_follows_already(
    article, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from masthead.discussion.models import Subscription

    Subscription.objects.create(
        article=article, email="followed@example.org", kind="all", confirmed=timezone.now()
    )
    notices = []
    for email in ("followed@example.org", "new@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            answer = Client().post(
                f"/comments/{article.pk}/post/",
                form_data(notify="all", author_email=email, body=f"Thoughts from {email}"),
                HTTP_ACCEPT="application/json",
            )
        notices.append(answer.json()["notice"].replace(email, "ADDRESS"))
    assert notices[0] == notices[1]


def test_a_comment_marked_spam_sends_no_mail_to_the_address_it_typed_and_says_so_to_nobody(
    article, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.discussion.models import Subscription

    answers = {}
    for kind, extra in (
        ("held", {"body": "Buy cheap http://a.example http://b.example http://c.example"}),
        ("spam", {"homepage": "http://bot.example"}),  # the field only bots fill in
    ):
        email = f"stranger-{kind}@example.org"
        with django_capture_on_commit_callbacks(execute=True):
            answer = Client().post(
                f"/comments/{article.pk}/post/",
                form_data(notify="all", author_email=email, **extra),
                HTTP_ACCEPT="application/json",
            )
        assert answer.status_code == 201
        answers[kind] = {
            "status": answer.json()["status"],
            "notice": answer.json()["notice"].replace(email, "ADDRESS"),
        }
    assert list(Comment.objects.order_by("pk").values_list("status", flat=True)) == [
        "pending",
        "spam",
    ]
    assert answers["spam"] == answers["held"] and answers["spam"]["status"] == "pending"
    assert [m.to for m in mailoutbox] == [["stranger-held@example.org"]]
    assert list(Subscription.objects.values_list("email", flat=True)) == [
        "stranger-held@example.org"
    ]


def test_json_answer_for_the_page_script(client, article):
    response = client.post(
        f"/comments/{article.pk}/post/", form_data(), HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert response.status_code == 201 and data["status"] == "published"
    assert f'id="comment-{data["id"]}"' in data["html"]
    error = client.post(
        f"/comments/{article.pk}/post/", form_data(body=""), HTTP_ACCEPT="application/json"
    )
    assert error.status_code == 400 and error.json()["detail"] == rules.BODY_EMPTY
    # Every problem, as the form without the script shows them, not one more after each try.
    errors = client.post(
        f"/comments/{article.pk}/post/",
        form_data(author_email="not-an-email", author_url="javascript:alert(1)"),
        HTTP_ACCEPT="application/json",
    ).json()
    assert errors["errors"] == [
        {"detail": rules.EMAIL_INVALID, "field": "author_email"},
        {"detail": rules.URL_INVALID, "field": "author_url"},
    ]
    assert (errors["detail"], errors["field"]) == (rules.EMAIL_INVALID, "author_email")


def test_closed_article_shows_no_form(client, article):
    article.comments_open = False
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "Comments are closed on this article." in html and 'id="comment-form"' not in html


def test_page_view_costs_a_fixed_number_of_queries(client, article, post):
    from masthead.discussion.services import AnchorInput
    from masthead.publishing import page_cache

    def grow(count):
        for n in range(count):
            # every other conversation on a passage: its bubble counts the replies too
            passage = AnchorInput(quote="The bridge will open in spring.") if n % 2 else None
            top = post(f"Top {n}", reader=guest(ip_hash=f"a{n}"), anchor=passage)
            reply = post(f"Reply {n}", parent_id=top.pk, reader=guest(ip_hash=f"b{n}"))
            post(f"Reply to reply {n}", parent_id=reply.pk, reader=guest(ip_hash=f"c{n}"))

    def queries(url) -> list[str]:
        """The page's queries rendered afresh: no cached fragment or answer in either
        measurement, and the content version's read left out (memoised for a second, a slow
        render under load may read it twice)."""
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        page_cache.forget_versions()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured if "publishing_contentversion" not in q["sql"]]

    grow(5)
    client.get(article.url)
    small = queries(article.url + "?comments_sort=oldest")
    assert len(small) <= 40
    grow(40)
    assert len(queries(article.url + "?comments_sort=most_voted")) <= len(small)


def test_inline_feedback_anchors_are_on_the_page(client, article):
    client.post(
        f"/comments/{article.pk}/post/", form_data(anchor_quote="The bridge will open in spring.")
    )
    html = client.get(article.url).content.decode()
    anchors = json.loads(
        html.split('<script id="comment-anchors" type="application/json">', 1)[1].split(
            "</script>", 1
        )[0]
    )
    assert anchors[0]["quote"] == "The bridge will open in spring." and anchors[0]["count"] == 1
    assert "On the passage" in html


def conversations(html) -> list:
    """The comments of a list of list items as a tree: [(id, [replies...]), ...]."""
    from bs4 import BeautifulSoup

    def tree(items):
        return [
            (int(item["data-comment-id"]), tree(item.select(":scope > ol > li"))) for item in items
        ]

    return tree(BeautifulSoup(html, "html.parser").find_all("li", recursive=False))


def conversation_html(html, comment_id) -> str:
    """A comment's list item, its replies included (CSRF tokens, masked afresh each time, left out)."""
    from bs4 import BeautifulSoup

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    item = BeautifulSoup(html, "html.parser").find(id=f"comment-{comment_id}")
    assert item is not None, f"comment {comment_id} is not shown"
    return str(item)


def test_the_passage_panel_shows_each_conversation_on_the_passage_as_the_thread_does(
    client, article, post
):
    from masthead.discussion.services import AnchorInput

    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = 3
    options.save()
    spring = AnchorInput(quote="The bridge will open in spring.")
    first = post("Spring is optimistic.", anchor=spring)
    reply = post("Councils rarely meet their dates.", parent_id=first.pk)
    answer = post("This one has so far.", parent_id=reply.pk)
    deepest = post("Has it?", parent_id=answer.pk)  # at the deepest level: beside the answer
    second = post("I hope it is on time.", anchor=spring)
    also_on_spring = post("Spring, or summer?", parent_id=second.pk, anchor=spring)
    gone = post("Hmm.", parent_id=second.pk)
    Comment.objects.filter(pk=gone.pk).update(status="removed")
    post("A footpath, please.", anchor=AnchorInput(quote="Residents asked for a footpath."))
    post("Not about any passage.")

    panel = client.get(f"/comments/{article.pk}/?anchor={first.anchor_id}").content.decode()
    assert conversations(panel) == [
        (second.pk, [(also_on_spring.pk, [])]),  # once, in its conversation
        (first.pk, [(reply.pk, [(answer.pk, []), (deepest.pk, [])])]),
    ]
    assert f'in reply to <a href="#comment-{answer.pk}"><bdi>Alex</bdi></a>' in panel

    # Each conversation is the very markup the thread shows for it, replies and all.
    thread = client.get(f"/comments/{article.pk}/").content.decode()
    for comment in (first, second):
        assert conversation_html(panel, comment.pk) == conversation_html(thread, comment.pk)


def test_the_passage_panel_keeps_a_comment_deleted_for_its_replies_and_the_readers_own(
    client, article, post
):
    from masthead.discussion.services import AnchorInput

    spring = AnchorInput(quote="The bridge will open in spring.")
    deleted = post("Spring is optimistic.", anchor=spring)
    reply = post("Councils rarely meet their dates.", parent_id=deleted.pk)
    Comment.objects.filter(pk=deleted.pk).update(deleted=deleted.created)
    client.post(
        f"/comments/{article.pk}/post/",
        form_data(body="Buy cheap watches at example.com", parent_id=reply.pk),
    )
    held = Comment.objects.latest("pk")
    Comment.objects.filter(pk=held.pk).update(status="pending")

    panel = client.get(f"/comments/{article.pk}/?anchor={deleted.anchor_id}").content.decode()
    assert conversations(panel) == [(deleted.pk, [(reply.pk, [(held.pk, [])])])]
    assert "Comment deleted" in panel and "Awaiting moderation" in panel
    stranger = Client().get(f"/comments/{article.pk}/?anchor={deleted.anchor_id}")
    assert conversations(stranger.content.decode()) == [(deleted.pk, [(reply.pk, [])])]


def in_reply_label(html, comment_id) -> str | None:
    """What a comment's header says about the comment it answers, if anything."""
    from bs4 import BeautifulSoup

    item = BeautifulSoup(html, "html.parser").find(id=f"comment-{comment_id}")
    label = item.select_one(":scope > .comment__card .comment__in-reply")
    return None if label is None else f"{label.get_text()} -> {label.a['href']}"


def test_the_passage_panel_says_whom_a_reply_on_the_passage_answers(client, article, post):
    from masthead.discussion.services import AnchorInput

    spring = AnchorInput(quote="The bridge will open in spring.")
    elsewhere = post("The vote was close.", name="Ola")
    on_spring = post("Spring, then.", parent_id=elsewhere.pk, anchor=spring, name="Ben")
    answer = post("Yes.", parent_id=on_spring.pk, name="Cy")
    top = post("Why spring?", anchor=spring, name="Dee")
    panel_url = f"/comments/{article.pk}/?anchor={top.anchor_id}"

    panel = client.get(panel_url).content.decode()
    assert conversations(panel) == [(top.pk, []), (on_spring.pk, [(answer.pk, [])])]
    assert in_reply_label(panel, on_spring.pk) == f"in reply to Ola -> #comment-{elsewhere.pk}"
    assert in_reply_label(panel, top.pk) is None
    assert in_reply_label(panel, answer.pk) is None  # under the comment it answers

    # The thread (all there is without JavaScript) shows the reply under the comment it answers.
    page = client.get(article.url).content.decode()
    assert conversations(conversation_html(page, elsewhere.pk)) == [
        (elsewhere.pk, [(on_spring.pk, [(answer.pk, [])])])
    ]
    assert "comment__in-reply" not in page

    # A comment no longer shown keeps its author's name to itself, as the thread's placeholder does.
    for change, label in [
        ({"deleted": elsewhere.created}, "in reply to a deleted comment"),
        ({"status": "removed"}, "in reply to a removed comment"),
        ({"status": "spam"}, "in reply to a comment"),
    ]:
        Comment.objects.filter(pk=elsewhere.pk).update(
            **{"deleted": None, "status": "published"} | change
        )
        rules.thread_changed(article.pk, recount=True)  # as deleting and moderating do
        panel = client.get(panel_url).content.decode()
        assert in_reply_label(panel, on_spring.pk) == f"{label} -> #comment-{elsewhere.pk}"


def test_a_reply_at_the_deepest_level_names_only_a_comment_readers_can_see(client, article, post):
    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = 2
    options.save()
    first = post("The vote was close.")
    answered = post("Closer than it looked.", parent_id=first.pk, name="Ola")
    beside = post("Seven to two is not close.", parent_id=answered.pk, name="Ben")
    assert beside.replied_to_id == answered.pk
    thread_url = f"/comments/{article.pk}/"
    label = in_reply_label(client.get(thread_url).content.decode(), beside.pk)
    assert label == f"in reply to Ola -> #comment-{answered.pk}"

    for change, shown in [
        ({"deleted": answered.created}, "in reply to a deleted comment"),
        ({"status": "removed"}, "in reply to a removed comment"),
        ({"status": "pending"}, "in reply to a comment"),
    ]:
        Comment.objects.filter(pk=answered.pk).update(
            **{"deleted": None, "status": "published"} | change
        )
        rules.thread_changed(article.pk, recount=True)  # as deleting and moderating do
        label = in_reply_label(Client().get(thread_url).content.decode(), beside.pk)
        assert label == f"{shown} -> #comment-{answered.pk}"


@pytest.mark.parametrize("who", ["stranger", "commenter"])
def test_the_passage_panel_costs_the_same_queries_however_long_its_conversations(
    client, article, post, who, django_assert_max_num_queries
):
    from masthead.discussion.services import AnchorInput

    spring = AnchorInput(quote="The bridge will open in spring.")
    if who == "commenter":  # their votes and their own comments are looked up too
        client.post(f"/comments/{article.pk}/post/", form_data(anchor_quote=spring.quote))

    def grow(count):
        for n in range(count):
            top = post(f"On spring {n}", anchor=spring, reader=guest(ip_hash=f"a{n}"))
            reply = post(f"Reply {n}", parent_id=top.pk, reader=guest(ip_hash=f"b{n}"))
            post(f"Answer {n}", parent_id=reply.pk, reader=guest(ip_hash=f"c{n}"))
            if who == "commenter":
                client.post(f"/comments/comment/{reply.pk}/vote/", {"value": "1"})

    def measured(address):
        from django.core.cache import cache

        from masthead.publishing import page_cache

        cache.clear()
        page_cache.forget_versions()
        return client.get(address)

    grow(1)
    url = f"/comments/{article.pk}/?anchor={Comment.objects.latest('pk').root.anchor_id}"
    measured(url)
    with django_assert_max_num_queries(30) as small:
        measured(url)
    baseline = len(small.captured_queries)
    grow(12)
    with django_assert_max_num_queries(baseline):
        html = measured(url).content.decode()
    assert html.count('class="comment"') == 39 + (who == "commenter")


@pytest.mark.parametrize("sort", ["newest", "oldest", "most_voted"])
def test_a_page_of_comments_reads_an_index_in_sort_order_instead_of_sorting_the_thread(
    article, post, sort
):
    """The page's top-level comments come from an index walked in sort order, stopping after the
    page: the cost of a page does not grow with the thread (SQLite's own query plan)."""
    from django.db import connection

    from masthead.discussion import selectors

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan; PostgreSQL plans by table statistics")
    for n in range(3):
        post(f"Comment {n}", reader=guest(ip_hash=f"x{n}"))
    for reader in (None, guest()):  # an anonymous page, and a reader who sees their own pending
        comments = selectors.top_level_comments(
            article.pk, reader=reader, sort=sort, snapshot=10**9
        )
        sql, params = comments[:21].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert "comment_top_" in plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan


def test_held_and_removed_comments_stay_private_on_every_page(client, article, post):
    from masthead.discussion.models import CommentStatus

    held = post("Secret words of a held comment", name="Hidden Harriet")
    held.status = CommentStatus.SPAM
    held.save(update_fields=["status"])
    stranger = Client()
    for url in (
        f"/comments/comment/{held.pk}/delete/",
        f"/comments/comment/{held.pk}/edit/",
        f"/moderation/comment/{held.pk}/report/",
        f"{article.url}?reply_to={held.pk}",
    ):
        page = stranger.get(url).content.decode()
        assert "Secret words" not in page and "Hidden Harriet" not in page, url
    assert stranger.get(f"/moderation/comment/{held.pk}/report/").status_code == 404
    # As unknown as a missing comment, not "only its author may delete it".
    assert stranger.get(f"/comments/comment/{held.pk}/delete/").status_code == 404


def test_comments_of_a_private_or_unpublished_article_do_not_show_its_headline(
    client, article, post
):
    import json

    from wagtail.models import PageViewRestriction

    comment = post("Said while the story was open to all")
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    stranger = Client()

    def as_unknown_as_a_missing_comment():
        for url in (
            f"/comments/comment/{comment.pk}/edit/",
            f"/comments/comment/{comment.pk}/delete/",
        ):
            page = stranger.get(url)
            assert page.status_code == 404, url
            assert article.title not in page.content.decode(), url
            assert stranger.post(url, {"body": "Changed"}).status_code == 404, url
        for method in ("patch", "delete"):
            api = getattr(stranger, method)(
                f"/api/v1/comments/{comment.pk}",
                data=json.dumps({"body": "Changed"}),
                content_type="application/json",
            )
            assert api.status_code == 404, method

    as_unknown_as_a_missing_comment()
    restriction.delete()
    article.unpublish()
    as_unknown_as_a_missing_comment()
    # A reader who opened the article is told it is not theirs, as on any article.
    article.save_revision().publish()
    assert stranger.get(f"/comments/comment/{comment.pk}/edit/").status_code == 403


def test_a_reply_link_names_the_published_comment_answered(client, article, post):
    answered = post("Open words", name="Open Olga")
    page = Client().get(f"{article.url}?reply_to={answered.pk}").content.decode()
    assert 'Replying to <strong dir="auto" data-replying-name>Open Olga</strong>' in page


def test_deleting_a_commented_article_warns_that_its_comments_go_too(admin_client, article, post):
    post("A reader's view")
    post("Another reader's view")
    page = admin_client.get(f"/admin/pages/{article.pk}/delete/").content.decode()
    assert "This article has 2 reader comments: deleting it deletes them too" in page


def test_an_edit_the_filter_calls_spam_only_tells_its_author_it_awaits_moderation(client, article):
    from masthead.moderation.models import Ban, BanKind

    client.post(f"/comments/{article.pk}/post/", form_data(body="First words"))
    comment = Comment.objects.get()
    Ban.objects.create(kind=BanKind.EMAIL, value="dana@example.com")
    response = client.post(
        f"/comments/comment/{comment.pk}/edit/",
        {"body": "Second words"},
        HTTP_ACCEPT="application/json",
    )
    comment.refresh_from_db()
    assert comment.status == "spam"
    assert response.json()["status"] == "pending"


def card_of(html, comment_id):
    """The HTML of one comment's card (its replies follow the card)."""
    start = html.index(f'aria-labelledby="comment-{comment_id}-author"')
    return html[start : html.index("</article>", start)]


def test_without_javascript_what_happened_is_said_beside_the_comment_the_page_opens_at(
    client, article
):
    # The page opens at #comment-<id>: a message at the top of the page is out of sight there.
    response = client.post(f"/comments/{article.pk}/post/", form_data(notify="all"), follow=True)
    comment = Comment.objects.get()
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    html = response.content.decode()
    assert "confirm with the link we sent to dana@example.com" in card_of(html, comment.pk)
    assert html.count("confirm with the link") == 1  # not at the top of the page as well

    own_vote = client.post(f"/comments/comment/{comment.pk}/vote/", {"value": "1"}, follow=True)
    html = own_vote.content.decode()
    note = 'role="status">You cannot vote on your own comment.'
    assert note in card_of(html, comment.pk)
    assert html.count(note) == 1 and "confirm with the link" not in html


def test_a_vote_refused_for_speed_answers_429_with_retry_after_as_the_api_does(
    client, article, post, monkeypatch
):
    from masthead.discussion import conf
    from masthead.discussion.services.votes import OWN_COMMENT, VOTING_TOO_FAST

    comment = post("Vote on me")
    monkeypatch.setattr(conf, "VOTES_PER_READER_PER_MINUTE", 0)
    url = f"/comments/comment/{comment.pk}/vote/"
    answer = client.post(url, {"value": "1"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 429 and 0 < int(answer["Retry-After"]) <= 60
    assert answer.json()["detail"] == VOTING_TOO_FAST.format(seconds=answer["Retry-After"])
    plain = client.post(url, {"value": "1"})  # without JavaScript: back to the comment, told why
    assert plain.status_code == 302 and plain["Retry-After"]

    monkeypatch.setattr(conf, "VOTES_PER_READER_PER_MINUTE", 30)
    client.post(f"/comments/{article.pk}/post/", form_data(body="My own"))
    own = Comment.objects.get(body="My own")
    answer = client.post(
        f"/comments/comment/{own.pk}/vote/", {"value": "1"}, HTTP_ACCEPT="application/json"
    )
    assert (answer.status_code, answer.json()["detail"]) == (403, OWN_COMMENT)


def test_a_reader_can_follow_the_discussion_without_commenting(
    client, article, mailoutbox, django_capture_on_commit_callbacks
):
    html = client.get(article.url).content.decode()
    assert f'action="/comments/{article.pk}/subscribe/"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comments/{article.pk}/subscribe/", {"email": "lurker@example.com", "kind": "all"}
        )
    assert "Open the link in it to confirm" in response.content.decode()
    assert mailoutbox[0].to == ["lurker@example.com"]


def test_the_pages_script_follows_the_discussion_in_place(
    client, article, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.discussion.services.subscriptions import EMAIL_INVALID
    from masthead.discussion.views.subscriptions import CONFIRMATION_SENT

    url = f"/comments/{article.pk}/subscribe/"
    refused = client.post(
        url, {"email": "not an address", "kind": "all"}, HTTP_ACCEPT="application/json"
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"detail": EMAIL_INVALID, "field": "email"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url, {"email": "lurker@example.com", "kind": "all"}, HTTP_ACCEPT="application/json"
        )
    assert answer.status_code == 202
    assert answer.json() == {"status": "confirmation_sent", "detail": CONFIRMATION_SENT}
    assert mailoutbox[0].to == ["lurker@example.com"]


def test_a_closed_discussion_offers_no_following(client, article):
    article.comments_open = False
    article.save_revision().publish()
    assert "/subscribe/" not in client.get(article.url).content.decode()


def follow_form(html):
    """The "Follow this discussion" form of an article's page: its action, what it sends as it
    stands (a field's value, if the page fills it in) and its words."""
    form = re.search(r'<form class="comments__follow".*?</form>', html, re.S).group(0)
    fields = dict(re.findall(r'<input [^>]*name="(\w+)"(?:[^>]*value="([^"]*)")?', form))
    action = re.search(r'action="([^"]+)"', form).group(1)
    return action, fields, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", form))


@pytest.fixture
def rosa(django_user_model):
    return django_user_model.objects.create_user("rosa", "rosa@example.org", "pw-rosa-horse")


def test_a_signed_in_reader_with_a_confirmed_address_follows_in_one_click_and_can_stop(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.discussion.models import Subscription

    client.force_login(rosa)
    action, fields, words = follow_form(client.get(article.url).content.decode())
    assert action == f"/comments/{article.pk}/subscribe/"
    assert "email" not in fields  # nothing to type
    assert "new comments will be e-mailed to rosa@example.org" in words

    with django_capture_on_commit_callbacks(execute=True):
        followed = client.post(action, fields)
    assert "You follow this discussion: new comments will be e-mailed to rosa@example.org" in (
        followed.content.decode()
    )
    assert mailoutbox == []  # the address is confirmed already
    subscription = Subscription.objects.get(article=article)
    assert subscription.is_active and subscription.user == rosa

    action, fields, words = follow_form(client.get(article.url).content.decode())
    assert "You follow this discussion: new comments are e-mailed to rosa@example.org" in words
    assert action == f"/comments/{article.pk}/unfollow/"
    stopped = client.post(action, fields)
    assert "You no longer follow this discussion" in stopped.content.decode()
    subscription.refresh_from_db()
    assert subscription.unsubscribed is not None
    action, _, _ = follow_form(client.get(article.url).content.decode())
    assert action == f"/comments/{article.pk}/subscribe/"  # and may follow again


def test_following_at_ones_own_address_that_another_account_follows_with_says_so_truly(
    client, article, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    """An account keeps the subscriptions its old address confirmed when it moves to a new one
    (test_subscriptions); the next account at that address, following, is not told an e-mail
    was sent: none was, and the address is theirs to know about."""
    from masthead.discussion.services import subscription_follow

    dana = django_user_model.objects.create_user("dana", "kit@example.org", "pw-dana-horse")
    subscription_follow(article=article, email="kit@example.org", kind="all", user=dana)
    dana.email = "dana@example.org"
    dana.save(update_fields=["email"])
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    client.force_login(kit)
    action, fields, _ = follow_form(client.get(article.url).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(action, fields).content.decode()
        scripted = client.post(action, fields, HTTP_ACCEPT="application/json")
    assert "We have sent you an e-mail" not in answer
    already = "kit@example.org already gets e-mail about this discussion"
    assert already in answer
    assert scripted.status_code == 200 and scripted.json()["detail"].startswith(already)
    assert mailoutbox == []


def test_the_pages_script_follows_in_one_click_in_place(client, article, rosa):
    from masthead.discussion.views.subscriptions import FOLLOWING

    client.force_login(rosa)
    answer = client.post(
        f"/comments/{article.pk}/subscribe/", {"kind": "all"}, HTTP_ACCEPT="application/json"
    )
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "following", "detail": FOLLOWING.format(email="rosa@example.org")},
    )


def test_a_signed_in_reader_whose_address_is_unconfirmed_confirms_following_by_e_mail(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.accounts.models import AccountEmail
    from masthead.discussion.models import Subscription

    AccountEmail.objects.create(user=rosa, confirmed=False)
    client.force_login(rosa)
    action, fields, _ = follow_form(client.get(article.url).content.decode())
    assert fields["email"] == "rosa@example.org"  # filled in with the account's

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(action, fields)
    assert "Open the link in it to confirm" in asked.content.decode()
    assert [message.to for message in mailoutbox] == [["rosa@example.org"]]
    assert not Subscription.objects.get(article=article).is_active


def test_a_guest_never_sees_what_a_signed_in_reader_follows(client, article, rosa):
    """Guests' pages may come from the page cache: they keep the empty form whatever the
    signed-in readers before them saw."""
    assert follow_form(client.get(article.url).content.decode())[1]["email"] is not None
    signed_in = Client()
    signed_in.force_login(rosa)
    signed_in.post(f"/comments/{article.pk}/subscribe/", {"kind": "all"})
    assert "rosa@example.org" in signed_in.get(article.url).content.decode()

    for guest_client in (client, Client()):
        html = guest_client.get(article.url).content.decode()
        action, fields, words = follow_form(html)
        assert action == f"/comments/{article.pk}/subscribe/" and fields["email"] == ""
        assert "rosa@example.org" not in html and "You follow" not in words


def test_only_a_signed_in_reader_stops_following_from_the_article(client, article):
    refused = client.post(f"/comments/{article.pk}/unfollow/")
    assert refused.status_code == 403
    assert "Please sign in to stop following" in refused.content.decode()


def vote_buttons(html, comment_id):
    return re.findall(r"<button [^>]*data-vote=[^>]*>", card_of(html, comment_id))


def test_a_guest_sees_the_vote_buttons_of_their_own_comment_disabled_and_why(client, article, post):
    others = post("Someone else's view")
    client.post(f"/comments/{article.pk}/post/", form_data(body="My own view"))  # sets the cookie
    mine = Comment.objects.get(body="My own view")
    html = client.get(article.url).content.decode()
    own = vote_buttons(html, mine.pk)
    assert len(own) == 2
    for button in own:
        assert ' aria-disabled="true" ' in button  # focusable, and says why when pressed
        assert f'aria-describedby="comment-{mine.pk}-own"' in button
    assert f'id="comment-{mine.pk}-own">{OWN_COMMENT}</span>' in card_of(html, mine.pk)
    assert all("disabled" not in button for button in vote_buttons(html, others.pk))
    # another reader may vote on it
    html = Client().get(article.url).content.decode()
    assert all("disabled" not in button for button in vote_buttons(html, mine.pk))


def test_a_signed_in_reader_sees_the_vote_buttons_of_their_own_comment_disabled(
    client, article, post, django_user_model
):
    user = django_user_model.objects.create_user(username="dana", password="x" * 12)
    mine = post("Under my account", reader=Reader(user=user, key=f"u{user.pk}", ip_hash="a"))
    others = post("Someone else's view")
    client.force_login(user)
    html = client.get(article.url).content.decode()
    assert all(' aria-disabled="true" ' in button for button in vote_buttons(html, mine.pk))
    assert all("disabled" not in button for button in vote_buttons(html, others.pk))


def test_a_readers_own_comment_offers_no_report_link_after_the_edit_window(client, article):
    client.post(f"/comments/{article.pk}/post/", form_data(body="My own view"))
    mine = Comment.objects.get(body="My own view")
    Comment.objects.filter(pk=mine.pk).update(created=mine.created - timedelta(days=1))
    card = card_of(client.get(article.url).content.decode(), mine.pk)
    assert "data-edit" not in card and "data-report" not in card
    assert "data-report" in card_of(Client().get(article.url).content.decode(), mine.pk)


@pytest.mark.parametrize("who", ["guest", "account"])
@pytest.mark.parametrize(
    "view",
    ["page", "reply_to", "comments_after", "thread", "thread_after", "link", "updates", "api"],
)
def test_a_readers_comment_views_cost_the_same_queries_however_long_the_thread(
    client, article, post, django_user_model, who, view, django_assert_max_num_queries
):
    from django.core.cache import cache

    from masthead.publishing import page_cache

    small_pages(article, size=4)
    if who == "account":
        client.force_login(django_user_model.objects.create_user("reader", "r@example.com", "pw"))
    client.post(f"/comments/{article.pk}/post/", form_data(body="My own view of the bridge."))
    mine = Comment.objects.latest("pk")
    assert (mine.user_id is not None) == (who == "account")

    def grow(count):
        for n in range(count):
            top = post(f"Top {n}", reader=guest(ip_hash=f"a{n}"))
            reply = post(f"Reply {n}", parent_id=top.pk, reader=guest(ip_hash=f"b{n}"))
            client.post(f"/comments/comment/{reply.pk}/vote/", {"value": "1"})

    def url():
        first = Comment.objects.filter(parent=None).order_by("pk").first()
        cursor = client.get(f"/comments/{article.pk}/?sort=oldest")["X-Next-Cursor"]
        return {
            "page": article.url,
            "reply_to": f"{article.url}?reply_to={first.pk}",
            "comments_after": f"{article.url}?comments_sort=oldest&comments_after={cursor}",
            "thread": f"/comments/{article.pk}/",
            "thread_after": f"/comments/{article.pk}/?sort=oldest&after={cursor}",
            "link": f"/comments/comment/{mine.pk}/",
            "updates": f"/comments/{article.pk}/updates/?since=0",
            "api": f"/api/v1/articles/{article.pk}/comments",
        }[view]

    def measured(address):
        cache.clear()
        page_cache.forget_versions()
        return client.get(address)

    grow(1)  # fewer comments than a page holds: a cost per comment shown would show
    address = url()
    measured(address)
    with django_assert_max_num_queries(45) as small:
        assert measured(address).status_code in (200, 302)
    baseline = len(small.captured_queries)  # read now: the query log keeps only the latest 9,000
    grow(20)
    address = url()
    with django_assert_max_num_queries(baseline):
        assert measured(address).status_code in (200, 302)


@pytest.fixture
def feature(django_user_model):
    """Feature comments as a moderator would (the moderation queue's "Feature" button)."""
    from masthead.moderation.services import comment_feature

    editor = django_user_model.objects.create_user("picker", "picker@example.com", "pw")

    def _feature(*comments):
        for comment in comments:
            comment_feature(comment=Comment.objects.get(pk=comment.pk), moderator=editor)

    return _feature


def picks_block(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").find(attrs={"data-comment-picks": True})


def test_featured_comments_show_above_the_thread_and_carry_a_badge_in_it(
    client, article, post, feature
):
    from bs4 import BeautifulSoup

    top = post("Will there be a footpath on the bridge?", name="Ines")
    reply = post("Yes, on the sea side: page 4 of the plan.", name="Omar", parent_id=top.pk)
    plain = post("Spring is optimistic.", name="Pat")
    feature(reply)
    feature(top)

    html = client.get(article.url + "?comments_sort=oldest").content.decode()
    block = picks_block(html)
    assert block.find("h3").get_text() == "Editors’ picks"
    assert html.index("data-comment-picks") < html.index("data-comment-list")
    picks = block.find_all("li")
    # The latest pick first; each leads to its place in the thread, where it is voted on and answered.
    assert [pick.find(class_="comment__author").get_text() for pick in picks] == ["Ines", "Omar"]
    assert [pick.a["href"] for pick in picks] == [
        f"/comments/comment/{top.pk}/",
        f"/comments/comment/{reply.pk}/",
    ]
    assert "in reply to Ines" in picks[1].get_text()
    assert "Reply or vote in the thread" in picks[0].a.get_text()
    assert not block.find("form") and not block.find(id=re.compile(r"^comment-\d"))

    # The thread keeps the reader's order, and marks the picks where they are.
    assert conversations(conversation_html(html, top.pk)) == [(top.pk, [(reply.pk, [])])]
    assert html.index(f'id="comment-{top.pk}"') < html.index(f'id="comment-{plain.pk}"')
    page = BeautifulSoup(html, "html.parser")
    for comment, featured in ((top, True), (reply, True), (plain, False)):
        header = page.find(id=f"comment-{comment.pk}").find(class_="comment__header")
        badges = [badge.get_text() for badge in header.find_all(class_="comment__badge--featured")]
        assert badges == (["Featured: one of the editors’ picks"] if featured else [])

    assert client.get(picks[1].a["href"])["Location"].endswith(f"#comment-{reply.pk}")


def test_no_picks_block_without_featured_comments(client, article, post, feature):
    comment = post("A thoughtful comment.")
    assert picks_block(client.get(article.url).content.decode()) is None
    feature(comment)
    from masthead.moderation.services import comment_unfeature

    comment_unfeature(comment=Comment.objects.get(pk=comment.pk), moderator=None)
    html = client.get(article.url).content.decode()
    assert picks_block(html) is None and "comment__badge--featured" not in html


def test_the_author_of_a_pick_is_told_before_editing_that_an_edit_ends_it(client, article, feature):
    client.post(f"/comments/{article.pk}/post/", form_data(body="Page 4 has the footpath."))
    comment = Comment.objects.get()
    edit_url = f"/comments/comment/{comment.pk}/edit/"
    assert "data-pick-note" not in client.get(edit_url).content.decode()
    feature(comment)
    from bs4 import BeautifulSoup

    note = BeautifulSoup(client.get(edit_url).content, "html.parser").find(
        attrs={"data-pick-note": True}
    )
    assert "editors’ picks" in note.get_text() and "leaves the picks" in note.get_text()

    client.post(edit_url, {"body": "Page 5 has the footpath."})
    assert picks_block(client.get(article.url).content.decode()) is None
    assert not Comment.objects.get().is_featured


def test_a_pick_on_a_closed_thread_offers_the_vote_only(client, article, post, feature):
    comment = post("A thoughtful comment.")
    feature(comment)
    article.comments_open = False
    article.save_revision().publish()
    pick = picks_block(client.get(article.url).content.decode()).find("li")
    assert pick.a.get_text().startswith("Vote in the thread")


def test_the_picks_block_costs_one_query_however_many_picks_and_comments(
    client, article, post, feature, django_assert_max_num_queries
):
    from django.core.cache import cache

    from masthead.publishing import page_cache

    def grow(count):
        comments = []
        for n in range(count):
            top = post(f"Top {n}", reader=guest(ip_hash=f"a{n}"))
            comments += [top, post(f"Reply {n}", parent_id=top.pk, reader=guest(ip_hash=f"b{n}"))]
        return comments

    def measured():
        cache.clear()
        page_cache.forget_versions()
        return client.get(article.url)

    comments = grow(3)
    measured()
    with django_assert_max_num_queries(40) as without_picks:
        measured()
    feature(comments[1])
    with django_assert_max_num_queries(len(without_picks.captured_queries) + 1) as with_one:
        assert len(picks_block(measured().content.decode()).find_all("li")) == 1
    feature(*grow(20)[:8])
    with django_assert_max_num_queries(len(with_one.captured_queries)):
        assert len(picks_block(measured().content.decode()).find_all("li")) == 9


@pytest.mark.parametrize(
    "query", ["anchor=99999999999999999999999", "anchor=²", "snapshot=99999999999999999999999"]
)
def test_a_thread_fragment_for_an_impossible_passage_or_place_is_answered(client, article, query):
    response = client.get(f"/comments/{article.pk}/?{query}")
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("token", ["².abc", "99999999999999999999999.abc", "12.", ".abc"])
@pytest.mark.parametrize("action", ["confirm", "unsubscribe"])
def test_a_mistyped_subscription_link_says_so(client, token, action):
    response = client.get(f"/comments/subscriptions/{token}/{action}/")
    assert response.status_code in (400, 404)
    assert "link" in response.content.decode().lower()


def test_the_edit_and_delete_pages_say_when_the_window_has_closed(client, article):
    client.post(f"/comments/{article.pk}/post/", form_data(body="Written in haste."))
    comment = Comment.objects.get(body="Written in haste.")
    assert client.get(f"/comments/comment/{comment.pk}/edit/").status_code == 200
    Comment.objects.filter(pk=comment.pk).update(created=comment.created - timedelta(minutes=20))
    for page in ("edit", "delete"):
        refused = client.get(f"/comments/comment/{comment.pk}/{page}/")
        html = refused.content.decode()
        assert refused.status_code == 403
        assert "Comments can only be changed within 15 minutes of posting." in html
        assert "<form" not in html.split('<section class="narrow-page">')[1]


def test_a_comment_over_the_limit_is_refused_with_its_length_and_kept_whole(client, article):
    too_long = "A long and careful argument. " * 223 + "The end."  # 6,475 characters
    response = client.post(f"/comments/{article.pk}/post/", form_data(body=too_long))
    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'<p class="field__error" id="id_body_error"[^>]*>(.*?)</p>', html).group(1)
    assert error == (
        "Comments can be at most 5,000 characters long; yours has 6,475."
        " Please shorten it by 1,475."
    )
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert f"{too_long}</textarea>" in html  # every character of it, none cut
    assert "maxlength" not in textarea  # the browser cuts nothing pasted in either
    assert 'data-max-length="5000"' in textarea and 'dir="auto"' in textarea
    assert Comment.objects.count() == 0

    client.post(f"/comments/{article.pk}/post/", form_data(body="Short"))
    comment = Comment.objects.get()
    response = client.post(f"/comments/comment/{comment.pk}/edit/", {"body": too_long})
    assert response.status_code == 400
    assert "yours has 6,475" in response.content.decode()
    assert f"{too_long}</textarea>" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Short"


def test_line_breaks_count_as_one_character_as_the_pages_counter_counts_them(client, article):
    lines = "Line\r\n" * 999 + "Last."  # 5,000 characters as a browser counts them; 5,999 as sent
    response = client.post(f"/comments/{article.pk}/post/", form_data(body=lines))
    assert response.status_code == 302
    assert Comment.objects.get().body == lines.replace("\r\n", "\n")


def test_a_guest_who_asks_is_remembered_in_a_cookie_until_they_post_without_asking(client, article):
    response = client.post(
        f"/comments/{article.pk}/post/",
        form_data(author_name="Dana Ní Bhriain", author_url="https://dana.example", remember="on"),
    )
    assert response.status_code == 302
    cookie = response.cookies["masthead_commenter"]
    assert json.loads(unquote(cookie.value)) == {
        "name": "Dana Ní Bhriain",
        "email": "dana@example.com",
        "url": "https://dana.example",
    }
    assert not cookie["httponly"]  # the page's script fills the form from it
    assert cookie["max-age"] and cookie["samesite"] == "Lax"

    response = client.post(f"/comments/{article.pk}/post/", form_data(body="Second thought."))
    assert response.status_code == 302
    assert response.cookies["masthead_commenter"]["max-age"] == 0  # forgotten
    assert (
        "masthead_commenter"
        not in Client()
        .post(f"/comments/{article.pk}/post/", form_data(body="Third thought."))
        .cookies
    )  # nothing to forget, nothing sent


def test_the_remember_box_is_offered_to_guests_unticked_and_not_to_accounts(
    client, article, django_user_model
):
    page = client.get(article.url).content.decode()
    box = re.search(r'<input[^>]*name="remember"[^>]*>', page).group(0)
    assert "checked" not in box
    assert "Save my name, e-mail and website in this browser for the next time I comment." in page
    user = django_user_model.objects.create_user("rosa", "rosa@example.com", "pw")
    client.force_login(user)
    assert 'name="remember"' not in client.get(article.url).content.decode()


def test_a_form_posted_without_the_token_its_page_gives_counts_against_the_comment(article):
    """A script posting straight to the form's address never loaded the page that signs it."""
    from masthead.moderation.models import CommentVerdict

    reason = "form sent without the token its page gives (posted by a script)"
    for body, data in (
        ("From the page, with its token.", form_data()),
        ("Straight to the address.", {k: v for k, v in form_data().items() if k != "started"}),
        ("With a token of its own.", form_data(started="1700000000")),
    ):
        assert Client().post(f"/comments/{article.pk}/post/", {**data, "body": body}).status_code
    reasons = {
        verdict.comment.body: reason in verdict.reasons
        for verdict in CommentVerdict.objects.select_related("comment")
    }
    assert reasons == {
        "From the page, with its token.": False,
        "Straight to the address.": True,
        "With a token of its own.": True,
    }


def test_the_passage_panel_lists_a_conversations_earliest_replies_and_links_to_the_rest(
    client, article, post, monkeypatch
):
    """However long the conversation on a passage, its panel lists the earliest replies below
    each comment on it, says how many more there are and links to where they go on in the
    thread; the replies of other conversations are not read."""
    from masthead.discussion import conf
    from masthead.discussion.services import AnchorInput

    monkeypatch.setattr(conf, "REPLIES_SHOWN", 3)
    spring = AnchorInput(quote="The bridge will open in spring.")
    top = post("Spring is optimistic.", anchor=spring)
    first = post("Councils rarely meet their dates.", parent_id=top.pk)
    answer = post("This one has so far.", parent_id=first.pk)
    later = [post(f"Later reply {n}", parent_id=top.pk) for n in range(6)]
    elsewhere = post("Not about the passage.")
    on_a_reply = post("Spring is when it rains.", parent_id=elsewhere.pk, anchor=spring)
    below = [post(f"It does {n}.", parent_id=on_a_reply.pk) for n in range(5)]

    panel = client.get(f"/comments/{article.pk}/?anchor={top.anchor_id}").content.decode()
    shown = {int(pk) for pk in re.findall(r'data-comment-id="(\d+)"', panel)}
    assert shown == {
        top.pk,
        first.pk,
        answer.pk,
        later[0].pk,
        on_a_reply.pk,
        *(c.pk for c in below[:3]),
    }
    assert "5 more replies" in panel and "2 more replies" in panel
    # Each link leads to the first reply left out, on the page of the thread that shows it.
    for left_out in (later[1], below[3]):
        link = f'href="/comments/comment/{left_out.pk}/"'
        assert link in panel
        landing = client.get(f"/comments/comment/{left_out.pk}/", follow=True).content.decode()
        assert f'id="comment-{left_out.pk}"' in landing


def test_replies_below_a_held_comment_take_no_room_and_stay_out_of_view_all(
    client, article, monkeypatch
):
    """A held comment hides its branch: the replies below it neither show on a page of the
    whole thread nor take the place of the replies a page of the thread shows below a comment
    (which showed fewer, and counted them among the "more replies")."""
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "REPLIES_SHOWN", 3)
    # The top-level comment; a reply, held since, with two answers; four more replies.
    comments = import_thread(article, [None, 0, 1, 1, 0, 0, 0, 0])
    Comment.objects.filter(pk=comments["2"].pk).update(status=CommentStatus.PENDING)
    below_held = {comments["3"].pk, comments["4"].pk}
    visible = [comments[key].pk for key in ("5", "6", "7", "8")]

    html = client.get(article.url + "?comments_sort=oldest").content.decode()
    shown = [int(pk) for pk in re.findall(r'data-comment-id="(\d+)"', html)]
    assert shown == [comments["1"].pk, *visible[:3]]
    assert "1 more reply" in html

    pages = whole_thread_pages(client, article.url + "?comments=all&comments_sort=oldest")
    everything = [pk for ids, _ in pages for pk in ids]
    assert everything == [comments["1"].pk, *visible]
    assert not below_held & set(everything)


def soup_of(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser")


def test_the_comment_box_keeps_a_label_in_sight_on_the_article_and_on_a_reply_page(
    client, article, post
):
    """A placeholder is no label: it goes with the first letter typed (WCAG 3.3.2)."""
    parent = post("Parent comment", name="Pat")
    for url in (article.url, f"{article.url}?reply_to={parent.pk}"):
        label = soup_of(client.get(url)).find("label", attrs={"for": "id_body"})
        assert label.get_text(strip=True) == "Your comment"
        assert "visually-hidden" not in label.get("class", [])


def test_the_edit_page_labels_its_box_in_sight(client, article):
    client.post(f"/comments/{article.pk}/post/", form_data(body="Draft words"))
    comment = Comment.objects.get()
    page = soup_of(client.get(f"/comments/comment/{comment.pk}/edit/"))
    box = page.find("textarea", attrs={"name": "body"})
    label = page.find("label", attrs={"for": box["id"]})
    assert label.get_text(strip=True) == "Your comment"
    assert "visually-hidden" not in label.get("class", [])


def more_comments_navigation(response):
    return soup_of(response).find("nav", attrs={"aria-label": "More comments"})


def test_the_more_comments_navigation_is_there_only_with_something_in_it(client, article, post):
    """An empty landmark is still announced by screen readers."""
    small_pages(article)
    for n in range(3):
        post(f"Comment {n}")
    assert more_comments_navigation(client.get(article.url)) is None
    assert more_comments_navigation(client.get(article.url + "?comments=all")) is None

    post("One comment too many for a page")
    navigation = more_comments_navigation(client.get(article.url))
    assert [link.get_text() for link in navigation.find_all("a")] == [
        "Load more comments",
        "View all comments",
    ]


def test_the_form_without_javascript_reports_every_problem_at_once_with_what_was_typed(
    client, article
):
    response = client.post(
        f"/comments/{article.pk}/post/",
        form_data(body="   ", author_name="", author_email="dana@", author_url="my blog"),
    )
    assert response.status_code == 400
    page = soup_of(response)
    problems = [
        ("id_body", rules.BODY_EMPTY),
        ("id_author_name", rules.NAME_MISSING),
        ("id_author_email", rules.EMAIL_INVALID),
        ("id_author_url", rules.URL_INVALID),
    ]
    # Each beside its field, and the field points at it ...
    for field_id, message in problems:
        error = page.find(id=f"{field_id}_error")
        assert error.get_text(strip=True) == message
        assert error.find_parent(class_="field") is page.find(id=field_id).find_parent(
            class_="field"
        )
        assert f"{field_id}_error" in page.find(id=field_id)["aria-describedby"].split()
    # ... and all of them in a summary at the top of the form, each a link to its field.
    form = page.find("form", id="comment-form")
    summary = form.find(attrs={"data-error-summary": True})
    assert form.find(class_="field").find_previous(attrs={"data-error-summary": True}) is summary
    assert [(link["href"], link.get_text()) for link in summary.find_all("a")] == [
        (f"#{field_id}", message) for field_id, message in problems
    ]
    # What the reader typed is still there.
    assert page.find(id="id_author_email")["value"] == "dana@"
    assert page.find(id="id_author_url")["value"] == "my blog"
    assert Comment.objects.count() == 0


def test_a_reply_refused_for_its_parent_and_its_text_lists_both(client, article):
    response = client.post(f"/comments/{article.pk}/post/", form_data(body="", parent_id="999999"))
    summary = soup_of(response).find(attrs={"data-error-summary": True})
    assert [item.get_text(strip=True) for item in summary.find_all("li")] == [
        rules.PARENT_UNKNOWN,
        rules.BODY_EMPTY,
    ]


def test_what_a_tooltip_said_is_read_with_the_edited_mark_points_and_featured_badge(
    client, article, post, feature
):
    """A title tooltip reaches neither a keyboard nor a finger."""
    from django.utils.dateformat import format as date_format

    client.post(f"/comments/{article.pk}/post/", form_data(body="Draft words"))
    edited = Comment.objects.get()
    client.post(f"/comments/comment/{edited.pk}/edit/", {"body": "Better words"})
    edited.refresh_from_db()
    imported = post("Said on the old site")
    Comment.objects.filter(pk=imported.pk).update(imported_score=8, score=8)
    feature(imported)

    page = soup_of(client.get(article.url))

    def card(comment):
        return page.find(id=f"comment-{comment.pk}")

    edit_time = date_format(timezone.localtime(edited.edited), "j M Y, H:i")
    mark = card(edited).find(class_="comment__edited")
    assert mark.get_text() == f"edited on {edit_time}"
    assert mark.time["datetime"] == edited.edited.astimezone(
        timezone.get_current_timezone()
    ).isoformat(timespec="seconds")
    assert card(edited).find(class_="vote__score").get_text() == (
        "0 points: up votes minus down votes"
    )
    assert card(imported).find(class_="vote__score").get_text() == (
        "8 points: up votes minus down votes, plus 8 from before the comments moved here"
    )
    badge = card(imported).find(class_="comment__badge--featured")
    assert badge.get_text() == "Featured: one of the editors’ picks"
    # The words show as before; the rest is for screen readers, read with them.
    for shown, node in (
        ("edited", mark),
        ("Featured", badge),
        ("8 points", card(imported).find(class_="vote__score")),
    ):
        in_sight = (
            "".join(node.find_all(string=True, recursive=False))
            or node.find(attrs={"data-score": True}).get_text()
        )
        assert in_sight == shown
        assert not node.get("title")


def test_over_https_the_sort_cookie_is_kept_off_plain_http_and_away_from_scripts(
    client, article, settings
):
    """As the reader's and the commenter's cookies are: it went out over plain HTTP too."""
    settings.SESSION_COOKIE_SECURE = True
    response = client.get(f"/comments/{article.pk}/sort/?sort=oldest")
    cookie = response.cookies[SORT_COOKIE]
    assert cookie.value == "oldest"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_notify_of_on_a_signed_in_readers_comment_follows_at_once_at_a_confirmed_address(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    """As "Follow this discussion" does: no e-mail to confirm, and the reader is told that they
    follow, without JavaScript and with it."""
    from masthead.discussion.models import Subscription

    client.force_login(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comments/{article.pk}/post/",
            {"body": "Tell me who answers.", "notify": "replies"},
            follow=True,
        )
    comment = Comment.objects.get()
    card = re.sub(r"\s+", " ", card_of(response.content.decode(), comment.pk))
    assert (
        "You will be e-mailed replies to your comments in this discussion, at rosa@example.org."
        in card
    )
    assert "confirm with the link" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        with_script = client.post(
            f"/comments/{article.pk}/post/",
            {"body": "And everyone else too.", "notify": "all"},
            HTTP_ACCEPT="application/json",
        )
    assert with_script.json()["notice"] == (
        "You follow this discussion: new comments will be e-mailed to rosa@example.org."
    )
    assert mailoutbox == []
    following = Subscription.objects.filter(article=article).order_by("kind")
    assert [(s.kind, s.user, s.is_active) for s in following] == [
        ("all", rosa, True),
        ("replies", rosa, True),
    ]
    words = follow_form(client.get(article.url).content.decode())[2]
    assert "You follow this discussion: new comments are e-mailed to rosa@example.org" in words


def test_notify_of_on_a_comment_by_an_account_whose_address_is_unconfirmed_asks_to_confirm(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    from masthead.accounts.models import AccountEmail
    from masthead.discussion.models import Subscription

    AccountEmail.objects.create(user=rosa, confirmed=False)
    client.force_login(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/comments/{article.pk}/post/",
            {"body": "Tell me who answers.", "notify": "replies"},
            HTTP_ACCEPT="application/json",
        )
    assert answer.json()["notice"].startswith(
        "To receive notifications, confirm with the link we sent to rosa@example.org"
    )
    assert [message.to for message in mailoutbox] == [["rosa@example.org"]]
    assert not Subscription.objects.get(article=article).is_active


def test_an_accounts_comment_marked_spam_gets_the_notify_answer_its_held_comment_gets(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(rosa)
    answers = {}
    for kind, extra in (
        ("held", {"body": "Buy cheap http://a.example http://b.example http://c.example"}),
        ("spam", {"body": "Nothing odd here.", "homepage": "http://bot.example"}),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                f"/comments/{article.pk}/post/",
                {"notify": "all", "started": form_data()["started"], **extra},
                HTTP_ACCEPT="application/json",
            )
        assert answer.status_code == 201
        answers[kind] = (answer.json()["status"], answer.json()["notice"])
    assert list(Comment.objects.order_by("pk").values_list("status", flat=True)) == [
        "pending",
        "spam",
    ]
    assert answers["spam"] == answers["held"] == ("pending", answers["held"][1])
    assert "You follow this discussion" in answers["held"][1]
    assert mailoutbox == []


def test_an_account_follows_in_one_click_what_its_address_followed_as_a_guest_and_can_stop(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    """Confirmed by e-mail as a guest, at the address the account has confirmed too: the reader
    has proven it both ways, so the subscription is theirs to see and to stop."""
    from masthead.discussion.models import Subscription

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/comments/{article.pk}/subscribe/", {"email": "rosa@example.org"})
    link = re.search(r"/comments/subscriptions/(\S+)/confirm/", mailoutbox[0].body).group(0)
    Client().post(link)
    as_guest = Subscription.objects.get(article=article)
    assert as_guest.is_active and as_guest.user is None
    mailoutbox.clear()

    client.force_login(rosa)
    action, fields, _ = follow_form(client.get(article.url).content.decode())
    followed = client.post(action, fields)
    assert "You follow this discussion: new comments will be e-mailed to rosa@example.org" in (
        followed.content.decode()
    )
    assert "We have sent you an e-mail" not in followed.content.decode()
    assert mailoutbox == []
    action, fields, words = follow_form(client.get(article.url).content.decode())
    assert "You follow this discussion: new comments are e-mailed to rosa@example.org" in words
    assert "Harbour council" in client.get("/accounts/").content.decode()  # listed there too

    assert "You no longer follow" in client.post(action, fields).content.decode()
    as_guest.refresh_from_db()
    assert as_guest.unsubscribed is not None


def test_after_stop_following_no_mail_comes_of_what_the_address_asked_for_as_a_guest(
    client, article, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    """As a guest, Rosa asked to hear of replies to her comment and followed the thread, each
    confirmed by e-mail. Signed in, she followed in one click and stopped following: the
    replies she had asked for as a guest went on coming."""
    capture = django_capture_on_commit_callbacks
    as_guest = Client()
    with capture(execute=True):
        as_guest.post(
            f"/comments/{article.pk}/post/",
            form_data(author_name="Rosa", author_email="rosa@example.org", notify="replies"),
        )
        as_guest.post(f"/comments/{article.pk}/subscribe/", {"email": "rosa@example.org"})
    links = [
        re.search(r"/comments/subscriptions/(\S+)/confirm/", message.body).group(0)
        for message in mailoutbox
    ]
    assert len(links) == 2
    for link in links:
        as_guest.post(link)
    hers = Comment.objects.get(author_email="rosa@example.org")

    client.force_login(rosa)
    action, fields, _ = follow_form(client.get(article.url).content.decode())
    client.post(action, fields)
    action, fields, words = follow_form(client.get(article.url).content.decode())
    assert "Stop following" in words
    assert "You no longer follow" in client.post(action, fields).content.decode()

    mailoutbox.clear()
    with capture(execute=True):
        Client().post(
            f"/comments/{article.pk}/post/",
            form_data(parent_id=str(hers.pk), body="An answer to Rosa.", author_name="Noor"),
        )
        Client().post(f"/comments/{article.pk}/post/", form_data(body="Another view."))
    assert Comment.objects.filter(status=CommentStatus.PUBLISHED).count() == 3
    assert [m.subject for m in mailoutbox if "rosa@example.org" in m.to] == []
