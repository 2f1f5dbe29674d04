"""Issue 21: the self-assessment shows each key line's prompts and what red, amber and green mean
(the framework's words), ends with a check-your-answers page it is submitted from (only there), and
the coordinator can reopen a submitted one (recorded, the host lead contact told by email)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Email
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import DEFAULT_RAG_AMBER, Framework, Kloe
from trail.models import Event


@pytest.fixture
def kloes(world):
    framework = Framework.objects.create(
        name="KLOEs",
        review=world.review,
        rag_red="Children wait too long for a decision.",
        rag_green="Every contact is screened within a day.",
        rag_amber="",  # left empty: the standard wording
    )
    return [
        Kloe.objects.create(
            framework=framework,
            position=1,
            heading="Thresholds",
            prompts="Is the threshold document understood?\nIs consent sought?",
        ),
        Kloe.objects.create(framework=framework, position=2, heading="Partnerships"),
    ]


def _edit(client, review, kloes, action="draft", version="", **values):
    data = {"action": action, "version": version}
    for i, kloe in enumerate(kloes):
        data[f"rating_{kloe.pk}"] = values.get(f"r{i}", "")
        data[f"narrative_{kloe.pk}"] = values.get(f"n{i}", "")
    return client.post(reverse("reviews:self-assessment-edit", args=[review.pk]), data)


def _version(review):
    return SelfAssessment.objects.get(review=review).version


def test_each_key_line_shows_its_prompts_and_what_each_rating_means(world, kloes) -> None:
    page = (
        world.client("host_lead")
        .get(reverse("reviews:self-assessment-edit", args=[world.review.pk]))
        .content.decode()
    )
    assert "Is the threshold document understood?</li>" in page
    assert "Is consent sought?</li>" in page
    assert page.count("Children wait too long for a decision.") == 2  # once per key line
    assert page.count("Every contact is screened within a day.") == 2
    assert page.count(DEFAULT_RAG_AMBER) == 2


def test_the_meanings_are_edited_with_the_framework_and_copied_with_it(world, kloes) -> None:
    framework = kloes[0].framework
    assert framework.rag_meanings["amber"] == DEFAULT_RAG_AMBER
    copy = framework.unsaved_copy(name="Copy", organisation=None)
    assert copy.rag_red == "Children wait too long for a decision."
    edit = world.client("coordinator").get(
        reverse("reviews:review-framework-edit", args=[world.review.pk])
    )
    assert 'name="framework-rag_red"' in edit.content.decode()


def test_continue_shows_the_answers_with_change_links_and_submits_only_from_there(
    world, kloes
) -> None:
    client = world.client("host_lead")
    response = _edit(client, world.review, kloes, "check", r0="amber", n0="New.", r1="green")
    assert response["Location"] == reverse("reviews:self-assessment-check", args=[world.review.pk])
    assessment = SelfAssessment.objects.get()
    assert assessment.status == SelfAssessment.Status.DRAFT  # saved, not submitted
    page = client.get(response["Location"]).content.decode()
    assert "Check your answers before you submit the self-assessment" in page
    assert 'govuk-tag--orange">Amber' in page and "New." in page
    for kloe in kloes:
        assert (
            f'#id_rating_{kloe.pk}">Change<span class="govuk-visually-hidden"> your rating of'
            in page
        )
    assert reverse("reviews:self-assessment-submit", args=[world.review.pk]) in page
    # A POST of the form itself never submits, whatever its button says.
    _edit(client, world.review, kloes, "submit", str(_version(world.review)), r0="red", r1="red")
    assert SelfAssessment.objects.get().status == SelfAssessment.Status.DRAFT
    submitted = client.post(
        reverse("reviews:self-assessment-submit", args=[world.review.pk]),
        {"version": _version(world.review)},
    )
    assert submitted["Location"] == reverse("reviews:self-assessment", args=[world.review.pk])
    assessment.refresh_from_db()
    assert assessment.is_submitted and assessment.submitted_by == world.people["host_lead"]
    assert Event.objects.filter(
        review_id=world.review.pk, detail__change="self-assessment submitted"
    ).exists()


def test_the_check_page_lists_unrated_lines_and_a_forged_submit_is_refused(world, kloes) -> None:
    client = world.client("host_lead")
    _edit(client, world.review, kloes, "draft", r0="amber")
    page = client.get(reverse("reviews:self-assessment-check", args=[world.review.pk]))
    text = page.content.decode()
    assert "2 Partnerships is not rated" in text
    assert "Submit to the review team" not in text
    response = client.post(
        reverse("reviews:self-assessment-submit", args=[world.review.pk]),
        {"version": _version(world.review)},
    )
    assert response["Location"] == reverse("reviews:self-assessment-check", args=[world.review.pk])
    assert SelfAssessment.objects.get().status == SelfAssessment.Status.DRAFT


def test_a_submit_from_a_stale_check_page_is_refused(world, kloes) -> None:
    client = world.client("host_lead")
    _edit(client, world.review, kloes, "check", r0="amber", r1="green")
    stale = _version(world.review)
    _edit(client, world.review, kloes, "draft", str(stale), r0="red", r1="green")
    response = client.post(
        reverse("reviews:self-assessment-submit", args=[world.review.pk]), {"version": stale}
    )
    assert response.status_code == 302
    assert SelfAssessment.objects.get().status == SelfAssessment.Status.DRAFT


def _submitted(world, kloes):
    client = world.client("host_lead")
    _edit(client, world.review, kloes, "check", r0="amber", n0="Ours.", r1="green")
    client.post(
        reverse("reviews:self-assessment-submit", args=[world.review.pk]),
        {"version": _version(world.review)},
    )
    assert SelfAssessment.objects.get().is_submitted


def test_the_coordinator_reopens_a_submitted_self_assessment_after_confirming(world, kloes) -> None:
    _submitted(world, kloes)
    client = world.client("coordinator")
    url = reverse("reviews:self-assessment-reopen", args=[world.review.pk])
    overview = client.get(reverse("reviews:self-assessment", args=[world.review.pk]))
    assert url in overview.content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert SelfAssessment.objects.get().is_submitted  # nothing changes on GET
    response = client.post(url, {"version": _version(world.review)})
    assert response["Location"] == reverse("reviews:self-assessment", args=[world.review.pk])
    assessment = SelfAssessment.objects.get()
    assert assessment.status == SelfAssessment.Status.DRAFT
    assert SelfAssessmentEntry.objects.get(kloe=kloes[0]).host_narrative == "Ours."  # kept
    event = Event.objects.get(review_id=world.review.pk, detail__change="self-assessment reopened")
    assert event.actor == world.people["coordinator"]
    email = Email.objects.get(template="reviews/email/self_assessment_reopened")
    assert email.to == world.people["host_lead"].email
    assert world.review.title in email.subject
    sent = mail.outbox[-1]  # through the outbox's worker
    assert sent.to == [world.people["host_lead"].email]
    assert reverse("reviews:self-assessment-edit", args=[world.review.pk]) in sent.body
    # The host lead contact can change it again.
    edit = world.client("host_lead").get(
        reverse("reviews:self-assessment-edit", args=[world.review.pk])
    )
    assert edit.status_code == 200


def test_only_the_coordinator_may_reopen(world, kloes) -> None:
    _submitted(world, kloes)
    url = reverse("reviews:self-assessment-reopen", args=[world.review.pk])
    version = _version(world.review)
    for role in ("lead_reviewer", "reviewer", "host_lead", "host_staff"):
        assert world.client(role).post(url, {"version": version}).status_code == 403, role
    for role in ("reviewer_elsewhere", "other_host_staff"):
        assert world.client(role).post(url, {"version": version}).status_code == 404, role
    assert SelfAssessment.objects.get().is_submitted
    assert not Email.objects.filter(template="reviews/email/self_assessment_reopened").exists()


def test_a_stale_reopen_is_refused(world, kloes) -> None:
    _submitted(world, kloes)
    url = reverse("reviews:self-assessment-reopen", args=[world.review.pk])
    response = world.client("coordinator").post(url, {"version": _version(world.review) - 1})
    assert response["Location"] == url
    assert SelfAssessment.objects.get().is_submitted


def _check_page_queries(world, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    framework = Framework.objects.filter(review=world.review).first() or Framework.objects.create(
        name="KLOEs", review=world.review
    )
    assessment, _ = SelfAssessment.objects.get_or_create(review=world.review)
    start = framework.kloes.count()
    for i in range(start, n):
        kloe = Kloe.objects.create(framework=framework, position=i + 1, heading=f"Line {i + 1}")
        SelfAssessmentEntry.objects.create(
            self_assessment=assessment, kloe=kloe, host_rating="green", host_narrative="Fine."
        )
    client = world.client("host_lead")
    url = reverse("reviews:self-assessment-check", args=[world.review.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_check_page_makes_the_same_number_of_queries_for_2_and_20_key_lines(world) -> None:
    assert _check_page_queries(world, 2) == _check_page_queries(world, 20)
