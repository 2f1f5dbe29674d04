"""Issue 21: a case audit is complete only when every criterion has an answer (or "not
applicable"), whichever way it is saved; the page says "7 of 10 answered"; every figure counts
complete audits only and says how many cases stand behind it."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from audits.models import AnnexFigures, Answer, CaseAudit, CriterionAnswer
from audits.services.analysis import annex_figures, summarise
from audits.services.case_audits import IncompleteAudit, save_audit_details
from reports.render import compose_letter, letter_html
from tests.audits.factories import completed_audit, started_audit
from trail.models import Event


def _answer(audit, numbers, value=Answer.MET):
    CriterionAnswer.objects.filter(audit=audit, criterion__number__in=numbers).update(answer=value)


def _details(audit, **values):
    return {
        "audit-version": audit.version,
        "audit-decision_agreement": values.get("agreement", "yes"),
        "audit-decision_reason": values.get("reason", ""),
        "audit-status": values.get("status", "complete"),
    }


def _page_url(audit):
    return reverse("audits:case-audit-save", args=[audit.case.review_id, audit.case_id])


def test_the_page_says_how_many_criteria_are_answered_and_links_the_missing_ones(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    _answer(audit, range(1, 8))
    page = (
        world.client("reviewer")
        .get(reverse("audits:case-audit", args=[world.review.pk, audit.case_id]))
        .content.decode()
    )
    assert "7 of 10 answered" in page
    for number in (8, 9, 10):
        answer = audit.answers.get(criterion__number=number)
        assert f'href="#criterion-{answer.pk}">{number}. ' in page
    assert f'href="#criterion-{audit.answers.get(criterion__number=1).pk}">1. ' not in page


def test_marking_complete_with_gaps_on_the_whole_page_is_refused_and_nothing_typed_is_lost(
    world,
) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    _answer(audit, range(1, 8))
    eighth = audit.answers.get(criterion__number=8)
    data = _details(audit, reason="Threshold applied correctly at the front door.")
    data.update(
        {
            f"c{eighth.pk}-answer": "not_met",
            f"c{eighth.pk}-comment": "No chronology on file.",
            f"c{eighth.pk}-version": eighth.version,
        }
    )
    response = world.client("reviewer").post(_page_url(audit), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The audit is not marked complete: 2 criteria are not answered" in page
    for number in (9, 10):
        answer = audit.answers.get(criterion__number=number)
        assert f'<a href="#criterion-{answer.pk}">Criterion {number} (' in page
    assert "Threshold applied correctly at the front door." in page  # typed text kept
    assert "8 of 10 answered" in page  # the answer on the same page was saved
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.IN_PROGRESS
    assert audit.decision_reason == "Threshold applied correctly at the front door."
    eighth.refresh_from_db()
    assert (eighth.answer, eighth.comment) == ("not_met", "No chronology on file.")


def test_the_details_saved_as_they_change_cannot_mark_an_audit_with_gaps_complete(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    _answer(audit, range(1, 10))
    response = world.client("reviewer").post(
        _page_url(audit), _details(audit, reason="Agreed."), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "outerHTML"
    page = response.content.decode()
    assert "Not answered: 10." in page
    assert "govuk-form-group--error" in page
    audit.refresh_from_db()
    assert (audit.status, audit.decision_reason) == (CaseAudit.Status.IN_PROGRESS, "Agreed.")
    # The status shown is the one saved, so the next change of the reason saves without a fuss.
    assert re.search(r'value="in_progress" checked', page)
    again = world.client("reviewer").post(
        _page_url(audit),
        _details(audit, reason="Agreed, after discussion.", status="in_progress"),
        HTTP_HX_REQUEST="true",
    )
    assert "Saved at" in again.content.decode()


def test_every_criterion_answered_or_not_applicable_completes_the_audit(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    _answer(audit, range(1, 9))
    _answer(audit, (9, 10), Answer.NOT_APPLICABLE)
    response = world.client("reviewer").post(_page_url(audit), _details(audit))
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.COMPLETE


def test_the_service_refuses_whatever_calls_it(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    with pytest.raises(IncompleteAudit) as refused:
        save_audit_details(
            audit_id=audit.pk,
            version=audit.version,
            user=world.people["reviewer"],
            decision_agreement="",
            decision_reason="",
            overall_grade="",
            status=CaseAudit.Status.COMPLETE,
        )
    assert len(refused.value.unanswered) == 10
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.IN_PROGRESS


def test_an_answer_cannot_be_taken_away_from_a_complete_audit(world) -> None:
    audit = completed_audit(world.review, world.people["reviewer"], rest=Answer.MET)
    answer = audit.answers.get(criterion__number=3)
    client = world.client("reviewer")
    url = reverse("audits:criterion-answer-save", args=[world.review.pk, audit.case_id, answer.pk])
    data = {
        f"c{answer.pk}-answer": "",
        f"c{answer.pk}-comment": "Changed my mind.",
        f"c{answer.pk}-version": answer.version,
    }
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response["HX-Reswap"] == "outerHTML"
    assert "every criterion needs an answer" in response.content.decode()
    assert "Changed my mind." in response.content.decode()  # kept on the page
    # The whole page is refused in the same way.
    response = client.post(_page_url(audit), {**data, **_details(audit)})
    assert response.status_code == 200
    assert "Criterion 3: This audit is complete" in response.content.decode()
    answer.refresh_from_db()
    assert answer.answer == Answer.MET


def test_saving_a_criterion_moves_the_answered_count_on(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    _answer(audit, range(1, 7))
    answer = audit.answers.get(criterion__number=7)
    url = reverse("audits:criterion-answer-save", args=[world.review.pk, audit.case_id, answer.pk])
    response = world.client("reviewer").post(
        url,
        {f"c{answer.pk}-answer": "met", f"c{answer.pk}-comment": "", f"c{answer.pk}-version": 1},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert 'id="audit-progress" hx-swap-oob="true"' in page
    assert "7 of 10 answered" in page


def test_complete_audits_saved_with_gaps_before_the_rule_go_back_to_in_progress(world) -> None:
    gappy = started_audit(world.review, world.people["reviewer"])
    _answer(gappy, range(1, 2))
    CaseAudit.objects.filter(pk=gappy.pk).update(status=CaseAudit.Status.COMPLETE)
    whole = completed_audit(world.review, world.people["reviewer"])
    migration = importlib.import_module("audits.migrations.0005_h3_demote_incomplete_audits")
    migration.demote(apps, None)
    gappy.refresh_from_db()
    whole.refresh_from_db()
    assert gappy.status == CaseAudit.Status.IN_PROGRESS
    assert whole.status == CaseAudit.Status.COMPLETE
    event = Event.objects.get(object_type="audits.CaseAudit", object_id=str(gappy.pk))
    assert event.review_id == world.review.pk
    assert event.detail["unanswered"] == [str(n) for n in range(2, 11)]


def _figures_world(world):
    """Two complete audits; one in progress; one marked complete with 1 of 10 answered (the
    reported case, as saved before the rule)."""
    reviewer = world.people["reviewer"]
    completed_audit(world.review, reviewer, answers={1: Answer.MET}, rest=Answer.MET)
    completed_audit(world.review, reviewer, answers={1: Answer.NOT_MET}, rest=Answer.MET)
    started_audit(world.review, reviewer)
    gappy = started_audit(world.review, reviewer)
    _answer(gappy, [1], Answer.NOT_MET)
    CaseAudit.objects.filter(pk=gappy.pk).update(status=CaseAudit.Status.COMPLETE)


def test_the_analysis_counts_complete_audits_only_and_says_how_many_cases(world) -> None:
    _figures_world(world)
    summary = summarise(world.review)
    assert summary.audits_complete == 2 and summary.audits_in_progress == 2
    assert (summary.rows[0].counts.met, summary.rows[0].counts.not_met) == (1, 1)
    page = (
        world.client("lead_reviewer")
        .get(reverse("audits:analysis", args=[world.review.pk]))
        .content.decode()
    )
    assert "2 completed case audits against 10 criteria; 2 not yet complete" in page
    assert 'based on <span class="app-cases-behind">2 completed cases</span>' in page
    assert re.search(r'app-cases-applied">2<span class="govuk-visually-hidden"> cases', page)
    assert 'app-percent-met">50<' in page


def test_the_letters_annex_counts_complete_audits_only_with_the_cases_behind_each_figure(
    world,
) -> None:
    _figures_world(world)
    figures = annex_figures(world.review)
    assert figures["cases_audited"] == 2
    assert figures["criteria"][0]["cases"] == 2 and figures["criteria"][0]["percent"] == 50
    letter = compose_letter(world.review)
    html = letter_html(letter)
    assert letter.annexes  # the review's letter template prints the annex
    assert "of the 2 case files audited" in html
    assert re.search(
        r'1\. Evidence[^<]*</th><td></td><td class="letter-num">50%</td>'
        r'<td class="letter-num">2</td>',
        html,
    )
    # Frozen figures (retention) are the same figures.
    AnnexFigures.objects.create(review=world.review, data=figures)
    assert AnnexFigures.objects.get(review=world.review).data["cases_audited"] == 2
