"""GET /api/v1/campaigns/current: the site's current campaign and this month's progress."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from wagtail.models import Site

from masthead.funding import selectors
from masthead.schemas import Error

router = Router(tags=["funding"])

NO_CURRENT_CAMPAIGN = "This site has no current campaign."


class CampaignProgressOut(Schema):
    slug: str
    name: str
    currency: str = Field(description="ISO 4217 code")
    period: str = Field(description="The month, YYYY-MM, in the site's time zone")
    goal_minor: int = Field(description="The monthly goal in minor units (cents)")
    raised_minor: int = Field(description="Raised this month, net of refunds, in minor units")
    marks_minor: list[int] = Field(description="The scale marks under the bar, in minor units")


@router.get(
    "/campaigns/current",
    response={200: CampaignProgressOut, 404: Error},
    summary="The current campaign and what it raised this month",
)
def current_campaign(request: HttpRequest):
    """The current campaign of the site answering the request; 404 when there is none."""
    site = Site.find_for_request(request)
    now = timezone.now()
    campaign = selectors.campaign_at(site=site, now=now)
    if campaign is None:
        raise HttpError(404, NO_CURRENT_CAMPAIGN)
    progress = selectors.cached_month_progress(campaign=campaign, now=now)
    return {
        "slug": progress.slug,
        "name": progress.name,
        "currency": progress.currency,
        "period": progress.period,
        "goal_minor": progress.goal_minor,
        "raised_minor": progress.raised_minor,
        "marks_minor": list(progress.marks_minor),
    }
