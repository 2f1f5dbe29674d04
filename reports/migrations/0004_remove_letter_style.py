"""Every letter now has its own template (0003): the old styles' column goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_shipped_letter_templates")]

    operations = [migrations.RemoveField(model_name="letter", name="style")]
