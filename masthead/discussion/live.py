"""Telling open pages about new comments.

Everywhere: pages poll a tiny JSON document with conditional requests (304 while nothing changed).
With REDIS_URL: a server-sent event stream per open page, fed by Redis pub/sub, served by an
async view so that an open stream holds no worker thread.
"""

import asyncio
import json
import logging
import math
import time
import uuid
import weakref
from contextlib import aclosing

from django.conf import settings

from masthead.discussion import conf

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15


def channel_name(article_id: int) -> str:
    return f"masthead:thread:{article_id}"


def streams_available() -> bool:
    return bool(getattr(settings, "REDIS_URL", None))


_sync_client = None


def _redis():
    global _sync_client
    if _sync_client is None:
        import redis

        _sync_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    return _sync_client


def announce(article_id: int, comment_id: int) -> None:
    """Publish "a comment appeared" to the article's channel (best effort: polling still works)."""
    if not streams_available():
        return
    from masthead.discussion.models import ThreadStats

    stats = ThreadStats.objects.filter(article_id=article_id).first()
    payload = {"comment_id": comment_id, "count": stats.published_count if stats else None}
    try:
        _redis().publish(channel_name(article_id), json.dumps(payload))
    except Exception:
        logger.warning("Could not publish a live update for article %s", article_id, exc_info=True)


class _Broker:
    """One Redis pub/sub connection per process, shared by every open stream in it.

    Streams register a queue for their article's channel; a single reader task hands each
    message to the queues listening on that channel. A thousand open pages cost a thousand
    small queues, not a thousand Redis connections.
    """

    def __init__(self):
        import redis.asyncio as aioredis

        self.client = aioredis.Redis.from_url(settings.REDIS_URL)
        self.pubsub = self.client.pubsub()
        self.listeners: dict[str, set[asyncio.Queue]] = {}
        self.reader: asyncio.Task | None = None
        self.confirmations: dict[str, asyncio.Event] = {}
        # One per open stream, set once it has ended; and whether the server is stopping, which
        # ends them all (see end_open_streams).
        self.streams: set[asyncio.Event] = set()
        self.stopping = False
        self.lock = asyncio.Lock()

    async def listen(self, channel: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=100)
        async with self.lock:
            if channel not in self.listeners:
                self.listeners[channel] = set()
                confirmed = self.confirmations[channel] = asyncio.Event()
                await self.pubsub.subscribe(channel)
                if self.reader is None or self.reader.done():
                    self.reader = asyncio.create_task(self._read())
                # Wait for Redis to confirm, so no comment falls between opening and listening.
                try:
                    await asyncio.wait_for(confirmed.wait(), timeout=2)
                except TimeoutError:
                    logger.warning(
                        "Live updates: Redis did not confirm a subscription to %s", channel
                    )
            self.listeners[channel].add(queue)
        return queue

    async def forget(self, channel: str, queue: asyncio.Queue) -> None:
        async with self.lock:
            listeners = self.listeners.get(channel)
            if listeners is None:
                return
            listeners.discard(queue)
            if not listeners:
                del self.listeners[channel]
                await self.pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        while self.listeners:
            try:
                message = await self.pubsub.get_message(timeout=1.0)
            except Exception:
                logger.warning("Live updates: the Redis connection failed; retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            if message is None:
                continue
            channel = (
                message["channel"].decode()
                if isinstance(message["channel"], bytes)
                else message["channel"]
            )
            if message["type"] == "subscribe":
                confirmed = self.confirmations.pop(channel, None)
                if confirmed is not None:
                    confirmed.set()
                continue
            if message["type"] != "message":
                continue
            data = (
                message["data"].decode() if isinstance(message["data"], bytes) else message["data"]
            )
            for queue in list(self.listeners.get(channel, ())):
                if not queue.full():
                    queue.put_nowait(data)


# One broker per event loop (a process has one; tests start many). Keyed by the loop itself, not
# its id(): a new loop may get the id of one that is gone, and with it that loop's stopped broker.
_brokers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Broker] = (
    weakref.WeakKeyDictionary()
)


def _broker() -> _Broker:
    loop = asyncio.get_running_loop()
    broker = _brokers.get(loop)
    if broker is None:
        broker = _brokers[loop] = _Broker()
    return broker


TOO_MANY_STREAMS = (
    "Too many live comment streams are open from your network; poll the updates URL instead."
)


class TooManyStreams(Exception):
    """The reader's network already holds as many open streams as it may."""

    def __init__(self, retry_after: int):
        super().__init__(TOO_MANY_STREAMS)
        self.retry_after = retry_after


# A network's open streams, shared by every web process: a sorted set in Redis of one member per
# stream, scored by the moment the stream is sure to have ended (its deadline, plus this margin
# for its last heartbeat and unsubscribing). A stream gives its place back when it ends; one whose
# process was killed, and so never did, stops counting at that moment, as does the key itself.
STREAM_SLOT_MARGIN_SECONDS = 60
# Counting and adding in one step, so that simultaneous openings cannot all take the last place.
# Answers 0 with the end of the oldest open stream when the network has no place left.
_TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {0, oldest[2]}
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {1, ARGV[3]}
"""


def stream_slots_key(network: str) -> str:
    return f"masthead:streams-from:{network}"


async def _take_stream_slot(client, network: str, *, seconds: float) -> str:
    """Count one more open stream for `network` and return its member, or raise TooManyStreams."""
    now = time.time()
    lasts = seconds + STREAM_SLOT_MARGIN_SECONDS
    member = uuid.uuid4().hex
    try:
        taken, ends = await client.eval(
            _TAKE_SLOT,
            1,
            stream_slots_key(network),
            now,
            conf.LIVE_STREAMS_PER_NETWORK,
            now + lasts,
            member,
            math.ceil(lasts),
        )
    except BaseException:
        # The reader left (the view is cancelled) or the answer was lost, perhaps after Redis
        # took the place: it is given back, not held until its deadline.
        await asyncio.shield(_free_stream_slot(client, network, member))
        raise
    if not taken:
        # The oldest stream reaches its deadline by then (most end sooner: a tab closed).
        oldest_deadline = float(ends) - STREAM_SLOT_MARGIN_SECONDS
        raise TooManyStreams(retry_after=max(1, math.ceil(oldest_deadline - now)))
    return member


async def _free_stream_slot(client, network: str, member: str) -> None:
    try:
        await client.zrem(stream_slots_key(network), member)
    except Exception:
        # It stops counting at its deadline anyway.
        logger.warning(
            "Live updates: could not free a stream's place for its network", exc_info=True
        )


async def event_stream(article_id: int, *, network: str = "", seconds: float | None = None):
    """Server-sent events for one open page: `comment` events, comments as heartbeats, then close.

    Its first step counts the stream against `network` (the keyed hash of the reader's network,
    see readers.request_network; "" counts nothing) and raises TooManyStreams when the network
    already holds conf.LIVE_STREAMS_PER_NETWORK; however the stream then ends (its deadline, the
    reader leaving, the server stopping, an error), it stops counting.
    """
    seconds = conf.LIVE_STREAM_SECONDS if seconds is None else seconds
    channel = channel_name(article_id)
    broker = _broker()
    slot = await _take_stream_slot(broker.client, network, seconds=seconds) if network else None
    ended = asyncio.Event()
    broker.streams.add(ended)
    try:
        queue = await broker.listen(channel)
        try:
            yield f"retry: {conf.LIVE_POLL_SECONDS * 1000}\n: open\n\n"
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while loop.time() < deadline and not broker.stopping:
                timeout = min(HEARTBEAT_SECONDS, deadline - loop.time())
                try:
                    data = await asyncio.wait_for(queue.get(), timeout=timeout)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if data is None:  # the server is stopping
                    break
                yield f"event: comment\ndata: {data}\n\n"
        finally:
            await broker.forget(channel, queue)
    finally:
        if slot is not None:
            await _free_stream_slot(broker.client, network, slot)
        broker.streams.discard(ended)
        ended.set()


async def end_open_streams(*, timeout: float = 2) -> None:
    """End every stream this process serves (the server is stopping), as their deadline would:
    each frees its network's place and its subscription, and the browser reconnects."""
    broker = _brokers.get(asyncio.get_running_loop())
    if broker is None:
        return
    broker.stopping = True  # and any stream opened from now on ends at once
    if not broker.streams:
        return
    waiting = [asyncio.create_task(ended.wait()) for ended in broker.streams]
    for queue in {queue for listeners in broker.listeners.values() for queue in listeners}:
        if queue.full():
            queue.get_nowait()  # one comment fewer for a reader who has not read 100 of them
        queue.put_nowait(None)
    _, late = await asyncio.wait(waiting, timeout=timeout)
    for task in late:
        task.cancel()


async def opened_event_stream(article_id: int, *, network: str):
    """The events of `event_stream`, its first step (counting it for `network`) already taken, so
    that a refusal (TooManyStreams) comes before the response starts, and a stream that is then
    never sent (the reader left at once) is still closed, freeing its place."""
    events = event_stream(article_id, network=network)
    opening = await anext(events)

    async def resumed():
        async with aclosing(events):
            yield opening
            async for chunk in events:
                yield chunk

    return resumed()
