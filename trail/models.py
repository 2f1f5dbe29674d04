from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class TrailIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit record."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TrailIsAppendOnly("Audit records cannot be changed.")

    def delete(self) -> NoReturn:
        raise TrailIsAppendOnly("Audit records cannot be deleted.")

    def for_review(self, review_id: int) -> EventQuerySet:
        return self.filter(review_id=review_id)


class Event(models.Model):
    """One audit record. Never changed or deleted: the application refuses, and on PostgreSQL so does
    a trigger on the table (migration 0002)."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Locked out"
        SIGN_OUT = "sign_out", "Signed out"
        TWO_FACTOR_SET_UP = "two_factor_set_up", "Set up two-factor sign-in"
        TWO_FACTOR_FAILED = "two_factor_failed", "Failed two-factor code"
        TWO_FACTOR_RESET = "two_factor_reset", "Second factor reset"
        RECOVERY_CODE_USED = "recovery_code_used", "Used a recovery code"
        SESSION_TIMED_OUT = "session_timed_out", "Session timed out"
        PERMISSION_REFUSED = "permission_refused", "Permission refused"
        TEAM_CHANGED = "team_changed", "Team membership changed"
        REVIEW_CHANGED = "review_changed", "Review changed"
        FINDING_CHANGED = "finding_changed", "Finding changed"
        CASE_AUDIT_CHANGED = "case_audit_changed", "Case audit changed"
        LETTER_SECTION_CHANGED = "letter_section_changed", "Letter section changed"
        LETTER_ISSUED = "letter_issued", "Letter issued"
        LETTER_DOWNLOADED = "letter_downloaded", "Letter downloaded"
        SAMPLE_CHANGED = "sample_changed", "Case sample changed"
        LETTER_FILE_REFUSED = (
            "letter_file_refused",
            "Issued letter's file refused (missing, or not as issued)",
        )
        DOCUMENT_DOWNLOADED = "document_downloaded", "Document downloaded"
        DOCUMENT_CHANGED = "document_changed", "Document or document request changed"
        DATA_EXPORTED = "data_exported", "Personal data exported"
        TRAIL_EXPORTED = "trail_exported", "Audit trail exported"
        RETENTION_DELETED = "retention_deleted", "Deleted under the retention policy"
        ACTION_PLAN_CHANGED = "action_plan_changed", "Action plan changed"
        EXTERNAL_REVIEW_CHANGED = "external_review_changed", "External review recorded"
        ORGANISATION_CHANGED = "organisation_changed", "Organisation's letterhead changed"
        # Reads of sensitive material (trail.services.record_read).
        DRAFT_LETTER_DOWNLOADED = "draft_letter_downloaded", "Draft letter downloaded"
        PRESENTATION_DOWNLOADED = "presentation_downloaded", "Feedback slides downloaded"
        CASE_LIST_VIEWED = "case_list_viewed", "Case list viewed"
        CASE_AUDIT_VIEWED = "case_audit_viewed", "Case audit viewed"
        SAFEGUARDING_ALERT_VIEWED = "safeguarding_alert_viewed", "Safeguarding alert viewed"
        CASE_AUDITS_EXPORTED = "case_audits_exported", "Case audits exported"
        ACTION_PLAN_EXPORTED = "action_plan_exported", "Action plan exported"
        AUTHORITY_HISTORY_VIEWED = "authority_history_viewed", "Authority history viewed"
        EXTERNAL_LETTER_DOWNLOADED = (
            "external_letter_downloaded",
            "External review letter downloaded",
        )
        REGIONAL_EXPORTED = "regional_exported", "Regional learning exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and nothing cascades: a record outlives the person and the object.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    review_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["review_id", "-at"], name="trail_review_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_email or 'someone'} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TrailIsAppendOnly("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TrailIsAppendOnly("Audit records cannot be deleted.")
