import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    """JSON safe to place inside <script type="application/ld+json"> (no tag can be closed early)."""
    encoded = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(encoded)  # noqa: S308 (<, > and & are escaped above)


@register.simple_tag(takes_context=True)
def page_url_with(context, **changes) -> str:
    """The current URL's query string with some parameters changed (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def absolute_pageurl(context, page) -> str:
    """The page's address with the scheme and host the reader used."""
    request = context["request"]
    return request.build_absolute_uri(page.get_url(request))
