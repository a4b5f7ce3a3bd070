"""Campaigns, donors, donations, the payment ledger and the Stripe events already handled.

The ledger (LedgerEntry) is the only source of totals: one row per succeeded charge or invoice,
unique on the Stripe object's id, refunds as negative rows, manual gifts as rows without one.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from masthead.funding.blocks import OtherWaysToGiveBlock
from masthead.funding.money import (
    CURRENCY_CHOICES,
    DEFAULT_STYLE,
    STYLE_CHOICES,
    Money,
    format_money,
)
from masthead.funding.settings_form import FundingSettingsForm


def _in_site_money_style(amount: Money) -> str:
    """An amount as the site writes it, for a str(): the current request's site, else the default
    site (selectors.current_money_style, which makes no query per row of an admin listing)."""
    from masthead.funding.selectors import current_money_style

    return format_money(amount.amount_minor, amount.currency, style=current_money_style())


class Campaign(models.Model):
    """A fundraising drive with a monthly goal; each calendar month starts again from zero."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        max_length=80,
        help_text=_("Sent to Stripe with every payment; do not change it once money comes in."),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    goal_minor = models.PositiveBigIntegerField(_("monthly goal (minor units)"))
    marks_minor = models.JSONField(
        _("scale marks (minor units)"),
        default=list,
        blank=True,
        help_text=_("Empty: 0, half, goal."),
    )
    presets_minor = models.JSONField(_("preset amounts (minor units)"), default=list, blank=True)
    intro = models.TextField(
        _("why we ask"), blank=True, help_text=_("A paragraph at the top of the donate page.")
    )
    thank_you = models.TextField(
        _("thank-you text"),
        blank=True,
        # Not "Thank you. …": the thank-you page says that in its heading, just above.
        default="Every gift counts, and yours keeps our reporting free for everyone to read.",
        help_text=_("Shown after a gift and in the receipt e-mail."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-active", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(goal_minor__gt=0), name="funding_campaign_goal_gt_0")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def marks(self) -> list[int]:
        """The scale under the bar in minor units: the editor's, or 0, half and the full goal."""
        if self.marks_minor:
            return sorted(int(mark) for mark in self.marks_minor)
        return [0, self.goal_minor // 2, self.goal_minor]

    @property
    def goal(self) -> Money:
        return Money(self.goal_minor, self.currency)


class Donor(models.Model):
    """A person who gave through Stripe, known by e-mail address (lower-cased)."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("donor")

    def __str__(self) -> str:
        return self.email


class Donation(models.Model):
    """A reader's gift: one-time or monthly, by Stripe or recorded by hand. Money moves in the ledger."""

    class Frequency(models.TextChoices):
        ONE_TIME = "one_time", _("One-time")
        MONTHLY = "monthly", _("Monthly")

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CRYPTO = "crypto", _("Crypto")
        CHEQUE = "cheque", _("Cheque")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending (at checkout)")
        COMPLETED = "completed", _("Completed")
        ACTIVE = "active", _("Active monthly")
        CANCELLED = "cancelled", _("Monthly, cancelled")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Payment failed")
        EXPIRED = "expired", _("Checkout abandoned")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.ONE_TIME
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.STRIPE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    public_name = models.CharField(
        _("public name"), max_length=80, blank=True, help_text=_("Empty: anonymous.")
    )
    article = models.ForeignKey(
        "publishing.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The article the reader came from."),
    )
    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    stripe_subscription_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="funding_donation_amount_gt_0"
            )
        ]

    def __str__(self) -> str:
        amount = _in_site_money_style(self.amount)
        return f"{amount} {self.get_frequency_display().lower()} ({self.get_status_display()})"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def is_manual(self) -> bool:
        return self.method != self.Method.STRIPE

    @property
    def can_be_cancelled(self) -> bool:
        return self.frequency == self.Frequency.MONTHLY and self.status == self.Status.ACTIVE


class LedgerEntry(models.Model):
    """One movement of money: a succeeded charge or invoice (+), a refund (−), a manual gift (+),
    or a dispute: a reader's bank taking a payment back (−) and, if the newsroom wins, returning
    it (+)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        DISPUTE = "dispute", _("Dispute (chargeback)")

    class Source(models.TextChoices):
        CHECKOUT = "checkout", _("Stripe Checkout")
        INVOICE = "invoice", _("Stripe invoice (monthly)")
        STRIPE_REFUND = "stripe_refund", _("Stripe refund")
        STRIPE_DISPUTE = "stripe_dispute", _("Stripe dispute")
        MANUAL = "manual", _("Manual entry")
        MANUAL_REVERSAL = "manual_reversal", _("Manual reversal")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ledger")
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    occurred_at = models.DateTimeField(_("when"))
    stripe_id = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The payment intent, invoice or refund this row records (once)."),
    )
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    refund_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "occurred_at"], name="funding_ledger_month_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="payment", amount_minor__gt=0)
                    | Q(kind="refund", amount_minor__lt=0)
                    | (Q(kind="dispute") & ~Q(amount_minor=0))
                ),
                name="funding_ledger_sign_matches_kind",
            )
        ]

    def __str__(self) -> str:
        amount = _in_site_money_style(self.amount)
        return f"{self.get_kind_display()} {amount} on {self.occurred_at:%Y-%m-%d}"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class StripeEvent(models.Model):
    """Every Stripe event received, stored once by its id: a replay finds it and changes nothing,
    unless it was deferred (it came before the payment it refers to), which is handled again."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        REFUSED = "refused", _("Refused")
        DEFERRED = "deferred", _("Deferred: waiting for Stripe to deliver it again")

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    created = models.DateTimeField(_("created at Stripe"))
    received_at = models.DateTimeField(default=timezone.now)
    livemode = models.BooleanField(default=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.TextField(blank=True)
    payload = models.JSONField()

    class Meta:
        verbose_name = _("Stripe event")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


@register_setting(icon="pick")
class FundingSettings(BaseSiteSetting):
    """The site's current campaign, the one that takes over in a month to come, its "Support us"
    wording and other ways to give."""

    current_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"active": True},
        help_text=_("The campaign the goal bar shows and the donate page collects for."),
    )
    # The switch is read, not written: from the first moment of `next_campaign_starts` (site's
    # time zone) campaign_at answers the next campaign, with no one awake at midnight to save.
    next_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"active": True},
        verbose_name=_("next campaign"),
        help_text=_("Takes over from the current campaign on the first day of a month to come."),
    )
    next_campaign_starts = models.DateField(
        _("next campaign takes over on"),
        null=True,
        blank=True,
        help_text=_("Always the first day of a month, from midnight in the site's time zone."),
    )
    money_style = models.CharField(
        _("how amounts read"), max_length=20, choices=STYLE_CHOICES, default=DEFAULT_STYLE
    )
    header_text = models.CharField(
        _("line under the headline"),
        max_length=200,
        blank=True,
        default="Independent journalism, free to read, funded by readers.",
    )
    support_heading = models.CharField(
        _("call to action: heading"), max_length=120, default="Support independent journalism"
    )
    support_text = models.TextField(
        _("call to action: text"),
        blank=True,
        default=(
            "No paywall, no owner to please. If this story mattered to you, help us report the "
            "next one."
        ),
    )
    support_button = models.CharField(
        _("call to action: button"), max_length=60, default="Support us"
    )
    other_ways = StreamField(
        OtherWaysToGiveBlock(),
        blank=True,
        use_json_field=True,
        verbose_name=_("other ways to give"),
        help_text=_(
            "Bank details and crypto addresses shown on the donate page, with copy buttons."
        ),
    )

    base_form_class = FundingSettingsForm

    panels = [
        FieldPanel("current_campaign"),
        MultiFieldPanel(
            [FieldPanel("next_campaign"), FieldPanel("next_campaign_starts")],
            heading=_("Next month’s campaign"),
        ),
        FieldPanel("money_style"),
        MultiFieldPanel(
            [
                FieldPanel("header_text"),
                FieldPanel("support_heading"),
                FieldPanel("support_text"),
                FieldPanel("support_button"),
            ],
            heading=_("“Support us” on every article"),
        ),
        FieldPanel("other_ways"),
    ]

    class Meta:
        verbose_name = _("reader funding")

    def next_campaign_has_started(self, now: datetime) -> bool:
        """Whether the next campaign's month has begun at `now`, in the site's time zone."""
        if self.next_campaign_id is None or self.next_campaign_starts is None:
            return False
        local = timezone.localtime(now, timezone.get_default_timezone())
        starts = self.next_campaign_starts
        return (local.year, local.month) >= (starts.year, starts.month)

    def campaign_at(self, now: datetime) -> Campaign | None:
        """The campaign readers give to at `now`: the next one once its month has begun, else
        the current one; None if that one is inactive. A next campaign made inactive before its
        month does not take over (the current one goes on)."""
        if self.next_campaign_has_started(now) and self.next_campaign.active:
            return self.next_campaign
        campaign = self.current_campaign
        return campaign if campaign is not None and campaign.active else None
