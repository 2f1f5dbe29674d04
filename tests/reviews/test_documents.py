"""Documents requested before the review: checked by content, stored under server-chosen names."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.documents.models import Document, DocumentDownload, DocumentRequest
from tests.reviews.office_files import (
    EXCEL_MACRO_MAIN,
    EXCEL_MAIN,
    POWERPOINT_MAIN,
    WORD_MACRO_MAIN,
    WORD_MAIN,
    compound_file,
    ooxml,
    understate_size,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


DOCX = ooxml("word/document.xml", WORD_MAIN)
XLSX = ooxml("xl/workbook.xml", EXCEL_MAIN)
PPTX = ooxml("ppt/presentation.xml", POWERPOINT_MAIN)
XLSM = ooxml("xl/workbook.xml", EXCEL_MACRO_MAIN)
OLD_DOC = compound_file(["WordDocument"])


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


# Hostile Office files: macros, a type named by the wrong part, archives that unpack to too much.

MACROS = "The file contains macros"


def _real_docx() -> bytes:
    from docx import Document as WordDocument

    document = WordDocument()
    document.add_paragraph("Threshold document")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _real_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Contacts"
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "file_type", "extension"),
    [
        ("saved-by-word.docx", _real_docx(), "word", ".docx"),
        ("saved.xlsx", _real_xlsx(), "excel", ".xlsx"),
    ],
)
def test_files_saved_by_office_libraries_are_accepted(
    world, wanted, name, content, file_type, extension
) -> None:
    assert _upload(world, wanted, name, content).status_code == 302
    document = Document.objects.get()
    assert document.file_type == file_type and document.file.name.endswith(extension)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.doc", compound_file(["WordDocument"], (("Macros", "VBA"),))),
        ("figures.xls", compound_file(["Workbook"], (("_VBA_PROJECT_CUR", "VBA"),))),
        ("slides.ppt", compound_file(["PowerPoint Document"], (("VBA",),))),
    ],
)
def test_a_legacy_office_file_with_vba_macros_is_refused(world, wanted, name, content) -> None:
    page = _upload(world, wanted, name, content).content.decode()
    assert MACROS in page
    assert not Document.objects.exists()


def test_a_legacy_office_file_is_judged_by_its_streams_not_by_bytes_that_look_like_a_name(
    world, wanted
) -> None:
    fake = OLD_DOC[:512] + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00\x00"
    page = _upload(world, wanted, "old.doc", fake).content.decode()
    assert "The file must be a PDF, Word, Excel or PowerPoint document" in page
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        # The main part is macro-enabled; [Content_Types].xml also names the plain Word type.
        ooxml(
            "word/document.xml",
            WORD_MACRO_MAIN,
            other_types={"word/glossary.xml": WORD_MAIN},
            parts={"word/glossary.xml": b"<x/>"},
        ),
        # The main part says plain Word, but the package carries a VBA project.
        ooxml(
            "word/document.xml",
            WORD_MAIN,
            defaults={"bin": "application/vnd.ms-office.vbaProject"},
            parts={"word/vbaProject.bin": b"\x00" * 64},
        ),
        # A VBA project part under another name, declared by its content type only.
        ooxml(
            "word/document.xml",
            WORD_MAIN,
            other_types={"word/code.dat": "application/vnd.ms-office.vbaProject"},
            parts={"word/code.dat": b"\x00" * 64},
        ),
        ooxml("xl/workbook.xml", EXCEL_MACRO_MAIN),
    ],
    ids=["docm-naming-docx-too", "vbaproject-bin", "vbaproject-type", "xlsm"],
)
def test_an_office_file_with_macros_is_refused_whatever_else_it_declares(
    world, wanted, content
) -> None:
    page = _upload(world, wanted, "letter.docx", content).content.decode()
    assert MACROS in page
    assert not Document.objects.exists()


def test_an_office_files_type_is_that_of_its_main_part(world, wanted) -> None:
    # The main part is a spreadsheet; a Word part is present (and declared) but not the document.
    content = ooxml(
        "xl/workbook.xml",
        EXCEL_MAIN,
        other_types={"word/document.xml": WORD_MAIN},
        parts={"word/document.xml": b"<x/>"},
    )
    assert _upload(world, wanted, "looks-like-word.docx", content).status_code == 302
    document = Document.objects.get()
    assert document.file_type == "excel" and document.file.name.endswith(".xlsx")


def test_an_office_file_whose_main_part_is_not_an_office_document_is_refused(world, wanted) -> None:
    content = ooxml(
        "payload.xml",
        "application/xml",
        other_types={"word/document.xml": WORD_MAIN},
        parts={"word/document.xml": b"<x/>"},
    )
    page = _upload(world, wanted, "letter.docx", content).content.decode()
    assert "The file must be a PDF, Word, Excel or PowerPoint document" in page
    assert not Document.objects.exists()


def _many_parts(count: int, size: int) -> bytes:
    block = b"\0" * size
    return ooxml(
        "word/document.xml",
        WORD_MAIN,
        parts={f"word/media/part{i}.xml": block for i in range(count)},
    )


def test_a_small_archive_of_many_one_megabyte_parts_that_unpacks_too_far_is_refused(
    world, wanted
) -> None:
    # No part is over 1 MB (the old per-part check), but together they unpack to 250 MB.
    bomb = _many_parts(250, 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    page = _upload(world, wanted, "threshold-document.docx", bomb).content.decode()
    assert "unpacks to far more than an office document would" in page
    assert not Document.objects.exists()


def test_an_archive_that_unpacks_to_a_hundred_times_its_size_is_refused(world, wanted) -> None:
    bomb = _many_parts(40, 1024 * 1024)  # 40 MB from about 50 KB
    page = _upload(world, wanted, "threshold-document.docx", bomb).content.decode()
    assert "unpacks to far more than an office document would" in page
    assert not Document.objects.exists()


def test_an_archive_whose_headers_understate_a_part_is_refused(world, wanted) -> None:
    honest = ooxml("word/document.xml", WORD_MAIN, parts={"word/styles.xml": b"\0" * 5_000_000})
    lying = understate_size(honest, "word/styles.xml", 1000)
    page = _upload(world, wanted, "letter.docx", lying).content.decode()
    assert "The file could not be read" in page
    assert not Document.objects.exists()


def test_an_archive_with_too_many_parts_is_refused(world, wanted) -> None:
    crowded = _many_parts(5_001, 0)
    page = _upload(world, wanted, "letter.docx", crowded).content.decode()
    assert "it holds far more parts than an office document would" in page
    assert not Document.objects.exists()
