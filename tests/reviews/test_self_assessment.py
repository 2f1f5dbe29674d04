"""The self-assessment: the host rates, drafts and submits; the team records its view and judgement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import Framework, Kloe


@pytest.fixture
def kloes(world):
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    return [
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds"),
        Kloe.objects.create(framework=framework, position=2, heading="Partnerships"),
    ]


def _host_post(client, review, kloes, action, **ratings):
    """Save a draft (``draft``), or (``submit``) continue to check the answers and submit them
    from the check-your-answers page, as the host lead contact does."""
    data = {
        "action": "check" if action == "submit" else action,
        "version": ratings.pop("version", ""),
    }
    for i, kloe in enumerate(kloes):
        data[f"rating_{kloe.pk}"] = ratings.get(f"r{i}", "")
        data[f"narrative_{kloe.pk}"] = ratings.get(f"n{i}", "")
    response = client.post(reverse("reviews:self-assessment-edit", args=[review.pk]), data)
    if action != "submit" or response.status_code != 302:
        return response
    assert response["Location"] == reverse("reviews:self-assessment-check", args=[review.pk])
    version = SelfAssessment.objects.get(review=review).version
    return client.post(
        reverse("reviews:self-assessment-submit", args=[review.pk]), {"version": version}
    )


def test_the_host_saves_a_draft_then_submits_and_it_becomes_read_only(world, kloes) -> None:
    client = world.client("host_lead")
    response = _host_post(
        client, world.review, kloes, "draft", r0="amber", n0="Thresholds are new."
    )
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get()
    assert assessment.status == SelfAssessment.Status.DRAFT
    # Submitting needs every rating.
    refused = _host_post(
        client, world.review, kloes, "submit", version=str(assessment.version), r0="amber"
    )
    assert "Choose a rating for 2 Partnerships" in refused.content.decode()
    assessment.refresh_from_db()
    done = _host_post(
        client,
        world.review,
        kloes,
        "submit",
        version=str(assessment.version),
        r0="amber",
        n0="Thresholds are new.",
        r1="green",
    )
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_submitted
    again = client.get(reverse("reviews:self-assessment-edit", args=[world.review.pk]))
    assert again.status_code == 302
    _host_post(client, world.review, kloes, "draft", version=str(assessment.version), r0="red")
    assert SelfAssessmentEntry.objects.get(kloe=kloes[0]).host_rating == "amber"


def test_the_team_does_not_see_a_draft_and_the_host_never_sees_the_teams_view(world, kloes) -> None:
    _host_post(world.client("host_lead"), world.review, kloes, "draft", r0="red", n0="Secret draft")
    url = reverse("reviews:self-assessment", args=[world.review.pk])
    assert "Secret draft" not in world.client("reviewer").get(url).content.decode()
    assert world.client("host_staff").get(url).status_code == 403
    host_page = world.client("host_lead").get(url).content.decode()
    assert "Record the team" not in host_page


def test_side_by_side_shows_both_ratings_the_difference_and_the_judgement(world, kloes) -> None:
    _host_post(world.client("host_lead"), world.review, kloes, "submit", r0="green", r1="amber")
    client = world.client("reviewer")
    response = client.post(
        reverse("reviews:self-assessment-team", args=[world.review.pk, kloes[0].pk]),
        {
            "version": "1",
            "team_agreement": "disagree",
            "team_rating": "amber",
            "team_reason": "Thresholds applied inconsistently.",
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("reviews:self-assessment-judgement", args=[world.review.pk]),
        {
            "version": str(SelfAssessment.objects.get().version),
            "judgement": "partly_accurate",
            "judgement_reason": "Strong on partnerships, optimistic on thresholds.",
        },
    )
    page = client.get(reverse("reviews:self-assessment", args=[world.review.pk])).content.decode()
    assert "Team lower by 1" in page
    assert "Thresholds applied inconsistently." in page
    assert "self-assessment was <strong>partly accurate</strong>" in page


def test_a_conflicting_team_view_keeps_both(world, kloes) -> None:
    _host_post(world.client("host_lead"), world.review, kloes, "submit", r0="green", r1="amber")
    url = reverse("reviews:self-assessment-team", args=[world.review.pk, kloes[0].pk])
    data = {"version": "1", "team_agreement": "agree", "team_rating": "green"}
    world.client("reviewer").post(url, {**data, "team_reason": "Theirs."})
    second = world.client("lead_reviewer").post(url, {**data, "team_reason": "Mine."})
    page = second.content.decode()
    assert "Someone else changed this while you were editing it" in page
    assert "Theirs." in page and "Mine." in page
    assert SelfAssessmentEntry.objects.get(kloe=kloes[0]).team_reason == "Theirs."


def test_a_kloe_of_another_review_is_not_found(world, kloes) -> None:
    framework = Framework.objects.create(name="Other", review=world.other_review)
    theirs = Kloe.objects.create(framework=framework, position=1, heading="Elsewhere")
    url = reverse("reviews:self-assessment-team", args=[world.review.pk, theirs.pk])
    assert world.client("reviewer").get(url).status_code == 404


def test_two_host_saves_at_the_same_version_do_not_overwrite(world, kloes) -> None:
    client = world.client("host_lead")
    _host_post(client, world.review, kloes, "draft", r0="amber", n0="First draft.")
    version = str(SelfAssessment.objects.get().version)
    _host_post(client, world.review, kloes, "draft", version=version, r0="green", n0="Colleague.")
    stale = _host_post(client, world.review, kloes, "draft", version=version, r0="red", n0="Mine.")
    page = stale.content.decode()
    assert stale.status_code == 200
    assert "Someone else changed this while you were editing it" in page
    assert "Mine." in page
    assert SelfAssessmentEntry.objects.get(kloe=kloes[0]).host_narrative == "Colleague."
