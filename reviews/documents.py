"""What a document upload really is, judged by its content and never by its name.

Accepted: PDF; Word, Excel and PowerPoint, both the current (Office Open XML) formats and the older
binary ones. Anything else, including macro-enabled Office files, is refused with a message that says
why.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from reviews.models import Document

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

_OOXML = {
    "word/document.xml": (
        Document.FileType.WORD,
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xl/workbook.xml": (
        Document.FileType.EXCEL,
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "ppt/presentation.xml": (
        Document.FileType.POWERPOINT,
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}

_OLE = [
    ("WordDocument", Document.FileType.WORD, ".doc", "application/msword"),
    ("Workbook", Document.FileType.EXCEL, ".xls", "application/vnd.ms-excel"),
    ("Book", Document.FileType.EXCEL, ".xls", "application/vnd.ms-excel"),
    ("PowerPoint Document", Document.FileType.POWERPOINT, ".ppt", "application/vnd.ms-powerpoint"),
]

WRONG_TYPE = "The file must be a PDF, Word, Excel or PowerPoint document"


class UploadRefused(Exception):
    """The upload is not accepted; the message says why, in words for the person uploading."""


@dataclass(frozen=True)
class Inspected:
    file_type: str
    extension: str
    content_type: str
    size: int
    sha256: str


ARCHIVE_BOMB = (
    "The file could not be checked safely: it unpacks to far more than an office document would. "
    "Save it again from Word, Excel or PowerPoint and upload that copy"
)


def inspect_upload(upload: IO[bytes], *, max_mb: int) -> Inspected:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_mb * 1024 * 1024:
        raise UploadRefused(f"The file must be smaller than {max_mb} MB")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = _kind(upload, head)
    upload.seek(0)
    if kind is None:
        raise UploadRefused(WRONG_TYPE)
    file_type, extension, content_type = kind
    return Inspected(file_type, extension, content_type, size, digest.hexdigest())


def _kind(upload: IO[bytes], head: bytes) -> tuple[str, str, str] | None:
    if head.startswith(b"%PDF-"):
        return Document.FileType.PDF, ".pdf", "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    if head.startswith(OLE_MAGIC):
        data = upload.read()
        for stream, file_type, extension, content_type in _OLE:
            if stream.encode("utf-16-le") + b"\x00\x00" in data:
                return file_type, extension, content_type
    return None


# Limits that real Office files sit far inside, and that a zip bomb (a small file that unpacks to
# gigabytes) does not.
_MAX_ENTRIES = 10_000
_MAX_UNPACKED = 1024 * 1024 * 1024  # 1 GB in all
_MAX_RATIO = 200  # unpacked size / packed size, per entry of any size
_MAX_CONTENT_TYPES = 1024 * 1024


def _ooxml_kind(upload: IO[bytes]) -> tuple[str, str, str] | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > _MAX_ENTRIES or sum(e.file_size for e in entries) > _MAX_UNPACKED:
                raise UploadRefused(ARCHIVE_BOMB)
            if any(
                e.file_size > 1024 * 1024 and e.file_size > _MAX_RATIO * max(e.compress_size, 1)
                for e in entries
            ):
                raise UploadRefused(ARCHIVE_BOMB)
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names:
                return None
            if archive.getinfo("[Content_Types].xml").file_size > _MAX_CONTENT_TYPES:
                raise UploadRefused(ARCHIVE_BOMB)
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    for part, (file_type, extension, content_type, main_type) in _OOXML.items():
        if part in names and main_type in types:
            return file_type, extension, content_type
    return None
