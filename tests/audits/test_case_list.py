"""The host's case list: row-level checks with line numbers, nothing imported when a row is wrong."""

from __future__ import annotations

import contextlib
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import AuditPlan, Case
from audits.services.case_list import MAX_CASE_LIST_ROWS

BAD_CSV = (
    "case reference,case type,date,team,outcome\n"
    "NM-1001,Contact,2026-10-01,MASH,Early help\n"
    "NM-1002,Telepathy,2026-10-02,MASH,NFA\n"
    "NM-1001,Referral,2026-10-03,MASH,Section 47\n"
    "NM 1004 Jane Smith,Section 17 assessment,2026-10-04,Assessment,NFA\n"
    "NM-1005,s47,17/10/2026,Assessment,Child protection plan\n"
)


def _import(client, review, **data):
    return client.post(reverse("audits:case-list-import", args=[review.pk]), data)


def test_a_bad_row_gives_line_numbered_errors_and_imports_nothing(world) -> None:
    response = _import(world.client("host_lead"), world.review, text=BAD_CSV)
    page = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert "Nothing was imported: 3 problems in the case list" in page
    assert "Line 3: The case type “Telepathy” is not known" in page
    assert "Line 4: The reference NM-1001 is a duplicate (it is also on line 2)" in page
    assert "Line 5: The reference “NM 1004 Jane Smith” does not follow the rule" in page
    assert "a reference must never hold a name" in page
    assert "Import the 2 valid rows only" in page
    # What was pasted is kept, so the user can correct it.
    assert "NM 1004 Jane Smith,Section 17 assessment" in page


def test_the_user_can_choose_to_import_only_the_valid_rows(world) -> None:
    response = _import(world.client("coordinator"), world.review, text=BAD_CSV, import_valid="yes")
    assert response.status_code == 302
    assert sorted(Case.objects.values_list("reference", "case_type")) == [
        ("NM-1001", "contact"),
        ("NM-1005", "s47"),
    ]
    s47 = Case.objects.get(reference="NM-1005")
    assert str(s47.case_date) == "2026-10-17"
    assert s47.outcome == "Child protection plan"


def test_an_uploaded_csv_is_imported_and_a_reference_already_on_the_list_is_refused(world) -> None:
    client = world.client("host_lead")
    upload = SimpleUploadedFile(
        "cases.csv", b"\xef\xbb\xbfCase reference,Case type,Date,Team\nAB/12,Referral,,MASH\n"
    )
    assert _import(client, world.review, upload=upload).status_code == 302
    assert Case.objects.get().reference == "AB/12"
    page = _import(client, world.review, text="reference,type\nab/12,contact\n").content.decode()
    assert "Line 2: The reference ab/12 is already on the case list" in page
    assert Case.objects.count() == 1


def test_a_list_without_the_column_names_is_refused(world) -> None:
    page = _import(world.client("host_lead"), world.review, text="NM-1,contact\n").content.decode()
    assert "Line 1: The first line must name the columns" in page


def test_the_coordinator_sets_the_reference_rule_per_review(world) -> None:
    client = world.client("coordinator")
    response = client.post(
        reverse("audits:settings", args=[world.review.pk]),
        {"reference_pattern": r"^\d{6}$", "reference_rule": "six digits"},
    )
    assert response.status_code == 302
    assert AuditPlan.objects.get(review=world.review).reference_pattern == r"^\d{6}$"
    page = _import(
        client, world.review, text="reference,type\n123456,contact\nAB-1,contact\n"
    ).content.decode()
    assert "Line 3: The reference “AB-1” does not follow the rule (six digits)" in page


def test_a_reference_rule_that_allows_names_is_refused(world) -> None:
    response = world.client("coordinator").post(
        reverse("audits:settings", args=[world.review.pk]),
        {"reference_pattern": r"^.{1,30}$", "reference_rule": "anything"},
    )
    assert "must not allow spaces" in response.content.decode()


def test_a_reference_longer_than_30_characters_is_refused(world) -> None:
    page = _import(
        world.client("host_lead"), world.review, text=f"reference,type\n{'A' * 31},contact\n"
    ).content.decode()
    assert "Line 2: The reference" in page
    assert Case.objects.count() == 0


def test_a_reference_rule_cannot_let_through_a_reference_longer_than_30_characters(world) -> None:
    AuditPlan.objects.create(
        review=world.review, reference_pattern=r"^[A-Z]+$", reference_rule="capitals"
    )
    page = _import(
        world.client("host_lead"), world.review, text=f"reference,type\n{'A' * 40},contact\n"
    ).content.decode()
    assert "is longer than 30 characters" in page
    assert Case.objects.count() == 0


@contextlib.contextmanager
def _stopped_if_it_hangs(seconds: int):
    """Not a timing test: a watchdog far above the answer's real time (milliseconds), so that a
    backtracking engine (14 s here, the old code's) fails the test instead of stalling the run."""

    def hung(*_args):
        pytest.fail(f"the import was still working after {seconds} s: the pattern backtracks")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_backtracking_reference_rule_cannot_stall_an_import(world) -> None:
    # ^(a+)+$ against 29 a's then b took 14 s a row with Python's re; RE2 answers at once.
    AuditPlan.objects.create(
        review=world.review, reference_pattern=r"^(a+)+$", reference_rule="a's only"
    )
    evil = "a" * 29 + "b"
    client = world.client("host_lead")
    with _stopped_if_it_hangs(seconds=8):
        page = _import(
            client, world.review, text=f"reference,type\n{evil},contact\naaaa,contact\n"
        ).content.decode()
    assert f"Line 2: The reference “{evil}” does not follow the rule (a&#x27;s only)" in page
    assert "Line 3" not in page
    assert Case.objects.count() == 0


def test_a_reference_rule_the_safe_engine_cannot_run_is_refused_in_plain_words(world) -> None:
    response = world.client("coordinator").post(
        reverse("audits:settings", args=[world.review.pk]),
        {"reference_pattern": r"^(AB)-\1$", "reference_rule": "twice"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The pattern cannot be used" in page
    assert "back-references" in page
    assert not AuditPlan.objects.filter(
        review=world.review, reference_pattern=r"^(AB)-\1$"
    ).exists()


def test_a_stored_rule_the_safe_engine_cannot_run_refuses_the_import_with_a_message(world) -> None:
    AuditPlan.objects.create(
        review=world.review, reference_pattern=r"^(?=NM)[A-Z0-9-]+$", reference_rule="NM first"
    )
    page = _import(
        world.client("host_lead"), world.review, text="reference,type\nNM-1,contact\n"
    ).content.decode()
    assert "case reference rule cannot be used" in page
    assert Case.objects.count() == 0


def test_a_case_list_over_the_row_limit_is_refused_and_nothing_is_imported(world) -> None:
    rows = "".join(f"NM-{i},contact\n" for i in range(MAX_CASE_LIST_ROWS + 1))
    client = world.client("host_lead")
    page = _import(client, world.review, text="reference,type\n" + rows).content.decode()
    assert f"The case list has more than {MAX_CASE_LIST_ROWS:,} cases" in page
    assert "Import the" not in page  # no "import the valid rows only" either
    response = _import(client, world.review, text="reference,type\n" + rows, import_valid="yes")
    assert response.status_code == 200
    assert Case.objects.count() == 0


def test_a_case_list_at_the_row_limit_is_imported(world) -> None:
    rows = "".join(f"NM-{i},contact\n" for i in range(MAX_CASE_LIST_ROWS))
    response = _import(world.client("host_lead"), world.review, text="reference,type\n" + rows)
    assert response.status_code == 302
    assert Case.objects.count() == MAX_CASE_LIST_ROWS


def _many_cases(review, count: int, start: int = 0) -> None:
    Case.objects.bulk_create(
        Case(review=review, reference=f"NM-{i:05d}", case_type="contact")
        for i in range(start, start + count)
    )


def test_a_long_case_list_is_shown_a_hundred_cases_a_page(world) -> None:
    _many_cases(world.review, 250)
    client = world.client("coordinator")
    url = reverse("audits:case-list", args=[world.review.pk])
    first = client.get(url).content.decode()
    assert "250 cases: 1 to 100 shown (page 1 of 3)" in first
    assert "NM-00000" in first and "NM-00099" in first and "NM-00100" not in first
    assert 'class="govuk-pagination"' in first and 'href="?page=2" rel="next"' in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert "250 cases: 101 to 200 shown (page 2 of 3)" in second
    assert "NM-00100" in second and "NM-00199" in second
    assert "NM-00099" not in second and "NM-00200" not in second
    assert 'aria-label="Page 2" aria-current="page"' in second
    assert 'href="?page=1" rel="prev"' in second
    # A page number that is not one gives a page, not an error.
    assert "NM-00200" in client.get(url, {"page": "999"}).content.decode()
    assert client.get(url, {"page": "x"}).status_code == 200


def test_the_case_list_page_costs_the_same_queries_at_any_size(world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("coordinator")
    url = reverse("audits:case-list", args=[world.review.pk])
    _many_cases(world.review, 120)
    client.get(url)  # warm up (session, permissions)
    with CaptureQueriesContext(connection) as small:
        size = len(client.get(url).content)
    _many_cases(world.review, 3000, start=120)
    with CaptureQueriesContext(connection) as large:
        large_size = len(client.get(url).content)
    assert len(large) == len(small)
    assert large_size < size * 1.2  # one page of cases, not the whole list
