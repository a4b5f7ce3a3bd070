"""Stripe events, verified by the view, handled here: one handler per event type.

Every event id is stored once, in the same transaction as its effects, so a replay (or a second
delivery racing the first) changes nothing. A handler that can never place an event (an unknown
campaign or currency) raises Refused: the event is stored as refused with the reason and logged,
and nothing else changes; so is an event whose fields are not what Stripe sends (an amount that
is not a whole number, a date that is not a timestamp), which delivering again would not mend.
A payment keeps the currency it was paid in, even when its campaign has since changed to another:
nothing is converted, and the totals of each currency are kept apart. Stripe does not deliver events in order, so
one about a payment or a monthly donation we have not recorded yet (a refund, a dispute, a
cancellation) raises ArrivedEarly: it is stored as deferred, nothing else changes, and the view
answers 409 so Stripe delivers it again (for up to three days); a deferred event is handled
afresh on each delivery. Only an event that names a campaign is ours to wait for: the same
Stripe account may sell other things, and a refund, dispute or cancellation of those is stored
as ignored and answered 200, never retried.
An event that needs Stripe to be asked (is this payment a donation's?) when Stripe cannot answer,
or the restricted key lacks a permission, is stored as deferred with the reason and logged (an
error naming the permission to give the key), and Stripe delivers it again.
Stripe is never asked inside the transaction, which would hold the database (on SQLite, its one
write lock) for the length of a network call: a handler that needs an answer it does not have
raises MustAsk, the transaction rolls back, the question is asked outside it, and the event is
handled afresh with the answer.
An unexpected error rolls everything back and the view answers 500, so Stripe delivers the event
again later: nothing is lost.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum

from masthead import moderation
from masthead.funding import gateway
from masthead.funding.models import Campaign, Donation, Donor, LedgerEntry, StripeEvent
from masthead.funding.money import CURRENCIES, UNKNOWN_CURRENCY, Money, format_money
from masthead.funding.selectors import campaign_paid_towards, current_money_style
from masthead.funding.services.ledger import ledger_entry_add
from masthead.ids import parse_id

logger = logging.getLogger(__name__)

PUBLIC_NAME_WITHHELD = (
    "Public name withheld from the supporters list ({reasons}). The giver asked to be thanked "
    "as: {name}"
)

UNKNOWN_CAMPAIGN = (
    "No campaign with the slug {slug!r} (from the event's metadata); nothing counted."
)
UNKNOWN_PAYMENT = (
    "Refund of {payment!r}, which is not in the ledger yet; nothing counted until Stripe "
    "delivers it again after the payment."
)
UNKNOWN_DISPUTED_PAYMENT = (
    "Dispute of {payment!r}, which is not in the ledger yet; nothing counted until Stripe "
    "delivers it again after the payment."
)
NOTHING_WITHDRAWN_YET = (
    "Nothing was withdrawn for dispute {dispute!r} yet; nothing counted until Stripe delivers "
    "it again after the withdrawal."
)
UNKNOWN_SUBSCRIPTION = (
    "No monthly donation for subscription {subscription!r} yet; nothing changed until Stripe "
    "delivers it again after the first payment."
)
NOT_OUR_SUBSCRIPTION = "Subscription {subscription!r} is not a donation (no campaign); ignored."
NOT_A_DONATION = (
    "{payment!r} names no campaign in its metadata, so it is not a donation (something else sold "
    "on the same Stripe account); ignored."
)
NOT_OUR_PAYMENT = (
    "{what} of {payment!r}, which is not a donation (no campaign in its metadata, not in the "
    "ledger); ignored."
)
STRIPE_NOT_ASKED = (
    "Stripe could not be asked about this event's payment; nothing counted until Stripe delivers "
    "it again. {error}"
)
NOT_HANDLED = "Event type {type!r} is not handled; stored and ignored."
REPLAYED = "Event {event_id} was already handled; nothing changed."
NO_OBJECT = "The event has no data.object to act on; nothing counted."
NO_OBJECT_ID = "The event's data.object has no id; nothing counted."
TYPE_NOT_TEXT = "The event's type is not text ({type!r}); nothing counted."
NOT_A_TIMESTAMP = "{field} is not a Unix timestamp ({value!r}); nothing counted."
NOT_AN_AMOUNT = (
    "{field} is not a whole number of minor units from 0 to {limit:,} ({value!r}); nothing counted."
)
NOT_PAID = "{field} is {value!r}: a paid checkout charges more than zero; nothing counted."
COUNTED = "Counted {amount} for {slug}."
SETTLED = "Handled {count} refund or dispute event(s) that came before it and were waiting."
COUNTED_BESIDE_THE_BAR = (
    "Counted {amount} for {slug} in {paid}, its own currency: the campaign collects "
    "{collects}, so its goal bar leaves this gift out and the reports show it on a line of its own."
)

# Stripe charges at most 8 digits of minor units (12 in a few currencies); a longer amount was
# never charged, and enough of them would overflow a month's 64-bit total.
MAX_STRIPE_AMOUNT = 999_999_999_999


class Refused(Exception):
    """An event that cannot be placed; the message says why (it goes to the log and the record)."""


def _shown(amount: Money) -> str:
    """An amount in the event log, as the site that Stripe delivered the event to writes money."""
    return format_money(amount.amount_minor, amount.currency, style=current_money_style())


class ArrivedEarly(Exception):
    """An event about something not recorded yet; Stripe is asked to deliver it again later."""


class NotOurs(Exception):
    """An event about a payment that is not a donation (the account sells other things too): it
    is logged and stored as ignored, and Stripe is not asked to deliver it again."""


class MustAsk(Exception):
    """Raised inside the transaction for a question Stripe has not been asked yet: the
    transaction rolls back, stripe_event_handle asks it outside, then handles the event again."""

    def __init__(self, question: tuple[str, str]):
        super().__init__(f"Stripe must be asked {question[0]}({question[1]!r}) first.")
        self.question = question


# Stripe's answers for the event being handled, asked outside the transaction: a gateway
# function's name and argument -> its answer, or the GatewayError it raised.
_stripe_answers: ContextVar[dict | None] = ContextVar("stripe_answers", default=None)

# An event asks Stripe at most three questions (which invoice a payment paid, that invoice, the
# payment intent's metadata); more would be a loop.
MAX_QUESTIONS = 6


def _ask_stripe(function: str, argument: str):
    """Stripe's answer to gateway.<function>(argument), as asked before the transaction began
    (MustAsk if it was not); the GatewayError it raised is raised again, to be handled where a
    call would have raised it. Outside stripe_event_handle it is simply asked, and so is a
    question about nothing (no id), which the gateway answers without a request."""
    answers = _stripe_answers.get()
    if answers is None or not argument:
        return getattr(gateway, function)(argument)
    question = (function, argument)
    if question not in answers:
        raise MustAsk(question)
    answer = answers[question]
    if isinstance(answer, gateway.GatewayError):
        raise answer
    return answer


def _asked(question: tuple[str, str]):
    """Ask Stripe one question (never inside a transaction of ours); a GatewayError is the
    answer, to be raised where it is needed."""
    function, argument = question
    try:
        return getattr(gateway, function)(argument)
    except gateway.GatewayError as error:
        return error


@dataclass(frozen=True)
class EventOutcome:
    outcome: str  # one of StripeEvent.Outcome, or "replayed"
    message: str = ""


PROCESSED = StripeEvent.Outcome.PROCESSED
IGNORED = StripeEvent.Outcome.IGNORED
DEFERRED = StripeEvent.Outcome.DEFERRED


def stripe_event_handle(*, event: dict, now: datetime) -> EventOutcome:
    """Handle a verified Stripe event exactly once (by its id).

    A deferred event (outcome DEFERRED: it came before what it refers to) is not handled yet, so
    each new delivery of it is handled afresh; any other stored outcome makes it a replay.
    What Stripe must be asked is asked between attempts, outside the transaction (MustAsk)."""
    answers: dict = {}
    token = _stripe_answers.set(answers)
    try:
        for _attempt in range(MAX_QUESTIONS + 1):
            try:
                return _handle_once(event, now)
            except MustAsk as must:
                answers[must.question] = _asked(must.question)
    finally:
        _stripe_answers.reset(token)
    raise RuntimeError(f"Stripe event {event['id']} asked Stripe more than {MAX_QUESTIONS} times.")


def _handle_once(event: dict, now: datetime) -> EventOutcome:
    """One attempt at handling an event, in one transaction, with the answers Stripe gave."""
    event_id = event["id"]
    handled = StripeEvent.objects.filter(event_id=event_id).exclude(outcome=DEFERRED)
    if handled.exists():
        return EventOutcome("replayed", REPLAYED.format(event_id=event_id))
    try:
        with transaction.atomic():
            record, _created = StripeEvent.objects.select_for_update().get_or_create(
                event_id=event_id,
                defaults={
                    "type": _type_to_store(event["type"]),
                    "created": _created_to_store(event.get("created"), now),
                    "received_at": now,
                    "livemode": bool(event.get("livemode")),
                    "outcome": DEFERRED,
                    "payload": event,
                },
            )
            if record.outcome != DEFERRED:  # a concurrent delivery handled it while we waited
                return EventOutcome("replayed", REPLAYED.format(event_id=event_id))
            result = _run(event, now)
            record.outcome, record.message, record.received_at = result.outcome, result.message, now
            record.save(update_fields=["outcome", "message", "received_at"])
    except IntegrityError:
        stored = StripeEvent.objects.filter(event_id=event_id).first()
        if stored is None:
            raise
        if stored.outcome == DEFERRED:
            return EventOutcome(DEFERRED, stored.message)
        return EventOutcome("replayed", REPLAYED.format(event_id=event_id))
    return result


def _run(event: dict, now: datetime) -> EventOutcome:
    try:
        if not isinstance(event["type"], str):
            raise Refused(TYPE_NOT_TEXT.format(type=event["type"]))
        _when(event.get("created"), now)
        handler = HANDLERS.get(event["type"])
        if handler is None:
            message = NOT_HANDLED.format(type=event["type"])
            logger.info("Stripe event %s: %s", event["id"], message)
            return EventOutcome(IGNORED, message)
        data = event.get("data")
        subject = data.get("object") if isinstance(data, dict) else None
        if not isinstance(subject, dict):
            raise Refused(NO_OBJECT)
        if not _id(subject):
            raise Refused(NO_OBJECT_ID)
        # Delivering a refused event again would not mend it: it is stored, not failed, and
        # the savepoint takes back whatever the handler wrote before it refused.
        with transaction.atomic():
            return handler(subject, event, now)
    except Refused as refusal:
        logger.warning("Stripe event %s (%s) refused: %s", event["id"], event["type"], refusal)
        return EventOutcome(StripeEvent.Outcome.REFUSED, str(refusal))
    except NotOurs as foreign:
        logger.info("Stripe event %s (%s): %s", event["id"], event["type"], foreign)
        return EventOutcome(IGNORED, str(foreign))
    except gateway.GatewayError as unasked:
        # Only Stripe can say whether the payment is a donation; guessing could ignore one for
        # good. An error, not a warning, when the key lacks a permission: the operator must act.
        log = logger.error if isinstance(unasked, gateway.KeyLacksPermission) else logger.warning
        log(
            "Stripe event %s (%s) deferred, Stripe is asked to retry: %s",
            event["id"],
            event["type"],
            unasked,
        )
        return EventOutcome(DEFERRED, STRIPE_NOT_ASKED.format(error=unasked))
    except ArrivedEarly as early:
        logger.warning(
            "Stripe event %s (%s) deferred, Stripe is asked to retry: %s",
            event["id"],
            event["type"],
            early,
        )
        return EventOutcome(DEFERRED, str(early))


# Helpers ---------------------------------------------------------------------------------------


def _when(timestamp, default: datetime, *, field: str = "created") -> datetime:
    """A Unix timestamp as an aware datetime; `default` when there is none."""
    if not timestamp:
        return default
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
        raise Refused(NOT_A_TIMESTAMP.format(field=field, value=timestamp))
    try:
        return datetime.fromtimestamp(timestamp, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise Refused(NOT_A_TIMESTAMP.format(field=field, value=timestamp)) from None


def _created_to_store(timestamp, received_at: datetime) -> datetime:
    """When the event was created, for its record; an event refused for a bad date gets the
    time it came."""
    try:
        return _when(timestamp, received_at)
    except Refused:
        return received_at


def _type_to_store(event_type) -> str:
    text = event_type if isinstance(event_type, str) else repr(event_type)
    return text[: StripeEvent._meta.get_field("type").max_length]


def _amount(subject: dict, field: str, *, least: int = 0) -> int:
    """A whole number of minor units, as Stripe writes one; absent counts as 0."""
    value = subject.get(field) or 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STRIPE_AMOUNT:
        raise Refused(NOT_AN_AMOUNT.format(field=field, limit=MAX_STRIPE_AMOUNT, value=value))
    if value < least:
        raise Refused(NOT_PAID.format(field=field, value=value))
    return value


def _mapping(value) -> dict:
    """A field that should hold an object; anything else reads as an empty one."""
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _id(value) -> str:
    """Stripe fields hold an id, or the expanded object with one."""
    if isinstance(value, dict):
        value = value.get("id")
    return _text(value)


def _currency(code: str | None) -> str:
    currency = (code or "").upper()
    if currency not in CURRENCIES:
        raise Refused(UNKNOWN_CURRENCY % {"code": currency or "?", "known": ", ".join(CURRENCIES)})
    return currency


def _not_a_donation(metadata, *, payment: str, known: bool) -> None:
    """NotOurs for a payment unknown here whose metadata names no campaign: Checkout gives every
    donation's session and subscription one, so it is something else sold on the account."""
    if not known and isinstance(metadata, dict) and "campaign" not in metadata:
        raise NotOurs(NOT_A_DONATION.format(payment=payment))


def _campaign_from(metadata) -> Campaign:
    slug = _text(_mapping(metadata).get("campaign"))
    campaign = Campaign.objects.filter(slug=slug).first() if slug else None
    if campaign is None:
        raise Refused(UNKNOWN_CAMPAIGN.format(slug=slug))
    return campaign


def _campaign_locked(campaign: Campaign) -> Campaign:
    """The campaign, locked until this transaction ends, so that the admin cannot change its
    currency while a payment is being recorded."""
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _counted(entry: LedgerEntry, campaign: Campaign) -> str:
    """What the event log says of a payment counted. A gift keeps the currency it was paid in
    (a reader may have started checkout before the campaign's currency changed, and a monthly
    gift goes on in its first currency): nothing is converted, and the bar, which counts the
    campaign's currency only, leaves out a gift in another one."""
    amount = _shown(entry.amount)
    if entry.currency == campaign.currency:
        return COUNTED.format(amount=amount, slug=campaign.slug)
    return COUNTED_BESIDE_THE_BAR.format(
        amount=amount, slug=campaign.slug, paid=entry.currency, collects=campaign.currency
    )


def _article_from(metadata):
    from masthead.publishing.models import ArticlePage

    article_id = parse_id(str(_mapping(metadata).get("article", "") or ""))
    return ArticlePage.objects.filter(pk=article_id).first() if article_id else None


def _donor(*, email, name, customer_id: str) -> Donor | None:
    email = _text(email).strip().lower()
    if not email or len(email) > Donor._meta.get_field("email").max_length:
        return None
    name = _text(name)[: Donor._meta.get_field("name").max_length]
    donor, _created = Donor.objects.get_or_create(
        email=email,
        defaults={"name": name or "", "stripe_customer_id": customer_id},
    )
    changed = []
    if not donor.name and name:
        donor.name = name
        changed.append("name")
    if not donor.stripe_customer_id and customer_id:
        donor.stripe_customer_id = customer_id
        changed.append("stripe_customer_id")
    if changed:
        donor.save(update_fields=changed)
    return donor


def _receipt_after_commit(entry: LedgerEntry) -> None:
    from masthead.funding.tasks import donation_receipt_send

    transaction.on_commit(lambda: donation_receipt_send.enqueue(entry.pk))


def _invoice_subscription(invoice: dict) -> str:
    details = _mapping(_mapping(invoice.get("parent")).get("subscription_details"))
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def _invoice_metadata(invoice: dict) -> dict:
    details = _mapping(_mapping(invoice.get("parent")).get("subscription_details"))
    legacy = _mapping(invoice.get("subscription_details"))
    return details.get("metadata") or legacy.get("metadata") or invoice.get("metadata") or {}


def _invoice_payment_intent(invoice: dict) -> str:
    legacy = _id(invoice.get("payment_intent"))
    if legacy:
        return legacy
    payments = _mapping(invoice.get("payments")).get("data")
    for payment in payments if isinstance(payments, list) else []:
        intent = _id(_mapping(_mapping(payment).get("payment")).get("payment_intent"))
        if intent:
            return intent
    return ""


def _subscription_donation(*, pending: Donation | None, subscription_id: str) -> Donation | None:
    """The donation invoice.paid already made for this subscription, when it came before
    checkout.session.completed, taking over the pending row's public name, article and start
    (the pending row holds no money and is deleted, freeing its session id); else `pending`."""
    made = Donation.objects.select_for_update().filter(stripe_subscription_id=subscription_id)
    made = made.exclude(pk=pending.pk).first() if pending is not None else made.first()
    if made is None:
        return pending
    if pending is not None:
        made.public_name = made.public_name or pending.public_name
        made.article_id = made.article_id or pending.article_id
        made.created_at = min(made.created_at, pending.created_at)
        pending.delete()
    return made


def _public_name_withhold_if_abusive(donation: Donation) -> None:
    """A paid gift is counted whatever the name it came with: an abusive name to thank publicly
    (one given before names were checked, or caught since by a word the site blocked) is left
    off the supporters list, and the note tells the admins why and what it was."""
    name = donation.public_name
    reasons = moderation.name_abuse(name, article=donation.article) if name else []
    if not reasons:
        return
    withheld = PUBLIC_NAME_WITHHELD.format(name=name, reasons="; ".join(reasons))
    donation.note = f"{donation.note}\n{withheld}".strip()
    donation.public_name = ""
    logger.warning("Donation %s: public name withheld (%s)", donation.pk, "; ".join(reasons))


# Handlers --------------------------------------------------------------------------------------


def checkout_session_completed(session: dict, event: dict, now: datetime) -> EventOutcome:
    """A reader finished Checkout. Counted once the payment is paid, even if the pending row is
    missing (the donation is then made from the session's metadata)."""
    if session.get("payment_status") != "paid":
        return EventOutcome(
            IGNORED, f"Payment status {session.get('payment_status')!r}: not yet paid."
        )
    pending = Donation.objects.filter(stripe_checkout_session_id=session["id"])
    _not_a_donation(session.get("metadata"), payment=session["id"], known=pending.exists())
    monthly = session.get("mode") == "subscription"
    currency = _currency(session.get("currency"))
    amount = _amount(session, "amount_total", least=1)
    subscription_id = _id(session.get("subscription"))
    donation = (
        Donation.objects.select_for_update()
        .filter(stripe_checkout_session_id=session["id"])
        .first()
    )
    if subscription_id:
        donation = _subscription_donation(pending=donation, subscription_id=subscription_id)
    if donation is None:
        campaign = _campaign_from(session.get("metadata"))
        donation = Donation(
            campaign=campaign,
            method=Donation.Method.STRIPE,
            frequency=Donation.Frequency.MONTHLY if monthly else Donation.Frequency.ONE_TIME,
            amount_minor=amount,
            currency=currency,
            article=_article_from(session.get("metadata")),
            created_at=_when(session.get("created"), now, field="data.object.created"),
        )
    campaign = _campaign_locked(donation.campaign)
    if donation.currency != currency:  # Stripe's figures are what was paid
        donation.currency, donation.amount_minor = currency, amount
    details = _mapping(session.get("customer_details"))
    customer_id = _id(session.get("customer"))
    donation.donor = donation.donor or _donor(
        email=details.get("email"), name=details.get("name"), customer_id=customer_id
    )
    donation.stripe_checkout_session_id = session["id"]
    donation.stripe_customer_id = customer_id or donation.stripe_customer_id
    if subscription_id:
        donation.stripe_subscription_id = subscription_id
    if donation.status in (
        Donation.Status.PENDING,
        Donation.Status.EXPIRED,
        Donation.Status.FAILED,
    ):
        donation.status = Donation.Status.ACTIVE if monthly else Donation.Status.COMPLETED
        donation.completed_at = _when(event.get("created"), now)
    _public_name_withhold_if_abusive(donation)
    donation.save()

    stripe_id = _id(session.get("invoice")) if monthly else _id(session.get("payment_intent"))
    if not stripe_id:
        return EventOutcome(
            PROCESSED, "No invoice or payment intent yet; invoice.paid will count it."
        )
    entry, created = ledger_entry_add(
        campaign=donation.campaign,
        donation=donation,
        kind=LedgerEntry.Kind.PAYMENT,
        source=LedgerEntry.Source.CHECKOUT,
        amount_minor=amount,
        currency=currency,
        occurred_at=_when(event.get("created"), now),
        stripe_id=stripe_id,
        payment_intent="" if monthly else stripe_id,
    )
    if created:
        _receipt_after_commit(entry)
        message = _counted(entry, campaign)
        # A refund or dispute that overtook this payment is taken off now, as for a month of a
        # monthly gift (invoice_paid), not when Stripe happens to deliver it again (hours away,
        # or never, once its three days of retries are over).
        settled = _deferred_events_settle(payment_intent=entry.payment_intent, now=now)
        if settled:
            message += " " + SETTLED.format(count=settled)
        return EventOutcome(PROCESSED, message)
    return EventOutcome(PROCESSED, f"{stripe_id} was already counted.")


def _invoice_campaign(
    invoice: dict, donation: Donation, currency: str, paid_at: datetime
) -> Campaign:
    """The campaign a month of a monthly gift counts towards. The first month counts for the
    campaign the reader chose at checkout (even if Stripe marks it paid after midnight on the
    first of the next month); every later month, for the campaign the site collected for when
    it was paid, so that each month's goal bar holds the money that came in that month (see
    selectors.campaign_paid_towards). The donation keeps the campaign it was first given to."""
    reason = invoice.get("billing_reason")
    if reason == "subscription_create":
        return donation.campaign
    earlier = donation.ledger.filter(kind=LedgerEntry.Kind.PAYMENT).exclude(stripe_id=invoice["id"])
    if reason != "subscription_cycle" and not earlier.exists():
        return donation.campaign
    return campaign_paid_towards(given_to=donation.campaign, currency=currency, paid_at=paid_at)


def invoice_paid(invoice: dict, event: dict, now: datetime) -> EventOutcome:
    """A month of a monthly donation was paid (the first month too: counted once either way)."""
    subscription_id = _invoice_subscription(invoice)
    if not subscription_id:
        return EventOutcome(IGNORED, "Not a subscription invoice.")
    known = Donation.objects.filter(stripe_subscription_id=subscription_id).exists()
    _not_a_donation(_invoice_metadata(invoice), payment=invoice["id"], known=known)
    amount = _amount(invoice, "amount_paid")
    if amount == 0:
        return EventOutcome(IGNORED, "Nothing was paid.")
    currency = _currency(invoice.get("currency"))
    donation = (
        Donation.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    )
    customer_id = _id(invoice.get("customer"))
    if donation is None:
        metadata = _invoice_metadata(invoice)
        campaign = _campaign_locked(_campaign_from(metadata))
        donation = Donation.objects.create(
            campaign=campaign,
            method=Donation.Method.STRIPE,
            frequency=Donation.Frequency.MONTHLY,
            status=Donation.Status.ACTIVE,
            amount_minor=amount,
            currency=currency,
            article=_article_from(metadata),
            stripe_subscription_id=subscription_id,
            stripe_customer_id=customer_id,
            donor=_donor(
                email=invoice.get("customer_email"),
                name=invoice.get("customer_name"),
                customer_id=customer_id,
            ),
            created_at=_when(event.get("created"), now),
            completed_at=_when(event.get("created"), now),
        )
    if donation.status == Donation.Status.PENDING:
        donation.status = Donation.Status.ACTIVE
        donation.completed_at = _when(event.get("created"), now)
        donation.save(update_fields=["status", "completed_at"])
    paid_at = _mapping(invoice.get("status_transitions")).get("paid_at") or event.get("created")
    paid_at = _when(paid_at, now, field="status_transitions.paid_at")
    campaign = _campaign_locked(_invoice_campaign(invoice, donation, currency, paid_at))
    payment_intent = _invoice_payment_intent(invoice)
    entry, created = ledger_entry_add(
        campaign=campaign,
        donation=donation,
        kind=LedgerEntry.Kind.PAYMENT,
        source=LedgerEntry.Source.INVOICE,
        amount_minor=amount,
        currency=currency,
        occurred_at=paid_at,
        stripe_id=invoice["id"],
        payment_intent=payment_intent,
    )
    if created:
        _receipt_after_commit(entry)
        message = _counted(entry, campaign)
        settled = _deferred_events_settle(payment_intent=payment_intent, now=now)
        if settled:
            message += " " + SETTLED.format(count=settled)
        return EventOutcome(PROCESSED, message)
    if payment_intent and not entry.payment_intent:
        entry.payment_intent = payment_intent
        entry.save(update_fields=["payment_intent"])
        _deferred_events_settle(payment_intent=payment_intent, now=now)
    return EventOutcome(PROCESSED, f"{invoice['id']} was already counted.")


def _charged_payment(charge: dict) -> tuple[LedgerEntry | None, str]:
    """The ledger row of the payment a charge (or a dispute of it) belongs to, and the invoice
    the payment paid when it had to be looked for (a month of a monthly gift), else ""."""
    payments = LedgerEntry.objects.select_for_update().filter(kind=LedgerEntry.Kind.PAYMENT)
    payment_intent = _id(charge.get("payment_intent"))
    if payment_intent:
        found = payments.filter(payment_intent=payment_intent).first()
        found = found or payments.filter(stripe_id=payment_intent).first()
        if found:
            return found, ""
    invoice_id = _id(charge.get("invoice")) or _ask_stripe(
        "invoice_for_payment_intent", payment_intent
    )
    if invoice_id:
        found = payments.filter(stripe_id=invoice_id).first()
        if found and payment_intent and not found.payment_intent:
            found.payment_intent = payment_intent
            found.save(update_fields=["payment_intent"])
        return found, invoice_id
    return None, ""


def _is_a_donation(*, metadata, payment_intent: str, invoice_id: str = "") -> bool:
    """Whether a payment not in the ledger is a donation still to be recorded: Checkout puts the
    campaign in its payment intent's metadata, which Stripe copies onto the charge; a dispute
    carries none of it, so Stripe is asked. A month of a monthly gift names no campaign on its
    payment, only on its invoice (from the subscription), so Stripe is asked for that invoice's.
    A payment for anything else sold on the same account names no campaign."""
    if _text(_mapping(metadata).get("campaign")):
        return True
    if invoice_id and _text(
        _mapping(_invoice_metadata(_ask_stripe("invoice", invoice_id))).get("campaign")
    ):
        return True
    return bool(_text(_ask_stripe("payment_intent_metadata", payment_intent).get("campaign")))


# Refunds and disputes a payment's own event may overtake; handled again once it is recorded.
WAIT_FOR_THEIR_PAYMENT = (
    "charge.refunded",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
)


def _deferred_events_settle(*, payment_intent: str, now: datetime) -> int:
    """Handle now the deferred refunds and disputes of a payment just recorded, oldest first,
    rather than at Stripe's next delivery (hours away, while the bar counts refunded money).
    Each is handled as a delivery would handle it, so the later delivery is a replay; one that
    still cannot be placed stays deferred. Returns how many were handled."""
    if not payment_intent:
        return 0
    waiting = (
        StripeEvent.objects.select_for_update()
        .filter(
            outcome=DEFERRED,
            type__in=WAIT_FOR_THEIR_PAYMENT,
            payload__data__object__payment_intent=payment_intent,
        )
        .order_by("created", "pk")
    )
    handled = 0
    for record in waiting:
        try:
            result = _run(record.payload, now)
        except MustAsk:  # not asked inside this transaction: its next delivery will ask
            continue
        if result.outcome == DEFERRED:
            continue
        record.outcome, record.message, record.received_at = result.outcome, result.message, now
        record.save(update_fields=["outcome", "message", "received_at"])
        handled += 1
    return handled


def charge_refunded(charge: dict, event: dict, now: datetime) -> EventOutcome:
    """Money went back to a reader: the newly refunded part leaves the total, as a negative row
    in the month of the refund. `amount_refunded` is cumulative, so partial refunds add up and a
    repeated or late event adds nothing. A refund of a payment that is not a donation is
    ignored; of one not recorded yet, deferred."""
    original, invoice_id = _charged_payment(charge)
    if original is None:
        payment_intent = _id(charge.get("payment_intent"))
        payment = payment_intent or charge["id"]
        if not _is_a_donation(
            metadata=charge.get("metadata"), payment_intent=payment_intent, invoice_id=invoice_id
        ):
            raise NotOurs(NOT_OUR_PAYMENT.format(what="Refund", payment=payment))
        raise ArrivedEarly(UNKNOWN_PAYMENT.format(payment=payment))
    refunded_total = min(_amount(charge, "amount_refunded"), original.amount_minor)
    stripe_refunds = original.refunds.filter(source=LedgerEntry.Source.STRIPE_REFUND)
    already = -(stripe_refunds.aggregate(total=Sum("amount_minor"))["total"] or 0)
    newly = refunded_total - already
    if newly <= 0:
        return EventOutcome(PROCESSED, "Refund already counted.")
    entry, _created = ledger_entry_add(
        campaign=original.campaign,
        donation=original.donation,
        kind=LedgerEntry.Kind.REFUND,
        source=LedgerEntry.Source.STRIPE_REFUND,
        amount_minor=-newly,
        currency=original.currency,
        occurred_at=_when(event.get("created"), now),
        stripe_id=f"{charge['id']}:refunded:{refunded_total}",
        payment_intent=original.payment_intent,
        refund_of=original,
    )
    donation = original.donation
    if (
        donation
        and refunded_total == original.amount_minor
        and donation.frequency == Donation.Frequency.ONE_TIME
    ):
        donation.status = Donation.Status.REFUNDED
        donation.save(update_fields=["status"])
    return EventOutcome(
        PROCESSED, f"Refund of {_shown(Money(newly, entry.currency))} taken off the total."
    )


def _disputed_payment(dispute: dict) -> LedgerEntry:
    """The disputed payment's ledger row; NotOurs for a payment that is not a donation,
    ArrivedEarly for one not recorded yet."""
    charge = {"id": _id(dispute.get("charge")), "payment_intent": dispute.get("payment_intent")}
    original, invoice_id = _charged_payment(charge)
    if original is None:
        payment_intent = _id(charge["payment_intent"])
        payment = payment_intent or charge["id"]
        expanded = _mapping(dispute.get("charge")).get("metadata")
        if not _is_a_donation(
            metadata=expanded, payment_intent=payment_intent, invoice_id=invoice_id
        ):
            raise NotOurs(NOT_OUR_PAYMENT.format(what="Dispute", payment=payment))
        raise ArrivedEarly(UNKNOWN_DISPUTED_PAYMENT.format(payment=payment))
    return original


def _dispute_entry(original: LedgerEntry, amount_minor: int, stripe_id: str, event, now):
    return ledger_entry_add(
        campaign=original.campaign,
        donation=original.donation,
        kind=LedgerEntry.Kind.DISPUTE,
        source=LedgerEntry.Source.STRIPE_DISPUTE,
        amount_minor=amount_minor,
        currency=original.currency,
        occurred_at=_when(event.get("created"), now),
        stripe_id=stripe_id,
        payment_intent=original.payment_intent,
        refund_of=original,
    )


def dispute_funds_withdrawn(dispute: dict, event: dict, now: datetime) -> EventOutcome:
    """A reader's bank took a payment back (a chargeback): the disputed amount leaves the total
    in the month it happened, as a refund would. Winning the dispute puts it back."""
    original = _disputed_payment(dispute)
    amount = min(_amount(dispute, "amount"), original.amount_minor)
    if amount <= 0:
        return EventOutcome(IGNORED, f"Dispute {dispute['id']} withdrew nothing.")
    entry, created = _dispute_entry(original, -amount, f"{dispute['id']}:withdrawn", event, now)
    if not created:
        return EventOutcome(PROCESSED, "Dispute already counted.")
    return EventOutcome(
        PROCESSED, f"Disputed {_shown(Money(amount, entry.currency))} taken off the total."
    )


def dispute_funds_reinstated(dispute: dict, event: dict, now: datetime) -> EventOutcome:
    """The newsroom won a dispute: what was withdrawn comes back, in the month it returns."""
    original = _disputed_payment(dispute)
    withdrawn = LedgerEntry.objects.filter(stripe_id=f"{dispute['id']}:withdrawn").first()
    if withdrawn is None:
        raise ArrivedEarly(NOTHING_WITHDRAWN_YET.format(dispute=dispute["id"]))
    stripe_id = f"{dispute['id']}:reinstated"
    entry, created = _dispute_entry(original, -withdrawn.amount_minor, stripe_id, event, now)
    if not created:
        return EventOutcome(PROCESSED, "Reinstated funds already counted.")
    return EventOutcome(PROCESSED, f"{_shown(entry.amount)} back in the total after a won dispute.")


def subscription_deleted(subscription: dict, event: dict, now: datetime) -> EventOutcome:
    """A monthly donation ended (cancelled by the donor, the newsroom, or failed payments).
    Checkout gives every donation's subscription the campaign in its metadata; one without it is
    someone else's on the same Stripe account, and waiting for it would never help."""
    donation = Donation.objects.filter(stripe_subscription_id=subscription["id"]).first()
    if donation is None:
        if not _mapping(subscription.get("metadata")).get("campaign"):
            return EventOutcome(
                IGNORED, NOT_OUR_SUBSCRIPTION.format(subscription=subscription["id"])
            )
        raise ArrivedEarly(UNKNOWN_SUBSCRIPTION.format(subscription=subscription["id"]))
    if donation.status != Donation.Status.CANCELLED:
        donation.status = Donation.Status.CANCELLED
        canceled_at = subscription.get("canceled_at") or event.get("created")
        donation.cancelled_at = _when(canceled_at, now, field="canceled_at")
        donation.save(update_fields=["status", "cancelled_at"])
    return EventOutcome(PROCESSED, f"Monthly donation {donation.pk} ended.")


def checkout_session_ended(session: dict, event: dict, now: datetime) -> EventOutcome:
    """Checkout expired or its delayed payment failed: the pending donation says so."""
    status = (
        Donation.Status.EXPIRED
        if event["type"] == "checkout.session.expired"
        else Donation.Status.FAILED
    )
    updated = Donation.objects.filter(
        stripe_checkout_session_id=session["id"], status=Donation.Status.PENDING
    ).update(status=status)
    return EventOutcome(PROCESSED if updated else IGNORED, f"Pending donation marked {status}.")


HANDLERS: dict[str, Callable[[dict, dict, datetime], EventOutcome]] = {
    "checkout.session.completed": checkout_session_completed,
    "checkout.session.async_payment_succeeded": checkout_session_completed,
    "checkout.session.async_payment_failed": checkout_session_ended,
    "checkout.session.expired": checkout_session_ended,
    "invoice.paid": invoice_paid,
    "charge.refunded": charge_refunded,
    "charge.dispute.funds_withdrawn": dispute_funds_withdrawn,
    "charge.dispute.funds_reinstated": dispute_funds_reinstated,
    "customer.subscription.deleted": subscription_deleted,
}
