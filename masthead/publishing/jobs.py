from django.core.management import call_command


def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has passed and unpublish expired ones (Wagtail's command)."""
    call_command("publish_scheduled", verbosity=0)


def delete_abandoned_autosaved_drafts() -> None:
    """Delete the pages autosave made of new articles nobody came back to (autosaved_drafts)."""
    from django.utils import timezone

    from masthead.publishing.autosaved_drafts import abandoned_autosaved_drafts_delete

    abandoned_autosaved_drafts_delete(now=timezone.now())
