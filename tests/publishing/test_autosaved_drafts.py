"""A new article autosave created and nobody came back to is deleted after a week; anything a
person saved, published, scheduled, submitted, commented on or built under is kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Comment as EditorComment
from wagtail.models import Page, PageLogEntry

from masthead.clock import JOBS
from masthead.discussion.models import Comment as ReaderComment
from masthead.publishing import conf
from masthead.publishing.autosaved_drafts import (
    ABANDONED_DRAFT_DELETED,
    abandoned_autosaved_drafts,
    abandoned_autosaved_drafts_delete,
)
from masthead.publishing.models import ArticlePage, AutosavedDraft
from tests.publishing.test_validation import article_form_data

pytestmark = pytest.mark.django_db

WEEK_LATER = timedelta(days=conf.AUTOSAVED_DRAFT_DAYS, hours=1)


def start_article(client, section, author, title, *, accept="application/json", **fields):
    """A new article's form posted as autosave does (JSON) or as "Save draft" does (a page)."""
    response = client.post(
        f"/admin/pages/add/publishing/articlepage/{section.pk}/",
        article_form_data(title=title, slug=slugify(title), author=author, **fields),
        HTTP_ACCEPT=accept,
    )
    assert response.status_code in (200, 302), response.content.decode()[:300]
    return ArticlePage.objects.child_of(section).filter(title=title).latest("pk")


def test_a_new_article_autosaved_and_left_for_a_week_is_deleted_and_logged(admin_client, newsroom):
    """Every abandoned start of a new article stayed in the section's listing as a draft."""
    world, ada = newsroom["world"], newsroom["ada"]
    draft = start_article(admin_client, world, ada, "Harbour cranes to be replaced")
    now = timezone.now()

    assert abandoned_autosaved_drafts_delete(now=now) == []  # a fresh start is kept
    assert abandoned_autosaved_drafts_delete(now=now + WEEK_LATER) == [
        "Harbour cranes to be replaced"
    ]

    assert not Page.objects.filter(pk=draft.pk).exists()
    entry = PageLogEntry.objects.get(page_id=draft.pk, action=ABANDONED_DRAFT_DELETED)
    assert entry.deleted and entry.user is None
    assert "touched for 7 days" in entry.message
    history = admin_client.get("/admin/reports/site-history/").content.decode()
    assert "Harbour cranes to be replaced" in history


def test_an_autosaved_draft_with_more_than_a_headline_is_kept_however_old(admin_client, newsroom):
    """Autosave keeps real work: a standfirst or a paragraph written and trusted to it is never
    deleted, only a start that holds nothing but its headline."""
    world, ada = newsroom["world"], newsroom["ada"]
    with_standfirst = start_article(
        admin_client, world, ada, "Ferry strike looms", standfirst="Crews vote on Friday."
    )
    with_body = start_article(
        admin_client,
        world,
        ada,
        "Quay market returns",
        **{
            "body-count": "1",
            "body-0-type": "paragraph",
            "body-0-value": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Stalls '
            'return on Saturday.", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], '
            '"entityMap": {}}',
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
        },
    )
    headline_only = start_article(admin_client, world, ada, "Untitled start")
    assert with_body.get_latest_revision_as_object().body, "the paragraph was not saved"

    deleted = abandoned_autosaved_drafts_delete(now=timezone.now() + timedelta(days=60))

    assert deleted == ["Untitled start"]
    assert not Page.objects.filter(pk=headline_only.pk).exists()
    assert Page.objects.filter(pk__in=[with_standfirst.pk, with_body.pk]).count() == 2


def test_the_worker_clock_runs_the_deletion(admin_client, newsroom):
    from django.utils.module_loading import import_string

    draft = start_article(admin_client, newsroom["world"], newsroom["ada"], "Left a week ago")
    AutosavedDraft.objects.filter(page=draft).update(created_at=timezone.now() - WEEK_LATER)
    Page.objects.filter(pk=draft.pk).update(latest_revision_created_at=timezone.now() - WEEK_LATER)
    job = "masthead.publishing.jobs.delete_abandoned_autosaved_drafts"
    assert job in {job.function for job in JOBS}

    import_string(job)()

    assert not Page.objects.filter(pk=draft.pk).exists()


def test_a_draft_saved_with_save_draft_is_kept(admin_client, newsroom):
    world, ada = newsroom["world"], newsroom["ada"]
    saved = start_article(admin_client, world, ada, "Saved by hand", accept="text/html")
    autosaved_then_saved = start_article(admin_client, world, ada, "Autosaved then saved")
    data = article_form_data(
        title="Autosaved then saved", slug=autosaved_then_saved.slug, author=ada
    )
    response = admin_client.post(f"/admin/pages/{autosaved_then_saved.pk}/edit/", data)
    assert response.status_code == 302

    assert abandoned_autosaved_drafts_delete(now=timezone.now() + WEEK_LATER) == []
    assert Page.objects.filter(pk__in=[saved.pk, autosaved_then_saved.pk]).count() == 2


def test_a_draft_still_autosaved_within_the_week_is_kept(admin_client, newsroom):
    world, ada = newsroom["world"], newsroom["ada"]
    draft = start_article(admin_client, world, ada, "Long read in progress")
    Page.objects.filter(pk=draft.pk).update(
        latest_revision_created_at=timezone.now() + timedelta(days=5)
    )

    assert abandoned_autosaved_drafts_delete(now=timezone.now() + WEEK_LATER) == []


@pytest.mark.parametrize(
    "what_someone_did",
    [
        "nothing",
        "published",
        "scheduled",
        "locked",
        "has_a_child",
        "editor_comment",
        "reader_comment",
    ],
)
def test_a_draft_someone_did_something_with_is_kept(
    admin_client, admin_user, newsroom, what_someone_did
):
    world, ada = newsroom["world"], newsroom["ada"]
    # (the standfirst publishing needs; what is judged here does not read it)
    draft = start_article(admin_client, world, ada, "Kept for a reason", standfirst="A start.")
    now = timezone.now()
    revision = draft.latest_revision
    if what_someone_did == "published":
        revision.publish(user=admin_user)
        draft.refresh_from_db()
        draft.unpublish()
    elif what_someone_did == "scheduled":
        revision.approved_go_live_at = now + timedelta(days=30)
        revision.save(update_fields=["approved_go_live_at"])
    elif what_someone_did == "locked":
        Page.objects.filter(pk=draft.pk).update(locked=True)
    elif what_someone_did == "has_a_child":
        draft.add_child(instance=ArticlePage(title="Sidebar", slug="sidebar", live=False))
    elif what_someone_did == "editor_comment":
        EditorComment.objects.create(
            page=draft, user=admin_user, text="Needs a photo", contentpath="title"
        )
    elif what_someone_did == "reader_comment":
        ReaderComment.objects.create(
            article=draft, body="First!", author_name="Reader", created=now
        )
    AutosavedDraft.objects.filter(page=draft).update(created_at=now - WEEK_LATER)
    Page.objects.filter(pk=draft.pk).update(latest_revision_created_at=now - WEEK_LATER)

    # (the draft nobody did anything with is the control: it would go)
    kept = not abandoned_autosaved_drafts(now=now).filter(pk=draft.pk).exists()
    assert kept == (what_someone_did != "nothing")


def test_a_draft_submitted_for_moderation_is_kept(admin_client, admin_user, newsroom):
    from wagtail.models import Workflow

    world, ada = newsroom["world"], newsroom["ada"]
    draft = start_article(admin_client, world, ada, "Sent to the desk", standfirst="A start.")
    Workflow.objects.create(name="Desk").start(draft, admin_user)

    assert not abandoned_autosaved_drafts(now=timezone.now() + WEEK_LATER).filter(pk=draft.pk)


def test_no_draft_is_deleted_when_the_setting_is_0(admin_client, newsroom, monkeypatch):
    monkeypatch.setattr(conf, "AUTOSAVED_DRAFT_DAYS", 0)
    start_article(admin_client, newsroom["world"], newsroom["ada"], "Kept forever")

    assert abandoned_autosaved_drafts_delete(now=timezone.now() + timedelta(days=365)) == []


def test_a_new_article_takes_the_address_an_abandoned_start_under_its_headline_held(
    admin_client, newsroom
):
    """Two abandoned starts under one headline pushed the real article to "…-3"."""
    world, ada = newsroom["world"], newsroom["ada"]
    first = start_article(admin_client, world, ada, "Harbour cranes to be replaced")
    second = start_article(admin_client, world, ada, "Harbour cranes to be replaced")
    article = start_article(
        admin_client, world, ada, "Harbour cranes to be replaced", accept="text/html"
    )

    assert article.slug == "harbour-cranes-to-be-replaced"
    first.refresh_from_db()
    second.refresh_from_db()
    assert {first.slug, second.slug} == {
        "harbour-cranes-to-be-replaced-2",
        "harbour-cranes-to-be-replaced-3",
    }
    # Its editor, coming back, sees (and saves) the address it now has.
    assert second.get_latest_revision_as_object().slug == second.slug
    assert second.url_path.endswith(f"/{second.slug}/")


def test_a_draft_someone_saved_or_has_open_keeps_its_address(admin_client, admin_user, newsroom):
    from wagtail.admin.models import EditingSession

    world, ada = newsroom["world"], newsroom["ada"]
    saved = start_article(admin_client, world, ada, "Saved by hand", accept="text/html")
    open_ = start_article(admin_client, world, ada, "Being written")
    EditingSession.objects.create(
        user=admin_user,
        content_object=Page.objects.get(pk=open_.pk),
        last_seen_at=timezone.now(),
    )

    assert start_article(admin_client, world, ada, "Saved by hand").slug == "saved-by-hand-2"
    assert start_article(admin_client, world, ada, "Being written").slug == "being-written-2"
    saved.refresh_from_db()
    open_.refresh_from_db()
    assert (saved.slug, open_.slug) == ("saved-by-hand", "being-written")
