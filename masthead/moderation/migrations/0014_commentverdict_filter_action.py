from django.db import migrations, models
from django.db.models import F

# The reason submission_assess gave every hold of pre-moderation: the filter itself published.
PRE_MODERATION_REASON = "pre-moderation: "


def derive_filter_actions(apps, schema_editor):
    CommentVerdict = apps.get_model("moderation", "CommentVerdict")
    CommentVerdict.objects.update(filter_action=F("action"))
    held_by_mode = [
        verdict.pk
        for verdict in CommentVerdict.objects.filter(action="hold").only("reasons").iterator()
        if any(
            isinstance(reason, str) and reason.startswith(PRE_MODERATION_REASON)
            for reason in verdict.reasons or []
        )
    ]
    for start in range(0, len(held_by_mode), 500):
        CommentVerdict.objects.filter(pk__in=held_by_mode[start : start + 500]).update(
            filter_action="publish"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0013_filterversion_judged"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentverdict",
            name="filter_action",
            field=models.CharField(
                blank=True,
                choices=[("publish", "Publish"), ("hold", "Hold for review"), ("spam", "Spam")],
                max_length=10,
            ),
        ),
        migrations.RunPython(derive_filter_actions, migrations.RunPython.noop),
    ]
