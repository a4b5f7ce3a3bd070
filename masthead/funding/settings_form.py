"""The form of Settings → Reader funding: a campaign to take over in a month to come.

Kept apart from admin_forms (which imports the models) because FundingSettings names it as its
base_form_class; it reads the models through its instance and imports the selectors lazily."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

# How many months ahead an editor may schedule the next campaign.
MONTHS_AHEAD = 12

NEXT_CAMPAIGN_NEEDS_A_MONTH = _("Choose the month in which the next campaign takes over.")
NEXT_MONTH_NEEDS_A_CAMPAIGN = _("Choose the campaign that takes over in that month.")
NEXT_CAMPAIGN_IS_CURRENT = _(
    "“%(name)s” is already the current campaign. Choose another campaign to take over, or leave "
    "“Next campaign” empty."
)
NEXT_CAMPAIGN_INACTIVE = _(
    "That campaign is not active (or no longer exists), so it could not collect gifts. Choose an "
    "active campaign, or tick “active” on the campaign first."
)
NEXT_MONTH_NOT_TO_COME = _(
    "%(month)s is not a month to come: the next campaign takes over on the first day of a later "
    "month than this one (%(this_month)s). To change this month's campaign, choose it as the "
    "current campaign."
)


class FundingSettingsForm(WagtailAdminModelForm):
    """The next campaign is chosen with the month it takes over in (a list of months to come);
    once that month has begun the form shows it as the current campaign, as readers see it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from masthead.funding.selectors import Month

        now = timezone.now()
        self.this_month = Month.of(now)
        settings = self.instance
        next_campaign_runs = settings.next_campaign_has_started(now) and (
            settings.campaign_at(now) == settings.next_campaign
        )
        if not self.is_bound and next_campaign_runs:
            # Nobody saved at midnight; saving this form writes down what readers already see.
            self.initial.update(
                current_campaign=settings.next_campaign_id,
                next_campaign=None,
                next_campaign_starts=None,
            )
        for name in ("current_campaign", "next_campaign"):
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = NEXT_CAMPAIGN_INACTIVE
        if "next_campaign_starts" in self.fields:
            field = self.fields["next_campaign_starts"]
            field.widget = forms.Select(choices=self._month_choices())
            field.help_text = _(
                "At midnight on that day, in the site's time zone (%(zone)s), readers see the next "
                "campaign everywhere: no one needs to be awake to switch it."
            ) % {"zone": timezone.get_default_timezone_name()}

    def _month_choices(self) -> list[tuple[str, str]]:
        month, choices = self.this_month, [("", "---------")]
        for _step in range(MONTHS_AHEAD):
            month = month.next()
            choices.append((month.first_day.isoformat(), date_format(month.first_day, "j F Y")))
        return choices

    def clean(self):
        from masthead.funding.selectors import Month

        cleaned = super().clean()
        if "next_campaign" in self.errors or "next_campaign_starts" in self.errors:
            return cleaned
        campaign = cleaned.get("next_campaign")
        starts: date | None = cleaned.get("next_campaign_starts")
        if campaign is None and starts is None:
            return cleaned
        if campaign is None:
            self.add_error("next_campaign", NEXT_MONTH_NEEDS_A_CAMPAIGN)
        if starts is None:
            self.add_error("next_campaign_starts", NEXT_CAMPAIGN_NEEDS_A_MONTH)
            return cleaned
        month = Month(starts.year, starts.month)
        cleaned["next_campaign_starts"] = month.first_day
        if month <= self.this_month:
            self.add_error(
                "next_campaign_starts",
                NEXT_MONTH_NOT_TO_COME
                % {
                    "month": date_format(month.first_day, "F Y"),
                    "this_month": date_format(self.this_month.first_day, "F Y"),
                },
            )
        current = cleaned.get("current_campaign")
        if campaign is not None and current is not None and campaign.pk == current.pk:
            self.add_error("next_campaign", NEXT_CAMPAIGN_IS_CURRENT % {"name": campaign.name})
        return cleaned
