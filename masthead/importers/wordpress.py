"""Reading the posts of a WordPress export (WXR: Tools → Export in WordPress) for
`import-wordpress`.

A post's HTML becomes an article body: runs of text become rich-text paragraphs limited to the
features editors have, images become image blocks, `[gallery]` shortcodes and gallery blocks
become galleries, YouTube and Vimeo embeds become video blocks and pull quotes pull-quote blocks.
Both editors' formats are read: the classic one (text with line breaks, shortcodes, `<img>` in
paragraphs) and the block editor's (HTML with `<!-- wp:... -->` comments and `<figure>`s).
"""

import hashlib
import html
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from urllib.parse import urlsplit

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.utils import timezone

from masthead.importers.xml_exports import (
    leaf_texts,
    local_name,
    unreadable_export,
    wordpress_post_key,
)
from masthead.publishing.blocks import clean_table_html
from masthead.publishing.models import ArticlePage
from masthead.publishing.video import video_embed_for
from masthead.text import one_line

POST_TYPE = "post"
# WordPress "pages" (About us, Contact, policies) become information pages.
PAGE_TYPE = "page"
# WordPress's statuses of a post that is, or is to be, live: they need a date.
LIVE_STATUSES = ("publish", "future")
UNDATED_SHOWN = 5
# Where an item's date is written, in the order _date reads them.
DATE_KEYS = ("post_date_gmt", "post_date", "pubDate")
# Statuses that become articles: published, scheduled, and drafts (pending review included).
IMPORTED_STATUSES = {"publish", "future", "draft", "pending"}
# An export lists a post's categories by name, not in the order the editor meant: the main one
# is the one Yoast SEO or Rank Math (on most news sites) records as primary.
PRIMARY_CATEGORY_META = ("_yoast_wpseo_primary_category", "rank_math_primary_category")
WORDS_IN_EXCERPT = 55  # WordPress's automatic excerpt
STANDFIRST_MAX_LENGTH = ArticlePage._meta.get_field("standfirst").max_length

RICH_TEXT_TAGS = {"p", "h2", "h3", "b", "i", "a", "ul", "ol", "li", "blockquote", "hr", "br"}
RENAMED_TAGS = {"strong": "b", "em": "i", "h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3"}
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "center"}

# [name attr="…"]…[/name]. Only the shortcodes _expand_shortcodes turns into HTML are
# understood; any other is a plugin's, and its tags are dropped, the text they enclose kept.
# Square brackets are also plain writing ("[sic]", "[1]", "[citation needed]"): a bracketed
# word is taken for a shortcode only when it has the shape of one: a closing tag ("[/name]"),
# key="value" attributes, an opening tag whose closing one appears in the post, or the name of
# one of WordPress's own (CORE_SHORTCODES, which work with no attributes at all).
# A post is anyone's text, so reading it may not take time that grows faster than the post (a
# few hundred kilobytes of "[caption" or "<!--" must not keep an import busy for hours). A
# search that fails only at the end of the post, tried again from each "[" or "<", would: so a
# shortcode or tag ends at the first "]" or ">" it reaches, no pattern searches past the last
# one, and where a regular expression cannot avoid such a search (a closing tag that never
# comes), the code finds the end by hand and stops at the first one missing.
SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s[^\]]*+)?+)\]")
CLOSING_SHORTCODE = re.compile(r"\[/([a-z][a-z0-9_-]*)\]")
CORE_SHORTCODES = {"audio", "video", "playlist", "gallery", "caption", "wp_caption", "embed"}
# [caption …]…[/caption] and [embed …]…[/embed], the shortcodes that enclose what they show
# (_replace_enclosing), and the image a caption is of, with its link (_captioned_image).
CAPTION_OPENING, CAPTION_CLOSING = re.compile(r"\[caption", re.I), re.compile(r"\[/caption\]", re.I)
EMBED_OPENING, EMBED_CLOSING = re.compile(r"\[embed"), re.compile(r"\[/embed\]")
LINK_OR_IMAGE_START = re.compile(r"<(a|img)\b")
IMAGE_AFTER_LINK = re.compile(r"\s*<img\b[^>]*+>")
LINK_CLOSING = re.compile(r"\s*</a>")
# A name is searched for from the start of a word only: from each of its letters, a long word
# with no "=" after it would be read again to its end.
ATTRIBUTE = re.compile(r"""(?<![a-z_])([a-z_]+)\s*+=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# Elements wpautop leaves whole rather than wrap in a paragraph, and HTML comments (the block
# editor's <!-- wp:… --> markers).
BLOCK_TAGS = (
    "p|figure|table|ul|ol|dl|blockquote|pre|div|h[1-6]|hr|iframe|section|article|aside|header"
    "|footer|main|address|form|details|center|nav|style|script"
)
# Where one may start: _block_openings finds its end ("-->" or ">") by hand (see SHORTCODE).
BLOCK_START = re.compile(rf"<(?:(!--)|({BLOCK_TAGS})\b)", re.IGNORECASE)
VOID_BLOCK_TAGS = {"hr"}
IMAGE_ID_CLASS = re.compile(r"\bwp-image-(\d+)\b")
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[a-z0-9]+$)", re.IGNORECASE)


class WordPressRefused(Exception):
    """The file cannot be read as a WordPress export; nothing was imported."""


@dataclass
class Attachment:
    id: str
    url: str
    path: str  # relative to wp-content/uploads
    title: str = ""
    caption: str = ""
    alt: str = ""


@dataclass
class Post:
    id: str
    title: str
    slug: str
    status: str
    link: str
    date: datetime | None
    author_login: str
    content: str
    excerpt: str
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[str] = field(default_factory=list)
    thumbnail_id: str = ""
    primary_category_id: str = ""  # the term id an SEO plugin marks as the post's main category
    password: str = ""  # readers must give it to read the post ("Password protected")
    key: str = ""  # names the post in every export of its site (wordpress_post_key)
    post_type: str = POST_TYPE  # or PAGE_TYPE
    # Its day on the old site (post_date, the site's local time): WordPress's date archives
    # (/2024/, /2024/05/, /2024/05/17/) list it under this one.
    local_day: date | None = None

    @property
    def is_page(self) -> bool:
        return self.post_type == PAGE_TYPE


@dataclass
class Export:
    """What a WXR file says besides its posts, which read_posts reads afterwards."""

    site_name: str = ""
    site_tagline: str = ""
    site_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    post_count: int = 0
    page_count: int = 0
    attachments: dict[str, Attachment] = field(default_factory=dict)
    other_items: dict[str, int] = field(default_factory=dict)  # post type → count
    category_parents: dict[str, str] = field(default_factory=dict)  # slug → parent's slug or ""
    category_slugs: dict[str, str] = field(default_factory=dict)  # term id → slug
    # Every category slug the export has, listed in the channel or only filed under by a post:
    # a section standing in for one the site's own addresses take ("tags") must not be another's.
    categories: set[str] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)  # slug → name
    # Posts dated with both the old site's local time and UTC, and those of them whose local
    # time is not this site's (TIME_ZONE) at that moment: readers would see other times.
    posts_dated: int = 0
    posts_dated_elsewhere: int = 0
    old_offsets: set[int] = field(default_factory=set)  # the old site's local time − UTC, minutes
    # Published and scheduled posts and pages whose date the import cannot read (a mistyped one,
    # or a zero one): they would go live dated the moment of the import, an old story leading the
    # front page as news.
    undated: list[str] = field(default_factory=list)  # “title” (post id, 'date as written')

    def category_path(self, slug: str) -> str:
        """A category's place in its archive's address: "local-news/politics" for a child
        category (WordPress's /category/local-news/politics/)."""
        path, seen = [slug], {slug}
        while (parent := self.category_parents.get(path[0], "")) and parent not in seen:
            path.insert(0, parent)
            seen.add(parent)
        return "/".join(path)

    @cached_property
    def attachments_by_path(self) -> dict[str, Attachment]:
        return {urlsplit(item.url).path: item for item in self.attachments.values() if item.url}


def read_export(source) -> Export:
    """What `import-wordpress` needs from a WXR file (a path) before it reads the posts, one at a
    time, with read_posts: an image a post shows may be an attachment listed after it. The
    comments are read as they are imported (wordpress_comments.read_export)."""
    export = Export()
    try:
        # The operator's own export. ElementTree never fetches external entities, and the expat
        # it uses (2.4.1 and later) refuses entity expansion bombs.
        for _event, element in ET.iterparse(source, events=("end",)):  # noqa: S314
            name = local_name(element)
            if name == "disqus":  # the root, ended last: nothing of WordPress's was found
                raise WordPressRefused(
                    "This is a Disqus export, not a WordPress one: import its comments with "
                    "`masthead import-comments --disqus FILE`."
                )
            if name == "author":
                values = leaf_texts(element)
                login = values.get("author_login", "").strip()
                # WordPress stores display names HTML-escaped ("O&#039;Keefe").
                name = html.unescape(values.get("author_display_name", "")).strip()
                if login:
                    export.authors[login] = name or login
            elif name == "title" and not export.site_name:
                export.site_name = one_line(html.unescape(element.text or ""))  # the channel's
            elif name == "description" and not export.site_tagline and not export.post_count:
                export.site_tagline = html.unescape(element.text or "").strip()
            elif name == "base_site_url" and not export.site_url:
                export.site_url = (element.text or "").strip()
            elif name == "category" and len(element):  # the channel's list of categories
                values = leaf_texts(element)
                slug = values.get("category_nicename", "").strip()
                if slug:
                    export.categories.add(slug)
                    export.category_parents[slug] = values.get("category_parent", "").strip()
                    term_id = values.get("term_id", "").strip()
                    if term_id:
                        export.category_slugs[term_id] = slug
            elif name == "tag" and len(element):
                values = leaf_texts(element)
                slug, label = values.get("tag_slug", "").strip(), values.get("tag_name", "")
                if slug and label.strip():
                    export.tags[slug] = html.unescape(label).strip()
            elif name == "item":
                _read_item(element, export)
                element.clear()
    except ET.ParseError as error:
        raise WordPressRefused(unreadable_export("WordPress export", error, source)) from None
    if not export.post_count and not export.page_count:
        raise WordPressRefused("No posts found: is this a WordPress export (WXR) file?")
    if export.undated:
        shown = "; ".join(export.undated[:UNDATED_SHOWN])
        more = len(export.undated) - UNDATED_SHOWN
        raise WordPressRefused(
            "Published or scheduled posts or pages without a date, or whose date cannot be read "
            "(wp:post_date_gmt or wp:post_date, as 2024-05-12 09:30:00, or else the RSS pubDate, "
            f"as Sun, 12 May 2024 09:30:00 GMT): {shown}"
            + (f"; and {more} more" if more > 0 else "")
            + ". Correct their dates in the file (or on the old site, then export again)."
        )
    return export


def read_posts(source) -> Iterator[Post]:
    """The posts and pages of a WXR file that read_export has read, one at a time as it is read
    again."""
    try:
        # The file read_export has read: see there.
        for _event, element in ET.iterparse(source, events=("end",)):  # noqa: S314
            if local_name(element) != "item":
                continue
            values = leaf_texts(element)
            if values.get("post_type", "") in (POST_TYPE, PAGE_TYPE):
                yield _post(element, values)
            element.clear()
    except ET.ParseError as error:
        raise WordPressRefused(unreadable_export("WordPress export", error, source)) from None


def _read_item(item, export: Export) -> None:
    values = leaf_texts(item)
    post_type = values.get("post_type", "")
    if post_type == "attachment":
        meta = _meta(item)
        attachment_id = values.get("post_id", "").strip()
        export.attachments[attachment_id] = Attachment(
            id=attachment_id,
            url=values.get("attachment_url", "").strip(),
            path=meta.get("_wp_attached_file", "").strip(),
            title=html.unescape(values.get("title", "")).strip(),
            caption=_excerpt_field(item),
            alt=meta.get("_wp_attachment_image_alt", "").strip(),
        )
        return
    live = values.get("status", "").strip() in LIVE_STATUSES
    written = next((values[key].strip() for key in DATE_KEYS if values.get(key, "").strip()), "")
    # A live post without a date would come in dated the import, and lead the front page as
    # today's news; a page without one may (no listing shows a page's date).
    undated = (written or post_type == POST_TYPE) and _date(values) is None
    if post_type in (POST_TYPE, PAGE_TYPE) and live and undated:
        title = one_line(html.unescape(values.get("title", ""))) or "(no title)"
        shown = repr(written) if written else "no date"
        export.undated.append(f"“{title}” (id {values.get('post_id', '').strip()}, {shown})")
    if post_type == PAGE_TYPE:
        export.page_count += 1
        return
    if post_type != POST_TYPE:
        export.other_items[post_type] = export.other_items.get(post_type, 0) + 1
        return
    export.post_count += 1
    dated = _local_and_utc(values)
    if dated is not None:
        local, utc = dated
        offset = round((local - utc).total_seconds() / 60)
        here = timezone.localtime(utc.replace(tzinfo=UTC)).utcoffset()
        export.posts_dated += 1
        if offset != round(here.total_seconds() / 60):
            export.posts_dated_elsewhere += 1
            export.old_offsets.add(offset)
    for child in item:  # tags and categories also listed here, should the channel's list lack them
        slug, label = child.get("nicename", "").strip(), (child.text or "").strip()
        if local_name(child) != "category" or not slug:
            continue
        if child.get("domain") == "post_tag" and label:
            export.tags.setdefault(slug, html.unescape(label))
        elif child.get("domain") == "category":
            export.categories.add(slug)


def _meta(item) -> dict[str, str]:
    meta = {}
    for entry in item:
        if local_name(entry) == "postmeta":
            row = leaf_texts(entry)
            meta[row.get("meta_key", "")] = row.get("meta_value", "")
    return meta


def _post(item, values: dict[str, str]) -> Post:
    meta = _meta(item)
    post = Post(
        id=values.get("post_id", "").strip(),
        title=html.unescape(values.get("title", "")).strip(),
        slug=values.get("post_name", "").strip(),
        status=values.get("status", "").strip(),
        link=values.get("link", "").strip(),
        date=_date(values),
        local_day=_local_day(values),
        author_login=values.get("creator", "").strip(),
        content=values.get("encoded", ""),
        excerpt=_excerpt_field(item),
        thumbnail_id=meta.get("_thumbnail_id", "").strip(),
        primary_category_id=next(
            (meta[key].strip() for key in PRIMARY_CATEGORY_META if meta.get(key, "").strip()), ""
        ),
        password=values.get("post_password", ""),  # as readers type it, spaces and all
        key=wordpress_post_key(values),
        post_type=values.get("post_type", POST_TYPE),
    )
    for child in item:
        if local_name(child) != "category":
            continue
        slug, label = child.get("nicename", "").strip(), (child.text or "").strip()
        if child.get("domain") == "category" and slug:
            post.categories.append((slug, html.unescape(label) or slug))
        elif child.get("domain") == "post_tag" and label:
            post.tags.append(html.unescape(label))
    return post


def _excerpt_field(item) -> str:
    for child in item:
        if child.tag.endswith("}encoded") and "excerpt" in child.tag:
            return _text(child.text or "")
    return ""


def _text(markup: str) -> str:
    """Plain text of a little HTML (captions, excerpts)."""
    return " ".join(html.unescape(nh3.clean(markup, tags=set())).split())


def _local_and_utc(values: dict[str, str]) -> tuple[datetime, datetime] | None:
    """post_date (the old site's local time) and post_date_gmt, naive; None if either is missing."""
    try:
        return tuple(
            datetime.strptime(values.get(key, "").strip(), "%Y-%m-%d %H:%M:%S")
            for key in ("post_date", "post_date_gmt")
        )
    except ValueError:
        return None


def _date(values: dict[str, str]) -> datetime | None:
    """post_date_gmt is UTC; drafts leave it zero and have only the site's local time. A file
    with neither (not written by WordPress, which always writes both) may have the item's RSS
    pubDate, as Sun, 12 May 2024 09:30:00 +0000."""
    if not any(values.get(key, "").strip() for key in ("post_date_gmt", "post_date")):
        return _rss_date(values.get("pubDate", ""))
    for key, zone in (("post_date_gmt", UTC), ("post_date", None)):
        raw = values.get(key, "").strip()
        if not raw or raw.startswith("0000"):
            continue
        try:
            moment = datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return moment.replace(tzinfo=zone) if zone else timezone.make_aware(moment)
    return None


def _rss_date(raw: str) -> datetime | None:
    """An RSS pubDate in any RFC 822 form (a weekday or none, a zone as +0000, GMT, UTC or EST);
    None for none, or for WordPress's "no date" (30 Nov -0001), which an RFC 822 reader takes
    for a day in 2000 or 1999: the year must be written in full as the date's own."""
    raw = raw.strip()
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if not re.search(rf"(?<![-\d]){moment.year}(?!\d)", raw):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _local_day(values: dict[str, str]) -> date | None:
    try:
        return datetime.strptime(values.get("post_date", "").strip()[:10], "%Y-%m-%d").date()
    except ValueError:  # missing, or 0000-00-00
        return None


def standfirst(post: Post, body: "Body") -> str:
    """The post's excerpt, or WordPress's automatic one: the first 55 words of its text (not of
    captions, embeds or headings)."""
    if post.excerpt:
        return _shorten(post.excerpt)
    words = []
    for kind, value in body.blocks:
        if kind == "paragraph":
            soup = BeautifulSoup(value, "html.parser")
            for line_break in soup.find_all("br"):
                line_break.replace_with(" ")
            for paragraph in soup.find_all(["p", "li"]):
                words += paragraph.get_text().split()
        if len(words) > WORDS_IN_EXCERPT:
            break
    if not words:
        return post.title
    text = " ".join(words[:WORDS_IN_EXCERPT])
    return _shorten(text + (" …" if len(words) > WORDS_IN_EXCERPT else ""))


def _shorten(text: str) -> str:
    if len(text) <= STANDFIRST_MAX_LENGTH:
        return text
    return text[: STANDFIRST_MAX_LENGTH - 2].rsplit(" ", 1)[0] + " …"


def short_path(export: Export, post: Post) -> str:
    """The post's address by id (`/?p=123`: its guid, and the shortlink WordPress offers for
    sharing; a page's is `/?page_id=7`), which leads to it whatever the site's permalinks, or
    ""."""
    if not post.id.isdigit():
        return ""
    parameter = "page_id" if post.is_page else "p"
    return urlsplit(export.site_url).path.rstrip("/") + f"/?{parameter}={post.id}"


def author_archive_slug(login: str) -> str:
    """The slug of a user's author archive (/author/<slug>/): their user_nicename, which the export
    leaves out but WordPress makes from the login (its first 50 characters, as sanitize_title
    does): lower case, a dot or a space made a hyphen, other characters than letters, digits, "_"
    and "-" dropped. "jo.bloggs" is /author/jo-bloggs/, "jo@news.example" /author/jonews-example/
    (where Django's slugify gives "jobloggs" and "jonewsexample")."""
    ascii_login = unicodedata.normalize("NFKD", login[:50]).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9 _-]", "", ascii_login.lower().replace(".", "-"))
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", slug)).strip("-")


def old_path(post: Post) -> str:
    """The path readers reached the post at on the old site (for a redirect), or ""."""
    parts = urlsplit(post.link)
    if not parts.path or (parts.path == "/" and not parts.query):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


# The body -------------------------------------------------------------------------------------


@dataclass
class Picture:
    """An image the body or the featured image refers to: an attachment id or an address."""

    attachment_id: str = ""
    url: str = ""
    caption: str = ""
    alt: str = ""


@dataclass
class Gallery:
    pictures: list[Picture]
    title: str = ""  # the block editor's caption of the whole gallery


@dataclass
class Body:
    """The body as blocks; ("image", Picture), ("gallery", Gallery), ("paragraph", html),
    ("video", {"url", "caption"}), ("pull_quote", {"quote", "attribution"}), ("table", html).
    `dropped_shortcodes` names the shortcodes left out, whose content (a plugin's table, form,
    slider…) is not in the export: editors must re-create it. Embeds other than videos (a tweet,
    a map…) become links to what they showed; `embeds_linked` names their providers."""

    blocks: list[tuple[str, object]] = field(default_factory=list)
    dropped_shortcodes: set[str] = field(default_factory=set)
    embeds_linked: set[str] = field(default_factory=set)  # providers of embeds kept as links


def read_body(content: str) -> Body:
    """A post's HTML as the blocks of an article body."""
    body = Body()
    markup = _autop(_expand_shortcodes(content, dropped=body.dropped_shortcodes))
    soup = BeautifulSoup(markup, "html.parser")
    run: list[str] = []

    def flush():
        cleaned = clean_rich_text("".join(run))
        if _text(cleaned):
            body.blocks.append(("paragraph", cleaned))
        run.clear()

    for node in _top_level(soup):
        block = _block_for(node)
        if block is None:
            run.append(str(node) if isinstance(node, Tag) else html.escape(str(node)))
            images = node.find_all("img") if isinstance(node, Tag) else []
            if not images:
                continue
            block = _image_block(images, "")  # a picture inside a paragraph of text: after it
        if block[0] == "embed_link":
            # What it showed came from its provider, not the export: its address, as a link, is
            # all that is left of it for readers.
            url = html.escape(block[1])
            run.append(f'<p><a href="{url}">{url}</a></p>')
            body.embeds_linked.add(urlsplit(block[1]).hostname.removeprefix("www."))
            continue
        flush()
        if block != ("skip", None):
            body.blocks.append(block)
    flush()
    return body


def _top_level(soup):
    """Top-level nodes, with layout wrappers (div, section…) opened up."""
    for node in soup.contents:
        if isinstance(node, Comment):
            continue
        if isinstance(node, Tag) and node.name in CONTAINERS and not _is_special(node):
            yield from _top_level(node)
        elif isinstance(node, NavigableString) and not node.strip():
            continue
        else:
            yield node


def _is_special(node: Tag) -> bool:
    classes = " ".join(node.get("class", []))
    return "wp-block-embed" in classes or "gallery" in classes


def _block_for(node):
    """The block a top-level node becomes, ("skip", None) for nothing, or None: rich text."""
    if not isinstance(node, Tag):
        return None
    classes = " ".join(node.get("class", []))
    if node.has_attr("data-wp-embed"):
        return _video(node["data-wp-embed"])
    if node.has_attr("data-wp-gallery"):
        ids = [part.strip() for part in node["data-wp-gallery"].split(",") if part.strip()]
        return ("gallery", Gallery([Picture(attachment_id=item) for item in ids]))
    if "pullquote" in classes:
        return _pull_quote(node)
    if node.name == "table" or (node.name == "figure" and node.find("table")):
        table = _table(node)
        if table is not None:
            return table
    if node.name == "iframe":
        return _video(node.get("src", ""))
    if "wp-block-embed" in classes or (node.name == "figure" and node.find("iframe")):
        frame = node.find("iframe")
        url = frame.get("src", "") if frame else node.get_text(" ", strip=True).split(" ")[0]
        return _video(url, caption=_caption_of(node))
    images = node.find_all("img") if node.name != "img" else [node]
    if "gallery" in classes and images:
        pictures = [_picture(image, _caption_of(image.find_parent("figure"))) for image in images]
        caption = node.find("figcaption", recursive=False)  # the gallery's own, not a photo's
        return ("gallery", Gallery(pictures, caption.get_text(" ", strip=True) if caption else ""))
    if node.name in ("figure", "img") and images:
        return _image_block(images, _caption_of(node) if node.name == "figure" else "")
    if node.name == "p" and images and not node.get_text(strip=True):
        return _image_block(images, "")
    if node.name == "p" and node.find("iframe") and not node.get_text(strip=True):
        return _video(node.find("iframe").get("src", ""))
    if node.name == "p":
        url = node.get_text(strip=True)
        if url == node.decode_contents().strip() and video_embed_for(url):
            return _video(url)  # a bare address on its own line: WordPress embeds it
    return None  # text, kept with its neighbours in one rich-text block


def _table(node: Tag):
    """A table, or the block editor's table figure (its figcaption becomes the table's caption),
    as a table block of sanitised HTML; None if nothing of a table is left (kept as text)."""
    table = node if node.name == "table" else node.find("table")
    caption = _caption_of(node) if node.name == "figure" else ""
    if caption and table.find("caption") is None:
        element = BeautifulSoup("", "html.parser").new_tag("caption")
        element.string = caption
        table.insert(0, element)
    cleaned = clean_table_html(str(table))
    return ("table", cleaned) if cleaned else None


def _image_block(images, caption: str):
    pictures = [_picture(image, caption if len(images) == 1 else "") for image in images]
    return ("image", pictures[0]) if len(pictures) == 1 else ("gallery", Gallery(pictures))


def _picture(image: Tag, caption: str) -> Picture:
    found = IMAGE_ID_CLASS.search(" ".join(image.get("class", [])))
    return Picture(
        attachment_id=found.group(1) if found else image.get("data-id", ""),
        url=image.get("src", ""),
        caption=caption,
        alt=image.get("alt", "").strip(),
    )


def _caption_of(node) -> str:
    if node is None:
        return ""
    caption = node.find("figcaption")
    return caption.get_text(" ", strip=True) if caption else ""


def _video(url: str, caption: str = ""):
    url = html.unescape(url.strip())
    if url.startswith("//"):
        url = "https:" + url
    if video_embed_for(url) is not None:
        return ("video", {"url": url, "caption": caption})
    if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
        return ("embed_link", url)  # an embed we cannot show (a tweet, a map…): see read_body
    return ("skip", None)


def _pull_quote(node: Tag):
    cite = node.find("cite")
    attribution = cite.get_text(" ", strip=True) if cite else ""
    if cite:
        cite.extract()
    quote = node.get_text(" ", strip=True)
    return ("pull_quote", {"quote": quote, "attribution": attribution}) if quote else ("skip", None)


def clean_rich_text(markup: str) -> str:
    """HTML reduced to what the article editor offers (paragraphs, h2/h3, bold, italic, links,
    lists, quotes, rules), in Wagtail's stored form (<b>, <i>)."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(list(RENAMED_TAGS)):
        tag.name = RENAMED_TAGS[tag.name]
    for tag in soup.find_all(["img", "iframe", "figure", "script", "style"]):
        tag.decompose()
    cleaned = nh3.clean(
        str(soup),
        tags=RICH_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    # Text outside any block (a classic post's stray line) goes in a paragraph of its own.
    soup = BeautifulSoup(cleaned, "html.parser")
    parts, loose = [], []
    for node in soup.contents:
        if isinstance(node, Tag) and node.name in {"p", "h2", "h3", "ul", "ol", "blockquote", "hr"}:
            if "".join(loose).strip():
                parts.append(f"<p>{''.join(loose).strip()}</p>")
            loose = []
            parts.append(str(node))
        else:
            loose.append(str(node))
    if "".join(loose).strip():
        parts.append(f"<p>{''.join(loose).strip()}</p>")
    return "".join(parts)


def _expand_shortcodes(content: str, *, dropped: set[str]) -> str:
    """The classic editor's shortcodes as HTML the body reader understands; the names of those
    left out are added to `dropped`."""

    def caption(inner):
        image = _captioned_image(inner)
        if image is None:
            return inner
        text = inner.replace(image, "").strip()
        return f"<figure>{image}<figcaption>{text}</figcaption></figure>"

    content = _replace_enclosing(content, CAPTION_OPENING, CAPTION_CLOSING, caption)
    content = _replace_enclosing(content, EMBED_OPENING, EMBED_CLOSING, _embed_figure)

    closed = set(CLOSING_SHORTCODE.findall(content))

    def shortcode(match):
        closing, name, attributes = match.groups()
        values = {
            key: next(value for value in values if value is not None)
            for key, *values in ATTRIBUTE.findall(attributes or "")
        }
        if name == "gallery" and not closing and values.get("ids"):
            return f'\n\n<figure data-wp-gallery="{html.escape(values["ids"])}"></figure>\n\n'
        if name in ("video", "youtube", "vimeo") and not closing:
            url = values.get("src") or values.get("url") or attributes.strip().split(" ")[0]
            return _embed_figure(url)
        if closing or values or name in closed or name in CORE_SHORTCODES:
            dropped.add(name)
            return ""  # see SHORTCODE
        return match.group(0)

    # No shortcode ends after the last "]": see SHORTCODE.
    cut = content.rfind("]") + 1
    return SHORTCODE.sub(shortcode, content[:cut]) + content[cut:]


def _replace_enclosing(content: str, opening: re.Pattern, closing: re.Pattern, replace) -> str:
    """The content with each "[name …]enclosed[/name]" replaced by replace(enclosed), as
    re.sub(r"\\[name[^\\]]*\\](.*?)\\[/name\\]", …, flags=re.DOTALL) would, in time that grows
    with the content (see SHORTCODE)."""
    parts, position = [], 0
    while (start := opening.search(content, position)) is not None:
        attributes_end = content.find("]", start.end())
        if attributes_end == -1:
            break  # nor does any later opening tag end
        end = closing.search(content, attributes_end + 1)
        if end is None:
            break  # nor is any later one closed
        parts += [
            content[position : start.start()],
            replace(content[attributes_end + 1 : end.start()]),
        ]
        position = end.end()
    parts.append(content[position:])
    return "".join(parts)


def _captioned_image(inner: str) -> str | None:
    """The first image in a caption, with the link around it if there is one: the first match of
    (<a\\b[^>]*>\\s*)?<img\\b[^>]*>(\\s*</a>)?, found in time that grows with the caption: a tag
    ends at the first ">" after its start, so the links opened before one ">" share its fate."""
    tag_end, failed_link_end = -1, None
    for start in LINK_OR_IMAGE_START.finditer(inner):
        if tag_end < start.start():
            tag_end = inner.find(">", start.start())
            if tag_end == -1:
                return None  # nor does any later tag end
        if start.group(1) == "img":
            end = tag_end + 1
        elif tag_end == failed_link_end:
            continue
        elif image := IMAGE_AFTER_LINK.match(inner, tag_end + 1):
            end = image.end()
        else:
            failed_link_end = tag_end
            continue
        link_closing = LINK_CLOSING.match(inner, end)
        return inner[start.start() : link_closing.end() if link_closing else end]
    return None


def _embed_figure(url: str) -> str:
    return f'\n\n<figure data-wp-embed="{html.escape(url.strip())}"></figure>\n\n'


def _autop(content: str) -> str:
    """WordPress's wpautop, in short: outside block elements, text separated by blank lines
    becomes paragraphs and a single line break a <br>, whether or not the post has <p> tags of
    its own (the classic editor keeps those a writer typed). Block elements, with whatever
    blank lines they hold, are left whole."""
    content = content.replace("\r\n", "\n")
    wrapped = []
    for is_block, part in _block_split(content):
        if is_block:
            wrapped.append(part)
            continue
        for paragraph in re.split(r"\n\s*\n", part):
            paragraph = paragraph.strip()
            if paragraph:
                wrapped.append(f"<p>{paragraph.replace(chr(10), '<br>')}</p>")
    return "\n".join(wrapped)


def _block_split(content: str) -> Iterator[tuple[bool, str]]:
    """The content as (is_block, text) parts: HTML comments and top-level block elements, each
    with its own closing tag (counting nested ones of the same name), and the text between. An
    element never closed ends at the next blank line, as a browser would end a <p>."""
    position = 0
    closings: dict[str, dict[tuple[int, int], int | None]] = {}  # see _closing_tags
    for start, opening_end, name in _block_openings(content):
        if start < position:
            continue  # inside the block just taken
        yield False, content[position:start]
        if not name or name in VOID_BLOCK_TAGS or content[start:opening_end].endswith("/>"):
            end = opening_end
        else:
            if name not in closings:
                closings[name] = _closing_tags(content, name)
            end = _block_end(content, name, (start, opening_end), closings[name])
        yield True, content[start:end].strip()
        position = end
    yield False, content[position:]


def _block_openings(content: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, tag name) of each HTML comment ("" for its name) and block element's opening
    tag: the matches re.finditer would give of (<!--.*?-->)|<(BLOCK_TAGS)\\b[^>]*> (DOTALL,
    IGNORECASE), in time that grows with the content (see SHORTCODE)."""
    search_from, comments_end = 0, True
    while (start := BLOCK_START.search(content, search_from)) is not None:
        if start.group(1):
            close = content.find("-->", start.end()) if comments_end else -1
            if close == -1:
                comments_end = False  # nor does any later comment: they are text
                search_from = start.start() + 1
                continue
            end = close + len("-->")
        else:
            close = content.find(">", start.end())
            if close == -1:
                return  # nor does any later tag end
            end = close + 1
        yield start.start(), end, (start.group(2) or "").lower()
        search_from = end


def _closing_tags(content: str, name: str) -> dict[tuple[int, int], int | None]:
    """Where the element each <name …> tag opens is closed, counting nested ones of the same
    name: {its opening tag's (start, end): its closing tag's end, or None if it never is}.
    Worked out once for the whole content, where looking for each element's closing tag in turn
    would read the rest of the post again for each one never closed."""
    tags = re.compile(rf"<(/?){name}\b[^>]*+>", re.IGNORECASE)
    closings, open_tags = {}, []
    for tag in tags.finditer(content, 0, content.rfind(">") + 1):  # see SHORTCODE
        if not tag.group(1):
            open_tags.append(tag.span())
            closings[tag.span()] = None
        elif open_tags:
            closings[open_tags.pop()] = tag.end()
    return closings


def _block_end(
    content: str, name: str, opening: tuple[int, int], closings: dict[tuple[int, int], int | None]
) -> int:
    if opening in closings:
        end = closings[opening]
    else:  # an opening tag inside another tag ("</p <p>"): counted from it
        end, depth = None, 1
        tags = re.compile(rf"<(/?){name}\b[^>]*+>", re.IGNORECASE)
        for tag in tags.finditer(content, opening[1], content.rfind(">") + 1):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
    if end is not None:
        return end
    blank_line = re.compile(r"\n\s*\n").search(content, opening[1])
    return blank_line.start() if blank_line else len(content)


def attachment_for(export: Export, picture: Picture) -> Attachment | None:
    """The attachment an image in a post shows: by its id, or by its address (a resized copy's
    address, "photo-300x200.jpg", names the original "photo.jpg")."""
    if picture.attachment_id in export.attachments:
        return export.attachments[picture.attachment_id]
    if not picture.url:
        return None
    wanted = SIZE_SUFFIX.sub("", urlsplit(picture.url).path)
    if wanted in export.attachments_by_path:
        return export.attachments_by_path[wanted]
    return Attachment(id="", url=picture.url, path=_uploads_path(picture.url))


def _uploads_path(url: str) -> str:
    path = SIZE_SUFFIX.sub("", urlsplit(url).path)
    return path.split("/uploads/", 1)[1] if "/uploads/" in path else ""


def post_digest(post: Post) -> str:
    """A fingerprint of what a post says (headline, text, excerpt, status, date, terms, featured
    image, password): two exports of an unchanged post give the same one."""
    said = [
        post.title,
        post.content,
        post.excerpt,
        post.status,
        post.date.isoformat() if post.date else "",
        sorted(post.categories),
        sorted(post.tags),
        post.thumbnail_id,
        post.password,
    ]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode()).hexdigest()
