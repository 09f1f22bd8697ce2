import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# The full-text index of each database, made for that database alone.
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(folded, content='search_entry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES = [
    "ALTER TABLE search_entry ADD COLUMN folded_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', folded)) STORED",
    "CREATE INDEX search_entry_folded_vector ON search_entry USING GIN (folded_vector)",
]
POSTGRES_BACK = [
    "DROP INDEX IF EXISTS search_entry_folded_vector",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS folded_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        chosen = statements.get(schema_editor.connection.vendor, [])
        for sql in chosen:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("discussion", "0004_visible_counts"),
        ("publishing", "0002_post_language_post_language_confidence_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(choices=[("comment", "Comment"), ("post", "Post"), ("document", "Document")], max_length=16)),
                ("object_id", models.PositiveBigIntegerField()),
                ("thread_id", models.PositiveBigIntegerField()),
                ("anchor", models.CharField(blank=True, max_length=200)),
                ("author_key", models.CharField(blank=True, max_length=120)),
                ("author_name", models.CharField(blank=True, max_length=120)),
                ("language", models.CharField(blank=True, max_length=8)),
                ("is_original", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("title", models.TextField(blank=True)),
                ("text", models.TextField()),
                ("folded", models.TextField()),
                ("comment", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="discussion.comment")),
                ("document", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="publishing.sourcedocument")),
                ("post", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="publishing.post")),
            ],
            options={
                "indexes": [
                    models.Index(fields=["source", "object_id"], name="search_entry_object"),
                    models.Index(fields=["post"], name="search_entry_post"),
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}),
        ),
    ]
