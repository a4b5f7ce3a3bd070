from django.db import models


class ImportedArticle(models.Model):
    """An article brought in from another system, and the item it came from there.

    A re-run of an import finds its articles by this, not by slug: a slug says nothing of where
    an article came from (a native article may have the slug an old post had), and editors may
    change it.
    """

    # "wordpress:" and the post's guid (or id): see wordpress.post_key.
    source = models.CharField(max_length=500, unique=True)
    article = models.OneToOneField(
        "publishing.ArticlePage", on_delete=models.CASCADE, related_name="+"
    )
    # What the item was when it was last brought in (see wordpress.post_digest): a re-run updates
    # the article only if the item changed since. Empty for articles imported before it was kept.
    digest = models.CharField(max_length=64, blank=True, default="")
    # The article's revision that import wrote: a later one is an editor's, which a re-run never
    # overwrites. None: not known (imported before it was kept, with revisions of its own since).
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.source


class ImportedInfoPage(models.Model):
    """An information page brought in from another system (a WordPress "page"), and the item it
    came from there: a re-run finds it by this, as ImportedArticle says."""

    source = models.CharField(max_length=500, unique=True)
    page = models.OneToOneField("publishing.InfoPage", on_delete=models.CASCADE, related_name="+")
    # As ImportedArticle's: what the item was when last brought in, and the revision that wrote.
    digest = models.CharField(max_length=64, blank=True, default="")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.source
