from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

from masthead.templatetags.masthead_tags import site_moment

register = template.Library()


@register.simple_tag
def moment(at, shown: str = "j M Y, H:i") -> str:
    """A moderator's action's time as read at a glance, to the minute, in a <time> whose
    datetime and title give the second: two actions in one minute can still be told apart."""
    local = timezone.localtime(at)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        site_moment(local),
        dateformat.format(local, "j M Y, H:i:s"),
        dateformat.format(local, shown),
    )
