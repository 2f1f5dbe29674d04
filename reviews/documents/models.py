"""Document requests, uploaded documents and their downloads."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organisation
from core.models import Timestamped, Versioned
from reviews.setup.models import Review


class DocumentRequestQuerySet(models.QuerySet["DocumentRequest"]):
    def open(self) -> DocumentRequestQuerySet:
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class DocumentRequest(Versioned):
    """A document the coordinator asks the host for before the review. Withdrawn, it stays (shown
    as withdrawn, with who and when) rather than disappearing from the host's list."""

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", "Self-assessment"
        DATA_PACK = "data_pack", "Performance data pack"
        THRESHOLD_DOCUMENT = "threshold_document", "Threshold document"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
        AUDIT_REPORTS = "audit_reports", "Audit reports"
        STRUCTURE_CHARTS = "structure_charts", "Structure charts"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="document_requests")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True, help_text="Needed when the kind is Other.")
    notes = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["review", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(title=""), name="other_document_has_a_title"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def document_path(instance: Document, filename: str) -> str:
    """A server-chosen name: the person's file name is kept only as a label."""
    return f"documents/{instance.review_id}/{uuid.uuid4().hex}{instance.extension}"


class Document(Timestamped):
    """A file uploaded against a request, stored under a server-chosen name with its SHA-256."""

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        WORD = "word", "Word"
        EXCEL = "excel", "Excel"
        POWERPOINT = "powerpoint", "PowerPoint"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=12, choices=FileType.choices)
    extension = models.CharField(max_length=6)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "-created_at"]

    def __str__(self) -> str:
        return self.original_name


class DocumentDownload(models.Model):
    """Who opened or downloaded which document, and when."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    inline = models.BooleanField(default=False, help_text="Read in the browser rather than saved.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.document} – {self.user} – {self.created_at:%Y-%m-%d %H:%M}"


DEFAULT_PACK_FILE = Path(__file__).with_name("default_pack.json")


@dataclass(frozen=True)
class PackItem:
    """One document of a pack: what to ask for, and the note the host reads."""

    title: str
    notes: str = ""

    @property
    def kind(self) -> str:
        """The request's kind when the title names one (``Threshold document``), else Other."""
        by_label = {label.casefold(): value for value, label in DocumentRequest.Kind.choices}
        return by_label.get(self.title.casefold(), DocumentRequest.Kind.OTHER)

    def as_line(self) -> str:
        return f"{self.title} | {self.notes}" if self.notes else self.title


def default_pack() -> list[PackItem]:
    """The pack the product ships (``default_pack.json``), for organisations without their own."""
    rows = json.loads(DEFAULT_PACK_FILE.read_text(encoding="utf-8"))
    return [PackItem(title=row["title"], notes=row.get("notes", "")) for row in rows]


class DocumentPack(Versioned):
    """An organisation's standard list of documents to request from a host: a lead authority keeps
    its own, for every review it leads. Without one, the shipped default (``default_pack``)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="document_pack"
    )
    items = models.JSONField(default=list, help_text="[{title, notes}], in order.")

    def __str__(self) -> str:
        return f"Document pack of {self.organisation}"

    @property
    def pack_items(self) -> list[PackItem]:
        return [PackItem(title=row["title"], notes=row.get("notes", "")) for row in self.items]

    @classmethod
    def items_for(cls, organisation: Organisation) -> tuple[list[PackItem], DocumentPack | None]:
        """The organisation's pack, else the default; and its row, if it has one."""
        pack = cls.objects.filter(organisation=organisation).first()
        return (pack.pack_items if pack else default_pack()), pack
