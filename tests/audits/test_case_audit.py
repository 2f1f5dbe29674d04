"""Auditing a case: saves as you go, no silent overwrite, warnings on personal details, sharing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audits.models import CaseAudit, CriterionAnswer
from audits.services.case_audits import save_answer
from audits.services.personal_details import personal_details_in
from audits.services.tools import shipped_tool
from core.versioning import StaleEdit
from tests.audits.factories import started_audit


def _criterion_data(row, **values):
    data = {
        f"c{row.pk}-answer": values.get("answer", "met"),
        f"c{row.pk}-comment": values.get("comment", ""),
        f"c{row.pk}-version": values.get("version", row.version),
    }
    if values.get("confirm"):
        data[f"c{row.pk}-confirm"] = "on"
    return data


def _save_one(client, audit, row, **values):
    url = reverse(
        "audits:criterion-answer-save", args=[audit.case.review_id, audit.case_id, row.pk]
    )
    return client.post(url, _criterion_data(row, **values), HTTP_HX_REQUEST="true")


def test_each_criterion_saves_as_you_go(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=5)
    response = _save_one(
        world.client("reviewer"),
        audit,
        answer,
        answer="partly",
        comment="Views of a baby not captured.",
    )
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    answer.refresh_from_db()
    assert (answer.answer, answer.comment, answer.version) == (
        "partly",
        "Views of a baby not captured.",
        2,
    )


def test_a_conflicting_save_is_refused_with_both_versions_shown_and_the_users_text_kept(
    world,
) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=1)
    assert (
        _save_one(
            world.client("lead_reviewer"),
            audit,
            answer,
            answer="met",
            comment="Three Houses used well.",
        ).status_code
        == 200
    )

    # The reviewer still has version 1 on their screen.
    response = _save_one(
        world.client("reviewer"),
        audit,
        answer,
        answer="not_met",
        comment="Strengths not emphasised.",
    )
    page = response.content.decode()
    assert "saved criterion 1 while you were working on it" in page
    assert "Three Houses used well." in page
    assert "Strengths not emphasised." in page
    answer.refresh_from_db()
    assert (answer.answer, answer.comment, answer.version) == ("met", "Three Houses used well.", 2)
    assert f'name="c{answer.pk}-version" value="2"' in page

    # Saving again, having seen theirs, is deliberate and replaces it.
    _save_one(
        world.client("reviewer"),
        audit,
        answer,
        answer="not_met",
        comment="Strengths not emphasised.",
        version=2,
    )
    answer.refresh_from_db()
    assert (answer.answer, answer.version) == ("not_met", 3)


def test_the_whole_page_save_reports_a_conflict_without_losing_the_other_criteria(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    first, second = audit.answers.all()[:2]
    save_answer(
        answer_id=first.pk,
        version=1,
        answer="met",
        comment="By the lead.",
        user=world.people["lead_reviewer"],
    )
    data = {
        **_criterion_data(first, answer="not_met", comment="Mine."),
        **_criterion_data(second, answer="met", comment="Fine."),
        "audit-version": 1,
        "audit-status": "in_progress",
    }
    response = world.client("reviewer").post(
        reverse("audits:case-audit-save", args=[world.review.pk, audit.case_id]), data
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some of your changes were not saved" in page
    assert "Mine." in page and "By the lead." in page
    second.refresh_from_db()
    assert second.comment == "Fine."


def test_comments_that_look_like_personal_details_are_held_until_confirmed(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=2)
    client = world.client("reviewer")
    for text, detail in [
        ("DOB 12/03/2015, lives with mum", "a date of birth"),
        ("Call mum on 07700 900123", "a telephone number"),
        ("Email jo.bloggs@example.com", "an email address"),
        ("NHS number 943 476 5919 checked", "an NHS number"),
    ]:
        page = _save_one(client, audit, answer, comment=text).content.decode()
        assert f"This looks like it may hold {detail}" in page, text
        assert text in page
        answer.refresh_from_db()
        assert answer.comment == ""
    _save_one(client, audit, answer, comment="Seen on 12/03/2015 by the MASH", confirm=True)
    answer.refresh_from_db()
    assert answer.comment == "Seen on 12/03/2015 by the MASH"


def test_plain_commentary_is_not_flagged() -> None:
    assert personal_details_in("Strategy discussion held within 24 hours; S47 NFA.") == []


def test_the_audit_is_completed_with_the_decision_agreement_and_grade(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    data = {
        "audit-version": 1,
        "audit-decision_agreement": "partly",
        "audit-decision_reason": "A strategy meeting was not needed before the ICPC.",
        "audit-overall_grade": "Requires improvement",
        "audit-status": "complete",
    }
    for row in audit.answers.all():  # every criterion answered on the same page
        data.update(_criterion_data(row, answer="met"))
    response = world.client("reviewer").post(
        reverse("audits:case-audit-save", args=[world.review.pk, audit.case_id]), data
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert (audit.status, audit.decision_agreement, audit.overall_grade, audit.version) == (
        "complete",
        "partly",
        "Requires improvement",
        2,
    )


def test_host_staff_see_a_case_audit_only_once_the_lead_reviewer_shares_it(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    url = reverse("audits:case-audit", args=[world.review.pk, audit.case_id])
    host = world.client("host_staff")
    assert host.get(url).status_code == 404
    assert (
        world.client("reviewer")
        .post(
            reverse("audits:case-audit-share", args=[world.review.pk, audit.case_id]),
            {"share": "yes"},
        )
        .status_code
        == 403
    )
    world.client("lead_reviewer").post(
        reverse("audits:case-audit-share", args=[world.review.pk, audit.case_id]), {"share": "yes"}
    )
    page = host.get(url)
    assert page.status_code == 200
    assert "Save the audit" not in page.content.decode()
    home = host.get(reverse("audits:home", args=[world.review.pk])).content.decode()
    assert f"Case {audit.case.reference}" in home
    world.client("lead_reviewer").post(
        reverse("audits:case-audit-share", args=[world.review.pk, audit.case_id]), {"share": "no"}
    )
    assert host.get(url).status_code == 404


def test_nobody_from_another_review_reaches_a_case_by_changing_the_review_in_the_url(world) -> None:
    audit = started_audit(world.other_review, world.people["reviewer_elsewhere"])
    url = reverse("audits:case-audit", args=[world.review.pk, audit.case_id])
    assert world.client("reviewer").get(url).status_code == 404
    assert CaseAudit.objects.count() == 1
    assert CriterionAnswer.objects.filter(audit=audit).count() == 10


def test_with_htmx_a_save_updates_only_the_version_and_a_conflict_swaps_in_both_versions(
    world,
) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=3)
    response = _save_one(world.client("reviewer"), audit, answer, answer="met")
    assert "HX-Reswap" not in response
    assert (
        f'id="id_c{answer.pk}-version" name="c{answer.pk}-version" value="2" hx-swap-oob="true"'
        in response.content.decode()
    )
    conflict = _save_one(
        world.client("lead_reviewer"), audit, answer, answer="not_met", comment="Mine"
    )
    assert conflict["HX-Reswap"] == "outerHTML"
    assert "while you were working on it" in conflict.content.decode()


def test_a_coordinator_adds_and_removes_criteria_on_their_own_copy(world) -> None:
    tool = shipped_tool().copy(name="Ours", organisation=world.lead_org)
    client = world.client("coordinator")
    add = reverse("audits:criterion-add", args=[tool.pk])
    assert 'value="11"' in client.get(add).content.decode()
    page = client.post(add, {"number": 1, "title": "Dup", "question": "?"}).content.decode()
    assert "Criterion 1 already exists in this tool" in page
    client.post(
        add,
        {
            "number": 11,
            "title": "Language needs",
            "question": "Was an interpreter used?",
            "case_types": ["s47"],
        },
    )
    new = tool.criteria.get(number=11)
    assert new.case_types == ["s47"]
    client.post(reverse("audits:criterion-delete", args=[tool.pk, new.pk]))
    assert tool.criteria.count() == 10


def test_with_htmx_the_decision_and_status_save_as_you_go(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    url = reverse("audits:case-audit-save", args=[world.review.pk, audit.case_id])
    data = {"audit-version": 1, "audit-decision_agreement": "yes", "audit-status": "in_progress"}
    response = world.client("reviewer").post(url, data, HTTP_HX_REQUEST="true")
    assert (
        'id="id_audit-version" name="audit-version" value="2" hx-swap-oob="true"'
        in response.content.decode()
    )
    stale = world.client("lead_reviewer").post(
        url, {**data, "audit-decision_agreement": "no"}, HTTP_HX_REQUEST="true"
    )
    assert stale["HX-Reswap"] == "outerHTML"
    assert "saved the decision and status while you were working" in stale.content.decode()
    audit.refresh_from_db()
    assert (audit.decision_agreement, audit.version) == ("yes", 2)


def test_a_stale_save_of_exactly_what_is_already_saved_is_not_a_conflict(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.first()
    me, lead = world.people["reviewer"], world.people["lead_reviewer"]
    save = save_answer
    assert save(answer_id=answer.pk, version=1, answer="met", comment="A", user=me).comment == "A"
    assert save(answer_id=answer.pk, version=1, answer="met", comment="A", user=lead).comment == "A"
    with pytest.raises(StaleEdit):
        save(answer_id=answer.pk, version=1, answer="met", comment="B", user=lead)
    answer.refresh_from_db()
    assert (answer.comment, answer.version) == ("A", 2)


def test_your_own_save_from_another_tab_is_a_conflict_too(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.first()
    me = world.people["reviewer"]
    assert (
        save_answer(answer_id=answer.pk, version=1, answer="met", comment="A", user=me).comment
        == "A"
    )
    # My other tab still says version 1: its text is not written over the first tab's.
    with pytest.raises(StaleEdit) as stale:
        save_answer(answer_id=answer.pk, version=1, answer="met", comment="B", user=me)
    assert stale.value.current.comment == "A"
    answer.refresh_from_db()
    assert (answer.comment, answer.version) == ("A", 2)


def test_two_tabs_of_one_person_on_one_criterion_get_a_conflict_with_both_texts(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=2)
    client = world.client("reviewer")  # one person, one session, two tabs both at version 1
    first = _save_one(client, audit, answer, answer="met", comment="Written in the first tab.")
    assert first.status_code == 200 and "Saved." in first.content.decode()
    second = _save_one(client, audit, answer, answer="partly", comment="Written in the second tab.")
    page = second.content.decode()
    assert second["HX-Reswap"] == "outerHTML"
    assert "You saved criterion 2 in another tab or window" in page
    assert "Written in the first tab." in page  # the saved text
    assert "Written in the second tab." in page  # this tab's text, kept in the form
    answer.refresh_from_db()
    assert (answer.answer, answer.comment, answer.version) == (
        "met",
        "Written in the first tab.",
        2,
    )
    # Without JavaScript, the whole page's save says the same.
    whole = client.post(
        reverse("audits:case-audit-save", args=[world.review.pk, audit.case_id]),
        _criterion_data(answer, answer="not_met", comment="Third tab.", version=1),
    )
    assert whole.status_code == 200
    assert "You saved criterion 2 in another tab or window" in whole.content.decode()
    answer.refresh_from_db()
    assert answer.comment == "Written in the first tab."


def test_a_whole_page_save_that_fails_halfway_leaves_nothing_written(world, monkeypatch) -> None:
    from audits.services import case_audits
    from trail.models import Event

    audit = started_audit(world.review, world.people["reviewer"])
    rows = list(audit.answers.order_by("criterion__number")[:3])
    data = {}
    for number, row in enumerate(rows, start=1):
        data.update(_criterion_data(row, answer="met", comment=f"Comment {number}."))
    data.update(
        {
            "audit-decision_agreement": "yes",
            "audit-decision_reason": "",
            "audit-overall_grade": "",
            "audit-status": "in_progress",
            "audit-version": audit.version,
        }
    )
    real = case_audits.record
    calls = []

    def fails_on_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("the trail could not be written")
        return real(**kwargs)

    monkeypatch.setattr(case_audits, "record", fails_on_the_third)
    client = world.client("reviewer")
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(reverse("audits:case-audit-save", args=[world.review.pk, audit.case_id]), data)
    assert len(calls) == 3  # two criteria were written before the failure
    for row in rows:
        row.refresh_from_db()
        assert (row.answer, row.comment, row.version) == ("", "", 1)
    assert not Event.objects.filter(action=Event.Action.CASE_AUDIT_CHANGED).exists()
    monkeypatch.setattr(case_audits, "record", real)
    saved = client.post(
        reverse("audits:case-audit-save", args=[world.review.pk, audit.case_id]), data
    )
    assert saved.status_code == 302
    # Three criteria and the details, each with its record.
    assert Event.objects.filter(action=Event.Action.CASE_AUDIT_CHANGED).count() == 4


def test_every_saved_change_to_a_case_audit_goes_to_the_audit_trail(world) -> None:
    from trail.models import Event

    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=5)
    _save_one(
        world.client("reviewer"), audit, answer, answer="not_met", comment="No views recorded."
    )
    _save_one(
        world.client("lead_reviewer"), audit, answer, answer="met", version=1
    )  # refused: stale
    events = Event.objects.filter(action=Event.Action.CASE_AUDIT_CHANGED, review_id=world.review.pk)
    assert events.count() == 1
    event = events.get()
    assert event.actor == world.people["reviewer"]
    assert event.detail == {"answer": "not_met", "comment": "No views recorded."}
