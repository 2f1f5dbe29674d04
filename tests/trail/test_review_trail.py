from __future__ import annotations

import csv
import io
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trail.models import Event
from trail.services import record


def _page(client, review, **params):
    return client.get(reverse("reviews:review-trail", args=[review.pk]), params)


def test_the_coordinator_sees_the_reviews_records_and_no_other_reviews(world) -> None:
    record(action=Event.Action.SIGN_IN, actor_email="x@example.org", review_id=world.review.pk)
    record(
        action=Event.Action.SIGN_IN,
        actor_email="secret-other@example.org",
        review_id=world.other_review.pk,
    )
    page = _page(world.client("coordinator"), world.review).content.decode()
    assert "x@example.org" in page
    assert "secret-other@example.org" not in page
    assert _page(world.client("reviewer"), world.review).status_code == 403
    assert _page(world.client("host_lead"), world.review).status_code == 403


def test_the_lead_reviewer_sees_the_history_of_changes_to_case_audits(world) -> None:
    record(
        action=Event.Action.CASE_AUDIT_CHANGED,
        actor_email="reviewer@example.org",
        review_id=world.review.pk,
        detail={"answer": "met"},
    )
    record(
        action=Event.Action.SIGN_IN, actor_email="someone@example.org", review_id=world.review.pk
    )
    page = _page(
        world.client("lead_reviewer"), world.review, action="case_audit_changed"
    ).content.decode()
    assert "Case audit changed" in page and "reviewer@example.org" in page
    assert "someone@example.org" not in page


def test_filters_narrow_the_records_and_bad_dates_are_explained(world) -> None:
    record(
        action=Event.Action.TEAM_CHANGED, actor_email="alice@example.org", review_id=world.review.pk
    )
    record(
        action=Event.Action.PERMISSION_REFUSED,
        actor_email="bob@example.org",
        review_id=world.review.pk,
    )
    client = world.client("coordinator")
    page = _page(client, world.review, action="permission_refused").content.decode()
    assert "bob@example.org" in page and "alice@example.org" not in page
    page = _page(client, world.review, person="ALICE").content.decode()
    assert "alice@example.org" in page and "bob@example.org" not in page
    bad = _page(
        client,
        world.review,
        since_0="2",
        since_1="11",
        since_2="2026",
        until_0="1",
        until_1="11",
        until_2="2026",
    ).content.decode()
    assert "There is a problem" in bad
    assert "must be the same as or after" in bad
    assert 'value="2026"' in bad


def test_the_csv_holds_the_filtered_records_and_its_download_is_recorded(world) -> None:
    record(
        action=Event.Action.TEAM_CHANGED, actor_email="alice@example.org", review_id=world.review.pk
    )
    record(
        action=Event.Action.PERMISSION_REFUSED,
        actor_email="bob@example.org",
        review_id=world.review.pk,
    )
    response = world.client("coordinator").get(
        reverse("reviews:review-trail-csv", args=[world.review.pk]), {"person": "alice"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["alice@example.org"]
    assert rows[1][2] == "Team membership changed"
    assert rows[1][8] == "{}"  # no detail: still JSON
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert (
        Event.objects.filter(action=Event.Action.TRAIL_EXPORTED, review_id=world.review.pk).count()
        == 1
    )


def test_the_trail_page_query_count_does_not_grow_with_records(world) -> None:
    client = world.client("coordinator")
    url = reverse("reviews:review-trail", args=[world.review.pk])
    for n in range(5):
        record(
            action=Event.Action.SIGN_IN, actor_email=f"p{n}@example.org", review_id=world.review.pk
        )
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    Event.objects.bulk_create(
        [
            Event(
                action=Event.Action.SIGN_IN,
                actor_email=f"q{n}@example.org",
                review_id=world.review.pk,
            )
            for n in range(300)
        ]
    )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_csv_detail_column_is_json_any_program_can_read(world) -> None:
    detail = {"change": "edited", "title": "Front door – café", "fields": ["title"], "n": 2}
    record(
        action=Event.Action.TEAM_CHANGED,
        actor_email="alice@example.org",
        review_id=world.review.pk,
        detail=detail,
    )
    response = world.client("coordinator").get(
        reverse("reviews:review-trail-csv", args=[world.review.pk]), {"person": "alice"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][8] == "detail"
    assert json.loads(rows[1][8]) == detail  # not a Python repr ('...', True, None)
    assert "Front door – café" in rows[1][8]
