"""Libraries (audit tools, frameworks of KLOEs) belong to organisations: nobody writes to another
organisation's library, and the shipped ones are read-only to everyone.

The two attack paths of the security review, end to end through the views:

1. a coordinator hosts a review "at" the target authority, invites their own second address as the
   host lead contact and makes that account a coordinator: the account must not become one of the
   target's people (an invitation never grants membership of an organisation);
2. a coordinator who joined by invitation has no organisation: a missing organisation must never
   match the shipped tools' missing one (None == None).
"""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audits.models import AuditTool
from audits.services.tools import shipped_tool
from reviews.setup.models import Framework, Membership, Review, Role
from tests.factories import TEST_PASSWORD, set_up_review_through_the_form


def _link() -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def _invite_and_accept(world, review: Review, email: str, role: str) -> User:
    """The coordinator invites ``email``; the link is followed and a new account created."""
    response = world.client("coordinator").post(
        reverse("reviews:invitation-create", args=[review.pk]),
        {"email": email, "role": role, "full_name": "Mo Le"},
    )
    assert response.status_code == 302
    response = Client().post(
        _link(),
        {
            "full_name": "Mo Le",
            "job_title": "",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    return User.objects.get(email=email)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inviting_yourself_as_host_lead_does_not_make_you_staff_of_the_host(world) -> None:
    target = world.other_org
    tool = shipped_tool().copy(name="Westbridge's own tool", organisation=target)
    criterion = tool.criteria.first()
    framework = Framework.objects.filter(is_default=True).first()
    theirs = framework.copy(name="Westbridge's KLOEs", organisation=target)

    review = set_up_review_through_the_form(world, target, title="A review hosted at the target")
    mole = _invite_and_accept(world, review, "mole@eastvale.example", Role.HOST_LEAD)
    assert mole.organisation_id is None
    # The coordinator then makes the new account a coordinator (which keeps audit tools).
    membership = Membership.objects.get(review=review, user=mole)
    response = world.client("coordinator").post(
        reverse("reviews:member-role", args=[review.pk, membership.pk]),
        {"role": Role.COORDINATOR},
    )
    assert response.status_code == 302

    client = _signed_in(mole)
    assert "Westbridge's own tool" not in client.get(reverse("audits:tools")).content.decode()
    assert client.get(reverse("audits:tool-edit", args=[tool.pk])).status_code == 404
    response = client.post(
        reverse("audits:tool-edit", args=[tool.pk]),
        {"name": "Renamed by the mole", "description": "", "answer_scale": "four_point"},
    )
    assert response.status_code == 404
    response = client.post(reverse("audits:criterion-delete", args=[tool.pk, criterion.pk]))
    assert response.status_code == 404
    tool.refresh_from_db()
    assert tool.name == "Westbridge's own tool" and tool.criteria.filter(pk=criterion.pk).exists()

    assert client.get(reverse("reviews:framework-edit", args=[theirs.pk])).status_code == 404
    assert "Westbridge's KLOEs" not in (
        client.get(reverse("reviews:framework-list")).content.decode()
    )


def test_a_coordinator_without_an_organisation_cannot_change_the_shipped_tools(world) -> None:
    shipped = shipped_tool()
    name = shipped.name
    criteria = shipped.criteria.count()
    criterion = shipped.criteria.first()

    newcomer = _invite_and_accept(
        world, world.review, "new.coordinator@elsewhere.example", Role.COORDINATOR
    )
    assert newcomer.organisation_id is None
    client = _signed_in(newcomer)

    page = client.get(reverse("audits:tool", args=[shipped.pk])).content.decode()
    assert "Edit the tool" not in page
    assert client.get(reverse("audits:tool-edit", args=[shipped.pk])).status_code == 403
    response = client.post(
        reverse("audits:tool-edit", args=[shipped.pk]),
        {"name": "Hijacked", "description": "", "answer_scale": "four_point"},
    )
    assert response.status_code == 403
    response = client.post(reverse("audits:criterion-delete", args=[shipped.pk, criterion.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("audits:criterion-edit", args=[shipped.pk, criterion.pk]),
        {"number": "1", "title": "Changed", "guidance": ""},
    )
    assert response.status_code == 403
    shipped.refresh_from_db()
    assert shipped.name == name and shipped.criteria.count() == criteria

    # Nor can they keep copies that belong to no one.
    assert client.post(reverse("audits:tool-copy", args=[shipped.pk])).status_code == 403
    default = Framework.objects.filter(is_default=True).first()
    assert client.get(reverse("reviews:framework-edit", args=[default.pk])).status_code == 403
    response = client.post(reverse("reviews:framework-copy", args=[default.pk]), {"name": "Mine"})
    assert response.status_code == 403
    assert not Framework.objects.filter(name="Mine").exists()


def test_a_library_item_with_no_organisation_is_edited_by_nobody(world) -> None:
    orphan_tool = AuditTool.objects.create(name="Nobody's", organisation=None)
    coordinator = world.people["coordinator"]
    coordinator.organisation = None
    assert not orphan_tool.may_be_edited_by(coordinator)
    orphan_framework = Framework.objects.create(name="Nobody's KLOEs", organisation=None)
    assert not orphan_framework.may_be_edited_by(coordinator)


def test_a_coordinator_still_edits_their_own_organisations_tools_and_frameworks(world) -> None:
    tool = shipped_tool().copy(name="Eastvale's tool", organisation=world.lead_org)
    framework = Framework.objects.filter(is_default=True).first()
    ours = framework.copy(name="Eastvale's KLOEs", organisation=world.lead_org)
    client = world.client("coordinator")
    response = client.post(
        reverse("audits:tool-edit", args=[tool.pk]),
        {"name": "Eastvale's tool, 2027", "description": "", "answer_scale": "four_point"},
    )
    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.name == "Eastvale's tool, 2027"
    assert client.get(reverse("reviews:framework-edit", args=[ours.pk])).status_code == 200
    page = client.get(reverse("reviews:framework-detail", args=[ours.pk])).content.decode()
    assert "Change the key lines of enquiry" in page
