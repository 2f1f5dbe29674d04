"""Documents, the fast way: a standard pack per lead organisation requested in one step, requests
changed and withdrawn (still shown, and in the trail), uploads removed or replaced (the stored file
deleted, the trail keeping what it was), and the same file sent twice flagged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.documents.models import Document, DocumentPack, DocumentRequest, default_pack
from trail.models import Event

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n2 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def wanted(world) -> DocumentRequest:
    return DocumentRequest.objects.create(
        review=world.review, kind=DocumentRequest.Kind.THRESHOLD_DOCUMENT
    )


def _url(name: str, world, *args: int) -> str:
    return reverse(f"reviews:{name}", args=[world.review.pk, *args])


def _upload(world, wanted, name: str, content: bytes = PDF, role: str = "host_lead"):
    return world.client(role).post(
        _url("document-upload", world, wanted.pk),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        follow=True,
    )


def _documents_page(world, role: str = "host_lead") -> str:
    return world.client(role).get(_url("documents", world)).content.decode()


# The pack ----------------------------------------------------------------------------------------


def test_the_shipped_pack_is_data_with_the_documents_a_front_door_review_needs() -> None:
    titles = [item.title for item in default_pack()]
    for expected in (
        "Self-assessment",
        "Performance data pack",
        "Threshold document",
        "Front door procedures",
        "Quality assurance reports",
    ):
        assert expected in titles
    assert all(item.notes for item in default_pack())


def test_the_coordinator_requests_the_pack_in_one_step_with_one_date(world) -> None:
    client = world.client("coordinator")
    url = _url("document-request-pack", world)
    page = client.get(url).content.decode()
    assert "Front door procedures" in page and "the pack the service ships with" in page
    response = client.post(
        url,
        {
            "chosen": ["Threshold document", "Front door procedures"],
            "due_date_0": "3",
            "due_date_1": "2",
            "due_date_2": "2027",
        },
    )
    assert response.status_code == 302
    made = {r.label: r for r in DocumentRequest.objects.filter(review=world.review)}
    assert set(made) == {"Threshold document", "Front door procedures"}
    assert made["Threshold document"].kind == DocumentRequest.Kind.THRESHOLD_DOCUMENT
    assert made["Front door procedures"].kind == DocumentRequest.Kind.OTHER
    assert "screening, consent" in made["Front door procedures"].notes
    assert {str(r.due_date) for r in made.values()} == {"2027-02-03"}
    # Asked again: those already requested are said so, and not ticked.
    page = client.get(url).content.decode()
    assert "Threshold document (already requested)" in page
    assert "Needed by 3 February 2027" in _documents_page(world)


def test_choosing_nothing_from_the_pack_says_so(world) -> None:
    page = (
        world.client("coordinator")
        .post(_url("document-request-pack", world), {"due_date_0": "40"})
        .content.decode()
    )
    assert "Choose at least one document to request" in page
    assert not DocumentRequest.objects.exists()


def test_the_pack_belongs_to_the_lead_organisation_and_is_edited_as_lines(world) -> None:
    client = world.client("coordinator")
    url = _url("document-pack", world)
    assert "Threshold document | The current threshold" in client.get(url).content.decode()
    page = client.post(
        url, {"lines": "Safeguarding partnership report\n | no name\nA\na", "version": "0"}
    ).content.decode()
    assert "Line 2: give the document&#x27;s name before the |" in page
    assert "Line 4: “a” is already on line 3" in page
    assert "Safeguarding partnership report" in page  # the text is kept
    response = client.post(
        url,
        {
            "lines": "Safeguarding partnership report | The latest annual report\n\nThreshold document",
            "version": "0",
        },
    )
    assert response.status_code == 302
    pack = DocumentPack.objects.get(organisation=world.lead_org)
    assert [item.title for item in pack.pack_items] == [
        "Safeguarding partnership report",
        "Threshold document",
    ]
    # Every review this organisation leads uses it; the other organisations keep the default.
    page = client.get(_url("document-request-pack", world)).content.decode()
    assert "Safeguarding partnership report" in page and "Front door procedures" not in page
    items, own = DocumentPack.items_for(world.host_org)
    assert own is None and "Front door procedures" in [i.title for i in items]
    # Saved from an old page: refused, the person's text kept.
    page = client.post(url, {"lines": "Only this", "version": "0"}).content.decode()
    assert "Someone else changed this" in page and "Only this" in page
    assert len(DocumentPack.objects.get(pk=pack.pk).items) == 2


# Changing and withdrawing requests ---------------------------------------------------------------


def test_a_request_is_changed_with_a_version_check(world, wanted) -> None:
    client = world.client("coordinator")
    url = _url("document-request-edit", world, wanted.pk)
    data = {
        "kind": "threshold_document",
        "title": "",
        "notes": "With the partners' guidance",
        "due_date_0": "",
        "due_date_1": "",
        "due_date_2": "",
        "version": "1",
    }
    assert client.post(url, data).status_code == 302
    wanted.refresh_from_db()
    assert wanted.notes == "With the partners' guidance" and wanted.version == 2
    page = client.post(url, {**data, "notes": "Stale"}).content.decode()
    assert "Someone else changed this" in page and "Stale" in page
    wanted.refresh_from_db()
    assert wanted.notes == "With the partners' guidance"
    assert Event.objects.filter(
        action=Event.Action.DOCUMENT_CHANGED, detail__change="edited"
    ).exists()


def test_a_withdrawn_request_shows_as_withdrawn_to_the_host_and_stays_in_the_trail(
    world, wanted
) -> None:
    client = world.client("coordinator")
    url = _url("document-request-withdraw", world, wanted.pk)
    assert "Withdraw the request" in client.get(url).content.decode()
    assert DocumentRequest.objects.get(pk=wanted.pk).withdrawn_at is None  # nothing on GET
    assert client.post(url).status_code == 302
    page = _documents_page(world)
    assert "Withdrawn" in page and "no need to send it" in page
    assert _url("document-upload", world, wanted.pk) not in page
    # Uploading to it is refused.
    _upload(world, wanted, "late.pdf")
    assert not Document.objects.exists()
    event = Event.objects.get(action=Event.Action.DOCUMENT_CHANGED, detail__change="withdrawn")
    assert event.actor == world.people["coordinator"] and event.detail["request"] == wanted.label


# Removing, replacing, the same file twice ---------------------------------------------------------


def test_removing_an_upload_deletes_the_file_and_the_trail_keeps_it(
    world, wanted, django_capture_on_commit_callbacks
) -> None:
    _upload(world, wanted, "wrong-council.pdf")
    document = Document.objects.get()
    stored = Path(document.file.path)
    assert stored.exists()
    client = world.client("host_lead")
    url = _url("document-remove", world, document.pk)
    assert "Remove the file" in client.get(url).content.decode()
    assert client.post(url).status_code == 200  # the button not pressed: asked again
    assert Document.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"remove": "yes"}).status_code == 302
    assert not Document.objects.exists()
    assert not stored.exists()
    event = Event.objects.get(action=Event.Action.DOCUMENT_CHANGED, detail__change="removed")
    assert event.detail["name"] == "wrong-council.pdf"
    assert event.detail["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert event.detail["uploaded_by"] == "host_lead@example.org"
    assert event.actor_email == "host_lead@example.org"
    page = _documents_page(world, "coordinator")
    assert "“wrong-council.pdf” removed" in page and "Not uploaded yet" in page


def test_replacing_an_upload_keeps_the_request_and_deletes_the_old_file(
    world, wanted, django_capture_on_commit_callbacks
) -> None:
    _upload(world, wanted, "draft.pdf")
    old = Document.objects.get()
    stored = Path(old.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("host_lead").post(
            _url("document-replace", world, old.pk),
            {"file": SimpleUploadedFile("final.pdf", OTHER_PDF, content_type="application/pdf")},
        )
    assert response.status_code == 302
    new = Document.objects.get()
    assert new.original_name == "final.pdf" and new.request == wanted
    assert not stored.exists() and Path(new.file.path).exists()
    assert Event.objects.filter(detail__change="replaced", detail__name="draft.pdf").exists()


def test_the_same_file_twice_is_flagged(world, wanted) -> None:
    other = DocumentRequest.objects.create(review=world.review, kind=DocumentRequest.Kind.DATA_PACK)
    _upload(world, wanted, "thresholds.pdf")
    page = _upload(world, other, "data.pdf").content.decode()
    assert "This file is the same as “thresholds.pdf” uploaded on" in page
    assert "for Threshold document" in page
    assert "Same file twice" in _documents_page(world)
    # A different file is not flagged.
    page = _upload(world, other, "real-data.pdf", OTHER_PDF).content.decode()
    assert "This file is the same as" not in page


def test_the_review_team_cannot_remove_or_replace_the_hosts_files(world, wanted) -> None:
    _upload(world, wanted, "thresholds.pdf")
    document = Document.objects.get()
    for role in ("reviewer", "lead_reviewer", "host_staff"):
        client = world.client(role)
        response = client.post(_url("document-remove", world, document.pk), {"remove": "yes"})
        assert response.status_code == 403
        assert client.post(_url("document-replace", world, document.pk)).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()
