from django.db import migrations


def grant(apps, schema_editor):
    """Wagtail's "Editors" group publishes and schedules what it writes: without publish_page
    it could only submit articles for approval, to "Moderators", who here moderate readers'
    comments. Granted where Wagtail gave Editors their other page permissions (the root)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    publish = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename="publish_page"
    ).first()
    root = Page.objects.filter(depth=1).first()
    if publish is None or root is None:
        return
    for group in Group.objects.filter(name="Editors"):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=publish)


def revoke(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name="Editors", page__depth=1, permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0009_gallery_slots_name_their_fields"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
