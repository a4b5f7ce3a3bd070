"""Pages under the front page saved before their slug was refused for naming one of the site's
own addresses (a page "donate", a section "feed" or "search"), which Django answers before
looking for a page, take a free slug, "donate-2": readers got the donation form or the feed
instead of them, and saving them now (a scheduled revision, a workflow's approval) is refused.
Each revision keeps the new slug, as in 0018. A renamed live page is redirected from its old
address: a redirect acts only where the site finds nothing there (/api/, /documents/, /media/
themselves reached the page), so it never hides the site's own page.
"""

from django.db import migrations, models

# The first part of each of the site's addresses answered before Wagtail's pages
# (HomePage.route_slugs, less its own "tags" renamed by 0018, as the URLconf is at this
# migration; the static files' and uploads' addresses as the settings give them by default).
SITE_ROUTE_SLUGS = (
    "_util",
    "accounts",
    "admin",
    "api",
    "comments",
    "documents",
    "donate",
    "feed",
    "media",
    "moderation",
    "search",
    "static",
)


def _free_slug(Page, parent, slug):
    taken = set(
        Page.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, slug__startswith=slug
        ).values_list("slug", flat=True)
    )
    candidate, suffix = slug, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{slug}-{suffix}"
    return candidate


def _old_path(Site, Page, page):
    """The page's address on its site (the deepest root above it) and that site, or None."""
    best = None
    for site in Site.objects.all():
        root = Page.objects.filter(pk=site.root_page_id).values_list("path", "url_path").first()
        if root and page.path.startswith(root[0]) and (best is None or len(root[0]) > len(best[0])):
            best = (root[0], root[1], site)
    if best is None or not page.url_path.startswith(best[1]):
        return None
    return "/" + page.url_path[len(best[1]) :].rstrip("/"), best[2]


def rename_pages_hidden_behind_site_routes(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    Site = apps.get_model("wagtailcore", "Site")
    ContentVersion = apps.get_model("publishing", "ContentVersion")

    home_type = ContentType.objects.filter(app_label="publishing", model="homepage").first()
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if home_type is None:
        return
    renamed = False
    for home in Page.objects.filter(content_type=home_type):
        hidden_pages = Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1, slug__in=SITE_ROUTE_SLUGS
        )
        for hidden in hidden_pages:
            old_slug, new_slug = hidden.slug, _free_slug(Page, home, hidden.slug)
            renamed = True
            old_address = _old_path(Site, Page, hidden) if hidden.live else None
            old_url_path = hidden.url_path
            new_url_path = f"{home.url_path}{new_slug}/"
            for page in Page.objects.filter(path__startswith=hidden.path):
                page.url_path = new_url_path + page.url_path[len(old_url_path) :]
                if page.pk == hidden.pk:
                    page.slug = new_slug
                page.save(update_fields=["slug", "url_path"])
            if page_type is not None:
                revisions = Revision.objects.filter(
                    base_content_type=page_type, object_id=str(hidden.pk)
                )
                for revision in revisions:
                    if revision.content.get("slug") == old_slug:
                        revision.content["slug"] = new_slug
                        revision.content["url_path"] = new_url_path
                        revision.save(update_fields=["content"])
            if old_address is not None:
                old_path, site = old_address
                Redirect.objects.get_or_create(
                    old_path=old_path,
                    site=site,
                    defaults={"redirect_page": hidden, "is_permanent": True},
                )
    if renamed:  # cached pages link to the old addresses (see publishing.page_cache)
        if not ContentVersion.objects.filter(pk=1).update(value=models.F("value") + 1):
            ContentVersion.objects.create(pk=1, value=1)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0018_rename_pages_hidden_behind_routes"),
    ]

    operations = [
        migrations.RunPython(rename_pages_hidden_behind_site_routes, migrations.RunPython.noop),
    ]
