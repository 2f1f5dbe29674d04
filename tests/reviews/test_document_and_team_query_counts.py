"""The documents and team pages make the same number of queries with few and many rows: requests,
files (some the same file twice), removed files, invitations, and the pages of issue 22."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.uploads import inspect_upload
from reviews.documents import services
from reviews.documents.models import DocumentRequest
from reviews.setup.models import Invitation, Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _grow(world, start: int, n: int) -> None:
    host_lead = world.people["host_lead"]
    for i in range(start, start + n):
        wanted = DocumentRequest.objects.create(
            review=world.review, kind=DocumentRequest.Kind.OTHER, title=f"Document {i}"
        )
        for j in range(2):
            content = PDF + (b"%" + str(j).encode())  # two distinct files, each sent again below
            upload = SimpleUploadedFile(f"file-{i}-{j}.pdf", content)
            services.store_document(
                request=wanted,
                upload=upload,
                inspected=inspect_upload(upload, max_mb=25),
                user=host_lead,
            )
        gone = wanted.documents.first()
        services.remove_document(document=gone, user=host_lead)
        if i % 2:
            services.withdraw_request(wanted=wanted, user=world.people["coordinator"])
        invitation = Invitation(
            review=world.review, email=f"person{i}@x.example", role=Role.REVIEWER
        )
        invitation.new_token()
        invitation.save()


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_documents_and_team_pages_stay_flat(world) -> None:
    pages = {
        "documents (host)": ("host_lead", reverse("reviews:documents", args=[world.review.pk])),
        "documents (coordinator)": (
            "coordinator",
            reverse("reviews:documents", args=[world.review.pk]),
        ),
        "team": ("coordinator", reverse("reviews:team", args=[world.review.pk])),
        "invite several": (
            "coordinator",
            reverse("reviews:invitation-bulk", args=[world.review.pk]),
        ),
        "from the pack": (
            "coordinator",
            reverse("reviews:document-request-pack", args=[world.review.pk]),
        ),
    }
    clients = {role: world.client(role) for role in ("host_lead", "coordinator")}
    _grow(world, 0, 2)
    few = {name: _count(clients[role], url) for name, (role, url) in pages.items()}
    _grow(world, 2, 8)
    many = {name: _count(clients[role], url) for name, (role, url) in pages.items()}
    assert many == few
    assert max(few.values()) <= 20, few
