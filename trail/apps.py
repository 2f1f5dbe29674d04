from django.apps import AppConfig


class TrailConfig(AppConfig):
    """The audit trail: who did what to which object, when and from where. Append-only."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "trail"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from trail import signals  # noqa: F401 - connects sign-in, failure and lockout records
