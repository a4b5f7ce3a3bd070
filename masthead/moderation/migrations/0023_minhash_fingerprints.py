"""Near-duplicate fingerprints become MinHash signatures (bytes) instead of 64-bit SimHashes.

The old values cannot be converted, so they are dropped and recomputed from the text each
verdict and decision kept, for the rows the filter still compares with (recent verdicts and
decisions inside their look-up windows); older rows are never read for this again and stay
empty.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def recompute_fingerprints(apps, schema_editor):
    from masthead.moderation import conf
    from masthead.moderation.core import fingerprint, own_words

    now = timezone.now()
    for model_name, days in (
        ("CommentVerdict", conf.RECENT_FINGERPRINT_DAYS),
        ("Decision", conf.LABELLED_FINGERPRINT_DAYS),
    ):
        model = apps.get_model("moderation", model_name)
        rows = model.objects.filter(created__gte=now - timedelta(days=days)).select_related(
            "comment", "comment__parent"
        )
        batch = []
        for row in rows.iterator(chunk_size=500):
            body = row.body or row.comment.body
            parent = row.comment.parent.body if row.comment.parent_id else ""
            row.fingerprint = fingerprint(own_words(body, parent))
            batch.append(row)
            if len(batch) == 500:
                model.objects.bulk_update(batch, ["fingerprint"])
                batch = []
        model.objects.bulk_update(batch, ["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0011_vote_changes"),
        ("moderation", "0022_comment_verdict_ban_and_release"),
    ]

    operations = [
        migrations.RemoveField(model_name="commentverdict", name="fingerprint"),
        migrations.RemoveField(model_name="decision", name="fingerprint"),
        migrations.AddField(
            model_name="commentverdict",
            name="fingerprint",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.AddField(
            model_name="decision",
            name="fingerprint",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.RunPython(recompute_fingerprints, migrations.RunPython.noop),
    ]
