"""Moderation: a second auditor's view of a completed audit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from audits.models import CaseAudit, ModeratedAnswer, Moderation

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def moderate(
    *,
    audit: CaseAudit,
    moderator: User,
    agrees_overall: bool,
    note: str,
    checks: dict[int, tuple[bool, str]],
) -> Moderation:
    """Record a second auditor's view: per criterion answer (agree, note) and overall."""
    moderation, _ = Moderation.objects.update_or_create(
        audit=audit,
        defaults={"moderator": moderator, "agrees_overall": agrees_overall, "note": note},
    )
    moderation.answers.all().delete()
    ModeratedAnswer.objects.bulk_create(
        ModeratedAnswer(moderation=moderation, answer_id=answer_id, agrees=agrees, note=text)
        for answer_id, (agrees, text) in checks.items()
    )
    return moderation


def _rate(agreed: int, total: int) -> int | None:
    return round(100 * agreed / total) if total else None


def agreement(cases: list) -> dict:
    """How far the moderators agreed with the auditors over these cases' moderated audits ("audit
    the audits"): overall, per criterion and per auditor, with the moderators' notes. Two queries
    for any number of cases."""
    moderations = list(
        Moderation.objects.filter(audit__case__in=[c.pk for c in cases])
        .select_related("audit__case", "audit__auditor", "moderator")
        .order_by("audit__case__reference")
    )
    checks = list(
        ModeratedAnswer.objects.filter(moderation__in=moderations)
        .select_related("answer__criterion")
        .order_by("answer__criterion__number", "pk")
    )
    by_moderation = {m.pk: m for m in moderations}
    criteria: dict[int, dict] = {}
    auditors: dict[str, dict] = {}
    notes = []
    for check in checks:
        criterion = check.answer.criterion
        row = criteria.setdefault(
            criterion.number,
            {"number": criterion.number, "title": criterion.title, "agreed": 0, "checked": 0},
        )
        row["checked"] += 1
        row["agreed"] += int(check.agrees)
        moderation = by_moderation[check.moderation_id]
        name = moderation.audit.auditor.full_name if moderation.audit.auditor else "Unknown"
        person = auditors.setdefault(
            name, {"name": name, "agreed": 0, "checked": 0, "audits": set()}
        )
        person["checked"] += 1
        person["agreed"] += int(check.agrees)
        person["audits"].add(moderation.audit_id)
        if check.note:
            notes.append(
                {
                    "case": moderation.audit.case.reference,
                    "criterion": f"{criterion.number}. {criterion.title}",
                    "moderator": moderation.moderator.full_name if moderation.moderator else "",
                    "agrees": check.agrees,
                    "note": check.note,
                }
            )
    for moderation in moderations:
        if moderation.note:
            notes.append(
                {
                    "case": moderation.audit.case.reference,
                    "criterion": "Overall",
                    "moderator": moderation.moderator.full_name if moderation.moderator else "",
                    "agrees": moderation.agrees_overall,
                    "note": moderation.note,
                }
            )
    for row in [*criteria.values(), *auditors.values()]:
        row["rate"] = _rate(row["agreed"], row["checked"])
    for person in auditors.values():
        person["audits"] = len(person["audits"])
    agreed = sum(r["agreed"] for r in criteria.values())
    checked = sum(r["checked"] for r in criteria.values())
    overall_agreed = sum(1 for m in moderations if m.agrees_overall)
    return {
        "moderated": len(moderations),
        "agreed": agreed,
        "checked": checked,
        "rate": _rate(agreed, checked),
        "overall_rate": _rate(overall_agreed, len(moderations)),
        "criteria": [criteria[k] for k in sorted(criteria)],
        "auditors": sorted(auditors.values(), key=lambda r: r["name"]),
        "notes": notes,
    }
