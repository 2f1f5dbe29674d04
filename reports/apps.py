from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The feedback letter and presentation (to come)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Feedback letters"
