"""An editor's saves of a draft fill one revision per sitting, not one per opening of the editor."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Revision

from masthead.publishing.draft_revisions import draft_revision_to_extend
from masthead.publishing.models import ArticlePage
from tests.factories import make_article
from tests.publishing.test_validation import article_form_data

pytestmark = pytest.mark.django_db


ONE_PARAGRAPH = {
    "body-count": "1",
    "body-0-type": "paragraph",
    "body-0-value": '{"blocks":[{"key":"a","text":"The council met.","type":"unstyled","depth":0,'
    '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
    "body-0-deleted": "",
    "body-0-order": "0",
    "body-0-id": "",
}


def opened_editor(client, article) -> dict:
    """The edit form's data as the browser posts it after the editor opened it: the article's
    fields, and the revision the form was loaded from (Wagtail's hidden inputs)."""
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    loaded = dict(re.findall(r'name="(loaded_revision_\w+)" value="([^"]*)"', html))
    stored = ArticlePage.objects.get(pk=article.pk)
    credit = stored.article_authors.get()
    return article_form_data(
        title=stored.title,
        slug=stored.slug,
        author=credit.author,
        **{"article_authors-INITIAL_FORMS": "1", "article_authors-0-id": str(credit.pk)},
        **ONE_PARAGRAPH,
        **loaded,
    )


def autosave(client, article, data, **changes):
    response = client.post(
        f"/admin/pages/{article.pk}/edit/", {**data, **changes}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content.decode()[:300]
    return response.json()


def following_its_own_save(data: dict, saved: dict) -> dict:
    """The form after an autosave, as the browser keeps it: Wagtail's script names the revision
    it made for the next autosave to overwrite, and draft-revision.js says the form was loaded
    from that revision as it now is."""
    return {
        **data,
        "overwrite_revision_id": str(saved["revision_id"]),
        "loaded_revision_id": str(saved["revision_id"]),
        "loaded_revision_created_at": saved["revision_created_at"],
    }


def history_lines(client, article, label="Draft saved") -> int:
    html = client.get(f"/admin/pages/{article.pk}/history/").content.decode()
    return html.count(label)


def test_reopening_the_editor_extends_the_draft_instead_of_adding_a_draft_saved_line(
    admin_client, newsroom
):
    """Each opening of the editor started a revision of its own: an editor who came back to a
    story five times had five "Draft saved" lines, and as many revisions to compare."""
    article = make_article(section=newsroom["world"], authors=[newsroom["ada"]])
    live = article.live_revision

    for attempt in range(3):
        data = opened_editor(admin_client, article)
        saved = autosave(admin_client, article, data, standfirst=f"Version {attempt}, first try")
        # the same opening's next autosave names the revision it made, as the browser does
        data = following_its_own_save(data, saved)
        autosave(admin_client, article, data, standfirst=f"Version {attempt}")

    drafts = Revision.page_revisions.filter(object_id=str(article.pk)).exclude(pk=live.pk)
    assert drafts.count() == 1
    assert drafts.get().content["standfirst"] == "Version 2"
    assert history_lines(admin_client, article) == 1
    # the live version is untouched: it compares with the draft, and is still there to go back to
    assert Revision.objects.get(pk=live.pk).content["standfirst"] == live.content["standfirst"]
    compare = admin_client.get(
        f"/admin/pages/{article.pk}/revisions/compare/{live.pk}...{drafts.get().pk}/"
    )
    assert compare.status_code == 200 and "Version 2" in compare.content.decode()


def test_save_draft_then_reopening_extends_the_saved_draft(admin_client, newsroom):
    article = make_article(section=newsroom["world"], authors=[newsroom["ada"]])
    data = opened_editor(admin_client, article)
    saved = admin_client.post(f"/admin/pages/{article.pk}/edit/", {**data, "standfirst": "One"})
    assert saved.status_code == 302
    data = opened_editor(admin_client, article)
    autosave(admin_client, article, data, standfirst="Two")
    assert history_lines(admin_client, article) == 1
    assert ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().standfirst == (
        "Two"
    )


def test_a_draft_is_not_extended_after_a_pause_or_by_someone_else(
    admin_client, client, django_user_model, newsroom
):
    article = make_article(section=newsroom["world"], authors=[newsroom["ada"]])
    autosave(admin_client, article, opened_editor(admin_client, article), standfirst="Morning")
    Revision.objects.filter(pk=ArticlePage.objects.get(pk=article.pk).latest_revision_id).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )
    autosave(admin_client, article, opened_editor(admin_client, article), standfirst="Afternoon")
    assert history_lines(admin_client, article) == 2

    colleague = django_user_model.objects.create_superuser("colleague", "c@example.com", "pw")
    client.force_login(colleague)
    autosave(client, article, opened_editor(client, article), standfirst="Subedited")
    assert history_lines(admin_client, article) == 3
    standfirsts = [
        revision.content["standfirst"]
        for revision in Revision.page_revisions.filter(object_id=str(article.pk)).order_by("pk")
    ]
    assert standfirsts[-3:] == ["Morning", "Afternoon", "Subedited"]


def test_a_revision_reverted_to_keeps_what_it_had(admin_client, newsroom):
    """Reverting logs "Reverted to…" against its revision; the next save adds a revision."""
    article = make_article(section=newsroom["world"], authors=[newsroom["ada"]])
    live = article.live_revision
    autosave(admin_client, article, opened_editor(admin_client, article), standfirst="Rewritten")

    reverted = admin_client.post(
        f"/admin/pages/{article.pk}/revisions/{live.pk}/revert/",
        {**opened_editor(admin_client, article), "standfirst": live.content["standfirst"]},
    )
    assert reverted.status_code == 302
    revert_revision = ArticlePage.objects.get(pk=article.pk).get_latest_revision()
    autosave(admin_client, article, opened_editor(admin_client, article), standfirst="After")

    assert (
        Revision.objects.get(pk=revert_revision.pk).content["standfirst"]
        == (live.content["standfirst"])
    )
    assert ArticlePage.objects.get(pk=article.pk).get_latest_revision().pk != revert_revision.pk
    assert history_lines(admin_client, article) == 2


def test_a_scheduled_revision_is_never_extended(admin_user, newsroom):
    """Wagtail locks a scheduled page; were it unlocked, its next save must not unschedule it
    (an overwrite writes the revision's go-live date anew)."""
    article = make_article(section=newsroom["world"], authors=[newsroom["ada"]])
    article.standfirst = "Embargoed"
    scheduled = article.save_revision(
        user=admin_user,
        log_action=True,
        approved_go_live_at=timezone.now() + timedelta(days=1),
    )
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.latest_revision_id == scheduled.pk
    assert draft_revision_to_extend(page=article, user=admin_user, now=timezone.now()) is None

    scheduled.approved_go_live_at = None
    scheduled.save()
    article = ArticlePage.objects.get(pk=article.pk)
    assert draft_revision_to_extend(page=article, user=admin_user, now=timezone.now()) == (
        scheduled
    )


def test_a_second_tab_of_the_same_editor_cannot_silently_overwrite_the_first(
    admin_client, newsroom
):
    """The editor's second tab (or phone) extends the draft the first tab autosaves into. The
    first tab's next autosave, from a form that does not have the second's text, is told the
    draft is newer than it, as Wagtail tells two editors, instead of writing over it."""
    article = make_article(section=newsroom["world"], authors=[newsroom["ada"]])
    edit = f"/admin/pages/{article.pk}/edit/"
    tab_a = opened_editor(admin_client, article)
    tab_a = following_its_own_save(tab_a, autosave(admin_client, article, tab_a, standfirst="A"))
    tab_b = opened_editor(admin_client, article)
    tab_b = following_its_own_save(
        tab_b, autosave(admin_client, article, tab_b, standfirst="B's careful rewrite")
    )

    stale = admin_client.post(
        edit, {**tab_a, "standfirst": "A's stale form"}, HTTP_ACCEPT="application/json"
    )

    assert stale.json()["error_code"] == "invalid_revision"
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert draft.standfirst == "B's careful rewrite"
    # The tab that saved last goes on saving into the one draft.
    autosave(admin_client, article, tab_b, standfirst="B, later")
    assert history_lines(admin_client, article) == 1
    # "Save draft" from the stale tab keeps both versions: it adds a revision.
    assert admin_client.post(edit, {**tab_a, "standfirst": "A's save"}).status_code == 302
    texts = [
        revision.content["standfirst"]
        for revision in Revision.page_revisions.filter(object_id=str(article.pk)).order_by("pk")
    ]
    assert texts[-2:] == ["B, later", "A's save"]
