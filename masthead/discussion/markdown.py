"""Comment bodies: a small Markdown rendered to sanitised HTML.

Readers get paragraphs, emphasis, links, quotes, code and lists; no headings, images, tables or
raw HTML. Whatever markdown-it produces is cleaned again by nh3, so a bug in one is caught by
the other, and every link gets rel="nofollow ugc noopener".
"""

import html
import re

import nh3
from markdown_it import MarkdownIt
from markdownify import markdownify

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False, "breaks": True})
    .enable(["linkify", "strikethrough"])
    .disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
)


def render_comment(markdown: str) -> str:
    """Markdown → safe HTML for a comment body."""
    html = _renderer.render(markdown)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    ).strip()


def plain_text(markdown: str) -> str:
    """The words of a comment without markup (for e-mails and moderation)."""
    return html.unescape(nh3.clean(_renderer.render(markdown), tags=set())).strip()


def markdown_from_html(html: str) -> str:
    """Another system's comment HTML as Markdown (what a reader saw there, in our form).

    Images, scripts and styles are dropped; whatever else Masthead does not allow is cleaned
    when the Markdown is rendered.
    """
    markdown = markdownify(html, heading_style="ATX", strip=["img", "script", "style"])
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()
