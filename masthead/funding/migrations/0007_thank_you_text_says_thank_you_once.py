from django.db import migrations, models

OLD_DEFAULT = "Thank you. Your support keeps our reporting free for everyone to read."
NEW_DEFAULT = "Every gift counts, and yours keeps our reporting free for everyone to read."


def thank_you_once(apps, schema_editor):
    """Campaigns left with the old default text thanked the reader twice on the thank-you page,
    under its "Thank you" heading: they take the new default. Texts editors wrote stay."""
    Campaign = apps.get_model("funding", "Campaign")
    Campaign.objects.filter(thank_you=OLD_DEFAULT).update(thank_you=NEW_DEFAULT)


def thank_you_as_before(apps, schema_editor):
    Campaign = apps.get_model("funding", "Campaign")
    Campaign.objects.filter(thank_you=NEW_DEFAULT).update(thank_you=OLD_DEFAULT)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0006_next_campaign_takes_over_on_the_first_of_a_month"),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="thank_you",
            field=models.TextField(
                blank=True,
                default=NEW_DEFAULT,
                help_text="Shown after a gift and in the receipt e-mail.",
                verbose_name="thank-you text",
            ),
        ),
        migrations.RunPython(thank_you_once, thank_you_as_before),
    ]
