"""Stripe webhook payloads shaped as Stripe sends them (API 2026 "basil"+ shapes, where an
invoice names its subscription under parent.subscription_details), and a local signer.

The signer implements Stripe's scheme: header `t=<timestamp>,v1=<hex HMAC-SHA256 of
"<timestamp>.<raw body>" keyed by the endpoint secret>`."""

import hashlib
import hmac
import itertools
import json
import time

from django.test import TestCase

WEBHOOK_SECRET = "whsec_test_0123456789abcdef"
WEBHOOK_URL = "/donate/stripe/webhook/"

_ids = itertools.count(1000)


def new_id(prefix: str) -> str:
    return f"{prefix}_test{next(_ids)}"


def sign(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def post_event(client, event: dict, *, secret=WEBHOOK_SECRET, timestamp=None, signature=None):
    body = json.dumps(event)
    header = signature if signature is not None else sign(body, secret=secret, timestamp=timestamp)
    # After-commit work (receipts, cache invalidation) runs as it would after a real commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )


def event(
    type_: str, obj: dict, *, created: int | None = None, event_id: str | None = None
) -> dict:
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()) if created is None else created,
        "livemode": False,
        "pending_webhooks": 1,
        "type": type_,
        "data": {"object": obj},
    }


def checkout_session(
    *,
    session_id=None,
    amount=2500,
    currency="usd",
    mode="payment",
    campaign="campaign",
    article="",
    payment_status="paid",
    email="rita@example.com",
    name="Rita Reader",
    payment_intent=None,
    subscription=None,
    invoice=None,
) -> dict:
    monthly = mode == "subscription"
    return {
        "id": session_id or new_id("cs"),
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "currency": currency,
        "mode": mode,
        "status": "complete",
        "payment_status": payment_status,
        "customer": new_id("cus"),
        "customer_details": {"email": email, "name": name},
        "metadata": {"campaign": campaign, "article": str(article)},
        "payment_intent": None if monthly else (payment_intent or new_id("pi")),
        "subscription": (subscription or new_id("sub")) if monthly else None,
        "invoice": (invoice or new_id("in")) if monthly else None,
        "created": int(time.time()),
    }


def invoice(
    *,
    invoice_id=None,
    subscription,
    amount=1000,
    currency="usd",
    campaign="campaign",
    article="",
    paid_at=None,
    email="rita@example.com",
    billing_reason="subscription_cycle",
    payment_intent=None,
) -> dict:
    payload = {
        "id": invoice_id or new_id("in"),
        "object": "invoice",
        "amount_due": amount,
        "amount_paid": amount,
        "currency": currency,
        "customer": new_id("cus"),
        "customer_email": email,
        "customer_name": "Rita Reader",
        "billing_reason": billing_reason,
        "status": "paid",
        "status_transitions": {"paid_at": paid_at or int(time.time())},
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "subscription": subscription,
                "metadata": {"campaign": campaign, "article": str(article)},
            },
        },
    }
    if payment_intent:
        payload["payments"] = {
            "object": "list",
            "data": [
                {
                    "object": "invoice_payment",
                    "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                }
            ],
        }
    return payload


def charge(
    *,
    payment_intent,
    amount=2500,
    amount_refunded=2500,
    currency="usd",
    campaign="campaign",
    **extra,
) -> dict:
    """Stripe copies the payment intent's metadata (Checkout's campaign) onto its charge;
    campaign=None is a payment for something else sold on the same account."""
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "currency": currency,
        "payment_intent": payment_intent,
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
        "metadata": {"campaign": campaign, "article": ""} if campaign else {},
        **extra,
    }


def dispute(*, charge_id=None, payment_intent, amount=2500, currency="usd") -> dict:
    return {
        "id": new_id("dp"),
        "object": "dispute",
        "amount": amount,
        "charge": charge_id or new_id("ch"),
        "currency": currency,
        "payment_intent": payment_intent,
        "reason": "fraudulent",
        "status": "needs_response",
    }


def subscription(*, subscription_id, canceled_at=None, campaign="campaign") -> dict:
    """Checkout copies its metadata onto the subscription; campaign=None is someone else's."""
    return {
        "id": subscription_id,
        "object": "subscription",
        "status": "canceled",
        "canceled_at": canceled_at or int(time.time()),
        "metadata": {"campaign": campaign, "article": ""} if campaign else {},
    }
