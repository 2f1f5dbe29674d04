"""The table refuses TRUNCATE too (PostgreSQL; SQLite has no TRUNCATE).

The row trigger of migration 0002 refuses UPDATE and DELETE, but TRUNCATE fires no row trigger: the
table's owner (or anyone granted TRUNCATE) could empty the trail in one statement. This statement-level
trigger refuses it.

A superuser's TRUNCATE is let through. A superuser can switch any trigger off anyway (``ALTER TABLE ...
DISABLE TRIGGER``, ``SET session_replication_role = replica``), so refusing them would protect nothing;
letting them through keeps Django's test flush working (it empties every table with TRUNCATE between
transactional tests, connected as the superuser that created the test database). The service and its
migrations never run as a superuser (docs/deploy.md, "Database roles").
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION trail_event_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on trail_event refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER trail_event_refuse_truncate
    BEFORE TRUNCATE ON trail_event
    FOR EACH STATEMENT EXECUTE FUNCTION trail_event_refuse_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS trail_event_refuse_truncate ON trail_event;
DROP FUNCTION IF EXISTS trail_event_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("trail", "0003_action_plan_events")]

    operations = [migrations.RunPython(forwards, backwards)]
