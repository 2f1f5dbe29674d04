"""Inviting several people at once from pasted lines: each wrong line named, nothing sent until the
list is right (or the valid ones are chosen in so many words), a list to confirm, one email each."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from reviews.setup.forms import parse_people, role_from_words
from reviews.setup.models import Invitation, Role

GOOD = (
    "Sam Patel, sam.patel@barnsley.example, reviewer, Barnsley Council, Head of Service\n"
    "Ann Lee\tann.lee@leeds.example\tLead reviewer\tLeeds City Council\tPrincipal Social Worker\n"
    "Jo Kent, jo.kent@northmoor.example, host staff"
)


def _url(world) -> str:
    return reverse("reviews:invitation-bulk", args=[world.review.pk])


def test_roles_are_understood_in_words() -> None:
    assert role_from_words("reviewer") == Role.REVIEWER
    assert role_from_words("Lead Reviewer") == Role.LEAD_REVIEWER
    assert role_from_words("lead-reviewer") == Role.LEAD_REVIEWER
    assert role_from_words("Host lead contact") == Role.HOST_LEAD
    assert role_from_words("host_staff") == Role.HOST_STAFF
    assert role_from_words("Reviewers") == Role.REVIEWER
    assert role_from_words("chief") is None


def test_each_line_is_read_with_commas_or_tabs_and_blank_lines_are_skipped() -> None:
    people = parse_people(GOOD.replace("\n", "\n\n", 1))
    assert [(p.number, p.email, p.role) for p in people] == [
        (1, "sam.patel@barnsley.example", Role.REVIEWER),
        (3, "ann.lee@leeds.example", Role.LEAD_REVIEWER),
        (4, "jo.kent@northmoor.example", Role.HOST_STAFF),
    ]
    assert people[1].council == "Leeds City Council"
    assert people[1].job_title == "Principal Social Worker"
    assert not any(p.errors for p in people)


def test_wrong_lines_say_what_is_wrong() -> None:
    people = parse_people(
        "Sam Patel, not-an-email, reviewer\n"
        "Ann Lee, ann@leeds.example, chief\n"
        "Jo Kent\n"
        "Ann Again, ANN@leeds.example, reviewer\n"
        "a, b@c.example, reviewer, d, e, f"
    )
    errors = {p.number: " ".join(p.errors) for p in people}
    assert "“not-an-email” is not an email address" in errors[1]
    assert "“chief” is not a role" in errors[2] and "lead reviewer" in errors[2]
    assert "has no email address" in errors[3] and "has no role" in errors[3]
    assert "repeats ann@leeds.example, already on line 2" in errors[4]
    assert "more than 5 parts" in errors[5]


def test_one_bad_line_sends_nothing_and_keeps_the_text(world) -> None:
    client = world.client("coordinator")
    pasted = GOOD + "\nPat Doe, pat.doe@example.org, revewer"
    page = client.post(_url(world), {"people": pasted, "step": "check"}).content.decode()
    assert "There is a problem" in page
    assert "Line 4: “revewer” is not a role" in page
    assert "pat.doe@example.org, revewer" in page  # the text stays in the box
    assert "Invite the valid ones (3)" in page
    # Sending straight away is refused too: nothing is sent.
    client.post(_url(world), {"people": pasted, "step": "send"})
    assert not Invitation.objects.filter(review=world.review).exists()
    assert not mail.outbox


def test_the_list_is_confirmed_before_it_is_sent(world) -> None:
    client = world.client("coordinator")
    page = client.post(_url(world), {"people": GOOD, "step": "check"}).content.decode()
    assert "Check the invitations before they are sent" in page
    assert "Send 3 invitations" in page and "sam.patel@barnsley.example" in page
    assert not Invitation.objects.filter(review=world.review).exists()

    response = client.post(_url(world), {"people": GOOD, "step": "send"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:team", args=[world.review.pk])
    invitations = {i.email: i for i in Invitation.objects.filter(review=world.review)}
    assert set(invitations) == {
        "sam.patel@barnsley.example",
        "ann.lee@leeds.example",
        "jo.kent@northmoor.example",
    }
    assert invitations["ann.lee@leeds.example"].role == Role.LEAD_REVIEWER
    assert invitations["ann.lee@leeds.example"].job_title == "Principal Social Worker"
    assert invitations["sam.patel@barnsley.example"].council == "Barnsley Council"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(invitations)


def test_change_the_list_goes_back_to_the_box_with_the_text(world) -> None:
    page = (
        world.client("coordinator")
        .post(_url(world), {"people": GOOD, "step": "change"})
        .content.decode()
    )
    assert "sam.patel@barnsley.example, reviewer" in page and "There is a problem" not in page


def test_invite_the_valid_ones_sends_them_and_keeps_the_wrong_line(world) -> None:
    client = world.client("coordinator")
    pasted = "Pat Doe, pat.doe@example.org, revewer\n" + GOOD
    page = client.post(_url(world), {"people": pasted, "valid_only": "1"}).content.decode()
    assert "Send 3 invitations" in page and "1 line will not be sent" in page
    response = client.post(_url(world), {"people": pasted, "valid_only": "1", "step": "send"})
    assert response["Location"] == _url(world)
    assert Invitation.objects.filter(review=world.review).count() == 3
    page = client.get(_url(world)).content.decode()
    assert "Pat Doe, pat.doe@example.org, revewer" in page
    assert "sam.patel" not in page.split("<textarea")[1].split("</textarea>")[0]


def test_people_on_the_review_or_invited_and_conflicts_are_named(world) -> None:
    client = world.client("coordinator")
    client.post(_url(world), {"people": "Sam, sam@x.example, reviewer", "step": "send"})
    page = client.post(
        _url(world),
        {
            "people": "Rev, reviewer@example.org, reviewer\n"
            "Sam, sam@x.example, reviewer\n"
            f"Max, max@y.example, reviewer, {world.host_org.name}",
            "step": "check",
        },
    ).content.decode()
    assert "Line 1: reviewer@example.org is already on this review as reviewer" in page
    assert "Line 2: an invitation to sam@x.example has already been sent" in page
    assert "Line 3: max@y.example is shown as working for Northmoor Borough Council" in page


def test_too_many_lines_are_refused(world) -> None:
    pasted = "\n".join(f"P{n}, p{n}@x.example, reviewer" for n in range(51))
    page = world.client("coordinator").post(_url(world), {"people": pasted}).content.decode()
    assert "Invite at most 50 people at once: you gave 51" in page
