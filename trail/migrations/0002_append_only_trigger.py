"""The table itself refuses changes, whatever the application does.

PostgreSQL refuses UPDATE and DELETE. SQLite (the development default) refuses UPDATE; its DELETE is
refused by the application only, because Django's test flush empties tables with DELETE.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION trail_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on trail_event refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER trail_event_append_only
    BEFORE UPDATE OR DELETE ON trail_event
    FOR EACH ROW EXECUTE FUNCTION trail_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS trail_event_append_only ON trail_event;
DROP FUNCTION IF EXISTS trail_event_append_only();
"""


SQLITE_CREATE = """
CREATE TRIGGER trail_event_append_only BEFORE UPDATE ON trail_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on trail_event refused'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS trail_event_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("trail", "0001_event")]

    operations = [migrations.RunPython(forwards, backwards)]
