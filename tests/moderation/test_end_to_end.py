"""Through the public API, as readers use it: the scam never shows; sharp debate does."""

import json

import pytest
from django.test import Client

from tests.moderation.conftest import HEATED, SCAM

pytestmark = pytest.mark.django_db


def reader(article):
    client = Client(enforce_csrf_checks=True)
    client.get(article.url)
    return client, client.cookies["csrftoken"].value


def post_comment(article, body, name, email):
    client, token = reader(article)
    response = client.post(
        f"/api/v1/articles/{article.pk}/comments",
        data=json.dumps({"body": body, "author_name": name, "author_email": email}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    return client, response.json()


def test_scam_is_never_shown_to_another_reader_and_its_author_only_sees_awaiting_moderation(
    article,
):
    spammer, created = post_comment(article, SCAM, "Jenny Walsh", "jenny@example.net")
    assert created["status"] == "pending"  # never "spam": a spammer learns nothing
    theirs = spammer.get(f"/api/v1/articles/{article.pk}/comments").json()["items"]
    assert [(item["id"], item["status"]) for item in theirs] == [(created["id"], "pending")]
    own_page = spammer.get(article.url).content.decode()
    assert "Goog-l-e" in own_page and "Awaiting moderation" in own_page
    someone_else = Client()
    assert someone_else.get(f"/api/v1/articles/{article.pk}/comments").json()["items"] == []
    assert "Goog-l-e" not in someone_else.get(article.url).content.decode()


def test_a_scam_posted_from_the_page_shows_its_author_awaiting_moderation(article):
    spammer, token = reader(article)
    response = spammer.post(
        f"/comments/{article.pk}/post/",
        {"body": SCAM, "author_name": "Jenny Walsh", "author_email": "jenny@example.net"},
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["status"] == "pending"
    assert "Awaiting moderation" in response.json()["html"]
    assert "vote" not in response.json()["html"].lower()


def test_heated_political_comment_is_shown_to_everyone(article):
    _, created = post_comment(article, HEATED, "Colm Byrne", "colm@example.com")
    assert created["status"] == "published"
    items = Client().get(f"/api/v1/articles/{article.pk}/comments").json()["items"]
    assert [item["id"] for item in items] == [created["id"]]
    assert "cabinet should resign" in Client().get(article.url).content.decode()
