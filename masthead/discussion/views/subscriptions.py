"""Following a discussion by e-mail without commenting, and the links in those e-mails."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.discussion import selectors, services
from masthead.discussion.readers import request_network

CONFIRMATION_SENT = (
    "We have sent you an e-mail. Open the link in it to confirm; nothing will be sent until you do."
)
FOLLOWING = "You follow this discussion: new comments will be e-mailed to {email}."
FOLLOWED_AT_OWN_ADDRESS = (
    "{email} already gets e-mail about this discussion; the link at the foot of each of those"
    " e-mails stops it."
)


@require_POST
def subscribe(request, article_id):
    """ "Notify me" without commenting; JSON to the page's script, which says the same in place.

    A signed-in reader's form sends no address when it offers theirs in one click: the
    account's is meant."""
    article = selectors.open_article_or_404(article_id, request)
    wants_json = "application/json" in request.headers.get("Accept", "")
    user = request.user if request.user.is_authenticated else None
    try:
        subscription = services.subscription_follow(
            article=article,
            email=request.POST.get("email") or (user.email if user else ""),
            kind=request.POST.get("kind", "all"),
            network=request_network(request),
            user=user,
        )
    except services.SubscriptionRefused as refusal:
        if wants_json:
            return JsonResponse(
                {"detail": refusal.message, "field": refusal.field}, status=refusal.status
            )
        return render(
            request,
            "discussion/subscription.html",
            {"article": article, "error": refusal.message},
            status=refusal.status,
        )
    if following := _already_following(subscription, user):
        status, words = following
        if wants_json:
            return JsonResponse({"status": status, "detail": words})
        return render(
            request, "discussion/subscription.html", {"article": article, "following": words}
        )
    if wants_json:
        return JsonResponse(
            {"status": "confirmation_sent", "detail": CONFIRMATION_SENT}, status=202
        )
    return render(
        request,
        "discussion/subscription.html",
        {"article": article, "requested": CONFIRMATION_SENT},
    )


def _already_following(subscription, user) -> tuple[str, str] | None:
    """(status, what to tell the reader) when the reader may be told the address follows: it
    follows as their account's, or at their own confirmed address as another account's. None:
    anyone else gets the confirmation answer, whether or not the address follows already."""
    if services.is_accounts_own(subscription, user):
        return "following", FOLLOWING.format(email=subscription.email)
    if services.is_followed_at_own_address(subscription, user):
        return "followed_at_address", FOLLOWED_AT_OWN_ADDRESS.format(email=subscription.email)
    return None


@require_POST
def unfollow(request, article_id):
    """ "Stop following" under the article, for a signed-in reader who follows it."""
    article = selectors.open_article_or_404(article_id, request)
    try:
        stopped = services.subscription_unfollow(article=article, user=request.user)
    except services.SubscriptionRefused as refusal:
        return _subscription_page(
            request, article=article, error=refusal.message, status=refusal.status
        )
    return _subscription_page(request, article=article, unfollowed=True, stopped=stopped)


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
