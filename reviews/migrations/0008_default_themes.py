"""Install the themes findings can be tagged with, as shipped.

The list is a frozen copy of ``reviews.default_themes`` as it was when this migration was written:
a migration must not import today's data modules.
"""

from django.db import migrations

DEFAULT_THEMES = [
    "Thresholds",
    "Consent",
    "Step up / step down",
    "Strategy discussions",
    "Voice of the child",
    "Fathers",
    "Management oversight",
    "Partnership",
    "Early help",
    "Workforce",
    "Quality assurance",
    "Performance information",
    "Other",
]


def install_default_themes(theme_model):
    """Create the shipped themes that are missing (found by name). Returns how many were created."""
    existing = {name.lower() for name in theme_model.objects.values_list("name", flat=True)}
    missing = [
        theme_model(name=name, position=i)
        for i, name in enumerate(DEFAULT_THEMES, start=1)
        if name.lower() not in existing
    ]
    theme_model.objects.bulk_create(missing)
    return len(missing)


def install(apps, schema_editor):
    install_default_themes(apps.get_model("reviews", "Theme"))


def remove(apps, schema_editor):
    apps.get_model("reviews", "Theme").objects.filter(name__in=DEFAULT_THEMES).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_themes_and_follow_ups")]

    operations = [migrations.RunPython(install, remove)]
