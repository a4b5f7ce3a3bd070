from django.db import models


class AutosavedDraft(models.Model):
    """A page that Wagtail's autosave created (an editor typed a headline into a new page) and
    that nobody has saved, published or submitted from the editor since. Its row goes as soon as
    someone does; an abandoned one is deleted after a while (autosaved_drafts)."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Autosaved draft of page {self.page_id}"
