"""Admin forms: editors type amounts in whole units ("5000", "12.50"); the models keep minor units."""

import re
import unicodedata
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminPageChooser

from masthead.funding import selectors
from masthead.funding.models import Campaign, Donation
from masthead.funding.money import (
    CURRENCIES,
    MoneyError,
    to_major,
    to_minor,
    without_own_currency,
)
from masthead.funding.services import PublicNameRefused, public_name_check

MARKS_HELP = _(
    "Comma-separated amounts, e.g. “0, 2500, 5000”. Empty: 0, half the goal and the goal."
)
PRESETS_HELP = _("Comma-separated amounts offered on the donate page, e.g. “5, 10, 25, 50”.")
GOAL_NOT_POSITIVE = _("The goal must be more than zero.")
MARK_OUT_OF_RANGE = _("Scale marks must be between 0 and the goal.")
CURRENCY_LOCKED = _(
    "This campaign has taken money in %(taken)s, so its currency cannot change: its goal bar and "
    "totals count that money. To collect in another currency, start a new campaign."
)

NEXT_CAMPAIGN_SCHEDULED = _(
    "“%(name)s” is the next campaign in Settings → Reader funding, taking over on %(date)s. "
    "Choose another next campaign there, or clear it, before making this one inactive: "
    "otherwise the switch would not happen and readers would go on giving to the current "
    "campaign. Nothing was saved."
)
NEXT_CAMPAIGN_TOOK_OVER = _(
    "“%(name)s” is the next campaign in Settings → Reader funding and took over on %(date)s: "
    "readers give to it now. Choose another next campaign there, or clear it, before making "
    "this one inactive: otherwise readers would go back to giving to the campaign before it. "
    "Nothing was saved."
)


def campaign_schedule_refusal(campaign: Campaign, to_come, took_over, inactive=None) -> str | None:
    """Why `campaign` may not stop collecting (be made inactive or deleted): Settings → Reader
    funding name it as the next campaign, whose switch would then silently not happen (message
    `to_come`), or be silently undone once it has happened (message `took_over`); or None.
    The editor clears the schedule there, knowingly, rather than here as a side effect.
    An inactive campaign never takes over (FundingSettings.campaign_at), whatever its date:
    a schedule that still names one, saved before that was refused, gets message `inactive`
    (only a deletion meets it, an inactive campaign not being made inactive again)."""
    if campaign.pk is None:
        return None
    settings = selectors.campaign_scheduled_as_next(campaign)
    if settings is None:
        return None
    if not campaign.active and inactive is not None:
        message = inactive
    elif settings.next_campaign_has_started(timezone.now()):
        message = took_over
    else:
        message = to_come
    return message % {
        "name": campaign.name,
        "date": date_format(settings.next_campaign_starts, "j F Y"),
    }


def campaign_currency_refusal(campaign: Campaign, currency: str) -> str | None:
    """Why a saved campaign may not change to `currency`, or None. Once it has taken money its
    currency is that money's: a campaign whose currency was changed before this rule may still
    go back to it."""
    if campaign.pk is None or currency == campaign.currency:
        return None
    other = selectors.campaign_currencies_taken(campaign) - {currency}
    if not other:
        return None
    return CURRENCY_LOCKED % {"taken": ", ".join(sorted(other))}


def _amounts_text(amounts_minor, currency) -> str:
    return ", ".join(f"{to_major(a, currency).normalize():f}" for a in amounts_minor)


def _parse_amounts(text: str, currency: str) -> list[int]:
    return [to_minor(part, currency) for part in text.replace(";", ",").split(",") if part.strip()]


class CampaignForm(WagtailAdminModelForm):
    goal = forms.DecimalField(label=_("Monthly goal"), min_value=0, decimal_places=2)
    marks = forms.CharField(label=_("Scale marks"), required=False, help_text=MARKS_HELP)
    presets = forms.CharField(label=_("Preset amounts"), required=False, help_text=PRESETS_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.instance
        if campaign.pk:
            self.initial["goal"] = _amounts_text([campaign.goal_minor], campaign.currency)
            self.initial["marks"] = _amounts_text(campaign.marks_minor, campaign.currency)
            self.initial["presets"] = _amounts_text(campaign.presets_minor, campaign.currency)

    def clean(self):
        cleaned = super().clean()
        if self.instance.active and cleaned.get("active") is False:
            refusal = campaign_schedule_refusal(
                self.instance, NEXT_CAMPAIGN_SCHEDULED, NEXT_CAMPAIGN_TOOK_OVER
            )
            if refusal:
                self.add_error("active", refusal)
        currency = cleaned.get("currency")
        if not currency:
            return cleaned
        # self.instance is still the saved campaign here: the form applies its fields after clean.
        refusal = campaign_currency_refusal(self.instance, currency)
        if refusal:
            self.add_error("currency", refusal)
            currency = self.instance.currency  # read the amounts as the editor meant them
        for name in ("goal", "marks", "presets"):
            if name not in cleaned:
                continue
            try:
                if name == "goal":
                    cleaned["goal_minor"] = to_minor(cleaned["goal"], currency)
                    if cleaned["goal_minor"] <= 0:
                        self.add_error("goal", GOAL_NOT_POSITIVE)
                else:
                    cleaned[f"{name}_minor"] = _parse_amounts(cleaned[name] or "", currency)
            except MoneyError as error:
                self.add_error(name, str(error))
        goal = cleaned.get("goal_minor")
        if goal and any(not 0 <= mark <= goal for mark in cleaned.get("marks_minor", [])):
            self.add_error("marks", MARK_OUT_OF_RANGE)
        if any(preset <= 0 for preset in cleaned.get("presets_minor", [])):
            self.add_error("presets", _("Preset amounts must be more than zero."))
        return cleaned

    def save(self, commit=True):
        campaign = super().save(commit=False)
        campaign.goal_minor = self.cleaned_data["goal_minor"]
        campaign.marks_minor = sorted(self.cleaned_data.get("marks_minor", []))
        campaign.presets_minor = sorted(self.cleaned_data.get("presets_minor", []))
        if commit:
            campaign.save()
        return campaign

    class Meta:
        model = Campaign
        fields = ["name", "slug", "currency", "intro", "thank_you", "active"]


MANUAL_METHODS = [(value, label) for value, label in Donation.Method.choices if value != "stripe"]
AMOUNT_NOT_PLAIN = _(
    "Type the amount alone, as a number in %(currency)s (the currency of this campaign), e.g. "
    "250 or 12.50. A gift in another currency cannot count in this campaign."
)
EARLIER_MONTH = _(
    "%(date)s is in %(month)s, a month already closed: the gift will count in the totals and "
    "books of that month, not in the goal bar of this one. Check the date, or tick “Count it in "
    "that month” below to record it so."
)


def _names_a_currency(text: str) -> bool:
    """Whether an amount was typed with a currency: "€50", "50 EUR", "USD 50"."""
    if any(unicodedata.category(char) == "Sc" for char in text):
        return True
    return any(word.upper() in CURRENCIES for word in re.findall(r"[A-Za-z]{3}", text))


class CampaignChoiceField(forms.ModelChoiceField):
    """Each campaign with the currency a manual gift to it is typed in."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.currency})"


class PublicNameCheckedForm(WagtailAdminModelForm):
    """The name a gift is thanked by is shown on the supporters list: no abuse there, whoever
    types it in (a donor's form or letter read out by a member of staff)."""

    def clean_public_name(self):
        try:
            return public_name_check(self.cleaned_data.get("public_name", ""), user=self.for_user)
        except PublicNameRefused as refusal:
            raise forms.ValidationError(refusal.message) from refusal


class ManualDonationForm(PublicNameCheckedForm):
    """A gift that did not pass through Stripe; saved by services.donation_record_manual."""

    amount = forms.CharField(
        label=_("Amount"), help_text=_("In the campaign's currency, e.g. 250 or 12.50.")
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        initial=timezone.now,
        help_text=_("It counts in the month of this date, in the site's time zone."),
    )
    earlier_month = forms.BooleanField(
        label=_("Count it in that month"),
        required=False,
        help_text=_("Only for a gift received in an earlier month and recorded late."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = MANUAL_METHODS
        self.fields["method"].initial = Donation.Method.BANK_TRANSFER
        self.fields["campaign"] = CampaignChoiceField(
            queryset=Campaign.objects.all(),
            label=self.fields["campaign"].label,
            initial=self.fields["campaign"].initial,
        )
        if not self.fields["campaign"].initial and "campaign" not in self.initial:
            self.fields["campaign"].initial = Campaign.objects.filter(active=True).first()
        self.fields["received_at"].help_text = _(
            "It counts in the month of this date, in the site's time zone (%(zone)s)."
        ) % {"zone": timezone.get_default_timezone_name()}
        self.order_fields(
            [
                "campaign",
                "amount",
                "received_at",
                "earlier_month",
                "method",
                "frequency",
                "public_name",
                "article",
            ]
        )

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        # A few minutes of slack for the editor's clock; a later date would count in a month
        # that has not begun, and show on its goal bar as soon as it does.
        if received_at > timezone.now() + timedelta(minutes=10):
            raise forms.ValidationError(
                _("This date is in the future. Record a gift once it has been received.")
            )
        return received_at

    def clean(self):
        cleaned = super().clean()
        campaign = cleaned.get("campaign")
        if campaign and cleaned.get("amount"):
            # "$1,250" for a USD campaign is the amount as the site itself writes it.
            amount = without_own_currency(cleaned["amount"], campaign.currency)
            try:
                cleaned["amount_minor"] = to_minor(amount, campaign.currency)
            except MoneyError as error:
                with_currency = _names_a_currency(amount)
                message = AMOUNT_NOT_PLAIN % {"currency": campaign.currency}
                self.add_error("amount", message if with_currency else str(error))
            else:
                if cleaned["amount_minor"] <= 0:
                    self.add_error("amount", _("The amount must be more than zero."))
        received_at = cleaned.get("received_at")
        month = selectors.Month.of(received_at) if received_at else None
        if month and month < selectors.Month.of(timezone.now()) and not cleaned["earlier_month"]:
            local = timezone.localtime(received_at, timezone.get_default_timezone())
            self.add_error(
                "received_at",
                EARLIER_MONTH
                % {
                    "date": date_format(local.date(), "j F Y"),
                    "month": date_format(month.first_day, "F Y"),
                },
            )
        return cleaned

    class Meta:
        model = Donation
        fields = ["campaign", "method", "frequency", "public_name", "article", "note"]
        # A drop-down would list every article of the site, drafts included, on every visit.
        widgets = {"article": AdminPageChooser(target_models=["publishing.ArticlePage"])}


class DonationEditForm(PublicNameCheckedForm):
    """After the fact only the wording may change; money is corrected by a reversal."""

    class Meta:
        model = Donation
        fields = ["public_name", "note"]
