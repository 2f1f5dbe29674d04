from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    """After the letter: action plans, an authority's review history and regional learning."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "improvement"
    verbose_name = "Improvement after reviews"

    def ready(self) -> None:
        from improvement import journey
        from improvement.attention import register_providers

        register_providers()
        journey.register_document()
