from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_known_texts(apps, schema_editor):
    """The best knowledge of the past: decisions learnt from the comment's current text (so they
    keep it); a verdict was on it if the comment was never edited, or if it is its latest."""
    Comment = apps.get_model("discussion", "Comment")
    CommentVerdict = apps.get_model("moderation", "CommentVerdict")
    Decision = apps.get_model("moderation", "Decision")
    current_body = Subquery(Comment.objects.filter(pk=OuterRef("comment_id")).values("body")[:1])
    Decision.objects.update(body=current_body)
    CommentVerdict.objects.filter(comment__edited__isnull=True).update(body=current_body)
    latest = Subquery(
        CommentVerdict.objects.filter(comment_id=OuterRef("comment_id"))
        .order_by("-created", "-id")
        .values("pk")[:1]
    )
    CommentVerdict.objects.filter(comment__edited__isnull=False, pk=latest).update(
        body=current_body
    )


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0009_reader_index"),
        ("moderation", "0014_commentverdict_filter_action"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentverdict",
            name="body",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="decision",
            name="body",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(keep_known_texts, migrations.RunPython.noop),
    ]
