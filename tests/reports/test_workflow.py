"""From draft to issued: editing sections, sharing, comments, issuing versions, downloads."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import AnnexFigures, Case
from core.retention import PURGERS
from reports.models import (
    Comment,
    Letter,
    LetterDownload,
    LetterTemplate,
    LetterVersion,
    SectionEdit,
)
from reports.render import compose_letter
from reviews.fieldwork.models import Finding
from reviews.setup.models import Framework, Kloe, Review
from tests.issuing import issue_letter
from trail.models import Event

pytestmark = pytest.mark.django_db


def _url(name, review, **kwargs):
    return reverse(f"reports:{name}", kwargs={"pk": review.pk, **kwargs})


def _agreed(review, text, kind="strength", **extra):
    return Finding.objects.create(review=review, kind=kind, text=text, status="agreed", **extra)


def test_reading_the_letter_changes_nothing(world):
    client = world.client("lead_reviewer")
    assert client.get(_url("letter", world.review)).status_code == 200
    assert client.get(_url("draft-pdf", world.review)).status_code == 200
    assert not Letter.objects.exists()


def test_an_edited_section_keeps_its_text_says_the_data_changed_and_can_be_reset(world):
    review = world.review
    _agreed(review, "Thresholds are understood.", is_key_headline=True)
    client = world.client("lead_reviewer")
    url = _url("section-edit", review, key="summary")
    page = client.get(url)
    assert "Thresholds are understood." in page.content.decode()
    response = client.post(url, {"text": "Our own summary.\n\n- One point", "version": "0"})
    assert response.status_code == 302
    letter_page = client.get(_url("letter", review)).content.decode()
    assert "Our own summary." in letter_page
    assert "Data changed since" not in letter_page

    _agreed(review, "Leaders are visible.", is_key_headline=True)  # the data changes
    composed = compose_letter(review)
    summary = composed.section("summary")
    assert summary.text.startswith("Our own summary.")
    assert summary.data_changed
    assert "Leaders are visible." in summary.generated
    assert (
        "The review's data has changed since" in client.get(_url("letter", review)).content.decode()
    )

    edit = SectionEdit.objects.get()
    assert (
        client.post(
            _url("section-reset", review, key="summary"), {"version": edit.version}
        ).status_code
        == 302
    )
    assert "Leaders are visible." in compose_letter(review).section("summary").text
    history = client.get(_url("section-history", review, key="summary")).content.decode()
    assert "Our own summary." in history and "Reset to the generated text" in history
    changes = Event.objects.filter(action=Event.Action.LETTER_SECTION_CHANGED, review_id=review.pk)
    assert [e.detail["change"] for e in changes.order_by("pk")] == ["edited", "reset"]


def test_two_people_editing_one_section_do_not_overwrite_each_other(world):
    review = world.review
    client = world.client("lead_reviewer")
    url = _url("section-edit", review, key="next-steps")
    assert client.post(url, {"text": "First save.", "version": "0"}).status_code == 302
    response = client.post(url, {"text": "Second, from an old page.", "version": "0"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this while you were editing it" in body
    assert "Second, from an old page." in body  # what they typed is kept
    assert "First save." in body  # and the section as it is now is shown
    assert SectionEdit.objects.get().text == "First save."


def test_bad_section_text_is_refused_with_a_message_and_kept(world):
    client = world.client("lead_reviewer")
    url = _url("section-edit", world.review, key="next-steps")
    response = client.post(url, {"text": "x" * 20_001, "version": "0"})
    assert response.status_code == 200
    assert "Keep it under 20,000 characters" in response.content.decode()
    assert not SectionEdit.objects.exists()
    assert client.get(_url("section-edit", world.review, key="no-such")).status_code == 404


def test_share_comment_reply_issue_download_and_a_second_version(world, settings):
    review = world.review
    _agreed(review, "Strong partnerships.", is_key_headline=True)
    lead = world.client("lead_reviewer")
    host_lead = world.client("host_lead")
    host_staff = world.client("host_staff")
    assert host_lead.get(_url("letter", review)).status_code == 403  # not shared yet

    assert lead.post(_url("share", review)).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.ACCURACY_CHECK
    assert [m.to for m in mail.outbox] == [[world.people["host_lead"].email]]
    assert "factual accuracy" in mail.outbox[0].body
    assert host_lead.get(_url("letter", review)).status_code == 200
    assert host_staff.get(_url("letter", review)).status_code == 403  # staff never see drafts

    response = host_lead.post(
        _url("comments", review),
        {
            "section": "summary",
            "quote": "Strong partnerships.",
            "text": "Say 'strong and growing'.",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (
        comment.section_title == "1. Summary of findings"
        or "Summary of findings" in comment.section_title
    )
    response = lead.post(
        _url("comment-reply", review, comment=comment.pk),
        {"decision": "accept", "reply": "Thank you: corrected."},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("section-edit", review, key="summary")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ACCEPTED and comment.reply == "Thank you: corrected."
    again = lead.post(
        _url("comment-reply", review, comment=comment.pk), {"decision": "decline", "reply": "No."}
    )
    assert again.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ACCEPTED  # the first answer stands

    mail.outbox.clear()
    assert issue_letter(lead, review).status_code == 302
    v1 = LetterVersion.objects.get(number=1)
    pdf_bytes = v1.pdf.read()
    assert hashlib.sha256(pdf_bytes).hexdigest() == v1.pdf_sha256
    assert pdf_bytes.startswith(b"%PDF")
    review.refresh_from_db()
    assert review.status == Review.Status.ISSUED
    first_issued = review.letter_issued_at
    assert first_issued is not None
    assert mail.outbox and "issued" in mail.outbox[0].subject

    page = host_staff.get(_url("versions", review)).content.decode()
    assert "Version 1" in page
    download = host_staff.get(_url("version-download", review, number=1, fmt="pdf"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes
    assert (
        LetterDownload.objects.filter(user=world.people["host_staff"], file_format="pdf").count()
        == 1
    )
    assert Event.objects.filter(action=Event.Action.LETTER_DOWNLOADED).count() == 1
    assert Event.objects.filter(action=Event.Action.LETTER_ISSUED).count() == 1
    docx = host_staff.get(_url("version-download", review, number=1, fmt="docx"))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert host_staff.get(_url("version-download", review, number=1, fmt="exe")).status_code == 404

    # A later change is issued as version 2; version 1 is untouched.
    lead.post(
        _url("section-edit", review, key="next-steps"), {"text": "Changed later.", "version": "0"}
    )
    issue_letter(lead, review)
    v2 = LetterVersion.objects.get(number=2)
    v1.refresh_from_db()
    v1.pdf.open("rb")
    assert hashlib.sha256(v1.pdf.read()).hexdigest() == v1.pdf_sha256
    assert v2.pdf_sha256 != v1.pdf_sha256
    assert "Changed later." in str(v2.content)
    review.refresh_from_db()
    assert review.letter_issued_at == first_issued  # the retention clock starts at the first issue


def test_the_letter_can_be_written_from_the_health_check_template(world):
    review = world.review
    _agreed(review, "Clear thresholds.", is_key_headline=True)
    _agreed(review, "Timely screening in the MASH.")
    lead = world.client("lead_reviewer")
    health_check = LetterTemplate.objects.get(is_shipped=True, key="health-check")
    page = lead.get(_url("letter-template", review))
    assert health_check.name in page.content.decode()
    response = lead.post(_url("letter-template", review), {"template": health_check.pk})
    assert response.status_code == 302
    composed = compose_letter(review)
    assert [s.full_title for s in composed.body if s.heading_shown] == [
        "1. What you asked us to do",
        "2. Key headlines",
        "3. Strengths",
        "4. Next steps",
    ]
    assert "- Clear thresholds." in composed.section("headlines").text
    assert "Timely screening in the MASH." in composed.section("strengths").text
    assert "is a short review" in composed.section("limits").text
    refused = lead.post(_url("letter-template", review), {"template": "nonsense"})
    assert refused.status_code == 200
    assert "Choose one of the letter templates" in refused.content.decode()
    letter = Letter.objects.get()
    assert letter.source == health_check
    assert letter.template.sections.count() == health_check.sections.count()


def test_the_letter_page_query_count_does_not_grow_with_the_review(world):
    review = world.review
    framework = Framework.objects.create(name="KLOEs", review=review)
    kloes = Kloe.objects.bulk_create(
        Kloe(framework=framework, position=i, heading=f"Line {i}") for i in range(3)
    )
    client = world.client("lead_reviewer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("letter", review)).status_code == 200
        return len(queries)

    Finding.objects.bulk_create(
        Finding(review=review, kloe=kloes[0], kind="strength", text="s", status="agreed")
        for _ in range(2)
    )
    small = count()
    Finding.objects.bulk_create(
        Finding(review=review, kloe=k, kind=kind, text="t", status="agreed", is_key_headline=True)
        for k in kloes
        for kind in ("strength", "area", "recommendation")
        for _ in range(10)
    )
    Kloe.objects.bulk_create(
        Kloe(framework=framework, position=9 + i, heading="More") for i in range(5)
    )
    assert count() == small <= 30


def test_retention_keeps_the_annex_figures_after_the_cases_are_deleted(world):
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from tests.reports.seed002 import build_seed_002_review

    review, _ = build_seed_002_review()
    before = compose_letter(review).annex_rows
    purger = next(p for p in PURGERS if p.label == "case files and their audits")
    assert purger.count(review) == 20
    Review.objects.filter(pk=review.pk).update(
        letter_issued_at=timezone.now() - dt.timedelta(days=400)
    )
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "case files and their audits" in out.getvalue()
    review.refresh_from_db()
    assert review.case_data_deleted_at is not None
    assert not Case.objects.filter(review=review).exists()
    assert AnnexFigures.objects.filter(review=review).exists()
    after = compose_letter(review)
    assert after.annex_rows == before
    assert [r["percent"] for r in after.annex_rows] == [75, 100, 95, 95, 90, 95, 75, 100, 85, 100]
    assert "20 case files" in after.section("case-audit").text
