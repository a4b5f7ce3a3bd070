import asyncio
import json
import threading

import pytest
from django.conf import settings

from masthead.discussion import live
from tests.event_loops import run_in_own_loop

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="server-sent events need REDIS_URL")


def test_streams_are_off_without_redis(client, db, article, monkeypatch):
    monkeypatch.setattr(live, "streams_available", lambda: False)
    assert client.get(f"/comments/{article.pk}/stream/").status_code == 404


def test_streams_are_never_served_by_a_wsgi_worker(client, db, article, monkeypatch):
    monkeypatch.setattr(live, "streams_available", lambda: True)
    response = client.get(f"/comments/{article.pk}/stream/")  # the test client speaks WSGI
    assert response.status_code == 404


def test_no_stream_for_an_unpublished_article(db, article, monkeypatch):
    from asgiref.sync import async_to_sync
    from django.http import Http404
    from django.test import AsyncRequestFactory

    from masthead.discussion.views import stream

    monkeypatch.setattr(live, "streams_available", lambda: True)
    article.unpublish()
    # Called in this thread, unlike the test client, so that the view reads the test's database.
    request = AsyncRequestFactory().get(f"/comments/{article.pk}/stream/")
    with pytest.raises(Http404):
        async_to_sync(stream)(request, article.pk)


@needs_redis
def test_event_stream_delivers_a_published_comment():
    async def read_events():
        stream = live.event_stream(987654, seconds=5)
        opening = await stream.__anext__()
        assert opening.startswith("retry:")
        received = threading.Event()

        def publish_until_received():
            # Subscribing completes on the server a moment after the command is sent.
            while not received.wait(0.2):
                payload = json.dumps({"comment_id": 5, "count": 1})
                live._redis().publish(live.channel_name(987654), payload)

        threading.Thread(target=publish_until_received, daemon=True).start()
        try:
            while True:
                chunk = await asyncio.wait_for(stream.__anext__(), timeout=5)
                if chunk.startswith("event: comment"):
                    await stream.aclose()
                    return chunk
        finally:
            received.set()

    chunk = run_in_own_loop(read_events())
    assert 'data: {"comment_id": 5, "count": 1}' in chunk


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_posting_a_comment_announces_it(article, post):
    received = []

    async def listen():
        stream = live.event_stream(article.pk, seconds=5)
        await stream.__anext__()
        ready.set()
        while True:
            chunk = await asyncio.wait_for(stream.__anext__(), timeout=5)
            if chunk.startswith("event: comment"):
                received.append(chunk)
                await stream.aclose()
                return

    ready = threading.Event()
    listener = threading.Thread(target=lambda: asyncio.run(listen()))
    listener.start()
    ready.wait(5)
    comment = post("Live!")
    listener.join(6)
    assert received and f'"comment_id": {comment.pk}' in received[0]
