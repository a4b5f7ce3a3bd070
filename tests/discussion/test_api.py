import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.api import BODY_TOO_DEEP
from masthead.discussion import conf
from masthead.discussion.models import Comment, CommentStatus, Subscription
from masthead.discussion.services import comments as rules
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client():
    """A client that, like a browser page, must present the CSRF token from the cookie."""
    client = Client(enforce_csrf_checks=True)
    client.get("/api/v1/openapi.json")  # any page; the token is fetched below
    return client


def csrf(client, article):
    client.get(article.url)
    return client.cookies["csrftoken"].value


def post_json(client, url, payload, token, method="post"):
    return getattr(client, method)(
        url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )


def test_post_then_list_comments(browser_client, article):
    token = csrf(browser_client, article)
    url = f"/api/v1/articles/{article.pk}/comments"
    created = post_json(
        browser_client,
        url,
        {"body": "Great *piece*", "author_name": "Ana", "author_email": "ana@example.com"},
        token,
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "published"
    reply = post_json(
        browser_client,
        url,
        {
            "body": "Agreed",
            "author_name": "Ben",
            "author_email": "ben@example.com",
            "parent_id": data["id"],
        },
        token,
    )
    assert reply.status_code == 201

    listing = browser_client.get(url).json()
    assert listing["count"] == 2 and listing["page"] == 1 and listing["pages"] == 1
    top = listing["items"][0]
    assert set(top) >= {
        "id",
        "parent_id",
        "author_name",
        "body_html",
        "created",
        "edited",
        "score",
        "up",
        "down",
        "replies",
    }
    assert top["body_html"] == "<p>Great <em>piece</em></p>"
    assert "ana@example.com" not in json.dumps(listing)
    assert [r["author_name"] for r in top["replies"]] == ["Ben"]


def test_comments_are_paged_and_sorted(client, article, post):
    for n in range(25):
        post(f"Comment {n}")
    first = client.get(f"/api/v1/articles/{article.pk}/comments?sort=oldest&page=1").json()
    second = client.get(f"/api/v1/articles/{article.pk}/comments?sort=oldest&page=2").json()
    assert first["pages"] == 2 and first["count"] == 25
    assert len(first["items"]) == 20 and len(second["items"]) == 5
    assert (
        first["items"][0]["author_name"] == "Alex"
        and second["items"][-1]["body_html"] == "<p>Comment 24</p>"
    )
    assert client.get(f"/api/v1/articles/{article.pk}/comments?sort=sideways").status_code == 422


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"body": "", "author_name": "A", "author_email": "a@example.com"}, 400, rules.BODY_EMPTY),
        (
            {"body": "x" * 6000, "author_name": "A", "author_email": "a@example.com"},
            400,
            "at most 5,000",
        ),
        (
            {"body": "Hi", "author_name": "", "author_email": "a@example.com"},
            400,
            rules.NAME_MISSING,
        ),
        ({"body": "Hi", "author_name": "A", "author_email": ""}, 400, rules.EMAIL_MISSING),
        (
            {"body": "Hi", "author_name": "A", "author_email": "a" * 250 + "@example.com"},
            400,
            "at most 254 characters",
        ),
        (
            {
                "body": "Hi",
                "author_name": "A",
                "author_email": "a@example.com",
                "author_url": "https://example.com/" + "a" * 400,
            },
            400,
            "at most 300 characters",
        ),
        (
            {
                "body": "Hi",
                "author_name": "A",
                "author_email": "a@example.com",
                "parent_id": 987654,
            },
            400,
            rules.PARENT_UNKNOWN,
        ),
    ],
)
def test_bad_posts_get_a_json_message(browser_client, article, payload, status, message):
    response = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        payload,
        csrf(browser_client, article),
    )
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_a_refusal_names_the_field_at_fault(browser_client, article):
    response = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": "Hi", "author_name": "A", "author_email": ""},
        csrf(browser_client, article),
    )
    assert response.status_code == 400
    problem = {"detail": rules.EMAIL_MISSING, "field": "author_email"}
    assert response.json() == {**problem, "errors": [problem]}


def test_a_refusal_lists_every_field_at_fault_as_the_comment_forms_answer_does(
    browser_client, article
):
    """The API answered the first problem only: a client fixed the e-mail, sent again, and
    only then learned that the address of their site was refused too."""
    token = csrf(browser_client, article)
    comment = {"body": " ", "author_name": "A", "author_email": "not-an-address"}
    comment["author_url"] = "javascript:alert(1)"
    api = post_json(browser_client, f"/api/v1/articles/{article.pk}/comments", comment, token)
    form = browser_client.post(
        f"/comments/{article.pk}/post/",
        {**comment, "csrfmiddlewaretoken": token},
        HTTP_ACCEPT="application/json",
    )
    every_problem = [
        {"detail": rules.BODY_EMPTY, "field": "body"},
        {"detail": rules.EMAIL_INVALID, "field": "author_email"},
        {"detail": rules.URL_INVALID, "field": "author_url"},
    ]
    assert (api.status_code, api.json()) == (400, {**every_problem[0], "errors": every_problem})
    assert api.json() == form.json()
    assert not Comment.objects.filter(article=article).exists()


def test_a_request_that_does_not_match_the_schema_names_every_field_at_fault(
    browser_client, article
):
    response = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": 5, "author_name": ["A"], "parent_id": "first"},
        csrf(browser_client, article),
    )
    assert response.status_code == 422
    answer = response.json()
    named = [(problem["field"], problem["detail"]) for problem in answer["errors"]]
    assert [field for field, _ in named] == ["body", "author_name", "parent_id"]
    assert all(detail.startswith(f"{field}: ") for field, detail in named)
    assert (answer["field"], answer["detail"]) == named[0]
    assert all({"loc", "msg", "type"} <= set(problem) for problem in answer["errors"])


def test_a_reply_to_a_comment_on_another_article_is_answered_as_one_to_a_missing_comment(
    browser_client, article, post
):
    """Whether a comment id exists (held, or on an article the reader cannot open) is nobody's
    business: replying to it must tell no more than replying to an id that was never used."""
    token = csrf(browser_client, article)
    other = make_article(title="Elsewhere")
    foreign = post("On the other article", on=other)
    missing = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    guest = {"body": "Hi", "author_name": "A", "author_email": "a@example.com"}

    def answers(parent_id):
        api = post_json(
            browser_client,
            f"/api/v1/articles/{article.pk}/comments",
            {**guest, "parent_id": parent_id},
            token,
        )
        form = browser_client.post(
            f"/comments/{article.pk}/post/",
            {**guest, "parent_id": str(parent_id), "csrfmiddlewaretoken": token},
            HTTP_ACCEPT="application/json",
        )
        page = browser_client.post(
            f"/comments/{article.pk}/post/",
            {**guest, "parent_id": str(parent_id), "csrfmiddlewaretoken": token},
        )
        return (
            (api.status_code, api.json()),
            (form.status_code, form.json()),
            (page.status_code, rules.PARENT_UNKNOWN in page.content.decode()),
        )

    problem = {"detail": rules.PARENT_UNKNOWN, "field": "parent_id"}
    expected = (
        (400, {**problem, "errors": [problem]}),
        (400, {**problem, "errors": [problem]}),  # the page's script shows every problem
        (400, True),
    )
    assert answers(missing) == expected
    assert answers(foreign.pk) == expected
    assert not Comment.objects.filter(article=article).exists()


def test_closed_thread_and_unknown_article(browser_client, article):
    token = csrf(browser_client, article)
    guest = {"body": "Hi", "author_name": "A", "author_email": "a@example.com"}
    assert (
        post_json(browser_client, "/api/v1/articles/999999/comments", guest, token).status_code
        == 404
    )
    article.comments_open = False
    article.save()
    response = post_json(browser_client, f"/api/v1/articles/{article.pk}/comments", guest, token)
    assert response.status_code == 403 and response.json()["detail"] == rules.THREAD_CLOSED


def test_missing_body_field_is_a_422(browser_client, article):
    response = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"author_name": "A"},
        csrf(browser_client, article),
    )
    assert response.status_code == 422, response.json()
    assert response.json()["field"] == "body", response.json()
    assert response.json()["detail"].startswith("body: ")
    sideways = browser_client.get(f"/api/v1/articles/{article.pk}/comments?sort=sideways")
    assert sideways.json()["field"] == "sort" and sideways.json()["errors"]


def test_posting_without_the_csrf_token_is_refused(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/articles/{article.pk}/comments",
        data=json.dumps({"body": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_rate_limit_answers_429_with_retry_after(browser_client, article, settings):
    settings.MASTHEAD_COMMENT_RATE_LIMIT = "2/m"
    token = csrf(browser_client, article)
    url = f"/api/v1/articles/{article.pk}/comments"
    payload = {"body": "Quick", "author_name": "A", "author_email": "a@example.com"}
    assert [post_json(browser_client, url, payload, token).status_code for _ in range(2)] == [
        201,
        201,
    ]
    limited = post_json(browser_client, url, payload, token)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert "too quickly" in limited.json()["detail"]


def test_held_comment_is_pending_for_its_author_and_hidden_from_others(browser_client, article):
    token = csrf(browser_client, article)
    body = "Links http://a.example http://b.example http://c.example"
    created = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": body, "author_name": "A", "author_email": "a@example.com"},
        token,
    ).json()
    assert created["status"] == "pending"
    mine = browser_client.get(f"/api/v1/articles/{article.pk}/comments").json()
    assert [(c["id"], c["status"]) for c in mine["items"]] == [(created["id"], "pending")]
    assert Client().get(f"/api/v1/articles/{article.pk}/comments").json()["items"] == []


def test_vote_endpoint(browser_client, article, post):
    comment = post("Vote me")
    token = csrf(browser_client, article)
    url = f"/api/v1/comments/{comment.pk}/vote"
    assert post_json(browser_client, url, {"value": 1}, token).json() == {
        "score": 1,
        "up": 1,
        "down": 0,
        "value": 1,
    }
    assert post_json(browser_client, url, {"value": -1}, token).json()["score"] == -1
    assert post_json(browser_client, url, {"value": 0}, token).json()["score"] == 0
    assert post_json(browser_client, url, {"value": 5}, token).status_code == 422


def test_cannot_vote_on_own_comment_through_the_api(browser_client, article):
    token = csrf(browser_client, article)
    created = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": "Mine", "author_name": "A", "author_email": "a@example.com"},
        token,
    ).json()
    response = post_json(
        browser_client, f"/api/v1/comments/{created['id']}/vote", {"value": 1}, token
    )
    assert response.status_code == 403


def test_author_edits_and_deletes_within_the_window(browser_client, article):
    token = csrf(browser_client, article)
    created = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": "Typo here", "author_name": "A", "author_email": "a@example.com"},
        token,
    ).json()
    url = f"/api/v1/comments/{created['id']}"
    edited = post_json(browser_client, url, {"body": "Fixed here"}, token, method="patch")
    assert edited.status_code == 200 and edited.json()["edited"] is not None
    assert (
        Client(enforce_csrf_checks=False)
        .patch(url, data='{"body": "hijack"}', content_type="application/json")
        .status_code
        == 403
    )
    Comment.objects.filter(pk=created["id"]).update(created=timezone.now() - timedelta(minutes=20))
    late = post_json(browser_client, url, {"body": "Too late"}, token, method="patch")
    assert late.status_code == 403 and "15 minutes" in late.json()["detail"]
    Comment.objects.filter(pk=created["id"]).update(created=timezone.now())
    assert browser_client.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert Comment.objects.get(pk=created["id"]).deleted is not None


def test_subscription_endpoint(browser_client, article, mailoutbox):
    token = csrf(browser_client, article)
    response = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/subscriptions",
        {"email": "fan@example.com", "kind": "replies"},
        token,
    )
    assert response.status_code == 202 and response.json() == {"status": "confirmation_sent"}
    bad = post_json(
        browser_client, f"/api/v1/articles/{article.pk}/subscriptions", {"email": "nope"}, token
    )
    assert bad.status_code == 400


def test_a_signed_in_readers_api_subscription_belongs_to_their_account(
    browser_client, article, django_user_model
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")
    browser_client.force_login(rosa)
    token = csrf(browser_client, article)
    url = f"/api/v1/articles/{article.pk}/subscriptions"
    post_json(browser_client, url, {"email": "rosa@example.org", "kind": "all"}, token)
    guest = Client(enforce_csrf_checks=True)
    post_json(guest, url, {"email": "guest@example.com", "kind": "all"}, csrf(guest, article))

    owners = dict(Subscription.objects.values_list("email", "user"))
    assert owners == {"rosa@example.org": rosa.pk, "guest@example.com": None}
    assert "Harbour council" in browser_client.get("/accounts/").content.decode()  # "following"


def test_a_signed_in_reader_at_a_confirmed_address_follows_through_the_api_at_once_and_stops(
    browser_client, article, django_user_model, mailoutbox
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")
    browser_client.force_login(rosa)
    token = csrf(browser_client, article)
    url = f"/api/v1/articles/{article.pk}/subscriptions"
    answer = post_json(browser_client, url, {"kind": "all"}, token)  # the account's address
    assert (answer.status_code, answer.json()) == (200, {"status": "following"})
    assert mailoutbox == []
    subscription = Subscription.objects.get(article=article)
    assert subscription.is_active and subscription.user == rosa

    assert browser_client.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204
    subscription.refresh_from_db()
    assert subscription.unsubscribed is not None

    guest = Client(enforce_csrf_checks=True)
    refused = guest.delete(url, HTTP_X_CSRFTOKEN=csrf(guest, article))
    assert refused.status_code == 403 and "sign in" in refused.json()["detail"]


def test_articles_api_gains_comment_count_and_open_flag(client, article, post):
    post("One")
    post("Two")
    item = client.get("/api/v1/articles").json()[0]
    assert item["comment_count"] == 2 and item["comments_open"] is True


def test_openapi_documents_the_comment_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/articles/{article_id}/comments" in paths
    assert set(paths["/api/v1/comments/{comment_id}"]) == {"patch", "delete"}
    assert "/api/v1/articles/{article_id}/subscriptions" in paths


def test_openapi_documents_the_422_of_a_request_that_does_not_match(client, article):
    schema = client.get("/api/v1/openapi.json").json()
    listing = schema["paths"]["/api/v1/articles/{article_id}/comments"]
    assert client.get(f"/api/v1/articles/{article.pk}/comments?sort=x").status_code == 422
    assert listing["get"]["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InvalidRequest"
    }
    assert "422" in listing["post"]["responses"]
    assert set(schema["components"]["schemas"]["InvalidRequest"]["required"]) == {
        "detail",
        "field",
        "errors",
    }


def test_spam_status_is_never_revealed(browser_client, article):
    token = csrf(browser_client, article)
    response = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": "x", "author_name": "A", "author_email": "a@example.com"},
        token,
    )
    comment = Comment.objects.get(pk=response.json()["id"])
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.SPAM)
    listing = browser_client.get(f"/api/v1/articles/{article.pk}/comments")
    # its author sees it awaiting moderation, as a held comment
    assert [item["status"] for item in listing.json()["items"]] == ["pending"]
    assert "spam" not in listing.content.decode()
    assert Client().get(f"/api/v1/articles/{article.pk}/comments").json()["items"] == []


def test_anonymous_listing_is_cached_until_the_thread_changes(
    client, article, post, django_assert_max_num_queries
):
    post("First")
    url = f"/api/v1/articles/{article.pk}/comments"
    assert client.get(url).json()["count"] == 1
    with django_assert_max_num_queries(6):  # the thread version (one query, tested below)
        assert client.get(url).json()["count"] == 1
    post("Second")
    assert client.get(url).json()["count"] == 2


def test_a_shared_listing_costs_one_query_and_still_follows_the_site_and_the_article(
    client, article, post
):
    """A reader without a view of their own is served the shared answer after one read, the
    thread's version: not the article's page row (its body and all), its site and the site's
    discussion settings, three more queries on every poll of a busy thread. A change to the
    settings, or the article's unpublishing, still shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discussion.models import DiscussionSettings

    for number in range(3):
        post(f"Comment {number}")
    url = f"/api/v1/articles/{article.pk}/comments"
    assert client.get(url).json()["count"] == 3
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).json()["count"] == 3
    reads = [q["sql"] for q in captured if "publishing_contentversion" not in q["sql"]]
    assert len(reads) == 1, reads
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    answer = client.get(url).json()
    assert (answer["pages"], len(answer["items"])) == (2, 2)
    article.unpublish()
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/{Comment.objects.first().pk}/replies").status_code == 404


def test_a_guest_with_nothing_in_the_thread_is_served_the_shared_listing(
    browser_client, article, post
):
    post("First")
    other = make_article(title="Another story")
    token = csrf(browser_client, other)
    posted = post_json(
        browser_client,
        f"/api/v1/articles/{other.pk}/comments",
        {"body": "Elsewhere", "author_name": "Gus", "author_email": "gus@example.com"},
        token,
    )
    assert posted.status_code == 201 and conf.READER_COOKIE in browser_client.cookies
    url = f"/api/v1/articles/{article.pk}/comments"
    assert Client().get(url).json()["count"] == 1  # fills the shared answer
    # A change that does not move the thread's version shows who reads the shared answer: the
    # guest's cookie alone no longer costs them (and us) a full read of the thread.
    Comment.objects.filter(article=article).update(body_html="<p>Changed behind the cache</p>")
    shown = browser_client.get(url).json()["items"]
    assert [item["body_html"] for item in shown] == ["<p>First</p>"]
    # their own comment awaiting moderation still shows to them, and only to them
    held = post_json(
        browser_client,
        url,
        {"body": "Mine", "author_name": "Gus", "author_email": "gus@example.com"},
        token,
    )
    Comment.objects.filter(pk=held.json()["id"]).update(status=CommentStatus.PENDING)
    mine = browser_client.get(url).json()["items"]
    assert "pending" in [item["status"] for item in mine]
    assert [item["status"] for item in Client().get(url).json()["items"]] == ["published"]


def test_a_shared_answer_is_served_as_stored_without_checking_it_against_the_schema_again(
    client, article, post, monkeypatch
):
    """Ninja checks what an endpoint returns against its response schema: for a cached listing,
    about a third of the request's time. A shared answer is checked once, when it is stored,
    then served as the JSON it was, the start token still this response's own."""
    from pydantic import BaseModel

    from masthead.discussion.forms import form_timing

    root = post("First")
    post("A reply", parent_id=root.pk)
    listing = f"/api/v1/articles/{article.pk}/comments"
    urls = [listing, f"{listing}?sort=oldest", f"{listing}/{root.pk}/replies"]
    stored = {url: client.get(url) for url in urls}
    checked = []
    check = BaseModel.model_validate.__func__

    def counted_check(model, *args, **kwargs):
        checked.append(model.__name__)
        return check(model, *args, **kwargs)

    monkeypatch.setattr(BaseModel, "model_validate", classmethod(counted_check))
    served = {url: client.get(url) for url in urls}
    assert not {"NinjaResponseSchema", "ThreadOut", "RepliesOut"} & set(checked), checked
    for url in urls:
        assert served[url].status_code == 200
        assert (
            served[url]["Content-Type"]
            == stored[url]["Content-Type"]
            == "application/json; charset=utf-8"
        )
        answer, first = json.loads(served[url].content), json.loads(stored[url].content)
        if "started" in first:
            assert answer.pop("started") != first.pop("started")
        assert answer == first
    started = served[listing].json()["started"]
    assert 0 <= form_timing(started).seconds < 5


def test_guests_behind_one_address_who_keep_their_cookie_vote_as_readers_of_their_own(
    article, post, monkeypatch
):
    """An office or a phone network is one address: its guests, once they have their cookie,
    are limited each as one reader, not all together as a network."""
    from unittest import mock

    monkeypatch.setattr(conf, "VOTES_PER_READER_PER_MINUTE", 2)
    newcomers = conf.VOTES_PER_READER_PER_MINUTE * conf.GUEST_VOTES_PER_ADDRESS_FACTOR
    # Each comment gets two of their votes: under the cap on guests' votes per comment and address.
    comments = [post(f"Comment {number}") for number in range(newcomers)]
    token = "a" * 32
    guests = []
    for _ in range(newcomers):
        guest = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
        guest.cookies["csrftoken"] = token
        guests.append(guest)

    now = timezone.now().replace(second=10)
    with mock.patch("django.utils.timezone.now", return_value=now):
        for number, guest in enumerate(guests):  # each one's first vote makes them a guest
            comment = comments[number]
            vote = post_json(guest, f"/api/v1/comments/{comment.pk}/vote", {"value": 1}, token)
            assert vote.status_code == 200
        for number, guest in enumerate(guests):  # and with their cookie each votes as one reader
            comment = comments[(number + 1) % newcomers]
            vote = post_json(guest, f"/api/v1/comments/{comment.pk}/vote", {"value": 1}, token)
            assert vote.status_code == 200


def test_a_reader_who_writes_the_start_tokens_placeholder_breaks_nothing(client, article, post):
    """The shared listing is stored with a placeholder where each response's start token goes.
    A comment whose name or text is that placeholder, word for word, is shown as written, and
    the listing still carries this response's own token."""
    from masthead.discussion.api import STARTED_PLACEHOLDER
    from masthead.discussion.forms import form_timing

    post(STARTED_PLACEHOLDER, name=STARTED_PLACEHOLDER)
    listing = f"/api/v1/articles/{article.pk}/comments"
    for _ in range(2):  # stored, then served as stored
        response = client.get(listing)
        assert response.status_code == 200
        answer = response.json()
        assert [item["author_name"] for item in answer["items"]] == [STARTED_PLACEHOLDER]
        assert 0 <= form_timing(answer["started"]).seconds < 5


def test_numbers_past_the_databases_range_are_a_404_or_422_not_a_500(client, article):
    huge = 10**20
    assert client.get(f"/api/v1/articles/{huge}/comments").status_code == 404
    assert client.get(f"/api/v1/articles/{article.pk}/comments?page={huge}").status_code == 422
    assert client.get(f"/comments/{huge}/").status_code == 404
    assert client.get(f"/comments/{huge}/updates/").status_code == 404


def test_openapi_documents_the_refusals_the_endpoints_give(client, article):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    def documented(path, method, status):
        return str(status) in paths[f"/api/v1{path}"][method]["responses"]

    assert client.get("/api/v1/articles/424242/comments").status_code == 404
    assert documented("/articles/{article_id}/comments", "get", 404)
    assert client.get("/api/v1/articles?section=nope").status_code == 404
    assert documented("/articles", "get", 404)
    for n in range(10):  # confirmation e-mails to one address are capped per day
        response = client.post(
            f"/api/v1/articles/{article.pk}/subscriptions",
            data=json.dumps({"email": "target@example.com", "kind": ("all", "replies")[n % 2]}),
            content_type="application/json",
        )
        Subscription.objects.update(created=timezone.now() - timedelta(hours=1))
    assert response.status_code == 429
    assert documented("/articles/{article_id}/subscriptions", "post", 429)
    assert documented("/comments/{comment_id}", "patch", 429)  # edits count against the rate limit


def test_the_subscription_answer_does_not_tell_a_stranger_who_follows_a_thread(
    browser_client, article
):
    Subscription.objects.create(
        article=article,
        email="follower@example.com",
        kind="all",
        confirmed=timezone.now(),
    )
    token = csrf(browser_client, article)
    answers = [
        post_json(
            browser_client,
            f"/api/v1/articles/{article.pk}/subscriptions",
            {"email": email, "kind": "all"},
            token,
        )
        for email in ("follower@example.com", "nobody@example.com")
    ]
    assert [(a.status_code, a.json()) for a in answers] == [
        (202, {"status": "confirmation_sent"})
    ] * 2


@pytest.mark.parametrize("state", ["unknown", "unpublished", "restricted"])
def test_the_page_endpoints_and_the_api_find_no_closed_article_and_store_nothing(
    browser_client, article, state
):
    from wagtail.models import PageViewRestriction

    token = csrf(browser_client, article)
    article_id = article.pk
    if state == "unknown":
        article_id = 424242
    elif state == "unpublished":
        article.unpublish()
    else:
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
        )
    comment = {"body": "Hello", "author_name": "Ana", "author_email": "ana@example.com"}
    form = {**comment, "csrfmiddlewaretoken": token}
    subscription = {"email": "ana@example.com", "kind": "all"}
    answers = {
        "thread": browser_client.get(f"/comments/{article_id}/"),
        "sort": browser_client.get(f"/comments/{article_id}/sort/?sort=oldest"),
        "post": browser_client.post(f"/comments/{article_id}/post/", form),
        "subscribe": browser_client.post(
            f"/comments/{article_id}/subscribe/", {**subscription, "csrfmiddlewaretoken": token}
        ),
        "api list": browser_client.get(f"/api/v1/articles/{article_id}/comments"),
        "api post": post_json(
            browser_client, f"/api/v1/articles/{article_id}/comments", comment, token
        ),
        "api subscribe": post_json(
            browser_client, f"/api/v1/articles/{article_id}/subscriptions", subscription, token
        ),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 404
    )
    assert not Comment.objects.exists() and not Subscription.objects.exists()


def test_a_reader_who_gave_the_password_takes_part_in_a_protected_articles_discussion(
    browser_client, article, post
):
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    earlier = post("Said before the article was protected")
    token = csrf(browser_client, article)
    assert b"members" not in browser_client.get(article.url).content  # the password form
    answer = browser_client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/",
        {"password": "members", "return_url": article.url, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    token = browser_client.cookies["csrftoken"].value
    assert b"Said before the article was protected" in browser_client.get(article.url).content

    comment = {"body": "Hello, members", "author_name": "Ana", "author_email": "ana@example.com"}
    answers = {
        "thread": browser_client.get(f"/comments/{article.pk}/"),
        "updates": browser_client.get(f"/comments/{article.pk}/updates/"),
        "sort": browser_client.get(f"/comments/{article.pk}/sort/?sort=oldest"),
        "post": browser_client.post(
            f"/comments/{article.pk}/post/", {**comment, "csrfmiddlewaretoken": token}
        ),
        "api list": browser_client.get(f"/api/v1/articles/{article.pk}/comments"),
        "api post": post_json(
            browser_client, f"/api/v1/articles/{article.pk}/comments", comment, token
        ),
        "api vote": post_json(
            browser_client, f"/api/v1/comments/{earlier.pk}/vote", {"value": 1}, token
        ),
        "report": browser_client.post(
            f"/moderation/comment/{earlier.pk}/report/",
            {"reason": "spam", "csrfmiddlewaretoken": token},
        ),
        "link": browser_client.get(f"/comments/comment/{earlier.pk}/"),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "thread": 200,
        "updates": 200,
        "sort": 302,
        "post": 302,
        "api list": 200,
        "api post": 201,
        "api vote": 200,
        "report": 302,
        "link": 302,
    }
    assert b"Said before the article was protected" in answers["thread"].content
    assert Comment.objects.filter(body="Hello, members").count() == 2
    earlier.refresh_from_db()
    assert earlier.up == 1 and earlier.reports.count() == 1

    # A reader who has not given the password still finds nothing.
    stranger = Client(enforce_csrf_checks=True)
    stranger_token = csrf(stranger, article)
    refused = {
        "thread": stranger.get(f"/comments/{article.pk}/"),
        "api list": stranger.get(f"/api/v1/articles/{article.pk}/comments"),
        "api vote": post_json(
            stranger, f"/api/v1/comments/{earlier.pk}/vote", {"value": -1}, stranger_token
        ),
        "link": stranger.get(f"/comments/comment/{earlier.pk}/"),
    }
    assert {name: answer.status_code for name, answer in refused.items()} == {
        "thread": 404,
        "api list": 404,
        "api vote": 404,
        "link": 404,
    }


def feature(comment):
    from masthead.moderation.services import comment_feature

    comment_feature(comment=Comment.objects.get(pk=comment.pk), moderator=None)


def test_comments_say_whether_they_are_featured_and_the_thread_lists_its_picks(
    client, article, post
):
    top = post("Will there be a footpath?")
    reply = post("Yes, on the sea side: page 4 of the plan.", parent_id=top.pk)
    plain = post("Spring is optimistic.")
    feature(reply)
    feature(plain)

    listing = client.get(f"/api/v1/articles/{article.pk}/comments?sort=oldest").json()
    # The thread keeps the order asked for; each comment, reply or not, says whether it is a pick.
    assert [(c["id"], c["featured"]) for c in listing["items"]] == [
        (top.pk, False),
        (plain.pk, True),
    ]
    assert [(r["id"], r["featured"]) for r in listing["items"][0]["replies"]] == [(reply.pk, True)]
    # The picks, the latest first, on every page, without their replies.
    picks = listing["featured_items"]
    assert [(c["id"], c["featured"], c["replies"]) for c in picks] == [
        (plain.pk, True, []),
        (reply.pk, True, []),
    ]
    assert picks[1]["parent_id"] == top.pk and picks[1]["body_html"] == reply.body_html
    second_page = client.get(f"/api/v1/articles/{article.pk}/comments?page=2").json()
    assert second_page["items"] == [] and second_page["featured_items"] == picks


def test_an_anonymous_listing_cached_before_a_pick_shows_it_at_once(client, article, post):
    comment = post("Will there be a footpath?")
    url = f"/api/v1/articles/{article.pk}/comments"
    assert client.get(url).json()["featured_items"] == []  # now cached
    feature(comment)
    listing = client.get(url).json()
    assert [c["id"] for c in listing["featured_items"]] == [comment.pk]
    assert listing["items"][0]["featured"] is True


def test_openapi_documents_the_featured_fields(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["CommentOut"]["properties"]["featured"]["type"] == "boolean"
    assert "featured" in schemas["CommentOut"]["required"]
    assert "featured_items" in schemas["ThreadOut"]["required"]


def test_half_a_utf16_pair_in_a_comment_is_stored_as_a_replacement_character(
    browser_client, article
):
    token = csrf(browser_client, article)
    created = browser_client.post(
        f"/api/v1/articles/{article.pk}/comments",
        data='{"body": "Fair point \\ud800 there", "author_name": "Ana \\udfff",'
        ' "author_email": "ana@example.com"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert created.status_code == 201, created.content
    comment = Comment.objects.get(pk=created.json()["id"])
    assert comment.body == "Fair point \ufffd there" and comment.author_name == "Ana \ufffd"


def test_a_body_over_the_upload_limit_is_answered_413(browser_client, article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = csrf(browser_client, article)
    answer = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": "x" * 2000, "author_name": "Ana", "author_email": "ana@example.com"},
        token,
    )
    assert answer.status_code == 413
    assert answer.json()["detail"] == "The request is too large: at most 1,000 bytes."
    assert not Comment.objects.exists()


def test_a_comment_not_shown_answers_as_a_missing_one(browser_client, article, post):
    """Votes, reports, replies, edits and deletes must not tell a held, spam or removed comment
    of someone else from one that does not exist."""
    held = post("Held for review.")
    spam = post("Buy now.")
    removed = post("Rude words.")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    Comment.objects.filter(pk=spam.pk).update(status=CommentStatus.SPAM)
    Comment.objects.filter(pk=removed.pk).update(status=CommentStatus.REMOVED)
    missing = Comment.objects.order_by("-pk").first().pk + 1000
    token = csrf(browser_client, article)

    def answers(comment_id):
        url = f"/api/v1/comments/{comment_id}"
        reply = post_json(
            browser_client,
            f"/api/v1/articles/{article.pk}/comments",
            {
                "body": "Hi",
                "author_name": "A",
                "author_email": "a@example.com",
                "parent_id": comment_id,
            },
            token,
        )
        found = {
            "vote": post_json(browser_client, f"{url}/vote", {"value": 1}, token),
            "report": post_json(
                browser_client, f"{url}/report", {"reason": "spam", "note": "x" * 400}, token
            ),
            "edit": post_json(browser_client, url, {"body": "Mine now"}, token, method="patch"),
            "delete": browser_client.delete(url, HTTP_X_CSRFTOKEN=token),
            "reply": reply,
            "form vote": browser_client.post(
                f"/comments/comment/{comment_id}/vote/",
                {"value": "1", "csrfmiddlewaretoken": token},
            ),
            "form report": browser_client.post(
                f"/moderation/comment/{comment_id}/report/",
                {"reason": "spam", "csrfmiddlewaretoken": token},
            ),
        }
        return {
            name: (
                answer.status_code,
                answer.json() if answer["Content-Type"].startswith("application/json") else None,
            )
            for name, answer in found.items()
        }

    expected = answers(missing)
    assert expected["vote"] == (404, {"detail": "No such comment.", "field": None})
    unknown_parent = {"detail": rules.PARENT_UNKNOWN, "field": "parent_id"}
    assert expected["reply"] == (400, {**unknown_parent, "errors": [unknown_parent]})
    assert expected["form vote"][0] == expected["form report"][0] == 404
    for hidden in (held, spam, removed):
        assert answers(hidden.pk) == expected, hidden.status
    assert Comment.objects.filter(body="Hi").count() == 0


def test_a_readers_own_comment_awaiting_moderation_is_theirs(browser_client, article):
    token = csrf(browser_client, article)
    created = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {"body": "Mine", "author_name": "A", "author_email": "a@example.com"},
        token,
    ).json()
    Comment.objects.filter(pk=created["id"]).update(status=CommentStatus.SPAM)
    url = f"/api/v1/comments/{created['id']}"
    vote = post_json(browser_client, f"{url}/vote", {"value": 1}, token)
    assert (vote.status_code, vote.json()["detail"]) == (
        403,
        "You cannot vote on your own comment.",
    )
    report = post_json(browser_client, f"{url}/report", {"reason": "spam"}, token)
    assert report.status_code == 403 and "your own comment" in report.json()["detail"]
    reply = post_json(
        browser_client,
        f"/api/v1/articles/{article.pk}/comments",
        {
            "body": "And more",
            "author_name": "A",
            "author_email": "a@example.com",
            "parent_id": created["id"],
        },
        token,
    )
    awaiting = {"detail": rules.PARENT_AWAITING_MODERATION, "field": "parent_id"}
    assert reply.json() == {**awaiting, "errors": [awaiting]}
    edited = post_json(browser_client, url, {"body": "Mine, mended"}, token, method="patch")
    assert edited.status_code == 200 and edited.json()["status"] == "pending"


ERROR_KEYS = {"detail", "field"}


def test_every_error_under_the_api_has_a_detail_and_a_field(browser_client, article, post, db):
    """{"detail": <message>, "field": <input at fault or null>}, whatever went wrong."""
    comment = post("Vote me")
    token = csrf(browser_client, article)
    comments = f"/api/v1/articles/{article.pk}/comments"

    def error(response, status):
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json"), response.content
        body = response.json()
        assert set(body) >= ERROR_KEYS and isinstance(body["detail"], str), body
        return body["detail"], body["field"]

    assert error(browser_client.get("/api/v1/articles/424242/comments"), 404) == (
        "No such article.",
        None,
    )
    assert error(browser_client.get("/api/v1/campaigns/current"), 404) == (
        "This site has no current campaign.",
        None,
    )
    detail, field = error(browser_client.get("/api/v1/no-such-thing"), 404)
    assert "/api/v1/no-such-thing" in detail and field is None
    assert error(browser_client.get("/api/v1/articles/"), 404)[1] is None
    not_allowed = browser_client.put(f"/api/v1/comments/{comment.pk}/vote")
    assert error(not_allowed, 405) == (
        "PUT is not allowed here; this endpoint answers POST.",
        None,
    )
    assert not_allowed["Allow"] == "POST"

    csrf_refusal = Client(enforce_csrf_checks=True).post(
        comments, data=json.dumps({"body": "x"}), content_type="application/json"
    )
    detail, field = error(csrf_refusal, 403)
    assert "X-CSRFToken" in detail and field is None

    subscription = post_json(
        browser_client, f"{comments[:-9]}/subscriptions", {"email": "not-mail"}, token
    )
    assert error(subscription, 400)[1] == "email"
    report = post_json(
        browser_client,
        f"/api/v1/comments/{comment.pk}/report",
        {"reason": "spam", "note": "x" * 301},
        token,
    )
    assert error(report, 400) == ("Please keep the note under 300 characters.", "note")

    listed = browser_client.post(
        comments, data="[1, 2]", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert error(listed, 400) == (
        "The request body must be a JSON object, {...}, not a list.",
        None,
    )
    broken = browser_client.post(
        comments, data="{'body':", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert error(broken, 400)[0].startswith("The request body is not valid JSON: ")
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a": ' * 900 + "1" + "}" * 900):
        nested = browser_client.post(
            comments,
            data='{"body": ' + deep + "}",
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        assert error(nested, 400) == (BODY_TOO_DEEP, None)

    vote = f"/api/v1/comments/{comment.pk}/vote"
    for not_a_vote in (True, False, 1.0, "1", 2):
        detail, field = error(post_json(browser_client, vote, {"value": not_a_vote}, token), 422)
        assert field == "value" and detail.startswith("value: ") and "-1" in detail, detail
    comment.refresh_from_db()
    assert comment.up == 0 and comment.score == 0


def test_openapi_lists_the_errors_each_operation_can_answer(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"200", "404"} <= set(paths["/api/v1/campaigns/current"]["get"]["responses"])
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if "requestBody" in operation:
                assert {"400", "403", "413", "422"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            for code, answer in operation["responses"].items():
                if code[0] in "45" and code != "422":
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, code)
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    error = schemas["Error"]
    # Every problem of a refusal besides the first: documented, and not required of other errors.
    assert set(error["properties"]) == {*ERROR_KEYS, "errors"}
    assert error["required"] == ["detail"]
    assert "#/components/schemas/Problem" in json.dumps(error["properties"]["errors"])
    assert set(schemas["Problem"]["properties"]) == ERROR_KEYS
    problem = schemas["InvalidRequest"]["properties"]["errors"]["items"]
    assert {*ERROR_KEYS, "loc", "msg", "type"} <= set(problem["required"])


FORGED = "form sent without the token its page gives (posted by a script)"


def test_the_api_weighs_a_missing_start_token_and_a_filled_honeypot_as_the_form_does(
    browser_client, article, django_user_model
):
    """A bot posting straight to the API is no better off than one posting to the form's
    address; a reader's own client still gets its comment posted."""
    from masthead.discussion.forms import form_started_token
    from masthead.moderation.models import CommentVerdict

    url = f"/api/v1/articles/{article.pk}/comments"
    token = csrf(browser_client, article)
    started = browser_client.get(url).json()["started"]
    half_a_minute_ago = form_started_token(timezone.now() - timedelta(seconds=30))
    posts = {
        "with the listing's token": {"started": started},
        "with the form's token": {"started": half_a_minute_ago},
        "without a token": {},
        "with a token of its own": {"started": "1700000000"},
        "with the honeypot filled": {"started": half_a_minute_ago, "homepage": "http://x.test"},
    }
    answers = {}
    for n, (body, extra) in enumerate(posts.items()):
        guest = {"author_name": "Ana", "author_email": f"ana{n}@example.com"}
        response = post_json(browser_client, url, {"body": body, **guest, **extra}, token)
        answers[body] = response.status_code, response.json()["status"]
    assert answers["with the honeypot filled"] == (201, "pending")  # never told it is spam
    assert all(status == 201 for status, _ in answers.values())

    account = Client(enforce_csrf_checks=True)
    account.force_login(django_user_model.objects.create_user("rosa", "rosa@example.com", "pw"))
    account_token = csrf(account, article)
    for body, extra in (
        ("An account's client, without a token", {}),
        ("An account's client, with a token of its own", {"started": "forged"}),
    ):
        response = post_json(account, url, {"body": body, **extra}, account_token)
        assert response.status_code == 201, response.content

    verdicts = {v.comment.body: v for v in CommentVerdict.objects.select_related("comment")}
    assert {body: FORGED in verdict.reasons for body, verdict in verdicts.items()} == {
        "with the listing's token": False,
        "with the form's token": False,
        "without a token": True,
        "with a token of its own": True,
        "with the honeypot filled": False,
        "An account's client, without a token": False,
        "An account's client, with a token of its own": True,
    }
    assert verdicts["with the honeypot filled"].comment.status == CommentStatus.SPAM
    assert verdicts["with the listing's token"].comment.status == CommentStatus.PUBLISHED
    # the listing's token was just issued: posted at once, it is too fast for a person
    assert any("after it was opened" in r for r in verdicts["with the listing's token"].reasons)
    assert not any("after it was opened" in r for r in verdicts["with the form's token"].reasons)


def test_a_comment_with_a_nul_character_is_refused_with_a_message_not_a_server_error(
    browser_client, article
):
    """PostgreSQL cannot store one: posting or editing such a text was a 500 there."""
    token = csrf(browser_client, article)
    url = f"/api/v1/articles/{article.pk}/comments"
    guest = {"author_name": "Ana", "author_email": "ana@example.com"}
    problem = {"detail": rules.BODY_HAS_NUL, "field": "body"}
    refused = {**problem, "errors": [problem]}
    response = post_json(browser_client, url, {"body": "Hi\x00there", **guest}, token)
    assert (response.status_code, response.json()) == (400, refused)
    created = post_json(browser_client, url, {"body": "Hi there", **guest}, token).json()
    edit = post_json(
        browser_client,
        f"/api/v1/comments/{created['id']}",
        {"body": "Hi\x00again"},
        token,
        method="patch",
    )
    assert (edit.status_code, edit.json()) == (400, refused)
    assert Comment.objects.get(pk=created["id"]).body == "Hi there"


def test_flipping_a_vote_over_and_over_is_slowed_down_and_a_vote_that_changes_nothing_is_free(
    browser_client, article, post, make_guest, monkeypatch
):
    """Each vote recounts the comment and makes every cached page of its thread stale."""
    from masthead.discussion import conf, selectors
    from masthead.discussion.services.votes import VOTING_TOO_FAST, VoteRefused, vote_cast

    comment = post("Vote on me")
    reader, now = make_guest(), timezone.now().replace(second=10)
    for n in range(conf.VOTES_PER_READER_PER_MINUTE):
        vote_cast(comment=comment, reader=reader, value=1 - n % 2, now=now)
    version = selectors.thread_version(article.pk)
    vote_cast(comment=comment, reader=reader, value=0, now=now)  # the 30 flips ended on 0
    assert selectors.thread_version(article.pk) == version
    with pytest.raises(VoteRefused) as refused:
        vote_cast(comment=comment, reader=reader, value=1, now=now)
    assert (refused.value.status, refused.value.retry_after) == (429, 50)
    assert refused.value.message == VOTING_TOO_FAST.format(seconds=50)
    comment.refresh_from_db()
    assert (comment.score, comment.up, selectors.thread_version(article.pk)) == (0, 0, version)
    # The next minute, the reader votes again.
    vote_cast(comment=comment, reader=reader, value=1, now=now + timedelta(minutes=1))

    monkeypatch.setattr(conf, "VOTES_PER_READER_PER_MINUTE", 0)
    answer = post_json(
        browser_client,
        f"/api/v1/comments/{comment.pk}/vote",
        {"value": 1},
        csrf(browser_client, article),
    )
    assert answer.status_code == 429 and 0 < int(answer["Retry-After"]) <= 60
    assert answer.json()["detail"] == VOTING_TOO_FAST.format(seconds=answer["Retry-After"])


def test_a_long_conversation_is_listed_a_page_of_replies_at_a_time(
    client, article, post, monkeypatch
):
    """A listing carries a conversation's earliest replies only, with how many more there are
    and where they go on; following that gives every other reply once, in time order."""
    monkeypatch.setattr(conf, "REPLIES_SHOWN", 3)
    monkeypatch.setattr(conf, "VIEW_ALL_PAGE_COMMENTS", 5)  # 4 replies below the repeated root
    root = post("The bridge is too narrow.")
    replies = [post("Reply 0", parent_id=root.pk)]
    replies.append(post("Answer to the first", parent_id=replies[0].pk))
    replies += [post(f"Reply {n}", parent_id=root.pk) for n in range(1, 9)]
    post("A short one")

    listing = client.get(f"/api/v1/articles/{article.pk}/comments?sort=oldest").json()
    first = listing["items"][0]
    carried = [first["replies"][0]["id"], first["replies"][0]["replies"][0]["id"]]
    carried.append(first["replies"][1]["id"])
    assert carried == [reply.pk for reply in replies[:3]]
    assert first["replies"][1]["author_name"] == "Alex" and first["replies"][1]["up"] == 0
    assert first["more_replies"] == len(replies) - 3 == 7
    assert listing["items"][1]["more_replies"] == 0
    assert listing["items"][1]["more_replies_url"] is None

    url, rest, pages = first["more_replies_url"], [], []
    while url:
        page = client.get(url).json()
        assert page["comment_id"] == root.pk
        pages.append([item["id"] for item in page["items"]])
        rest += pages[-1]
        assert page["more_replies"] == len(replies) - 3 - len(rest)
        url = page["more_replies_url"]
    assert rest == [reply.pk for reply in replies[3:]]
    assert [len(ids) for ids in pages] == [4, 3]


def test_the_replies_endpoint_refuses_what_is_no_conversation(client, article, post):
    root = post("The bridge is too narrow.")
    reply = post("Agreed", parent_id=root.pk)
    base = f"/api/v1/articles/{article.pk}/comments"
    assert client.get(f"{base}/{reply.pk}/replies").status_code == 404
    assert client.get(f"{base}/987654/replies").status_code == 404
    bad = client.get(f"{base}/{root.pk}/replies?after=yesterday")
    assert bad.status_code == 422 and bad.json()["field"]
    whole = client.get(f"{base}/{root.pk}/replies").json()
    assert [item["id"] for item in whole["items"]] == [reply.pk]
    assert whole["more_replies"] == 0 and whole["more_replies_url"] is None


def test_openapi_documents_the_replies_not_carried(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["CommentOut"]["properties"]
    assert {"more_replies", "more_replies_url", "replies"} <= set(fields)
    assert "/api/v1/articles/{article_id}/comments/{comment_id}/replies" in schema["paths"]


def test_most_voted_pages_keep_the_order_the_client_started_with_while_votes_come_in(
    client, article, post
):
    """As the page's "load more" does: page 2, asked with page 1's `votes_at`, neither repeats
    a comment page 1 gave nor skips one that votes moved ahead of it meanwhile."""
    from masthead.discussion.models import DiscussionSettings
    from masthead.discussion.readers import Reader
    from masthead.discussion.services.votes import vote_cast

    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    comments = [post(f"Comment {n}") for n in range(4)]
    for comment, score in zip(comments, (6, 4, 2, 0), strict=True):
        Comment.objects.filter(pk=comment.pk).update(imported_score=score, score=score)
    url = f"/api/v1/articles/{article.pk}/comments"
    first = client.get(url, {"sort": "most_voted"}).json()
    assert [item["id"] for item in first["items"]] == [comments[0].pk, comments[1].pk]
    third = Comment.objects.get(pk=comments[2].pk)
    for n in range(3):  # 2 -> 5: ahead of the second, which the client has read
        third = vote_cast(
            comment=third, reader=Reader(user=None, key=f"g-v{n}", ip_hash=f"v{n}"), value=1
        )

    second = client.get(
        url, {"sort": "most_voted", "page": 2, "votes_at": first["votes_at"]}
    ).json()
    assert [item["id"] for item in second["items"]] == [comments[2].pk, comments[3].pk]
    assert second["items"][0]["score"] == 5  # in the order of then, with its score of now
    assert second["votes_at"] == first["votes_at"]
    # A client that starts afresh sees the order of now.
    again = client.get(url, {"sort": "most_voted"}).json()
    assert [item["id"] for item in again["items"]] == [comments[0].pk, comments[2].pk]
    assert again["votes_at"] > first["votes_at"]
    # Other orders have no moment of the scores.
    assert client.get(url, {"sort": "newest"}).json()["votes_at"] is None


def test_a_script_dropping_its_cookie_at_each_vote_is_slowed_down_by_its_network(
    article, post, monkeypatch
):
    """Without a cookie each vote came from a new reader, whose own limit never slowed it down:
    across a thread's comments one address could vote as fast as it could post."""
    from unittest import mock

    from masthead.discussion.services.votes import VOTING_TOO_FAST

    monkeypatch.setattr(conf, "VOTES_PER_READER_PER_MINUTE", 2)
    allowed = conf.VOTES_PER_READER_PER_MINUTE * conf.GUEST_VOTES_PER_ADDRESS_FACTOR
    comments = [post(f"Comment {number}") for number in range(allowed // 4 + 1)]
    token = "a" * 32  # any well-formed token the cookie repeats passes the CSRF check

    def vote_as_new_reader(comment, address="127.0.0.1"):
        script = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        script.cookies["csrftoken"] = token
        return post_json(script, f"/api/v1/comments/{comment.pk}/vote", {"value": 1}, token)

    now = timezone.now().replace(second=10)
    with mock.patch("django.utils.timezone.now", return_value=now):
        answers = [vote_as_new_reader(comments[number // 4]) for number in range(allowed + 1)]
        assert [answer.status_code for answer in answers[:allowed]] == [200] * allowed
        refused = answers[-1]
        assert refused.status_code == 429 and refused["Retry-After"] == "50"
        assert refused.json()["detail"] == VOTING_TOO_FAST.format(seconds=50)
        # Readers elsewhere vote on as before.
        assert vote_as_new_reader(comments[-1], address="198.51.100.7").status_code == 200


def test_an_account_following_through_the_api_takes_what_its_address_confirmed_as_a_guest(
    browser_client, article, django_user_model, mailoutbox
):
    as_guest = Subscription.objects.create(
        article=article, email="rosa@example.org", kind="all", confirmed=timezone.now()
    )
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")
    browser_client.force_login(rosa)
    token = csrf(browser_client, article)
    url = f"/api/v1/articles/{article.pk}/subscriptions"
    answer = post_json(browser_client, url, {"kind": "all"}, token)
    assert (answer.status_code, answer.json()) == (200, {"status": "following"})
    assert mailoutbox == []
    assert browser_client.delete(url, HTTP_X_CSRFTOKEN=token).status_code == 204
    as_guest.refresh_from_db()
    assert as_guest.unsubscribed is not None
