from django.core.management import call_command


def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has passed and unpublish expired ones (Wagtail's command)."""
    call_command("publish_scheduled", verbosity=0)
