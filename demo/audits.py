"""The audits part of the demo: the fieldwork review gets its audit tool, a case list of fictional
references, a sample assigned to the two reviewers and a few audits. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from audits.models import Answer, Case, CaseAudit, CaseType, CriterionAnswer, SampleStatus
from audits.services.case_audits import start_audit
from audits.services.case_list import import_cases, parse_case_list
from audits.services.sampling import assign_cases, draw_sample
from audits.services.tools import choose_tool, review_tool, shipped_tool
from demo.reviews import FIELDWORK_TITLE
from reviews.setup.models import Review

REVIEWERS = ("reviewer@eastvale.example", "reviewer2@westbridge.example")
TYPES = [CaseType.CONTACT, CaseType.REFERRAL, CaseType.S17, CaseType.S47, CaseType.STRATEGY]
TEAMS = ["MASH", "Assessment team 1", "Assessment team 2"]
OUTCOMES = {
    CaseType.CONTACT: "Advice and signposting",
    CaseType.REFERRAL: "Single assessment",
    CaseType.S17: "Child in need plan",
    CaseType.S47: "Initial child protection conference",
    CaseType.STRATEGY: "Section 47 enquiry",
}
SEED = 20261117
COMMENTS = [
    "Clear rationale recorded by the team manager.",
    "Strengths noted but not built on in the plan.",
    "Partner checks with police and health recorded the same day.",
]


@transaction.atomic
def load_audit_demo() -> str:
    review = Review.objects.filter(title=FIELDWORK_TITLE).first()
    if review is None:
        return "No fieldwork review in the demo: run load_demo first."
    if review_tool(review) is None:
        choose_tool(review=review, tool=shipped_tool())
    if not Case.objects.filter(review=review).exists():
        lines = ["case reference,case type,date,team,outcome"]
        for i in range(36):
            case_type = TYPES[i % len(TYPES)]
            day = dt.date(2026, 9, 1) + dt.timedelta(days=i * 2)
            lines.append(
                f"NM-{24100 + i},{case_type.label},{day.isoformat()},{TEAMS[i % 3]},{OUTCOMES[case_type]}"
            )
        parsed = parse_case_list(review=review, text="\n".join(lines) + "\n")
        import_cases(review=review, rows=parsed.valid_rows)
    reviewers = list(User.objects.filter(email__in=REVIEWERS).order_by("email"))
    if not Case.objects.filter(review=review).sampled().exists():
        lead = User.objects.filter(
            memberships__review=review, memberships__role="coordinator"
        ).first()
        assert lead is not None  # the demo review has a coordinator
        draw_sample(review=review, method="random", size=12, reserves=2, seed=SEED, user=lead)
        sampled = list(Case.objects.filter(review=review, sample_status=SampleStatus.SAMPLED))
        assign_cases(
            review=review,
            assignments={
                case.pk: reviewers[i % len(reviewers)].pk for i, case in enumerate(sampled)
            },
        )
    if not CaseAudit.objects.for_review(review).exists():
        for i, case in enumerate(Case.objects.filter(review=review).sampled()[:4]):
            assert case.assigned_to is not None  # the demo assigns every sampled case
            audit = start_audit(case=case, user=case.assigned_to)
            for j, answer in enumerate(audit.answers.all()):
                value = Answer.NOT_MET if (i + j) % 7 == 0 else Answer.MET
                if i == 3 and j > 4:
                    continue  # the fourth audit is still in progress
                CriterionAnswer.objects.filter(pk=answer.pk).update(
                    answer=value, comment=COMMENTS[(i + j) % 3], updated_by=case.assigned_to
                )
            if i < 3:
                CaseAudit.objects.filter(pk=audit.pk).update(
                    status=CaseAudit.Status.COMPLETE, decision_agreement="yes", overall_grade="Good"
                )
    return "Case audits loaded for the fieldwork review."
