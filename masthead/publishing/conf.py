"""Publishing tunables that are deployment settings."""

from django.conf import settings

# An editor's saves of a draft (autosave or "Save draft") within this many minutes of their
# previous one extend that draft's revision instead of adding one, so that a page's history
# lists one "Draft saved" per sitting rather than one per opening of the editor. 0 keeps a
# revision for every opening, as Wagtail does.
DRAFT_REVISION_MINUTES = getattr(settings, "MASTHEAD_DRAFT_REVISION_MINUTES", 10)

# A page that autosave created when an editor typed a headline into a new page, and that nobody
# saved, published or submitted since, is deleted once its last autosave is this many days old
# (checked hourly): abandoned starts no longer pile up in a section's listing. 0 keeps them all.
AUTOSAVED_DRAFT_DAYS = getattr(settings, "MASTHEAD_AUTOSAVED_DRAFT_DAYS", 7)
