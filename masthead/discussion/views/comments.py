"""Posting, voting on, editing and deleting a comment, and a comment's lasting address.

Each works without JavaScript (post/redirect/get) and answers JSON to the page's script when it
asks with `Accept: application/json`."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.discussion import selectors, services
from masthead.discussion.forms import (
    CommentForm,
    EditCommentForm,
    form_timing,
)
from masthead.discussion.models import Comment, CommentStatus, SubscriptionKind
from masthead.discussion.notes import comment_note_add
from masthead.discussion.readers import (
    Reader,
    reader_for_request,
    remember_commenter,
    remember_reader,
)
from masthead.discussion.selectors import discussion_settings
from masthead.discussion.services.comments import COMMENT_NOT_FOUND
from masthead.discussion.templatetags.discussion_tags import CSRF_MARKER, chosen_sort, render_thread
from masthead.discussion.views.subscriptions import FOLLOWING as FOLLOWING_FORM_ANSWER

# What "Notify of" tells the author of the comment: that their account follows (its own,
# listed on the account page; as the follow form's answer says), or where to confirm.
FOLLOWING_BY_KIND = {
    SubscriptionKind.ALL: FOLLOWING_FORM_ANSWER,
    SubscriptionKind.REPLIES: "You will be e-mailed replies to your comments in this discussion, at {email}.",
}
CONFIRM_BY_EMAIL = (
    "To receive notifications, confirm with the link we sent to {email}"
    " (unless that address follows this discussion already)."
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _comment_html(request, comment, *, reader, options) -> str:
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
    html = render_thread(page, article=comment.article, reader=reader, options=options)
    return html.replace(CSRF_MARKER, get_token(request))


@require_POST
def post_comment(request, article_id):
    """Post a comment; redirect to it (or answer JSON), or show the form again with the text kept."""
    article = selectors.open_article_or_404(article_id, request)
    options = discussion_settings(article)
    form = CommentForm(request.POST, invitation=options.invitation)
    form.is_valid()  # fills cleaned_data; the rules themselves are the service's
    data = form.cleaned_data
    reader = reader_for_request(request)
    timing = form_timing(data.get("started", ""))
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
            seconds_to_submit=timing.seconds,
            form_token_forged=timing.forged,
            options=options,
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
                "html": _comment_html(request, comment, reader=reader, options=options),
                "notice": notice,
            },
            status=201,
        )
    else:
        if notice:
            comment_note_add(request, comment=comment, text=notice)
        response = _redirect_to_comment(request, comment, options=options)
    remember_reader(response, reader)
    remember_commenter(
        response, request=request, comment=comment, remember=bool(data.get("remember"))
    )
    return response


def _subscribe_commenter(article, comment, notify, network: str) -> str | None:
    """The "Notify of" choice of the comment form; what the reader should know about it.

    As with "Follow this discussion" (services.subscription_follow), a signed-in reader at their
    account's confirmed address follows at once, with no e-mail to confirm; anyone else confirms
    by e-mail."""
    if notify not in SubscriptionKind.values or not comment.author_email:
        return None
    proven = services.subscription_owner(comment.user, email=comment.author_email) is not None
    if comment.status == CommentStatus.SPAM and not proven:
        # No e-mail to whatever address a spammer typed, but the answer a held comment gets: a
        # spammer is never told its comment was classed as spam.
        already_own = selectors.account_follows(
            article=article, user=comment.user, email=comment.author_email, kind=notify
        )
    else:
        # An account's proven address follows even under a comment taken for spam: no e-mail
        # goes out for it, and its author gets the answer a held comment of theirs would.
        try:
            subscription = services.subscription_follow(
                article=article,
                email=comment.author_email,
                kind=notify,
                network=network,
                user=comment.user,
            )
        except services.SubscriptionRefused as refusal:
            return refusal.message  # the comment is posted all the same
        already_own = services.is_accounts_own(subscription, comment.user)
    if already_own:
        return FOLLOWING_BY_KIND[notify].format(email=comment.author_email)
    # The same words whether or not the address follows the discussion already (and then gets
    # no new link): what an address follows is nobody else's business.
    return CONFIRM_BY_EMAIL.format(email=comment.author_email)


def _refused(request, article, form, refusal):
    if _wants_json(request):
        # Every problem, as the form without the script shows them; the first as before.
        errors = [
            {"detail": problem.message, "field": problem.field} for problem in refusal.problems
        ]
        response = JsonResponse(
            {"detail": refusal.message, "field": refusal.field, "errors": errors},
            status=refusal.status,
        )
    else:
        shown_fields = _fields_shown(form, signed_in=request.user.is_authenticated)
        for problem in refusal.problems:
            # An error of a field the form does not show (the comment replied to, the name of
            # an account) would be shown nowhere: above the form.
            form.add_error(
                problem.field if problem.field in shown_fields else None, problem.message
            )
        request.comment_form = form
        response = article.serve(request)
        response.render()
        response.status_code = refusal.status
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _fields_shown(form, *, signed_in: bool) -> set[str]:
    """The fields the comment form shows the reader (an account supplies the author's details)."""
    shown = {name for name, field in form.fields.items() if not field.widget.is_hidden}
    return shown - {"author_name", "author_email", "author_url"} if signed_in else shown


@require_GET
def comment_link(request, comment_id):
    """A comment's lasting address (e-mails link here): the page of its thread that shows it.

    A comment the reader may not see (held, spam, removed, deleted, below a held one) answers
    as a missing one does, as the API's do: its article, or that the id exists, would tell
    what moderation holds back. Its author is led to their own awaiting moderation."""
    reader = reader_for_request(request, create=False)
    comment = selectors.linked_comment(int(comment_id), request, reader=reader)
    if comment is None:
        raise Http404(COMMENT_NOT_FOUND)
    return _redirect_to_comment(request, comment)


def _redirect_to_comment(request, comment, *, options=None):
    """To the page of the article's thread that shows the comment, in the reader's order."""
    options = options or discussion_settings(comment.article)
    sort = chosen_sort(request, options)
    return redirect(selectors.comment_location(comment, sort=sort, per_page=options.page_size))


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
    refusal = None
    try:
        services.vote_cast(
            comment=comment,
            reader=reader,
            value=value,
            guest_votes_per_address=options.guest_votes_per_address,
            request=request,
        )
    except services.VoteRefused as refused:
        if refused.status == 404:  # not shown: as unknown as a missing comment
            raise Http404(refused.message) from None
        refusal = refused
    if _wants_json(request):
        response = JsonResponse(
            {
                "score": comment.score,
                "up": comment.up,
                "down": comment.down,
                "detail": refusal.message if refusal else None,
            },
            status=refusal.status if refusal else 200,  # as the API answers: 429 when too fast
        )
    else:
        if refusal:
            comment_note_add(request, comment=comment, text=refusal.message, level=messages.ERROR)
        response = _redirect_to_comment(request, comment)
    if refusal and refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
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
                request=request,
            )
        except services.CommentRefused as refusal:
            error = _unless_not_found(refusal)
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
        error = _refusal_unless_author(request, comment, reader, editing=True)
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
            services.comment_delete(
                comment=comment, reader=reader or _nobody(request), request=request
            )
        except services.CommentRefused as refusal:
            error = _unless_not_found(refusal)
        else:
            if _wants_json(request):
                return JsonResponse({"id": comment.pk, "deleted": True})
            return redirect(f"{comment.article.url}#comments")
        if _wants_json(request):
            return JsonResponse({"detail": error.message}, status=error.status)
    else:
        error = _refusal_unless_author(request, comment, reader, editing=False)
    return render(
        request,
        "discussion/delete.html",
        {"comment": comment, "error": error},
        status=error.status if error else 200,
    )


def _refusal_unless_author(request, comment, reader, *, editing: bool):
    """Only the author may see the edit and delete pages of a comment (it may be held), and only
    while they may still change it (the edit window; no rewriting what a moderator removed)."""
    refusal = services.comment_change_refusal(
        comment, reader or _nobody(None), editing=editing, request=request
    )
    return _unless_not_found(refusal) if refusal else None


def _unless_not_found(refusal):
    """The refusal, unless it is that the comment is not shown: then a 404, as for a missing one."""
    if refusal.status == 404:
        raise Http404(refusal.message)
    return refusal


def _nobody(request):
    return Reader(user=None, key="", ip_hash="")
