from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from masthead.discussion import selectors
from masthead.discussion.models import Comment, CommentStatus, DiscussionSettings, ThreadStats
from masthead.discussion.services import (
    AnchorInput,
    CommentRefused,
    VoteRefused,
    comment_delete,
    comment_edit,
    vote_cast,
)
from masthead.discussion.services import comments as comment_rules
from masthead.discussion.services import votes as vote_rules
from tests.discussion.conftest import guest

pytestmark = pytest.mark.django_db


def test_comment_is_published_and_counted(article, post):
    comment = post("First!  *Well* said.")
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.body_html == "<p>First!  <em>Well</em> said.</p>"
    assert ThreadStats.objects.get(article=article).published_count == 1


def test_links_are_nofollow_ugc_and_html_is_escaped(post):
    comment = post(
        "See https://example.org/report <script>alert(1)</script> [x](javascript:alert(2))"
    )
    assert 'href="https://example.org/report" rel="nofollow ugc noopener"' in comment.body_html
    assert "<script>" not in comment.body_html
    assert 'href="javascript' not in comment.body_html


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        (
            "Look: ![the chart](https://example.org/c.png) above",
            '<p>Look: <a href="https://example.org/c.png" rel="nofollow ugc noopener">the chart</a>'
            " above</p>",
        ),
        (
            "![](https://example.org/c.png)",
            '<p><a href="https://example.org/c.png" rel="nofollow ugc noopener">'
            "https://example.org/c.png</a></p>",
        ),
        (
            "[![logo](https://example.org/l.png)](https://example.org/)",
            '<p><a href="https://example.org/" rel="nofollow ugc noopener">logo</a></p>',
        ),
        ("![x](javascript:alert(1))", "<p>![x](javascript:alert(1))</p>"),
    ],
)
def test_an_image_is_shown_as_a_link_to_it_named_by_its_alt_text(post, markdown, html):
    assert post(markdown).body_html == html


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": "   "}, comment_rules.BODY_EMPTY),
        ({"body": "x" * 5001}, "at most 5,000 characters"),
        ({"name": ""}, comment_rules.NAME_MISSING),
        ({"email": ""}, comment_rules.EMAIL_MISSING),
        ({"email": "not-an-address"}, comment_rules.EMAIL_INVALID),
        ({"author_url": "ftp://x"}, comment_rules.URL_INVALID),
        ({"parent_id": 999999}, comment_rules.PARENT_UNKNOWN),
    ],
)
def test_bad_comments_are_refused_with_a_message(post, kwargs, message):
    body = kwargs.pop("body", "Fine text")
    with pytest.raises(CommentRefused) as refused:
        post(body, **kwargs)
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("example.com/me", "https://example.com/me"),
        ("  www.example.org  ", "https://www.example.org"),
        ("example.com:8080/blog", "https://example.com:8080/blog"),
        ("//example.net/me", "https://example.net/me"),
        ("http://example.com/me", "http://example.com/me"),
    ],
)
def test_a_website_without_http_gets_https(post, typed, kept):
    assert post("Fine text", author_url=typed).author_url == kept


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "javascript:1",
        "data:text/html,hi",
        "mailto:me@example.com",
        "my blog",
    ],
)
def test_a_website_that_is_not_a_web_address_is_refused(post, typed):
    with pytest.raises(CommentRefused) as refused:
        post("Fine text", author_url=typed)
    assert refused.value.message == comment_rules.URL_INVALID
    assert refused.value.field == "author_url"


def test_reply_to_a_comment_on_another_article_is_refused(article, post):
    from tests.factories import make_article

    other = make_article(title="Other story")
    foreign = post("Elsewhere", on=other)
    with pytest.raises(CommentRefused) as refused:
        post("Reply", parent_id=foreign.pk)
    assert (refused.value.message, refused.value.field) == (
        comment_rules.PARENT_UNKNOWN,
        "parent_id",
    )


def test_replies_nest_to_the_configured_depth_then_attach_beside_with_in_reply_to(article, post):
    parent = post("Level 0")
    chain = [parent]
    for level in range(1, 5):
        chain.append(post(f"Level {level}", parent_id=chain[-1].pk))
    assert [c.depth for c in chain] == [0, 1, 2, 3, 4]
    deepest = chain[-1]
    beyond = post("Answering the deepest", name="Bea", parent_id=deepest.pk)
    assert beyond.depth == 4
    assert beyond.parent_id == chain[3].pk
    assert beyond.replied_to_id == deepest.pk
    assert beyond.root_id == parent.pk


def test_depth_is_a_site_setting(article, post):
    settings = DiscussionSettings.for_site(article.get_site())
    settings.max_depth = 2
    settings.save()
    top = post("Top")
    reply = post("Reply", parent_id=top.pk)
    deeper = post("Deeper", parent_id=reply.pk)
    assert (reply.depth, deeper.depth, deeper.parent_id, deeper.replied_to_id) == (
        1,
        1,
        top.pk,
        reply.pk,
    )


def test_closed_thread_refuses_comments(article, post):
    article.comments_open = False
    article.save()
    with pytest.raises(CommentRefused) as refused:
        post("Hello")
    assert refused.value.status == 403


def test_threads_close_automatically_after_n_days(article, post):
    settings = DiscussionSettings.for_site(article.get_site())
    settings.close_after_days = 3
    settings.save()
    published = article.first_published_at
    assert comment_rules.comments_are_open(article, now=published + timedelta(days=2))
    assert not comment_rules.comments_are_open(
        article, now=published + timedelta(days=3, seconds=1)
    )


def test_rate_limit_per_reader(article, post, settings):
    settings.MASTHEAD_COMMENT_RATE_LIMIT = "2/m"
    reader = guest()
    now = timezone.now()
    post("One", reader=reader, now=now)
    post("Two", reader=reader, now=now + timedelta(seconds=1))
    with pytest.raises(CommentRefused) as refused:
        post("Three", reader=reader, now=now + timedelta(seconds=2))
    assert refused.value.status == 429
    assert 55 <= refused.value.retry_after <= 61
    post("Later", reader=reader, now=now + timedelta(seconds=61))


def test_rate_limit_per_address_catches_cookie_clearing(article, post, settings):
    settings.MASTHEAD_COMMENT_RATE_LIMIT = "1/m"
    now = timezone.now()
    for n in range(3):  # three readers (cookies) on one address: the factor is 3
        post(f"Comment {n}", reader=guest(ip_hash="shared"), now=now + timedelta(seconds=n))
    with pytest.raises(CommentRefused):
        post("Fourth", reader=guest(ip_hash="shared"), now=now + timedelta(seconds=5))


def test_posting_counts_recent_comments_once_for_the_limit_and_the_filter(article, post):
    """The rate limit's counts feed moderation's rate signal: no second count per post."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = guest(ip_hash="counted")
    with CaptureQueriesContext(connection) as queries:
        comment = post("Counted once.", reader=reader)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "created" in q["sql"]]
    by_reader = [sql for sql in counts if '"reader_key" =' in sql]
    by_address = [sql for sql in counts if '"ip_hash" =' in sql]
    assert (len(by_reader), len(by_address)) == (1, 1)
    assert comment.verdicts.get().action == "publish"


def test_posting_reads_the_sites_moderation_settings_once(article, post):
    """The name's abuse check and the verdict share one read of the settings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        post("Read once.", name="Sam")
    reads = [q["sql"] for q in queries if 'FROM "moderation_moderationsettings"' in q["sql"]]
    assert len(reads) == 1


def test_a_reply_reads_the_comment_it_answers_once(article, post):
    """The parent loaded to place the reply gives moderation its text (what the reply quotes of
    it is not the reply's own words): no second read."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parent = post("The bridge will cost more than the council says.")
    with CaptureQueriesContext(connection) as queries:
        reply = post("> The bridge will cost more\n\nIt will.", parent_id=parent.pk)
    by_id = re.compile(rf'"discussion_comment"\."id" = {parent.pk}\b')
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and by_id.search(q["sql"])]
    assert len(reads) == 1
    assert reply.parent_id == parent.pk and reply.status == "published"


def test_signed_in_reader_comments_under_their_account(article, django_user_model):
    from masthead.discussion.readers import Reader
    from masthead.discussion.services import comment_post

    user = django_user_model.objects.create_user(
        "kim", "kim@example.com", "pw", first_name="Kim Lee"
    )
    comment = comment_post(
        article=article, reader=Reader(user=user, key=f"u{user.pk}", ip_hash="a"), body="Hi"
    )
    assert (comment.author_name, comment.author_email, comment.user) == (
        "Kim Lee",
        "kim@example.com",
        user,
    )


def test_author_edits_within_the_window_and_it_shows_edited(article, post):
    reader = guest()
    comment = post("Original", reader=reader)
    comment_edit(
        comment=comment,
        reader=reader,
        body="Corrected *text*",
        now=comment.created + timedelta(minutes=14),
    )
    comment.refresh_from_db()
    assert comment.body_html == "<p>Corrected <em>text</em></p>" and comment.edited is not None
    with pytest.raises(CommentRefused, match="within 15 minutes"):
        comment_edit(
            comment=comment,
            reader=reader,
            body="Too late",
            now=comment.created + timedelta(minutes=16),
        )
    with pytest.raises(CommentRefused, match="Only the author"):
        comment_edit(comment=comment, reader=guest(), body="Not mine", now=comment.created)


def test_edits_count_against_the_rate_limit(article, post, settings):
    settings.MASTHEAD_COMMENT_RATE_LIMIT = "3/m"
    reader = guest()
    comment = post("Original", reader=reader)
    at = comment.created.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for n in range(3):
        comment_edit(comment=comment, reader=reader, body=f"Take {n}", now=at)
    with pytest.raises(CommentRefused, match="too quickly") as refused:
        comment_edit(comment=comment, reader=reader, body="Take 4", now=at)
    assert refused.value.status == 429 and refused.value.retry_after == 60
    comment.refresh_from_db()
    assert comment.body == "Take 2"
    # the next minute, the author may edit again
    comment_edit(comment=comment, reader=reader, body="Take 4", now=at + timedelta(minutes=1))


def test_deleted_comment_leaves_a_placeholder_only_where_replies_hang(article, post):
    alice, bob = guest(), guest()
    with_reply = post("Has a reply", reader=alice)
    post("The reply", reader=bob, parent_id=with_reply.pk)
    alone = post("No replies", reader=alice)
    comment_delete(comment=with_reply, reader=alice, now=with_reply.created + timedelta(minutes=1))
    comment_delete(comment=alone, reader=alice, now=alone.created + timedelta(minutes=1))
    thread = selectors.thread_page(article, reader=None)
    shown = {c.pk: c for c in thread.comments}
    assert alone.pk not in shown
    assert shown[with_reply.pk].is_placeholder
    assert [r.body for r in shown[with_reply.pk].replies] == ["The reply"]
    assert thread.count == 1


def test_votes_one_per_reader_changeable_not_on_own_comment(article, post):
    author = guest()
    comment = post("Vote on me", reader=author)
    voter = guest(ip_hash="elsewhere")
    vote_cast(comment=comment, reader=voter, value=1)
    vote_cast(comment=comment, reader=voter, value=1)
    assert (comment.up, comment.down, comment.score) == (1, 0, 1)
    vote_cast(comment=comment, reader=voter, value=-1)
    assert (comment.up, comment.down, comment.score) == (0, 1, -1)
    vote_cast(comment=comment, reader=voter, value=0)
    assert (comment.up, comment.down, comment.score) == (0, 0, 0)
    with pytest.raises(VoteRefused, match="your own comment"):
        vote_cast(comment=comment, reader=author, value=1)


def test_score_changes_of_top_level_comments_are_kept_a_day_to_keep_most_voted_pages_in_order(
    article, post
):
    """Each vote that moves a top-level comment's score is recorded (a reply's is not: replies
    keep to time order), and forgotten once a reader paging on would no longer use it."""
    from masthead.discussion import conf
    from masthead.discussion.models import VoteChange

    top = post("Vote on me")
    reply = post("And on me", parent_id=top.pk)
    voter = guest(ip_hash="elsewhere")
    now = timezone.now()
    vote_cast(comment=top, reader=voter, value=1, now=now)
    vote_cast(comment=top, reader=voter, value=-1, now=now)
    vote_cast(comment=top, reader=voter, value=0, now=now)
    vote_cast(comment=reply, reader=voter, value=1, now=now)
    changes = VoteChange.objects.order_by("id")
    assert [(c.comment_id, c.delta) for c in changes] == [(top.pk, 1), (top.pk, -2), (top.pk, 1)]

    kept = timedelta(hours=conf.MOST_VOTED_ORDER_KEPT_HOURS)
    assert vote_rules.vote_changes_prune(now=now + kept - timedelta(minutes=1)) == 0
    assert vote_rules.vote_changes_prune(now=now + kept + timedelta(minutes=1)) == 3
    assert not VoteChange.objects.exists()


def test_guest_votes_from_one_address_are_capped(article, post):
    comment = post("Popular")
    for _ in range(5):
        vote_cast(
            comment=comment, reader=guest(ip_hash="office"), value=1, guest_votes_per_address=5
        )
    with pytest.raises(VoteRefused) as refused:
        vote_cast(
            comment=comment, reader=guest(ip_hash="office"), value=1, guest_votes_per_address=5
        )
    assert refused.value.message == vote_rules.TOO_MANY_FROM_ADDRESS
    vote_cast(comment=comment, reader=guest(ip_hash="home"), value=1)
    assert comment.up == 6


def test_imported_score_is_kept_and_new_votes_add_to_it(article, post):
    comment = post("Imported")
    Comment.objects.filter(pk=comment.pk).update(imported_score=7, score=7)
    comment.refresh_from_db()
    vote_cast(comment=comment, reader=guest(), value=-1)
    assert comment.score == 6


def test_sorting_applies_to_top_level_and_replies_stay_in_time_order(article, post):
    first = post("First")
    second = post("Second")
    third = post("Third")
    late_reply = post("Reply B", parent_id=first.pk)
    early_reply_time = first.created + timedelta(seconds=5)
    post("Reply A", parent_id=first.pk, now=early_reply_time)
    for n in range(3):
        vote_cast(comment=second, reader=guest(ip_hash=f"a{n}"), value=1)
    vote_cast(comment=third, reader=guest(), value=1)
    vote_cast(comment=first, reader=guest(), value=1)

    def order(sort):
        return [c.body for c in selectors.thread_page(article, reader=None, sort=sort).comments]

    assert order("newest") == ["Third", "Second", "First"]
    assert order("oldest") == ["First", "Second", "Third"]
    assert order("most_voted") == ["Second", "Third", "First"]  # ties: newest first
    oldest = selectors.thread_page(article, reader=None, sort="oldest").comments
    assert [r.body for r in oldest[0].replies] == ["Reply A", "Reply B"]
    assert late_reply.pk


def test_paging_never_repeats_or_skips_when_comments_arrive_between_pages(article, post):
    for n in range(45):
        post(f"Comment {n}")
    first = selectors.thread_page(article, reader=None, sort="newest", per_page=20)
    for n in range(5):
        post(f"Arrived later {n}")
    second = selectors.thread_page(
        article,
        reader=None,
        sort="newest",
        per_page=20,
        cursor=first.next_cursor,
        snapshot=first.snapshot,
    )
    third = selectors.thread_page(
        article,
        reader=None,
        sort="newest",
        per_page=20,
        cursor=second.next_cursor,
        snapshot=first.snapshot,
    )
    seen = [c.body for page in (first, second, third) for c in page.comments]
    assert len(seen) == 45 == len(set(seen))
    assert not any(body.startswith("Arrived later") for body in seen)
    assert not third.has_more


def test_oldest_paging_with_snapshot_is_stable_too(article, post):
    for n in range(25):
        post(f"Comment {n}")
    first = selectors.thread_page(article, reader=None, sort="oldest", per_page=20)
    post("Newcomer")
    second = selectors.thread_page(
        article,
        reader=None,
        sort="oldest",
        per_page=20,
        cursor=first.next_cursor,
        snapshot=first.snapshot,
    )
    assert [c.body for c in second.comments] == [f"Comment {n}" for n in range(20, 25)]


def test_pending_comment_is_visible_to_its_author_only(article, post):
    author = guest()
    held = post("Buy cheap http://a.example http://b.example http://c.example", reader=author)
    assert held.status == CommentStatus.PENDING
    theirs = selectors.thread_page(article, reader=author).comments
    assert [(c.pk, c.is_own_pending) for c in theirs] == [(held.pk, True)]
    assert selectors.thread_page(article, reader=guest()).comments == []
    assert selectors.thread_page(article, reader=None).count == 0


def test_honeypot_marks_spam_that_no_one_sees(article, post):
    spam = post("Hello", honeypot="http://spam.example")
    assert spam.status == CommentStatus.SPAM
    assert selectors.thread_page(article, reader=None).comments == []


def test_comment_anchored_to_a_passage(article, post):
    comment = post("Why spring?", anchor=AnchorInput(quote="The bridge will open in spring."))
    assert comment.anchor.quote == "The bridge will open in spring."
    assert comment.anchor.prefix.endswith("seven to two. ")
    anchors = selectors.passage_anchors(article)
    assert anchors == [
        {
            "id": comment.anchor_id,
            "quote": "The bridge will open in spring.",
            "prefix": comment.anchor.prefix,
            "suffix": comment.anchor.suffix,
            "count": 1,
            "found": True,
        }
    ]
    with pytest.raises(CommentRefused, match="could not be found"):
        post("Bad", anchor=AnchorInput(quote="A sentence the article never had."))


@pytest.mark.parametrize(
    ("selected", "quoted"),
    [
        ("ouncil vot", "council voted"),
        ("e council voted seven to two.", "The council voted seven to two."),
        ("council voted seven to two. T", "council voted seven to two. The"),
        ("two. ", "two."),
        (" spring. Re", "spring. Residents"),
    ],
)
def test_a_passage_selected_from_inside_a_word_is_quoted_by_whole_words(
    article, post, selected, quoted
):
    """A stray letter or a half word at either end becomes the whole word; the punctuation the
    reader took stays, and the word after it is not taken."""
    comment = post("On that", anchor=AnchorInput(quote=selected))
    assert comment.anchor.quote == quoted
    assert selectors.passage_anchors(article)[0]["found"] is True


@pytest.mark.parametrize(
    ("selected", "quoted"),
    [
        ("pprouv", "approuvé"),  # an accented word
        ("e\u0301ge", "Lie\u0301ge"),  # decomposed: e and a combining acute accent
        ("добри", "одобрил"),  # Cyrillic
        ("Ouest, co", "l’Ouest, coûte"),  # an apostrophe inside a word
        ("6,0", "86,000"),  # a number's thousands separator
        ("86,000.", "86,000."),  # the full stop ending the sentence stays, and no more
        ("议会", "议会"),  # a script written without spaces is not widened to the whole clause
    ],
)
def test_whole_words_in_any_script(article, post, selected, quoted):
    from tests.factories import make_article

    story = make_article(
        section=article.get_parent().specific,
        title="Un pont approuvé",
        body_text=(
            "Le conseil de Lie\u0301ge a approuvé le pont de l’Ouest, coûte $86,000. "
            "Совет одобрил мост. 市议会以七票对两票通过。"
        ),
    )
    comment = post("Quoted", on=story, anchor=AnchorInput(quote=selected))
    assert comment.anchor.quote == quoted


def test_paragraphs_and_headings_of_one_text_block_are_words_apart(article, post):
    """The editor's rich text has no space between "</h2><p>": "Results" and "The" were read
    as "ResultsThe", a passage that starts a paragraph took the end of the one before it,
    and a selection over two paragraphs ("Results The council") was not found."""
    from wagtail.rich_text import RichText

    from tests.factories import make_article

    story = make_article(
        section=article.get_parent().specific,
        title="Results",
        body=[
            (
                "paragraph",
                RichText(
                    '<h2 data-block-key="a">Results</h2><p data-block-key="b">The council voted'
                    '</p><ul><li data-block-key="c">Apples</li><li data-block-key="d">Pears'
                    "<br/>Plums</li></ul>"
                ),
            )
        ],
    )
    quoted = [
        post("Quoted", on=story, anchor=AnchorInput(quote=selected)).anchor.quote
        for selected in ("The council", "Results The council", "Pears", "Plums")
    ]
    assert quoted == ["The council", "Results The council", "Pears", "Plums"]


def test_a_passage_commented_on_before_whole_words_keeps_its_conversation(article, post):
    """Anchors stored, or imported, as a part of a word: "Comment on this passage" on their
    bubble sends that quote again, and the new comment joins them rather than starting a
    second passage beside them."""
    from masthead.discussion.anchors import article_text, context_around
    from masthead.discussion.models import PassageAnchor

    text = article_text(article)
    prefix, suffix = context_around(text, text.index("ouncil vot"), "ouncil vot")
    earlier = PassageAnchor.objects.create(
        article=article,
        quote="ouncil vot",
        prefix=prefix,
        suffix=suffix,
        fingerprint=PassageAnchor.fingerprint_of("ouncil vot", prefix, suffix),
    )
    comment = post("Me too", anchor=AnchorInput(quote="ouncil vot"))
    assert comment.anchor == earlier


def test_a_passage_editors_opened_for_feedback_is_quoted_as_they_marked_it(article, post):
    from wagtail.rich_text import RichText

    from tests.factories import make_article

    story = make_article(
        section=article.get_parent().specific,
        title="Tolls",
        body=[
            (
                "paragraph",
                RichText(
                    '<p>The harbour <span data-feedback="true">tolls have not been decid</span>ed.</p>'
                ),
            )
        ],
    )
    comment = post("Decide!", on=story, anchor=AnchorInput(quote="tolls have not been decid"))
    assert comment.anchor.quote == "tolls have not been decid"


def test_a_selection_near_the_limit_is_not_refused_for_the_words_it_cuts(article, post):
    from masthead.discussion.anchors import QUOTE_MAX_LENGTH
    from tests.factories import make_article

    words = "Residents spoke at length. " * 60
    story = make_article(
        section=article.get_parent().specific, title="Debate", body_text=words.strip()
    )
    selected = words[3 : 3 + QUOTE_MAX_LENGTH]
    comment = post("Long", on=story, anchor=AnchorInput(quote=selected))
    assert comment.anchor.quote == selected.strip()


def test_anchor_survives_edits_and_says_when_the_passage_is_gone(article, post):
    from wagtail.rich_text import RichText

    comment = post("On spring", anchor=AnchorInput(quote="The bridge will open in spring."))
    article.body = [
        (
            "paragraph",
            RichText(
                "<p>An added first line. The council voted seven to two. The bridge will open in spring.</p>"
            ),
        )
    ]
    article.save_revision().publish()
    article.refresh_from_db()
    assert selectors.passage_anchors(article)[0]["found"] is True
    article.body = [("paragraph", RichText("<p>The bridge opening has been delayed.</p>"))]
    article.save_revision().publish()
    article.refresh_from_db()
    assert selectors.passage_anchors(article)[0]["found"] is False
    shown = selectors.thread_page(article, reader=None).comments
    assert shown[0].pk == comment.pk and shown[0].passage_found is False


def test_a_passage_of_a_table_typed_into_the_grid_is_found(article, post):
    article.body = [
        (
            "grid_table",
            {
                "data": [["Leaves", "Arrives"], ["07:00", "07:40"], ["R&D", "<none>"]],
                "table_caption": "Winter timetable",
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
        )
    ]
    article.save_revision().publish()
    article.refresh_from_db()
    # a selection across cells, as the browser reads it
    post("Too early", anchor=AnchorInput(quote="07:00 07:40", prefix="Arrives "))
    post("Odd", anchor=AnchorInput(quote="R&D <none>"))
    assert [anchor["found"] for anchor in selectors.passage_anchors(article)] == [True, True]


def test_comments_of_an_unpublished_article_take_no_votes_or_reports(article, post):
    from masthead.moderation.services import ReportRefused, comment_report

    comment = post("Said while the story was up")
    article.unpublish()
    comment.article.refresh_from_db()
    with pytest.raises(VoteRefused, match="No such comment"):
        vote_cast(comment=comment, reader=guest(), value=1)
    with pytest.raises(ReportRefused, match="No such comment"):
        comment_report(comment=comment, reader=guest(), reason="spam")


def test_comments_of_a_private_article_take_no_votes_or_reports(article, post):
    from wagtail.models import PageViewRestriction

    from masthead.moderation.services import ReportRefused, comment_report

    comment = post("Said while the story was open to all")
    vote_cast(comment=comment, reader=guest("first voter"), value=1)
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    with pytest.raises(VoteRefused, match="No such comment"):
        vote_cast(comment=comment, reader=guest(), value=1)
    with pytest.raises(ReportRefused, match="No such comment"):
        comment_report(comment=comment, reader=guest(), reason="spam")


def test_an_anchor_sent_with_an_enormous_context_costs_no_more_than_the_browsers_own(article, post):
    """The browser sends 48 characters each side of the passage; a request with megabytes of
    "context" and a one-letter quote (found at every other word) took a minute of CPU."""
    import time

    from tests.factories import make_article

    long_read = make_article(
        section=article.get_parent().specific,
        title="The whole council debate",
        body_text="The council voted seven to two. " + "Residents spoke at length. " * 200,
    )
    started = time.monotonic()
    comment = post(
        "A letter",
        on=long_read,
        anchor=AnchorInput(
            quote="e",
            prefix="x" * 1_000_000 + "The council voted s",
            suffix="ven to two." + "y" * 1_000_000,
        ),
    )
    assert time.monotonic() - started < 3
    # the context still picks the right one among the matches (and quotes its whole word)
    assert (comment.anchor.quote, comment.anchor.prefix) == ("seven", "The council voted ")


def test_a_sentence_the_article_repeats_is_anchored_where_its_context_says(article, post):
    """The words before and after a selection, as the browser sends them (spaces at their ends
    included), choose which of a repeated sentence's places the comment is about."""
    from tests.factories import make_article

    story = make_article(
        section=article.get_parent().specific,
        title="Fares",
        body_text="Fares rise in May. The ferry is late again. Fares rise in May. The bus is on time.",
    )
    second = post(
        "Which fares?",
        on=story,
        anchor=AnchorInput(
            quote="Fares rise in May.",
            prefix="Fares rise in May. The ferry is late again. ",
            suffix=" The bus is on time.",
        ),
    )
    assert second.anchor.prefix == "Fares rise in May. The ferry is late again. "
    first = post(
        "And these?",
        on=story,
        anchor=AnchorInput(quote="Fares rise in May.", suffix=" The ferry is late again. "),
    )
    assert (first.anchor.prefix, first.anchor.suffix[:24]) == ("", " The ferry is late again")


def test_every_fields_problem_is_found_at_once_the_first_as_before(post):
    with pytest.raises(CommentRefused) as refused:
        post("  ", name="", email="not-an-address", author_url="my blog", parent_id=999999)
    assert [(problem.field, problem.message) for problem in refused.value.problems] == [
        ("body", comment_rules.BODY_EMPTY),
        ("author_name", comment_rules.NAME_MISSING),
        ("author_email", comment_rules.EMAIL_INVALID),
        ("author_url", comment_rules.URL_INVALID),
        ("parent_id", comment_rules.PARENT_UNKNOWN),
    ]
    # The API answers with the first, as it did when the checks stopped there.
    assert (refused.value.field, refused.value.message) == ("body", comment_rules.BODY_EMPTY)


def test_a_comment_is_rendered_before_its_transaction_opens(post, monkeypatch):
    """Rendering 5,000 characters of "[" takes most of a second: SQLite's write lock must not be
    held meanwhile. (The test itself runs in a transaction: the renderer must run at the depth
    of atomic blocks the caller had, not one deeper.)"""
    render = comment_rules.render_comment
    depths = []

    def recording_render(body):
        depths.append(len(connection.atomic_blocks))
        return render(body)

    monkeypatch.setattr(comment_rules, "render_comment", recording_render)
    outside = len(connection.atomic_blocks)
    comment = post("Some *markdown*.")
    reader = guest(key=comment.reader_key)
    comment_rules.comment_edit(
        comment=comment, reader=reader, body="Edited *md*.", now=comment.created
    )
    assert depths == [outside, outside]
    assert "<em>md</em>" in Comment.objects.get().body_html
