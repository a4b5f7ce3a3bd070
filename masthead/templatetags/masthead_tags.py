import json
from datetime import timedelta

from django import template
from django.template.base import Token
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext
from wagtail.images.models import ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags.wagtailimages_tags import SrcsetImageNode
from wagtail.images.templatetags.wagtailimages_tags import image as wagtail_image_tag

register = template.Library()

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# Characters XML 1.0 cannot hold at all, escaped or not: C0 controls other than tab, newline and
# carriage return, and the non-characters U+FFFE and U+FFFF.
_NOT_IN_XML = dict.fromkeys(
    [*(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)), 0xFFFE, 0xFFFF]
)


@register.filter
def json_ld(data) -> str:
    """JSON safe to place inside <script type="application/ld+json"> (no tag can be closed early)."""
    encoded = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(encoded)  # noqa: S308 (<, > and & are escaped above)


@register.filter
def xml_text(text) -> str:
    """Text without the characters XML cannot hold: a control character pasted into a headline
    must not break the feeds and the news sitemap."""
    return str(text or "").translate(_NOT_IN_XML)


@register.filter
def site_moment(value) -> str:
    """A moment for a <time datetime>: in the site's time zone, to the second. `date:'c'` writes
    microseconds, which HTML does not allow there (three digits of a second at most), and the
    comments' script writes a comment's times to the second after an in-place edit."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


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
    """An action's time (a moderator's, a comment's in the admin) as read at a glance, to the minute, in a <time> whose
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
    """The page's address on its site (links.canonical_root), as the sitemaps and feeds name it,
    whichever host the reader used."""
    return page.get_full_url(context["request"])


@register.simple_tag(takes_context=True)
def canonical_url(context, path: str) -> str:
    """A path of this site (or a media URL) with its canonical scheme and host
    (links.canonical_root)."""
    from masthead import links

    return links.canonical_url(context["request"], path)


@register.simple_tag(takes_context=True)
def fragment_cache(context) -> dict:
    """Key part and lifetime for {% cache %} fragments that only change with the site's content.

    One copy per Wagtail site, under its one address (links.canonical_root), which is all the
    fragments' links and settings depend on: not per Host header, which passes ALLOWED_HOSTS
    with any port or letter case, and would make a render and a stored copy of each.
    Previews never read or fill the cache (a draft must show as the editor left it)."""
    from masthead import links
    from masthead.publishing.page_cache import PAGE_CACHE_SECONDS, version_and_month

    request = context["request"]
    if getattr(request, "is_preview", False):
        import uuid

        return {"seconds": 0, "key": f"preview-{uuid.uuid4().hex}"}
    return {
        "seconds": PAGE_CACHE_SECONDS,
        "key": f"{version_and_month()}-{links.canonical_root(request)}",
    }


@register.simple_tag
def related_articles(article):
    from masthead.publishing import selectors

    return selectors.related_articles(article)


@register.simple_tag(takes_context=True)
def article_share_image(context, article):
    from wagtail.models import Site

    from masthead.publishing import selectors
    from masthead.publishing.models import SiteIdentity

    request = context["request"]
    # The read the template's `settings` shares (one per request).
    identity = SiteIdentity.for_request(request) if Site.find_for_request(request) else None
    return selectors.article_share_image(article, identity=identity)


@register.simple_tag(takes_context=True)
def news_article_schema(context, article):
    from masthead.publishing import selectors

    return selectors.news_article_schema(article, context["request"])


@register.simple_tag(takes_context=True)
def info_page_schema(context, page):
    from masthead.publishing import selectors

    return selectors.info_page_schema(page, context["request"])


@register.tag
def distinct_srcset_image(parser, token):
    """Wagtail's `{% srcset_image %}` (same arguments), listing each width once. Wagtail never
    makes a rendition larger than the photo: width-1600 of a 1200 px photo is 1200 px wide too,
    and srcset named it again as 1200w (browsers may pick either, and HTML calls it an error)."""
    _, _, arguments = token.contents.partition(" ")
    wagtails = wagtail_image_tag(
        parser, Token(token.token_type, f"srcset_image {arguments}", token.position, token.lineno)
    )
    return DistinctSrcsetImageNode(
        wagtails.image_expr,
        wagtails.filter_specs,
        output_var_name=wagtails.output_var_name,
        attrs=wagtails.attrs,
    )


class DistinctSrcsetImageNode(SrcsetImageNode):
    def render(self, context):
        image = self.validate_image(context)
        if not image:
            return ""
        renditions = get_renditions_or_not_found(image, self.get_filters())
        if self.output_var_name:
            context[self.output_var_name] = DistinctWidthsImage(renditions)
            return ""
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}
        return DistinctWidthsImage(renditions, attrs).__html__()


class DistinctWidthsImage(ResponsiveImage):
    """The renditions of one width each: the first asked for (the smallest spec that gave it)."""

    def __init__(self, renditions, attrs=None):
        super().__init__(renditions, attrs)
        by_width = {}
        for rendition in self.renditions:
            by_width.setdefault(rendition.width, rendition)
        self.renditions = list(by_width.values())
