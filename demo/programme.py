"""The audit programme part of the demo (issue 23): Northmoor's own audits, run by its quality
assurance team on the same engine. A multi-agency audit with a police partner auditor, a live audit
with a social worker's confirmed record, a thematic audit on child exploitation, and a peer from
Westbridge moderating a sample ("audit the audits"). Case references only. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, QualityAssuranceRole, User
from audits.models import Answer, Case, CaseAudit, CaseType, CriterionAnswer, LiveAuditRecord
from audits.services.case_audits import start_audit
from audits.services.moderation import moderate
from audits.services.programme import choose_peer_sample, start_internal_audit
from audits.services.tools import FRONT_DOOR_TOOL, shipped_tool
from demo.reviews import _person
from reviews.setup.models import Agency, Membership, Review, Role

QA_EMAIL = "qa@northmoor.example"
PARTNER_EMAIL = "police.auditor@northmoor.example"
PEER_EMAIL = "reviewer2@westbridge.example"  # Joanne Pike, of Westbridge: another council
LOGINS = [
    ("Quality assurance (Northmoor)", QA_EMAIL),
    ("Partner auditor (police)", PARTNER_EMAIL),
    ("Moderating peer (Westbridge)", PEER_EMAIL),
]
MULTI_AGENCY = "Multi-agency audit: child exploitation meetings"
LIVE = "Live audits: assessment team"
THEMATIC = "Thematic audit: exploitation and missing episodes"


def _cases(audit: Review, prefix: str, count: int) -> list[Case]:
    types = [CaseType.S47, CaseType.STRATEGY, CaseType.S17, CaseType.REFERRAL]
    for i in range(count):
        Case.objects.get_or_create(
            review=audit,
            reference=f"{prefix}-{3100 + i}",
            defaults={
                "case_type": types[i % len(types)],
                "case_date": dt.date(2026, 9, 1) + dt.timedelta(days=3 * i),
                "team": "MASH" if i % 2 else "Assessment team 1",
                "sample_status": "sampled",
            },
        )
    return list(Case.objects.filter(review=audit).order_by("reference"))


def _audit_completely(case: Case, user, not_met_every: int = 5) -> CaseAudit:
    audit = start_audit(case=case, user=user)
    for j, answer in enumerate(audit.answers.all()):
        value = Answer.NOT_MET if j % not_met_every == 0 else Answer.MET
        CriterionAnswer.objects.filter(pk=answer.pk).update(
            answer=value, comment="Seen on the file.", updated_by=user
        )
    CaseAudit.objects.filter(pk=audit.pk).update(
        status=CaseAudit.Status.COMPLETE, decision_agreement=CaseAudit.Agreement.YES
    )
    audit.refresh_from_db()
    return audit


@transaction.atomic
def load_programme_demo() -> str:
    authority = Organisation.objects.filter(short_name="Northmoor").first()
    if authority is None:
        return "No Northmoor in the demo: run load_demo first."
    qa = _person(QA_EMAIL, "Farah Qureshi", "Head of Quality Assurance", authority)
    QualityAssuranceRole.objects.get_or_create(user=qa, organisation=authority)
    partner = _person(PARTNER_EMAIL, "Lee Martin", "Detective Sergeant, Northmoor Police", None)
    peer = User.objects.filter(email=PEER_EMAIL).first()  # of Westbridge, from load_demo
    if peer is None:
        return "No Westbridge reviewer in the demo: run load_demo first."

    audits = Review.objects.internal_audits().filter(host=authority)
    multi = audits.filter(title=MULTI_AGENCY).first() or start_internal_audit(
        authority=authority,
        user=qa,
        title=MULTI_AGENCY,
        audit_kind=Review.AuditKind.MULTI_AGENCY,
        audit_theme="",
        tool=shipped_tool(FRONT_DOOR_TOOL),
        start_date=dt.date(2026, 11, 2),
        end_date=dt.date(2026, 11, 27),
        request_text="The effectiveness of the new multi-agency child exploitation meetings.",
    )
    Membership.objects.get_or_create(
        review=multi,
        user=partner,
        defaults={
            "role": Role.PARTNER_AUDITOR,
            "agency": Agency.POLICE,
            "council": "Northmoor Police",
        },
    )
    Membership.objects.get_or_create(
        review=multi,
        user=peer,
        defaults={"role": Role.MODERATING_PEER, "council": "Westbridge City Council"},
    )
    cases = _cases(multi, "NM-MA", 6)
    if not CaseAudit.objects.for_review(multi).exists():
        for case in cases[:2]:
            Case.objects.filter(pk=case.pk).update(assigned_to=partner)
        for case in cases[2:]:
            Case.objects.filter(pk=case.pk).update(assigned_to=qa)
        done = [_audit_completely(Case.objects.get(pk=c.pk), qa) for c in cases[2:5]]
        choose_peer_sample(review=multi, case_ids=[a.case_id for a in done[:2]], user=qa)
        first = done[0]
        answers = list(first.answers.order_by("criterion__number"))
        moderate(
            audit=first,
            moderator=peer,
            agrees_overall=True,
            note="A thorough audit; the evidence for each judgement is on the file.",
            checks={
                a.pk: (
                    i != 1,
                    "The police information shared at the meeting is not recorded."
                    if i == 1
                    else "",
                )
                for i, a in enumerate(answers)
            },
        )

    live = audits.filter(title=LIVE).first() or start_internal_audit(
        authority=authority,
        user=qa,
        title=LIVE,
        audit_kind=Review.AuditKind.LIVE,
        audit_theme="",
        tool=shipped_tool(),
        start_date=dt.date(2026, 10, 5),
        end_date=dt.date(2026, 12, 18),
        request_text="A second round of live audits, done with each social worker.",
    )
    live_cases = _cases(live, "NM-LA", 3)
    if not LiveAuditRecord.objects.filter(case__review=live).exists():
        for case in live_cases:
            Case.objects.filter(pk=case.pk).update(assigned_to=qa)
        _audit_completely(Case.objects.get(pk=live_cases[0].pk), qa, not_met_every=4)
        LiveAuditRecord.objects.create(
            case=live_cases[0],
            worker_name="Sophie Grant",
            worker_role="Social worker, assessment team 1",
            worker_email="sophie.grant@northmoor.example",
            reflection="I would now see the school before the strategy discussion, not after.",
            learning_agreed="Check school attendance and health at the first visit; record "
            "the child's own words.",
            recorded_by=qa,
            sent_at=timezone.now() - dt.timedelta(days=2),
            confirmed_at=timezone.now() - dt.timedelta(days=1),
            worker_comment="A fair record of our conversation.",
        )
        LiveAuditRecord.objects.create(
            case=live_cases[1],
            worker_name="Daniel Reeve",
            worker_role="Senior social worker",
            worker_email="daniel.reeve@northmoor.example",
            reflection="",
            recorded_by=qa,
        )

    if not audits.filter(title=THEMATIC).exists():
        start_internal_audit(
            authority=authority,
            user=qa,
            title=THEMATIC,
            audit_kind=Review.AuditKind.THEMATIC,
            audit_theme="Child exploitation",
            tool=shipped_tool(FRONT_DOOR_TOOL),
            start_date=dt.date(2027, 1, 11),
            end_date=None,
        )
    count = Review.objects.internal_audits().filter(host=authority).count()
    return f"Audit programme: {count} audits of Northmoor's own.\n"
