"""Workflows for the team's work: findings and evidence notes. Every change to a finding is recorded.

Edits are version-checked in the same UPDATE that writes them: a save based on an old version changes
nothing and raises ``StaleEdit``, so nobody silently overwrites a colleague's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from core.versioning import StaleEdit, update_versioned
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import Session
from reviews.setup.models import LONDON, Review
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


@dataclass
class AgreeAllResult:
    agreed: list[Finding] = field(default_factory=list)
    changed: int = (
        0  # shown on the confirmation page, then changed, deleted or agreed by someone else
    )
    added: int = 0  # drafts of the same scope added since the page was shown: not agreed either


def drafts_in_scope(review: Review, kloe: int | str | None) -> Q:
    """The draft findings of one key line of enquiry (its pk), of ``None`` (overall) or ``"all"``."""
    scope = Q(review=review, status=Finding.Status.DRAFT)
    if kloe == "all":
        return scope
    return scope & (Q(kloe__isnull=True) if kloe is None else Q(kloe_id=kloe))


def agree_all(
    *,
    review: Review,
    kloe: int | str | None,
    seen: dict[int, int],
    by: User,
    request: HttpRequest | None = None,
) -> AgreeAllResult:
    """Agree, in one go, the draft findings the lead reviewer was shown (``seen``: pk -> version).

    A finding saved since (another version), agreed or deleted meanwhile, or of another key line is
    left as it is and counted in ``changed``; a draft added since is counted in ``added``. One
    locking read and one UPDATE whatever the number, then one trail record per finding agreed."""
    result = AgreeAllResult()
    scope = drafts_in_scope(review, kloe)
    with transaction.atomic():
        wanted = Q(pk__in=[])
        for pk, version in seen.items():
            wanted |= Q(pk=pk, version=version)
        result.agreed = list(
            Finding.objects.select_for_update().filter(scope).filter(wanted).order_by("pk")
        )
        pks = [f.pk for f in result.agreed]
        Finding.objects.filter(pk__in=pks).update(
            status=Finding.Status.AGREED,
            agreed_by=by,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        for finding in result.agreed:
            finding.status = Finding.Status.AGREED
            finding.version += 1
            _record(finding, request, "agreed", status=finding.status)
    result.changed = len(seen) - len(result.agreed)
    result.added = Finding.objects.filter(scope).exclude(pk__in=list(seen)).count()
    return result


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


def merged_text(finding: Finding, into: Finding) -> str:
    """The words of two findings put together, as the merge form offers them to edit."""
    return f"{into.text}\n\n{finding.text}"


def merge_findings(
    *,
    finding: Finding,
    into: Finding,
    text: str | None = None,
    versions: tuple[int, int] | None = None,
    request: HttpRequest | None = None,
) -> Finding:
    """Add ``finding``'s evidence to ``into``, give ``into`` the merged words (``text`` as the person
    edited them, or both findings' words one after the other) and delete ``finding``. ``into`` is a
    draft again.

    With ``versions`` (of ``finding`` and ``into``, as the person saw them), raises ``StaleEdit`` and
    changes nothing when either was saved since."""
    with transaction.atomic():
        current = {
            f.pk: f
            for f in Finding.objects.select_for_update()
            .filter(pk__in=[finding.pk, into.pk])
            .order_by("pk")
        }
        if versions is not None and (
            finding.pk not in current
            or into.pk not in current
            or current[finding.pk].version != versions[0]
            or current[into.pk].version != versions[1]
        ):
            raise StaleEdit
        old = _snapshot(into)
        notes = list(finding.evidence_notes.all())
        themes = list(finding.themes.all())
        Finding.objects.filter(pk=into.pk).update(
            text=text or merged_text(finding, into),
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


# Capture during the review days: which session a note is most likely about ----------------------


def session_for_now(*, review: Review, user: User, now: dt.datetime) -> Session | None:
    """The session a note typed ``now`` is most likely about, by the clock (London time): the one
    running now, else the next one today; this person's own sessions before the others'. None when
    nothing is left today. This person's own sessions first (running, else their next one), then
    anyone's. Cancelled sessions never. One query."""
    local = timezone.localtime(now, LONDON)
    attends = Session.reviewers.through.objects.filter(session=OuterRef("pk"), user=user)
    today = list(
        Session.objects.live()
        .filter(review=review, day__date=local.date(), end_time__gt=local.time())
        .annotate(is_mine=Exists(attends))
        .select_related("day")
        .order_by("start_time", "pk")
    )
    mine = [s for s in today if s.is_mine]  # type: ignore[attr-defined]  # annotated above
    for group in (mine, today):
        if group:  # running now (the earliest start), else the next to start
            return next((s for s in group if s.start_time <= local.time()), group[0])
    return None
