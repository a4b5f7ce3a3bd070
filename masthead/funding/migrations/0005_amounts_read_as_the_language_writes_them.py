from django.db import migrations, models
from django.db.models import F


def amounts_in_the_languages_form(apps, schema_editor):
    """Sites left at the old default ("2,500 $", which no editor had to choose) read amounts as
    their language writes them ("$2,500" in US English); pages cached with the old form go."""
    FundingSettings = apps.get_model("funding", "FundingSettings")
    if FundingSettings.objects.filter(money_style="amount_symbol").update(money_style="locale"):
        ContentVersion = apps.get_model("publishing", "ContentVersion")
        ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0004_stripe_event_deferred"),
        ("publishing", "0004_contentversion"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fundingsettings",
            name="money_style",
            field=models.CharField(
                choices=[
                    (
                        "locale",
                        "The language's convention: $2,500 in US English, 2.500 € in German",
                    ),
                    ("amount_symbol", "Amount then symbol, whatever the language: 2,500 $"),
                ],
                default="locale",
                max_length=20,
                verbose_name="how amounts read",
            ),
        ),
        # Going back leaves each site's style as it is: a site may have chosen either since.
        migrations.RunPython(amounts_in_the_languages_form, migrations.RunPython.noop),
    ]
