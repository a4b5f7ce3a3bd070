"""Importing a Disqus export (tests/importers/data/disqus-export.xml)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion.models import Comment
from masthead.importers.disqus import unwrap_links
from masthead.publishing.selectors import article_for_link
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

EXPORT = Path(__file__).parent / "data" / "disqus-export.xml"


def with_slug(article, slug):
    article.slug = slug
    article.save_revision().publish()
    article.refresh_from_db()
    return article


@pytest.fixture
def bridge(article):
    return with_slug(article, "harbour-council-votes-on-the-new-bridge")


@pytest.fixture
def ferry(article):
    return with_slug(make_article(title="Winter ferry timetable cut"), "ferry-timetable-cut")


def imported(article) -> dict[str, Comment]:
    return {
        comment.import_id.removeprefix("disqus:"): comment
        for comment in Comment.objects.filter(article=article)
    }


def test_a_disqus_export_brings_each_threads_kept_posts(bridge, ferry, capsys):
    call_command("import-comments", "--disqus", str(EXPORT))
    out = capsys.readouterr().out
    assert "Imported 6 comments into 2 articles" in out
    assert "2 deleted, spam or empty" in out
    assert (
        "“Letters: the library hours” (https://oldgazette.example/?p=4460): no article at this "
        "path or with its last part as slug; its 1 comment was not imported."
    ) in out
    assert "Tide tables" not in out  # a thread without posts is not worth a line

    comments = imported(bridge)
    assert set(comments) == {"4470125001", "4470190022", "4470215550", "4470412345"}
    first, reply, orphan, duplicate_thread = (
        comments[key] for key in ("4470125001", "4470190022", "4470215550", "4470412345")
    )
    assert first.parent is None and first.author_name == "Margit Olsen"
    assert first.author_email == "margit@example.org"
    assert first.created.isoformat() == "2019-05-14T08:15:03+00:00"
    assert first.body_html == (
        "<p>Seven to two is a clear vote.<br>\nAbout time.</p>\n"
        "<p>Will there be a <strong>footpath</strong>?</p>"
    )
    assert reply.parent == first
    assert 'href="https://council.example/plans/bridge.pdf"' in reply.body_html
    assert "disq.us" not in reply.body_html
    # Its parent was deleted on Disqus: it answers the nearest comment that was kept.
    assert orphan.parent == reply and orphan.author_email == ""
    assert orphan.body_html.startswith("<blockquote>")
    assert duplicate_thread.parent is None and duplicate_thread.author_name == "Anonymous"
    assert duplicate_thread.body == r"Came here from Twitter. Use \*both\* lanes, please."

    early_reply, parent = (imported(ferry)[key] for key in ("4490000101", "4490000100"))
    assert early_reply.parent == parent

    call_command("import-comments", "--disqus", str(EXPORT))
    assert "Imported 0 comments into 2 articles (6 were already there)" in capsys.readouterr().out
    assert Comment.objects.count() == 6


def test_a_broken_export_is_refused_and_nothing_is_imported(bridge, ferry, tmp_path):
    text = EXPORT.read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:-200])
    with pytest.raises(
        CommandError, match=r"nothing was changed\. Not a readable Disqus export \(XML error"
    ):
        call_command("import-comments", "--disqus", str(broken))

    bad_date = tmp_path / "bad-date.xml"
    bad_date.write_text(text.replace("2019-06-02T12:30:00Z", "last Tuesday"))
    with pytest.raises(CommandError) as refused:
        call_command("import-comments", "--disqus", str(bad_date))
    assert (
        "Thread “Winter ferry timetable cut” (https://oldgazette.example/2019/06/"
        "ferry-timetable-cut.html): Item 1 (id 'disqus:4490000100'): created 'last Tuesday'"
    ) in str(refused.value)

    wordpress = tmp_path / "wordpress.xml"
    wordpress.write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    with pytest.raises(CommandError, match="root element is <rss>, not <disqus>"):
        call_command("import-comments", "--disqus", str(wordpress))
    assert not Comment.objects.exists()


def test_disqus_is_one_source_at_a_time(article):
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("import-comments", "--disqus", "--wordpress", str(EXPORT))
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("import-comments", "--disqus", "--article", str(article.pk), str(EXPORT))


def test_an_old_address_finds_the_article_by_path_then_by_slug(article):
    business = make_section(title="Business")
    world_budget = with_slug(make_article(title="World budget"), "budget")
    business_budget = with_slug(make_article(section=business, title="Town budget"), "budget")
    assert article_for_link("https://old.example/business/budget/") == business_budget
    assert article_for_link("/world/budget") == world_budget
    assert article_for_link("https://old.example/2020/01/budget/") is None  # two of that slug
    assert article_for_link(f"https://old.example/blog/{article.slug}.html") == article
    assert article_for_link("https://old.example/?p=12") is None


def test_links_through_the_disqus_redirector_point_at_their_target():
    wrapped = (
        '<a href="https://disq.us/url?url=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1%26c%3D2'
        '%3AzjHJ9CS7YTS6D6-FWtZRTF8swk4&amp;cuid=5" rel="nofollow">x</a>'
    )
    assert unwrap_links(wrapped) == (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">x</a>'
    )
    assert unwrap_links('<a href="https://disq.us/url?url=javascript%3Aalert(1)">x</a>') == (
        '<a href="https://disq.us/url?url=javascript%3Aalert(1)">x</a>'
    )


def test_a_comment_nested_too_deep_to_convert_comes_in_with_its_words(bridge, ferry, tmp_path):
    """A message nesting thousands of elements stopped the import with a traceback."""
    nested = (
        "<div>" * 3000 + "<p><b>Deep</b> down.<script>alert(1)</script></p>Below." + "</div>" * 3000
    )
    export = tmp_path / "nested.xml"
    export.write_text(
        EXPORT.read_text().replace(
            "<p>Seven to two is a clear vote.<br>About time.</p>"
            "<p>Will there be a <b>footpath</b>?</p>",
            nested,
        )
    )

    call_command("import-comments", "--disqus", str(export))

    first = imported(bridge)["4470125001"]
    assert first.body_html == "<p>Deep down.</p>\n<p>Below.</p>"
    assert Comment.objects.count() == 6
