"""The only module that talks to Stripe: Checkout Sessions, cancelling subscriptions, verifying
webhook signatures. Tests replace `stripe_client` (offline) and sign payloads themselves.
"""

import json
from dataclasses import dataclass

import stripe

from masthead.funding import conf

PAYMENTS_NOT_CONFIGURED = "Online payments are not configured: set STRIPE_SECRET_KEY."
EVENT_ID_MAX_LENGTH = 255  # StripeEvent.event_id


class PaymentsNotConfigured(RuntimeError):
    pass


class GatewayError(RuntimeError):
    """Stripe could not be reached or refused the request; str() is safe to log, not to show."""


# What each request needs of a restricted key (rk_…); README → Reader funding lists them too.
NEEDS_CHECKOUT_SESSIONS = "Checkout Sessions: write"
NEEDS_SUBSCRIPTIONS = "Subscriptions: write"
NEEDS_INVOICES = "Invoices: read"
NEEDS_PAYMENT_INTENTS = "Payment Intents: read"
KEY_LACKS_PERMISSION = (
    "Stripe refused to {action}: STRIPE_SECRET_KEY lacks the permission “{permission}”. Give "
    "the restricted key that permission in Stripe's dashboard (Developers → API keys); README → "
    "Reader funding lists every permission Masthead needs. Stripe said: {error}"
)
KEY_NOT_ACCEPTED = (
    "Stripe did not accept STRIPE_SECRET_KEY when asked to {action} (revoked, expired or "
    "mistyped?). Stripe said: {error}"
)


class KeyLacksPermission(GatewayError):
    """Stripe refused a request the key is not allowed to make: only the operator can mend it."""


def _refused(error: stripe.StripeError, *, action: str, permission: str) -> GatewayError:
    """The GatewayError for a failed request: one that names the permission to give the key
    when Stripe answered 403, one that names the key when it did not accept it at all."""
    if isinstance(error, stripe.PermissionError) or getattr(error, "http_status", None) == 403:
        return KeyLacksPermission(
            KEY_LACKS_PERMISSION.format(action=action, permission=permission, error=error)
        )
    if isinstance(error, stripe.AuthenticationError):
        return GatewayError(KEY_NOT_ACCEPTED.format(action=action, error=error))
    return GatewayError(f"Stripe could not {action}: {error}")


def _missing(error: stripe.StripeError) -> bool:
    return isinstance(error, stripe.InvalidRequestError) and error.code == "resource_missing"


class InvalidSignature(ValueError):
    """A webhook whose signature is missing, forged or stale."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def payments_enabled() -> bool:
    return bool(conf.stripe_secret_key())


def stripe_client() -> stripe.StripeClient:
    key = conf.stripe_secret_key()
    if not key:
        raise PaymentsNotConfigured(PAYMENTS_NOT_CONFIGURED)
    return stripe.StripeClient(key, max_network_retries=2)


def checkout_session_create(params: dict) -> CheckoutSession:
    """Create a Checkout Session (one-time payment or monthly subscription) from prepared params."""
    try:
        session = stripe_client().v1.checkout.sessions.create(params=params)
    except stripe.StripeError as error:
        raise _refused(
            error, action="create a Checkout Session", permission=NEEDS_CHECKOUT_SESSIONS
        ) from error
    return CheckoutSession(id=session["id"], url=session["url"])


def subscription_cancel(subscription_id: str) -> None:
    """Cancel a monthly donation at Stripe at once; cancelling one already cancelled is fine."""
    try:
        stripe_client().v1.subscriptions.cancel(subscription_id)
    except stripe.InvalidRequestError as error:
        if getattr(error, "code", None) == "resource_missing" or "canceled" in str(error):
            return
        raise GatewayError(f"Stripe refused to cancel {subscription_id}: {error}") from error
    except stripe.StripeError as error:
        raise _refused(
            error, action=f"cancel {subscription_id}", permission=NEEDS_SUBSCRIPTIONS
        ) from error


def invoice_for_payment_intent(payment_intent: str) -> str | None:
    """The invoice a payment intent paid (newer API versions no longer put it on the charge);
    None when it paid none or payments are off. GatewayError when Stripe cannot be asked
    (KeyLacksPermission without "Invoices: read"): a guess could ignore a donation's refund."""
    if not payments_enabled() or not payment_intent:
        return None
    try:
        found = stripe_client().v1.invoice_payments.list(
            params={"payment": {"type": "payment_intent", "payment_intent": payment_intent}}
        )
    except stripe.StripeError as error:
        if _missing(error):
            return None
        raise _refused(
            error, action=f"say which invoice {payment_intent} paid", permission=NEEDS_INVOICES
        ) from error
    for invoice_payment in found.get("data", []):
        invoice = invoice_payment.get("invoice")
        return invoice if isinstance(invoice, str) else (invoice or {}).get("id")
    return None


def invoice(invoice_id: str) -> dict:
    """An invoice as Stripe holds it (a monthly gift's names its campaign under
    parent.subscription_details.metadata); empty when payments are off or there is no such
    invoice. GatewayError when Stripe cannot be asked (KeyLacksPermission without "Invoices:
    read")."""
    if not payments_enabled() or not invoice_id:
        return {}
    try:
        found = stripe_client().v1.invoices.retrieve(invoice_id)
    except stripe.StripeError as error:
        if _missing(error):
            return {}
        action = f"read invoice {invoice_id}"
        raise _refused(error, action=action, permission=NEEDS_INVOICES) from error
    found = found.to_dict() if isinstance(found, stripe.StripeObject) else found
    return found if isinstance(found, dict) else {}


def payment_intent_metadata(payment_intent: str) -> dict:
    """The metadata of a payment intent (Checkout copies a donation's campaign onto it); empty
    when payments are off or there is no such payment intent. GatewayError when Stripe cannot
    be asked (KeyLacksPermission without "Payment Intents: read")."""
    if not payments_enabled() or not payment_intent:
        return {}
    try:
        found = stripe_client().v1.payment_intents.retrieve(payment_intent)
    except stripe.StripeError as error:
        if _missing(error):
            return {}
        raise _refused(
            error, action=f"read payment intent {payment_intent}", permission=NEEDS_PAYMENT_INTENTS
        ) from error
    metadata = found.get("metadata")
    return dict(metadata) if metadata else {}


def event_verify(payload: bytes, signature_header: str | None, secret: str) -> dict:
    """The event in a webhook body, once its Stripe-Signature (HMAC-SHA256 over `t.payload`)
    matches `secret` and its timestamp is within the tolerance; InvalidSignature otherwise."""
    if not secret:
        raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not set: no webhook can be verified.")
    # Stripe signs the text of the body and decodes bytes inside verify_header, where a
    # UnicodeDecodeError would escape as a 500.
    try:
        body = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSignature("The body is not UTF-8 text, so it is not a Stripe event.") from None
    try:
        stripe.WebhookSignature.verify_header(
            body, signature_header, secret, conf.webhook_tolerance_seconds()
        )
    except stripe.SignatureVerificationError as error:
        raise InvalidSignature(str(error).split(". ")[0]) from None
    try:
        event = json.loads(body)
    except ValueError:
        raise InvalidSignature("The signed body is not JSON.") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidSignature("The signed body is not a Stripe event.")
    # Events are stored by their id, so one that cannot be stored is refused here; anything
    # else wrong with a signed event is stored as refused by services.webhooks.
    if not isinstance(event["id"], str) or len(event["id"]) > EVENT_ID_MAX_LENGTH:
        raise InvalidSignature("The signed body is not a Stripe event: its id is not an event id.")
    return event
