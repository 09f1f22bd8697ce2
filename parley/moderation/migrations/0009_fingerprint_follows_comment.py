"""Fingerprint.comment: a comment's print is deleted with the comment.

The column (comment_id, unique) stays as it is: only Django's idea of it changes, to a
one-to-one relation without a database constraint, whose cascade Django runs when a comment
is deleted. Prints of comments deleted before now are removed."""

import django.db.models.deletion
from django.db import migrations, models


def forget_deleted(apps, schema_editor):
    Fingerprint = apps.get_model("moderation", "Fingerprint")
    Comment = apps.get_model("discussion", "Comment")
    Fingerprint.objects.exclude(comment_id__in=Comment.objects.values("pk")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0003_comment_language_comment_language_confidence"),
        ("moderation", "0008_flag_reporter_network"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="fingerprint", name="comment_id"),
                migrations.AddField(
                    model_name="fingerprint",
                    name="comment",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="discussion.comment",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forget_deleted, migrations.RunPython.noop),
    ]
