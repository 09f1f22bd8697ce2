"""Fewer indexes for each new entry to write: the (source, object_id) index and a second
index of the post go; the comment and document foreign keys are indexed only where set.

The foreign keys' own indexes are dropped by name, found by introspection, with the field
change made in the state alone: on SQLite, Django alters a foreign key by remaking the
table, which would drop the FTS5 triggers of migration 0001 with it.
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = ("comment_id", "document_id")


def _fk_indexes(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "search_entry")
    return [
        name
        for name, info in found.items()
        if info["index"]
        and not info["primary_key"]
        and not info["unique"]
        and len(info["columns"]) == 1
        and info["columns"][0] in COLUMNS
        and name not in ("search_entry_comment", "search_entry_document")
    ]


def drop_fk_indexes(apps, schema_editor):
    for name in _fk_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def add_fk_indexes(apps, schema_editor):
    entry = apps.get_model("search", "Entry")
    for column in COLUMNS:
        field = entry._meta.get_field(column.removesuffix("_id"))
        schema_editor.execute(schema_editor._create_index_sql(entry, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0006_follows"),
        ("publishing", "0002_post_language_post_language_confidence_and_more"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entry", name="search_entry_object"),
        migrations.RemoveIndex(model_name="entry", name="search_entry_post"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="comment",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="discussion.comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="entry",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="publishing.sourcedocument",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_fk_indexes, add_fk_indexes)],
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                condition=models.Q(("comment__isnull", False)),
                fields=["comment"],
                name="search_entry_comment",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                condition=models.Q(("document__isnull", False)),
                fields=["document"],
                name="search_entry_document",
            ),
        ),
    ]
