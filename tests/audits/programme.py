"""An authority's own audit programme for tests (issue 23): the authority, its quality assurance
auditor, a partner auditor (police) with two cases of their own, a moderating peer from another
council, and a QA auditor's completed audits (one of them in the peer sample)."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Organisation, QualityAssuranceRole, User
from audits.models import Answer, Case, CaseAudit, CriterionAnswer
from audits.services.programme import choose_peer_sample, start_internal_audit
from audits.services.tools import shipped_tool
from reviews.setup.models import Agency, Membership, Review, Role
from tests.audits.factories import CaseFactory
from tests.factories import OrganisationFactory, UserFactory, give_second_factor


@dataclass
class Programme:
    authority: Organisation
    audit: Review
    qa: User
    partner: User
    peer: User
    qa_cases: list[Case] = field(default_factory=list)
    partner_cases: list[Case] = field(default_factory=list)


def complete(audit: CaseAudit, answer: str = Answer.MET) -> CaseAudit:
    CriterionAnswer.objects.filter(audit=audit).update(answer=answer, comment="Checked.")
    CaseAudit.objects.filter(pk=audit.pk).update(
        status=CaseAudit.Status.COMPLETE, decision_agreement=CaseAudit.Agreement.YES
    )
    audit.refresh_from_db()
    return audit


def qa_person(authority: Organisation, **kwargs: object) -> User:
    person = UserFactory(organisation=authority, **kwargs)
    QualityAssuranceRole.objects.create(user=person, organisation=authority)
    give_second_factor(person)
    return person


def build_programme(
    *,
    authority: Organisation | None = None,
    kind: str = Review.AuditKind.MULTI_AGENCY,
    qa: User | None = None,
    partner: User | None = None,
    peer: User | None = None,
    completed: int = 2,
) -> Programme:
    from audits.services.case_audits import start_audit

    authority = authority or OrganisationFactory(name="York City Council", short_name="York")
    qa = qa or qa_person(authority, full_name="Dana Quayle")
    audit = start_internal_audit(
        authority=authority,
        user=qa,
        title="Multi-agency audit: child exploitation meetings",
        audit_kind=kind,
        audit_theme="",
        tool=shipped_tool(),
        start_date=None,
        end_date=None,
    )
    partner = partner or UserFactory(full_name="Pat Constable", organisation=None)
    peer = peer or UserFactory(
        full_name="Sam Sheffield", organisation=OrganisationFactory(name="Sheffield City Council")
    )
    Membership.objects.create(
        review=audit, user=partner, role=Role.PARTNER_AUDITOR, agency=Agency.POLICE
    )
    Membership.objects.create(
        review=audit, user=peer, role=Role.MODERATING_PEER, council="Sheffield City Council"
    )
    for person in (partner, peer):
        give_second_factor(person)
    programme = Programme(authority, audit, qa, partner, peer)
    for _ in range(completed):
        case = CaseFactory(review=audit, assigned_to=qa)
        complete(start_audit(case=case, user=qa))
        programme.qa_cases.append(case)
    for _ in range(2):
        programme.partner_cases.append(CaseFactory(review=audit, assigned_to=partner))
    if programme.qa_cases:
        choose_peer_sample(review=audit, case_ids=[programme.qa_cases[0].pk], user=qa)
    return programme
