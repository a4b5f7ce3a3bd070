
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_settings_counts_start_at_one"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="batch",
            field=models.UUIDField(blank=True, db_index=True, editable=False, null=True),
        ),
    ]
