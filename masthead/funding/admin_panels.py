from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from masthead.funding import selectors


class CampaignPanel(Component):
    """The dashboard's "Reader funding" panel: this month's goal bar for the site being edited."""

    name = "reader_funding"
    template_name = "funding/admin/home_panel.html"
    order = 160

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        site = Site.find_for_request(parent_context["request"])
        funding = selectors.dashboard_funding(site=site, now=timezone.now())
        context.update(
            bar=funding.bar if funding else None,
            monthly_donors=funding.monthly_donors if funding else 0,
            next_campaign_name=funding.next_campaign_name if funding else "",
            next_campaign_starts=funding.next_campaign_starts if funding else None,
            reports_url=reverse("funding_reports"),
            settings_url=reverse("wagtailsettings:edit", args=["funding", "fundingsettings"]),
        )
        return context
