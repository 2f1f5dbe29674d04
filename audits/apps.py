from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Case dip-sampling, audits against criteria, moderation and the annex figures."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Case file audits"

    def ready(self) -> None:
        from audits.attention import register_providers
        from audits.readiness import register_providers as register_readiness
        from audits.retention import register_purgers

        register_purgers()
        register_providers()
        register_readiness()

        from audits.services.alerts import escalate_overdue_alerts
        from core.reminders import register_job

        register_job("escalated alerts", lambda now: escalate_overdue_alerts(now=now))
