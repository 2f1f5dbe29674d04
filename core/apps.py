from contextlib import suppress
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    """The bottom layer: mechanisms every app uses. It imports no app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the deploy check of SITE_URL

        # Django needs the uploads' temporary folder to exist; it is the app's own (core/storage.py).
        if settings.FILE_UPLOAD_TEMP_DIR:
            # If it cannot be made, /healthz says so (core/health.py) and an upload gets a clear page.
            with suppress(OSError):
                Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
