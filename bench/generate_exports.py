"""Write a large WordPress export (WXR) and a Disqus export of the same site:
`python bench/generate_exports.py POSTS COMMENTS_PER_POST FOLDER`.

Post i has the slug bench-post-i and a few paragraphs; each post has COMMENTS_PER_POST comments
(a third top-level, the rest replies, some held or spam), as WordPress keeps them inside their
post, and the same comments as Disqus keeps them: every thread first, then every post of the site
in the order they were written, each naming its thread. Files are written as they are made.
"""

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = [
    "harbour",
    "council",
    "vote",
    "bridge",
    "ferry",
    "winter",
    "budget",
    "plan",
    "street",
    "tide",
    "report",
    "island",
    "school",
    "library",
    "policy",
    "cost",
    "road",
    "cycle",
    "lane",
    "survey",
    "figure",
    "question",
    "answer",
]
START = datetime(2019, 1, 1)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def comment_html(rng: random.Random) -> str:
    text = sentence(rng, rng.randint(8, 60))
    if rng.random() < 0.2:
        text += ' See <a href="https://example.org/report">the report</a>.'
    if rng.random() < 0.3:
        text += "\n\n" + sentence(rng, rng.randint(5, 30))
    return text


def comments_of(rng: random.Random, post: int, count: int) -> list[dict]:
    """A post's comments, oldest first; a reply's parent is an earlier comment (0: none)."""
    comments, ids = [], []
    for n in range(count):
        comment_id = post * count + n + 1
        parent = rng.choice(ids) if ids and rng.random() > 0.33 else 0
        approved = "spam" if rng.random() < 0.03 else "0" if rng.random() < 0.03 else "1"
        comments.append(
            {
                "id": comment_id,
                "parent": parent,
                "created": START + timedelta(days=post, minutes=7 * n),
                "text": comment_html(rng),
                "approved": approved,
                "author": f"Reader {rng.randint(1, 900)}",
                "votes": rng.randint(-3, 25),
            }
        )
        ids.append(comment_id)
    return comments


def write_wxr(path: Path, posts: int, per_post: int) -> None:
    rng = random.Random(42)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>The Bench Ledger</title>\n<description>Benchmarks</description>\n"
            "<wp:base_site_url>https://bench.example</wp:base_site_url>\n"
            "<wp:author><wp:author_login><![CDATA[editor]]></wp:author_login>"
            "<wp:author_display_name><![CDATA[Bench Editor]]></wp:author_display_name>"
            "</wp:author>\n"
        )
        for post in range(1, posts + 1):
            date = START + timedelta(days=post)
            body = "\n\n".join(sentence(rng, rng.randint(30, 90)) for _ in range(6))
            out.write(
                f"<item><title>Bench post {post}</title>"
                f"<link>https://bench.example/{date:%Y/%m}/bench-post-{post}/</link>"
                "<dc:creator><![CDATA[editor]]></dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{post}</wp:post_id>"
                f"<wp:post_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                f"<wp:post_name>bench-post-{post}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                '<category domain="category" nicename="news"><![CDATA[News]]></category>\n'
            )
            for comment in comments_of(rng, post, per_post):
                created = f"{comment['created']:%Y-%m-%d %H:%M:%S}"
                out.write(
                    f"<wp:comment><wp:comment_id>{comment['id']}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[{comment['author']}]]></wp:comment_author>"
                    "<wp:comment_author_email></wp:comment_author_email>"
                    f"<wp:comment_date>{created}</wp:comment_date>"
                    f"<wp:comment_date_gmt>{created}</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{comment['text']}]]></wp:comment_content>"
                    f"<wp:comment_approved>{comment['approved']}</wp:comment_approved>"
                    "<wp:comment_type></wp:comment_type>"
                    f"<wp:comment_parent>{comment['parent']}</wp:comment_parent>"
                    "<wp:commentmeta><wp:meta_key>wpdiscuz_votes</wp:meta_key>"
                    f"<wp:meta_value>{comment['votes']}</wp:meta_value></wp:commentmeta>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def write_disqus(path: Path, posts: int, per_post: int) -> None:
    """Disqus lists posts in the order they were written, across threads: every thread's
    comments are spread over the file."""
    rng = random.Random(42)
    all_comments = []
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for post in range(1, posts + 1):
            date = START + timedelta(days=post)
            out.write(
                f'<thread dsq:id="{post}"><id>{post} https://bench.example/?p={post}</id>'
                f"<link>https://bench.example/{date:%Y/%m}/bench-post-{post}/</link>"
                f"<title>Bench post {post}</title></thread>\n"
            )
            # Many threads are pages that loaded Disqus without ever getting a comment.
            out.write(
                f'<thread dsq:id="{posts + post}"><link>https://bench.example/tag/{post}/'
                f"</link><title>Tag {post}</title></thread>\n"
            )
        for post in range(1, posts + 1):
            for comment in comments_of(rng, post, per_post):
                # Threads run side by side: a comment is written a few days after its post.
                comment["created"] += timedelta(days=rng.randint(0, 30))
                all_comments.append((comment["created"], post, comment))
        all_comments.sort(key=lambda row: (row[0], row[2]["id"]))
        for created, post, comment in all_comments:
            parent = f'<parent dsq:id="{comment["parent"]}" />' if comment["parent"] else ""
            html = "".join(f"<p>{escape(part)}</p>" for part in comment["text"].split("\n\n"))
            out.write(
                f'<post dsq:id="{comment["id"]}"><id />'
                f"<message><![CDATA[{html}]]></message>"
                f"<createdAt>{created:%Y-%m-%dT%H:%M:%SZ}</createdAt>"
                f"<isDeleted>false</isDeleted>"
                f"<isSpam>{'true' if comment['approved'] == 'spam' else 'false'}</isSpam>"
                f"<author><name>{comment['author']}</name><isAnonymous>true</isAnonymous>"
                f'</author><thread dsq:id="{post}" />{parent}</post>\n'
            )
        out.write("</disqus>\n")


def main(posts: int, per_post: int, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wxr = folder / f"wordpress-{posts}x{per_post}.xml"
    disqus = folder / f"disqus-{posts}x{per_post}.xml"
    if not wxr.exists():
        write_wxr(wxr, posts, per_post)
    if not disqus.exists():
        write_disqus(disqus, posts, per_post)
    return wxr, disqus


if __name__ == "__main__":
    for path in main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])):
        print(f"{path}: {path.stat().st_size / 2**20:.1f} MiB")
