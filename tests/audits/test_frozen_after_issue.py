"""Once the letter is issued, the work it rests on no longer changes: every write to evidence notes,
findings, the case list and sample, case audits, moderation and the analysis commentary is refused
(403, saying the letter is issued), and nothing in the database changes. The pages already showed that
work read-only; these are the POSTs an attacker (or an old open tab) sends anyway."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from audits.models import (
    AuditPlan,
    Case,
    CaseAudit,
    CriterionAnswer,
    CriterionCommentary,
    ModeratedAnswer,
    Moderation,
    SafeguardingAlert,
    SampleDraw,
)
from audits.services.tools import review_tool
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.setup.models import Review
from tests.audits.factories import CaseFactory, started_audit

WATCHED = [
    EvidenceNote,
    Finding,
    Case,
    SampleDraw,
    AuditPlan,
    CaseAudit,
    CriterionAnswer,
    Moderation,
    ModeratedAnswer,
    CriterionCommentary,
    SafeguardingAlert,
]


def _everything() -> dict[str, list[dict]]:
    return {
        model.__name__: [model_to_dict(row) for row in model.objects.order_by("pk")]
        for model in WATCHED
    }


@pytest.fixture
def issued(world):
    """A review with notes, a finding, a case list, an audit in progress and a completed one; then
    its letter is issued."""
    review = world.review
    note = EvidenceNote.objects.create(review=review, author=world.people["reviewer"], text="Seen.")
    finding = Finding.objects.create(review=review, kind="strength", text="Partners value it.")
    in_progress = started_audit(review, world.people["reviewer"])
    complete = started_audit(review, world.people["reviewer"])
    CaseAudit.objects.filter(pk=complete.pk).update(status=CaseAudit.Status.COMPLETE)
    spare = CaseFactory(review=review, sample_status="")
    criterion = review_tool(review).criteria.get(number=5)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.ISSUED)
    return {
        "review": review.pk,
        "note": note,
        "finding": finding,
        "audit": in_progress,
        "complete": complete,
        "spare": spare,
        "criterion": criterion,
    }


def _writes(w):
    """(role, url name, url arguments after the review, POST data): each would change something on a
    review whose letter is not issued."""
    audit, complete = w["audit"], w["complete"]
    answer = audit.answers.get(criterion__number=5)
    moderation = {"overall-agrees": "yes", "overall-note": "Sound."}
    moderation.update({f"m{a.pk}-agrees": "yes" for a in complete.answers.all()})
    return [
        ("reviewer", "reviews:note-create", [], {"text": "Added after issue."}),
        ("reviewer", "reviews:note-edit", [w["note"].pk], {"text": "Changed.", "version": "1"}),
        ("reviewer", "reviews:finding-create", [], {"kind": "strength", "text": "Late finding."}),
        (
            "reviewer",
            "reviews:finding-edit",
            [w["finding"].pk],
            {"kind": "strength", "text": "Rewritten.", "version": "1", "kloe": "", "urgency": ""},
        ),
        ("reviewer", "reviews:finding-delete", [w["finding"].pk], {"version": "1"}),
        ("lead_reviewer", "reviews:finding-agree", [w["finding"].pk], {}),
        (
            "coordinator",
            "audits:settings",
            [],
            {"reference_pattern": r"^\d{6}$", "reference_rule": "six digits"},
        ),
        ("coordinator", "audits:case-list-import", [], {"text": "reference,type\nNM-9,contact\n"}),
        ("host_lead", "audits:case-list-import", [], {"text": "reference,type\nNM-9,contact\n"}),
        (
            "coordinator",
            "audits:sample-draw",
            [],
            {"method": "random", "size": "1", "reserves": "0"},
        ),
        (
            "coordinator",
            "audits:sample-pick",
            [],
            {"action": "sample", "cases": [str(w["spare"].pk)]},
        ),
        (
            "coordinator",
            "audits:sample-assign",
            [],
            {f"assign-{w['spare'].pk}": str(audit.auditor_id)},
        ),
        ("reviewer", "audits:case-audit-start", [w["spare"].pk], {}),
        (
            "reviewer",
            "audits:case-audit-save",
            [audit.case_id],
            {
                "audit-version": 1,
                "audit-decision_agreement": "yes",
                "audit-overall_grade": "Good",
                "audit-status": "complete",
            },
        ),
        (
            "reviewer",
            "audits:criterion-answer-save",
            [audit.case_id, answer.pk],
            {
                f"c{answer.pk}-answer": "met",
                f"c{answer.pk}-comment": "Late.",
                f"c{answer.pk}-version": 1,
            },
        ),
        ("lead_reviewer", "audits:case-audit-moderate", [complete.case_id], moderation),
        (
            "reviewer",
            "audits:commentary-save",
            [w["criterion"].pk],
            {"text": "Written after the letter.", "version": "1"},
        ),
    ]


def test_after_the_letter_is_issued_no_write_to_the_teams_work_gets_through(world, issued) -> None:
    before = _everything()
    for role, name, args, data in _writes(issued):
        response = world.client(role).post(reverse(name, args=[issued["review"], *args]), data)
        assert response.status_code == 403, (name, role, response.status_code)
        assert "The letter has been issued" in response.content.decode(), name
        assert _everything() == before, f"{name} changed something after the letter was issued"


def test_the_same_writes_still_work_before_the_letter_is_issued(world, issued) -> None:
    # The refusal is about the issued letter, not the requests: on an open review they get through.
    Review.objects.filter(pk=issued["review"]).update(status=Review.Status.FIELDWORK)
    for role, name, args, data in _writes(issued):
        if name in ("reviews:finding-delete", "audits:sample-draw"):
            continue  # they would undo what the later ones need; their refusal is tested above
        response = world.client(role).post(reverse(name, args=[issued["review"], *args]), data)
        assert response.status_code in (200, 302), (name, role, response.status_code)


def test_the_host_still_reads_and_the_team_still_sees_its_work_after_issue(world, issued) -> None:
    pk = issued["review"]
    assert world.client("reviewer").get(reverse("reviews:findings", args=[pk])).status_code == 200
    assert world.client("reviewer").get(reverse("audits:analysis", args=[pk])).status_code == 200
    page = world.client("reviewer").get(
        reverse("audits:case-audit", args=[pk, issued["audit"].case_id])
    )
    assert page.status_code == 200
    assert "Save the audit" not in page.content.decode()


def test_a_safeguarding_alert_can_still_be_raised_after_the_letter_is_issued(world, issued) -> None:
    """A worry about a child must reach people whenever it arises: the audits are frozen, but raising
    an alert about a case still held is not."""
    case = issued["complete"].case
    url = reverse("audits:alert-raise", args=[issued["review"], case.pk])
    response = world.client("reviewer").post(url, {"concern": "The child was left at home alone."})
    assert response.status_code == 302
    alert = SafeguardingAlert.objects.get(case=case)
    assert alert.raised_by == world.people["reviewer"]
