"""Pages saved before their slug was refused for naming one of their parent's own routes (an
article "feed" in a section, a section or page "tags" under the front page) take a free slug,
"feed-2" or "tags-2": readers got the feed or a tag page instead of them, and saving them now
(publishing a scheduled revision, a workflow's approval, a copy) is refused. Each revision keeps
the new slug, so that publishing an older one does not bring the hidden address back. A renamed
page that readers could reach itself (a "tags" page at /tags/) is redirected from its old address.
"""

from django.db import migrations, models

# The first part of each address the parent answers itself (RoutesBeforeChildrenMixin.route_slugs
# of the models as they are at this migration).
ROUTE_SLUGS = {"homepage": "tags", "sectionpage": "feed"}


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


def _site_of(Site, Page, page):
    """The site whose tree holds `page` (the deepest root above it), or None."""
    best = None
    for site in Site.objects.all():
        root = Page.objects.filter(pk=site.root_page_id).values_list("path", flat=True).first()
        if root and page.path.startswith(root) and (best is None or len(root) > len(best[0])):
            best = (root, site)
    return best[1] if best else None


def rename_pages_hidden_behind_routes(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    Site = apps.get_model("wagtailcore", "Site")

    ContentVersion = apps.get_model("publishing", "ContentVersion")

    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    renamed = False
    for model, route_slug in ROUTE_SLUGS.items():
        parent_type = ContentType.objects.filter(app_label="publishing", model=model).first()
        if parent_type is None:
            continue
        for parent in Page.objects.filter(content_type=parent_type):
            hidden = Page.objects.filter(
                path__startswith=parent.path, depth=parent.depth + 1, slug=route_slug
            ).first()
            if hidden is None:
                continue
            new_slug = _free_slug(Page, parent, route_slug)
            renamed = True
            old_url_path = hidden.url_path
            new_url_path = f"{parent.url_path}{new_slug}/"
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
                    if revision.content.get("slug") == route_slug:
                        revision.content["slug"] = new_slug
                        revision.content["url_path"] = new_url_path
                        revision.save(update_fields=["content"])
            if route_slug == "tags" and hidden.live:
                # Only /tags/ itself reached the page: the tag pages answered every address
                # below it.
                site = _site_of(Site, Page, hidden)
                root_url_path = None
                if site is not None:
                    root_url_path = (
                        Page.objects.filter(pk=site.root_page_id)
                        .values_list("url_path", flat=True)
                        .first()
                    )
                if root_url_path and old_url_path.startswith(root_url_path):
                    old_path = "/" + old_url_path[len(root_url_path) :].rstrip("/")
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
        ("publishing", "0017_autosaved_draft"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(rename_pages_hidden_behind_routes, migrations.RunPython.noop),
    ]
