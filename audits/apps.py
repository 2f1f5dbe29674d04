from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Case dip-sampling, audits against criteria, moderation and the annex figures (to come)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Case file audits"
