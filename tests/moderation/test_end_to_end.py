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
    assert all(item["status"] == "pending" for item in theirs)
    someone_else = Client()
    assert someone_else.get(f"/api/v1/articles/{article.pk}/comments").json()["items"] == []
    assert "Goog-l-e" not in someone_else.get(article.url).content.decode()


def test_heated_political_comment_is_shown_to_everyone(article):
    _, created = post_comment(article, HEATED, "Colm Byrne", "colm@example.com")
    assert created["status"] == "published"
    items = Client().get(f"/api/v1/articles/{article.pk}/comments").json()["items"]
    assert [item["id"] for item in items] == [created["id"]]
    assert "cabinet should resign" in Client().get(article.url).content.decode()
