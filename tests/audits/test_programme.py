"""An authority's own audit programme (issue 23): its audits on the same engine, quality assurance
staff, partner auditors who see only their cases, moderating peers who see only the sample, live
audits confirmed by the social worker, and the agreement found by auditing the audits."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import QualityAssuranceRole
from audits.models import Answer, AuditTool, CaseAudit, LiveAuditRecord, Moderation
from audits.services.case_audits import start_audit
from audits.services.moderation import agreement, moderate
from audits.services.programme import peer_sample
from audits.services.tools import shipped_tool
from core.models import Email
from reviews.setup.forms import InvitationForm
from reviews.setup.models import Membership, Review, Role
from tests.audits.factories import CaseFactory
from tests.audits.programme import build_programme, complete, qa_person
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def programme():
    return build_programme()


def _case_url(review, case, name="audits:case-audit"):
    return reverse(name, kwargs={"pk": review.pk, "case_pk": case.pk})


# Starting audits ---------------------------------------------------------------------------------


def test_quality_assurance_starts_a_thematic_audit_with_its_own_criteria():
    authority = OrganisationFactory(name="York City Council")
    qa = qa_person(authority)
    tool = shipped_tool()
    response = _client(qa).post(
        reverse("audits:programme-audit-create", kwargs={"org_pk": authority.pk}),
        {
            "title": "Exploitation audit",
            "audit_kind": Review.AuditKind.THEMATIC,
            "audit_theme": "Child exploitation",
            "tool": tool.pk,
        },
    )
    audit = Review.objects.get(title="Exploitation audit")
    assert response.status_code == 302
    assert response["Location"] == reverse("audits:home", kwargs={"pk": audit.pk})
    assert audit.purpose == Review.Purpose.INTERNAL_AUDIT
    assert audit.host == audit.lead_organisation == authority
    assert audit.audit_kind_label == "Thematic audit: Child exploitation"
    assert audit.role_of(qa) == Role.QA_AUDITOR
    own_tool = AuditTool.objects.get(review=audit)
    assert own_tool.copied_from == tool
    page = _client(qa).get(reverse("audits:programme", kwargs={"org_pk": authority.pk}))
    assert "Exploitation audit" in page.content.decode()
    assert "Thematic audit: Child exploitation" in page.content.decode()


def test_a_thematic_audit_needs_its_theme_and_keeps_what_was_typed():
    authority = OrganisationFactory()
    qa = qa_person(authority)
    response = _client(qa).post(
        reverse("audits:programme-audit-create", kwargs={"org_pk": authority.pk}),
        {
            "title": "My audit title",
            "audit_kind": Review.AuditKind.THEMATIC,
            "tool": shipped_tool().pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the theme of the thematic audit" in body
    assert "govuk-error-summary" in body
    assert 'value="My audit title"' in body
    assert not Review.objects.internal_audits().exists()


def test_only_the_authoritys_quality_assurance_staff_start_audits():
    authority = OrganisationFactory()
    colleague = UserFactory(organisation=authority)
    outsider = UserFactory(organisation=OrganisationFactory())
    url = reverse("audits:programme-audit-create", kwargs={"org_pk": authority.pk})
    assert _client(colleague).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404
    programme = reverse("audits:programme", kwargs={"org_pk": authority.pk})
    assert _client(colleague).get(programme).status_code == 403
    assert _client(outsider).get(programme).status_code == 404


def test_a_coordinator_of_the_authority_gives_the_quality_assurance_role():
    authority = OrganisationFactory()
    coordinator = UserFactory(organisation=authority)
    MembershipFactory(
        review=ReviewFactory(lead_organisation=authority), user=coordinator, role=Role.COORDINATOR
    )
    colleague = UserFactory(organisation=authority, email="qa@york.example")
    stranger = UserFactory(organisation=OrganisationFactory(), email="x@elsewhere.example")
    url = reverse("audits:programme-staff", kwargs={"org_pk": authority.pk})
    client = _client(coordinator)
    refused = client.post(url, {"email": "x@elsewhere.example"})
    assert "No one of" in refused.content.decode()
    assert not QualityAssuranceRole.objects.filter(user=stranger).exists()
    assert client.post(url, {"email": "QA@york.example"}).status_code == 302
    role = QualityAssuranceRole.objects.get(user=colleague, organisation=authority)
    assert role.granted_by == coordinator
    # The colleague now sees the programme and may start audits.
    assert (
        _client(colleague)
        .get(reverse("audits:programme-audit-create", kwargs={"org_pk": authority.pk}))
        .status_code
        == 200
    )
    client.post(
        reverse(
            "audits:programme-staff-remove", kwargs={"org_pk": authority.pk, "role_pk": role.pk}
        )
    )
    assert not QualityAssuranceRole.objects.filter(pk=role.pk).exists()
    # Quality assurance staff cannot give the role themselves.
    assert _client(qa_person(authority)).get(url).status_code == 403


def test_another_quality_assurance_person_joins_an_audit(programme):
    colleague = qa_person(programme.authority)
    assert programme.audit.role_of(colleague) is None
    response = _client(colleague).post(
        reverse(
            "audits:programme-join",
            kwargs={"org_pk": programme.authority.pk, "pk": programme.audit.pk},
        )
    )
    assert response.status_code == 302
    assert Membership.objects.get(review=programme.audit, user=colleague).role == Role.QA_AUDITOR
    # Someone of another authority with its own QA role cannot join this one's audits.
    other = qa_person(OrganisationFactory())
    assert (
        _client(other)
        .post(
            reverse(
                "audits:programme-join",
                kwargs={"org_pk": programme.authority.pk, "pk": programme.audit.pk},
            )
        )
        .status_code
        == 404
    )


def test_host_and_lead_are_the_same_authority_only_for_its_own_audits():
    authority = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(host=authority, lead_organisation=authority, title="Peer review")
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            host=authority,
            lead_organisation=OrganisationFactory(),
            title="Audit",
            purpose=Review.Purpose.INTERNAL_AUDIT,
            audit_kind=Review.AuditKind.CASE_FILE,
        )
    Review.objects.create(
        host=authority,
        lead_organisation=authority,
        title="Audit",
        purpose=Review.Purpose.INTERNAL_AUDIT,
        audit_kind=Review.AuditKind.CASE_FILE,
    )


def test_an_internal_audit_shows_no_peer_review_steps(programme):
    client = _client(programme.qa)
    overview = client.get(reverse("reviews:review-overview", kwargs={"pk": programme.audit.pk}))
    assert overview["Location"] == reverse("audits:home", kwargs={"pk": programme.audit.pk})
    home = client.get(reverse("audits:home", kwargs={"pk": programme.audit.pk})).content.decode()
    assert "Feedback letter" not in home
    assert "Self-assessment" not in home
    assert "Key lines of enquiry" not in home
    assert "Audit the audits" in home
    assert "Multi-agency audit" in home
    assert programme.audit.next_step_for(Role.QA_AUDITOR).startswith("Build the case list")
    yours = client.get(reverse("reviews:your-reviews")).content.decode()
    assert "Audit programme of" in yours
    assert "letter" not in programme.audit.next_step_for(Role.PARTNER_AUDITOR)


def test_the_roles_offered_follow_the_kind_of_review(programme):
    peer_review = ReviewFactory()
    peer_roles = {value for value, _ in InvitationForm(review=peer_review).fields["role"].choices}
    assert Role.PARTNER_AUDITOR not in peer_roles
    assert Role.HOST_LEAD in peer_roles
    audit_roles = {
        value for value, _ in InvitationForm(review=programme.audit).fields["role"].choices
    }
    assert audit_roles == {Role.QA_AUDITOR, Role.PARTNER_AUDITOR, Role.MODERATING_PEER}


# Partner auditors ------------------------------------------------------------------------------


def test_a_partner_auditor_sees_only_the_cases_assigned_to_them(programme):
    client = _client(programme.partner)
    audit = programme.audit
    own = programme.partner_cases[0]
    assert client.get(_case_url(audit, own)).status_code == 200
    assert client.get(_case_url(audit, programme.qa_cases[0])).status_code == 404
    for name in (
        "reviews:review-overview",
        "reviews:team",
        "audits:case-list",
        "audits:analysis",
        "audits:alerts",
        "audits:settings",
        "audits:agreement",
        "audits:programme-people",
        "reviews:review-trail",
    ):
        assert client.get(reverse(name, kwargs={"pk": audit.pk})).status_code == 404, name
    assert (
        client.get(reverse("audits:programme", kwargs={"org_pk": audit.host_id})).status_code == 404
    )
    home = client.get(reverse("audits:home", kwargs={"pk": audit.pk}))
    assert home["Location"] == reverse("audits:your-cases", kwargs={"pk": audit.pk})
    page = client.get(home["Location"]).content.decode()
    for case in programme.partner_cases:
        assert case.reference in page
    for case in programme.qa_cases:
        assert case.reference not in page
    yours = client.get(reverse("reviews:your-reviews")).content.decode()
    assert reverse("audits:your-cases", kwargs={"pk": audit.pk}) in yours


def test_a_partner_auditor_audits_their_own_case_and_raises_an_alert(programme):
    client = _client(programme.partner)
    audit, own = programme.audit, programme.partner_cases[0]
    assert client.post(_case_url(audit, own, "audits:case-audit-start")).status_code == 302
    case_audit = CaseAudit.objects.get(case=own)
    assert case_audit.auditor == programme.partner
    page = client.get(_case_url(audit, own)).content.decode()
    assert "Save the audit" in page
    assert "Raise a safeguarding alert" in page
    assert 'href="/reviews/' + str(audit.pk) + '/"' not in page  # no link to the audit's overview
    other = programme.qa_cases[0]
    assert client.post(_case_url(audit, other, "audits:case-audit-start")).status_code == 404
    raised = client.post(
        _case_url(audit, own, "audits:alert-raise"), {"concern": "Missing from home twice."}
    )
    assert raised.status_code == 302
    assert client.get(raised["Location"]).status_code == 200
    # The QA auditor is told.
    assert Email.objects.filter(to=programme.qa.email, template__contains="safeguarding").exists()


# Moderating peers and agreement --------------------------------------------------------------------


def test_a_moderating_peer_sees_only_the_sample(programme):
    client = _client(programme.peer)
    audit = programme.audit
    sampled, not_sampled = programme.qa_cases
    assert client.get(_case_url(audit, sampled)).status_code == 200
    assert client.get(_case_url(audit, not_sampled)).status_code == 404
    assert client.get(_case_url(audit, programme.partner_cases[0])).status_code == 404
    assert (
        client.get(_case_url(audit, not_sampled, "audits:case-audit-moderate")).status_code == 404
    )
    for name in (
        "reviews:review-overview",
        "audits:case-list",
        "audits:analysis",
        "audits:your-cases",
    ):
        assert client.get(reverse(name, kwargs={"pk": audit.pk})).status_code == 404, name
    page = client.get(reverse("audits:agreement", kwargs={"pk": audit.pk})).content.decode()
    assert sampled.reference in page
    assert not_sampled.reference not in page


def test_a_peer_moderates_a_sampled_audit_and_the_agreement_rate_appears(programme):
    client = _client(programme.peer)
    audit, sampled = programme.audit, programme.qa_cases[0]
    answers = list(CaseAudit.objects.get(case=sampled).answers.order_by("criterion__number"))
    data = {"overall-agrees": "yes", "overall-note": "A fair audit."}
    for i, answer in enumerate(answers):
        data[f"m{answer.pk}-agrees"] = "no" if i == 0 else "yes"
        data[f"m{answer.pk}-note"] = "Evidence of consent is thin." if i == 0 else ""
    response = client.post(_case_url(audit, sampled, "audits:case-audit-moderate"), data)
    assert response.status_code == 302
    assert Moderation.objects.get(audit__case=sampled).moderator == programme.peer
    expected = round(100 * (len(answers) - 1) / len(answers))
    for viewer in (programme.peer, programme.qa):
        page = _client(viewer).get(reverse("audits:agreement", kwargs={"pk": audit.pk}))
        body = page.content.decode()
        assert f"Agreement rate: <strong>{expected}%</strong>" in body
        assert "Evidence of consent is thin." in body
        assert programme.qa.full_name in body  # per auditor


def test_agreement_is_counted_per_criterion_and_per_auditor(programme):
    sample = peer_sample(programme.audit)
    case_audit = sample[0].audit
    answers = list(case_audit.answers.order_by("criterion__number"))
    moderate(
        audit=case_audit,
        moderator=programme.peer,
        agrees_overall=False,
        note="",
        checks={a.pk: (a.criterion.number != 2, "") for a in answers},
    )
    figures = agreement(sample)
    by_number = {row["number"]: row for row in figures["criteria"]}
    assert by_number[2]["rate"] == 0
    assert by_number[1]["rate"] == 100
    assert figures["auditors"][0]["name"] == programme.qa.full_name
    assert figures["auditors"][0]["audits"] == 1
    assert figures["overall_rate"] == 0


def test_quality_assurance_chooses_the_peer_sample_from_completed_audits(programme):
    client = _client(programme.qa)
    url = reverse("audits:peer-sample", kwargs={"pk": programme.audit.pk})
    in_progress = CaseFactory(review=programme.audit, assigned_to=programme.qa)
    start_audit(case=in_progress, user=programme.qa)
    ids = [c.pk for c in programme.qa_cases]
    response = client.post(url, {"cases": [*ids, in_progress.pk]})
    assert response.status_code == 200  # the in-progress audit is not a choice
    assert "Choose from the completed audits listed" in response.content.decode()
    assert client.post(url, {"cases": ids}).status_code == 302
    assert {c.pk for c in peer_sample(programme.audit)} == set(ids)
    assert _client(programme.peer).get(url).status_code == 404


# Live audits ---------------------------------------------------------------------------------------


def test_a_live_audit_is_recorded_sent_confirmed_and_locked():
    programme = build_programme(kind=Review.AuditKind.LIVE, completed=1)
    case = programme.qa_cases[0]
    client = _client(programme.qa)
    url = _case_url(programme.audit, case, "audits:live-record")
    response = client.post(
        url,
        {
            "worker_name": "Jo Walker",
            "worker_role": "Social worker, assessment team",
            "worker_email": "jo.walker@york.example",
            "reflection": "I should have spoken to the school sooner.",
            "learning_agreed": "Check school attendance at the first visit.",
        },
    )
    assert response.status_code == 302
    record = LiveAuditRecord.objects.get(case=case)
    assert record.recorded_by == programme.qa
    client.post(_case_url(programme.audit, case, "audits:live-record-send"))
    assert Email.objects.filter(to="jo.walker@york.example").count() == 1  # through the outbox
    (email,) = [m for m in mail.outbox if m.to == ["jo.walker@york.example"]]
    assert case.reference in email.body
    token = re.search(r"/live-audit/confirm/([^/]+)/", email.body).group(1)
    worker = Client()  # the social worker has no account
    page = worker.get(reverse("audits:live-confirm", kwargs={"token": token}))
    assert page.status_code == 200
    assert "I should have spoken to the school sooner." in page.content.decode()
    missing = worker.post(reverse("audits:live-confirm", kwargs={"token": token}), {})
    assert "Tick the box to confirm the record" in missing.content.decode()
    worker.post(
        reverse("audits:live-confirm", kwargs={"token": token}),
        {"confirm": "on", "comment": "A fair record."},
    )
    record.refresh_from_db()
    assert record.is_confirmed
    assert record.worker_comment == "A fair record."
    # Locked: the auditor's page shows it confirmed and a change is refused.
    after = client.post(url, {"worker_name": "Someone else", "version": record.version})
    record.refresh_from_db()
    assert record.worker_name == "Jo Walker"
    assert "Confirmed by the social worker" in client.get(url).content.decode()
    assert after.status_code == 200
    assert worker.get(reverse("audits:live-confirm", kwargs={"token": "nope"})).status_code == 404


def test_a_stale_live_record_edit_is_refused_with_the_text_kept():
    programme = build_programme(kind=Review.AuditKind.LIVE, completed=1)
    case = programme.qa_cases[0]
    record = LiveAuditRecord.objects.create(case=case, worker_name="Jo Walker")
    client = _client(programme.qa)
    url = _case_url(programme.audit, case, "audits:live-record")
    client.post(url, {"worker_name": "Jo Walker", "reflection": "First", "version": record.version})
    stale = client.post(
        url, {"worker_name": "Jo Walker", "reflection": "Second tab", "version": record.version}
    )
    assert stale.status_code == 200
    assert "Someone else changed this" in stale.content.decode()
    assert "Second tab" in stale.content.decode()
    record.refresh_from_db()
    assert record.reflection == "First"


def test_live_records_exist_only_on_live_audits(programme):
    case = programme.qa_cases[0]
    assert (
        _client(programme.qa)
        .get(_case_url(programme.audit, case, "audits:live-record"))
        .status_code
        == 404
    )


def test_partner_answers_stay_with_their_case(programme):
    """A partner's answers are saved on their own case only (the engine's own save)."""
    own = programme.partner_cases[0]
    case_audit = start_audit(case=own, user=programme.partner)
    complete(case_audit, Answer.NOT_MET)
    assert set(CaseAudit.objects.get(case=own).answers.values_list("answer", flat=True)) == {
        Answer.NOT_MET
    }
