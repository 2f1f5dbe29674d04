"""A full or read-only disk while a file is stored: a clear page, no partial file, no row without its
file, and /healthz says so. A fault script: the disk's refusal is made by wrapping the storage's own
file calls, so it can be rerun anywhere."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from core import storage as core_storage
from core.storage import AtomicFileSystemStorage
from reviews.documents.models import Document, DocumentRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 200_000


class _FillsUp:
    """A file on a disk that fills up after ``room`` bytes."""

    def __init__(self, handle, room: int) -> None:
        self.handle, self.room = handle, room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.handle.write(data[: self.room])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name: str):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@pytest.fixture
def full_disk(monkeypatch):
    real = os.fdopen
    monkeypatch.setattr(core_storage.os, "fdopen", lambda fd, mode: _FillsUp(real(fd, mode), 1000))


@pytest.fixture
def read_only_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(core_storage.tempfile, "mkstemp", refuse)


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def test_a_full_disk_leaves_no_partial_file(full_disk, tmp_path) -> None:
    store = AtomicFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError) as raised:
        store.save("letters/a.pdf", ContentFile(b"x" * 5000))
    assert raised.value.errno == errno.ENOSPC
    assert _files(tmp_path) == []


def test_a_file_is_stored_whole_under_its_name(tmp_path) -> None:
    store = AtomicFileSystemStorage(location=tmp_path)
    name = store.save("letters/a.pdf", ContentFile(b"x" * 5000))
    assert name == "letters/a.pdf" and (tmp_path / name).read_bytes() == b"x" * 5000
    assert store.save("letters/a.pdf", ContentFile(b"y")) != name  # never over another
    assert [p.name for p in _files(tmp_path) if p.name.startswith(".partial-")] == []


@pytest.mark.parametrize("fault", ["full_disk", "read_only_disk"])
def test_an_upload_to_a_full_or_read_only_disk_says_so_and_keeps_nothing(
    world, request, fault
) -> None:
    wanted = DocumentRequest.objects.create(
        review=world.review, kind=DocumentRequest.Kind.SELF_ASSESSMENT
    )
    request.getfixturevalue(fault)
    response = world.client("host_lead").post(
        reverse("reviews:document-upload", args=[world.review.pk, wanted.pk]),
        {"file": SimpleUploadedFile("self-assessment.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 503
    assert "Files cannot be stored at the moment" in response.content.decode()
    assert not Document.objects.exists()
    assert _files(settings.MEDIA_ROOT) == []


def test_healthz_says_when_the_disk_is_read_only(client, db, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("core.health.tempfile.NamedTemporaryFile", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["storage"] == "not writable"


def test_large_uploads_wait_in_the_apps_own_folder_which_is_cleaned(settings, tmp_path) -> None:
    assert settings.FILE_UPLOAD_TEMP_DIR and Path(settings.FILE_UPLOAD_TEMP_DIR).is_dir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.MEDIA_ROOT = tmp_path / "media"
    old = tmp_path / "uploads" / "abc.upload"
    partial = tmp_path / "media" / "documents" / ".partial-x"
    fresh = tmp_path / "uploads" / "new.upload"
    for path in (old, partial, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left over")
    for path in (old, partial):
        os.utime(path, (0, 0))
    call_command("clean_upload_temp")
    assert not old.exists() and not partial.exists()
    assert fresh.exists()  # an upload still in progress
