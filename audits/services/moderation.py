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
