"""SQLite: FTS5 merges its index segments eight at a time instead of four.

Every transaction that enters a comment writes a small segment, and FTS5 merges segments in
the background of later writes: with eight to a merge instead of four, a post does less of
that merging (bench/search.py: posting with indexing on about two points closer to posting
without), for a few more segments for a query to read between merges. `parley reindex` ends
with an 'optimize', which leaves one segment.
"""

from django.db import migrations


def _set(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', %s)", [value]
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_entry_indexes_for_posting")]

    operations = [migrations.RunPython(_set(8), _set(4))]
