"""A fast review day (issue 22): the note form chooses the session by the clock and keeps it for the
next note; the lead reviewer agrees a key line's drafts in one go, never words changed since; merging
lets the words be edited first; the evidence picker puts the finding's key line's notes first and
finds notes by their words; "Today" shows a reviewer's sessions and cases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Case, CaseAudit, SampleStatus
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.fieldwork.services import agree_all, session_for_now
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import LONDON, Framework, Kloe


@pytest.fixture
def kloes(world):
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    return [
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds"),
        Kloe.objects.create(framework=framework, position=2, heading="Partnerships"),
        Kloe.objects.create(framework=framework, position=3, heading="Voice of the child"),
    ]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _session(review, day, start, end, *, title, reviewers=(), kloes=(), cancelled=False):
    review_day, _ = ReviewDay.objects.get_or_create(review=review, date=day)
    session = Session.objects.create(
        review=review,
        day=review_day,
        kind=Session.Kind.OBSERVATION,
        title=title,
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        cancelled_at=timezone.now() if cancelled else None,
    )
    session.reviewers.set(reviewers)
    session.kloes.set(kloes)
    return session


DAY = dt.date(2026, 11, 17)


# Session preselection by the clock -------------------------------------------------------------


def test_the_session_running_now_is_chosen_and_mine_before_a_colleagues(world, kloes) -> None:
    me, colleague = world.user("reviewer"), world.user("lead_reviewer")
    _session(world.review, DAY, (9,), (10,), title="Opening", reviewers=[me])
    theirs = _session(world.review, DAY, (10,), (12,), title="Their MASH", reviewers=[colleague])
    mine = _session(world.review, DAY, (10, 30), (11, 30), title="My MASH", reviewers=[me])
    now = _at(DAY, 11)
    assert session_for_now(review=world.review, user=me, now=now) == mine
    assert session_for_now(review=world.review, user=colleague, now=now) == theirs
    # Someone with no session today gets the one running now.
    assert session_for_now(review=world.review, user=world.user("coordinator"), now=now) == theirs


def test_between_sessions_the_next_one_today_is_chosen_and_none_after_the_last(
    world, kloes
) -> None:
    me = world.user("reviewer")
    _session(world.review, DAY, (9,), (10,), title="Opening", reviewers=[me])
    _session(world.review, DAY, (11,), (12,), title="Cancelled", reviewers=[me], cancelled=True)
    later = _session(world.review, DAY, (14,), (15,), title="Focus group", reviewers=[me])
    _session(
        world.review, DAY + dt.timedelta(days=1), (9,), (10,), title="Tomorrow", reviewers=[me]
    )
    assert session_for_now(review=world.review, user=me, now=_at(DAY, 10, 15)) == later
    assert session_for_now(review=world.review, user=me, now=_at(DAY, 15)) is None
    # The clock is London's: 09:30 GMT in UTC is 09:30 in November.
    utc = dt.datetime(2026, 11, 17, 14, 30, tzinfo=dt.UTC)
    assert session_for_now(review=world.review, user=me, now=utc) == later


def test_the_notes_page_opens_with_the_session_now_chosen_and_its_key_lines_ticked(
    world, kloes
) -> None:
    now = timezone.localtime(timezone.now(), LONDON)
    session = _session(  # running now, whatever the time of the test
        world.review,
        now.date(),
        (0,),
        (23, 59, 59),
        title="Observe screening",
        reviewers=[world.user("reviewer")],
        kloes=kloes[:2],
    )
    page = world.client("reviewer").get(reverse("reviews:notes", args=[world.review.pk]))
    html = page.content.decode()
    assert re.search(rf'<option value="{session.pk}"[^>]*selected', html)
    ticked = re.findall(r'<input[^>]*name="kloes"[^>]*value="(\d+)"[^>]*checked', html)
    ticked += re.findall(r'<input[^>]*checked[^>]*name="kloes"[^>]*value="(\d+)"', html)
    assert sorted(set(map(int, ticked))) == sorted(k.pk for k in kloes[:2])
    # The form is on the page, open, with the documented shortcut; the box has no clash of ids.
    assert 'id="note-text"' in html and "Alt</kbd> + <kbd>Shift</kbd> + <kbd>N" in html
    assert "Save and add another" in html


def test_save_and_add_another_keeps_the_session_and_key_lines_and_goes_back_to_the_box(
    world, kloes
) -> None:
    session = _session(world.review, DAY, (10,), (11,), title="MASH", kloes=kloes)
    client = world.client("reviewer")
    response = client.post(
        reverse("reviews:note-create", args=[world.review.pk]),
        {
            "session": str(session.pk),
            "kloes": [str(kloes[2].pk)],  # one of the session's three, as the reviewer chose
            "text": "Strategy meeting held within a day.",
            "another": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#note-text")
    assert EvidenceNote.objects.get().text == "Strategy meeting held within a day."
    again = client.get(response["Location"]).content.decode()
    assert re.search(rf'<option value="{session.pk}"[^>]*selected', again)
    ticked = set(re.findall(r'<input[^>]*name="kloes"[^>]*value="(\d+)"[^>]*checked', again))
    assert ticked == {str(kloes[2].pk)}
    assert re.search(r"<textarea[^>]*autofocus[^>]*>\s*</textarea>", again)
    assert "Evidence note added. Add another." in again


def test_a_session_of_another_review_is_never_chosen(world, kloes) -> None:
    other = _session(world.other_review, DAY, (10,), (11,), title="Elsewhere")
    url = reverse("reviews:notes", args=[world.review.pk]) + f"?note_session={other.pk}"
    html = world.client("reviewer").get(url).content.decode()
    assert "Elsewhere" not in html
    assert not re.search(r"<option[^>]*selected[^>]*>[^<]*Elsewhere", html)


# Agreeing all the draft findings of a key line -------------------------------------------------


def _finding(world, kloe, text, status=Finding.Status.DRAFT):
    return Finding.objects.create(
        review=world.review, kloe=kloe, kind=Finding.Kind.STRENGTH, text=text, status=status
    )


def test_agree_all_of_a_key_line_agrees_only_its_drafts_after_one_confirmation(
    world, kloes
) -> None:
    first = _finding(world, kloes[0], "Thresholds are understood.")
    second = _finding(world, kloes[0], "Screening is timely.")
    elsewhere = _finding(world, kloes[1], "Partners attend strategy meetings.")
    overall = _finding(world, None, "Leaders know the front door.")
    client = world.client("lead_reviewer")
    url = reverse("reviews:finding-agree-all", args=[world.review.pk])
    confirm = client.get(url, {"scope": kloes[0].pk}).content.decode()
    assert "Agree 2 draft findings" in confirm
    assert "Thresholds are understood." in confirm and "Partners attend" not in confirm
    seen = re.findall(r'name="seen" value="([\d:]+)"', confirm)
    assert Finding.objects.filter(status=Finding.Status.AGREED).count() == 0  # nothing on GET
    response = client.post(url, {"scope": str(kloes[0].pk), "seen": seen}, follow=True)
    assert "2 findings agreed" in response.content.decode()
    assert set(Finding.objects.filter(status=Finding.Status.AGREED)) == {first, second}
    for finding in (first, second):
        finding.refresh_from_db()
        assert finding.agreed_by == world.user("lead_reviewer") and finding.version == 2
    elsewhere.refresh_from_db()
    overall.refresh_from_db()
    assert elsewhere.status == overall.status == Finding.Status.DRAFT
    page = client.get(reverse("reviews:findings", args=[world.review.pk])).content.decode()
    assert "2 of 4 findings agreed." in page


def test_findings_changed_since_the_confirmation_page_are_not_agreed_and_it_says_so(
    world, kloes
) -> None:
    kept = _finding(world, kloes[0], "Thresholds are understood.")
    changed = _finding(world, kloes[0], "Screening is timely.")
    client = world.client("lead_reviewer")
    url = reverse("reviews:finding-agree-all", args=[world.review.pk])
    seen = re.findall(
        r'name="seen" value="([\d:]+)"', client.get(url, {"scope": "all"}).content.decode()
    )
    # Meanwhile a reviewer changes one and adds another.
    edit = world.client("reviewer").post(
        reverse("reviews:finding-edit", args=[world.review.pk, changed.pk]),
        {
            "kloe": str(kloes[0].pk),
            "kind": "strength",
            "text": "Screening is mostly timely.",
            "version": "1",
        },
    )
    assert edit.status_code == 302
    _finding(world, kloes[0], "Added while the lead was reading.")
    response = client.post(url, {"scope": "all", "seen": seen}, follow=True)
    html = response.content.decode()
    assert "1 finding agreed" in html
    assert "2 findings were changed or added since you opened the confirmation page" in html
    assert list(Finding.objects.filter(status=Finding.Status.AGREED)) == [kept]
    changed.refresh_from_db()
    assert changed.status == Finding.Status.DRAFT and changed.text == "Screening is mostly timely."


def test_agree_all_never_touches_agreed_findings_nor_another_key_lines(world, kloes) -> None:
    agreed = _finding(world, kloes[0], "Already agreed.", status=Finding.Status.AGREED)
    other = _finding(world, kloes[1], "Another key line.")
    result = agree_all(
        review=world.review,
        kloe=kloes[0].pk,
        seen={agreed.pk: agreed.version, other.pk: other.version},
        by=world.user("lead_reviewer"),
    )
    assert result.agreed == [] and result.changed == 2
    agreed.refresh_from_db()
    other.refresh_from_db()
    assert agreed.version == 1 and other.status == Finding.Status.DRAFT


def test_only_the_lead_reviewer_agrees_all(world, kloes) -> None:
    draft = _finding(world, kloes[0], "Draft words.")
    url = reverse("reviews:finding-agree-all", args=[world.review.pk])
    response = world.client("reviewer").post(url, {"scope": "all", "seen": f"{draft.pk}:1"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Finding.Status.DRAFT
    lead_page = world.client("lead_reviewer").get(
        reverse("reviews:findings", args=[world.review.pk])
    )
    assert "Agree the 1 draft finding" in lead_page.content.decode()
    reviewer_page = world.client("reviewer").get(
        reverse("reviews:findings", args=[world.review.pk])
    )
    assert "Agree the 1 draft finding" not in reviewer_page.content.decode()


# Merging with edited words -------------------------------------------------------------------


def test_merging_saves_the_words_as_the_person_edited_them(world, kloes) -> None:
    note = EvidenceNote.objects.create(review=world.review, text="Observed screening.")
    keep = _finding(world, kloes[0], "Consent unclear.")
    gone = _finding(world, kloes[0], "Consent not recorded.")
    gone.evidence_notes.add(note)
    url = reverse("reviews:finding-merge", args=[world.review.pk, gone.pk])
    client = world.client("lead_reviewer")
    step = client.post(url, {"other": str(keep.pk)}).content.decode()
    assert "Consent unclear.\n\nConsent not recorded.</textarea>" in step
    response = client.post(
        url,
        {
            "other": str(keep.pk),
            "text": "Consent is unclear and not recorded.",
            "version": "1",
            "other_version": "1",
        },
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.text == "Consent is unclear and not recorded."
    assert list(keep.evidence_notes.all()) == [note]
    assert not Finding.objects.filter(pk=gone.pk).exists()


def test_a_merge_of_a_finding_changed_meanwhile_saves_nothing_and_keeps_the_words(
    world, kloes
) -> None:
    keep = _finding(world, kloes[0], "Consent unclear.")
    gone = _finding(world, kloes[0], "Consent not recorded.")
    Finding.objects.filter(pk=keep.pk).update(text="Consent unclear (changed).", version=2)
    url = reverse("reviews:finding-merge", args=[world.review.pk, gone.pk])
    response = world.client("lead_reviewer").post(
        url,
        {"other": str(keep.pk), "text": "My merged words.", "version": "1", "other_version": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was merged" in html
    assert "My merged words.</textarea>" in html and "Consent unclear (changed)." in html
    assert Finding.objects.filter(pk=gone.pk).exists()
    # The form now carries the versions as they are: merging again works.
    again = world.client("lead_reviewer").post(
        url,
        {"other": str(keep.pk), "text": "My merged words.", "version": "1", "other_version": "2"},
    )
    assert again.status_code == 302


def test_an_empty_merged_text_is_refused_with_both_findings_still_shown(world, kloes) -> None:
    keep = _finding(world, kloes[0], "Consent unclear.")
    gone = _finding(world, kloes[0], "Consent not recorded.")
    url = reverse("reviews:finding-merge", args=[world.review.pk, gone.pk])
    response = world.client("reviewer").post(
        url, {"other": str(keep.pk), "text": "  ", "version": "1", "other_version": "1"}
    )
    html = response.content.decode()
    assert "Enter the words of the merged finding" in html and "Consent unclear." in html
    assert Finding.objects.count() == 2


# The evidence picker -------------------------------------------------------------------------


def _picker_order(html: str) -> list[str]:
    return re.findall(r'name="evidence_notes"[^>]*value="(\d+)"', html)


def test_the_picker_shows_the_findings_key_line_notes_first_and_whole_words(world, kloes) -> None:
    on_line = EvidenceNote.objects.create(review=world.review, text="Thresholds applied well.")
    on_line.kloes.add(kloes[0])
    long_text = "Screening " + "decisions recorded promptly " * 20
    newer = EvidenceNote.objects.create(review=world.review, text=long_text)
    newer.kloes.add(kloes[1])
    finding = _finding(world, kloes[0], "Thresholds are understood.")
    url = reverse("reviews:finding-edit", args=[world.review.pk, finding.pk])
    html = world.client("reviewer").get(url).content.decode()
    assert _picker_order(html) == [str(on_line.pk), str(newer.pk)]
    label = re.search(r"(Screening decisions[^<]*)</label>", html).group(1).strip()
    assert (
        label.endswith("promptly…") or label.endswith("recorded…") or label.endswith("decisions…")
    )
    assert len(label) < len(long_text)
    # Under the other key line the order turns round.
    other = _finding(world, kloes[1], "Partners attend.")
    html = (
        world.client("reviewer")
        .get(reverse("reviews:finding-edit", args=[world.review.pk, other.pk]))
        .content.decode()
    )
    assert _picker_order(html) == [str(newer.pk), str(on_line.pk)]


def test_finding_notes_by_their_words_keeps_what_was_typed_and_ticked(world, kloes) -> None:
    consent = EvidenceNote.objects.create(review=world.review, text="Consent was sought.")
    ticked = EvidenceNote.objects.create(review=world.review, text="Screening within a day.")
    EvidenceNote.objects.create(review=world.review, text="Partners attended.")
    url = reverse("reviews:finding-create", args=[world.review.pk])
    response = world.client("reviewer").post(
        url,
        {
            "kloe": str(kloes[0].pk),
            "kind": "strength",
            "text": "Half-typed finding",
            "evidence_notes": [str(ticked.pk)],
            "notes_query": "consent",
            "find_notes": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert Finding.objects.count() == 0  # a search saves nothing
    assert sorted(_picker_order(html)) == sorted([str(consent.pk), str(ticked.pk)])
    assert "Partners attended." not in html
    assert "Half-typed finding</textarea>" in html
    assert re.search(rf'value="{ticked.pk}"[^>]*checked', html)
    assert "govuk-error-summary" not in html


def test_finding_notes_by_words_with_a_nul_character_is_a_search_not_a_fault(world, kloes) -> None:
    """PostgreSQL refuses NUL in a query: the box's words are searched without it."""
    consent = EvidenceNote.objects.create(review=world.review, text="Consent was sought.")
    response = world.client("reviewer").post(
        reverse("reviews:finding-create", args=[world.review.pk]),
        {"kloe": str(kloes[0].pk), "notes_query": "con\x00sent", "find_notes": "1"},
    )
    assert response.status_code == 200
    assert _picker_order(response.content.decode()) == []
    response = world.client("reviewer").post(
        reverse("reviews:finding-create", args=[world.review.pk]),
        {"kloe": str(kloes[0].pk), "notes_query": "\x00consent", "find_notes": "1"},
    )
    assert _picker_order(response.content.decode()) == [str(consent.pk)]


# Today -----------------------------------------------------------------------------------------


def test_today_shows_my_sessions_with_a_link_to_add_a_note_and_my_cases(world, kloes) -> None:
    me = world.user("reviewer")
    now = timezone.localtime(timezone.now(), LONDON)
    session = _session(
        world.review,
        now.date(),
        (0,),
        (23, 59, 59),
        title="Observe MASH screening",
        reviewers=[me, world.user("lead_reviewer")],
        kloes=[kloes[1]],
    )
    _session(world.review, now.date(), (0,), (23, 59, 59), title="Not mine", reviewers=[])
    tomorrow = _session(
        world.review,
        now.date() + dt.timedelta(days=1),
        (9,),
        (10,),
        title="Focus group with social workers",
        reviewers=[me],
    )
    done = Case.objects.create(
        review=world.review,
        reference="NM-1",
        case_type="contact",
        assigned_to=me,
        sample_status=SampleStatus.SAMPLED,
    )
    CaseAudit.objects.create(case=done, auditor=me, status=CaseAudit.Status.COMPLETE)
    Case.objects.create(
        review=world.review,
        reference="NM-2",
        case_type="contact",
        assigned_to=me,
        sample_status=SampleStatus.SAMPLED,
    )
    Case.objects.create(
        review=world.review,
        reference="NM-3",
        case_type="contact",
        assigned_to=world.user("lead_reviewer"),
        sample_status=SampleStatus.SAMPLED,
    )
    html = (
        world.client("reviewer")
        .get(reverse("audits:today", args=[world.review.pk]))
        .content.decode()
    )
    assert "Observe MASH screening" in html and "Not mine" not in html
    assert "Focus group with social workers" in html
    assert "2 Partnerships" in html  # the key line, numbered
    notes = reverse("reviews:notes", args=[world.review.pk])
    assert f'href="{notes}?note_session={session.pk}#note-text"' in html
    assert f"note_session={tomorrow.pk}" in html
    assert "NM-1" in html and "NM-2" in html and "NM-3" not in html
    assert "1 of 2 case audits complete" in html
    # The link from the note goes to the form with that session chosen.
    form = world.client("reviewer").get(f"{notes}?note_session={tomorrow.pk}").content.decode()
    assert re.search(rf'<option value="{tomorrow.pk}"[^>]*selected', form)


def test_your_reviews_points_to_today_when_i_have_sessions_today(world, kloes) -> None:
    me = world.user("reviewer")
    now = timezone.localtime(timezone.now(), LONDON)
    _session(world.review, now.date(), (0,), (23, 59, 59), title="MASH", reviewers=[me])
    html = world.client("reviewer").get(reverse("reviews:your-reviews")).content.decode()
    assert reverse("audits:today", args=[world.review.pk]) in html
    assert "Your 1 session today" in html
