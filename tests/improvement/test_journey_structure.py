"""A journey report's sections follow the council's own committee report format (issue 23, without
a code change): on the report's own copy of the committee report template, its host lead contact
renames, leaves out, adds and reorders sections with the letter's machinery, from the committee
report's own generated texts and placeholders. Issued versions keep the sections they had."""

from __future__ import annotations

import pytest
from django.urls import reverse

from demo.journey import build_journey
from improvement import journey_services
from improvement.models import JourneyReport
from reports.forms import TemplateSectionForm
from reports.models import LetterTemplate
from tests.reports.test_templates import _sections_data
from trail.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(world):
    return build_journey(
        authority=world.host_org, lead=world.lead_org, user=world.people["host_lead"]
    )


def _url(report: JourneyReport) -> str:
    return reverse(
        "improvement:journey-structure", kwargs={"pk": report.organisation_id, "report": report.pk}
    )


def _post(report: JourneyReport, change=None, new=None, **settings) -> dict:
    template = report.template
    data = _sections_data(template, change=change, new=new)
    data.update({"numbering": template.numbering, "version": str(template.version)})
    data.update(settings)
    return data


def _titles(report: JourneyReport) -> list[str]:
    report = JourneyReport.objects.get(pk=report.pk)
    return [s.title for s in journey_services.compose(report).visible]


def test_the_host_lead_renames_leaves_out_and_adds_sections(journey, world):
    report = journey.report
    client = world.client("host_lead")
    page = client.get(_url(report)).content.decode()
    assert "The report’s sections" in page
    assert "Leave out of the report" in page
    assert "The audit activity and what it found" in page  # the committee report's own texts
    assert "Key headlines" not in page  # not the letter's

    def change(index, row, fields):
        if row.heading == "Consultation":
            fields["heading"] = "Consultation with partners"
        if row.heading == "Options":
            fields["hidden"] = "on"

    new = {
        "position": "",
        "heading": "Legal implications",
        "content": "free",
        "text": "There are no legal implications for {host} arising from this report.",
        "show": "filled",
        "numbered": "on",
    }
    response = client.post(_url(report), _post(report, change=change, new=new))
    assert response.status_code == 302, response.content.decode()[:2000]
    titles = _titles(report)
    assert "Consultation with partners" in titles and "Consultation" not in titles
    assert "Options" not in titles
    assert titles[-1] == "Legal implications"
    composed = journey_services.compose(JourneyReport.objects.get(pk=report.pk))
    legal = next(s for s in composed.visible if s.title == "Legal implications")
    assert f"for {world.host_org.display_name} arising" in legal.text
    event = Event.objects.filter(detail__change="structure changed").latest("pk")
    assert "Added “Legal implications”" in event.detail["changes"]
    # The shipped committee report template is untouched.
    shipped = LetterTemplate.objects.committee_reports().get()
    assert not shipped.sections.filter(heading="Legal implications").exists()


def test_sections_are_reordered(journey, world):
    report = journey.report

    def change(index, row, fields):
        if row.heading == "Recommendation":
            fields["position"] = "0"  # before the first

    response = world.client("host_lead").post(_url(report), _post(report, change=change))
    assert response.status_code == 302
    assert _titles(report)[0] == "Recommendation"


def test_a_letter_block_or_placeholder_is_refused_with_what_was_typed_kept(journey, world):
    report = journey.report
    new = {
        "position": "",
        "heading": "From the review dates",
        "content": "free",
        "text": "The review took place on {review dates}.",
        "show": "filled",
    }
    response = world.client("host_lead").post(_url(report), _post(report, new=new))
    page = response.content.decode()
    assert response.status_code == 200
    assert "{review dates} is not a placeholder" in page
    assert "From the review dates" in page
    assert "From the review dates" not in _titles(report)
    form = TemplateSectionForm(
        data={"position": "1", "heading": "X", "content": "generated", "block": "key-headlines"},
        document=LetterTemplate.Document.COMMITTEE_REPORT,
    )
    assert not form.is_valid()
    assert "Choose generated text from the list" in str(form.errors["block"])


def test_two_tabs_do_not_overwrite_each_other(journey, world):
    report = journey.report
    client = world.client("host_lead")
    stale = _post(report)

    def rename(index, row, fields):
        if row.heading == "Options":
            fields["heading"] = "Options considered"

    assert client.post(_url(report), _post(report, change=rename)).status_code == 302
    response = client.post(_url(report), stale)
    assert "Someone else changed this" in response.content.decode()
    assert "Options considered" in _titles(report)


def test_an_issued_version_keeps_its_sections(journey, world):
    import hashlib

    report = journey.report
    version = journey_services.issue(report=report, user=world.people["host_lead"])

    def rename(index, row, fields):
        if row.heading == "Options":
            fields["heading"] = "Options considered"

    client = world.client("host_lead")
    assert client.post(_url(report), _post(report, change=rename)).status_code == 302
    version.refresh_from_db()
    with version.docx.open("rb") as docx:
        assert hashlib.sha256(docx.read()).hexdigest() == version.docx_sha256
    assert "Options considered" in _titles(report)


def test_host_staff_may_read_the_report_but_not_change_its_sections(journey, world):
    report = journey.report
    assert world.client("host_staff").get(_url(report)).status_code == 403
    assert world.client("host_staff").get(report.get_absolute_url()).status_code == 200
    assert (
        "Change the sections"
        in world.client("host_lead").get(report.get_absolute_url()).content.decode()
    )
