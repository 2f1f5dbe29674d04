"""The models of the reviews app, gathered here because Django loads an app's models from ``reviews.models``.

The code lives in the sub-packages (``reviews.setup``, ``reviews.documents``, ``reviews.schedule``,
``reviews.fieldwork``, ``reviews.self_assessment``): import from there, not from here. This module
imports every model so that Django registers them, and the callables the migrations reference
(``reviews.models.document_path``, ``reviews.models._calendar_token``) so the old migrations still load.
"""

from reviews.documents.models import (
    Document,
    DocumentDownload,
    DocumentPack,
    DocumentRequest,
    document_path,
)
from reviews.fieldwork.models import EvidenceNote, Finding, Theme
from reviews.schedule.models import CalendarFeed, ReviewDay, Session, _calendar_token
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import Framework, Invitation, Kloe, Membership, Review

__all__ = [
    "CalendarFeed",
    "Document",
    "DocumentDownload",
    "DocumentPack",
    "DocumentRequest",
    "EvidenceNote",
    "Finding",
    "Framework",
    "Invitation",
    "Kloe",
    "Membership",
    "Review",
    "ReviewDay",
    "SelfAssessment",
    "SelfAssessmentEntry",
    "Session",
    "Theme",
    "_calendar_token",
    "document_path",
]
