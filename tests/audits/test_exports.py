from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.audits.factories import completed_audit


def test_the_case_by_criterion_matrix_exports_as_csv_and_excel(world) -> None:
    completed_audit(
        world.review, world.people["reviewer"], answers={1: "partly"}, reference="=CMD-1"
    )
    client = world.client("coordinator")
    csv_response = client.get(reverse("audits:export", args=[world.review.pk, "matrix", "csv"]))
    assert csv_response["Content-Disposition"].startswith("attachment;")
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(
        "Case reference,Case type,Auditor,Status,1. Evidence of a strength based approach"
    )
    assert lines[1].startswith("'=CMD-1,Section 17 assessment,")  # never a formula
    assert ",Partly met," in lines[1]

    xlsx = client.get(reverse("audits:export", args=[world.review.pk, "summary", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Number"
    assert sheet["B2"].value == "Evidence of a strength based approach"
    assert sheet["D2"].value == 1  # partly met
    assert sheet["H2"].value == 0  # % met


def test_an_unknown_export_is_not_found(world) -> None:
    response = world.client("coordinator").get(
        reverse("audits:export", args=[world.review.pk, "all", "pdf"])
    )
    assert response.status_code == 404
