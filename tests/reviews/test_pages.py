from django.urls import reverse
from django.utils.html import escape

from core.attention import PROVIDERS
from core.banners import PROVIDERS as BANNERS
from reviews.setup.models import Review, Role
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
    current = page.index("Current reviews")  # after "Needs your attention", which names reviews too
    assert current < page.index(world.review.title, current)
    assert page.index("Finished reviews") < page.index("Last year&#x27;s review", current)
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
    # Whether they may set up reviews, how many reviews are finished, whether they have their
    # authority's quality assurance role (its audit programme, issue 23), and one query for each kind of
    # thing "Needs your attention" lists (core.attention: one per app's provider), and one for each
    # kind of banner every page shows (core.banners: the safeguarding alerts to acknowledge).
    assert large <= 9 + len(PROVIDERS) + len(BANNERS)


def test_finished_reviews_are_listed_ten_to_a_page_most_recent_first(
    world, django_assert_max_num_queries
) -> None:
    import datetime as dt

    host_lead = world.people["host_lead"]
    client = world.client("host_lead")
    url = reverse("reviews:your-reviews")

    def add_finished(count: int, first_year: int) -> None:
        for i in range(count):
            review = ReviewFactory(
                host=world.host_org,
                lead_organisation=world.lead_org,
                status=Review.Status.ISSUED,
                title=f"Finished review {first_year + i}",
                start_date=dt.date(first_year + i, 3, 1),
            )
            MembershipFactory(review=review, user=host_lead, role=Role.HOST_LEAD)

    add_finished(3, 1990)
    with django_assert_max_num_queries(9 + len(PROVIDERS) + len(BANNERS)):
        few = client.get(url).content.decode()
    assert "Pages of finished reviews" not in few  # three fit on one page
    assert few.index("Finished review 1992") < few.index("Finished review 1990")

    add_finished(22, 1993)  # 25 finished reviews, 1990 to 2014
    with django_assert_max_num_queries(9 + len(PROVIDERS) + len(BANNERS)):
        first = client.get(url).content.decode()
    assert world.review.title in first  # the current review is always listed
    assert "1 to 10 of 25, the most recent first." in first
    assert "Finished review 2014" in first and "Finished review 2005" in first
    assert "Finished review 2004" not in first
    assert 'href="?page=2#finished" rel="next"' in first
    assert 'rel="prev"' not in first

    last = client.get(url, {"page": 3}).content.decode()
    assert world.review.title in last
    assert "21 to 25 of 25" in last
    assert "Finished review 1990" in last and "Finished review 1995" not in last
    assert 'href="?page=2#finished" rel="prev"' in last and 'rel="next"' not in last
    # A page that does not exist shows the last one; nonsense shows the first.
    assert "21 to 25 of 25" in client.get(url, {"page": 99}).content.decode()
    assert "1 to 10 of 25" in client.get(url, {"page": "x"}).content.decode()


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
