"""Importing a WordPress export (WXR) with wpDiscuz votes."""

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion.markdown import render_comment
from masthead.discussion.models import Comment
from masthead.discussion.services import ImportRefused
from masthead.importers.wordpress_comments import comment_markdown, read_export


def comment(cid, content, *, parent="0", approved="1", kind="comment", votes=None, **extra):
    meta = (
        f"<wp:commentmeta><wp:meta_key>wpdiscuz_votes</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{votes}]]></wp:meta_value></wp:commentmeta>"
        if votes is not None
        else ""
    )
    return f"""
    <wp:comment>
      <wp:comment_id>{cid}</wp:comment_id>
      <wp:comment_author><![CDATA[{extra.get("author", "Reader " + str(cid))}]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[{extra.get("email", f"r{cid}@example.com")}]]></wp:comment_author_email>
      <wp:comment_date><![CDATA[2024-05-0{cid % 9 + 1} 14:00:00]]></wp:comment_date>
      <wp:comment_date_gmt><![CDATA[2024-05-0{cid % 9 + 1} 12:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[{content}]]></wp:comment_content>
      <wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
      <wp:comment_type><![CDATA[{kind}]]></wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      {meta}
    </wp:comment>"""


def export(*items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>The Old Ledger</title>{"".join(items)}</channel></rss>"""


def post(slug: str, title: str, *comments: str) -> str:
    return f"""
  <item>
    <title>{title}</title>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    {"".join(comments)}
  </item>"""


@pytest.fixture
def wxr_file(tmp_path):
    def write(text: str):
        path = tmp_path / "export.xml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_a_wordpress_export_brings_each_posts_approved_thread(article, wxr_file, capsys):
    text = export(
        post(
            article.slug,
            "Ferry story",
            comment(1, "First line\nsecond line\n\nA <strong>new</strong> paragraph", votes=7),
            comment(2, 'See <a href="https://example.org/report">the report</a>', parent="1"),
            comment(3, "Buy pills", approved="spam"),
            comment(4, "An answer to the spam", parent="3", votes=-2),
            comment(5, "Ping from another blog", kind="pingback"),
            comment(6, "Anonymous words", author="", email="not an address"),
        ),
        post("no-such-article", "Old post", comment(7, "Lost words")),
    )
    call_command("import-comments", "--wordpress", wxr_file(text))
    out = capsys.readouterr().out
    assert "Imported 4 comments into 1 article." in out and "no-such-article" in out
    imported = {
        c.import_id.removeprefix("wordpress:"): c for c in Comment.objects.filter(article=article)
    }
    assert set(imported) == {"1", "2", "4", "6"}
    first, reply, orphan, anonymous = (imported[key] for key in ("1", "2", "4", "6"))
    assert (
        first.body_html
        == "<p>First line<br>\nsecond line</p>\n<p>A <strong>new</strong> paragraph</p>"
    )
    assert first.imported_score == 7 and first.created.isoformat() == "2024-05-02T12:00:00+00:00"
    assert reply.parent == first and 'href="https://example.org/report"' in reply.body_html
    assert "&lt;a" not in reply.body_html
    assert orphan.parent is None and orphan.imported_score == -2  # its parent was spam
    assert (anonymous.author_name, anonymous.author_email) == ("Anonymous", "")

    call_command("import-comments", "--wordpress", wxr_file(text))
    assert "Imported 0 comments" in capsys.readouterr().out
    assert Comment.objects.filter(article=article).count() == 4


def test_a_broken_export_is_refused_and_nothing_is_imported(article, wxr_file):
    text = export(post(article.slug, "Ferry story", comment(1, "Fine words")))
    with pytest.raises(
        CommandError, match=r"nothing was changed\. Not a readable WordPress export \(XML error"
    ):
        call_command("import-comments", "--wordpress", wxr_file(text[:-40]))
    with pytest.raises(CommandError, match="No comments found"):
        call_command("import-comments", "--wordpress", wxr_file(export(post("x", "No comments"))))
    assert not Comment.objects.exists()


def test_wordpress_text_becomes_markdown_that_reads_the_same():
    assert comment_markdown("Use *stars* and 2 * 3") == r"Use \*stars\* and 2 \* 3"
    quoted = render_comment(comment_markdown("<em>so</em> <blockquote>quoted</blockquote>"))
    assert quoted == "<p><em>so</em></p>\n<blockquote>\n<p>quoted</p>\n</blockquote>"


def test_wordpress_ids_do_not_collide_with_another_systems(article, wxr_file, tmp_path):
    import json

    other = tmp_path / "other.json"
    other.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "parent_id": None,
                    "author": "Disqus reader",
                    "email": "",
                    "created": "2023-01-01T10:00:00Z",
                    "text": "From the old system",
                    "votes": 0,
                }
            ]
        )
    )
    call_command("import-comments", "--article", str(article.pk), str(other))
    call_command(
        "import-comments",
        "--wordpress",
        wxr_file(export(post(article.slug, "Ferry story", comment(1, "From WordPress")))),
    )
    bodies = set(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == {"From the old system", "From WordPress"}


def test_posts_are_read_one_at_a_time_and_a_fault_late_in_the_file_changes_nothing(
    article, wxr_file
):
    text = export(
        post(article.slug, "Ferry story", comment(1, "Fine words")),
        post("later-post", "Later post", comment(2, "Later words")),
    )
    broken = wxr_file(text[: text.rindex("<wp:comment_parent>")])  # the last post is cut short
    posts = read_export(broken)
    assert next(posts).title == "Ferry story"  # read before the fault is reached
    with pytest.raises(ImportRefused, match="XML error"):
        next(posts)

    with pytest.raises(
        CommandError, match=r"nothing was changed\. Not a readable WordPress export \(XML error"
    ):
        call_command("import-comments", "--wordpress", broken)
    assert not Comment.objects.exists()


def test_a_post_at_fault_is_named_unless_the_file_is_unreadable_further_on(article, wxr_file):
    text = export(
        post(article.slug, "Ferry story", comment(1, "Fine words")),
        post(article.slug, "Ferry story, again", comment(2, "Undated words")),
        post("later-post", "Later post", comment(3, "Later words")),
    ).replace("2024-05-03 12:00:00", "yesterday")
    with pytest.raises(CommandError) as refused:
        call_command("import-comments", "--wordpress", wxr_file(text))
    assert "Post “Ferry story, again”" in str(refused.value)
    assert "created 'yesterdayZ' is not an ISO 8601 date" in str(refused.value)

    with pytest.raises(CommandError, match=r"Not a readable WordPress export \(XML error"):
        call_command("import-comments", "--wordpress", wxr_file(text[:-40]))
    assert not Comment.objects.exists()


def test_comment_ids_that_are_not_plain_numbers_are_imported_not_crashed_on(
    article, wxr_file, capsys
):
    odd = comment(1, "Odd id").replace("<wp:comment_id>1<", "<wp:comment_id>²<")
    text = export(post(article.slug, "Ferry story", odd, comment(2, "Plain")))
    call_command("import-comments", "--wordpress", wxr_file(text))
    assert "Imported 2 comments into 1 article." in capsys.readouterr().out


def test_a_comment_dated_only_in_the_old_sites_local_time_is_read_in_this_sites_time_zone(
    settings, tmp_path
):
    """Comments brought into WordPress from elsewhere may lack comment_date_gmt: their local
    time is this site's (TIME_ZONE), as for a post, not UTC."""
    settings.TIME_ZONE = "Europe/Paris"
    text = export(post("ferry", "Ferry story", comment(1, "Old words"))).replace(
        "<![CDATA[2024-05-02 12:00:00]]>", "<![CDATA[0000-00-00 00:00:00]]>"
    )
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")

    [thread] = read_export(str(path))
    assert thread.entries[0]["created"] == "2024-05-02T14:00:00+02:00"
