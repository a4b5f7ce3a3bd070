from datetime import timedelta

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext

from masthead.templatetags.masthead_tags import site_moment

register = template.Library()


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
    timesince says "0 minutes".

    Not Wagtail's admin tags: `timesince_simple` keeps the first unit only ("2 hours ago" for an
    undo two hours and three minutes old, which a moderator tells apart from the next one by its
    minutes), `timesince_last_update` shows a clock time ("at 14:05") for today's, and neither
    takes `now` (the tests pass it) nor gives the <time> with the exact moment."""
    now = now or timezone.now()
    if now - at < timedelta(minutes=1):
        return _time(at, gettext("just now"))
    return _time(at, gettext("%(delta)s ago") % {"delta": timesince(at, now)})
