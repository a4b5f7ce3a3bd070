"""Reader-facing pages: /donate/, the thank-you page, the donor's own page; and the webhook."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Site

from masthead import limits
from masthead.funding import conf, gateway, selectors, services
from masthead.funding.donor_links import BadDonorLink, donor_from_token
from masthead.funding.forms import DonateForm
from masthead.funding.models import Donation, StripeEvent
from masthead.funding.money import MoneyError, format_money, to_minor
from masthead.funding.services.checkout import AMOUNT_TOO_LARGE, AMOUNT_TOO_SMALL
from masthead.ids import parse_id
from masthead.links import site_address

logger = logging.getLogger(__name__)

PAYMENTS_OFF = (
    "Online payments are not configured on this site yet. You can still give by bank transfer "
    "or in the other ways listed on this page."
)
PAYMENT_SERVICE_DOWN = (
    "We could not reach our payment provider, and nothing was charged. Please try again in a "
    "minute."
)
DONATION_CANCELLED = "Your monthly donation is cancelled. Thank you for your support so far."
# Checkouts one network address may start an hour: each is a call to Stripe (whose rate limit
# all readers share) and a pending donation in the admin's list.
CHECKOUTS_PER_NETWORK_PER_HOUR = 20
TOO_MANY_CHECKOUTS = (
    "Many payments were started from your network in the last hour, and nothing was charged for "
    "this one. Please try again later, or write to us."
)


def _article(raw):
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.selectors import public_pages

    article_id = parse_id(str(raw or ""))
    if article_id is None:
        return None
    # The id comes from the address: a private article's title and address must not leak.
    return public_pages(ArticlePage.objects.live()).filter(pk=article_id).first()


def donate(request):
    """Preset and custom amounts, one-time or monthly, then off to Stripe Checkout."""
    now = timezone.now()
    site = Site.find_for_request(request)
    funding_settings = selectors.funding_settings(site)
    campaign = funding_settings.campaign_at(now) if funding_settings else None
    payments_enabled = gateway.payments_enabled()
    context = {
        "campaign": campaign,
        "funding_settings": funding_settings,
        "payments_enabled": payments_enabled,
        "payments_off_message": PAYMENTS_OFF,
        # Back from Stripe without paying. Its "try again below" would point at a disabled form
        # if payments were switched off meanwhile: the payments-off notice says it all then.
        "cancelled": "cancelled" in request.GET and payments_enabled,
    }
    if campaign is None:
        return render(request, "funding/donate.html", context)
    style = funding_settings.money_style
    presets = selectors.preset_choices(campaign, style=style)
    article = _article(request.POST.get("article") or request.GET.get("article"))
    form = DonateForm(
        request.POST or None,
        campaign=campaign,
        presets=presets,
        user=request.user,
        initial={
            "article": article.pk if article else None,
            "amount": presets[min(1, len(presets) - 1)].value if presets else "",
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        if not context["payments_enabled"]:
            form.add_error(None, PAYMENTS_OFF)
        elif _too_many_checkouts(request):
            form.add_error(None, TOO_MANY_CHECKOUTS)
            status = 429
        else:
            try:
                _donation, checkout_url = services.donation_checkout_start(
                    campaign=campaign,
                    amount_minor=form.cleaned_data["amount_minor"],
                    currency=campaign.currency,
                    frequency=form.cleaned_data["frequency"],
                    public_name=form.cleaned_data["public_name"],
                    user=request.user,
                    article=article,
                    success_url=site_address(site, reverse("funding:thanks"))
                    + "?session_id={CHECKOUT_SESSION_ID}",
                    cancel_url=site_address(site, reverse("funding:donate"))
                    + f"?cancelled=1&article={article.pk if article else ''}",
                    site_name=site.site_name
                    if site and site.site_name
                    else settings.WAGTAIL_SITE_NAME,
                    now=now,
                )
            except MoneyError as error:
                form.add_error(None, str(error))
            except services.PublicNameRefused as refusal:  # words the article's site blocks
                form.add_error(refusal.field, refusal.message)
            except gateway.GatewayError:
                logger.exception("Could not start Stripe Checkout")
                form.add_error(None, PAYMENT_SERVICE_DOWN)
            else:
                return redirect(checkout_url)
    context.update(
        {
            "form": form,
            "presets": presets,
            "article": article,
            "bar": selectors.goal_bar_for(campaign=campaign, now=now, style=style),
            "supporters": selectors.recent_supporters(campaign),
            "bounds": _bounds(campaign, style),
        }
    )
    return render(request, "funding/donate.html", context, status=status)


def _too_many_checkouts(request) -> bool:
    from masthead.discussion.readers import request_network

    network = request_network(request)
    return limits.count(f"funding:checkouts-from:{network}", 3600) > CHECKOUTS_PER_NETWORK_PER_HOUR


def _bounds(campaign, style) -> dict:
    """The amount limits and their messages, for the form's inline validation in the browser."""
    minimum = max(to_minor(conf.min_amount(), campaign.currency), 1)
    maximum = to_minor(conf.max_amount(), campaign.currency)
    min_label = format_money(minimum, campaign.currency, style=style)
    max_label = format_money(maximum, campaign.currency, style=style)
    return {
        "min": conf.min_amount(),
        "max": conf.max_amount(),
        "min_label": min_label,
        "max_label": max_label,
        "too_small": AMOUNT_TOO_SMALL % {"minimum": min_label},
        "too_large": AMOUNT_TOO_LARGE % {"maximum": max_label},
    }


@never_cache
def thanks(request):
    """Where Stripe sends the reader back. It thanks them and says only what is known of the
    payment (reloaded, it says what the webhook has learnt since); only the webhook counts money."""
    outcome = selectors.checkout_return(request.GET.get("session_id", ""))
    if outcome.donation is not None:
        campaign = outcome.donation.campaign
    else:
        funding_settings = selectors.funding_settings(Site.find_for_request(request))
        campaign = funding_settings.campaign_at(timezone.now()) if funding_settings else None
    context = {"campaign": campaign, "donation": outcome.donation, "outcome": outcome}
    return render(request, "funding/thanks.html", context)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """POST /donate/stripe/webhook/: verify the signature on the raw body, then handle once."""
    try:
        event = gateway.event_verify(
            request.body,
            request.headers.get("Stripe-Signature"),
            conf.stripe_webhook_secret(),
        )
    except gateway.InvalidSignature as error:
        logger.warning("Refused a Stripe webhook: %s", error)
        return HttpResponseBadRequest(f"Webhook refused: {error}", content_type="text/plain")
    outcome = services.stripe_event_handle(event=event, now=timezone.now())
    # Any answer but 2xx makes Stripe deliver the event again later, which a deferred event needs.
    status = 409 if outcome.outcome == StripeEvent.Outcome.DEFERRED else 200
    return JsonResponse(
        {"received": True, "outcome": outcome.outcome, "message": outcome.message}, status=status
    )


@never_cache
def donor_page(request, token):
    """A donor's gifts, and a button to stop a monthly donation; reached from a receipt link."""
    try:
        donor = donor_from_token(token)
    except BadDonorLink as error:
        return render(request, "funding/donor.html", {"error": str(error)}, status=403)
    response = render(
        request,
        "funding/donor.html",
        {"donor": donor, "donations": selectors.donor_donations(donor), "token": token},
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_POST
def donor_cancel(request, token, donation_id):
    try:
        donor = donor_from_token(token)
    except BadDonorLink as error:
        return render(request, "funding/donor.html", {"error": str(error)}, status=403)
    donation = get_object_or_404(Donation, pk=donation_id, donor=donor)
    try:
        services.donation_cancel(donation=donation, donor=donor, now=timezone.now())
    except ValueError as error:
        messages.error(request, str(error))
    except gateway.GatewayError:
        logger.exception("Could not cancel subscription of donation %s", donation.pk)
        messages.error(
            request, PAYMENT_SERVICE_DOWN.replace("nothing was charged", "nothing changed")
        )
    else:
        messages.success(request, DONATION_CANCELLED)
    return redirect("funding:donor", token=token)
