import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from reviews.permissions import RIGHTS, can, get_review_for, rights_for


@pytest.mark.parametrize(
    ("person", "right", "allowed"),
    [
        ("coordinator", "manage_team", True),
        ("coordinator", "schedule", True),
        ("coordinator", "edit_findings", False),
        ("lead_reviewer", "issue_letter", True),
        ("lead_reviewer", "edit_letter", True),
        ("lead_reviewer", "manage_team", False),
        ("reviewer", "edit_findings", True),
        ("reviewer", "audit_cases", True),
        ("reviewer", "issue_letter", False),
        ("host_lead", "complete_self_assessment", True),
        ("host_lead", "view_team_work", False),
        ("host_staff", "download_letter", True),
        ("host_staff", "edit_findings", False),
        ("host_staff", "view_team_work", False),
    ],
)
def test_each_role_has_the_rights_of_its_job(world, person, right, allowed) -> None:
    assert can(world.people[person], right, world.review) is allowed


def test_outsiders_have_no_rights_at_all(world) -> None:
    for person in ("reviewer_elsewhere", "other_host_staff", "host_staff_not_on_team"):
        assert not any(rights_for(world.people[person], world.review).values())


def test_a_superuser_not_on_the_team_gets_nothing_from_the_permission_module(
    world, admin_user
) -> None:
    assert not can(admin_user, "view", world.review)
    with pytest.raises(Http404):
        get_review_for(admin_user, world.review.pk)


def test_get_review_for_gives_404_to_outsiders_and_403_to_members_without_the_right(world) -> None:
    with pytest.raises(Http404):
        get_review_for(world.people["host_staff_not_on_team"], world.review.pk)
    with pytest.raises(PermissionDenied):
        get_review_for(world.people["host_staff"], world.review.pk, "edit_findings")
    assert (
        get_review_for(world.people["reviewer"], world.review.pk, "edit_findings") == world.review
    )


def test_unknown_rights_are_a_programming_error(world) -> None:
    with pytest.raises(KeyError):
        can(world.people["reviewer"], "launch_rockets", world.review)


def test_the_role_is_looked_up_once_per_review_and_person(world, django_assert_num_queries) -> None:
    reviewer = world.people["reviewer"]
    with django_assert_num_queries(1):
        for right in RIGHTS:
            can(reviewer, right, world.review)
