"""What an uploaded file really is, judged by its content and never by its name (every upload of
every app: a review's documents, an external review's report).

Accepted: PDF; Word, Excel and PowerPoint, both the current (Office Open XML) formats and the older
binary (OLE) ones. Anything else, including any Office file that carries VBA macros, is refused with a
message that says why. An Office Open XML file's type is that of its main part; an archive that
unpacks to far more than a document would (or claims to unpack to less than it does) is refused.

``inspect_image`` does the same for images (an organisation's logo): PNG, JPEG or SVG, an SVG with a
script or a reference to anything outside itself refused.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

import olefile

# The kinds of file, as the documents' ``FileType`` stores them.
PDF, WORD, EXCEL, POWERPOINT = "pdf", "word", "excel", "powerpoint"

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

# The content type of a package's main part (the target of its officeDocument relationship).
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        WORD,
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        EXCEL,
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        POWERPOINT,
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
_OFFICE_DOCUMENT_RELATIONSHIPS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",  # strict
}

_OLE = [
    ("worddocument", WORD, ".doc", "application/msword"),
    ("workbook", EXCEL, ".xls", "application/vnd.ms-excel"),
    ("book", EXCEL, ".xls", "application/vnd.ms-excel"),
    ("powerpoint document", POWERPOINT, ".ppt", "application/vnd.ms-powerpoint"),
]
# Where the older binary formats keep VBA macros: Word's "Macros", Excel's "_VBA_PROJECT_CUR", and
# the "VBA" storage inside either.
_OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba"}

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


MACROS = (
    "The file contains macros (small programs that could run on the computer of whoever opens it). "
    "Save it again without macros, as a .docx, .xlsx or .pptx file, and upload that copy"
)
TOO_MANY_PARTS = (
    "The file could not be checked safely: it holds far more parts than an office document would. "
    "Save it again from Word, Excel or PowerPoint and upload that copy"
)
DAMAGED = (
    "The file could not be read: it may be damaged or protected with a password. Save it again "
    "from Word, Excel or PowerPoint, without a password, and upload that copy"
)

ARCHIVE_BOMB = (
    "The file could not be checked safely: it unpacks to far more than an office document would. "
    "Save it again from Word, Excel or PowerPoint and upload that copy"
)


def _size_within(upload: IO[bytes], max_mb: int) -> int:
    """The upload's size in bytes; ``UploadRefused`` if it is over ``max_mb``."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_mb * 1024 * 1024:
        raise UploadRefused(f"The file must be smaller than {max_mb} MB")
    return size


def inspect_upload(upload: IO[bytes], *, max_mb: int) -> Inspected:
    size = _size_within(upload, max_mb)
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
        return PDF, ".pdf", "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(upload)
    return None


def _ole_kind(upload: IO[bytes]) -> tuple[str, str, str] | None:
    """A legacy Office file (OLE compound file): its type by its root streams; VBA refused."""
    try:
        with olefile.OleFileIO(upload) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except Exception:
        return None
    if any(name.lower() in _OLE_MACRO_STORAGES for path in entries for name in path):
        raise UploadRefused(MACROS)
    roots = {path[0].lower() for path in entries if len(path) == 1}
    for stream, file_type, extension, content_type in _OLE:
        if stream in roots:
            return file_type, extension, content_type
    return None


# Limits that real Office files sit far inside, and that a zip bomb (a small file that unpacks to
# gigabytes) does not. They hold whatever the archive's own size.
_MAX_ENTRIES = 5_000
_MAX_UNPACKED = 200 * 1024 * 1024  # 200 MB in all, declared and actually read
_MAX_RATIO = 100  # unpacked size / packed size, of the whole archive and of each part
_RATIO_FLOOR = 10 * 1024 * 1024  # below this, a high ratio is harmless (small XML parts)
_MAX_PACKAGE_XML = 1024 * 1024  # [Content_Types].xml and _rels/.rels
_CHUNK = 1024 * 1024


def _ooxml_kind(upload: IO[bytes]) -> tuple[str, str, str] | None:
    """An Office Open XML package: its type by the content type of its main part; macros refused.

    The main part is the one the package's ``_rels/.rels`` officeDocument relationship points to,
    and its content type is the one ``[Content_Types].xml`` gives that part: the names of other
    parts, or other content types the file lists, do not decide it.
    """
    upload.seek(0, 2)
    packed = max(upload.tell(), 1)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > _MAX_ENTRIES:
                raise UploadRefused(TOO_MANY_PARTS)
            declared = sum(e.file_size for e in entries)
            if declared > _MAX_UNPACKED or (
                declared > _RATIO_FLOOR and declared > _MAX_RATIO * packed
            ):
                raise UploadRefused(ARCHIVE_BOMB)
            if any(
                e.file_size > _RATIO_FLOOR and e.file_size > _MAX_RATIO * max(e.compress_size, 1)
                for e in entries
            ):
                raise UploadRefused(ARCHIVE_BOMB)
            names = {e.filename.lower(): e.filename for e in entries}
            if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
                raise UploadRefused(MACROS)
            if "[content_types].xml" not in names or "_rels/.rels" not in names:
                return None
            types = _package_xml(archive, names["[content_types].xml"])
            relationships = _package_xml(archive, names["_rels/.rels"])
            _read_every_part_within_the_limit(archive, entries)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError):
        return None
    except (RuntimeError, NotImplementedError):  # encrypted, or an unknown compression method
        raise UploadRefused(DAMAGED) from None
    if types is None or relationships is None:
        return None
    defaults, overrides = _content_types(types)
    if any(_is_macro_type(t) for t in (*defaults.values(), *overrides.values())):
        raise UploadRefused(MACROS)
    main = _main_part(relationships)
    if main is None or main.lower() not in names:
        return None
    main_type = overrides.get("/" + main.lower()) or defaults.get(main.rsplit(".", 1)[-1].lower())
    if main_type is None:
        return None
    return _OOXML_MAIN.get(main_type.strip().lower())


def _package_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    """A small package part, parsed; None when it is too big, has a DTD or is not XML."""
    if archive.getinfo(name).file_size > _MAX_PACKAGE_XML:
        raise UploadRefused(ARCHIVE_BOMB)
    with archive.open(name) as part:
        data = part.read(_MAX_PACKAGE_XML + 1)  # a lying header cannot make this read more
    if len(data) > _MAX_PACKAGE_XML or b"<!DOCTYPE" in data.upper():
        return None
    try:
        return ElementTree.fromstring(data)  # noqa: S314 - bounded, and no DTD (so no entities)
    except ElementTree.ParseError:
        return None


def _read_every_part_within_the_limit(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]
) -> None:
    """Unpack every part, counting what really comes out: a header that understates a part's size
    fails its checksum (zipfile stops at the declared size), and the total is bounded anyway."""
    budget = _MAX_UNPACKED
    for entry in entries:
        if entry.is_dir():
            continue
        try:
            with archive.open(entry) as part:
                while chunk := part.read(_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise UploadRefused(ARCHIVE_BOMB)
        except (zipfile.BadZipFile, EOFError, OSError):  # a checksum that fails: the header lies
            raise UploadRefused(DAMAGED) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _content_types(types: ElementTree.Element) -> tuple[dict[str, str], dict[str, str]]:
    """[Content_Types].xml: the defaults by extension and the overrides by part name (lower case,
    as part names compare without regard to case)."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in types:
        content_type = (element.get("ContentType") or "").strip()
        if _local(element.tag) == "Default":
            defaults.setdefault((element.get("Extension") or "").lower(), content_type)
        elif _local(element.tag) == "Override":
            part = (element.get("PartName") or "").strip().lower()
            overrides.setdefault("/" + part.lstrip("/"), content_type)
    return defaults, overrides


def _is_macro_type(content_type: str) -> bool:
    lowered = content_type.lower()
    return "macroenabled" in lowered or "vbaproject" in lowered


def _main_part(relationships: ElementTree.Element) -> str | None:
    """The package-relative name of the part the officeDocument relationship points to."""
    for element in relationships:
        if _local(element.tag) != "Relationship":
            continue
        if (element.get("Type") or "").strip() not in _OFFICE_DOCUMENT_RELATIONSHIPS:
            continue
        if (element.get("TargetMode") or "").lower() == "external":
            return None
        target = posixpath.normpath("/" + (element.get("Target") or "").strip().lstrip("/"))
        return target.lstrip("/") or None
    return None


# Images: an organisation's logo ------------------------------------------------------------------
#
# PNG and JPEG by their signatures, then opened with Pillow (a file that only starts like an image is
# refused), within a number of pixels; SVG parsed as XML, refused if it could run a script or make
# whoever shows it fetch anything (the letter's PDF is made on the server, the preview in a browser).

PNG, JPEG, SVG = "png", "jpeg", "svg"
IMAGE_WRONG_TYPE = "The logo must be a PNG, JPEG or SVG image"
IMAGE_DAMAGED = "The image could not be read: it may be damaged. Save it again and upload that copy"
IMAGE_TOO_MANY_PIXELS = (
    "The image is too large: it must be at most {pixels:,} pixels in all (for example 4,000 by "
    "4,000). Save a smaller copy and upload that"
)
SVG_SCRIPT = (
    "The SVG image contains a script or an event handler (a program that could run when it is "
    "shown). Save it again without scripts, or as a PNG, and upload that copy"
)
SVG_EXTERNAL = (
    "The SVG image refers to something outside itself (a web address, another file or embedded "
    "content). Save it again with everything inside the image, or as a PNG, and upload that copy"
)
SVG_DOCTYPE = (
    "The SVG image has a document type declaration, which is not allowed. Save it again without "
    "one, or as a PNG, and upload that copy"
)
_MAX_PIXELS = 16_000_000
_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_REFUSED_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video"}
_SVG_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "discard"}


def inspect_image(upload: IO[bytes], *, max_mb: int) -> Inspected:
    """A PNG, JPEG or SVG image, judged by its content; ``UploadRefused`` says why it is not one."""
    size = _size_within(upload, max_mb)
    upload.seek(0)
    data = upload.read(max_mb * 1024 * 1024 + 1)
    upload.seek(0)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = (PNG, ".png", "image/png")
        _check_bitmap(data, "PNG")
    elif data.startswith(b"\xff\xd8\xff"):
        kind = (JPEG, ".jpg", "image/jpeg")
        _check_bitmap(data, "JPEG")
    elif _looks_like_svg(data):
        kind = (SVG, ".svg", "image/svg+xml")
        _check_svg(data)
    else:
        raise UploadRefused(IMAGE_WRONG_TYPE)
    return Inspected(*kind, size, hashlib.sha256(data).hexdigest())


def _check_bitmap(data: bytes, pillow_format: str) -> None:
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != pillow_format:
                    raise UploadRefused(IMAGE_WRONG_TYPE)
                width, height = image.size
                if width * height > _MAX_PIXELS:
                    raise UploadRefused(IMAGE_TOO_MANY_PIXELS.format(pixels=_MAX_PIXELS))
                image.verify()
    except UploadRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRefused(IMAGE_TOO_MANY_PIXELS.format(pixels=_MAX_PIXELS)) from None
    except Exception:  # Pillow raises many kinds of error for a damaged file
        raise UploadRefused(IMAGE_DAMAGED) from None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")) and b"<svg" in data.lower()


def _check_svg(data: bytes) -> None:
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise UploadRefused(SVG_DOCTYPE)
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DTD (refused above), so no entities
    except ElementTree.ParseError:
        raise UploadRefused(IMAGE_DAMAGED) from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise UploadRefused(IMAGE_WRONG_TYPE)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag).lower()
        if name == "script":
            raise UploadRefused(SVG_SCRIPT)
        if name in _SVG_REFUSED_ELEMENTS:
            raise UploadRefused(SVG_EXTERNAL)
        for attribute, value in element.attrib.items():
            local = _local(attribute).lower()
            if local.startswith("on"):
                raise UploadRefused(SVG_SCRIPT)
            if local in {"href", "src"} and not value.strip().startswith("#"):
                raise UploadRefused(SVG_EXTERNAL)
            animated = name in _SVG_ANIMATIONS and local in {
                "attributename",
                "values",
                "from",
                "to",
            }
            if animated and ("href" in value.lower() or value.strip().lower().startswith("on")):
                raise UploadRefused(SVG_SCRIPT)
            if _refers_outside(value):
                raise UploadRefused(SVG_EXTERNAL)
        if name == "style" and (
            _refers_outside(element.text or "") or "@import" in (element.text or "").lower()
        ):
            raise UploadRefused(SVG_EXTERNAL)


def _refers_outside(text: str) -> bool:
    """A CSS ``url(...)`` to anything but a fragment of the image itself, or a script address."""
    lowered = text.lower()
    if "javascript:" in lowered or "@import" in lowered:
        return True
    position = lowered.find("url(")
    while position >= 0:
        target = lowered[position + 4 :].lstrip(" \t\n'\"")
        if not target.startswith("#"):
            return True
        position = lowered.find("url(", position + 4)
    return False
