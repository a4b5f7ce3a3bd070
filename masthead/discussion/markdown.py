"""Comment bodies: a small Markdown rendered to sanitised HTML.

Readers get paragraphs, emphasis, links, quotes, code and lists; no headings, images, tables or
raw HTML (an image becomes a link to it, named by its alt text). Whatever markdown-it produces is
cleaned again by nh3, so a bug in one is caught by the other, and every link gets
rel="nofollow ugc noopener".
"""

import html
import re

import nh3
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
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


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """`![alt](url)` as a link to the image named by its alt text (or its address). Parsed as an
    image rather than left out: otherwise it reads as a stray "!" before a link. Inside a link
    (a linked image) only the words stay, as a link cannot hold another."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    text = escapeHtml(renderer.renderInlineAsText(token.children or [], options, env) or src)
    open_links = sum(
        {"link_open": 1, "link_close": -1}.get(before.type, 0) for before in tokens[:idx]
    )
    if open_links > 0:
        return text
    return f'<a href="{escapeHtml(src)}">{text}</a>'


_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False, "breaks": True})
    .enable(["linkify", "strikethrough"])
    .disable(["heading", "lheading", "hr", "html_block", "html_inline"])
)
_renderer.add_render_rule("image", _image_as_link)


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


# Newsroom staff and moderators read comments, spam among them, in the admin. A web link opens in
# a tab of its own and tells the linked site neither where the click came from (an admin
# address) nor gives it a handle on the admin's tab; any other link, an e-mail address above all,
# is its text only: reading spam must not mail or dial a spammer with a stray click.
STAFF_LINK_REL = "nofollow noopener noreferrer"
STAFF_URL_SCHEMES = {"http", "https"}


def comment_html_for_staff(body_html: str) -> str:
    """A comment's HTML (as render_comment made it) as the admin shows it to staff, whatever the
    comment's status: web links open apart (STAFF_LINK_REL, a new tab), other links are text."""
    cleaned = nh3.clean(
        body_html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=STAFF_URL_SCHEMES,
        link_rel=STAFF_LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
    soup = BeautifulSoup(cleaned, "html.parser")
    for dead_link in soup.find_all("a", href=False):  # nh3 took away an address it refused
        dead_link.unwrap()
    return str(soup)


def plain_text(markdown: str) -> str:
    """The words of a comment without markup (for e-mails and moderation)."""
    return html.unescape(nh3.clean(_renderer.render(markdown), tags=set())).strip()


# What ends a paragraph of the words kept from HTML markdownify cannot read.
TEXT_BLOCKS = ["p", "div", "br", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"]


def markdown_from_html(html: str) -> str:
    """Another system's comment HTML as Markdown (what a reader saw there, in our form).

    Images, scripts and styles are dropped; whatever else Masthead does not allow is cleaned
    when the Markdown is rendered. HTML nested too deeply for markdownify (which goes down one
    level of Python per element) keeps its words, one paragraph per block of text.
    """
    try:
        markdown = markdownify(html, heading_style="ATX", strip=["img", "script", "style"])
    except RecursionError:
        soup = BeautifulSoup(html, "html.parser")
        for dropped in soup.find_all(["img", "script", "style"]):
            dropped.decompose()
        for block in soup.find_all(TEXT_BLOCKS):
            block.insert_after("\n\n")
        markdown = re.sub(r"\s*\n\s*\n\s*", "\n\n", soup.get_text())
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()
