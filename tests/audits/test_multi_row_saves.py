"""Every multi-row save is one transaction with its trail records: a failure halfway (the trail, or a
later row) leaves nothing written. Fault scripts: the failure is made by replacing the trail's
``record`` (or a later row's write) with one that raises."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audits.models import Case, SampleDraw, SampleStatus
from audits.services import sampling
from reviews.fieldwork import services as fieldwork
from reviews.fieldwork.models import Finding
from tests.audits.factories import CaseFactory
from trail.models import Event


def _trail_down(*args, **kwargs):
    raise RuntimeError("the trail could not be written")


def _cases(review, n=8):
    return [
        CaseFactory(review=review, reference=f"NM-{i:04d}", sample_status=SampleStatus.NOT_SAMPLED)
        for i in range(n)
    ]


def test_a_sample_draw_is_recorded_in_the_trail(world) -> None:
    _cases(world.review)
    client = world.client("coordinator")
    client.post(
        reverse("audits:sample-draw", args=[world.review.pk]), {"method": "random", "size": 3}
    )
    event = Event.objects.get(action=Event.Action.SAMPLE_CHANGED)
    assert event.actor == world.people["coordinator"] and event.review_id == world.review.pk
    assert event.detail["change"] == "drawn" and event.detail["drawn"] == 3


def test_a_sample_draw_that_fails_halfway_leaves_nothing_written(world, monkeypatch) -> None:
    _cases(world.review)
    monkeypatch.setattr(sampling, "record", _trail_down)
    client = world.client("coordinator")
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(
            reverse("audits:sample-draw", args=[world.review.pk]),
            {"method": "random", "size": 3, "reserves": 2},
        )
    assert not SampleDraw.objects.exists()
    assert set(Case.objects.values_list("sample_status", flat=True)) == {SampleStatus.NOT_SAMPLED}


def test_cases_picked_and_assigned_are_recorded_or_not_written(world, monkeypatch) -> None:
    cases = _cases(world.review, 3)
    client = world.client("coordinator")
    pick = reverse("audits:sample-pick", args=[world.review.pk])
    client.post(pick, {"action": "sample", "cases": [c.pk for c in cases]})
    assert Event.objects.get(action=Event.Action.SAMPLE_CHANGED).detail["cases"] == 3
    reviewer = world.people["reviewer"]
    assign = reverse("audits:sample-assign", args=[world.review.pk])
    monkeypatch.setattr(sampling, "record", _trail_down)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(assign, {f"assign-{c.pk}": reviewer.pk for c in cases})
    assert not Case.objects.filter(assigned_to=reviewer).exists()
    with pytest.raises(RuntimeError):
        client.post(pick, {"action": "remove", "cases": [c.pk for c in cases]})
    assert Case.objects.filter(sample_status=SampleStatus.SAMPLED).count() == 3


def test_a_merge_that_fails_halfway_leaves_both_findings_as_they_were(world, monkeypatch) -> None:
    review = world.review
    a = Finding.objects.create(review=review, kind="strength", text="Clear thresholds.")
    b = Finding.objects.create(review=review, kind="strength", text="Timely screening.")
    real = fieldwork.record_change
    calls = []

    def fails_on_the_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the trail could not be written")
        return real(*args, **kwargs)

    monkeypatch.setattr(fieldwork, "record_change", fails_on_the_second)
    with pytest.raises(RuntimeError):
        fieldwork.merge_findings(finding=b, into=a)
    a.refresh_from_db()
    assert a.text == "Clear thresholds." and a.version == 1
    assert Finding.objects.filter(pk=b.pk).exists()
    assert not Event.objects.filter(action=Event.Action.FINDING_CHANGED).exists()


def test_a_reorder_that_fails_halfway_leaves_the_order_as_it_was(world, monkeypatch) -> None:
    review = world.review
    first = Finding.objects.create(review=review, kind="strength", text="One.", position=1)
    second = Finding.objects.create(review=review, kind="strength", text="Two.", position=2)
    monkeypatch.setattr(fieldwork, "record_change", _trail_down)
    with pytest.raises(RuntimeError):
        fieldwork.reorder_finding(finding=second, up=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
