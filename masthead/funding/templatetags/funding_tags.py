"""{% goal_bar %}, {% support_us page placement %} and {% money %} for any template.

All read the cached site_funding panel: an article page with a warm cache makes no query here."""

from django import template
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from masthead.funding import selectors
from masthead.funding.money import DEFAULT_STYLE, MoneyError, format_money

register = template.Library()


def _panel(context):
    if "_funding_panel" not in context.render_context:
        request = context.get("request")
        site = Site.find_for_request(request) if request is not None else None
        context.render_context["_funding_panel"] = selectors.site_funding(
            site=site, now=context.get("now") or timezone.now()
        )
    return context.render_context["_funding_panel"]


def donate_url(page=None) -> str:
    url = reverse("funding:donate")
    article_id = getattr(page, "pk", None)
    return f"{url}?article={article_id}" if article_id else url


@register.inclusion_tag("funding/goal_bar.html", takes_context=True)
def goal_bar(context, heading="", compact=False):
    """The current campaign's goal bar for this month (nothing without a current campaign)."""
    panel = _panel(context)
    return {"bar": panel.bar if panel else None, "heading": heading, "compact": compact}


@register.inclusion_tag("funding/support_us.html", takes_context=True)
def support_us(context, page=None, placement="body"):
    """The "Support us" call to action; `placement` is "header" (a line) or "body" (a box)."""
    panel = _panel(context)
    return {
        "panel": panel,
        "bar": panel.bar if panel else None,
        "placement": placement,
        "donate_url": donate_url(page),
    }


@register.simple_tag(takes_context=True)
def money(context, amount_minor, currency):
    """An amount in minor units, formatted for the active locale and the site's money style."""
    panel = context.get("funding_panel")
    style = panel.money_style if panel else context.get("money_style", DEFAULT_STYLE)
    try:
        return format_money(int(amount_minor), currency, style=style)
    except (MoneyError, TypeError, ValueError):
        return f"{amount_minor} {currency}"


@register.simple_tag(takes_context=True)
def funding_panel(context):
    """{% funding_panel as panel %}: the cached site funding panel (bar and wording), or None."""
    return _panel(context)


@register.simple_tag
def donate_link(page=None):
    """The donate page's address, remembering the article the reader came from."""
    return donate_url(page)
