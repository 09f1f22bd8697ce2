"""The database itself refuses to change the moderation log.

PostgreSQL refuses UPDATE and DELETE of its rows. SQLite refuses UPDATE; DELETE stays
possible there only because Django empties tables with DELETE (the models refuse it).
"""

from django.db import migrations

POSTGRES = [
    """CREATE FUNCTION moderation_decision_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'The moderation log is append-only.'; END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER moderation_decision_append_only BEFORE UPDATE OR DELETE
    ON moderation_decision FOR EACH ROW EXECUTE FUNCTION moderation_decision_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER moderation_decision_append_only ON moderation_decision",
    "DROP FUNCTION moderation_decision_append_only()",
]
SQLITE = [
    """CREATE TRIGGER moderation_decision_no_update BEFORE UPDATE ON moderation_decision
    BEGIN SELECT RAISE(ABORT, 'The moderation log is append-only.'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER moderation_decision_no_update"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
