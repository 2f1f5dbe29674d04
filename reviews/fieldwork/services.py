"""Workflows for the team's work: findings and evidence notes. Every change to a finding is recorded.

Edits are version-checked in the same UPDATE that writes them: a save based on an old version changes
nothing and raises ``StaleEdit``, so nobody silently overwrites a colleague's work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from core.versioning import update_versioned
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_change

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


_FIELDS = ("kloe", "kind", "text", "urgency", "is_key_headline")


def _snapshot(finding: Finding) -> dict[str, Any]:
    return {
        "kloe": finding.kloe_id,
        "kind": finding.kind,
        "text": finding.text,
        "urgency": finding.urgency,
        "key_headline": finding.is_key_headline,
        "status": finding.status,
    }


def _record(finding: Finding, request: HttpRequest | None, change: str, **detail: Any) -> None:
    record_change(Event.Action.FINDING_CHANGED, finding, request, change, **detail)


def _next_position(review: Review, kloe_id: int | None) -> int:
    top = Finding.objects.filter(review=review, kloe=kloe_id).aggregate(top=Max("position"))
    return (top["top"] or 0) + 1


def create_finding(
    *, review: Review, data: dict[str, Any], author: User, request: HttpRequest | None = None
) -> Finding:
    with transaction.atomic():
        kloe = data.get("kloe")
        finding = Finding.objects.create(
            review=review,
            kloe=kloe,
            kind=data["kind"],
            text=data["text"],
            urgency=data.get("urgency", ""),
            is_key_headline=data.get("is_key_headline", False),
            position=_next_position(review, kloe.pk if kloe else None),
            author=author,
        )
        finding.evidence_notes.set(data.get("evidence_notes") or [])
        finding.themes.set(data.get("themes") or [])
        _record(finding, request, "created", new=_snapshot(finding))
    return finding


def update_finding(
    *,
    finding: Finding,
    version: int,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Finding:
    """Save the change, unless the finding was saved by someone else since ``version`` was read.

    The version is checked in the UPDATE that writes the change, so two saves at the same version
    can never both succeed. A changed finding goes back to draft: the lead reviewer agrees the words.
    """
    values: dict[str, Any] = {f: data[f] for f in _FIELDS if f in data}
    values["status"] = Finding.Status.DRAFT
    values["agreed_by"] = None
    with transaction.atomic():
        # The words being replaced, for the trail (a form may already have changed ``finding``);
        # if the row has gone, the UPDATE below finds nothing and refuses the save.
        before = (
            Finding.objects.select_for_update().filter(pk=finding.pk).order_by().first() or finding
        )
        old = _snapshot(before)
        new_kloe = values["kloe"].pk if values.get("kloe") else None
        moved = "kloe" in values and new_kloe != before.kloe_id
        if moved:
            values["position"] = _next_position(before.review, new_kloe)
        update_versioned(Finding, pk=finding.pk, version=version, values=values)
        finding.refresh_from_db()
        if "evidence_notes" in data:
            finding.evidence_notes.set(data["evidence_notes"] or [])
        if "themes" in data:
            finding.themes.set(data["themes"] or [])
        _record(finding, request, "moved" if moved else "changed", old=old, new=_snapshot(finding))
    return finding


def set_agreed(
    *, finding: Finding, agreed: bool, by: User, request: HttpRequest | None = None
) -> Finding:
    status = Finding.Status.AGREED if agreed else Finding.Status.DRAFT
    with transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(
            status=status,
            agreed_by=by if agreed else None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        finding.refresh_from_db()
        _record(finding, request, "agreed" if agreed else "back to draft", status=status)
    return finding


def reorder_finding(*, finding: Finding, up: bool, request: HttpRequest | None = None) -> bool:
    """Swap the finding with its neighbour under the same heading. False when it is already at the end."""
    with transaction.atomic():
        siblings = list(
            Finding.objects.select_for_update()
            .filter(review_id=finding.review_id, kloe=finding.kloe_id)
            .order_by("position", "pk")
        )
        index = next(i for i, f in enumerate(siblings) if f.pk == finding.pk)
        other = index - 1 if up else index + 1
        if other < 0 or other >= len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                Finding.objects.filter(pk=sibling.pk).update(
                    position=position, version=F("version") + 1
                )
        _record(finding, request, "moved up" if up else "moved down")
    return True


def merge_findings(
    *, finding: Finding, into: Finding, request: HttpRequest | None = None
) -> Finding:
    """Add ``finding``'s words and evidence to ``into`` and delete ``finding``. ``into`` is a draft again."""
    with transaction.atomic():
        old = _snapshot(into)
        notes = list(finding.evidence_notes.all())
        themes = list(finding.themes.all())
        Finding.objects.filter(pk=into.pk).update(
            text=f"{into.text}\n\n{finding.text}",
            is_key_headline=into.is_key_headline or finding.is_key_headline,
            status=Finding.Status.DRAFT,
            agreed_by=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        into.refresh_from_db()
        into.evidence_notes.add(*notes)
        into.themes.add(*themes)
        _record(finding, request, "merged away", old=_snapshot(finding), into=into.pk)
        _record(into, request, "merged", old=old, new=_snapshot(into), merged=finding.pk)
        finding.delete()
    return into


def delete_finding(*, finding: Finding, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        _record(finding, request, "deleted", old=_snapshot(finding))
        finding.delete()


def create_note(*, review: Review, data: dict[str, Any], author: User) -> EvidenceNote:
    with transaction.atomic():
        note = EvidenceNote.objects.create(
            review=review, session=data.get("session"), text=data["text"], author=author
        )
        note.kloes.set(data.get("kloes") or [])
    return note


def update_note(*, note: EvidenceNote, version: int, data: dict[str, Any]) -> EvidenceNote:
    with transaction.atomic():
        update_versioned(
            EvidenceNote,
            pk=note.pk,
            version=version,
            values={"session": data.get("session"), "text": data["text"]},
        )
        note.refresh_from_db()
        note.kloes.set(data.get("kloes") or [])
    return note
