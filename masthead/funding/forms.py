"""The reader's donate form. Amount and name rules live in services (amount_check,
public_name_check), asked here so that the form shows every problem at once; this only parses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from masthead.funding.models import Campaign, Donation
from masthead.funding.money import AMOUNT_TOO_LONG, MAX_AMOUNT_CHARS, MoneyError, to_minor
from masthead.funding.services import PublicNameRefused, amount_check, public_name_check

OTHER = "other"
CHOOSE_AN_AMOUNT = _("Choose an amount, or enter one under “Other amount”.")
ENTER_AN_AMOUNT = _("Enter the amount you would like to give.")
CAMPAIGN_CURRENCY_CHANGED = _(
    "Since this page was opened, our campaign changed to %(campaign)s, which collects in "
    "%(currency)s, and nothing was charged. Check the amount in %(currency)s and give again."
)


class DonateForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=[
            (Donation.Frequency.ONE_TIME, _("One time")),
            (Donation.Frequency.MONTHLY, _("Monthly")),
        ],
        initial=Donation.Frequency.ONE_TIME,
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=MAX_AMOUNT_CHARS,
        error_messages={"max_length": AMOUNT_TOO_LONG},
    )
    custom_amount = forms.CharField(
        label=_("Other amount"),
        required=False,
        max_length=MAX_AMOUNT_CHARS,
        error_messages={"max_length": AMOUNT_TOO_LONG},
    )
    public_name = forms.CharField(
        label=_("Name to thank publicly (optional)"),
        required=False,
        max_length=80,
        help_text=_("Leave empty to give anonymously."),
    )
    article = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # The currency the page showed (the template writes the campaign's): a page opened before
    # the next campaign took over at midnight may have offered amounts in another one.
    currency = forms.CharField(required=False, max_length=3, widget=forms.HiddenInput)

    def __init__(self, *args, campaign: Campaign, presets, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.presets = presets
        self.user = user  # the signed-in giver's account: staff may be thanked by their name

    def clean_public_name(self):
        try:
            return public_name_check(self.cleaned_data["public_name"], user=self.user)
        except PublicNameRefused as refusal:
            raise forms.ValidationError(refusal.message, code="name") from None

    def clean(self):
        cleaned = super().clean()
        if self.has_error("amount") or self.has_error("custom_amount"):
            return cleaned  # too long: the field's own message says so
        shown = (cleaned.get("currency") or "").upper()
        if shown and shown != self.campaign.currency:
            self.add_error(
                None,
                CAMPAIGN_CURRENCY_CHANGED
                % {"campaign": self.campaign.name, "currency": self.campaign.currency},
            )
            return cleaned
        choice = (cleaned.get("amount") or "").strip()
        custom = (cleaned.get("custom_amount") or "").strip()
        if choice in ("", OTHER) and not custom:
            field = "custom_amount" if choice == OTHER else "amount"
            self.add_error(field, ENTER_AN_AMOUNT if choice == OTHER else CHOOSE_AN_AMOUNT)
            return cleaned
        # A typed amount wins: without JavaScript a preset stays checked beside the field, and
        # funding.js only sends the field while "Other amount" is chosen.
        raw, field = (custom, "custom_amount") if custom else (choice, "amount")
        try:
            amount_minor = to_minor(raw, self.campaign.currency)
            amount_check(campaign=self.campaign, amount_minor=amount_minor)
        except MoneyError as error:
            self.add_error(field, str(error))
            return cleaned
        cleaned["amount_minor"] = amount_minor
        return cleaned
