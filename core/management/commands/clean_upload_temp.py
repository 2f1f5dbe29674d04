"""Remove uploads' temporary files that a killed or timed-out worker left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser

from core.storage import PARTIAL_PREFIX, AtomicFileSystemStorage, clean_folder


class Command(BaseCommand):
    help = (
        "Remove files older than --hours (default 6) from FILE_UPLOAD_TEMP_DIR, and partly written "
        "files (.partial-*) under MEDIA_ROOT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=6)

    def handle(self, *args: Any, **options: Any) -> None:
        age = options["hours"] * 3600
        removed = []
        if settings.FILE_UPLOAD_TEMP_DIR:
            removed += clean_folder(Path(settings.FILE_UPLOAD_TEMP_DIR), older_than_seconds=age)
        if isinstance(default_storage, AtomicFileSystemStorage):
            removed += clean_folder(
                Path(default_storage.location), older_than_seconds=age, prefix=PARTIAL_PREFIX
            )
        self.stdout.write(f"Removed {len(removed)} left-over temporary files.")
