"""The article editor's form."""

from wagtail.admin.forms import WagtailAdminPageForm


class ArticlePageForm(WagtailAdminPageForm):
    def clean_first_published_at(self):
        """The publish date's widget shows minutes: an untouched date comes back without its
        seconds. Keep the stored moment then, so that saving does not move the date readers and
        search engines see, nor list it as changed when revisions are compared."""
        submitted = self.cleaned_data.get("first_published_at")
        stored = self.instance.first_published_at
        if submitted and stored and submitted == stored.replace(second=0, microsecond=0):
            return stored
        return submitted
