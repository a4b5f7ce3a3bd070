import hashlib
import secrets

from django.db import migrations, models


def hash_link_tokens(apps, schema_editor):
    """Keep only the SHA-256 of each link token, so the links already sent keep working."""
    Subscription = apps.get_model("discussion", "Subscription")
    for subscription in Subscription.objects.exclude(token=None).only("pk", "token").iterator():
        subscription.legacy_token_hash = hashlib.sha256(subscription.token.encode()).hexdigest()
        subscription.token = None
        subscription.save(update_fields=["legacy_token_hash", "token"])


def new_link_tokens(apps, schema_editor):
    """Going back cannot restore the tokens: each subscription gets a new one (links sent die)."""
    Subscription = apps.get_model("discussion", "Subscription")
    for subscription in Subscription.objects.filter(token=None).only("pk").iterator():
        subscription.token = secrets.token_urlsafe(32)
        subscription.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ("discussion", "0005_comment_import_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="legacy_token_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="token",
            field=models.CharField(max_length=43, null=True, unique=True),
        ),
        migrations.RunPython(hash_link_tokens, new_link_tokens),
        migrations.RemoveField(
            model_name="subscription",
            name="token",
        ),
    ]
