"""Every reviewer shown with their council and job title (issue 18): on the invitation, the
acceptance page, the team page and the letter. A label only: it grants no organisation's rights; a
reviewer shown as working for the host authority is a conflict of interest, confirmed before sending."""

from __future__ import annotations

import io
import re

import pypdf
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.versioning import MESSAGE as STALE_MESSAGE
from reports.render import compose_letter, letter_pdf
from reviews.setup.models import Framework, Invitation, Membership, Role
from tests.factories import TEST_PASSWORD, UserFactory, give_second_factor
from trail.models import Event

CONFIRM = "I confirm that this person should review Northmoor Borough Council"


def _invite(world, **data: str):
    fields = {"full_name": "Joanne Pike", "role": Role.REVIEWER, **data}
    return world.client("coordinator").post(
        reverse("reviews:invitation-create", args=[world.review.pk]), fields
    )


def _link() -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def _team_page(world) -> str:
    return (
        world.client("coordinator")
        .get(reverse("reviews:team", args=[world.review.pk]))
        .content.decode()
    )


def _new_account(link: str, **data: str) -> Client:
    client = Client()
    response = client.post(
        link,
        {
            "full_name": "Joanne Pike",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
            **data,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_the_invitation_carries_the_council_and_job_title_to_the_acceptance_page_and_team(
    world,
) -> None:
    assert (
        _invite(
            world,
            email="joanne.pike@barnsley.example",
            council="Barnsley Council",
            job_title="Service Manager",
        ).status_code
        == 302
    )
    link = _link()
    page = Client().get(link).content.decode()
    assert 'value="Barnsley Council"' in page and 'value="Service Manager"' in page
    # Editable: the person corrects their job title as they accept.
    _new_account(link, council="Barnsley Council", job_title="Head of Service")
    joanne = User.objects.get(email="joanne.pike@barnsley.example")
    member = Membership.objects.get(review=world.review, user=joanne)
    assert (member.council, member.job_title) == ("Barnsley Council", "Head of Service")
    assert "Joanne Pike, Head of Service, Barnsley Council" in _team_page(world)


def test_an_existing_account_sees_its_labels_prefilled_and_may_change_them(world) -> None:
    person = UserFactory(
        email="dana@westbridge.example",
        full_name="Dana Whitby",
        job_title="Team Manager",
        organisation=world.other_org,
    )
    give_second_factor(person)
    # Left empty, the council and job title come from their account.
    _invite(world, email=person.email, full_name="")
    invitation = Invitation.objects.get(email=person.email)
    assert (invitation.council, invitation.job_title) == ("Westbridge City Council", "Team Manager")
    client = Client()
    client.force_login(person)
    link = _link()
    page = client.get(link).content.decode()
    assert 'value="Westbridge City Council"' in page and 'value="Team Manager"' in page
    response = client.post(link, {"council": "Westbridge Council", "job_title": "Team Manager"})
    assert response.status_code == 302
    member = Membership.objects.get(review=world.review, user=person)
    assert member.council == "Westbridge Council"


def test_the_coordinator_corrects_a_label_version_checked_and_recorded(world) -> None:
    member = Membership.objects.get(review=world.review, user=world.people["reviewer"])
    url = reverse("reviews:member-shown-as", args=[world.review.pk, member.pk])
    coordinator = world.client("coordinator")
    assert "Change council and job title" in _team_page(world)
    page = coordinator.get(url).content.decode()
    assert 'value="Eastvale"' in page  # from their organisation, until corrected
    response = coordinator.post(
        url, {"council": "Eastvale County Council", "job_title": "Social Worker", "version": "1"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.council, member.job_title, member.version) == (
        "Eastvale County Council",
        "Social Worker",
        2,
    )
    assert "Social Worker, Eastvale County Council" in _team_page(world)
    event = Event.objects.filter(action=Event.Action.TEAM_CHANGED).latest("pk")
    assert event.actor == world.people["coordinator"]
    assert event.detail["change"] == "shown as changed"
    assert event.detail["changed"]["council"] == {"from": "", "to": "Eastvale County Council"}
    # A page opened before that save is refused, with what was typed kept.
    stale = coordinator.post(url, {"council": "Typed late", "job_title": "", "version": "1"})
    assert stale.status_code == 200
    text = stale.content.decode()
    assert "Someone else changed this" in STALE_MESSAGE and "Someone else changed this" in text
    assert 'value="Typed late"' in text
    member.refresh_from_db()
    assert member.council == "Eastvale County Council"


def test_a_reviewer_shown_as_working_for_the_host_needs_a_confirmation(world) -> None:
    before = len(mail.outbox)
    response = _invite(world, email="pat@example.org", council="  northmoor ")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Conflict of interest" in page and CONFIRM in page
    assert len(mail.outbox) == before and not Invitation.objects.filter(email="pat@example.org")
    # Typed text is kept; once confirmed, it is sent.
    assert 'value="pat@example.org"' in page
    response = _invite(
        world, email="pat@example.org", council="  northmoor ", confirm_conflict="on"
    )
    assert response.status_code == 302
    assert len(mail.outbox) == before + 1


def test_an_invitee_of_the_host_organisation_is_a_conflict_whatever_the_label(world) -> None:
    staff = world.people["host_staff_not_on_team"]
    response = _invite(world, email=staff.email, council="Somewhere else", role=Role.LEAD_REVIEWER)
    assert "Conflict of interest" in response.content.decode()
    assert not Invitation.objects.filter(email=staff.email).exists()


def test_host_staff_invited_as_host_staff_is_no_conflict(world) -> None:
    response = _invite(
        world, email="host@example.org", council="Northmoor Borough Council", role=Role.HOST_STAFF
    )
    assert response.status_code == 302
    page = (
        world.client("coordinator")
        .get(reverse("reviews:invitation-create", args=[world.review.pk]))
        .content.decode()
    )
    assert "I confirm" not in page  # the box is there only for a conflict


def test_a_council_label_grants_no_organisation_membership_or_library_rights(world) -> None:
    framework = Framework.objects.create(name="Eastvale KLOEs", organisation=world.lead_org)
    _invite(world, email="label@example.org", council="Eastvale County Council")
    client = _new_account(_link(), council="Eastvale County Council", job_title="Manager")
    person = User.objects.get(email="label@example.org")
    assert person.organisation is None
    assert not Framework.objects.usable_by(person).filter(pk=framework.pk).exists()
    give_second_factor(person)
    client.force_login(person)
    edit = client.get(reverse("reviews:framework-edit", args=[framework.pk]))
    assert edit.status_code in (403, 404)


def test_the_letter_names_each_reviewer_with_their_job_title_and_council(world) -> None:
    for name, council, title in [
        ("reviewer", "Barnsley Council", "Service Manager"),
        ("lead_reviewer", "Leeds City Council", "Director of Children's Services"),
    ]:
        Membership.objects.filter(review=world.review, user=world.people[name]).update(
            council=council, job_title=title
        )
    reviewer = world.people["reviewer"]
    composed = compose_letter(world.review)
    process = next(s.text for s in composed.sections if s.key == "process")
    assert f"{reviewer.full_name}, Service Manager, Barnsley Council" in process
    assert "(Director of Children's Services, Leeds City Council)" in process
    pdf = pypdf.PdfReader(io.BytesIO(letter_pdf(composed)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Service Manager, Barnsley Council" in text
    preview = (
        world.client("lead_reviewer")
        .get(reverse("reports:letter", args=[world.review.pk]))
        .content.decode()
    )
    assert "Service Manager, Barnsley Council" in preview
