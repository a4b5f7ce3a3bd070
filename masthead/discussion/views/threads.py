"""The thread as the page's script reads it: pages of comments (cached like the article), the
reader's sort order, the count of new comments, and the live stream."""

from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from masthead.discussion import conf, live, selectors
from masthead.discussion.models import SortOrder
from masthead.discussion.readers import has_reader_identity, reader_for_request, request_network
from masthead.discussion.selectors import discussion_settings
from masthead.discussion.templatetags.discussion_tags import chosen_sort, render_thread
from masthead.ids import parse_id
from masthead.publishing.page_cache import do_not_store, serve_cached


class ThreadFragment:
    """The thread endpoint as the page cache stores it: like the article's comment section,
    under the thread's version, for readers without a view of their own, per sort cookie."""

    page_cache_variant_source = "masthead.discussion.selectors.thread_version"
    page_cache_personal_cookies = (conf.READER_COOKIE,)
    page_cache_personal_view = "masthead.discussion.selectors.has_own_view"
    page_cache_cookies = {conf.SORT_COOKIE: "|".join(SortOrder.values)}
    # What the page's script asks for: a sort order, "load more" (the cursor and snapshot of the
    # previous answer, and most voted first the moment of its scores), "view all" and a passage's
    # panel.
    page_cache_query = {
        "sort": "|".join(SortOrder.values),
        "after": selectors.COMMENT_CURSOR,
        "snapshot": selectors.COMMENT_ID,
        "all": "1",
        "replies_after": selectors.COMMENT_CURSOR,
        "anchor": selectors.COMMENT_ID,
        "votes_at": selectors.VOTES_MARK,
    }

    def __init__(self, article_id: int):
        self.pk = article_id

    def page_cache_query_values(self, request) -> dict[str, str]:
        return self.page_cache_query


@require_GET
def thread(request, article_id):
    """A page of the thread as list items: "load more", sorting and "show new" fetch this."""
    # First: the cache key reads the thread's row.
    if not selectors.is_open_article(article_id, request):
        raise Http404("No such article.")
    return serve_cached(
        request, ThreadFragment(article_id), lambda: _thread_fragment(request, article_id)
    )


def _thread_fragment(request, article_id):
    article = selectors.open_article_or_404(article_id, request)
    options = discussion_settings(article)
    reader = reader_for_request(request, create=False) if has_reader_identity(request) else None
    sort = request.GET.get("sort") or chosen_sort(request, options)
    anchor_id = parse_id(request.GET.get("anchor"))
    cursor, snapshot = request.GET.get("after") or None, parse_id(request.GET.get("snapshot"))
    view_all = request.GET.get("all") == "1"
    replies_after = (request.GET.get("replies_after") or None) if view_all else None
    votes_at = selectors.parse_votes_mark(request.GET.get("votes_at"))
    if anchor_id:
        page = selectors.passage_comments(
            article, anchor_id=anchor_id, reader=reader, max_depth=options.max_depth
        )
    else:
        page = selectors.thread_page(
            article,
            reader=reader,
            sort=sort,
            per_page=options.page_size,
            cursor=cursor,
            snapshot=snapshot,
            view_all=view_all,
            replies_after=replies_after,
            max_depth=options.max_depth,
            replies_shown=conf.REPLIES_SHOWN,
            votes_at=votes_at,
        )
    if (anchor_id and not page.comments) or not selectors.is_linked_thread_place(
        article.pk,
        sort=sort,
        cursor=cursor,
        snapshot=snapshot,
        replies_after=replies_after,
        votes_at=votes_at,
    ):
        do_not_store(request)  # answered all the same, but no link or script of ours asks this
    # The CSRF marker stays in: the page cache fills it in for each response.
    response = HttpResponse(render_thread(page, article=article, reader=reader, options=options))
    response["X-Comment-Count"] = str(page.count)
    response["X-Next-Cursor"] = page.next_cursor or ""
    response["X-Snapshot"] = str(page.snapshot)
    if page.next_replies_after:
        response["X-Next-Replies-After"] = page.next_replies_after
    if page.votes_at is not None:
        response["X-Votes-At"] = str(page.votes_at)
    if anchor_id and page.has_more:
        # The panel lists a passage's newest comments only: it says so, and links to the thread.
        response["X-Passage-Limit"] = str(conf.PASSAGE_PANEL_COMMENTS)
    if request.GET.get("sort") in SortOrder.values:
        _remember_sort(response, request.GET["sort"])
    return response


@require_GET
def sort(request, article_id):
    """Choose the sort order (remembered in a cookie) and go back to the comments: to the first
    page of the whole thread in that order when the reader chose it there ("view all")."""
    article = selectors.open_article_or_404(article_id, request)
    chosen = request.GET.get("sort") if request.GET.get("sort") in SortOrder.values else None
    if request.GET.get("comments") == "all":
        query = {"comments": "all", **({"comments_sort": chosen} if chosen else {})}
        response = redirect(f"{article.url}?{urlencode(query)}#comments")
    else:
        response = redirect(f"{article.url}#comments")
    if chosen:
        _remember_sort(response, chosen)
    return response


def _remember_sort(response, value):
    response.set_cookie(
        conf.SORT_COOKIE,
        value,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,  # read by the server only
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_GET
def updates(request, article_id):
    """How many comments arrived since the reader's newest; a 304 while nothing has changed."""
    if not selectors.is_open_article(int(article_id), request):
        raise Http404("No such article.")
    stats = selectors.thread_stats(int(article_id))
    since = parse_id(request.GET.get("since")) or 0
    etag = f'"{stats.version}-{since}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        new = (
            selectors.new_comment_count(stats.article_id, since_id=since)
            if stats.latest_comment_id > since
            else 0
        )
        response = JsonResponse(
            {"count": stats.published_count, "latest_id": stats.latest_comment_id, "new": new}
        )
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


async def stream(request, article_id):
    """Server-sent events for an open article (only with REDIS_URL); an async view holds no worker."""
    if not live.streams_available():
        raise Http404("Live streams need REDIS_URL; poll the updates URL instead.")
    if not hasattr(request, "scope"):
        # Under WSGI a stream would hold a worker thread for minutes: only the ASGI server streams.
        raise Http404(
            "Live streams are served over ASGI (masthead serve); poll the updates URL instead."
        )
    if not await sync_to_async(selectors.is_open_article)(int(article_id), request):
        raise Http404("No such article.")
    try:
        events = await live.opened_event_stream(int(article_id), network=request_network(request))
    except live.TooManyStreams as refusal:
        # EventSource gives up on any answer but 200 (it does not retry), and the page's script
        # then polls the updates URL, as pages do without streams.
        response = JsonResponse(
            {
                "detail": live.TOO_MANY_STREAMS,
                "updates_url": reverse("discussion:updates", args=[int(article_id)]),
            },
            status=429,
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
