import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion import selectors
from masthead.discussion.models import Comment

pytestmark = pytest.mark.django_db


def thread_file(tmp_path, items):
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(items) if not isinstance(items, str) else items)
    return path


# Valid in form, but longer than the 254 characters an address column holds.
LONG_EMAIL = "a" * 64 + "@" + ".".join(letter * 63 for letter in "cde") + ".com"

GOOD = [
    {
        "id": 1,
        "parent_id": None,
        "author": "Ann",
        "email": "ann@example.com",
        "created": "2025-03-01T10:00:00Z",
        "text": "First",
        "votes": 4,
    },
    {
        "id": 2,
        "parent_id": 1,
        "author": "Bo",
        "email": "",
        "created": "2025-03-01T11:00:00Z",
        "text": "Reply",
        "votes": -2,
    },
    {
        "id": 3,
        "parent_id": None,
        "author": "Cy",
        "email": "cy@example.com",
        "created": "2025-03-02T09:00:00+00:00",
        "text": "Second",
        "votes": 0,
    },
]


def test_import_a_thread(article, tmp_path, capsys):
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, GOOD)))
    out = capsys.readouterr().out
    assert "3/3" in out and "Imported 3 comments" in out
    first = Comment.objects.get(body="First")
    reply = Comment.objects.get(body="Reply")
    assert (first.score, reply.score, reply.parent_id) == (4, -2, first.pk)
    assert first.created.isoformat() == "2025-03-01T10:00:00+00:00"
    assert selectors.thread_page(article, reader=None).count == 3


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ('[{"id": 1,', "Not valid JSON"),
        ('{"id": 1}', "JSON list"),
        ([{**GOOD[0], "parent_id": 9}], "Item 1 (id 1): parent_id 9 is not an earlier comment"),
        ([GOOD[0], {**GOOD[1], "created": "yesterday"}], "Item 2 (id 2): created 'yesterday'"),
        ([GOOD[0], {**GOOD[1], "votes": "many"}], "Item 2 (id 2): votes must be a whole number"),
        ([GOOD[0], {k: v for k, v in GOOD[2].items() if k != "text"}], "Item 2 (id 3) lacks text"),
        ([GOOD[0], GOOD[0]], "Item 2 (id 1): the id is used twice"),
        (
            [GOOD[0], {**GOOD[1], "id": 1.5}],
            "Item 2 (id 1.5): id must be a whole number or a string, not 1.5.",
        ),
        ([GOOD[0], {**GOOD[2], "email": "not-mail"}], "is not an e-mail address"),
        (
            [GOOD[0], {**GOOD[1], "created": "2025-02-30T10:00:00Z"}],
            "Item 2 (id 2): created '2025-02-30T10:00:00Z' is not an ISO 8601 date",
        ),
        (
            [GOOD[0], {**GOOD[1], "votes": 10**30}],
            "Item 2 (id 2): votes 1000000000000000000000000000000 is out of range",
        ),
        (
            [GOOD[0], {**GOOD[1], "email": LONG_EMAIL}],
            "Item 2 (id 2): the e-mail address is longer than 254 characters",
        ),
    ],
)
def test_malformed_file_is_refused_and_nothing_is_imported(article, tmp_path, items, message):
    with pytest.raises(CommandError) as refused:
        call_command(
            "import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items))
        )
    assert message in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert Comment.objects.count() == 0


def test_json_syntax_error_names_the_line(article, tmp_path):
    with pytest.raises(CommandError, match="line 3"):
        call_command(
            "import-comments",
            "--article",
            str(article.pk),
            str(thread_file(tmp_path, '[\n{"id": 1},\n{oops}\n]')),
        )


def test_unknown_article_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no article with id 424242"):
        call_command("import-comments", "--article", "424242", str(thread_file(tmp_path, GOOD)))


def test_deep_imported_replies_attach_at_the_deepest_level(article, tmp_path):
    chain = [
        {
            "id": n,
            "parent_id": n - 1 if n > 1 else None,
            "author": f"P{n}",
            "email": "",
            "created": f"2025-03-01T10:0{n}:00Z",
            "text": f"Level {n}",
            "votes": 0,
        }
        for n in range(1, 8)
    ]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, chain)))
    deepest = Comment.objects.get(body="Level 7")
    assert deepest.depth == 4 and deepest.replied_to.body == "Level 6"


def test_imported_votes_are_explained_beside_the_score(article, tmp_path, client):
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, GOOD)))
    page = client.get(article.url).content.decode()
    assert "4 points" in page
    assert "plus 4 from before the comments moved here" in page


def test_importing_again_adds_only_what_is_new(article, tmp_path, capsys):
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, GOOD)))
    later_export = [
        *GOOD,
        {**GOOD[1], "id": 4, "parent_id": 2, "text": "A reply written since"},
    ]
    call_command(
        "import-comments", "--article", str(article.pk), str(thread_file(tmp_path, later_export))
    )
    assert "Imported 1 comment into" in capsys.readouterr().out
    assert Comment.objects.count() == 4
    reply = Comment.objects.get(body="Reply")
    newer = Comment.objects.get(body="A reply written since")
    assert (newer.parent_id, newer.depth, newer.root_id) == (reply.pk, 2, reply.parent_id)
    assert selectors.thread_page(article, reader=None).count == 4


def test_parent_zero_as_text_means_top_level_as_in_wordpress_exports(article, tmp_path):
    items = [
        {**GOOD[0], "id": "101", "parent_id": "0"},
        {**GOOD[1], "id": "102", "parent_id": "101"},
    ]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items)))
    first, reply = Comment.objects.order_by("created")
    assert first.parent_id is None and reply.parent_id == first.pk


def test_an_imported_name_is_kept_on_one_line(article, tmp_path):
    items = [{**GOOD[0], "author": "Ann\nSmith\x07"}]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items)))
    assert Comment.objects.get().author_name == "Ann Smith"


def test_comments_not_published_are_left_out_and_their_replies_move_up(article, tmp_path, capsys):
    items = [
        {**GOOD[0], "status": "published"},
        {**GOOD[1], "id": 2, "parent_id": 1, "status": "removed", "text": "Rude"},
        {**GOOD[1], "id": 5, "parent_id": 2, "status": "deleted", "text": ""},
        {**GOOD[1], "id": 6, "parent_id": 5, "status": "published", "text": "Calm answer"},
        {**GOOD[2], "status": "spam"},
    ]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items)))
    assert "2 comments checked (3 not published, left out)" in capsys.readouterr().out
    first, answer = Comment.objects.order_by("created", "id")
    assert (first.body, answer.body, answer.parent_id) == ("First", "Calm answer", first.pk)


def test_a_featured_at_makes_a_pick_and_files_without_one_import_without_picks(article, tmp_path):
    items = [
        {**GOOD[0], "featured_at": "2025-03-01T12:00:00+01:00"},
        {**GOOD[1], "featured_at": None},
        GOOD[2],  # written before picks were exported
    ]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items)))
    featured = dict(Comment.objects.values_list("body", "featured_at"))
    assert featured["First"].isoformat() == "2025-03-01T11:00:00+00:00"
    assert (featured["Reply"], featured["Second"]) == (None, None)
    assert [pick.body for pick in selectors.featured_comments(article.pk)] == ["First"]


def test_an_anchored_comment_keeps_its_passage(article, tmp_path, client):
    passage = {"quote": "The bridge will open in spring.", "prefix": "seven to two. ", "suffix": ""}
    items = [{**GOOD[0], "anchor": passage}, {**GOOD[2], "anchor": passage}]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items)))
    first, second = Comment.objects.order_by("created")
    assert first.anchor == second.anchor and first.anchor.quote == passage["quote"]
    assert selectors.passage_anchors(article)[0]["count"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "lost"}, "Item 2 (id 3): status 'lost' is not one of published, pending"),
        ({"article_id": 8}, "the file holds comments of several articles (article_id 7 and 8)"),
        ({"anchor": {"quote": ""}}, "Item 2 (id 3): the anchor's quote must have 1 to 1000"),
        ({"anchor": "here"}, 'anchor must be {"quote", "prefix", "suffix"} or null'),
        ({"featured_at": "yesterday"}, "Item 2 (id 3): featured_at 'yesterday' is not an ISO 8601"),
        ({"featured_at": True}, "Item 2 (id 3): featured_at must be null or an ISO 8601 date"),
    ],
)
def test_export_fields_are_checked_too(article, tmp_path, change, message):
    items = [{**GOOD[0], "article_id": 7}, {**GOOD[2], "article_id": 7, **change}]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(
            "import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items))
        )
    assert not Comment.objects.exists()


def test_a_large_file_is_read_and_imported_a_batch_at_a_time(article, tmp_path, capsys):
    items = [
        {**GOOD[0], "id": n, "parent_id": n - 1 if n % 3 else None, "text": f"Comment {n}"}
        for n in range(1, 2501)
    ]
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, items)))
    out = capsys.readouterr().out
    assert "2500 comments checked" in out
    assert "  1000/2500\n  2000/2500\n  2500/2500\n" in out
    reply = Comment.objects.get(body="Comment 2498")
    assert reply.parent.body == "Comment 2497" and reply.root.body == "Comment 2496"
    assert selectors.thread_page(article, reader=None).count == 2500


def test_a_fault_late_in_a_large_file_loses_nothing_and_adds_nothing(article, tmp_path):
    call_command("import-comments", "--article", str(article.pk), str(thread_file(tmp_path, GOOD)))
    items = [{**GOOD[2], "id": n, "text": f"Comment {n}"} for n in range(10, 2010)]
    text = json.dumps(items, indent=1)
    broken = text[: text.rindex("}")] + ',\n "votes" 3}\n]'  # the last item lacks a colon
    with pytest.raises(CommandError) as refused:
        call_command(
            "import-comments", "--article", str(article.pk), str(thread_file(tmp_path, broken))
        )
    lines = broken.count("\n", 0, broken.index('"votes" 3')) + 1
    assert f"nothing was changed. Not valid JSON: Expecting ':' delimiter at line {lines}" in str(
        refused.value
    )
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["First", "Reply", "Second"]


def test_a_file_that_is_not_utf8_is_refused(article, tmp_path):
    path = tmp_path / "thread.json"
    path.write_bytes(b'[{"id": 1, "text": "caf\xe9"}]')
    with pytest.raises(CommandError, match=r"is not UTF-8 text \(byte 23\)"):
        call_command("import-comments", "--article", str(article.pk), str(path))


def test_a_lone_surrogate_is_refused_where_it_is_and_nothing_is_imported(article, tmp_path):
    text = json.dumps(GOOD, indent=1).replace('"Reply"', '"Re\\ud800ply"')
    with pytest.raises(CommandError) as refused:
        call_command(
            "import-comments", "--article", str(article.pk), str(thread_file(tmp_path, text))
        )
    line = text.count("\n", 0, text.index("\\ud800")) + 1
    assert f"\\ud800 at line {line}, column 14 is half of a UTF-16 surrogate pair" in str(
        refused.value
    )
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["wordpress-export.xml", "disqus-export.xml"])
def test_an_xml_export_given_as_json_says_which_option_imports_it(article, export):
    path = Path(__file__).parent / "data" / export
    with pytest.raises(CommandError) as refused:
        call_command("import-comments", "--article", str(article.pk), str(path))
    assert "nothing was changed. This is an XML file, not JSON" in str(refused.value)
    assert "--wordpress FILE" in str(refused.value) and "--disqus FILE" in str(refused.value)
    assert Comment.objects.count() == 0
