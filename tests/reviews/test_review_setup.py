"""Setting up a review and its key lines of enquiry."""

from __future__ import annotations

import re

from django.urls import reverse

from reviews.setup.models import Framework, Kloe, Membership, Review, Role


def _review_data(world, **overrides) -> dict[str, str]:
    data = {
        "title": "Peer challenge of Northmoor's front door",
        "host": str(world.host_org.pk),
        "lead_organisation": str(world.lead_org.pk),
        "kind": Review.Kind.FRONT_DOOR_HEALTH_CHECK,
        "kind_other": "",
        "delivery": Review.Delivery.HYBRID,
        "start_date_0": "2",
        "start_date_1": "3",
        "start_date_2": "2027",
        "end_date_0": "4",
        "end_date_1": "3",
        "end_date_2": "2027",
        "request": "Test thresholds and consent.",
        "addressee_name": "Daniel Okafor",
        "addressee_title": "Director of Children's Services",
        "our_reference": "EV/PC/27",
        "your_reference": "",
        "framework": str(Framework.objects.get(name="Front door health check", is_default=True).pk),
    }
    data.update(overrides)
    return data


def test_the_three_default_frameworks_ship_with_the_product(db) -> None:
    defaults = {f.name: f.numbered_kloes() for f in Framework.objects.filter(is_default=True)}
    assert len(defaults) == 3
    regional = defaults["Regional front door self-assessment"]
    assert [k.heading for k in regional][:2] == [
        "Thresholds and policies",
        "Effectiveness of partnerships",
    ]
    assert len(regional) == 7 and "early help" in regional[0].prompts
    grouped = defaults["Strategy and practice key lines of enquiry"]
    assert grouped[0].number == "1.1" and grouped[5].number == "2.1"
    assert len(defaults["Front door health check"]) == 5


def test_coordinator_creates_a_review_with_its_own_copy_of_the_framework(world) -> None:
    client = world.client("coordinator")
    response = client.post(reverse("reviews:review-create"), _review_data(world))
    review = Review.objects.get(title="Peer challenge of Northmoor's front door")
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert (
        Membership.objects.get(review=review, user=world.people["coordinator"]).role
        == Role.COORDINATOR
    )
    assert str(review.start_date) == "2027-03-02" and review.addressee_name == "Daniel Okafor"
    copy = review.framework
    template = Framework.objects.get(name="Front door health check", is_default=True)
    assert copy.pk != template.pk and copy.copied_from == template
    assert [k.heading for k in copy.numbered_kloes()] == [
        k.heading for k in template.numbered_kloes()
    ]

    # Changing the template later never changes the review's copy.
    template.kloes.update(heading="Changed in the template")
    assert "Changed in the template" not in [k.heading for k in review.framework.kloes.all()]


def test_the_review_form_keeps_what_was_typed_and_says_what_is_wrong(world) -> None:
    client = world.client("coordinator")
    data = _review_data(
        world,
        lead_organisation=str(world.host_org.pk),
        kind=Review.Kind.OTHER,
        end_date_0="1",
        end_date_1="2",
        end_date_2="2027",
        start_date_0="31",
        start_date_1="2",
    )
    page = client.post(reverse("reviews:review-create"), data).content.decode()
    assert "There is a problem" in page
    assert "The lead organisation cannot be the host authority" in page
    assert "Enter the kind of review" in page
    assert "The start date must be a real date" in page
    assert "Test thresholds and consent." in page and 'value="EV/PC/27"' in page
    assert not Review.objects.filter(title=data["title"]).exists()

    data = _review_data(world, start_date_0="5", end_date_0="4")
    page = client.post(reverse("reviews:review-create"), data).content.decode()
    assert "The end date must be the same as or after the start date" in page


def test_people_who_are_not_coordinators_cannot_set_up_reviews(world) -> None:
    assert world.client("host_lead").get(reverse("reviews:review-create")).status_code == 403
    assert (
        world.client("lead_reviewer")
        .post(reverse("reviews:review-create"), _review_data(world))
        .status_code
        == 403
    )
    page = world.client("host_lead").get(reverse("reviews:your-reviews")).content.decode()
    assert "Set up a review" not in page
    assert (
        "Set up a review"
        in world.client("coordinator").get(reverse("reviews:your-reviews")).content.decode()
    )


def test_a_person_given_can_add_review_by_an_administrator_may_set_up_the_first_review(
    world,
) -> None:
    from django.contrib.auth.models import Permission

    newcomer = world.people["host_staff_not_on_team"]
    assert (
        world.client("host_staff_not_on_team").get(reverse("reviews:review-create")).status_code
        == 403
    )
    newcomer.user_permissions.add(Permission.objects.get(codename="add_review"))
    assert (
        world.client("host_staff_not_on_team").get(reverse("reviews:review-create")).status_code
        == 200
    )


def test_editing_a_review_saves_the_details_and_refuses_a_stale_version(world) -> None:
    review = world.review
    client = world.client("coordinator")
    data = _review_data(
        world, title="Renamed review", status=Review.Status.PREPARATION, version=str(review.version)
    )
    del data["framework"]
    # Back from fieldwork to preparation: a reason is needed (issue 21).
    page = client.post(reverse("reviews:review-edit", args=[review.pk]), data).content.decode()
    assert "Say why the review goes back from" in page and "Renamed review" in page
    data["status_reason"] = "The host needs another week."
    assert client.post(reverse("reviews:review-edit", args=[review.pk]), data).status_code == 302
    review.refresh_from_db()
    assert (
        review.title == "Renamed review"
        and review.status == Review.Status.PREPARATION
        and review.version == 2
    )

    data["title"] = "Someone else's older edit"
    data["version"] = "1"
    page = client.post(reverse("reviews:review-edit", args=[review.pk]), data).content.decode()
    assert "Someone else changed this while you were editing it" in page
    assert "Someone else&#x27;s older edit" in page
    review.refresh_from_db()
    assert review.title == "Renamed review"


def _framework_post(
    framework: Framework, rows: list[dict[str, str]], **extra: str
) -> dict[str, str]:
    existing = list(framework.kloes.all())
    data = {
        "framework-name": framework.name,
        "framework-description": framework.description,
        "framework-version": str(framework.version),
        "kloes-TOTAL_FORMS": str(len(rows)),
        "kloes-INITIAL_FORMS": str(len(existing)),
        "kloes-MIN_NUM_FORMS": "0",
        "kloes-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        if i < len(existing):
            data[f"kloes-{i}-id"] = str(existing[i].pk)
        data[f"kloes-{i}-framework"] = str(framework.pk)
        for key in ("position", "group", "heading", "prompts", "DELETE"):
            if key in row:
                data[f"kloes-{i}-{key}"] = row[key]
    data.update(extra)
    return data


def test_coordinator_copies_a_default_and_adds_rewords_reorders_and_groups_lines(world) -> None:
    client = world.client("coordinator")
    default = Framework.objects.get(name="Front door health check", is_default=True)
    response = client.post(
        reverse("reviews:framework-copy", args=[default.pk]), {"name": "Eastvale health check"}
    )
    copy = Framework.objects.get(name="Eastvale health check")
    assert response["Location"] == reverse("reviews:framework-edit", args=[copy.pk])
    assert copy.organisation == world.lead_org and copy.kloes.count() == 5

    rows = [
        {
            "position": "2",
            "group": "Practice",
            "heading": "Thresholds, consent and step up or down",
            "prompts": "",
        },
        {
            "position": "1",
            "group": "Practice",
            "heading": "Decision making and management oversight",
            "prompts": "",
        },
        {"position": "3", "group": "", "heading": "The quality of assessments", "prompts": ""},
        {
            "position": "4",
            "group": "",
            "heading": "Strength of partnership contribution",
            "prompts": "",
        },
        {
            "position": "5",
            "group": "",
            "heading": "Quality assurance",
            "prompts": "",
            "DELETE": "on",
        },
        {
            "position": "6",
            "group": "",
            "heading": "Voice of the child",
            "prompts": "Is the child seen and heard?",
        },
    ]
    response = client.post(
        reverse("reviews:framework-edit", args=[copy.pk]), _framework_post(copy, rows)
    )
    assert response.status_code == 302
    kloes = copy.numbered_kloes()
    assert [(k.number, k.heading) for k in kloes] == [
        ("1.1", "Decision making and management oversight"),
        ("1.2", "Thresholds, consent and step up or down"),
        ("1", "The quality of assessments"),
        ("2", "Strength of partnership contribution"),
        ("3", "Voice of the child"),
    ]
    assert [k.position for k in kloes] == [1, 2, 3, 4, 5]
    assert Framework.objects.get(pk=default.pk).kloes.count() == 5  # the default is untouched


def test_a_heading_left_empty_is_refused_and_nothing_is_saved(world) -> None:
    client = world.client("coordinator")
    framework = Framework.objects.create(name="Ours", organisation=world.lead_org)
    Kloe.objects.create(framework=framework, position=1, heading="Thresholds")
    rows = [
        {"position": "1", "group": "", "heading": "Renamed thresholds", "prompts": ""},
        {"position": "2", "group": "Partners", "heading": "", "prompts": "Police and health"},
    ]
    page = client.post(
        reverse("reviews:framework-edit", args=[framework.pk]),
        _framework_post(framework, rows, **{"framework-name": "Ours, renamed"}),
    ).content.decode()
    assert "Line 2: Enter the heading of this key line of enquiry" in page
    assert "Police and health" in page and "Renamed thresholds" in page
    framework.refresh_from_db()
    assert framework.name == "Ours" and [k.heading for k in framework.kloes.all()] == ["Thresholds"]


def test_the_defaults_cannot_be_changed_only_copied(world) -> None:
    default = Framework.objects.filter(is_default=True).first()
    assert (
        world.client("coordinator")
        .get(reverse("reviews:framework-edit", args=[default.pk]))
        .status_code
        == 403
    )


def test_another_organisations_framework_is_not_found(world) -> None:
    theirs = Framework.objects.create(name="Westbridge KLOEs", organisation=world.other_org)
    assert (
        world.client("coordinator")
        .get(reverse("reviews:framework-detail", args=[theirs.pk]))
        .status_code
        == 404
    )


def test_the_coordinator_adjusts_the_reviews_own_copy_and_members_read_it(world) -> None:
    client = world.client("coordinator")
    review = world.review
    Framework.objects.get(name="Front door health check", is_default=True).copy(
        name="FDHC", organisation=world.lead_org, review=review
    )
    framework = review.framework
    rows = [
        {"position": str(i), "group": "", "heading": k.heading, "prompts": ""}
        for i, k in enumerate(framework.kloes.all(), 1)
    ]
    rows[0]["heading"] = "Thresholds in Northmoor"
    assert (
        client.post(
            reverse("reviews:review-framework-edit", args=[review.pk]),
            _framework_post(framework, rows),
        ).status_code
        == 302
    )
    page = (
        world.client("host_staff")
        .get(reverse("reviews:review-framework", args=[review.pk]))
        .content.decode()
    )
    assert "Thresholds in Northmoor" in page
    assert "Change this review" not in page


def test_a_forged_count_of_lines_is_refused_without_building_a_thousand_forms(world) -> None:
    """The framework editor caps its lines: a forged TOTAL_FORMS gets a clear error, quickly."""
    from reviews.setup.forms import MAX_KLOES

    url = reverse("reviews:review-framework-edit", args=[world.review.pk])
    client = world.client("coordinator")
    page = client.get(url).content.decode()
    prefix = re.search(r'name="([^"]+)-TOTAL_FORMS"', page).group(1)
    data = {f"{prefix}-TOTAL_FORMS": "999999", f"{prefix}-INITIAL_FORMS": "0", "name": "Forged"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert f"at most {MAX_KLOES} key lines of enquiry" in body
    assert len(re.findall(r'name="[^"]+-DELETE"', body)) <= MAX_KLOES + 10
