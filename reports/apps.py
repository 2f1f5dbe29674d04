from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The feedback letter, its templates and the presentation."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Feedback letters"

    def ready(self) -> None:
        from reports.attention import register_providers
        from reports.readiness import register_providers as register_readiness

        register_providers()
        register_readiness()
