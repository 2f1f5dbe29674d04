"""The case list at work: Excel import, filters, sort, selection, removal before the draw, balance."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audits.models import Case, CaseAudit, CaseType, SampleStatus
from audits.services import case_list as case_list_service
from audits.services.case_list import plan_balance
from audits.services.sampling import draw_sample
from reviews.setup.models import Membership, Role
from tests.audits.factories import CaseFactory, started_audit
from tests.factories import UserFactory


def _xlsx(rows, *, macro: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if not macro:
        return data
    # The same workbook with a VBA project inside, as a macro-enabled file carries.
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    return target.getvalue()


def _import(world, role, upload, **extra):
    return world.client(role).post(
        reverse("audits:case-list-import", args=[world.review.pk]), {"upload": upload, **extra}
    )


HEADER = ["Case reference", "Case type", "Date", "Team", "Outcome"]


def test_an_excel_case_list_is_imported(world) -> None:
    data = _xlsx(
        [
            HEADER,
            ["NM-2001", "Contact", dt.datetime(2026, 10, 1), "MASH", "NFA"],
            [],
            ["NM-2002", "s47", "17/10/2026", "Assessment", None],
            [12345, "Referral", None, "MASH", ""],
        ]
    )
    response = _import(world, "host_lead", SimpleUploadedFile("cases.xlsx", data))
    assert response.status_code == 302
    cases = {c.reference: c for c in Case.objects.filter(review=world.review)}
    assert sorted(cases) == ["12345", "NM-2001", "NM-2002"]
    assert cases["NM-2001"].case_date == dt.date(2026, 10, 1)
    assert cases["NM-2002"].case_type == CaseType.S47


def test_an_excel_case_list_gets_the_same_per_row_errors_with_its_row_numbers(world) -> None:
    data = _xlsx(
        [
            HEADER,
            ["NM-3001", "Contact", None, "MASH", None],
            ["NM 3002 Jane Smith", "Contact", None, "MASH", None],
            ["NM-3003", "Telepathy", None, "MASH", None],
        ]
    )
    page = _import(world, "host_lead", SimpleUploadedFile("cases.xlsx", data)).content.decode()
    assert Case.objects.count() == 0
    assert "Nothing was imported: 2 problems in the case list" in page
    assert "Line 3: The reference “NM 3002 Jane Smith” does not follow the rule" in page
    assert "Line 4: The case type “Telepathy” is not known" in page
    # The valid rows can be imported without uploading again.
    assert "Import the 1 valid row only" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cases.xlsm", b"PK..", "The file holds macros"),
        ("cases.xls", b"\xd0\xcf\x11\xe0", "old Excel format"),
        ("cases.xlsx", b"not a zip at all", "not an Excel workbook"),
        ("cases.pdf", b"%PDF", "must be a CSV or an Excel workbook"),
    ],
)
def test_excel_files_that_cannot_be_case_lists_are_refused(world, name, data, message) -> None:
    page = _import(world, "host_lead", SimpleUploadedFile(name, data)).content.decode()
    assert message in page
    assert Case.objects.count() == 0


def test_an_xlsx_with_macros_inside_is_refused(world) -> None:
    data = _xlsx([HEADER, ["NM-1", "Contact"]], macro=True)
    page = _import(world, "host_lead", SimpleUploadedFile("cases.xlsx", data)).content.decode()
    assert "The file holds macros" in page
    assert Case.objects.count() == 0


def test_an_xlsx_that_unpacks_too_big_is_refused(world, monkeypatch) -> None:
    monkeypatch.setattr(case_list_service, "XLSX_MAX_UNPACKED_BYTES", 1000)
    data = _xlsx([HEADER, *[[f"NM-{n}", "Contact"] for n in range(200)]])
    page = _import(world, "host_lead", SimpleUploadedFile("cases.xlsx", data)).content.decode()
    assert "too big once opened" in page
    assert Case.objects.count() == 0


def test_the_excel_template_has_the_columns_the_import_reads(world) -> None:
    url = reverse("audits:case-list-template", args=[world.review.pk])
    response = world.client("host_lead").get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:5]) == HEADER
    # And the template itself imports.
    response = _import(world, "host_lead", SimpleUploadedFile("template.xlsx", response.content))
    assert response.status_code == 302
    assert Case.objects.filter(review=world.review).count() == 2


@pytest.fixture
def listed(world):
    reviewer, lead = world.people["reviewer"], world.people["lead_reviewer"]
    review = world.review
    rows = [
        ("NM-001", CaseType.CONTACT, "MASH", dt.date(2026, 9, 3), reviewer),
        ("NM-002", CaseType.S47, "Assessment", dt.date(2026, 9, 1), lead),
        ("NM-003", CaseType.CONTACT, "Assessment", dt.date(2026, 9, 2), None),
        ("NM-004", CaseType.REFERRAL, "MASH", None, None),
    ]
    for reference, case_type, team, date, auditor in rows:
        CaseFactory(
            review=review,
            reference=reference,
            case_type=case_type,
            team=team,
            case_date=date,
            assigned_to=auditor,
            sample_status=SampleStatus.SAMPLED if auditor else SampleStatus.NOT_SAMPLED,
        )
    return review


def _references(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"\b(NM-00\d)\b", page)))  # once a row


def _list(world, role="coordinator", **params):
    url = reverse("audits:case-list", args=[world.review.pk])
    return world.client(role).get(url, params).content.decode()


def test_the_case_list_filters_by_type_team_auditor_and_state(world, listed) -> None:
    assert _references(_list(world, case_type="contact")) == ["NM-001", "NM-003"]
    assert _references(_list(world, team="Assessment")) == ["NM-002", "NM-003"]
    reviewer = world.people["reviewer"]
    assert _references(_list(world, auditor=str(reviewer.pk))) == ["NM-001"]
    assert _references(_list(world, auditor="none")) == ["NM-003", "NM-004"]
    assert _references(_list(world, state="not_sampled")) == ["NM-003", "NM-004"]
    assert _references(_list(world, state="sampled", team="MASH")) == ["NM-001"]
    assert "No cases match these filters." in _list(world, case_type="strategy")


def test_the_case_list_sorts_by_a_column_keeping_the_filters(world, listed) -> None:
    page = _list(world, sort="date")
    assert _references(page) == ["NM-002", "NM-003", "NM-001", "NM-004"]  # no date: last
    assert (
        'aria-sort="ascending"><a class="govuk-link govuk-link--no-visited-state" href="?sort=-date"'
        in page
    )
    assert _references(_list(world, sort="-date")) == ["NM-001", "NM-003", "NM-002", "NM-004"]
    filtered = _list(world, team="MASH", sort="-reference")
    assert _references(filtered) == ["NM-004", "NM-001"]
    assert 'href="?team=MASH&amp;sort=reference"' in filtered  # the sort link keeps the filter
    assert 'aria-sort="descending"' in filtered
    assert 'name="sort" value="-reference"' in filtered  # the filter form keeps the sort
    # Nonsense is ignored, not an error.
    assert _references(_list(world, sort="password")) == ["NM-001", "NM-002", "NM-003", "NM-004"]


def test_selected_cases_of_the_sample_are_assigned_to_one_auditor(world, listed) -> None:
    reviewer = world.people["reviewer"]
    cases = {c.reference: c.pk for c in Case.objects.filter(review=listed)}
    response = world.client("coordinator").post(
        reverse("audits:case-list-assign", args=[listed.pk]),
        {
            "cases": [cases["NM-002"], cases["NM-003"]],
            "auditor": str(reviewer.pk),
            "back": "team=Assessment&evil=1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/case-list/?team=Assessment")
    assert Case.objects.get(pk=cases["NM-002"]).assigned_to == reviewer
    assert Case.objects.get(pk=cases["NM-003"]).assigned_to is None  # not in the sample
    # Someone not on the review is never assigned.
    outsider = UserFactory()
    world.client("coordinator").post(
        reverse("audits:case-list-assign", args=[listed.pk]),
        {"cases": [cases["NM-002"]], "auditor": str(outsider.pk)},
    )
    assert Case.objects.get(pk=cases["NM-002"]).assigned_to == reviewer


def test_cases_are_removed_before_the_draw_and_refused_after_it_with_a_reason(
    world, listed
) -> None:
    client = world.client("host_lead")
    url = reverse("audits:case-list-remove", args=[listed.pk])
    one = Case.objects.get(reference="NM-004")
    assert "Remove selected from the list" in _list(world, "host_lead")
    client.post(url, {"cases": [one.pk]})
    assert not Case.objects.filter(pk=one.pk).exists()
    draw_sample(review=listed, method="random", size=2, seed=7, user=world.people["coordinator"])
    page = _list(world, "host_lead")
    assert "Remove selected from the list" not in page
    assert "cases can no longer be removed" in page
    other = Case.objects.get(reference="NM-003")
    response = client.post(url, {"cases": [other.pk]}, follow=True)
    assert "The sample has been drawn from this case list" in response.content.decode()
    assert Case.objects.filter(pk=other.pk).exists()


def test_the_lead_reviewer_cannot_remove_cases_from_the_hosts_list(world, listed) -> None:
    one = Case.objects.get(reference="NM-004")
    url = reverse("audits:case-list-remove", args=[listed.pk])
    assert world.client("lead_reviewer").post(url, {"cases": [one.pk]}).status_code == 403
    assert Case.objects.filter(pk=one.pk).exists()


def _auditor(review, **kwargs):
    person = UserFactory(**kwargs)
    Membership.objects.create(review=review, user=person, role=Role.REVIEWER)
    return person


def test_balance_shares_the_sample_evenly_keeping_started_audits(world) -> None:
    review = world.review
    reviewer, lead = world.people["reviewer"], world.people["lead_reviewer"]
    started = started_audit(review, reviewer, reference="NM-100")
    for n in range(6):
        CaseFactory(review=review, reference=f"NM-2{n:02d}", assigned_to=reviewer)
    CaseFactory(review=review, reference="NM-300", assigned_to=None)
    third = _auditor(review, full_name="Zed Third")
    balance = plan_balance(review)
    after = {person.pk: count for person, _now, count in balance.auditors}
    assert sum(after.values()) == 8
    assert max(after.values()) - min(after.values()) <= 1
    assert started.case_id not in balance.moves  # its audit has started: it stays
    page = world.client("coordinator").get(reverse("audits:case-list-balance", args=[review.pk]))
    html = page.content.decode()
    assert "Cases per auditor" in html and "Assign these cases" in html
    # Nothing changes until it is confirmed.
    assert Case.objects.filter(review=review, assigned_to=third).count() == 0
    response = world.client("coordinator").post(
        reverse("audits:case-list-balance", args=[review.pk]), {"plan": balance.fingerprint}
    )
    assert response.status_code == 302
    counts = [
        Case.objects.filter(review=review, assigned_to=person).count()
        for person in (reviewer, lead, third)
    ]
    assert sorted(counts) in ([2, 3, 3], [3, 3, 2])
    assert CaseAudit.objects.get(pk=started.pk).case.assigned_to == reviewer


def test_balance_gives_no_case_to_an_auditor_who_works_for_the_host(world) -> None:
    review = world.review
    for n in range(4):
        CaseFactory(review=review, reference=f"NM-4{n:02d}")
    insider = _auditor(review, full_name="Host Insider", organisation=world.host_org)
    balance = plan_balance(review)
    assert insider in balance.left_out
    assert insider.pk not in balance.moves.values()
    html = (
        world.client("coordinator")
        .get(reverse("audits:case-list-balance", args=[review.pk]))
        .content.decode()
    )
    assert "conflict of interest" in html and "Host Insider" in html


def test_balance_is_refused_when_the_sample_changed_since_the_plan_was_shown(world) -> None:
    review = world.review
    CaseFactory(review=review, reference="NM-500")
    stale = plan_balance(review).fingerprint
    CaseFactory(review=review, reference="NM-501")
    response = world.client("coordinator").post(
        reverse("audits:case-list-balance", args=[review.pk]), {"plan": stale}, follow=True
    )
    assert "changed since you looked" in response.content.decode()
    assert not Case.objects.filter(review=review, assigned_to__isnull=False).exists()


def test_the_reference_rule_is_chosen_in_words_and_sets_the_pattern(world) -> None:
    from audits.models import AuditPlan

    url = reverse("audits:settings", args=[world.review.pk])
    client = world.client("coordinator")
    page = client.get(url).content.decode()
    assert "Letters, digits, - and / (at most 30 characters)" in page
    assert "Another rule, as a regular expression (advanced)" in page
    assert client.post(url, {"preset": "letters_dash_digits"}).status_code == 302
    plan = AuditPlan.objects.get(review=world.review)
    assert plan.reference_pattern == r"^[A-Za-z]{1,6}-[0-9]{1,14}$"
    assert plan.reference_rule == "up to 6 letters, a dash, then digits, like CR-10234"
    # The chosen preset is shown chosen again.
    chosen = re.search(
        r'<input[^>]*value="letters_dash_digits"[^>]*>', client.get(url).content.decode()
    )
    assert chosen and "checked" in chosen.group()
    # The advanced choice needs its pattern and its words.
    page = client.post(url, {"preset": "custom"}).content.decode()
    assert "Enter your own rule as a regular expression" in page
    assert "Say your own rule in words" in page
    ok = client.post(
        url,
        {
            "preset": "custom",
            "reference_pattern": r"^[A-Z]{2}[0-9]{6}$",
            "reference_rule": "AB123456",
        },
    )
    assert ok.status_code == 302
    assert AuditPlan.objects.get(review=world.review).reference_pattern == r"^[A-Z]{2}[0-9]{6}$"


def test_the_draw_number_is_explained_in_words(world) -> None:
    page = (
        world.client("coordinator")
        .get(reverse("audits:sample-draw", args=[world.review.pk]))
        .content.decode()
    )
    assert "Draw number (optional)" in page
    assert "the same number on the same case list draws the same cases" in page
    assert "Seed" not in page


def test_picking_cases_for_the_sample_goes_back_to_the_list_as_filtered(world, listed) -> None:
    cases = {c.reference: c.pk for c in Case.objects.filter(review=listed)}
    url = reverse("audits:sample-pick", args=[listed.pk])
    back = "state=not_sampled&sort=-reference&evil=1"
    client = world.client("coordinator")
    picked = client.post(url, {"cases": [cases["NM-003"]], "action": "sample", "back": back})
    assert picked["Location"].endswith("/case-list/?state=not_sampled&sort=-reference")
    assert Case.objects.get(pk=cases["NM-003"]).sample_status == SampleStatus.SAMPLED
    # Nothing selected: the error is shown on the same filtered list.
    refused = client.post(url, {"action": "sample", "back": back})
    assert refused["Location"].endswith("/case-list/?state=not_sampled&sort=-reference")
