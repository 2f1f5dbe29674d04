from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: mechanisms every app uses. It imports no app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    label = "core"
    verbose_name = "Core"
