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


async def event_stream(article_id: int, *, seconds: float | None = None):
    """Server-sent events for one open page: `comment` events, comments as heartbeats, then close."""
    import redis.asyncio as aioredis

    seconds = conf.LIVE_STREAM_SECONDS if seconds is None else seconds
    client = aioredis.Redis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(channel_name(article_id))
        # Wait for Redis to confirm the subscription, so no comment falls between opening and listening.
        await pubsub.get_message(timeout=2)
        yield f"retry: {conf.LIVE_POLL_SECONDS * 1000}\n: open\n\n"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            timeout = min(HEARTBEAT_SECONDS, deadline - loop.time())
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
            if message is None:
                yield ": heartbeat\n\n"
                continue
            data = (
                message["data"].decode() if isinstance(message["data"], bytes) else message["data"]
            )
            yield f"event: comment\ndata: {data}\n\n"
    finally:
        try:
            await pubsub.unsubscribe()
            await pubsub.aclose()
            await client.aclose()
        except Exception:  # the connection may already be gone
            logger.debug("Closing a live stream's Redis connection failed", exc_info=True)
