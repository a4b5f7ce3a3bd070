from datetime import timedelta

import nh3
from bs4 import BeautifulSoup
from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext

from masthead.discussion.markdown import ALLOWED_TAGS
from masthead.templatetags.masthead_tags import site_moment

register = template.Library()

# A web link in a comment a moderator reads opens in a tab of its own, and tells the site
# neither who sent the reader (the queue's address) nor gives it a handle on the queue's tab.
QUEUE_LINK_REL = "nofollow noopener noreferrer"


def _time(at, text: str) -> str:
    local = timezone.localtime(at)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        site_moment(local),
        dateformat.format(local, "j M Y, H:i:s"),
        text,
    )


@register.simple_tag
def moment(at, shown: str = "j M Y, H:i") -> str:
    """A moderator's action's time as read at a glance, to the minute, in a <time> whose
    datetime and title give the second: two actions in one minute can still be told apart."""
    return _time(at, dateformat.format(timezone.localtime(at), shown))


@register.simple_tag
def moment_ago(at, now=None) -> str:
    """How long ago a moderator acted ("just now", "5 minutes ago"), in a <time> like moment's.
    Under a minute, and for a moment a clock a little ahead wrote, it is "just now": Django's
    timesince says "0 minutes"."""
    now = now or timezone.now()
    if now - at < timedelta(minutes=1):
        return _time(at, gettext("just now"))
    return _time(at, gettext("%(delta)s ago") % {"delta": timesince(at, now)})


@register.filter
def queue_body(body_html: str) -> str:
    """A comment's HTML as the moderation queue shows it: its web (http, https) links open apart
    (QUEUE_LINK_REL), and any other link, an e-mail address above all, is its text only: a
    moderator reading spam must not mail a spammer, or dial one, with a stray click."""
    cleaned = nh3.clean(
        body_html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=QUEUE_LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
    soup = BeautifulSoup(cleaned, "html.parser")
    for dead_link in soup.find_all("a", href=False):  # nh3 took away an address it refused
        dead_link.unwrap()
    return mark_safe(str(soup))  # noqa: S308 - cleaned by nh3 above
