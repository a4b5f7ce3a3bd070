"""The comment section's HTML endpoints. Each works without JavaScript (post/redirect/get); the
same endpoints answer JSON to the page's script when it asks with `Accept: application/json`."""

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.discussion import conf, live, selectors, services
from masthead.discussion.forms import CommentForm, EditCommentForm, seconds_since
from masthead.discussion.models import Comment, SortOrder, SubscriptionKind
from masthead.discussion.notes import comment_note_add
from masthead.discussion.readers import (
    Reader,
    has_reader_identity,
    reader_for_request,
    remember_reader,
    request_network,
)
from masthead.discussion.services.comments import discussion_settings
from masthead.discussion.templatetags.discussion_tags import CSRF_MARKER, chosen_sort, render_thread
from masthead.publishing.page_cache import do_not_store, serve_cached


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _comment_html(request, comment, *, reader) -> str:
    comment.replies = []
    comment.display_depth = comment.depth
    comment.is_placeholder = False
    comment.is_own_pending = comment.status in selectors.OWN_UNPUBLISHED
    page = selectors.ThreadPage(
        comments=[comment],
        sort="",
        count=0,
        top_level_count=0,
        page=1,
        pages=1,
        has_more=False,
        next_cursor=None,
        snapshot=0,
        version=0,
    )
    html = render_thread(
        page, article=comment.article, reader=reader, options=discussion_settings(comment.article)
    )
    return html.replace(CSRF_MARKER, get_token(request))


@require_POST
def post_comment(request, article_id):
    """Post a comment; redirect to it (or answer JSON), or show the form again with the text kept."""
    article = selectors.open_article_or_404(article_id)
    options = discussion_settings(article)
    form = CommentForm(request.POST, invitation=options.invitation)
    form.is_valid()  # fills cleaned_data; the rules themselves are the service's
    data = form.cleaned_data
    reader = reader_for_request(request)
    try:
        comment = services.comment_post(
            article=article,
            reader=reader,
            body=data.get("body", ""),
            author_name=data.get("author_name", ""),
            author_email=data.get("author_email", ""),
            author_url=data.get("author_url", ""),
            parent_id=data.get("parent_id") or None,
            anchor=services.AnchorInput(
                quote=data.get("anchor_quote", ""),
                prefix=data.get("anchor_prefix", ""),
                suffix=data.get("anchor_suffix", ""),
            ),
            honeypot=data.get("homepage", ""),
            seconds_to_submit=seconds_since(data.get("started", "")),
        )
    except services.CommentRefused as refusal:
        return _refused(request, article, form, refusal)

    notice = _subscribe_commenter(article, comment, data.get("notify"), reader.ip_hash)
    if _wants_json(request):
        response = JsonResponse(
            {
                "id": comment.pk,
                "status": "published" if comment.is_visible else "pending",
                "parent_id": comment.parent_id,
                "html": _comment_html(request, comment, reader=reader),
                "notice": notice,
            },
            status=201,
        )
    else:
        if notice:
            comment_note_add(request, comment=comment, text=notice)
        response = _redirect_to_comment(request, comment)
    remember_reader(response, reader)
    return response


def _subscribe_commenter(article, comment, notify, network: str) -> str | None:
    """The "notify me" choice of the comment form; what the reader should know about it."""
    if notify not in SubscriptionKind.values or not comment.author_email:
        return None
    try:
        subscription = services.subscription_request(
            article=article,
            email=comment.author_email,
            kind=notify,
            network=network,
            user=comment.user,
        )
    except services.SubscriptionRefused as refusal:
        return refusal.message  # the comment is posted all the same
    if subscription.is_active:
        return None
    return f"To receive notifications, confirm with the link we sent to {comment.author_email}."


def _refused(request, article, form, refusal):
    if _wants_json(request):
        response = JsonResponse(
            {"detail": refusal.message, "field": refusal.field}, status=refusal.status
        )
    else:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        if refusal.field in form.fields:  # the reader lands on the field to correct
            form.fields[refusal.field].widget.attrs["autofocus"] = True
        request.comment_form = form
        response = article.serve(request)
        response.render()
        response.status_code = refusal.status
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


class ThreadFragment:
    """The thread endpoint as the page cache stores it: like the article's comment section,
    under the thread's version, for readers without a personal view, per sort cookie."""

    page_cache_variant_source = "masthead.discussion.selectors.thread_version"
    page_cache_personal_cookies = (conf.READER_COOKIE,)
    page_cache_cookies = {conf.SORT_COOKIE: "|".join(SortOrder.values)}
    # What the page's script asks for: a sort order, "load more" (the cursor and snapshot of the
    # previous answer), "view all" and a passage's panel.
    page_cache_query = {
        "sort": "|".join(SortOrder.values),
        "after": selectors.COMMENT_CURSOR,
        "snapshot": selectors.COMMENT_ID,
        "all": "1",
        "anchor": selectors.COMMENT_ID,
    }

    def __init__(self, article_id: int):
        self.pk = article_id

    def page_cache_query_values(self, request) -> dict[str, str]:
        return self.page_cache_query


@require_GET
def thread(request, article_id):
    """A page of the thread as list items: "load more", sorting and "show new" fetch this."""
    if not selectors.is_open_article(article_id):  # first: the cache key reads the thread's row
        raise Http404("No such article.")
    return serve_cached(
        request, ThreadFragment(article_id), lambda: _thread_fragment(request, article_id)
    )


def _thread_fragment(request, article_id):
    article = selectors.open_article_or_404(article_id)
    options = discussion_settings(article)
    reader = reader_for_request(request, create=False) if has_reader_identity(request) else None
    sort = request.GET.get("sort") or chosen_sort(request, options)
    anchor_id = _int(request.GET.get("anchor"))
    cursor, snapshot = request.GET.get("after") or None, _int(request.GET.get("snapshot"))
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
            view_all=request.GET.get("all") == "1",
            max_depth=options.max_depth,
        )
    if (anchor_id and not page.comments) or not selectors.is_linked_thread_place(
        article.pk, sort=sort, cursor=cursor, snapshot=snapshot
    ):
        do_not_store(request)  # answered all the same, but no link or script of ours asks this
    # The CSRF marker stays in: the page cache fills it in for each response.
    response = HttpResponse(render_thread(page, article=article, reader=reader, options=options))
    response["X-Comment-Count"] = str(page.count)
    response["X-Next-Cursor"] = page.next_cursor or ""
    response["X-Snapshot"] = str(page.snapshot)
    if anchor_id and page.has_more:
        # The panel lists a passage's newest comments only: it says so, and links to the thread.
        response["X-Passage-Limit"] = str(conf.PASSAGE_PANEL_COMMENTS)
    if request.GET.get("sort") in SortOrder.values:
        _remember_sort(response, request.GET["sort"])
    return response


@require_GET
def sort(request, article_id):
    """Choose the sort order (remembered in a cookie) and go back to the comments."""
    article = selectors.open_article_or_404(article_id)
    response = redirect(f"{article.url}#comments")
    if request.GET.get("sort") in SortOrder.values:
        _remember_sort(response, request.GET["sort"])
    return response


def _remember_sort(response, value):
    response.set_cookie(conf.SORT_COOKIE, value, max_age=365 * 24 * 3600, samesite="Lax")


@require_GET
def comment_link(request, comment_id):
    """A comment's lasting address (e-mails link here): the page of its thread that shows it."""
    comment = selectors.public_comment(int(comment_id))
    if comment is None:
        # Removed or deleted since the link was sent: the conversation is still there.
        gone = Comment.objects.filter(pk=comment_id).select_related("article").first()
        if gone is None or not selectors.is_open_article(gone.article_id):
            raise Http404("This comment is not available.")
        return redirect(f"{gone.article.url}#comments")
    return _redirect_to_comment(request, comment)


def _redirect_to_comment(request, comment):
    """To the page of the article's thread that shows the comment, in the reader's order."""
    options = discussion_settings(comment.article)
    sort = chosen_sort(request, options)
    return redirect(selectors.comment_location(comment, sort=sort, per_page=options.page_size))


@require_GET
def updates(request, article_id):
    """How many comments arrived since the reader's newest; a 304 while nothing has changed."""
    if not selectors.is_open_article(int(article_id)):
        raise Http404("No such article.")
    stats = selectors.thread_stats(int(article_id))
    since = _int(request.GET.get("since")) or 0
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
    if not await sync_to_async(selectors.is_open_article)(int(article_id)):
        raise Http404("No such article.")
    response = StreamingHttpResponse(
        live.event_stream(int(article_id)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@require_POST
def vote(request, comment_id):
    """Vote from a plain form (the page's script uses the JSON API instead)."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    reader = reader_for_request(request)
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 99
    options = discussion_settings(comment.article)
    message = None
    try:
        services.vote_cast(
            comment=comment,
            reader=reader,
            value=value,
            guest_votes_per_address=options.guest_votes_per_address,
        )
    except services.VoteRefused as refusal:
        message = refusal.message
    if _wants_json(request):
        response = JsonResponse(
            {"score": comment.score, "up": comment.up, "down": comment.down, "detail": message},
            status=200 if message is None else 400,
        )
    else:
        if message:
            comment_note_add(request, comment=comment, text=message, level=messages.ERROR)
        response = _redirect_to_comment(request, comment)
    remember_reader(response, reader)
    return response


@require_http_methods(["GET", "POST"])
def edit(request, comment_id):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    reader = reader_for_request(request, create=False)
    form = EditCommentForm(request.POST or None, initial={"body": comment.body})
    error = None
    if request.method == "POST":
        form.is_valid()
        try:
            services.comment_edit(
                comment=comment,
                reader=reader or _nobody(request),
                body=form.cleaned_data.get("body", ""),
            )
        except services.CommentRefused as refusal:
            error = refusal
        else:
            if _wants_json(request):
                # Like a new comment's answer: a spammer only ever learns it awaits moderation.
                status = "published" if comment.is_visible else "pending"
                return JsonResponse(
                    {"id": comment.pk, "body_html": comment.body_html, "status": status}
                )
            return _redirect_to_comment(request, comment)
        if _wants_json(request):
            return JsonResponse({"detail": error.message}, status=error.status)
    else:
        error = _refusal_unless_author(comment, reader)
    return render(
        request,
        "discussion/edit.html",
        {"comment": comment, "form": form, "error": error},
        status=error.status if error else 200,
    )


@require_http_methods(["GET", "POST"])
def delete(request, comment_id):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    reader = reader_for_request(request, create=False)
    error = None
    if request.method == "POST":
        try:
            services.comment_delete(comment=comment, reader=reader or _nobody(request))
        except services.CommentRefused as refusal:
            error = refusal
        else:
            if _wants_json(request):
                return JsonResponse({"id": comment.pk, "deleted": True})
            return redirect(f"{comment.article.url}#comments")
        if _wants_json(request):
            return JsonResponse({"detail": error.message}, status=error.status)
    else:
        error = _refusal_unless_author(comment, reader)
    return render(
        request,
        "discussion/delete.html",
        {"comment": comment, "error": error},
        status=error.status if error else 200,
    )


def _refusal_unless_author(comment, reader):
    """Only the author may see the edit and delete pages of a comment (it may be held)."""
    if reader is None or not services.comments.is_author(comment, reader):
        return services.CommentRefused(services.comments.NOT_YOUR_COMMENT, status=403)
    return None


def _nobody(request):
    return Reader(user=None, key="", ip_hash="")


@require_POST
def subscribe(request, article_id):
    """ "Notify me" without commenting."""
    article = selectors.open_article_or_404(article_id)
    try:
        services.subscription_request(
            article=article,
            email=request.POST.get("email", ""),
            kind=request.POST.get("kind", "all"),
            network=request_network(request),
            user=request.user if request.user.is_authenticated else None,
        )
    except services.SubscriptionRefused as refusal:
        return render(
            request,
            "discussion/subscription.html",
            {"article": article, "error": refusal.message},
            status=refusal.status,
        )
    return render(request, "discussion/subscription.html", {"article": article, "requested": True})


def _subscription_page(request, *, status: int = 200, **context):
    return render(request, "discussion/subscription.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    """The link asks; only the button confirms: mail scanners open links, they do not press."""
    try:
        if request.method == "GET":
            subscription = services.subscription_to_confirm(token=token)
            if subscription.confirmed is None:
                return render(
                    request,
                    "discussion/confirm.html",
                    {"subscription": subscription, "token": token},
                )
        else:
            subscription = services.subscription_confirm(token=token)
    except services.SubscriptionRefused as refusal:
        return _subscription_page(request, error=refusal.message, status=refusal.status)
    return _subscription_page(
        request, subscription=subscription, confirmed=True, article=subscription.article
    )


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST here without a form of ours; the token is the credential
@require_http_methods(["GET", "POST"])
def subscription_unsubscribe(request, token):
    if request.method == "GET":
        try:
            subscription = services.subscription_from_link(token=token)
        except services.SubscriptionRefused as refusal:
            return _subscription_page(request, error=refusal.message, status=refusal.status)
        return render(
            request, "discussion/unsubscribe.html", {"subscription": subscription, "token": token}
        )
    try:
        subscription = services.subscription_unsubscribe(token=token)
    except services.SubscriptionRefused as refusal:
        return _subscription_page(request, error=refusal.message, status=refusal.status)
    return _subscription_page(
        request, subscription=subscription, unsubscribed=True, article=subscription.article
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
