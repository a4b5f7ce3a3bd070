"""An article goes live with at least one author in its byline, whichever way it is published.
The editor's form checks it; a draft may leave the byline empty (autosave), and bulk publishing,
a workflow's approval, scheduled publishing and code publish a revision without the form."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
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


PUBLISHED = "{} pages have been published"
LEFT_AS_DRAFT = "This article was not published: add an author to its byline, then publish it."
LEFT_AS_DRAFTS = (
    "These {} articles were not published: add an author to the byline of each, then publish them."
)
WILL_NOT_PUBLISH = "This article will not be published: its byline names no author."


def bulk_publish(pages, next_url):
    ids = "&".join(f"id={page.pk}" for page in pages)
    return f"/admin/bulk/wagtailcore/page/publish/?{ids}&next={next_url}"


def edit_link(page) -> str:
    return f'href="/admin/pages/{page.pk}/edit/"'


def flash_messages(response) -> list[str]:
    """The messages a response leaves for the next page, as the editor reads them."""
    return [unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def is_live(page) -> bool:
    return ArticlePage.objects.get(pk=page.pk).live


def test_bulk_publish_publishes_the_articles_with_an_author_and_leaves_the_other_a_draft(
    admin_client, newsroom
):
    world = newsroom["world"]
    harbour = make_article(section=world, title="Harbour dredged", publish=False)
    unbylined = draft_without_author(world)
    market = make_article(section=world, title="Market reopens", publish=False)

    response = admin_client.post(
        bulk_publish([harbour, unbylined, market], f"/admin/pages/{world.pk}/"), {}
    )

    assert response.status_code == 302 and response.url == f"/admin/pages/{world.pk}/"
    assert is_live(harbour) and is_live(market)
    assert not is_live(unbylined)
    published, left_as_draft = flash_messages(response)
    assert PUBLISHED.format(2) in published  # Wagtail's own message, for the ones published
    assert LEFT_AS_DRAFT in left_as_draft
    assert f"<a {edit_link(unbylined)}>Bridge reopens</a>" in left_as_draft
    assert "Harbour dredged" not in left_as_draft and "Market reopens" not in left_as_draft
    # The editor reads it on the page they came from.
    assert LEFT_AS_DRAFT in messages_of(admin_client.get(response.url))


def test_bulk_publish_lists_every_article_left_as_a_draft(admin_client, newsroom):
    world = newsroom["world"]
    bridge = draft_without_author(world, title="Bridge reopens")
    tunnel = draft_without_author(world, title="Tunnel flooded")
    harbour = make_article(section=world, title="Harbour dredged", publish=False)

    response = admin_client.post(
        bulk_publish([bridge, tunnel, harbour], f"/admin/pages/{world.pk}/"), {}
    )

    assert is_live(harbour)
    assert not is_live(bridge) and not is_live(tunnel)
    published, left_as_drafts = flash_messages(response)
    assert PUBLISHED.replace("pages have", "page has").format(1) in published
    assert LEFT_AS_DRAFTS.format(2) in left_as_drafts
    assert f"<a {edit_link(bridge)}>Bridge reopens</a>" in left_as_drafts
    assert f"<a {edit_link(tunnel)}>Tunnel flooded</a>" in left_as_drafts


def test_bulk_publish_confirmation_names_the_article_that_will_stay_a_draft(admin_client, newsroom):
    world = newsroom["world"]
    harbour = make_article(section=world, title="Harbour dredged", publish=False)
    unbylined = draft_without_author(world)
    market = make_article(section=world, title="Market reopens", publish=False)

    response = admin_client.get(
        bulk_publish([harbour, unbylined, market], f"/admin/pages/{world.pk}/")
    )

    page = messages_of(response)
    assert "Publish 2 pages" in page
    before, _, after = page.partition(WILL_NOT_PUBLISH)
    assert after, "the confirmation says nothing of the article with no author"
    # Offered for publishing above; named, linked to its editor, with the reason, below.
    assert edit_link(harbour) in before and edit_link(market) in before
    assert edit_link(unbylined) not in before
    assert "Add an author to its byline, then publish it." in after
    assert f"{edit_link(unbylined)} " in after and "Bridge reopens</a>" in after
    assert "Yes, publish" in page


def test_bulk_publish_confirmation_with_only_articles_without_author_offers_nothing_to_publish(
    admin_client, newsroom
):
    world = newsroom["world"]
    unbylined = draft_without_author(world)

    response = admin_client.get(bulk_publish([unbylined], f"/admin/pages/{world.pk}/"))

    page = messages_of(response)
    assert WILL_NOT_PUBLISH in page and edit_link(unbylined) in page
    assert "Yes, publish" not in page


def test_bulk_publish_of_articles_all_with_an_author_publishes_them_all(admin_client, newsroom):
    """Unchanged by the byline check: no article is set aside, nothing is said of bylines."""
    world = newsroom["world"]
    harbour = make_article(section=world, title="Harbour dredged", publish=False)
    market = make_article(section=world, title="Market reopens", publish=False)
    url = bulk_publish([harbour, market], f"/admin/pages/{world.pk}/")

    confirmation = messages_of(admin_client.get(url))
    response = admin_client.post(url, {})

    assert "Publish 2 pages" in confirmation and "byline" not in confirmation
    assert is_live(harbour) and is_live(market)
    assert flash_messages(response) == [PUBLISHED.format(2)]


def test_bulk_publish_of_a_section_with_its_drafts_leaves_the_one_with_no_author(
    admin_client, newsroom
):
    world = newsroom["world"]
    unbylined = draft_without_author(world)
    harbour = make_article(section=world, title="Harbour dredged", publish=False)
    url = bulk_publish([world], f"/admin/pages/{world.pk}/")

    confirmation = messages_of(admin_client.get(url))
    response = admin_client.post(url, {"include_descendants": "on"})

    assert "If you publish the subpages too, this one will stay a draft" in confirmation
    assert edit_link(unbylined) in confirmation
    assert is_live(harbour)
    assert not is_live(unbylined)
    published, left_as_draft = flash_messages(response)
    assert "1 page and 1 child page have been published" in published
    assert LEFT_AS_DRAFT in left_as_draft
    assert f"<a {edit_link(unbylined)}>Bridge reopens</a>" in left_as_draft


ALIAS_FOLLOWS = "This page is an alias: it goes live when the page it copies is published."


def draft_alias(section, of):
    """A copy of the draft `of` made as an alias in `section`: it has no revisions of its own."""
    return of.create_alias(parent=section, update_slug=f"{of.slug}-alias")


def test_bulk_publish_of_a_section_with_a_draft_alias_publishes_the_other_subpages(
    admin_client, newsroom
):
    """An alias goes live with the page it copies (Wagtail publishes it then); publishing it on
    its own is a server error in Wagtail (save_revision refuses an alias)."""
    world, science = newsroom["world"], newsroom["science"]
    harbour = make_article(section=world, title="Harbour dredged", publish=False)
    comet = make_article(section=science, title="Comet sighted", publish=False)
    alias = draft_alias(world, of=comet)

    response = admin_client.post(
        bulk_publish([world], f"/admin/pages/{world.pk}/"), {"include_descendants": "on"}
    )

    assert response.status_code == 302
    assert is_live(harbour)
    assert not is_live(alias) and not is_live(comet)
    assert "1 page and 1 child page have been published" in flash_messages(response)[0]


def test_bulk_publish_of_a_draft_alias_says_it_goes_live_with_the_page_it_copies(
    admin_client, newsroom
):
    world, science = newsroom["world"], newsroom["science"]
    comet = make_article(section=science, title="Comet sighted", publish=False)
    alias = draft_alias(world, of=comet)
    harbour = make_article(section=world, title="Harbour dredged", publish=False)
    url = bulk_publish([alias, harbour], f"/admin/pages/{world.pk}/")

    confirmation = messages_of(admin_client.get(url))
    response = admin_client.post(url, {})

    before, _, after = confirmation.partition(ALIAS_FOLLOWS)
    assert "Publish 1 page" in confirmation and edit_link(harbour) in before
    assert edit_link(alias) in after
    assert response.status_code == 302
    assert is_live(harbour) and not is_live(alias)


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
