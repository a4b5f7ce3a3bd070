"""Pages that autosave made of an editor's abandoned start on a new article.

Wagtail's autosave creates the page as soon as a new page's form has a headline (the create
view's "save" action, asked for JSON by the autosave script). An editor who then walks away
leaves a draft in the section's listing that holds the headline's address, so the next article
under that headline became "…-2". Like WordPress's auto-drafts, such a page is deleted once
nobody has touched it for AUTOSAVED_DRAFT_DAYS, unless a person ever did something with it that
is worth keeping (see abandoned_autosaved_drafts) or it holds more than a headline: autosave
saves real work too, and an editor who wrote a standfirst or a paragraph and trusted autosave
with it must find it again, however long they stayed away.
"""

import logging
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from wagtail.actions.delete_page import DeletePageAction
from wagtail.admin.models import EditingSession
from wagtail.log_actions import log
from wagtail.models import Comment as EditorComment
from wagtail.models import Page, Revision, WorkflowState

from masthead.discussion.models import Comment as ReaderComment
from masthead.publishing import conf
from masthead.publishing.models import ArticlePage, AutosavedDraft

logger = logging.getLogger(__name__)

ABANDONED_DRAFT_DELETED = "masthead.abandoned_draft_delete"


def autosaved_draft_record(*, page: Page) -> None:
    """Remember that autosave, not a person's "Save draft", created `page`."""
    AutosavedDraft.objects.get_or_create(page_id=page.pk)


def autosaved_draft_keep(*, page: Page) -> None:
    """A person saved, published or submitted `page` from the editor: it is theirs to keep."""
    AutosavedDraft.objects.filter(page_id=page.pk).delete()


def untouched_autosaved_drafts(*, now: datetime) -> QuerySet[Page]:
    """Pages autosave created that nobody saved from the editor since, nor has open in it now.

    Never one that was ever published or is scheduled, has children, is locked, is in a
    workflow (submitted for moderation), or has comments (an editor's in the admin or a
    reader's): someone cared about those."""
    page_id = Cast(OuterRef("pk"), output_field=CharField())
    page_type = ContentType.objects.get_for_model(Page)
    return (
        Page.objects.filter(
            Exists(AutosavedDraft.objects.filter(page=OuterRef("pk"))),
            live=False,
            first_published_at__isnull=True,
            last_published_at__isnull=True,
            live_revision__isnull=True,
            go_live_at__isnull=True,
            numchild=0,
            locked=False,
        )
        .exclude(
            Exists(
                Revision.objects.filter(
                    base_content_type=page_type,
                    object_id=page_id,
                    approved_go_live_at__isnull=False,
                )
            )
        )
        .exclude(
            Exists(WorkflowState.objects.filter(base_content_type=page_type, object_id=page_id))
        )
        .exclude(Exists(EditorComment.objects.filter(page=OuterRef("pk"))))
        .exclude(Exists(ReaderComment.objects.filter(article=OuterRef("pk"))))
        # Wagtail's editor pings its session while open, and ends it when the editor leaves.
        .exclude(
            Exists(
                EditingSession.objects.filter(
                    content_type=page_type,
                    object_id=page_id,
                    last_seen_at__gte=now - EditingSession.IDLE_TIMEOUT,
                )
            )
        )
        .order_by("path")
    )


def abandoned_autosaved_drafts(*, now: datetime) -> QuerySet[Page]:
    """The untouched autosaved drafts (untouched_autosaved_drafts) last autosaved more than
    AUTOSAVED_DRAFT_DAYS before `now` (none when the setting is 0)."""
    days = conf.AUTOSAVED_DRAFT_DAYS
    if days <= 0:
        return Page.objects.none()
    cutoff = now - timedelta(days=days)
    return untouched_autosaved_drafts(now=now).filter(
        Exists(AutosavedDraft.objects.filter(page=OuterRef("pk"), created_at__lt=cutoff)),
        latest_revision_created_at__lt=cutoff,
    )


def autosaved_draft_slug_release(*, parent: Page, slug: str, now: datetime) -> Page | None:
    """When the child of `parent` holding `slug` is an untouched autosaved draft, move it to the
    next free address ("…-2"), so that the new page an editor is saving takes `slug`: an
    abandoned start no longer pushes the real article to "…-2". Readers never saw the draft's
    address; its latest revision is changed too, so its editor sees the new one on opening it.
    Returns the draft moved, if any."""
    from masthead.publishing.selectors import free_child_slug

    holder = untouched_autosaved_drafts(now=now).child_of(parent).filter(slug=slug).first()
    if holder is None:
        return None
    holder = holder.specific
    with transaction.atomic():
        holder.slug = free_child_slug(parent=parent, slug=slug)
        holder.save(update_fields=["slug", "url_path"])
        revision = holder.latest_revision
        if revision is not None and revision.content.get("slug") == slug:
            revision.content["slug"] = holder.slug
            revision.save(update_fields=["content"])
    return holder


class _AbandonedDraftDeletion(DeletePageAction):
    """Wagtail's page deletion, logged as what it is: the site history says why it went."""

    def __init__(self, page: Page, *, days: int):
        super().__init__(page, user=None)
        self.days = days

    def log_deletion(self, page):
        log(
            instance=page,
            action=ABANDONED_DRAFT_DELETED,
            user=None,
            deleted=True,
            data={"days": self.days},
        )


def holds_only_a_headline(page: Page) -> bool:
    """Whether the latest autosave of `page` holds nothing but its headline: no standfirst, no
    body, no featured image. Only articles are judged; any other kind of page is kept."""
    draft = page.get_latest_revision_as_object()
    if not isinstance(draft, ArticlePage):
        return False
    return not (draft.standfirst or "").strip() and not draft.body and not draft.featured_image_id


def abandoned_autosaved_drafts_delete(*, now: datetime) -> list[str]:
    """Delete the abandoned autosaved drafts (abandoned_autosaved_drafts) that hold only a
    headline (holds_only_a_headline), each logged in the page's history; returns their titles.
    Each page is checked again as it is deleted, so an editor who comes back to one in the
    meantime keeps it."""
    deleted = []
    for page in abandoned_autosaved_drafts(now=now):
        with transaction.atomic():
            if not abandoned_autosaved_drafts(now=now).filter(pk=page.pk).exists():
                continue
            if not holds_only_a_headline(page.specific):
                continue
            _AbandonedDraftDeletion(page, days=conf.AUTOSAVED_DRAFT_DAYS).execute(
                skip_permission_checks=True
            )
        logger.info("Deleted abandoned autosaved draft %r (page %s)", page.title, page.pk)
        deleted.append(page.title)
    return deleted
