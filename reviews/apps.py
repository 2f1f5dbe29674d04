from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from reviews import permissions  # noqa: F401 - registers the rules and the calendar receivers
        from reviews.attention import register_providers
        from reviews.readiness import register_providers as register_readiness
        from reviews.retention import register_purgers
        from reviews.schedule import signals  # noqa: F401 - registers the rules and the calendar receivers

        register_purgers()
        register_providers()
        register_readiness()
