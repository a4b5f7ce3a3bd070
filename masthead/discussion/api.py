"""The comments API. Session-based: the page's script sends Django's CSRF token in `X-CSRFToken`."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from masthead.accounts.selectors import email_is_confirmed
from masthead.discussion import conf, selectors, services
from masthead.discussion.forms import FormTiming, form_started_token, form_timing
from masthead.discussion.models import Comment, CommentStatus, SortOrder
from masthead.discussion.readers import (
    has_reader_identity,
    reader_for_request,
    remember_reader,
    request_network,
)
from masthead.discussion.selectors import discussion_settings
from masthead.discussion.services.comments import COMMENT_NOT_FOUND
from masthead.publishing import page_cache
from masthead.schemas import Error

router = Router(tags=["comments"])


class ReaderSession(APIKeyCookie):
    """Anyone may write (guests too), but only from this site's pages: Django's CSRF check applies."""

    param_name = "csrftoken"

    def _get_key(self, request):
        # Ninja's own refusal says only "CSRF check Failed".
        if check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return reader_for_request(request)


CSRF_FAILED = (
    "The request failed the CSRF check: send the value of the csrftoken cookie in the "
    "X-CSRFToken header, from a page of this site."
)
reader_session = ReaderSession()


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author_name: str
    body_html: str = Field(
        description="Sanitised HTML; empty for a deleted or removed comment kept for its replies"
    )
    created: datetime
    edited: datetime | None
    score: int
    up: int
    down: int
    status: str = Field(
        description="published, pending (visible to its author only), deleted or removed"
    )
    in_reply_to: int | None = Field(
        None, description="When attached beside the comment it answers (deepest level)"
    )
    anchor: dict | None = None
    featured: bool = Field(
        description="A moderator featured it: it is among the thread's featured_items"
    )
    replies: list["CommentOut"] = Field(
        [],
        description="In time order, as trees. A top-level comment of a listing carries its "
        "earliest replies only (at most `replies_per_comment`): see `more_replies`",
    )
    more_replies: int = Field(
        0,
        description="Replies of this conversation not carried in `replies` (in a listing's "
        "top-level comments; 0 elsewhere)",
    )
    more_replies_url: str | None = Field(
        None,
        description="Where the replies not carried go on, a page at a time (the conversation's "
        "replies endpoint after the last reply carried); null when none are left out",
    )


class ThreadOut(Schema):
    count: int = Field(description="All published comments in the thread, replies included")
    page: int
    pages: int = Field(description="Pages of top-level comments")
    items: list[CommentOut]
    featured_items: list[CommentOut] = Field(
        description="The article's featured comments (editors' picks), the latest pick first, "
        "each without its replies; the same on every page and whatever the sort. In `items` "
        "they carry `featured: true` where the page has them"
    )
    started: str = Field(
        "",
        description="A start token, as the article page's comment form carries: send it back "
        "as `started` with the comment this reader writes (see Post a comment)",
    )
    votes_at: int | None = Field(
        None,
        description="Most voted first: the moment of the scores this page is ranked by. Send "
        "it back as `votes_at` with the next pages, which then keep this order while votes "
        "come in (each comment shows its current score); null in the other orders",
    )


class RepliesOut(Schema):
    comment_id: int = Field(description="The top-level comment whose replies these are")
    items: list[CommentOut] = Field(
        description="The conversation's next replies in time order, as trees; one answering a "
        "reply on an earlier page is at the top, its `parent_id` naming the reply it answers"
    )
    more_replies: int = Field(description="Replies after these")
    more_replies_url: str | None = Field(description="The next page; null at the end")


class RepliesQuery(Schema):
    after: str | None = Field(
        None,
        pattern=f"^{selectors.COMMENT_CURSOR}$",
        description="Go on after this reply: a `more_replies_url` gives it (the reply's "
        "creation time and id); none: from the first reply",
    )


class ThreadQuery(Schema):
    sort: Literal["newest", "oldest", "most_voted"] = SortOrder.NEWEST
    page: int = Field(1, ge=1, le=selectors.MAX_PAGE)
    snapshot: int | None = Field(
        None,
        description="Newest comment id when the reader started paging: later comments do not shift pages",
    )
    votes_at: int | None = Field(
        None,
        ge=0,
        le=selectors.MAX_ID,
        description="Most voted first: the `votes_at` of the first page asked for, so that the "
        "next pages neither repeat nor skip comments that votes moved meanwhile",
    )


class AnchorIn(Schema):
    quote: str
    prefix: str = ""
    suffix: str = ""


class CommentIn(Schema):
    body: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    parent_id: int | None = None
    anchor: AnchorIn | None = None
    homepage: str = Field(
        "",
        description="The comment form's hidden field that people leave empty: a comment with "
        "anything in it is taken for a bot's",
    )
    started: str = Field(
        "",
        description="The start token of the comment form (its `started` field) or of the "
        "comment listing, from when the reader began to write. A guest's comment without one "
        "(or with one this site did not sign) counts against it, as a form posted without it",
    )


class CommentCreated(Schema):
    id: int
    status: Literal["published", "pending"]
    parent_id: int | None
    created: datetime
    body_html: str


class CommentEdit(Schema):
    body: str


class VoteIn(Schema):
    value: Literal[1, -1, 0]

    @field_validator("value", mode="before")
    @classmethod
    def whole_number(cls, value):
        """JSON's true is not 1, nor 1.0 a vote."""
        if type(value) is not int:
            raise PydanticCustomError("vote_value", services.votes.BAD_VALUE)
        return value


class VoteOut(Schema):
    score: int
    up: int
    down: int
    value: int


class SubscriptionIn(Schema):
    email: str = Field(
        "", description="May be left out by a signed-in reader: their account's address is meant"
    )
    kind: Literal["all", "replies"] = "all"


class SubscriptionOut(Schema):
    status: Literal["confirmation_sent", "following"] = Field(
        description="confirmation_sent (202), the same for an address already subscribed: the "
        "answer must not tell anyone who follows a thread; following (200): a signed-in reader "
        "at their account's confirmed address follows at once, with no e-mail to confirm"
    )


def comment_or_404(comment_id: int) -> Comment:
    """The comment with this id, whatever its status: the services answer a comment the reader
    may not see exactly as this answers a missing one."""
    comment = (
        Comment.objects.select_related("article").filter(pk=comment_id).first()
        if 0 < comment_id <= selectors.MAX_ID
        else None
    )
    if comment is None:
        raise Http404(COMMENT_NOT_FOUND)
    return comment


def comment_out(comment: Comment) -> dict:
    placeholder = getattr(comment, "is_placeholder", False)
    if comment.deleted:
        status = "deleted"
    elif comment.status in selectors.OWN_UNPUBLISHED:
        status = CommentStatus.PENDING  # only its author gets it, and learns nothing of spam
    else:
        status = comment.status
    anchor = None
    if comment.anchor_id:
        anchor = {"quote": comment.anchor.quote, "found": getattr(comment, "passage_found", True)}
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "author_name": "" if placeholder else comment.author_name,
        "body_html": "" if placeholder else comment.body_html,
        "created": comment.created,
        "edited": comment.edited,
        "score": comment.score,
        "up": comment.up,
        "down": comment.down,
        "status": status,
        "in_reply_to": comment.replied_to_id,
        "anchor": anchor,
        "featured": comment.is_featured,
        "replies": [comment_out(reply) for reply in getattr(comment, "replies", [])],
        "more_replies": getattr(comment, "more_replies", 0),
        "more_replies_url": (
            replies_url(comment.article_id, comment.pk, after=comment.more_replies_after)
            if getattr(comment, "more_replies", 0)
            else None
        ),
    }


def replies_url(article_id: int, comment_id: int, *, after: str) -> str:
    path = reverse(
        "api-v1:comment_replies", kwargs={"article_id": article_id, "comment_id": comment_id}
    )
    return f"{path}?{urlencode({'after': after})}"


def personal_reader(request: HttpRequest, article_id: int):
    """The reader whose view of this thread differs from the one everyone gets (their own
    comments awaiting moderation), or None. A guest's cookie alone does not make a view personal,
    or a script sending any cookie would skip the shared answer and cost a full read each time."""
    if not has_reader_identity(request):
        return None
    if not request.user.is_authenticated and not selectors.has_own_view(request, article_id):
        return None
    return reader_for_request(request, create=False)


def shared_json(request: HttpRequest, parts: tuple, answer: Callable, schema: type[Schema]):
    """The JSON of an answer everyone without a view of their own gets (None for none), until
    the thread changes (its version is one of the key's `parts`). Kept as its bytes: ninja
    would otherwise validate the cached answer against `schema` again on every request, about
    a third of the time of one."""
    from masthead.api import api  # which includes this module's router

    key = ":".join(str(part) for part in (page_cache.code_release(), "json", *parts))

    def rendered() -> bytes | None:
        found = answer()
        if found is None:
            return None
        context = {"request": request, "response_status": 200}
        validated = schema.model_validate(found, context=context)
        return api.renderer.render(
            request, validated.model_dump(context=context), response_status=200
        ).encode()

    return cache.get_or_set(key, rendered, 600)


def json_response(content: bytes) -> HttpResponse:
    """What ninja answers for a 200 of the schema, from JSON already checked against it."""
    from masthead.api import api

    return HttpResponse(content, content_type=api.get_content_type())


# Each answer of a listing carries a start token of its own, in shared JSON that does not.
STARTED_PLACEHOLDER = "started-token-of-this-response"


def with_started_token(thread_json: bytes) -> bytes:
    placeholder = json.dumps(STARTED_PLACEHOLDER).encode()
    # The last one: a reader may write the placeholder as a comment's whole name or text, but
    # in ThreadOut only `votes_at`, a number or null, comes after `started`.
    head, _, tail = thread_json.rpartition(placeholder)
    return b"".join((head, json.dumps(form_started_token()).encode(), tail))


@router.get(
    "/articles/{article_id}/comments",
    response={200: ThreadOut, 404: Error},
    summary="A page of an article's comments",
)
def list_comments(request: HttpRequest, article_id: int, query: Query[ThreadQuery]):
    """Top-level comments in pages (sorted as asked), each with its earliest replies in time
    order (at most as many as the thread's page shows: a conversation may run to thousands),
    `more_replies` and `more_replies_url` leading to the rest; and the article's featured
    comments."""
    shape = selectors.open_thread_shape_or_404(article_id, request)
    reader = personal_reader(request, article_id)

    def page() -> dict:
        thread = selectors.thread_page(
            selectors.open_article_or_404(article_id, request),
            reader=reader,
            sort=query.sort,
            page=query.page,
            per_page=shape.page_size,
            snapshot=query.snapshot,
            max_depth=shape.max_depth,
            with_featured=True,
            replies_shown=conf.REPLIES_SHOWN,
            votes_at=query.votes_at,
        )
        return {
            "count": thread.count,
            "page": thread.page,
            "pages": thread.pages,
            "items": [comment_out(comment) for comment in thread.comments],
            "featured_items": [comment_out(comment) for comment in thread.featured],
            "votes_at": thread.votes_at,
        }

    if reader is not None:  # their own comments awaiting moderation are part of their view
        return {**page(), "started": form_started_token()}
    # Everyone else sees the same page until the thread changes (its version is in the key).
    shared = shared_json(
        request,
        (
            "api-thread",
            article_id,
            selectors.thread_version(article_id),
            query.sort,
            query.page,
            query.snapshot,
            query.votes_at,
            shape.page_size,
            shape.max_depth,
        ),
        lambda: {**page(), "started": STARTED_PLACEHOLDER},
        ThreadOut,
    )
    return json_response(with_started_token(shared))


@router.get(
    "/articles/{article_id}/comments/{comment_id}/replies",
    response={200: RepliesOut, 404: Error},
    summary="More replies of one conversation",
    url_name="comment_replies",
)
def list_replies(
    request: HttpRequest, article_id: int, comment_id: int, query: Query[RepliesQuery]
):
    """The replies of a top-level comment after a given one, in time order, as many at a time
    as the page's "view all" shows of a conversation (199): where a listing's
    `more_replies_url` leads."""
    shape = selectors.open_thread_shape_or_404(article_id, request)
    if not 0 < comment_id <= selectors.MAX_ID:
        raise Http404(CONVERSATION_NOT_FOUND)
    if query.after and not selectors.is_reply_cursor(query.after):
        raise HttpError(422, REPLY_CURSOR_INVALID)
    reader = personal_reader(request, article_id)

    def part() -> dict | None:
        found = selectors.conversation_part(
            selectors.open_article_or_404(article_id, request),
            root_id=comment_id,
            reader=reader,
            replies_after=query.after,
            max_depth=shape.max_depth,
        )
        if found is None:
            return None
        return {
            "comment_id": found.root.pk,
            "items": [comment_out(reply) for reply in found.root.replies],
            "more_replies": found.more_replies,
            "more_replies_url": (
                replies_url(article_id, found.root.pk, after=found.next_replies_after)
                if found.next_replies_after
                else None
            ),
        }

    if reader is not None:
        answer = part()
    else:
        answer = shared_json(
            request,
            (
                "api-replies",
                article_id,
                selectors.thread_version(article_id),
                comment_id,
                query.after,
                shape.max_depth,
            ),
            part,
            RepliesOut,
        )
    if answer is None:
        raise Http404(CONVERSATION_NOT_FOUND)
    return json_response(answer) if isinstance(answer, bytes) else answer


CONVERSATION_NOT_FOUND = "No such conversation: give the id of a top-level comment of the article."
REPLY_CURSOR_INVALID = "Not a reply to go on after: use the after value of a more_replies_url."


@router.post(
    "/articles/{article_id}/comments",
    auth=reader_session,
    response={201: CommentCreated, 400: Error, 403: Error, 404: Error, 429: Error},
    summary="Post a comment",
)
def create_comment(
    request: HttpRequest, response: HttpResponse, article_id: int, payload: CommentIn
):
    """Guests give a name and an e-mail; signed-in readers comment under their account.
    A comment held by moderation is `pending`: visible to its author only."""
    article = selectors.open_article_or_404(article_id, request)
    reader = request.auth
    timing = _api_timing(payload.started, reader)
    comment = services.comment_post(
        article=article,
        reader=reader,
        body=payload.body,
        author_name=payload.author_name,
        author_email=payload.author_email,
        author_url=payload.author_url,
        parent_id=payload.parent_id,
        anchor=services.AnchorInput(**payload.anchor.dict()) if payload.anchor else None,
        source="api",
        honeypot=payload.homepage,
        seconds_to_submit=timing.seconds,
        form_token_forged=timing.forged,
    )
    remember_reader(response, reader)
    return Status(
        201,
        {
            "id": comment.pk,
            "status": "published" if comment.is_visible else "pending",
            "parent_id": comment.parent_id,
            "created": comment.created,
            "body_html": comment.body_html,
        },
    )


def _api_timing(started: str, reader) -> FormTiming:
    """The comment form's bot signals, for a comment sent here: the API is as open to scripts as
    the form's address, so a guest's comment without the start token counts against it as a
    form posted without it does (it is weighed, not refused: a person with a client of their
    own can still comment). A confirmed account answers for its comments, so its client need
    not send a token; one it does send must be this site's, as anyone's."""
    if started:
        return form_timing(started)
    return FormTiming(seconds=None, forged=not email_is_confirmed(reader.user))


@router.post(
    "/comments/{comment_id}/vote",
    auth=reader_session,
    response={200: VoteOut, 400: Error, 403: Error, 404: Error, 429: Error},
    summary="Vote",
)
def vote(request: HttpRequest, response: HttpResponse, comment_id: int, payload: VoteIn):
    """1 up, -1 down, 0 to take a vote back. One vote per reader; a second one replaces the first."""
    comment = comment_or_404(comment_id)
    reader = request.auth
    options = discussion_settings(comment.article)
    services.vote_cast(
        comment=comment,
        reader=reader,
        value=payload.value,
        guest_votes_per_address=options.guest_votes_per_address,
        request=request,
    )
    remember_reader(response, reader)
    return Status(
        200,
        {"score": comment.score, "up": comment.up, "down": comment.down, "value": payload.value},
    )


@router.patch(
    "/comments/{comment_id}",
    auth=reader_session,
    response={200: CommentOut, 400: Error, 403: Error, 404: Error, 410: Error, 429: Error},
    summary="Edit a comment",
)
def edit_comment(request: HttpRequest, comment_id: int, payload: CommentEdit):
    """The author may edit within the site's edit window (15 minutes by default)."""
    comment = comment_or_404(comment_id)
    services.comment_edit(comment=comment, reader=request.auth, body=payload.body, request=request)
    return Status(200, comment_out(comment))


@router.delete(
    "/comments/{comment_id}",
    auth=reader_session,
    response={204: None, 403: Error, 404: Error, 410: Error},
    summary="Delete a comment",
)
def delete_comment(request: HttpRequest, comment_id: int):
    """The author may delete within the edit window; replies stay under "comment deleted"."""
    comment = comment_or_404(comment_id)
    services.comment_delete(comment=comment, reader=request.auth, request=request)
    return Status(204, None)


@router.post(
    "/articles/{article_id}/subscriptions",
    auth=reader_session,
    response={
        200: SubscriptionOut,
        202: SubscriptionOut,
        400: Error,
        403: Error,
        404: Error,
        429: Error,
    },
    summary="Subscribe to comments",
)
def subscribe(request: HttpRequest, article_id: int, payload: SubscriptionIn):
    """Double opt-in: a confirmation e-mail is sent; nothing else until the reader confirms.
    An address already subscribed gets the same answer (and no e-mail), like the page's form.
    A signed-in reader's subscription to their account's confirmed address is their account's,
    listed on their account page, and active at once (200, no e-mail: the address is proven);
    one to any other address is that address's alone."""
    article = selectors.open_article_or_404(article_id, request)
    user = request.auth.user
    subscription = services.subscription_follow(
        article=article,
        email=payload.email or (user.email if user is not None else ""),
        kind=payload.kind,
        network=request_network(request),
        user=user,
    )
    if services.is_accounts_own(subscription, user):
        return Status(200, {"status": "following"})
    return Status(202, {"status": "confirmation_sent"})


@router.delete(
    "/articles/{article_id}/subscriptions",
    auth=reader_session,
    response={204: None, 403: Error, 404: Error},
    summary="Stop following an article's comments",
)
def unsubscribe(request: HttpRequest, article_id: int):
    """For a signed-in reader: every subscription of their account to the article stops (as
    "Stop following" under the article does). A guest stops with the link in the e-mails."""
    article = selectors.open_article_or_404(article_id, request)
    services.subscription_unfollow(article=article, user=request.auth.user)
    return Status(204, None)
