"""Regions and regional access now live in accounts (see accounts 0004): the improvement app forgets
them. Nothing happens to the database: the tables stay, under their names, for accounts' models."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("improvement", "0001_initial"),
        ("accounts", "0004_regions_from_improvement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RegionalAccess"),
                migrations.DeleteModel(name="Region"),
            ],
            database_operations=[],
        ),
    ]
