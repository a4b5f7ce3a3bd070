from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Fundraisers"

# Reader funding without the power to rewrite history: campaigns are created and changed (a
# mistaken one is made inactive; money may already point at it), manual gifts are recorded and
# reversed, never deleted; the ledger and Stripe's events are read-only; the reports need
# view_donation. Donations carry donors' names and e-mail addresses, hence a group of its own
# rather than every page editor.
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("funding", "add_campaign"),
    ("funding", "change_campaign"),
    ("funding", "view_campaign"),
    ("funding", "add_donation"),
    ("funding", "change_donation"),
    ("funding", "view_donation"),
    ("funding", "view_ledgerentry"),
    ("funding", "view_stripeevent"),
    ("funding", "change_fundingsettings"),
]


def grant(apps, schema_editor):
    """A "Fundraisers" group runs Reader funding: campaigns, manual gifts, the ledger, Stripe
    events, Reports → Funding with its CSV exports, and Settings → Reader funding."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_disputes"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # After these, which give every group with admin access the choice of any image or
        # document: whatever the order migrations run in, fundraisers get only what is below.
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
