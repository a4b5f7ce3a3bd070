"""Telling open pages about new comments.

Everywhere: pages poll a tiny JSON document with conditional requests (304 while nothing changed).
With REDIS_URL: a server-sent event stream per open page, fed by Redis pub/sub, served by an
async view so that an open stream holds no worker thread.
"""

import asyncio
import json
import logging

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


_brokers: dict[int, _Broker] = {}


def _broker() -> _Broker:
    loop = asyncio.get_running_loop()
    broker = _brokers.get(id(loop))
    if broker is None:
        broker = _brokers[id(loop)] = _Broker()
    return broker


async def event_stream(article_id: int, *, seconds: float | None = None):
    """Server-sent events for one open page: `comment` events, comments as heartbeats, then close."""
    seconds = conf.LIVE_STREAM_SECONDS if seconds is None else seconds
    channel = channel_name(article_id)
    broker = _broker()
    queue = await broker.listen(channel)
    try:
        yield f"retry: {conf.LIVE_POLL_SECONDS * 1000}\n: open\n\n"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            timeout = min(HEARTBEAT_SECONDS, deadline - loop.time())
            try:
                data = await asyncio.wait_for(queue.get(), timeout=timeout)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            yield f"event: comment\ndata: {data}\n\n"
    finally:
        await broker.forget(channel, queue)
