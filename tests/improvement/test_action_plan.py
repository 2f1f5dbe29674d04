"""The host's action plan: actions against recommendations, progress, overdue, exports, reminders."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core.versioning import StaleEdit
from improvement import services
from improvement.models import Action, ProgressUpdate
from reviews.fieldwork.models import Finding
from tests.authz.expectations.improvement import issue
from trail.models import Event

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


@pytest.fixture
def issued(world):
    first = issue(world.review)
    Finding.objects.create(
        review=world.review,
        kind=Finding.Kind.RECOMMENDATION,
        text="Immediately: make sure strategy discussions include health.",
        urgency=Finding.Urgency.IMMEDIATELY,
        status=Finding.Status.AGREED,
        position=2,
    )
    area = Finding.objects.create(
        review=world.review,
        kind=Finding.Kind.AREA,
        text="Consider how fathers are included in assessments.",
        status=Finding.Status.AGREED,
    )
    Finding.objects.create(
        review=world.review,
        kind=Finding.Kind.RECOMMENDATION,
        text="A draft never agreed.",
    )
    return first, area


def _add(world, finding, *, due: dt.date, what: str = "Rewrite the threshold guidance") -> Action:
    client = world.client("host_lead")
    response = client.post(
        reverse("improvement:action-create", kwargs={"pk": world.review.pk}),
        {
            "finding": finding.pk,
            "what": what,
            "owner": "Head of Service, Front Door",
            **_date("due_date", due),
            "measure": "Audits show consistent threshold decisions",
            "status": "on_track",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Action.objects.get(what=what)


def test_host_lead_turns_a_recommendation_into_an_action_and_it_is_recorded(world, issued) -> None:
    first, _ = issued
    action = _add(world, first, due=dt.date(2027, 3, 31))
    assert action.review == world.review and action.finding == first
    event = Event.objects.get(action=Event.Action.ACTION_PLAN_CHANGED)
    assert event.detail["change"] == "created" and event.review_id == world.review.pk
    page = world.client("lead_reviewer").get(
        reverse("improvement:action-plan", kwargs={"pk": world.review.pk})
    )
    text = page.content.decode()
    assert "Recommendation 1" in text and "Rewrite the threshold guidance" in text
    assert "Recommendation 2" in text  # numbered across the review, drafts left out
    assert "A draft never agreed." not in text
    assert "Add an action" not in text  # the lead reviewer follows, the host lead writes


def test_the_action_plan_waits_for_the_letter(world) -> None:
    host = world.client("host_lead")
    url = reverse("improvement:action-create", kwargs={"pk": world.review.pk})
    assert host.get(url).status_code == 302
    page = host.get(reverse("improvement:action-plan", kwargs={"pk": world.review.pk}))
    assert "opens when the final letter is issued" in page.content.decode()


def test_overdue_actions_are_marked_in_words(world, issued) -> None:
    first, area = issued
    _add(world, first, due=dt.date(2020, 1, 31), what="Late action")
    _add(world, area, due=dt.date(2099, 1, 31), what="Future action")
    page = world.client("coordinator").get(
        reverse("improvement:action-plan", kwargs={"pk": world.review.pk})
    )
    text = page.content.decode()
    assert text.count("app-overdue") == 2  # the late row's tag, and the summary
    assert "1 overdue" in text
    assert "Consider how fathers are included" in text  # a chosen area is shown with its action


def test_progress_is_dated_sets_the_status_and_a_stale_edit_keeps_the_words(world, issued) -> None:
    first, _ = issued
    action = _add(world, first, due=dt.date(2027, 3, 31))
    host = world.client("host_lead")
    url = reverse(
        "improvement:action-progress", kwargs={"pk": world.review.pk, "action": action.pk}
    )
    today = dt.date.today()
    response = host.post(
        url,
        {
            "progress-version": action.version,
            **_date("progress-date", today),
            "progress-text": "Guidance drafted with police and health.",
            "progress-status": "at_risk",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.AT_RISK and action.version == 2
    update = ProgressUpdate.objects.get(action=action)
    assert update.date == today and update.author == world.user("host_lead")

    # A second update sent from a page opened before the first: refused, the words kept.
    stale = host.post(
        url,
        {
            "progress-version": 1,
            **_date("progress-date", today),
            "progress-text": "My stale words.",
            "progress-status": "done",
        },
    )
    assert stale.status_code == 200
    assert "Someone else changed this while you were editing it" in stale.content.decode()
    assert "My stale words." in stale.content.decode()
    assert ProgressUpdate.objects.count() == 1
    action.refresh_from_db()
    assert action.status == Action.Status.AT_RISK


def test_two_saves_at_the_same_version_do_not_both_win(world, issued) -> None:
    first, _ = issued
    action = _add(world, first, due=dt.date(2027, 3, 31))
    data = {"what": "A", "owner": "B", "due_date": dt.date(2027, 1, 1), "status": "done"}
    services.update_action(action=action, version=1, data=data)
    with pytest.raises(StaleEdit):
        services.update_action(action=action, version=1, data={**data, "what": "C"})
    action.refresh_from_db()
    assert action.what == "A"


def test_exports_are_a_real_word_table_and_a_spreadsheet(world, issued) -> None:
    from docx import Document
    from openpyxl import load_workbook

    first, _ = issued
    _add(world, first, due=dt.date(2027, 3, 31), what="=HYPERLINK(bad)")
    client = world.client("host_staff")
    docx = client.get(
        reverse("improvement:action-plan-export", kwargs={"pk": world.review.pk, "fmt": "docx"})
    )
    document = Document(io.BytesIO(docx.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Recommendations" in headings and "Recommendation 1" in headings
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["Action", "Owner", "Due date"]
    assert table.rows[1].cells[0].text == "=HYPERLINK(bad)"

    xlsx = client.get(
        reverse("improvement:action-plan-export", kwargs={"pk": world.review.pk, "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][:3] == ("Recommendation or area", "Finding", "Action")
    assert rows[4][2] == "=HYPERLINK(bad)"  # as typed, with no apostrophe shown
    assert sheet.cell(row=5, column=3).data_type == "s"  # a text cell: never a formula


def test_weekly_reminder_emails_the_host_lead_what_is_due_or_overdue(world, issued) -> None:
    first, area = issued
    _add(world, first, due=dt.date(2027, 3, 3), what="Due this week")
    _add(world, first, due=dt.date(2027, 2, 1), what="Already overdue")
    _add(world, area, due=dt.date(2027, 6, 1), what="Not yet due")
    done = _add(world, area, due=dt.date(2027, 1, 1), what="Done already")
    Action.objects.filter(pk=done.pk).update(status=Action.Status.DONE)
    out = io.StringIO()
    call_command(
        "send_action_reminders",
        "--date",
        "2027-03-01",
        "--site-url",
        "https://x.example",
        stdout=out,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["host_lead@example.org"]
    assert "Due this week" in message.body and "OVERDUE: Already overdue" in message.body
    assert "Not yet due" not in message.body and "Done already" not in message.body
    assert f"https://x.example/reviews/{world.review.pk}/action-plan/" in message.body


def _styles_xml(content: bytes) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml").decode()


def test_the_word_action_plan_is_a4_in_british_english_with_black_headings(world, issued) -> None:
    """Read back with python-docx and from the file's own XML, as Word would read it."""
    import re
    import zipfile

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import RGBColor

    first, _ = issued
    _add(world, first, due=dt.date(2027, 3, 31), what="Organise the programme")
    content = (
        world.client("host_staff")
        .get(
            reverse("improvement:action-plan-export", kwargs={"pk": world.review.pk, "fmt": "docx"})
        )
        .content
    )
    document = Document(io.BytesIO(content))
    for section in document.sections:
        # A4 landscape, for the wide table: 29.7 by 21.0 cm (US Letter is 27.94 by 21.59).
        assert round(section.page_width.cm, 1) == 29.7
        assert round(section.page_height.cm, 1) == 21.0
        assert section.orientation == WD_ORIENT.LANDSCAPE
    assert document.core_properties.language == "en-GB"
    styles = _styles_xml(content)
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S).group(0)
    assert 'w:lang w:val="en-GB"' in defaults
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.endswith(".xml"):
            assert not re.search(
                r'<w:(lang|themeFontLang)[^>]*"en-US"', archive.read(name).decode()
            )
    # Headings in the text's font and in black, no theme colour or theme font to override them.
    normal = document.styles["Normal"].font.name
    for name in ("Title", "Heading 1", "Heading 2"):
        font = document.styles[name].font
        assert font.color.rgb == RGBColor(0, 0, 0) and font.color.theme_color is None
        assert font.name == normal == "Arial"
        style_xml = re.search(rf'w:styleId="{name.replace(" ", "")}".*?</w:style>', styles, re.S)
        assert "w:asciiTheme" not in style_xml.group(0)
        assert "w:themeColor" not in style_xml.group(0)
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(run.font.color.rgb is None for p in headings for run in p.runs)
