from django.db import migrations

from reviews.default_themes import DEFAULT_THEMES, install_default_themes


def install(apps, schema_editor):
    install_default_themes(apps.get_model("reviews", "Theme"))


def remove(apps, schema_editor):
    apps.get_model("reviews", "Theme").objects.filter(name__in=DEFAULT_THEMES).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_themes_and_follow_ups")]

    operations = [migrations.RunPython(install, remove)]
