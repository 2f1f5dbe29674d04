from django.urls import reverse
from django.utils.html import escape

from reviews.models import Review, Role
from tests.factories import MembershipFactory, ReviewFactory


def test_your_reviews_shows_each_person_their_role_and_next_step(world) -> None:
    expectations = {
        "coordinator": ("Coordinator", "Keep the timetable up to date"),
        "reviewer": ("Reviewer", "Record evidence notes, findings and case audits"),
        "host_lead": ("Host lead contact", "Host the review team"),
    }
    for person, (role, next_step) in expectations.items():
        page = world.client(person).get(reverse("reviews:your-reviews")).content.decode()
        assert world.review.title in page
        assert role in page
        assert next_step in page
        assert world.other_review.title not in page


def test_host_staff_of_another_authority_do_not_see_the_review(world) -> None:
    page = world.client("other_host_staff").get(reverse("reviews:your-reviews")).content.decode()
    assert world.review.title not in page
    assert world.other_review.title in page


def test_host_staff_not_on_the_team_see_nothing_of_the_review(world) -> None:
    client = world.client("host_staff_not_on_team")
    page = client.get(reverse("reviews:your-reviews")).content.decode()
    assert world.review.title not in page
    assert "You are not on any review yet" in page
    assert client.get(reverse("reviews:review-overview", args=[world.review.pk])).status_code == 404


def test_finished_reviews_are_listed_apart(world) -> None:
    finished = ReviewFactory(
        host=world.host_org,
        lead_organisation=world.lead_org,
        status=Review.Status.ISSUED,
        title="Last year's review",
    )
    MembershipFactory(review=finished, user=world.people["host_lead"], role=Role.HOST_LEAD)
    page = world.client("host_lead").get(reverse("reviews:your-reviews")).content.decode()
    assert page.index("Current reviews") < page.index(world.review.title)
    assert page.index("Finished reviews") < page.index("Last year&#x27;s review")
    assert "Download the letter and plan your response" in page


def test_overview_shows_the_team_with_roles_and_the_status(world) -> None:
    page = (
        world.client("host_staff")
        .get(reverse("reviews:review-overview", args=[world.review.pk]))
        .content.decode()
    )
    assert escape(world.people["lead_reviewer"].full_name) in page
    assert "Lead reviewer" in page
    assert escape(world.people["coordinator"].full_name) in page
    assert 'aria-current="step"' in page
    assert "Fieldwork" in page
    assert world.review.request in page


def test_your_reviews_query_count_does_not_grow_with_reviews(
    world, django_assert_max_num_queries
) -> None:
    reviewer = world.people["reviewer"]
    client = world.client("reviewer")

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:your-reviews")).status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    for _ in range(30):
        MembershipFactory(review=ReviewFactory(), user=reviewer, role=Role.REVIEWER)
    large = count_queries()
    assert small == large
    assert large <= 6


def test_overview_query_count_does_not_grow_with_the_team(world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("reviewer")
    url = reverse("reviews:review-overview", args=[world.review.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(20):
        MembershipFactory(review=world.review, role=Role.HOST_STAFF)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
