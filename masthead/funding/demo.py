"""Demo content for reader funding: a campaign with this month's manual gifts, so the bar is not
empty, the goal bar on the home page, and bank and crypto details. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone
from wagtail.models import Site

from masthead.funding import services
from masthead.funding.models import Campaign, Donation, FundingSettings
from masthead.funding.selectors import Month

CAMPAIGN = {
    "name": "Keep the Ledger independent",
    "slug": "independent-ledger",
    "currency": "USD",
    "goal_minor": 500_000,
    "presets_minor": [1_000, 2_500, 5_000, 10_000],
    "intro": (
        "The Harbour Ledger has no owner to please and no paywall. Our reporting on the coast, "
        "its councils, its harbour and its people is paid for by readers. Every month we need "
        "5,000 dollars to keep two reporters on the beat."
    ),
}
# (public name, amount in cents, method, days into the month)
GIFTS = [
    ("Marta from Eastport", 5_000, Donation.Method.BANK_TRANSFER, 0),
    ("", 2_500, Donation.Method.CASH, 1),
    ("The Quayside Bakery", 20_000, Donation.Method.BANK_TRANSFER, 2),
    ("", 7_500, Donation.Method.CRYPTO, 3),
]
OTHER_WAYS = [
    (
        "bank",
        {
            "label": "Bank transfer",
            "account_holder": "Harbour Ledger Media Cooperative",
            "iban": "GB33 BUKB 2020 1555 5555 55",
            "bic": "BUKBGB22",
            "bank_name": "Barclays, Eastport branch",
            "reference": "LEDGER SUPPORT",
        },
    ),
    (
        "crypto",
        {
            "currency": "Bitcoin (BTC)",
            "network": "Bitcoin",
            "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        },
    ),
]


@transaction.atomic
def load(stdout=None, *, now=None) -> dict:
    now = now or timezone.now()
    created = {"campaigns": 0, "donations": 0}
    campaign = Campaign.objects.filter(slug=CAMPAIGN["slug"]).first()
    if campaign is None:
        campaign = Campaign.objects.create(**CAMPAIGN)
        created["campaigns"] += 1
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        settings = FundingSettings.for_site(site)
        if settings.current_campaign_id is None:
            settings.current_campaign = campaign
            settings.other_ways = OTHER_WAYS
            settings.save()
        _place_goal_bar_on_home(site)

    month_start = Month.of(now).start
    if not campaign.ledger.filter(occurred_at__gte=month_start).exists():
        for name, amount, method, day in GIFTS:
            received = min(month_start + timedelta(days=day, hours=10), now)
            services.donation_record_manual(
                campaign=campaign,
                amount_minor=amount,
                currency=campaign.currency,
                method=method,
                received_at=received,
                public_name=name,
                note="Demo gift",
            )
            created["donations"] += 1
    if stdout is not None:
        campaigns, donations = created["campaigns"], created["donations"]
        if campaigns or donations:
            stdout.write(
                f"Funding demo: {campaigns} campaign{pluralize(campaigns)} and {donations} "
                f"manual donation{pluralize(donations)} created."
            )
        else:
            stdout.write("Funding demo: the campaign and this month’s gifts are already there.")
    return created


def _place_goal_bar_on_home(site) -> None:
    home = site.root_page.specific
    if not hasattr(home, "promos") or any(b.block_type == "goal_bar" for b in home.promos):
        return
    text = "Our reporting is free to read and paid for by readers. Help us reach this month’s goal."
    home.promos.append(
        ("goal_bar", {"heading": "Help us reach this month’s goal", "text": text, "button": ""})
    )
    home.save_revision().publish()
