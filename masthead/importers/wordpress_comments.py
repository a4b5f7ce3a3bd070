"""Reading a WordPress export (WXR: Tools → Export in WordPress) for `import-comments`.

Each post's approved comments become the entries the JSON import takes: pingbacks, trackbacks,
and held, spam or trashed comments stay behind, and a reply whose parent stays behind answers its
nearest approved ancestor. WordPress keeps a comment as text with a little HTML, shown with
paragraphs at blank lines and line breaks at single ones; it becomes Markdown, the form every
Masthead comment is kept in. wpDiscuz keeps a comment's net votes in its meta.
"""

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote

from django.utils import timezone

from masthead.discussion.markdown import markdown_from_html
from masthead.discussion.services.importing import ImportRefused, lenient_email
from masthead.ids import parse_id
from masthead.importers.xml_exports import (
    leaf_texts,
    local_name,
    unreadable_export,
    wordpress_post_key,
)

WPDISCUZ_VOTES = "wpdiscuz_votes"
COMMENT_TYPES = {"", "comment"}  # the rest are pingbacks, trackbacks and plugins' notes
APPROVED = "1"
ANONYMOUS = "Anonymous"
# Kept with each comment, so that a re-run skips what it imported without colliding with the
# ids of comments brought into the same article from another system.
ID_PREFIX = "wordpress:"
NO_COMMENTS = "No comments found: is this a WordPress export (WXR) file?"


@dataclass
class WordPressPost:
    slug: str
    title: str
    entries: list[dict] = field(default_factory=list)
    left_out: int = 0  # comments not approved, pings, or without any text
    key: str = ""  # names the post in every export of its site (wordpress_post_key)


def read_export(source) -> Iterator[WordPressPost]:
    """The posts of a WXR file (a path or a binary file) that have comments, in file order, one
    at a time as the file is read. ImportRefused for a file that is not a readable export, or
    that has no comments, once it has been read to the end."""
    found = False
    try:
        # The operator's own export. ElementTree never fetches external entities, and the expat
        # it uses (2.4.1 and later) refuses entity expansion bombs.
        for _event, element in ET.iterparse(source, events=("end",)):  # noqa: S314
            if local_name(element) != "item":
                continue
            post = read_thread(element)
            element.clear()
            if post.entries or post.left_out:
                found = True
                yield post
    except ET.ParseError as error:
        raise ImportRefused(unreadable_export("WordPress export", error, source)) from None
    if not found:
        raise ImportRefused(NO_COMMENTS)


def comment_markdown(text: str) -> str:
    """A WordPress comment's text and HTML, as Markdown (the HTML a reader saw, in our form)."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    html = "".join(f"<p>{part.strip().replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return markdown_from_html(html)


def read_thread(item) -> WordPressPost:
    """An item's comments (its approved ones as import entries), whatever the kind of item."""
    fields = leaf_texts(item)
    # WordPress keeps a slug's letters outside ASCII percent-encoded, and a title's & as &amp;.
    post = WordPressPost(
        slug=unquote(fields.get("post_name", "").strip()),
        title=html.unescape(fields.get("title", "")).strip(),
        key=wordpress_post_key(fields),
    )
    comments = [child for child in item if local_name(child) == "comment"]
    parent_of, approved, rows = {}, set(), []
    for comment in comments:
        values = leaf_texts(comment)
        comment_id = values.get("comment_id", "").strip()
        parent_of[comment_id] = values.get("comment_parent", "0").strip()
        meta_rows = [leaf_texts(entry) for entry in comment if local_name(entry) == "commentmeta"]
        meta = {row.get("meta_key", ""): row.get("meta_value", "") for row in meta_rows}
        text = comment_markdown(values.get("comment_content", ""))
        if (
            values.get("comment_approved") != APPROVED
            or values.get("comment_type", "") not in COMMENT_TYPES
            or not text
        ):
            post.left_out += 1
            continue
        approved.add(comment_id)
        rows.append((comment_id, values, meta, text))
    for comment_id, values, meta, text in sorted(rows, key=lambda row: parse_id(row[0]) or 0):
        parent = parent_of.get(comment_id, "0")
        while parent not in ("", "0") and parent not in approved:
            parent = parent_of.get(parent, "0")
        post.entries.append(
            {
                "id": ID_PREFIX + comment_id,
                "parent_id": None if parent in ("", "0") else ID_PREFIX + parent,
                "author": values.get("comment_author", "").strip() or ANONYMOUS,
                "email": lenient_email(values.get("comment_author_email", "")),
                "created": _created(values),
                "text": text,
                "votes": _votes(meta.get(WPDISCUZ_VOTES, "")),
            }
        )
    return post


def _created(values: dict[str, str]) -> str:
    """comment_date_gmt is UTC; very old exports leave it zero and have only the site's local
    time, taken in this site's time zone (TIME_ZONE), as a post's date is."""
    created = values.get("comment_date_gmt", "").strip()
    if created and not created.startswith("0000"):
        return created.replace(" ", "T") + "Z"
    local = values.get("comment_date", "").strip()
    try:
        moment = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return local.replace(" ", "T")  # the import names it, with its comment, if it is wrong
    return timezone.make_aware(moment).isoformat()


def _votes(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return 0
