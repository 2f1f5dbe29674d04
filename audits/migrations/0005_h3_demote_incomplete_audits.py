"""Issue 21: a case audit is complete only when every criterion has an answer (or "not
applicable"). Audits saved as complete before that rule, with a criterion left unanswered, go back
to "in progress" (so the auditor sees what is left, and no figure counts them), each with a record
in the audit trail saying why."""

from django.db import migrations
from django.db.models import Exists, OuterRef

REASON = "Marked complete with criteria unanswered: back to in progress (issue 21)"


def demote(apps, schema_editor):
    CaseAudit = apps.get_model("audits", "CaseAudit")
    CriterionAnswer = apps.get_model("audits", "CriterionAnswer")
    Event = apps.get_model("trail", "Event")
    gaps = CriterionAnswer.objects.filter(audit=OuterRef("pk"), answer="")
    audits = list(
        CaseAudit.objects.filter(status="complete")
        .filter(Exists(gaps))
        .select_related("case")
        .order_by("pk")
    )
    for audit in audits:
        unanswered = list(
            CriterionAnswer.objects.filter(audit=audit, answer="")
            .order_by("criterion__number")
            .values_list("criterion__number", flat=True)
        )
        CaseAudit.objects.filter(pk=audit.pk).update(status="in_progress")
        Event.objects.create(
            action="case_audit_changed",
            object_type="audits.CaseAudit",
            object_id=str(audit.pk),
            object_repr=f"Audit of {audit.case.reference}"[:300],
            review_id=audit.case.review_id,
            detail={
                "status": "in_progress",
                "reason": REASON,
                "unanswered": [str(n) for n in unanswered],
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0004_h2_alert_escalated_at"),
        ("trail", "0007_issue_20_events"),
    ]

    operations = [migrations.RunPython(demote, migrations.RunPython.noop)]
