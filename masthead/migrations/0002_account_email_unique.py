"""No two accounts share an e-mail address, whatever its case: a unique index on the user table
(Django's own model, which no constraint of ours can name, hence this migration of the project's
app). Accounts without an address (some made with `createsuperuser`) are left out of it.

A database may hold accounts that share an address already (the admin allowed it before): the
migration does not fail on them, nor change their addresses, which their readers sign in and
reset passwords with. The oldest account of each address is in the index with everyone else; the
others are left out of it by their ids, and named, so that an administrator gives them addresses
of their own. Sign-up, the account page and the admin refuse an address another account has,
theirs included (accounts.selectors.email_in_use)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import migrations
from django.db.models import Count, Min, Q, UniqueConstraint
from django.db.models.functions import Lower

NAME = "masthead_user_email_unique_ci"


def _constraint(shared_ids=()):
    condition = ~Q(email="")
    if shared_ids:
        condition &= ~Q(pk__in=sorted(shared_ids))
    return UniqueConstraint(Lower("email"), condition=condition, name=NAME)


def sharing_accounts(users):
    """The accounts sharing an address with an older one, by address (lower case)."""
    shared = (
        users.objects.exclude(email="")
        .annotate(address=Lower("email"))
        .values("address")
        .annotate(accounts=Count("pk"), oldest=Min("pk"))
        .filter(accounts__gt=1)
    )
    return {
        row["address"]: list(
            users.objects.annotate(address=Lower("email"))
            .filter(address=row["address"])
            .exclude(pk=row["oldest"])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for row in shared
    }


def add_the_index(apps, schema_editor):
    users = apps.get_model(settings.AUTH_USER_MODEL)
    shared = sharing_accounts(users)
    left_out = [pk for ids in shared.values() for pk in ids]
    schema_editor.add_constraint(users, _constraint(left_out))
    if left_out:
        username = get_user_model().USERNAME_FIELD
        names = users.objects.filter(pk__in=left_out).order_by("pk").values_list("pk", username)
        # For the operator running `migrate`.
        print(
            f"\n  {len(left_out)} account(s) share an e-mail address with an older account, which "
            "keeps it; the unique index on addresses leaves them out until they have one of their "
            "own (Settings > Users): " + ", ".join(f"{name} (id {pk})" for pk, name in names)
        )


def drop_the_index(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model(settings.AUTH_USER_MODEL), _constraint())


class Migration(migrations.Migration):
    dependencies = [
        ("masthead", "0001_account_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_the_index, drop_the_index)]
