from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and the benchmark data generator of every app: it sits above them all, and no app
    imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    label = "demo"
    verbose_name = "Demo and benchmark data"
