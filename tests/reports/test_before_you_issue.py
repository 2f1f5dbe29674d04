"""'Before you issue' (issue 21): the letter is issued only through a page that lists what stops it
(blockers: nobody issues past them, whatever is sent) and what the lead reviewer must confirm, one
checkbox a warning; a confirmed issue issues once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import AlertRecipient, Case, CaseAudit, CaseType, SafeguardingAlert
from reports.models import Comment, Letter, LetterVersion
from reviews.fieldwork.models import Finding
from reviews.setup.models import Framework, Kloe, Review
from tests.issuing import issue_letter, issue_url, warnings_on_page

pytestmark = pytest.mark.django_db


def _page(world, role: str = "lead_reviewer"):
    return world.client(role).get(issue_url(world.review))


def _kloes(review: Review, n: int = 2) -> list[Kloe]:
    framework = Framework.objects.create(name="Front door", review=review)
    return [
        Kloe.objects.create(framework=framework, position=i, heading=f"Line {i}")
        for i in range(1, n + 1)
    ]


def _case(world, reference: str, *, status: str | None = None) -> Case:
    case = Case.objects.create(
        review=world.review,
        reference=reference,
        case_type=CaseType.values[0],
        assigned_to=world.people["reviewer"],
    )
    if status:
        CaseAudit.objects.create(case=case, auditor=world.people["reviewer"], status=status)
    return case


def _alert(world, *, acknowledged: bool) -> SafeguardingAlert:
    alert = SafeguardingAlert.objects.create(
        review=world.review,
        case=_case(world, "C-ALERT"),
        raised_by=world.people["reviewer"],
        concern="A worry about a child.",
    )
    for role in ("lead_reviewer", "coordinator"):
        AlertRecipient.objects.create(
            alert=alert,
            user=world.people[role],
            acknowledged_at=timezone.now() if acknowledged or role == "lead_reviewer" else None,
        )
    return alert


def _open_comment(world) -> Comment:
    Review.objects.filter(pk=world.review.pk).update(status=Review.Status.ACCURACY_CHECK)
    letter, _ = Letter.objects.get_or_create(review=world.review)
    return Comment.objects.create(
        letter=letter,
        section_key="summary",
        section_title="Summary",
        text="The date of the visit is wrong.",
        author=world.people["host_lead"],
    )


def test_the_letter_page_leads_to_before_you_issue_and_nothing_is_issued_on_get(world) -> None:
    letter = world.client("lead_reviewer").get(reverse("reports:letter", args=[world.review.pk]))
    assert issue_url(world.review) in letter.content.decode()
    page = _page(world)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Before you issue the letter" in body
    assert "You are issuing" in body and "Version 1 of the letter" in body
    assert not LetterVersion.objects.exists()


def test_only_the_lead_reviewer_opens_it(world) -> None:
    for role in ("coordinator", "reviewer", "host_lead", "host_staff"):
        assert _page(world, role).status_code == 403, role
    assert _page(world, "reviewer_elsewhere").status_code == 404


def test_nothing_in_the_way_issues_once(world) -> None:
    page = _page(world).content.decode()
    assert "What stops the letter being issued" in page and "Nothing: every safeguarding" in page
    assert warnings_on_page(page) == []
    assert issue_letter(world.client("lead_reviewer"), world.review).status_code == 302
    again = issue_letter(world.client("lead_reviewer"), world.review, follow=True)
    assert "Nothing new was issued" in again.content.decode()
    assert LetterVersion.objects.count() == 1
    world.review.refresh_from_db()
    assert world.review.status == Review.Status.ISSUED


# --- Blockers ------------------------------------------------------------------------------------


def test_an_alert_not_acknowledged_by_everyone_blocks_the_issue(world) -> None:
    alert = _alert(world, acknowledged=False)
    page = _page(world).content.decode()
    assert "1 safeguarding alert has not been acknowledged by everyone it was sent to" in page
    assert "Must be done first" in page
    assert reverse("audits:alerts", args=[world.review.pk]) in page
    assert 'id="issue-button"' not in page  # no button to press
    # A forged press is refused on the server, with the reason, and nothing is issued.
    response = world.client("lead_reviewer").post(issue_url(world.review), {"based_on": "0"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "The letter cannot be issued yet" in body
    assert not LetterVersion.objects.exists()
    # Once everyone has acknowledged it, the letter can go.
    AlertRecipient.objects.filter(alert=alert).update(acknowledged_at=timezone.now())
    assert "Must be done first" not in _page(world).content.decode()
    assert issue_letter(world.client("lead_reviewer"), world.review).status_code == 302
    assert LetterVersion.objects.count() == 1


def test_an_acknowledged_alert_does_not_block(world) -> None:
    _alert(world, acknowledged=True)
    assert "Must be done first" not in _page(world).content.decode()


def test_an_unanswered_host_comment_blocks_until_the_lead_declines_it_with_a_reason(world) -> None:
    comment = _open_comment(world)
    page = _page(world).content.decode()
    assert "1 of the host&#x27;s comments on the draft is not answered" in page
    assert reverse("reports:comments", args=[world.review.pk]) in page
    lead = world.client("lead_reviewer")
    assert lead.post(issue_url(world.review), {"based_on": "0"}).status_code == 400
    assert not LetterVersion.objects.exists()
    # Declining needs a reason (the reply); then the comment no longer blocks.
    reply_url = reverse("reports:comment-reply", args=[world.review.pk, comment.pk])
    assert lead.post(reply_url, {"decision": "decline", "reply": ""}).status_code == 400
    assert (
        lead.post(
            reply_url, {"decision": "decline", "reply": "The date is right: see the timetable."}
        ).status_code
        == 302
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DECLINED
    assert issue_letter(lead, world.review).status_code == 302
    assert LetterVersion.objects.count() == 1


def test_a_blocker_refuses_even_with_every_warning_confirmed(world) -> None:
    _kloes(world.review)
    _open_comment(world)
    html = _page(world).content.decode()
    keys = warnings_on_page(html)
    assert "kloes-without-findings" in keys
    response = world.client("lead_reviewer").post(
        issue_url(world.review), {"based_on": "0", "confirmed": keys}
    )
    assert response.status_code == 400
    assert not LetterVersion.objects.exists()


# --- Warnings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "key", "text"),
    [
        (
            lambda world: Finding.objects.create(
                review=world.review, kind="strength", text="Strong partnerships."
            ),
            "findings-draft",
            "1 finding is still in draft",
        ),
        (
            lambda world: Finding.objects.create(
                review=world.review, kind="recommendation", text="Review the thresholds."
            ),
            "recommendations-draft",
            "1 recommendation is still in draft",
        ),
        (
            lambda world: _kloes(world.review, 3),
            "kloes-without-findings",
            "3 key lines of enquiry have no agreed finding",
        ),
        (
            lambda world: _case(world, "C-1", status=CaseAudit.Status.IN_PROGRESS),
            "case-audits",
            "1 of 1 assigned case audit is not complete",
        ),
    ],
    ids=["draft findings", "draft recommendations", "key lines", "case audits"],
)
def test_each_warning_needs_its_confirmation(world, setup, key, text) -> None:
    setup(world)
    page = _page(world).content.decode()
    assert key in warnings_on_page(page)
    assert text in page
    lead = world.client("lead_reviewer")
    others = [k for k in warnings_on_page(page) if k != key]
    # Not confirmed: refused, with the warning named in the error summary; nothing issued.
    response = lead.post(issue_url(world.review), {"based_on": "0", "confirmed": others})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Confirm each warning to issue the letter" in body
    assert text in body
    assert not LetterVersion.objects.exists()
    # Confirmed: issued, once.
    confirmed = {"based_on": "0", "confirmed": [*others, key]}
    assert lead.post(issue_url(world.review), confirmed).status_code == 302
    assert lead.post(issue_url(world.review), confirmed).status_code == 302
    assert LetterVersion.objects.count() == 1


def test_agreed_work_raises_no_warning(world) -> None:
    kloe = _kloes(world.review, 1)[0]
    Finding.objects.create(
        review=world.review, kloe=kloe, kind="strength", text="Clear.", status="agreed"
    )
    _case(world, "C-2", status=CaseAudit.Status.COMPLETE)
    assert warnings_on_page(_page(world).content.decode()) == []


def test_a_warning_that_appears_after_the_page_was_shown_is_not_issued_unconfirmed(world) -> None:
    page = _page(world).content.decode()
    assert warnings_on_page(page) == []
    Finding.objects.create(review=world.review, kind="strength", text="Late draft.")
    response = world.client("lead_reviewer").post(issue_url(world.review), {"based_on": "0"})
    assert response.status_code == 400
    assert "1 finding is still in draft" in response.content.decode()
    assert not LetterVersion.objects.exists()


def test_a_forged_confirmation_is_refused_without_a_server_error(world) -> None:
    response = world.client("lead_reviewer").post(
        issue_url(world.review), {"based_on": "x", "confirmed": ["\x00", "<b>"]}
    )
    assert response.status_code == 400
    assert "The page was out of date" in response.content.decode()
    assert "<b>" not in response.content.decode().split("There is a problem")[1][:2000]
    assert not LetterVersion.objects.exists()


def test_the_overview_and_the_issue_page_agree(world) -> None:
    _kloes(world.review, 2)
    _alert(world, acknowledged=False)
    overview = (
        world.client("lead_reviewer")
        .get(reverse("reviews:review-overview", args=[world.review.pk]))
        .content.decode()
    )
    assert "Stops the letter" in overview
    assert reverse("reports:issue", args=[world.review.pk]) in overview
    page = _page(world).content.decode()
    assert "Must be done first" in page and "kloes-without-findings" in warnings_on_page(page)
