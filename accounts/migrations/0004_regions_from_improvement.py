"""Regions and regional access move from the improvement app to accounts (issue 17), so that
``reviews.permissions`` reads them without importing upward.

Only Django's idea of where the models live changes: the tables keep their names
(``improvement_region``, ``improvement_region_organisations``, ``improvement_regionalaccess``) and every
row stays where it is. The content types of the two models are relabelled (not recreated), so the
permissions granted on them and the admin site's history of them keep pointing at them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["region", "regionalaccess"]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_accounts(apps, schema_editor):
    _relabel(apps, "improvement", "accounts")


def content_types_to_improvement(apps, schema_editor):
    _relabel(apps, "accounts", "improvement")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_h1_normalise_user_emails"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables are created there (on a fresh database) and stay.
        ("improvement", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("organisations", models.ManyToManyField(blank=True, related_name="regions", to="accounts.organisation")),
                    ],
                    options={
                        "db_table": "improvement_region",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="RegionalAccess",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("region", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="access", to="accounts.region")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="regional_access", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "improvement_regionalaccess",
                        "verbose_name": "regional access",
                        "verbose_name_plural": "regional access",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "region"), name="one_access_per_person_region")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_accounts, content_types_to_improvement),
    ]
