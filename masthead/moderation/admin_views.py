"""The moderators' screens in the Wagtail admin: the queues, the log with undo, bans, filter quality."""

import re
from collections import Counter
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from masthead.discussion.models import Comment
from masthead.ids import parse_id
from masthead.moderation import selectors, services
from masthead.moderation.models import Ban, BanKind, Decision
from masthead.moderation.services.articles import (
    UNKNOWN_MODE,
    article_moderation_modes,
    comment_settings,
    comment_settings_words,
)
from masthead.moderation.services.decisions import (
    ALREADY_DECIDED,
    BATCH_MODERATED_SINCE,
    CHANGED_SINCE,
)

PERMISSION = "moderation.moderate_comments"
# The title of an Undo offered disabled: why the server would refuse it.
UNDO_BLOCKED = {"decision": CHANGED_SINCE, "batch": BATCH_MODERATED_SINCE}
BAN_PERIODS = [
    ("1", "1 day"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("365", "1 year"),
    ("", "for good"),
]
# What a ban covers. A network address may be shared (an office, a campus, a mobile carrier), so
# the moderator may leave it out and bar only the person.
BAN_SCOPES = {
    "all": ("account, e-mail and address", (BanKind.ACCOUNT, BanKind.EMAIL, BanKind.ADDRESS)),
    "person": ("account and e-mail only", (BanKind.ACCOUNT, BanKind.EMAIL)),
}
# What a ban makes of the comment, and so what it teaches the filter: a spammer's comment is
# spam (the spam model learns it), an abuser's is removed as abuse (the abuse model learns it).
# Each comment's own list starts at what its status, verdict and reports suggest
# (selectors.ban_suggestion); the bulk list by default keeps spam as spam and removes the rest.
BAN_AS = {"spam": True, "abuse": False}
BAN_AS_CHOICES = [("spam", "as a spammer"), ("abuse", "for abuse")]
BULK_BAN_AS_CHOICES = [
    ("", "spam as spammers, others for abuse"),
    ("spam", "all as spammers"),
    ("abuse", "all for abuse"),
]
CONFIRM_FOR_GOOD = "for-good"
NO_ACTION_CHOSEN = (
    "Nothing was done: press the button of the action you want (Enter acts on nothing)."
)
BAN_NOTE_MAX_LENGTH = Ban._meta.get_field("reason").max_length  # shown in the bans list
# Why a comment is removed; only abuse teaches the filter (see services.REMOVE_LABELS).
REMOVE_REASONS = [
    ("abuse", "as abuse"),
    ("off_topic", "as off-topic"),
    ("other", "for another reason"),
]
ACTION_WORDS = {
    "approve": "Approved",
    "spam": "Marked as spam",
    "remove": "Removed",
    "ban": "Banned the authors of",
    "feature": "Featured",
    "unfeature": "No longer featured",
}

# The queues whose bulk actions take or drop picks: the published comments (and the reported
# ones, which may be published) can be featured together, the featured ones unfeatured.
BULK_FEATURE = {
    "action": "feature",
    "label": "Feature selected",
    "title": "Show them to readers among their articles’ featured comments (Editors’ picks)",
}
BULK_PICK_ACTIONS = {
    "published": BULK_FEATURE,
    "reported": BULK_FEATURE,
    "featured": {
        "action": "unfeature",
        "label": "Unfeature selected",
        "title": "Take them out of their articles’ featured comments; they stay in the threads",
    },
}


def moderator_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _queue_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith(reverse("moderation_queue")) else reverse("moderation_queue")


@moderator_required
def queue(request):
    now = timezone.now()
    kind = request.GET.get("queue", "pending")
    if kind not in selectors.QUEUES:
        kind = "pending"
    article_id = parse_id(request.GET.get("article"))
    author, reason = request.GET.get("author", "").strip(), request.GET.get("reason", "").strip()
    text = request.GET.get("text", "").strip()
    filters = {"article_id": article_id, "author": author, "reason": reason, "text": text}
    comments = selectors.queue_comments(queue=kind, now=now, **filters)
    # The tabs count what the filters leave, so the list's is counted already.
    counts = selectors.queue_counts(now, **filters)
    page = selectors.paginate(comments, request.GET.get("p"), count=counts[kind])
    records = selectors.author_records(page.object_list, now=now)
    items = [(comment, records[comment.pk]) for comment in page.object_list]
    selectors.verdicts_unmask(page.object_list)
    for comment, _ in items:
        comment.reporters = selectors.distinct_reporters(comment.open_reports)
        comment.ban_as = selectors.ban_suggestion(comment)
        comment.edited_after = selectors.edited_after(comment)
        # Its reports did not hide it: the moderator should know why readers still see it.
        comment.approval = (
            selectors.approval_standing(comment, comment.standing_decisions)
            if comment.open_reports
            else None
        )
    commented = list(selectors.commented_articles())
    article_comments = _article_comment_state(article_id)
    # An article with no comments yet (or older than the list) is still the one filtered by:
    # missing from the choices, the form showed "All articles" and its Filter dropped it.
    if article_comments and article_comments.article not in commented:
        commented.insert(0, article_comments.article)
    return render(
        request,
        "moderation/admin/queue.html",
        {
            "queue": kind,
            "queues": [
                (key, label, count)
                for (key, label), count in zip(
                    selectors.QUEUES.items(), counts.values(), strict=True
                )
            ],
            "items": items,
            "page": page,
            "articles": commented,
            "filters": {"article": article_id, "author": author, "reason": reason, "text": text},
            "article_comments": article_comments,
            "moderation_modes": article_moderation_modes().items(),
            "ban_periods": BAN_PERIODS,
            "ban_scopes": [(key, label) for key, (label, _) in BAN_SCOPES.items()],
            "ban_note_max_length": BAN_NOTE_MAX_LENGTH,
            "spam_kept_days": settings.MASTHEAD_SPAM_KEPT_DAYS,
            "ban_as_choices": BAN_AS_CHOICES,
            "bulk_ban_as_choices": BULK_BAN_AS_CHOICES,
            "remove_reasons": REMOVE_REASONS,
            "bulk_pick": BULK_PICK_ACTIONS.get(kind),
            "recent": selectors.recent_decision_groups(limit=5),
            "undo_blocked": UNDO_BLOCKED,
            "here": request.get_full_path(),
        },
    )


def _article_comment_state(article_id):
    """The comment settings of the article the queue is filtered by, for its form."""
    from masthead.publishing.selectors import article_by_id

    article = article_by_id(article_id) if article_id else None
    return selectors.article_comment_state(article) if article else None


OPEN_OR_CLOSED_MISSING = "Choose whether readers may comment (open or closed); nothing was changed."


class ArticleCommentsForm(forms.Form):
    comments_open = forms.TypedChoiceField(
        choices=[("open", "Open"), ("closed", "Closed")],
        coerce=lambda value: value == "open",
        error_messages={
            "required": OPEN_OR_CLOSED_MISSING,
            "invalid_choice": OPEN_OR_CLOSED_MISSING,
        },
    )
    # "" (as the site's setting says) is one of the choices, so Django's `required` would refuse
    # it: clean_comment_moderation refuses a form that leaves the field out instead.
    comment_moderation = forms.ChoiceField(
        choices=lambda: list(article_moderation_modes().items()),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_MODE},
    )

    def clean_comment_moderation(self):
        if "comment_moderation" not in self.data:
            raise forms.ValidationError(UNKNOWN_MODE)
        return self.cleaned_data["comment_moderation"]


NOT_A_MODERATOR = (
    "Only comment moderators may change an article's comment settings here; editors change them "
    "in the page's Settings tab."
)


@require_POST
def article_comments(request, article_id):
    """Set one article's comment settings for moderators (open or closed, how comments are
    moderated), over what its editors set in the page editor, or clear them ("clear" in the
    POST) so that the editors' apply again. The queue filtered by that article shows the form.
    Refused with a 403 that says why, not Wagtail's redirect to the dashboard (what
    PermissionDenied gets in the admin): nothing to see there for a refused change."""
    from masthead.publishing.selectors import article_by_id

    if not request.user.has_perm(PERMISSION):
        return HttpResponseForbidden(NOT_A_MODERATOR, content_type="text/plain; charset=utf-8")
    article = article_by_id(article_id)
    if article is None:
        raise Http404("No such article.")
    back = request.POST.get("next") or ""
    if not back.startswith(reverse("moderation_queue")):
        back = f"{reverse('moderation_queue')}?article={article.pk}"
    if "clear" in request.POST:
        return _article_comments_clear(request, article, back)
    form = ArticleCommentsForm(request.POST)
    if not form.is_valid():
        for error in dict.fromkeys(e for errors in form.errors.values() for e in errors):
            messages.error(request, error)
        return redirect(back)
    try:
        change = services.article_comments_set(
            article=article,
            comments_open=form.cleaned_data["comments_open"],
            comment_moderation=form.cleaned_data["comment_moderation"],
            moderator=request.user,
        )
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    words = comment_settings_words(comment_settings(change))
    if change.changed:
        messages.success(
            request,
            f"“{article.title}”: {words}. It applies to the next comment and stays, whatever "
            "editors publish, until a moderator clears it; the page's history records the change.",
        )
    else:
        messages.info(
            request,
            f"“{article.title}” already has these comment settings ({words}): nothing was changed.",
        )
    return redirect(back)


def _article_comments_clear(request, article, back):
    change = services.article_comments_override_clear(article=article, moderator=request.user)
    words = comment_settings_words(comment_settings(change))
    if change.changed:
        messages.success(
            request,
            f"“{article.title}”: the moderators' comment settings are cleared; the article's own "
            f"apply from the next comment ({words}).",
        )
    else:
        messages.info(
            request,
            f"“{article.title}” has no moderators' comment settings to clear: nothing was changed.",
        )
    return redirect(back)


@moderator_required
@require_POST
def act(request, comment_id, action):
    """One comment, one action (the buttons on each item)."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    ban_days = request.POST.get(f"ban_days_{comment.pk}", request.POST.get("ban_days", "30"))
    ban_scope = request.POST.get(f"ban_scope_{comment.pk}", request.POST.get("ban_scope", "all"))
    if _ban_for_good_unconfirmed(request, action, ban_days):
        return _confirm_ban_for_good(request, [comment], ban_scope)
    _apply(
        request,
        [comment],
        action,
        ban_days,
        request.POST.get(f"remove_reason_{comment.pk}", request.POST.get("remove_reason", "abuse")),
        ban_scope,
        ban_note=request.POST.get(f"ban_note_{comment.pk}", request.POST.get("ban_note", "")),
        ban_as=request.POST.get(f"ban_as_{comment.pk}", request.POST.get("ban_as", "")),
    )
    return redirect(_queue_url(request))


@moderator_required
@require_POST
def bulk(request):
    """The same action on every ticked comment."""
    ids = [pk for pk in map(parse_id, request.POST.getlist("comment")) if pk is not None]
    action = request.POST.get("action", "")
    if not action:  # Enter pressed in one of the form's text boxes
        messages.warning(request, NO_ACTION_CHOSEN)
        return redirect(_queue_url(request))
    if not ids:
        messages.warning(request, "Tick the comments to act on first.")
        return redirect(_queue_url(request))
    comments = list(Comment.objects.filter(pk__in=ids).select_related("article"))
    ban_days, ban_scope = request.POST.get("ban_days", "30"), request.POST.get("ban_scope", "all")
    if _ban_for_good_unconfirmed(request, action, ban_days):
        return _confirm_ban_for_good(request, comments, ban_scope)
    _apply(
        request,
        comments,
        action,
        ban_days,
        request.POST.get("remove_reason", "abuse"),
        ban_scope,
        ban_note=request.POST.get("ban_note", ""),
        ban_as=request.POST.get("ban_as", ""),
    )
    return redirect(_queue_url(request))


def _ban_for_good_unconfirmed(request, action, ban_days) -> bool:
    """A ban without an end (no number of days) is asked again: a slip of `b` or of the mouse on
    "for good" must not bar a reader for ever. Timed bans stay one click."""
    return (
        action == "ban"
        and _ban_days(ban_days) is None
        and request.POST.get("confirm_ban") != CONFIRM_FOR_GOOD
    )


def _ban_days(value: str) -> int | None:
    """The ban's length in days as the form gives it; None for a ban without an end."""
    return int(value) if re.fullmatch(r"[0-9]+", value) else None


def _confirm_ban_for_good(request, comments, ban_scope):
    """The question, as a page (it works without JavaScript): the form posts everything again."""
    return render(
        request,
        "moderation/admin/confirm_ban.html",
        {
            "comments": comments,
            "scope": BAN_SCOPES.get(ban_scope, BAN_SCOPES["all"])[0],
            "fields": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in ("csrfmiddlewaretoken", "confirm_ban")
                for value in values
            ],
            "confirm": CONFIRM_FOR_GOOD,
            "back": _queue_url(request),
        },
    )


def _apply(
    request, comments, action, ban_days, remove_reason, ban_scope="all", ban_note="", ban_as=""
):
    options = {}
    if action == "ban":
        options = {
            "days": _ban_days(ban_days),
            "reason": " ".join(ban_note.split())[:BAN_NOTE_MAX_LENGTH],
            "kinds": BAN_SCOPES.get(ban_scope, BAN_SCOPES["all"])[1],
            "as_spam": BAN_AS.get(ban_as),
        }
    elif action == "remove":
        options = {"reason": remove_reason}
    try:
        outcome = services.comments_moderate(
            comments=comments, action=action, moderator=request.user, **options
        )
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
        return
    count = len(outcome.decisions)
    if count:
        messages.success(
            request,
            format_html(
                '{}. You can undo it from <a href="#recent-decisions">“Recent decisions”</a>.',
                _what_was_done(action, outcome.decisions),
            ),
        )
    if outcome.unchanged == len(comments) == 1:
        messages.info(request, ALREADY_DECIDED.format(already=outcome.already))
    elif outcome.unchanged:
        messages.info(
            request,
            f"{outcome.unchanged} comment{'s were' if outcome.unchanged != 1 else ' was'} "
            f"{outcome.already}: nothing was changed for {'them' if outcome.unchanged != 1 else 'it'}.",
        )
    for message in dict.fromkeys(outcome.refused):
        messages.error(request, message)
    if not (count or outcome.unchanged or outcome.refused):
        messages.warning(request, "Nothing was changed.")


def _what_was_done(action, decisions) -> str:
    """The action's outcome as the message after it says it, e.g. "Approved: 2 comments".
    A ban says where the comments went when they all went alike; an approval of a comment
    already published changed nothing but dismissed its reports, and says so apart."""
    counts = Counter(decision.summary for decision in decisions)
    by_outcome = action == "approve" or (action == "ban" and len(counts) == 1)
    if not by_outcome:
        counts = Counter({ACTION_WORDS.get(action, action): len(decisions)})
    dismissed = {decision.summary for decision in decisions if decision.dismissed_reports_only}
    done = [
        f"{summary}: {_comments(count)}" + (" (already published)" if summary in dismissed else "")
        for summary, count in counts.items()
    ]
    return "; ".join([done[0], *(part[0].lower() + part[1:] for part in done[1:])])


def _comments(count: int) -> str:
    return f"{count} comment{'s' if count != 1 else ''}"


@moderator_required
@require_POST
def undo(request, decision_id):
    decision = get_object_or_404(Decision, pk=decision_id)
    try:
        decision = services.decision_undo(decision=decision, moderator=request.user)
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            f"Undone: {decision.summary.lower()} on the comment by {decision.comment.author_name}"
            f"{_back_for_review(len(decision.released), 'them')}.",
        )
    return redirect(_undo_return_url(request))


@moderator_required
@require_POST
def undo_batch(request, batch):
    """Undo a whole bulk action in one step."""
    try:
        decisions = services.decision_batch_undo(batch=batch, moderator=request.user)
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        released = sum(len(decision.released) for decision in decisions)
        counts = Counter(decision.summary for decision in decisions)
        undone = ", ".join(
            f"{summary.lower()} on {_comments(count)}" for summary, count in counts.items()
        )
        messages.success(request, f"Undone: {undone}{_back_for_review(released, 'their authors')}.")
    return redirect(_undo_return_url(request))


def _back_for_review(count: int, whose: str) -> str:
    """The end of an undone ban's message: the comments it had sent to spam that are back."""
    if not count:
        return ""
    comments = "1 comment" if count == 1 else f"{count} comments"
    return f"; {comments} by {whose} {'is' if count == 1 else 'are'} back in the pending queue"


def _undo_return_url(request) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/admin/") else reverse("moderation_log")


@moderator_required
def log(request):
    moderator = request.GET.get("moderator", "").strip()
    now = timezone.now()
    page, entries = selectors.decisions_log(request.GET.get("p"), moderator=moderator, now=now)
    return render(
        request,
        "moderation/admin/log.html",
        {
            "page": page,
            "entries": entries,
            "moderator": moderator,
            "undo_blocked": UNDO_BLOCKED,
            "here": request.get_full_path(),
        },
    )


@moderator_required
def bans(request):
    return render(
        request,
        "moderation/admin/bans.html",
        {
            "bans": selectors.ban_rows(selectors.active_bans()),
            "lifted": selectors.lifted_ban_rows(),
            "lifted_days": selectors.RECENTLY_LIFTED_DAYS,
            "now": timezone.now(),
        },
    )


@moderator_required
@require_POST
def lift_ban(request, ban_id):
    ban = get_object_or_404(Ban, pk=ban_id)
    try:
        ban = services.ban_lift(ban=ban, moderator=request.user)
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        (ban,) = selectors.bans_named([ban])
        messages.success(
            request,
            f"Ban lifted: {ban.get_kind_display()} {ban.target}. To undo it, use “Ban again” "
            "under “Recently lifted”.",
        )
    return redirect("moderation_bans")


@moderator_required
@require_POST
def reinstate_ban(request, ban_id):
    """Undo a lift: the same ban again, until the same end."""
    ban = get_object_or_404(Ban, pk=ban_id)
    try:
        services.ban_reinstate(ban=ban, moderator=request.user)
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        (ban,) = selectors.bans_named([ban])
        messages.success(request, f"Banned again: {ban.get_kind_display()} {ban.target}.")
    return redirect("moderation_bans")


@moderator_required
@require_POST
def undo_ban_again(request, ban_id):
    """Undo a "Ban again" from the decisions log: lift the bans it made, as undoing a ban does."""
    ban = get_object_or_404(Ban, pk=ban_id)
    try:
        services.ban_reinstate_undo(ban=ban, moderator=request.user)
    except services.ModerationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        (ban,) = selectors.bans_named([ban])
        messages.success(
            request,
            f"Undone: banned again {ban.get_kind_display()} {ban.target}; the ban is lifted. "
            "To bar it once more, use “Ban again” under “Recently lifted” on the bans page.",
        )
    return redirect(_undo_return_url(request))


@moderator_required
def filter_quality(request):
    versions = list(selectors.filter_versions())
    # The quality is split at the last retraining that learnt something, not at a skipped run.
    last = services.training.last_training()
    return render(
        request,
        "moderation/admin/filter.html",
        {
            "recent": selectors.filter_quality(),
            "before_last": selectors.filter_quality(until=last.created) if last else None,
            "since_last": selectors.filter_quality(since=last.created) if last else None,
            "versions": versions,
            "last": last,
            "newest_learnt_nothing": versions[0] if versions and not versions[0].judged else None,
            "pending_decisions": services.training.decisions_since_last_training(),
            "progress": selectors.retraining_progress(),
        },
    )


@moderator_required
@require_POST
def retrain(request):
    from masthead.moderation import tasks

    tasks.retrain_filter.enqueue()
    messages.success(request, "Retraining has started; the result appears here when it is done.")
    return redirect("moderation_filter")
