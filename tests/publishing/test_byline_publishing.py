"""An article goes live with at least one author in its byline, whichever way it is published.
The editor's form checks it; a draft may leave the byline empty (autosave), and bulk publishing,
a workflow's approval, scheduled publishing and code publish a revision without the form."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    Revision,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

from masthead.publishing.jobs import publish_scheduled_pages
from masthead.publishing.models import ArticlePage
from tests.factories import make_article

pytestmark = pytest.mark.django_db

REFUSED = "“{}” was not published: add an author to its byline, then publish it."


def draft_without_author(section, title="Bridge reopens"):
    """A new article whose draft's byline is empty, as autosave keeps it."""
    article = make_article(section=section, title=title, publish=False)
    article.article_authors.set([])
    article.save_revision()
    return ArticlePage.objects.get(pk=article.pk)


def messages_of(response) -> str:
    return unescape(response.content.decode())


def test_bulk_publish_refuses_a_draft_with_no_author_and_publishes_nothing(admin_client, newsroom):
    world = newsroom["world"]
    bylined = make_article(section=world, title="Harbour dredged", publish=False)
    unbylined = draft_without_author(world)

    response = admin_client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={bylined.pk}&id={unbylined.pk}"
        f"&next=/admin/pages/{world.pk}/",
        {},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/admin/pages/{world.pk}/"
    assert REFUSED.format("Bridge reopens") in messages_of(response)
    assert not ArticlePage.objects.get(pk=unbylined.pk).live
    assert not ArticlePage.objects.get(pk=bylined.pk).live  # the batch is all or nothing


def test_bulk_publish_of_a_section_with_its_drafts_refuses_one_with_no_author(
    admin_client, newsroom
):
    world = newsroom["world"]
    unbylined = draft_without_author(world)

    response = admin_client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={world.pk}",
        {"include_descendants": "on"},
        follow=True,
    )

    assert REFUSED.format("Bridge reopens") in messages_of(response)
    assert not ArticlePage.objects.get(pk=unbylined.pk).live


def start_desk_workflow(article, user):
    task = GroupApprovalTask.objects.create(name="Desk approval")
    task.groups.set([Group.objects.get_or_create(name="Desk")[0]])
    workflow = Workflow.objects.create(name="Desk")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow.start(article, user)


def test_approving_a_workflow_refuses_a_revision_with_no_author_and_keeps_it_in_moderation(
    admin_client, admin_user, newsroom
):
    unbylined = draft_without_author(newsroom["world"])
    state = start_desk_workflow(unbylined, admin_user)
    approve = f"/admin/pages/workflow/action/{unbylined.pk}/approve/{state.current_task_state.pk}/"

    response = admin_client.post(approve, {}, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/pages/{unbylined.pk}/edit/"
    assert REFUSED.format("Bridge reopens") in messages_of(response)
    assert not ArticlePage.objects.get(pk=unbylined.pk).live
    state = WorkflowState.objects.get(pk=state.pk)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == "in_progress"


def test_approving_with_a_comment_in_the_modal_is_refused_the_same_way(
    admin_client, admin_user, newsroom
):
    unbylined = draft_without_author(newsroom["world"])
    state = start_desk_workflow(unbylined, admin_user)
    approve = f"/admin/pages/workflow/action/{unbylined.pk}/approve/{state.current_task_state.pk}/"

    response = admin_client.post(
        approve, {"comment": "Fine"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )

    assert response.status_code == 200
    assert response.json()["step"] == "success"
    assert response.json()["redirect"] == f"/admin/pages/{unbylined.pk}/edit/"
    editor = admin_client.get(response.json()["redirect"])
    assert REFUSED.format("Bridge reopens") in messages_of(editor)
    assert not ArticlePage.objects.get(pk=unbylined.pk).live


def test_publishing_a_revision_with_no_author_from_code_raises_and_changes_nothing(newsroom):
    unbylined = draft_without_author(newsroom["world"])

    with pytest.raises(ValidationError, match="add an author"):
        unbylined.get_latest_revision().publish()

    article = ArticlePage.objects.get(pk=unbylined.pk)
    assert not article.live and article.live_revision is None


def test_scheduled_publishing_skips_a_revision_with_no_author_and_publishes_the_others(
    newsroom,
):
    """Scheduling goes through the same check, so this is a revision scheduled before it."""
    world = newsroom["world"]
    due = timezone.now() - timedelta(minutes=1)
    unbylined = draft_without_author(world)
    bylined = make_article(section=world, title="Harbour dredged", publish=False)
    # The one without an author comes first: the others due after it are published too.
    for article, go_live_at in ((unbylined, due - timedelta(minutes=1)), (bylined, due)):
        Revision.objects.filter(pk=article.get_latest_revision().pk).update(
            approved_go_live_at=go_live_at
        )

    publish_scheduled_pages()

    assert not ArticlePage.objects.get(pk=unbylined.pk).live
    assert unbylined.get_latest_revision().approved_go_live_at is None  # not retried
    assert ArticlePage.objects.get(pk=bylined.pk).live
