from dataclasses import dataclass, field

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from masthead import moderation
from masthead.accounts.selectors import email_is_confirmed
from masthead.discussion import conf, live, selectors
from masthead.discussion.anchors import feedback_passages
from masthead.discussion.forms import CommentForm
from masthead.discussion.markdown import comment_html_for_staff
from masthead.discussion.models import SortOrder
from masthead.discussion.notes import comment_notes
from masthead.discussion.readers import (
    has_reader_identity,
    reader_for_request,
    remembered_commenter,
)
from masthead.discussion.selectors import discussion_settings
from masthead.discussion.services.comments import comments_are_open, is_author
from masthead.discussion.services.votes import OWN_COMMENT
from masthead.publishing.page_cache import (
    CSRF_MARKER,
    do_not_store,
    is_rendered_for_this_reader_only,
)

register = template.Library()


def chosen_sort(request, options) -> str:
    for value in (request.GET.get("comments_sort"), request.COOKIES.get(conf.SORT_COOKIE)):
        if value in SortOrder.values:
            return value
    return options.default_sort


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@register.inclusion_tag("discussion/section.html", takes_context=True)
def comment_section(context, article):
    """The comment section under an article: heading, form, thread, paging, live updates."""
    request = context["request"]
    options = discussion_settings(article)
    reader = reader_for_request(request, create=False) if has_reader_identity(request) else None
    view = {
        "sort": chosen_sort(request, options),
        "cursor": request.GET.get("comments_after") or None,
        "snapshot": _int_or_none(request.GET.get("comments_snapshot")),
        "view_all": request.GET.get("comments") == "all",
        "replies_after": request.GET.get("comments_replies_after") or None,
        "votes_at": selectors.parse_votes_mark(request.GET.get("comments_votes_at")),
    }
    notes = comment_notes(request)
    thread_html, thread = _thread_html(
        request, article, reader=reader, options=options, notes=notes, **view
    )
    shown = {comment.pk for comment in selectors.iter_thread(thread.comments)}

    form = getattr(request, "comment_form", None)
    reply_to = _int_or_none(request.GET.get("reply_to"))
    if form is None:
        form = CommentForm(invitation=options.invitation)
        if reply_to:
            form.initial["parent_id"] = reply_to
    replying_to = None
    parent_id = _int_or_none(form["parent_id"].value())
    if parent_id:
        replying_to = selectors.reply_target(article, parent_id)
    if (reply_to and replying_to is None) or not selectors.is_linked_thread_place(
        article.pk,
        sort=view["sort"],
        cursor=view["cursor"],
        snapshot=view["snapshot"],
        replies_after=view["replies_after"],
        votes_at=view["votes_at"],
    ):
        do_not_store(request)  # shown all the same, but no link of ours leads here
    if not form.is_bound and not request.user.is_authenticated:
        _fill_remembered_commenter(form, request, article)
    _describe_comment_box(form, replying=replying_to is not None)

    return {
        "request": request,
        "article": article,
        "options": options,
        "thread": thread,
        "thread_html": thread_html,
        "form": form,
        "replying_to": replying_to,
        "is_open": comments_are_open(article, options=options),
        "sorts": SortOrder.choices,
        "signed_in_user": request.user if request.user.is_authenticated else None,
        "held_until_confirmed": _held_until_confirmed(request.user, article),
        "follow": _follow_offer(request.user, article),
        "anchors": selectors.passage_anchors(article),
        "feedback_passages": feedback_passages(article),
        "poll_seconds": conf.LIVE_POLL_SECONDS,
        "streams": live.streams_available(),
        "csrf_marker": CSRF_MARKER,
        # Notes about a comment this page does not show (removed since) head the section.
        "unplaced_notes": [
            note for pk, found in notes.items() if pk not in shown for note in found
        ],
        **view,
    }


def _describe_comment_box(form, *, replying: bool) -> None:
    """A screen reader focusing the box hears which comment it answers, without JavaScript too
    (the page's script keeps this up to date as replies open and close)."""
    if replying:
        linked_by_django = form["body"].aria_describedby  # the error, when there is one
        described_by = " ".join(filter(None, ["comment-form-replying", linked_by_django]))
        form.fields["body"].widget.attrs["aria-describedby"] = described_by


def _fill_remembered_commenter(form, request, article) -> None:
    """A guest's saved details, in a page made for them alone (after they have taken part in its
    thread, say): so the form is filled without JavaScript too. A page the cache may share with
    others shows none: the page's script fills its form from the cookie."""
    details = remembered_commenter(request)
    if not details or not is_rendered_for_this_reader_only(request, article):
        return
    form.initial.update(
        author_name=details.get("name", ""),
        author_email=details.get("email", ""),
        author_url=details.get("url", ""),
        remember=True,
    )


def _held_until_confirmed(user, article) -> bool:
    """A signed-in reader whose address is not confirmed yet, where guests' comments wait for a
    moderator: theirs wait too, and the form says so."""
    return (
        user.is_authenticated and not email_is_confirmed(user) and moderation.holds_guests(article)
    )


@dataclass(frozen=True)
class FollowOffer:
    """What "Follow this discussion" shows its reader: the addresses at which they follow it
    already (with a button to stop), or the address they follow it at in one click (their
    account's, confirmed), or the address the form is filled with (to confirm by e-mail)."""

    addresses: list[str] = field(default_factory=list)
    email: str = ""
    in_one_click: bool = False


def _follow_offer(user, article) -> FollowOffer:
    """A guest types an address; a signed-in reader is offered their account's."""
    if not user.is_authenticated:
        return FollowOffer()
    addresses = selectors.account_following_addresses(article=article, user=user)
    if addresses:
        return FollowOffer(addresses=addresses)
    if not user.email:  # an account an editor made without one: typed like a guest's
        return FollowOffer()
    return FollowOffer(email=user.email, in_one_click=email_is_confirmed(user))


def _thread_html(
    request,
    article,
    *,
    reader,
    options,
    notes,
    sort,
    cursor,
    snapshot,
    view_all,
    replies_after,
    votes_at,
):
    thread = selectors.thread_page(
        article,
        reader=reader,
        sort=sort,
        per_page=options.page_size,
        cursor=cursor,
        snapshot=snapshot,
        view_all=view_all,
        replies_after=replies_after if view_all else None,
        max_depth=options.max_depth,
        with_featured=True,
        replies_shown=conf.REPLIES_SHOWN,
        votes_at=votes_at,
    )
    # The CSRF marker stays in: the page is served (and maybe cached) with it, then filled in.
    html = render_thread(thread, article=article, reader=reader, options=options, notes=notes)
    return mark_safe(html), thread  # noqa: S308


def render_thread(thread, *, article, reader, options, request=None, now=None, notes=None) -> str:
    """The list items of a page of comments (used by the section, "load more" and the JSON endpoints)."""
    now = now or timezone.now()
    own, editable, reported = set(), set(), set()
    if reader is not None:
        others = []
        for comment in selectors.iter_thread(thread.comments):
            if comment.is_placeholder:
                continue
            if not is_author(comment, reader):
                others.append(comment.pk)
                continue
            own.add(comment.pk)
            if selectors.is_recent(comment, now=now, minutes=options.edit_window_minutes):
                editable.add(comment.pk)
        if others and not reader.is_new:
            reported = moderation.reported_by(reader_key=reader.key, comment_ids=others)
    thread.shown = len(thread.comments)
    return render_to_string(
        "discussion/includes/thread.html",
        {
            "comments": thread.comments,
            "article": article,
            "my_votes": thread.my_votes,
            # The reader's own comments show their votes, with buttons that cannot be pressed.
            "own": own,
            "own_comment_text": OWN_COMMENT,
            "editable": editable,
            "reported": reported,
            "csrf_marker": CSRF_MARKER,
            "is_open": comments_are_open(article, options=options),
            "max_depth": options.max_depth,
            "notes": notes or {},
            "sort": thread.sort,
        },
    )


@register.filter
def has_comments_feed(article) -> bool:
    """Whether the article's comments feed answers: a live article open to every reader."""
    return article.pk is not None and selectors.is_open_article(article.pk)


@register.filter
def staff_comment_html(body_html: str) -> str:
    """A comment's body as the admin shows it (to editors on the reader comments page, to
    moderators in the queue): see markdown.comment_html_for_staff."""
    return mark_safe(comment_html_for_staff(body_html))  # noqa: S308 - cleaned by nh3


@register.filter
def points(score) -> str:
    """A comment's score as readers read it: "1 point", "−1 point", "12 points", with a true
    minus sign (discussion.js's pointsText writes it the same way after a vote)."""
    score = int(score)
    return f"{'−' if score < 0 else ''}{abs(score)} point{'' if abs(score) == 1 else 's'}"


@register.filter
def vote_of(my_votes, comment_id):
    return (my_votes or {}).get(comment_id, 0)


@register.filter
def notes_of(notes, comment_id):
    return (notes or {}).get(comment_id, [])


@register.filter
def contains(collection, item):
    return item in collection
