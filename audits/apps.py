from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Case dip-sampling, audits against criteria, moderation and the annex figures."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Case file audits"

    def ready(self) -> None:
        from audits.attention import register_providers
        from audits.retention import register_purgers

        register_purgers()
        register_providers()
