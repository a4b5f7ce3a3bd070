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

    def __str__(self):
        return self.source


class ImportedInfoPage(models.Model):
    """An information page brought in from another system (a WordPress "page"), and the item it
    came from there: a re-run finds it by this, as ImportedArticle says."""

    source = models.CharField(max_length=500, unique=True)
    page = models.OneToOneField("publishing.InfoPage", on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return self.source
