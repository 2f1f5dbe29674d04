"""What ``/healthz`` checks, each within one short deadline, so that the load balancer's health check
itself never hangs on a stuck database.

A check is a function that returns ``None`` when all is well, or a few words saying what is wrong
("unreachable", "not writable"). ``register`` adds one: the database and the file store are here;
an app adds its own (a task queue that nobody works, say) from its ``AppConfig.ready`` with
``register("queue", check_queue)``. Every check runs in its own thread with a fresh database
connection, closed afterwards; a check still running at the deadline counts as failed ("no answer
within N s") and is left to finish on its own (the database's connect and statement timeouts end it).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connections

Check = Callable[[], str | None]

CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    CHECKS[name] = check


def check_database() -> str | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return None


def _writable(folder: Path) -> bool:
    """A byte can be written, flushed to disk and removed in ``folder`` (a full or read-only disk
    refuses one of these)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-") as probe:
            probe.write(b"1")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError:
        return False
    return True


def check_storage() -> str | None:
    """The file store (uploads, letters, logos) and the uploads' temporary folder can be written.
    An object store (``FILE_STORAGE=s3``) is not probed: each probe would be a paid request."""
    if isinstance(default_storage, FileSystemStorage) and not _writable(
        Path(default_storage.location)
    ):
        return "not writable"
    temp = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if temp and not _writable(Path(temp)):
        return "temporary folder not writable"
    return None


QUEUE_STALE_MINUTES = 10


def check_queue() -> str | None:
    """The email worker is working the queue: no email due for more than ten minutes is still
    waiting (a stopped worker leaves them queued; a safeguarding alert's email must go)."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from core.models import Email

    stale = timezone.now() - timedelta(minutes=QUEUE_STALE_MINUTES)
    waiting = (
        Email.objects.filter(state=Email.State.QUEUED, created_at__lt=stale)
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lt=stale))
        .count()
    )
    if waiting:
        return (
            f"not being worked: {waiting} email{'s' if waiting != 1 else ''} waiting over "
            f"{QUEUE_STALE_MINUTES} minutes"
        )
    return None


register("database", check_database)
register("storage", check_storage)
register("queue", check_queue)


def run_checks(timeout: float) -> dict[str, str]:
    """Every registered check's result ("ok" or what is wrong), all within ``timeout`` seconds."""
    results: dict[str, str] = {}
    threads = []
    for name, check in list(CHECKS.items()):

        def run(name: str = name, check: Check = check) -> None:
            try:
                problem = check()
            except Exception as error:  # a check that fails badly still answers
                problem = f"failed ({type(error).__name__})"
            finally:
                connections.close_all()
            results[name] = problem or "ok"

        thread = threading.Thread(target=run, name=f"healthz-{name}", daemon=True)
        thread.start()
        threads.append((name, thread))
    deadline = time.monotonic() + timeout
    for _name, thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    late = f"no answer within {timeout:g} s"
    return {name: results.get(name, late) for name, _ in threads}
