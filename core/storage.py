"""The file store on a disk: a file is written in full, under a temporary name beside its place, and
only then moved into place (one rename). A full or read-only disk (``OSError`` ENOSPC, EROFS) while
writing leaves no partial file behind under any name: the temporary file is removed and the error
goes on to the caller (``core.middleware.FaultPageMiddleware`` tells the person, and the change's
transaction rolls back).

Uploads larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` arrive in ``FILE_UPLOAD_TEMP_DIR``; Django removes
them after the request, and ``manage.py clean_upload_temp`` removes any a killed worker left.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partial-"


class _Written(File):
    """A file already written to disk, which the storage may move into place."""

    def __init__(self, path: str) -> None:
        super().__init__(None, name=path)
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                handle.flush()
                os.fsync(handle.fileno())
            if self.file_permissions_mode is None:
                os.chmod(partial, 0o644)  # as Django's own default (0o666 less a usual umask)
            return super()._save(name, _Written(partial))  # type: ignore[misc]  # not in the stubs
        finally:
            with suppress(FileNotFoundError):
                os.remove(partial)  # moved into place already, or left by a failure


def clean_folder(folder: Path, *, older_than_seconds: int, prefix: str = "") -> list[Path]:
    """Remove the files in ``folder`` (and below) older than ``older_than_seconds`` whose names start
    with ``prefix``: what a killed process left. The removed paths."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    cutoff = time.time() - older_than_seconds
    for path in folder.rglob(f"{prefix}*"):
        with suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed
