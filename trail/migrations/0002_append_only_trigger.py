"""On PostgreSQL the table itself refuses UPDATE and DELETE, whatever the application does."""

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


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("trail", "0001_event")]

    operations = [migrations.RunPython(forwards, backwards)]
