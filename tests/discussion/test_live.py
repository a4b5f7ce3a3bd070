import asyncio
import json
import threading

import pytest
from django.conf import settings

from masthead.discussion import conf, live
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


class StreamingReader:
    """A browser tab holding a stream open through the ASGI application, as `masthead serve`
    runs it, from a given network address, until it leaves (disconnects)."""

    def __init__(self, article_id: int, address: str):
        self.article_id = article_id
        self.address = address
        self.messages = []
        self.left = asyncio.Event()

    async def open(self):
        """Send the request and wait for the answer's status and first piece of its body."""
        from masthead.asgi import application

        answered = asyncio.get_running_loop().create_future()
        requested = False

        async def receive():
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self.left.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            self.messages.append(message)
            if message["type"] == "http.response.body" and not answered.done():
                answered.set_result(None)

        path = f"/comments/{self.article_id}/stream/"
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"accept", b"text/event-stream")],
            "client": (self.address, 50000),
            "server": ("testserver", 80),
        }
        self.served = asyncio.create_task(application(scope, receive, send))
        await asyncio.wait_for(answered, timeout=10)
        return self

    @property
    def status(self) -> int:
        return self.messages[0]["status"]

    @property
    def headers(self) -> dict[str, str]:
        return {
            name.decode().lower(): value.decode() for name, value in self.messages[0]["headers"]
        }

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])

    async def leave(self):
        self.left.set()
        await asyncio.wait_for(self.served, timeout=10)


def open_streams(article_id, addresses, then=None):
    """Open a stream from each address in turn (in one event loop), then run `then(readers)`;
    every stream still open is left at the end."""

    async def scenario():
        readers = []
        try:
            for address in addresses:
                readers.append(await StreamingReader(article_id, address).open())
            if then is not None:
                readers += await then(readers)
        finally:
            for reader in readers:
                if not reader.served.done():
                    await reader.leave()
        return readers

    return run_in_own_loop(scenario())


@pytest.fixture
def streams_per_network(monkeypatch):
    def allow(count):
        # (raising=False: on code without the cap, the tests fail on what readers get instead)
        monkeypatch.setattr(conf, "LIVE_STREAMS_PER_NETWORK", count, raising=False)

    return allow


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_network_holds_at_most_its_share_of_streams_while_another_still_gets_one(
    article, streams_per_network
):
    streams_per_network(2)
    first, second, third, elsewhere = open_streams(
        article.pk, ["203.0.113.7", "203.0.113.7", "203.0.113.7", "198.51.100.4"]
    )
    assert [first.status, second.status] == [200, 200]
    assert first.body.startswith(b"retry:")
    assert third.status == 429
    # Not an event stream, so the browser does not retry it: the page polls this instead.
    assert json.loads(third.body) == {
        "detail": live.TOO_MANY_STREAMS,
        "updates_url": f"/comments/{article.pk}/updates/",
    }
    # A place frees at the latest when the oldest stream reaches its deadline.
    assert 1 <= int(third.headers["retry-after"]) <= conf.LIVE_STREAM_SECONDS
    assert elsewhere.status == 200


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_addresses_of_one_ipv6_64_network_share_its_streams(article, streams_per_network):
    streams_per_network(1)
    streams = open_streams(
        article.pk, ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"]
    )
    assert [reader.status for reader in streams] == [200, 429, 200]


@needs_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("ending", ["the reader leaves", "its deadline passes", "the server stops"])
def test_a_stream_that_ends_frees_its_place_for_its_network(
    article, streams_per_network, monkeypatch, ending
):
    streams_per_network(1)
    if ending == "its deadline passes":
        monkeypatch.setattr(conf, "LIVE_STREAM_SECONDS", 0.2)

    async def end_the_first_then_try_again(readers):
        first = readers[0]
        refused = await StreamingReader(article.pk, "203.0.113.7").open()
        if ending == "the reader leaves":
            await first.leave()
        elif ending == "its deadline passes":
            await asyncio.wait_for(first.served, timeout=10)
        else:  # what `masthead serve`'s web workers do first when told to stop
            await live.end_open_streams()
            await asyncio.wait_for(first.served, timeout=10)
            assert first.messages[-1] == {"type": "http.response.body"}  # the response is whole
        return [refused, await StreamingReader(article.pk, "203.0.113.7").open()]

    first, refused, after = open_streams(
        article.pk, ["203.0.113.7"], then=end_the_first_then_try_again
    )
    assert first.status == 200
    assert refused.status == 429
    assert after.status == 200


@needs_redis
def test_a_stream_frees_its_place_when_it_fails(monkeypatch, streams_per_network):
    streams_per_network(1)

    async def fail_then_open_again():
        broker = live._broker()

        async def failing_listen(channel):
            raise ConnectionError("Redis went away")

        with monkeypatch.context() as patched:
            patched.setattr(broker, "listen", failing_listen)
            with pytest.raises(ConnectionError):
                await anext(live.event_stream(987655, network="net-a"))
        events = live.event_stream(987655, network="net-a")
        opening = await anext(events)
        await events.aclose()
        return opening

    assert run_in_own_loop(fail_then_open_again()).startswith("retry:")


@needs_redis
def test_a_reader_who_leaves_while_their_place_is_being_taken_leaves_no_place_taken(
    streams_per_network,
):
    """Redis may take the place and the reader leave (their request cancelled) before its answer
    comes back: nothing would then give the place back for minutes, until its deadline."""
    streams_per_network(1)

    async def leave_while_the_place_is_taken():
        broker = live._broker()
        taking = asyncio.Event()
        take_for_real = broker.client.eval

        async def answer_after_the_reader_left(*arguments):
            answer = await take_for_real(*arguments)
            taking.set()
            await asyncio.Event().wait()  # the answer is on its way when the reader leaves
            return answer

        broker.client.eval = answer_after_the_reader_left
        opening = asyncio.create_task(live.opened_event_stream(987656, network="net-left"))
        await taking.wait()
        opening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await opening
        broker.client.eval = take_for_real
        events = await live.opened_event_stream(987656, network="net-left")
        await events.aclose()
        return "opened"

    assert run_in_own_loop(leave_while_the_place_is_taken()) == "opened"
