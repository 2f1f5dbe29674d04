"""Documents requested before the review: checked by content, stored under server-chosen names."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.documents import OLE_MAGIC
from reviews.models import Document, DocumentDownload, DocumentRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ooxml(part: str, main_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/{part}" ContentType="{main_type}"/></Types>',
        )
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = _ooxml(
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
XLSX = _ooxml(
    "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
PPTX = _ooxml(
    "ppt/presentation.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)
XLSM = _ooxml("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
OLD_DOC = (
    OLE_MAGIC + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00\x00" + b"\x00" * 50
)


@pytest.fixture
def wanted(world) -> DocumentRequest:
    return DocumentRequest.objects.create(
        review=world.review, kind=DocumentRequest.Kind.SELF_ASSESSMENT
    )


def _upload(world, wanted, name: str, content: bytes, role: str = "host_lead"):
    return world.client(role).post(
        reverse("reviews:document-upload", args=[world.review.pk, wanted.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def test_the_coordinator_requests_documents_and_says_what_is_missing(world) -> None:
    client = world.client("coordinator")
    url = reverse("reviews:document-request-create", args=[world.review.pk])
    page = client.post(url, {"kind": "other", "notes": "Last two quarters"}).content.decode()
    assert "Enter the name of the document you want" in page and "Last two quarters" in page
    assert client.post(url, {"kind": "data_pack", "notes": "Last two quarters"}).status_code == 302
    page = (
        world.client("host_lead")
        .get(reverse("reviews:documents", args=[world.review.pk]))
        .content.decode()
    )
    assert (
        "Performance data pack" in page and "Not uploaded yet" in page and "Upload a file" in page
    )
    assert (
        "Upload a file"
        not in world.client("host_staff")
        .get(reverse("reviews:documents", args=[world.review.pk]))
        .content.decode()
    )


@pytest.mark.parametrize(
    ("name", "content", "file_type", "extension"),
    [
        ("Self assessment.pdf", PDF, "pdf", ".pdf"),
        ("Self assessment.docx", DOCX, "word", ".docx"),
        ("figures.xlsx", XLSX, "excel", ".xlsx"),
        ("slides.pptx", PPTX, "powerpoint", ".pptx"),
        ("old.doc", OLD_DOC, "word", ".doc"),
        ("misnamed.txt", PDF, "pdf", ".pdf"),
    ],
)
def test_accepted_files_are_stored_under_a_server_chosen_name_with_their_sha256(
    world, wanted, name, content, file_type, extension
) -> None:
    assert _upload(world, wanted, name, content).status_code == 302
    document = Document.objects.get()
    assert document.file_type == file_type and document.original_name == name
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    stored = document.file.name
    assert stored.endswith(extension) and name.split(".")[0] not in stored
    assert stored.startswith(f"documents/{world.review.pk}/")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"just some text, not a PDF"),
        ("macro.xlsx", XLSM),
        ("archive.docx", b"PK\x03\x04broken"),
    ],
)
def test_files_of_another_type_are_refused_whatever_their_name(
    world, wanted, name, content
) -> None:
    page = _upload(world, wanted, name, content).content.decode()
    assert "The file must be a PDF, Word, Excel or PowerPoint document" in page
    assert not Document.objects.exists()


def test_a_file_over_the_configured_size_is_refused(world, wanted, settings) -> None:
    settings.DOCUMENT_MAX_UPLOAD_MB = 1
    page = _upload(world, wanted, "big.pdf", PDF + b"0" * (1024 * 1024)).content.decode()
    assert "The file must be smaller than 1 MB" in page
    assert not Document.objects.exists()


def test_no_file_chosen_says_so(world, wanted) -> None:
    page = (
        world.client("host_lead")
        .post(reverse("reviews:document-upload", args=[world.review.pk, wanted.pk]))
        .content.decode()
    )
    assert "Choose a file to upload" in page


def test_host_staff_and_reviewers_cannot_upload(world, wanted) -> None:
    assert _upload(world, wanted, "a.pdf", PDF, role="host_staff").status_code == 403
    assert _upload(world, wanted, "a.pdf", PDF, role="reviewer").status_code == 403


def test_every_download_is_recorded_with_who_and_when(world, wanted) -> None:
    _upload(world, wanted, "Self assessment.pdf", PDF)
    document = Document.objects.get()
    response = world.client("reviewer").get(
        reverse("reviews:document-download", args=[world.review.pk, document.pk])
    )
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="Self assessment.pdf"' in response["Content-Disposition"]
    response = world.client("lead_reviewer").get(
        reverse("reviews:document-read", args=[world.review.pk, document.pk])
    )
    assert (
        response["Content-Disposition"].startswith("inline")
        and response["Content-Type"] == "application/pdf"
    )
    downloads = list(
        DocumentDownload.objects.order_by("created_at").values_list("user__email", "inline")
    )
    assert downloads == [("reviewer@example.org", False), ("lead_reviewer@example.org", True)]
    assert (
        world.client("reviewer_elsewhere")
        .get(reverse("reviews:document-download", args=[world.review.pk, document.pk]))
        .status_code
        == 404
    )
    assert DocumentDownload.objects.count() == 2
    # ...and in the audit trail, which nobody can edit.
    from trail.models import Event

    trail = Event.objects.filter(action=Event.Action.DOCUMENT_DOWNLOADED, review_id=world.review.pk)
    assert list(trail.order_by("id").values_list("actor_email", flat=True)) == [
        "reviewer@example.org",
        "lead_reviewer@example.org",
    ]
    page = (
        world.client("coordinator")
        .get(reverse("reviews:documents", args=[world.review.pk]))
        .content.decode()
    )
    assert "opened 2 times" in page


def _zip_bomb() -> bytes:
    """A small .docx-shaped archive whose parts unpack to about 200 MB."""
    import io
    import zipfile

    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml", '<Types><Override ContentType="wordprocessingml"/></Types>'
        )
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    return stream.getvalue()


def test_an_executable_renamed_pdf_is_refused(world, wanted) -> None:
    windows_program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    page = _upload(world, wanted, "self-assessment.pdf", windows_program).content.decode()
    assert "The file must be a PDF, Word, Excel or PowerPoint document" in page
    linux_program = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    page = _upload(world, wanted, "data-pack.pdf", linux_program).content.decode()
    assert "The file must be a PDF, Word, Excel or PowerPoint document" in page
    assert not Document.objects.exists()


def test_a_zip_bomb_dressed_as_a_word_document_is_refused_without_unpacking_it(
    world, wanted
) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 1024 * 1024  # small on the wire
    page = _upload(world, wanted, "threshold-document.docx", bomb).content.decode()
    assert "unpacks to far more than an office document would" in page
    assert not Document.objects.exists()
