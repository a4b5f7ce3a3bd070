"""Reading a Disqus export (the XML file Disqus e-mails when asked for an export) for
`import-comments`.

The file lists the site's threads (one per page that ever loaded Disqus, most without comments),
then every post with the thread it belongs to and the post it answers. Each thread's posts that
are neither deleted nor spam become the entries the JSON import takes; a reply to a post that
stays behind answers its nearest kept ancestor. A post's message is HTML, which becomes Markdown,
and the links Disqus routed through its redirector (disq.us/url?url=…) point at their target
again. Disqus exports carry no votes.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from masthead.discussion.markdown import markdown_from_html
from masthead.discussion.services.importing import ImportRefused, lenient_email
from masthead.ids import parse_id
from masthead.importers.xml_exports import local_name, unreadable_export

ROOT = "disqus"
ANONYMOUS = "Anonymous"
TRUE = "true"
# Kept with each comment, so that a re-run skips what it imported without colliding with the
# ids of comments brought into the same article from another system.
ID_PREFIX = "disqus:"
REDIRECTOR_HOSTS = {"disq.us", "www.disq.us"}
# disq.us/url?url=<target>:<a signature of 27 characters>&cuid=…
REDIRECT_SIGNATURE = re.compile(r":[A-Za-z0-9_-]{27}$")
REDIRECT_LINK = re.compile(r"""href=(["'])(https?://(?:www\.)?disq\.us/url\?[^"']*)\1""")


@dataclass
class DisqusThread:
    dsq_id: str
    link: str
    title: str
    identifier: str = ""  # the site's own id for the page, when its embed code gave one
    entries: list[dict] = field(default_factory=list)
    left_out: int = 0  # deleted or spam posts, or posts without any text


@dataclass(slots=True)  # there is one for every post of the file
class _Post:
    dsq_id: str
    thread: str
    parent: str
    created: str
    author: str
    email: str
    text: str
    kept: bool


def read_export(source) -> list[DisqusThread]:
    """The threads of a Disqus export (a path or a binary file) that have posts, in file order.

    Posts of a thread that is not in the file are counted in a thread of its own, with no link.
    """
    threads: dict[str, DisqusThread] = {}
    posts: dict[str, list[_Post]] = {}
    root, depth, count = None, 0, 0
    try:
        # The operator's own export. ElementTree never fetches external entities, and the expat
        # it uses (2.4.1 and later) refuses entity expansion bombs.
        for event, element in ET.iterparse(source, events=("start", "end")):  # noqa: S314
            if event == "start":
                if root is None:
                    root = element
                    if local_name(element) != ROOT:
                        raise ImportRefused(
                            f"The file's root element is <{local_name(element)}>, not <disqus>: "
                            "is this a Disqus export?"
                        )
                depth += 1
                continue
            depth -= 1
            if depth != 1:
                continue
            kind = local_name(element)
            if kind == "thread":
                thread = _thread(element, len(threads) + 1)
                threads.setdefault(thread.dsq_id, thread)
            elif kind == "post":
                count += 1
                post = _post(element, count)
                posts.setdefault(post.thread, []).append(post)
            root.remove(element)  # the file can be large: keep only what was read from it
    except ET.ParseError as error:
        raise ImportRefused(unreadable_export("Disqus export", error, source)) from None
    if not posts:
        raise ImportRefused("No comments found: is this a Disqus export file?")
    result = []
    for dsq_id in list(posts):
        thread = threads.get(dsq_id) or DisqusThread(
            dsq_id=dsq_id, link="", title=f"Thread {dsq_id}, not in the file"
        )
        _fill(thread, posts.pop(dsq_id))  # a thread's posts go as its entries come
        result.append(thread)
    order = {dsq_id: position for position, dsq_id in enumerate(threads)}
    return sorted(result, key=lambda thread: order.get(thread.dsq_id, len(order)))


def unwrap_links(html: str) -> str:
    """Links that Disqus sent through its redirector, pointing at their target again."""

    def target(match: re.Match) -> str:
        address = match.group(2).replace("&amp;", "&")
        url = parse_qs(urlsplit(address).query).get("url", [""])[0]
        url = REDIRECT_SIGNATURE.sub("", url)
        if not url.startswith(("http://", "https://")):
            return match.group(0)
        quote = match.group(1)
        return f"href={quote}{url.replace('&', '&amp;').replace(quote, '%22')}{quote}"

    return REDIRECT_LINK.sub(target, html)


def _dsq_id(element) -> str:
    """The dsq:id attribute, whatever prefix the file binds to Disqus's internals namespace."""
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1] == "id":
            return value.strip()
    return ""


def _text(element, name: str) -> str:
    for child in element:
        if local_name(child) == name:
            return (child.text or "").strip()
    return ""


def _child(element, name: str):
    for child in element:
        if local_name(child) == name:
            return child
    return None


def _thread(element, position: int) -> DisqusThread:
    dsq_id = _dsq_id(element)
    if not dsq_id:
        raise ImportRefused(f"Thread {position} of the file has no dsq:id.")
    return DisqusThread(
        dsq_id=dsq_id,
        link=_text(element, "link"),
        title=_text(element, "title") or _text(element, "link") or f"Thread {dsq_id}",
        identifier=_text(element, "id"),
    )


def _post(element, position: int) -> _Post:
    dsq_id = _dsq_id(element)
    if not dsq_id:
        raise ImportRefused(f"Post {position} of the file has no dsq:id.")
    thread = _child(element, "thread")
    thread_id = _dsq_id(thread) if thread is not None else ""
    if not thread_id:
        raise ImportRefused(f"Post {position} (dsq:id {dsq_id}) does not say its thread.")
    parent = _child(element, "parent")
    author = _child(element, "author")
    name = email = ""
    if author is not None:
        name = _text(author, "name") or _text(author, "username")
        email = lenient_email(_text(author, "email"))
    kept = _text(element, "isDeleted").lower() != TRUE and _text(element, "isSpam").lower() != TRUE
    # Turning HTML into Markdown is most of the reading time: only for posts that are imported.
    text = markdown_from_html(unwrap_links(_text(element, "message"))) if kept else ""
    kept = kept and bool(text)
    return _Post(
        dsq_id=dsq_id,
        thread=thread_id,
        parent=_dsq_id(parent) if parent is not None else "",
        created=_text(element, "createdAt"),
        author=name or ANONYMOUS,
        email=email,
        text=text,
        kept=kept,
    )


def _fill(thread: DisqusThread, posts: list[_Post]) -> None:
    """The thread's kept posts as import entries, oldest first, every parent before its replies."""
    parent_of = {post.dsq_id: post.parent for post in posts}
    kept = {post.dsq_id: post for post in posts if post.kept}
    thread.left_out = len(posts) - len(kept)

    def nearest_kept(dsq_id: str) -> str:
        seen = {dsq_id}
        parent = parent_of.get(dsq_id, "")
        while parent and parent not in kept and parent not in seen:
            seen.add(parent)
            parent = parent_of.get(parent, "")
        return parent if parent in kept and parent not in seen else ""

    answers = {dsq_id: nearest_kept(dsq_id) for dsq_id in kept}
    visited: set[str] = set()
    written: set[str] = set()
    for post in sorted(kept.values(), key=lambda post: (post.created, parse_id(post.dsq_id) or 0)):
        chain = []
        while post is not None and post.dsq_id not in visited:
            chain.append(post)
            visited.add(post.dsq_id)
            post = kept.get(answers[post.dsq_id])
        for earlier in reversed(chain):  # a parent dated after its reply comes first anyway
            parent = answers[earlier.dsq_id]
            if parent not in written:  # posts that answer each other: the first one starts
                parent = ""
            written.add(earlier.dsq_id)
            thread.entries.append(
                {
                    "id": ID_PREFIX + earlier.dsq_id,
                    "parent_id": ID_PREFIX + parent if parent else None,
                    "author": earlier.author,
                    "email": earlier.email,
                    "created": earlier.created,
                    "text": earlier.text,
                    "votes": 0,
                }
            )
