"""GIN expression indexes for the search within a review (audits.services.search), PostgreSQL only.

Each indexes ``to_tsvector('english', COALESCE(<column>, ''))``, the very expression the search
filters on, so that finding words never reads a whole table. SQLite has no such index (its search is
a plain ``icontains``), so nothing is done there. The indexes are not in the models' state: they are
the search's, not the models' (and the models live in the reviews app below this one).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = (
    ("reviews", "EvidenceNote", "text", "search_note_text_gin"),
    ("reviews", "Finding", "text", "search_finding_text_gin"),
    ("audits", "CriterionAnswer", "comment", "search_answer_comment_gin"),
)


def _index(column, name):
    return GinIndex(SearchVector(column, config="english"), name=name)


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, column, name in INDEXES:
        schema_editor.add_index(apps.get_model(app, model), _index(column, name))


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, column, name in INDEXES:
        schema_editor.remove_index(apps.get_model(app, model), _index(column, name))


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_h3_demote_incomplete_audits"),
        ("reviews", "0010_member_and_invitation_shown_as"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
