"""Regional learning: themes on findings, counts across reviews, named or lettered authorities,
case audit % met across reviews with the same tool, exports, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Region, RegionalAccess
from audits.models import Answer, CaseAudit, CriterionAnswer
from reviews.fieldwork.models import Finding, Theme
from reviews.setup.models import Framework, Kloe, Membership, Review, Role
from tests.audits.factories import completed_audit, started_audit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("improvement:regional")


def _region(world, name: str = "North") -> Region:
    region = Region.objects.create(name=name)
    region.organisations.add(world.lead_org, world.host_org, world.other_org)
    return region


def add_reviews(world, count: int, *, start: int = 0) -> list[Review]:
    """``count`` issued reviews hosted by the region's authorities (bulk-created: fast at 300)."""
    hosts = [
        Organisation.objects.get_or_create(name=f"Regional Authority {i}")[0] for i in range(3)
    ]
    region = Region.objects.get(name="North")
    region.organisations.add(*hosts)
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(
            host=hosts[i % 3],
            lead_organisation=world.other_org,
            title=f"Regional review {start + i}",
            status=Review.Status.ISSUED,
            letter_issued_at=now,
            start_date=dt.date(2024 + i % 2, 3, 1),
        )
        for i in range(count)
    )
    frameworks = Framework.objects.bulk_create(
        Framework(name="KLOEs", review=r, organisation=world.other_org) for r in reviews
    )
    kloes = Kloe.objects.bulk_create(
        Kloe(framework=f, position=p, heading=h)
        for f in frameworks
        for p, h in ((1, "Thresholds and policies"), (2, "Quality of practice"))
    )
    findings = Finding.objects.bulk_create(
        Finding(review=f.review, kloe=k, kind=kind, text="x", status=Finding.Status.AGREED)
        for f, k in zip([f for f in frameworks for _ in (1, 2)], kloes, strict=True)
        for kind in (Finding.Kind.STRENGTH, Finding.Kind.AREA)
    )
    themes = list(Theme.objects.order_by("position")[:2])
    Finding.themes.through.objects.bulk_create(
        Finding.themes.through(finding=f, theme=themes[i % 2]) for i, f in enumerate(findings)
    )
    return reviews


def test_themes_are_counted_across_three_reviews_with_authorities_lettered(world) -> None:
    _region(world)
    add_reviews(world, 3)
    response = world.client("coordinator").get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Authority A" in text and "Authority B" in text and "Authority C" in text
    assert "Regional Authority" not in text
    view = response.context["view"]
    thresholds = next(row for row in view.themes if row.label == "Thresholds")
    # 3 reviews x 2 KLOEs x 2 kinds = 12 findings, alternating between the first two themes.
    assert (thresholds.all_years.strengths, thresholds.all_years.areas) == (6, 0)
    assert view.years == [2024, 2025]
    kloe = next(row for row in view.kloes if row.label == "Quality of practice")
    assert (kloe.all_years.strengths, kloe.all_years.areas, len(kloe.reviews)) == (3, 3, 3)


def test_authorities_are_named_to_people_on_their_review(world, client) -> None:
    _region(world)
    reviews = add_reviews(world, 3)
    person = UserFactory()
    Membership.objects.create(review=reviews[0], user=person, role=Role.REVIEWER)
    # On the team when the letter was issued (a relationship with the authority, not just a seat).
    Review.objects.filter(pk=reviews[0].pk).update(letter_issued_at=timezone.now())
    region = Region.objects.get(name="North")
    RegionalAccess.objects.create(user=person, region=region)
    client.force_login(person)
    text = client.get(URL).content.decode()
    assert "Regional Authority 0" in text
    assert "Regional Authority 1" not in text and "Authority A" in text


def test_people_without_a_regional_role_are_refused(world) -> None:
    assert world.client("host_lead").get(URL).status_code == 403
    assert world.client("lead_reviewer").get(URL).status_code == 403


def test_a_regional_role_sees_only_its_regions_reviews(world, client) -> None:
    _region(world)
    add_reviews(world, 3)
    south = Region.objects.create(name="South")
    person = UserFactory()
    RegionalAccess.objects.create(user=person, region=south)
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["view"].reviews == []


def test_case_audit_percent_met_across_reviews_with_the_same_tool(world) -> None:
    _region(world)
    reviews = add_reviews(world, 2)
    auditor = UserFactory()
    for review, answer in zip(reviews, (Answer.MET, Answer.NOT_MET), strict=True):
        completed_audit(review, auditor, answers={1: answer})
    # An audit still in progress is not counted, as on the review's own analysis page.
    unfinished = started_audit(reviews[0], auditor)
    CriterionAnswer.objects.filter(audit=unfinished, criterion__number=1).update(answer=Answer.MET)
    # Nor one marked complete with a criterion unanswered (issue 21: saved before the rule).
    gappy = started_audit(reviews[1], auditor)
    CriterionAnswer.objects.filter(audit=gappy, criterion__number=1).update(answer=Answer.MET)
    CaseAudit.objects.filter(pk=gappy.pk).update(status=CaseAudit.Status.COMPLETE)
    response = world.client("coordinator").get(URL)
    view = response.context["view"]
    assert len(view.tools) == 1
    block = view.tools[0]
    first = block.criteria[0]
    assert len(block.reviews) == 2 and first.number == 1
    assert (first.counts.met, first.counts.not_met, first.counts.percent_met) == (1, 1, 50)
    assert block.cases == 2
    page = response.content.decode()
    assert "2 reviews, based on" in page and ">2 cases<" in page


def test_csv_and_excel_exports_keep_authorities_lettered(world) -> None:
    from openpyxl import load_workbook

    _region(world)
    add_reviews(world, 3)
    client = world.client("coordinator")
    body = client.get(reverse("improvement:regional-export", kwargs={"fmt": "csv"})).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Table", "Item", "Year"]
    assert rows[
        next(i for i, r in enumerate(rows) if r[:3] == ["Themes", "Thresholds", "All years"])
    ][:6] == ["Themes", "Thresholds", "All years", "3", "6", "0"]
    assert "Regional Authority" not in body.decode()
    xlsx = client.get(reverse("improvement:regional-export", kwargs={"fmt": "xlsx"}))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Reviews", "Themes", "Key lines of enquiry", "Case audits"]


def test_the_regional_view_keeps_a_constant_query_count_from_3_to_300_reviews(world) -> None:
    _region(world)
    add_reviews(world, 3)
    client = world.client("coordinator")
    client.get(URL)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    add_reviews(world, 297, start=3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL)
    assert len(response.context["view"].reviews) == 300
    assert len(small.captured_queries) == len(large.captured_queries), [
        q["sql"][:120] for q in large.captured_queries
    ]
