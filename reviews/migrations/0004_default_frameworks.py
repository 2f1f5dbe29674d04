from django.db import migrations

from reviews.default_frameworks import install_default_frameworks


def install(apps, schema_editor):
    install_default_frameworks(apps.get_model("reviews", "Framework"), apps.get_model("reviews", "Kloe"))


def remove(apps, schema_editor):
    apps.get_model("reviews", "Framework").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_coordinator_setup")]

    operations = [migrations.RunPython(install, remove)]
