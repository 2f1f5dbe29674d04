"""The improvement journey (issue 23): the journey report for a generated authority with two peer
reviews, an inspection, three audits and six priorities, in seed 003's order with the figures right;
its PDF and Word; section edits; trends with case counts; priorities and board meetings."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.urls import reverse

from demo.journey import CASES, NOT_MET, build_journey
from improvement import journey_services, trends
from improvement.models import (
    BoardMeeting,
    ImprovementPriority,
    JourneySectionEdit,
    PriorityRating,
)

pytestmark = pytest.mark.django_db

SEED_003_ORDER = [
    "Summary",
    "Background",
    "Audit activity",
    "Consultation",
    "Options",
    "Analysis",
    "Risks and Implications",
    "Recommendation",
    "Contact Details",
    "Abbreviations",
]


@pytest.fixture
def journey(world):
    return build_journey(
        authority=world.host_org, lead=world.lead_org, user=world.people["host_lead"]
    )


def _percent(met: int, of: int) -> int:
    return (met * 200 + of) // (of * 2)


def _expected(source: int, criterion: int) -> tuple[int, int]:
    """(% met, cases) from the generator's plan, worked out here by hand."""
    cases = CASES[source]
    bad = max(0, NOT_MET[source] - (criterion - 1) % 3)
    return _percent(cases - bad, cases), cases


def _text(composed, key: str) -> str:
    return next(s.text for s in composed.visible if s.key == key)


def test_the_journey_report_follows_seed_003_with_the_figures_right(journey):
    composed = journey_services.compose(journey.report)
    assert [s.title for s in composed.visible] == SEED_003_ORDER

    summary = _text(composed, "summary")
    assert "three audits" in summary and "three external reviews" in summary
    assert "three meetings of the improvement board" in summary
    assert [line[:6] for line in summary.splitlines() if line.startswith("- ")] == [
        f"- **{letter})" for letter in "ABCDEF"
    ]

    background = _text(composed, "background")
    paragraphs = background.split("\n\n")
    assert paragraphs[0].startswith("In September 2023 the joint targeted area inspection")
    assert "‘A strong, shared commitment" in paragraphs[0]
    assert paragraphs[1].startswith("In May 2024 a peer challenge led by Eastvale")
    assert "‘Work has started to move the service in the right direction" in paragraphs[1]
    assert "It made two recommendations." in paragraphs[1]
    assert paragraphs[2].startswith("In March 2025 a peer challenge")

    audits = _text(composed, "audits")
    assert f"looked at {sum(CASES)} cases in all" in audits
    assert audits.count(" audited") == 5
    first, cases_first = _expected(0, 1)
    last, cases_last = _expected(4, 1)
    assert cases_last == 8
    assert first == 50 and last == 88  # 5 of 10, 7 of 8
    assert f"from {first}% (of {cases_first} cases) to {last}% (of eight cases)" in audits, audits

    board = _text(composed, "consultation")
    assert "met three times" in board and "7 July 2025" in board

    analysis = _text(composed, "analysis")
    assert "rated the six priorities: four green and two amber" in analysis
    assert "**A)** Strengthen the Front Door" in analysis
    assert "green, from red in July 2024" in analysis
    # Across the criteria: 59 of 100 answers met in the first source, 76 of 80 in the latest.
    assert "rose from 59% (Peer challenge, May 2024, 10 cases) to 95%" in analysis, analysis

    risks = _text(composed, "risks")
    assert "**B)**" in risks and "**E)**" in risks and "**A)**" not in risks

    contact = _text(composed, "contact")
    assert "Dana Frankland" in contact and "Tel: 01632 960400" in contact
    abbreviations = _text(composed, "abbreviations")
    assert "**JTAI**: Joint Targeted Area Inspection" in abbreviations

    numbers = [n for key in composed.numbers for n in composed.numbers[key] if n]
    assert numbers == list(range(1, len(numbers) + 1))


def test_the_report_cites_nothing_after_its_committee_meeting(journey, world):
    """A report for a meeting on 1 February 2025: the follow-up peer review (March 2025), the audits
    after it and the board meetings of February and July 2025 come later, so it does not cite them;
    the trends page, which is not as at a date, still shows every audit."""
    report = journey.report
    report.meeting_date = dt.date(2025, 2, 1)
    report.save(update_fields=["meeting_date"])
    composed = journey_services.compose(report)

    summary = _text(composed, "summary")
    assert "three audits" not in summary
    assert "two audits" in summary and "two external reviews" in summary
    assert "one meeting of the improvement board" in summary
    background = _text(composed, "background")
    assert "In March 2025" not in background
    audits = _text(composed, "audits")
    assert audits.count(" audited") == 3
    assert "June 2025" not in audits and "March 2025" not in audits
    board = _text(composed, "consultation")
    assert "met once" in board and "1 July 2024" in board and "7 July 2025" not in board
    analysis = _text(composed, "analysis")
    assert "At its latest meeting, on 1 July 2024" in analysis

    assert len(trends.build(world.host_org).sources) == 5


def test_trends_give_each_figure_with_its_cases(journey, world):
    found = trends.build(world.host_org)
    assert [s.cases for s in found.sources] == CASES
    assert len(found.criteria) == 10
    row = found.criteria[0]
    assert [(c.percent, c.applies) for c in row.cells] == [_expected(s, 1) for s in range(5)]

    response = world.client("host_staff").get(
        reverse("improvement:trends", kwargs={"pk": world.host_org.pk})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'id="trend-table"' in page
    assert re.search(r"50%<br><span class=\"govuk-body-s\">of 10 cases", page)


def _heading_order(text: str) -> list[str]:
    found = []
    for heading in SEED_003_ORDER:
        match = re.search(rf"^{re.escape(heading)}$", text, re.MULTILINE)
        assert match, heading
        found.append((match.start(), heading))
    return [h for _, h in sorted(found)]


def test_issued_pdf_and_word_open_with_the_sections(journey, world):
    client = world.client("host_lead")
    url = reverse(
        "improvement:journey-report-issue",
        kwargs={"pk": world.host_org.pk, "report": journey.report.pk},
    )
    assert client.post(url).status_code == 302
    version = journey.report.versions.get()
    pdf = client.get(
        reverse(
            "improvement:journey-report-version",
            kwargs={
                "pk": world.host_org.pk,
                "report": journey.report.pk,
                "number": 1,
                "fmt": "pdf",
            },
        )
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    text = "\n".join(line.strip() for line in text.splitlines())
    assert _heading_order(text) == SEED_003_ORDER
    assert "1. This report presents an overview" in text

    from docx import Document

    docx = client.get(
        reverse(
            "improvement:journey-report-version",
            kwargs={
                "pk": world.host_org.pk,
                "report": journey.report.pk,
                "number": 1,
                "fmt": "docx",
            },
        )
    )
    document = Document(io.BytesIO(docx.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == SEED_003_ORDER
    assert version.content["sections"][0]["title"] == "Summary"


def test_a_section_edit_is_kept_and_a_stale_one_refused(journey, world):
    client = world.client("host_lead")
    kwargs = {"pk": world.host_org.pk, "report": journey.report.pk, "key": "options"}
    url = reverse("improvement:journey-section-edit", kwargs=kwargs)
    assert client.post(url, {"text": "Option one: <b>carry on</b>."}).status_code == 302
    edit = JourneySectionEdit.objects.get(report=journey.report, key="options")
    page = client.get(journey.report.get_absolute_url()).content.decode()
    assert "Option one: &lt;b&gt;carry on&lt;/b&gt;." in page
    # A second person who opened the page before the edit saves without its version: refused.
    response = client.post(url, {"text": "Something else."})
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    assert JourneySectionEdit.objects.get(pk=edit.pk).text == "Option one: <b>carry on</b>."
    reset = reverse("improvement:journey-section-reset", kwargs=kwargs)
    client.post(reset, {"version": edit.version})
    assert not JourneySectionEdit.objects.filter(pk=edit.pk).exists()


def test_priorities_crud_and_board_meeting_rag_history(world):
    client = world.client("host_lead")
    pk = world.host_org.pk
    create = reverse("improvement:priority-create", kwargs={"pk": pk})
    response = client.post(create, {"letter": "a", "title": "", "owner": "AD", "measure": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter the priority" in page and 'value="AD"' in page
    client.post(
        create,
        {"letter": "a", "title": "Strengthen the front door", "owner": "AD", "measure": "Timely"},
    )
    priority = ImprovementPriority.objects.get(organisation=world.host_org)
    assert priority.letter == "A"
    # A second priority A is refused.
    again = client.post(create, {"letter": "A", "title": "T", "owner": "O", "measure": "M"})
    assert "There is already a priority A" in again.content.decode()

    edit = reverse("improvement:priority-edit", kwargs={"pk": pk, "priority": priority.pk})
    client.post(
        edit,
        {
            "letter": "A",
            "title": "Strengthen the front door",
            "owner": "Head of Service",
            "measure": "Timely",
            "version": priority.version,
        },
    )
    priority.refresh_from_db()
    assert priority.owner == "Head of Service"

    meeting = reverse("improvement:board-meeting-create", kwargs={"pk": pk})
    for day, rag in (("1", "red"), ("2", "amber")):
        response = client.post(
            meeting,
            {
                "date_0": day,
                "date_1": "3",
                "date_2": "2025",
                "reviewed": "The scorecard",
                "decisions": "Carry on",
                f"rating_{priority.pk}": rag,
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert list(
        PriorityRating.objects.filter(priority=priority).values_list("rating", flat=True)
    ) == ["red", "amber"]
    page = client.get(reverse("improvement:priorities", kwargs={"pk": pk})).content.decode()
    history = page[page.index('id="rag-history"') :]
    assert history.index("Red") < history.index("Amber")
    assert BoardMeeting.objects.count() == 2

    delete = reverse("improvement:priority-delete", kwargs={"pk": pk, "priority": priority.pk})
    client.post(delete, {"version": priority.version})
    assert not ImprovementPriority.objects.filter(pk=priority.pk).exists()


def test_host_staff_read_but_do_not_change_and_other_authorities_get_404(journey, world):
    pk = world.host_org.pk
    staff = world.client("host_staff")
    assert staff.get(reverse("improvement:priorities", kwargs={"pk": pk})).status_code == 200
    assert staff.get(reverse("improvement:priority-create", kwargs={"pk": pk})).status_code == 403
    other = world.client("other_host_staff")
    assert other.get(reverse("improvement:trends", kwargs={"pk": pk})).status_code == 404
    assert other.get(journey.report.get_absolute_url()).status_code == 404


def test_a_second_click_on_issue_issues_no_second_version(journey, world):
    client = world.client("host_lead")
    url = reverse(
        "improvement:journey-report-issue",
        kwargs={"pk": world.host_org.pk, "report": journey.report.pk},
    )
    report_page = journey.report.get_absolute_url()
    assert 'name="after" value="0"' in client.get(report_page).content.decode()
    assert client.post(url, {"after": "0"}).status_code == 302
    second = client.post(url, {"after": "0"}, follow=True).content.decode()
    assert journey.report.versions.count() == 1
    assert "Version 1 was issued since you opened this page" in second
    # From the page as it now reads, a new version is issued on purpose.
    assert 'name="after" value="1"' in second
    client.post(url, {"after": "1"})
    assert list(journey.report.versions.values_list("number", flat=True)) == [2, 1]
