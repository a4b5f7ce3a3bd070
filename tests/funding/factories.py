"""Building blocks for funding tests: campaigns, the site setting, donations and ledger rows."""

import itertools
from datetime import datetime

from django.utils import timezone
from wagtail.models import Site

from masthead.funding import services
from masthead.funding.models import Campaign, Donation, Donor, FundingSettings
from tests.factories import make_home

_counter = itertools.count(1)


def make_campaign(
    *, slug=None, currency="USD", goal_minor=500_000, current=True, **fields
) -> Campaign:
    number = next(_counter)
    campaign = Campaign.objects.create(
        name=fields.pop("name", f"Campaign {number}"),
        slug=slug or f"campaign-{number}",
        currency=currency,
        goal_minor=goal_minor,
        **fields,
    )
    if current:
        make_current(campaign)
    return campaign


def make_current(campaign: Campaign) -> FundingSettings:
    home = make_home()
    site = Site.objects.get(root_page=home)
    settings = FundingSettings.for_site(site)
    settings.current_campaign = campaign
    settings.save()
    return settings


def make_manual_gift(*, campaign, amount_minor, received_at: datetime | None = None, **fields):
    return services.donation_record_manual(
        campaign=campaign,
        amount_minor=amount_minor,
        currency=campaign.currency,
        method=fields.pop("method", Donation.Method.BANK_TRANSFER),
        received_at=received_at or timezone.now(),
        **fields,
    )


def make_donor(*, email=None, name="Rita Reader") -> Donor:
    return Donor.objects.create(email=email or f"reader{next(_counter)}@example.com", name=name)


def plain(text: str) -> str:
    """Text with CLDR's no-break spaces as plain spaces, to compare with what a reader sees."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
