"""export-comments: JSON that import-comments --article reads back."""

import json
from datetime import UTC
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion import selectors
from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.services import AnchorInput, vote_cast
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(article, post, make_guest):
    """A thread with a reply, votes, an anchored comment, a removed comment with a reply, a held
    comment and one its author deleted."""
    first = post("First, with *emphasis*.", name="Ann", email="ann@example.com")
    reply = post("A reply.", name="Bo", email="bo@example.com", parent_id=first.pk)
    vote_cast(comment=first, reader=make_guest(), value=1)
    vote_cast(comment=first, reader=make_guest(), value=1)
    anchored = post(
        "Why spring?", name="Cy", anchor=AnchorInput(quote="The bridge will open in spring.")
    )
    removed = post("Rude words.", name="Dee")
    answer = post("An answer to the rude one.", name="Eve", parent_id=removed.pk)
    held = post("Held for review.", name="Fay")
    gone = post("Deleted by its author.", name="Gus")
    Comment.objects.filter(pk=removed.pk).update(status=CommentStatus.REMOVED)
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    Comment.objects.filter(pk=gone.pk).update(deleted=gone.created)
    return {
        "first": first,
        "reply": reply,
        "anchored": anchored,
        "removed": removed,
        "answer": answer,
        "held": held,
        "gone": gone,
    }


def native_id(comment) -> str:
    created = comment.created.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f"masthead:{comment.pk}:{created}"


def export(tmp_path, *args) -> list[dict]:
    path = tmp_path / "export.json"
    call_command("export-comments", "--output", str(path), *args)
    return json.loads(path.read_text(encoding="utf-8"))


def test_an_export_imports_into_another_article_as_the_same_thread(article, thread, tmp_path):
    items = export(tmp_path, "--article", str(article.pk))
    by_text = {item["text"]: item for item in items}
    assert list(by_text) == [
        "First, with *emphasis*.",
        "A reply.",
        "Why spring?",
        "An answer to the rude one.",
    ]
    first = by_text["First, with *emphasis*."]
    assert first["id"] == native_id(thread["first"]) and first["votes"] == 2
    assert first["author"] == "Ann" and first["email"] == "" and first["status"] == "published"
    assert first["created"].endswith("Z") and first["article_url"].endswith(article.url)
    assert by_text["A reply."]["parent_id"] == native_id(thread["first"])
    assert by_text["An answer to the rude one."]["parent_id"] is None  # its parent was removed
    assert by_text["Why spring?"]["anchor"]["quote"] == "The bridge will open in spring."

    copy = make_article(title="The same story, moved")
    call_command("import-comments", "--article", str(copy.pk), str(tmp_path / "export.json"))
    moved = {comment.body: comment for comment in Comment.objects.filter(article=copy)}
    assert set(moved) == set(by_text)
    original = thread["first"]
    assert moved[original.body].created == original.created
    assert moved[original.body].score == 2
    assert moved["A reply."].parent == moved[original.body]
    assert moved["Why spring?"].anchor.quote == "The bridge will open in spring."
    assert selectors.thread_page(copy, reader=None).count == 4

    def same(item):
        return (item["text"], item["author"], item["votes"], item["created"], item["anchor"])

    again = export(tmp_path, "--article", str(copy.pk))
    assert sorted(map(same, again), key=str) == sorted(map(same, items), key=str)


def test_picks_travel_with_the_export_and_come_back_as_picks(
    article, thread, tmp_path, django_user_model
):
    from masthead.moderation.models import Decision, DecisionAction
    from masthead.moderation.services import comment_feature, comment_unfeature, decision_undo

    moderator = django_user_model.objects.create_user("picker", "picker@example.com", "pw")
    picked = thread["reply"]
    comment_feature(comment=picked, moderator=moderator)
    featured_at = Comment.objects.get(pk=picked.pk).featured_at

    items = export(tmp_path, "--article", str(article.pk))
    featured = {item["text"]: item["featured_at"] for item in items}
    assert featured == {
        "First, with *emphasis*.": None,
        "A reply.": featured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "Why spring?": None,
        "An answer to the rude one.": None,
    }

    copy = make_article(title="The same story, moved")
    call_command("import-comments", "--article", str(copy.pk), str(tmp_path / "export.json"))
    moved = Comment.objects.get(article=copy, body="A reply.")
    assert (moved.featured_at, moved.featured_by, moved.is_featured) == (featured_at, None, True)
    assert [pick.pk for pick in selectors.featured_comments(copy.pk)] == [moved.pk]
    assert selectors.thread_stats(copy.pk).featured_count == 1
    brought = Decision.objects.get(comment=moved)
    assert (brought.action, brought.made_by, brought.created, brought.label) == (
        DecisionAction.FEATURE,
        "an import",
        featured_at,
        "",
    )

    # A moderator may take the imported pick back, and undo that.
    withdrawal = comment_unfeature(comment=moved, moderator=moderator)
    decision_undo(decision=withdrawal, moderator=moderator)
    assert Comment.objects.get(pk=moved.pk).featured_at == featured_at


def test_emails_only_when_asked(article, thread, tmp_path):
    assert {item["email"] for item in export(tmp_path)} == {""}
    emails = {item["author"]: item["email"] for item in export(tmp_path, "--include-emails")}
    assert emails["Ann"] == "ann@example.com" and emails["Bo"] == "bo@example.com"


def test_all_adds_held_removed_and_deleted_comments_with_their_status(
    article, thread, tmp_path, capsys
):
    items = export(tmp_path, "--all", "--article", str(article.pk))
    status = {item["author"]: item["status"] for item in items}
    assert status == {
        "Ann": "published",
        "Bo": "published",
        "Cy": "published",
        "Dee": "removed",
        "Eve": "published",
        "Fay": "pending",
        "Gus": "deleted",
    }
    answer = next(item for item in items if item["author"] == "Eve")
    assert answer["parent_id"] == native_id(thread["removed"])

    copy = make_article(title="Moved with everything")
    call_command("import-comments", "--article", str(copy.pk), str(tmp_path / "export.json"))
    assert "4 comments checked (3 not published, left out)" in capsys.readouterr().out
    assert Comment.objects.filter(article=copy).count() == 4


def test_a_comment_its_author_deleted_is_exported_without_its_text(
    article, thread, post, tmp_path, capsys
):
    withdrawn = post("I take this back.", name="Hal")
    post("A reply that stays.", name="Ida", parent_id=withdrawn.pk)
    Comment.objects.filter(pk=withdrawn.pk).update(deleted=withdrawn.created)

    export(tmp_path, "--all", "--article", str(article.pk))
    file_text = (tmp_path / "export.json").read_text(encoding="utf-8")
    assert "Deleted by its author." not in file_text and "I take this back." not in file_text
    items = {item["author"]: item for item in json.loads(file_text)}
    assert items["Gus"]["status"] == items["Hal"]["status"] == "deleted"
    assert items["Gus"]["text"] == items["Hal"]["text"] == ""

    copy = make_article(title="Moved with everything")
    call_command("import-comments", "--article", str(copy.pk), str(tmp_path / "export.json"))
    assert "5 comments checked (4 not published, left out)" in capsys.readouterr().out
    moved = Comment.objects.filter(article=copy)
    assert moved.get(body="A reply that stays.").parent is None  # answers no deleted comment
    assert not moved.filter(body__in=["", "I take this back."]).exists()


def test_the_whole_site_one_article_after_another(article, thread, post, tmp_path, capsys):
    other = make_article(title="Another story")
    post("On the other story.", on=other)
    items = export(tmp_path)
    assert [item["article_id"] for item in items] == [article.pk] * 4 + [other.pk]
    with pytest.raises(CommandError, match="comments of several articles"):
        call_command("import-comments", "--article", str(other.pk), str(tmp_path / "export.json"))

    capsys.readouterr()
    call_command("export-comments", "--article", str(other.pk))
    out = capsys.readouterr()
    assert json.loads(out.out)[0]["text"] == "On the other story."
    assert "Exported 1 comment." in out.err


def test_an_empty_export_is_an_empty_list(article, tmp_path):
    assert export(tmp_path, "--article", str(article.pk)) == []


def test_unknown_article_or_unwritable_file_is_refused(article, tmp_path):
    with pytest.raises(CommandError, match="no article with id 424242"):
        call_command("export-comments", "--article", "424242")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export-comments", "--output", str(tmp_path / "missing" / "export.json"))


def import_file(article, path, capsys) -> str:
    capsys.readouterr()
    call_command("import-comments", "--article", str(article.pk), str(path))
    return capsys.readouterr().out


def thread_shape(article) -> set[tuple]:
    """Each comment's text with the text of the comment it answers."""
    comments = Comment.objects.filter(article=article).select_related("parent", "replied_to")
    return {
        (
            comment.body,
            (comment.replied_to or comment.parent).body
            if (comment.replied_to or comment.parent)
            else None,
        )
        for comment in comments
    }


@pytest.fixture
def mixed_thread(article, thread, post, tmp_path):
    """The thread, plus comments imported from another system whose ids ("1", "2") are the
    pks of some of the article's own comments, one a reply to a comment written here."""
    brought = [
        {
            "id": str(thread["first"].pk),
            "parent_id": None,
            "author": "Old Ann",
            "email": "",
            "created": "2020-01-01T10:00:00Z",
            "text": "Brought from the old site.",
            "votes": 3,
        },
        {
            "id": str(thread["reply"].pk),
            "parent_id": str(thread["first"].pk),
            "author": "Old Bo",
            "email": "",
            "created": "2020-01-01T11:00:00Z",
            "text": "An old reply.",
            "votes": 0,
        },
    ]
    path = tmp_path / "old-site.json"
    path.write_text(json.dumps(brought))
    call_command("import-comments", "--article", str(article.pk), str(path))
    old = Comment.objects.get(article=article, body="Brought from the old site.")
    post("A new answer to an old comment.", name="Jo", parent_id=old.pk)
    return thread


def test_an_export_imported_back_into_its_article_adds_nothing(
    article, mixed_thread, tmp_path, capsys
):
    before = thread_shape(article)
    count = Comment.objects.filter(article=article).count()
    export(tmp_path, "--all", "--article", str(article.pk))

    out = import_file(article, tmp_path / "export.json", capsys)
    assert "Imported 0 comments into article" in out
    assert "(7 were already there)" in out
    assert Comment.objects.filter(article=article).count() == count
    assert thread_shape(article) == before


def test_an_export_copies_into_an_empty_article_once_with_its_threads(
    article, mixed_thread, tmp_path, capsys
):
    items = export(tmp_path, "--article", str(article.pk))
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)  # native and imported ids never collide
    copy = make_article(title="The same story, moved")

    out = import_file(copy, tmp_path / "export.json", capsys)
    assert "Imported 7 comments" in out
    assert thread_shape(copy) == {
        ("First, with *emphasis*.", None),
        ("A reply.", "First, with *emphasis*."),
        ("Why spring?", None),
        ("An answer to the rude one.", None),  # its parent, removed, stays behind
        ("Brought from the old site.", None),
        ("An old reply.", "Brought from the old site."),
        ("A new answer to an old comment.", "Brought from the old site."),
    }
    assert ("A new answer to an old comment.", "Brought from the old site.") in thread_shape(copy)

    again = import_file(copy, tmp_path / "export.json", capsys)
    assert "Imported 0 comments" in again and "(7 were already there)" in again
    # The copy's own export names the same comments: back in the original, nothing is new.
    export(tmp_path, "--article", str(copy.pk))
    back = import_file(article, tmp_path / "export.json", capsys)
    assert "Imported 0 comments" in back
    assert Comment.objects.filter(article=copy).count() == 7


def test_another_mastheads_comment_with_a_pk_used_here_is_imported(
    article, thread, tmp_path, capsys
):
    ours = thread["first"]
    theirs = {
        "id": f"masthead:{ours.pk}:2019-05-05T05:05:05Z",
        "parent_id": None,
        "author": "Elsewhere",
        "email": "",
        "created": "2019-05-05T05:05:05Z",
        "text": "Written on another Masthead.",
        "votes": 1,
        "article_id": 999,
    }
    past_any_database = {**theirs, "id": f"masthead:{10**30}:2019-05-05T05:05:05Z"}
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps([theirs, past_any_database]))
    assert "Imported 2 comments" in import_file(article, path, capsys)
    assert "Imported 0 comments" in import_file(article, path, capsys)
    ids = [item["id"] for item in export(tmp_path, "--article", str(article.pk))]
    assert theirs["id"] in ids and native_id(ours) in ids and len(set(ids)) == len(ids)


def legacy_export(tmp_path, article) -> Path:
    """The article's export as written before "masthead:" ids: every comment by its pk."""
    items = export(tmp_path, "--all", "--article", str(article.pk))
    by_id = {
        item["id"]: comment.pk
        for item, comment in zip(
            items, Comment.objects.filter(article=article).order_by("id"), strict=True
        )
    }
    for item in items:
        item["id"] = by_id[item["id"]]
        item["parent_id"] = by_id[item["parent_id"]] if item["parent_id"] else None
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(items))
    return path


def test_an_export_written_before_masthead_ids_still_imports_once(
    article, mixed_thread, tmp_path, capsys
):
    path = legacy_export(tmp_path, article)
    count = Comment.objects.filter(article=article).count()

    out = import_file(article, path, capsys)
    assert "Imported 0 comments" in out and "(7 were already there)" in out
    assert Comment.objects.filter(article=article).count() == count

    copy = make_article(title="The same story, moved")
    assert "Imported 7 comments" in import_file(copy, path, capsys)
    assert ("A new answer to an old comment.", "Brought from the old site.") in thread_shape(copy)
    assert "Imported 0 comments" in import_file(copy, path, capsys)
