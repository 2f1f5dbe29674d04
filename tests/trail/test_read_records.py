"""Reads of sensitive material leave a trail record: who, what, which review, from where.

The objects each page needs are made by the authorization matrix's own setups
(tests/authz/expectations), so this test reads exactly what the matrix checks is protected.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.authz.expectations import ALL
from trail.models import Event

A = Event.Action
ON_REVIEW, NO_REVIEW = True, False

# URL name, keyword overrides, who reads it (allowed), the action recorded, whether it is a review's.
READS = [
    ("reports:draft-pdf", {}, "lead_reviewer", A.DRAFT_LETTER_DOWNLOADED, ON_REVIEW),
    ("reports:draft-docx", {}, "reviewer", A.DRAFT_LETTER_DOWNLOADED, ON_REVIEW),
    ("reports:presentation", {}, "lead_reviewer", A.PRESENTATION_DOWNLOADED, ON_REVIEW),
    ("reports:presentation-pptx", {}, "reviewer", A.PRESENTATION_DOWNLOADED, ON_REVIEW),
    ("audits:case-list", {}, "lead_reviewer", A.CASE_LIST_VIEWED, ON_REVIEW),
    ("audits:case-audit", {}, "host_lead", A.CASE_AUDIT_VIEWED, ON_REVIEW),
    ("audits:alert", {}, "host_staff", A.SAFEGUARDING_ALERT_VIEWED, ON_REVIEW),
    (
        "audits:export",
        {"table": "summary", "fmt": "csv"},
        "reviewer",
        A.CASE_AUDITS_EXPORTED,
        ON_REVIEW,
    ),
    (
        "audits:export",
        {"table": "matrix", "fmt": "xlsx"},
        "coordinator",
        A.CASE_AUDITS_EXPORTED,
        ON_REVIEW,
    ),
    (
        "improvement:action-plan-export",
        {"fmt": "docx"},
        "host_staff",
        A.ACTION_PLAN_EXPORTED,
        ON_REVIEW,
    ),
    (
        "improvement:action-plan-export",
        {"fmt": "xlsx"},
        "host_lead",
        A.ACTION_PLAN_EXPORTED,
        ON_REVIEW,
    ),
    ("improvement:authority-history", {}, "host_staff", A.AUTHORITY_HISTORY_VIEWED, NO_REVIEW),
    ("improvement:external-review-letter", {}, "reviewer", A.EXTERNAL_LETTER_DOWNLOADED, NO_REVIEW),
    ("improvement:regional-export", {"fmt": "csv"}, "coordinator", A.REGIONAL_EXPORTED, NO_REVIEW),
    ("improvement:regional-export", {"fmt": "xlsx"}, "coordinator", A.REGIONAL_EXPORTED, NO_REVIEW),
]


def _url(world, name: str, overrides: dict[str, str]) -> str:
    kwargs = {**ALL[name].kwargs(world, world.review), **overrides}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    ("name", "overrides", "role", "action", "on_review"),
    READS,
    ids=[f"{r[0]}{'.' + r[1]['fmt'] if 'fmt' in r[1] else ''}" for r in READS],
)
def test_reading_sensitive_material_leaves_one_trail_record_of_who_what_and_where(
    world, name, overrides, role, action, on_review
) -> None:
    url = _url(world, name, overrides)
    client = world.client(role, REMOTE_ADDR="203.0.113.9")
    last = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = client.get(url)

    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    new = list(Event.objects.filter(id__gt=last))
    assert [(e.action, e.actor) for e in new] == [(action, world.user(role))]
    event = new[0]
    assert event.actor_email == world.user(role).email
    assert event.review_id == (world.review.pk if on_review else None)
    assert event.ip_address == "203.0.113.9"
    assert event.detail["path"] == url
    if "fmt" in overrides:
        assert event.detail["format"] == overrides["fmt"]


def test_the_authority_history_record_names_the_authority(world) -> None:
    world.client("host_lead").get(
        reverse("improvement:authority-history", args=[world.host_org.pk])
    )
    event = Event.objects.get(action=A.AUTHORITY_HISTORY_VIEWED)
    assert (event.object_type, event.object_id) == ("accounts.Organisation", str(world.host_org.pk))


def test_a_refused_read_records_no_read(world) -> None:
    """An outsider's attempt is not a read: it gets 404 and no read record (nothing was shown)."""
    url = _url(world, "audits:case-audit", {})
    response = world.client("other_host_staff").get(url)
    assert response.status_code == 404
    assert not Event.objects.filter(action=A.CASE_AUDIT_VIEWED).exists()
