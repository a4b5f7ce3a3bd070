"""The production server speaks ASGI (`masthead serve`); Django's test client speaks WSGI."""

import asyncio
import os
import warnings
from pathlib import Path

import pytest
from asgiref import sync as asgiref_sync

from masthead.publishing import page_cache
from tests.event_loops import run_in_own_loop
from tests.factories import make_article


async def asgi_get(application, path: str) -> tuple[int, dict, bytes]:
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
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asked = []

    async def receive():
        asked.append(True)
        if len(asked) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Future()  # the client never disconnects

    sent = []

    async def send(message):
        sent.append(message)

    await application(scope, receive, send)
    start, *body = sent
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, b"".join(part.get("body", b"") for part in body)


@pytest.mark.django_db(transaction=True)  # the ASGI handler's threads read committed data only
def test_a_cached_page_under_asgi_costs_a_few_thread_hops_not_one_per_middleware(monkeypatch):
    """Each hook of a Django middleware that runs in async mode is a thread hop of its own: with
    the chain in async mode a cached article took fifteen, a third of its time in-process."""
    from django.core.asgi import get_asgi_application

    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", 60.0)
    article = make_article(title="Ferry timetable")
    application = get_asgi_application()
    run_in_own_loop(asgi_get(application, article.url))  # now cached, its versions read
    hops = []
    hop = asgiref_sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        hops.append(self.func)
        return await hop(self, *args, **kwargs)

    monkeypatch.setattr(asgiref_sync.SyncToAsync, "__call__", counted)
    status, headers, body = run_in_own_loop(asgi_get(application, article.url))
    assert status == 200 and b"Ferry timetable" in body
    # Served by the page cache, with what the middlewares outside it add to every page.
    assert headers["x-frame-options"] == "DENY" and "content-security-policy" in headers
    assert "csrftoken=" in headers["set-cookie"]
    # The request-started signal, the whole middleware chain, closing the response.
    assert len(hops) <= 3, [getattr(func, "__qualname__", func) for func in hops]


def test_static_files_carry_the_security_headers_pages_get(settings):
    """ServeStatic answers before SecurityMiddleware (so that the rest of the chain runs in one
    thread hop), so it adds those headers itself."""
    from django.http import HttpResponseNotFound
    from django.test import AsyncRequestFactory
    from servestatic.middleware import ServeStaticMiddleware

    settings.SERVESTATIC_USE_FINDERS = True
    settings.SECURE_HSTS_SECONDS = 3600

    async def the_rest_of_the_site(request):
        return HttpResponseNotFound()

    middleware = ServeStaticMiddleware(the_rest_of_the_site)

    async def fetch():
        response = await middleware(AsyncRequestFactory().get("/static/masthead/css/site.css"))
        return response.status_code, dict(response.headers)

    status, headers = run_in_own_loop(fetch())
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=3600")


@pytest.mark.django_db
def test_an_uploaded_photo_is_sent_as_it_is_read_not_read_whole_first(settings):
    from django.core.asgi import get_asgi_application

    photo = Path(settings.MEDIA_ROOT) / "original_images" / "harbour-at-dusk.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    content = os.urandom(300_000)
    photo.write_bytes(content)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, headers, body = run_in_own_loop(
            asgi_get(get_asgi_application(), "/media/original_images/harbour-at-dusk.jpg")
        )
    assert status == 200 and body == content
    assert headers["content-length"] == "300000" and headers["content-type"] == "image/jpeg"
    # What Django says when it reads a file response to the end before sending it.
    assert not [w for w in caught if "must consume synchronous iterators" in str(w.message)]
