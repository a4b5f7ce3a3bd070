from django.db import migrations, models


def mark_judged_runs(apps, schema_editor):
    """A past run judged a model if one of its models has a "promoted" verdict in its metrics
    (refused runs have "refused", skipped models "skipped")."""
    FilterVersion = apps.get_model("moderation", "FilterVersion")
    judged = [
        version.pk
        for version in FilterVersion.objects.only("metrics")
        if any(isinstance(m, dict) and "promoted" in m for m in (version.metrics or {}).values())
    ]
    FilterVersion.objects.filter(pk__in=judged).update(judged=True)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0012_reader_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="filterversion",
            name="judged",
            field=models.BooleanField(
                default=False,
                help_text="A new model was trained and judged on the held-out decisions.",
            ),
        ),
        migrations.RunPython(mark_judged_runs, migrations.RunPython.noop),
    ]
