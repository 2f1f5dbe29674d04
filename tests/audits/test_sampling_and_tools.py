from __future__ import annotations

from django.urls import reverse

from audits.models import AuditTool, Case, CaseType, SampleDraw, SampleStatus
from audits.services.tools import FRONT_DOOR_TOOL, choose_tool, review_tool, shipped_tool
from tests.audits.factories import CaseFactory, started_audit, use_seed_002_tool


def _list(review, n=40):
    types = [CaseType.CONTACT, CaseType.REFERRAL, CaseType.S17, CaseType.S47]
    for i in range(n):
        CaseFactory(
            review=review,
            reference=f"NM-{i:04d}",
            case_type=types[i % 4],
            sample_status=SampleStatus.NOT_SAMPLED,
        )


def _sampled(review):
    return sorted(Case.objects.filter(review=review).sampled().values_list("reference", flat=True))


def test_a_random_draw_is_recorded_with_its_seed_and_can_be_repeated(world) -> None:
    _list(world.review)
    client = world.client("coordinator")
    url = reverse("audits:sample-draw", args=[world.review.pk])
    response = client.post(url, {"method": "random", "size": 12, "reserves": 3})
    assert response.status_code == 302
    draw = SampleDraw.objects.get()
    first = _sampled(world.review)
    assert len(first) == 12 == len(draw.drawn)
    assert sorted(draw.drawn) == first
    assert Case.objects.filter(sample_status=SampleStatus.RESERVE).count() == 3
    assert (
        f"seed <strong>{draw.seed}</strong>"
        in client.get(reverse("audits:home", args=[world.review.pk])).content.decode()
    )

    client.post(url, {"method": "random", "size": 30})
    client.post(url, {"method": "random", "size": 12, "reserves": 3, "seed": draw.seed})
    assert _sampled(world.review) == first


def test_a_stratified_draw_takes_n_cases_of_each_type(world) -> None:
    _list(world.review)
    world.client("lead_reviewer").post(
        reverse("audits:sample-draw", args=[world.review.pk]),
        {"method": "stratified", "per_contact": 2, "per_s47": 5},
    )
    sampled = Case.objects.filter(review=world.review).sampled()
    assert sampled.filter(case_type=CaseType.CONTACT).count() == 2
    assert sampled.filter(case_type=CaseType.S47).count() == 5
    assert sampled.count() == 7


def test_no_new_draw_once_audits_have_started(world) -> None:
    started_audit(world.review, world.people["reviewer"])
    _list(world.review, 5)
    world.client("coordinator").post(
        reverse("audits:sample-draw", args=[world.review.pk]), {"method": "random", "size": 2}
    )
    assert SampleDraw.objects.count() == 0


def test_cases_are_picked_by_hand_and_assigned_to_reviewers(world) -> None:
    _list(world.review, 4)
    client = world.client("coordinator")
    cases = list(Case.objects.filter(review=world.review))
    client.post(
        reverse("audits:sample-pick", args=[world.review.pk]),
        {"action": "sample", "cases": [cases[0].pk, cases[1].pk]},
    )
    client.post(
        reverse("audits:sample-pick", args=[world.review.pk]),
        {"action": "reserve", "cases": [cases[2].pk]},
    )
    assert _sampled(world.review) == [cases[0].reference, cases[1].reference]
    reviewer = world.people["reviewer"]
    client.post(
        reverse("audits:sample-assign", args=[world.review.pk]),
        {
            f"assign-{cases[0].pk}": reviewer.pk,
            f"assign-{cases[1].pk}": world.people["host_lead"].pk,
        },
    )
    cases[0].refresh_from_db()
    cases[1].refresh_from_db()
    assert cases[0].assigned_to == reviewer
    assert cases[1].assigned_to is None  # only auditors on the review can be assigned


def test_editing_a_tool_later_never_changes_a_reviews_audits(world) -> None:
    shipped = shipped_tool()
    client = world.client("coordinator")
    response = client.post(reverse("audits:tool-copy", args=[shipped.pk]))
    copy = AuditTool.objects.get(name=f"Copy of {shipped.name}")
    assert response.url == reverse("audits:tool", args=[copy.pk])
    assert copy.organisation == world.lead_org
    assert copy.criteria.count() == 10

    choose_tool(review=world.review, tool=copy)
    snapshot = review_tool(world.review)
    criterion = copy.criteria.get(number=1)
    response = client.post(
        reverse("audits:criterion-edit", args=[copy.pk, criterion.pk]),
        {
            "number": 1,
            "title": "Strengths",
            "question": "Changed?",
            "guidance": "",
            "case_types": ["s17"],
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("audits:tool-edit", args=[copy.pk]),
        {"name": "Eastvale audit tool", "answer_scale": "met_not_met", "grade_levels": ""},
    )
    copy.refresh_from_db()
    assert copy.criteria.get(number=1).title == "Strengths"
    assert copy.answers == ["met", "not_met"]
    snapshot.refresh_from_db()
    assert snapshot.criteria.get(number=1).title == "Evidence of a strength based approach"
    assert snapshot.answer_scale == "four_point"
    assert snapshot.grades == ["Outstanding", "Good", "Requires improvement", "Inadequate"]


def test_shipped_tools_are_copied_never_edited(world) -> None:
    shipped = shipped_tool(FRONT_DOOR_TOOL)
    assert shipped.criteria.count() == 10
    assert shipped.criteria.get(number=2).title == "Consent sought or override recorded"
    response = world.client("coordinator").get(reverse("audits:tool-edit", args=[shipped.pk]))
    assert response.status_code == 403


def test_a_criterion_only_applies_to_its_case_types(world) -> None:
    tool = shipped_tool().copy(organisation=world.lead_org)
    criterion = tool.criteria.get(number=3)
    criterion.case_types = [CaseType.S47]
    criterion.save()
    choose_tool(review=world.review, tool=tool)
    audit = started_audit(world.review, world.people["reviewer"], case_type=CaseType.CONTACT)
    assert audit.answers.count() == 9


def test_the_tool_cannot_change_once_audits_have_started(world) -> None:
    use_seed_002_tool(world.review)
    started_audit(world.review, world.people["reviewer"])
    other = shipped_tool(FRONT_DOOR_TOOL)
    world.client("coordinator").post(
        reverse("audits:choose-tool", args=[world.review.pk]), {"tool": other.pk}
    )
    assert review_tool(world.review).copied_from == shipped_tool()
