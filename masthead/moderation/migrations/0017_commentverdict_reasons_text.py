from django.db import migrations, models


def fill_reasons_text(apps, schema_editor):
    CommentVerdict = apps.get_model("moderation", "CommentVerdict")
    batch = []
    for verdict in CommentVerdict.objects.only("reasons").iterator(chunk_size=2000):
        # As CommentVerdict.searchable (the historical model has no methods).
        verdict.reasons_text = "\n".join(str(reason) for reason in verdict.reasons or []).casefold()
        batch.append(verdict)
        if len(batch) == 2000:
            CommentVerdict.objects.bulk_update(batch, ["reasons_text"])
            batch = []
    CommentVerdict.objects.bulk_update(batch, ["reasons_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0016_ban_lifted_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentverdict",
            name="reasons_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_reasons_text, migrations.RunPython.noop),
    ]
