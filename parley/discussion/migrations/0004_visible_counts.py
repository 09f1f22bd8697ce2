"""Stored counts count what readers see: replies and subtrees count published comments and
"deleted" placeholders (held, rejected and spam replies no longer), a thread its published
comments. Recomputed from the rows; going back counts every reply again, as before."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

VISIBLE = ["published", "deleted"]


def _count(Comment, link: str, statuses: list[str] | None):
    rows = Comment.objects.filter(**{link: OuterRef("pk")})
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    return Coalesce(Subquery(rows.order_by().values(link).annotate(n=Count("pk")).values("n")), 0)


def _recount(apps, statuses: list[str] | None) -> None:
    Comment = apps.get_model("discussion", "Comment")
    Thread = apps.get_model("discussion", "Thread")
    Comment.objects.update(
        reply_count=_count(Comment, "parent", statuses),
        subtree_count=_count(Comment, "root", statuses),
    )
    published = Comment.objects.filter(thread=OuterRef("pk"), status="published")
    count = published.order_by().values("thread").annotate(n=Count("pk")).values("n")
    Thread.objects.update(comment_count=Coalesce(Subquery(count), 0))


def forwards(apps, schema_editor) -> None:
    _recount(apps, VISIBLE)


def backwards(apps, schema_editor) -> None:
    _recount(apps, None)


class Migration(migrations.Migration):
    dependencies = [("discussion", "0003_comment_language_comment_language_confidence")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
