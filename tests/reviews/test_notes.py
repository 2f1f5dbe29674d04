"""Evidence notes: quick capture, tied to sessions and KLOEs; the team sees them all; retention."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.markup import render
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import Framework, Kloe, Review


@pytest.fixture
def setup(world):
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    kloes = [
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds"),
        Kloe.objects.create(framework=framework, position=2, heading="Partnerships"),
    ]
    day = ReviewDay.objects.create(review=world.review, date=dt.date(2026, 11, 17))
    session = Session.objects.create(
        review=world.review,
        day=day,
        kind=Session.Kind.OBSERVATION,
        title="Observe MASH screening",
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    return kloes, session


def _add(client, review, **data):
    return client.post(reverse("reviews:note-create", args=[review.pk]), data)


def test_a_reviewer_captures_a_note_and_the_lead_reviewer_sees_it(world, setup) -> None:
    kloes, session = setup
    response = _add(
        world.client("reviewer"),
        world.review,
        session=str(session.pk),
        kloes=[str(kloes[0].pk), str(kloes[1].pk)],
        text="Screening decisions within 24 hours; consent recorded.",
    )
    assert response.status_code == 302
    note = EvidenceNote.objects.get()
    assert note.session == session
    assert set(note.kloes.all()) == set(kloes)
    page = world.client("lead_reviewer").get(reverse("reviews:notes", args=[world.review.pk]))
    assert "Screening decisions within 24 hours" in page.content.decode()


def test_notes_filter_by_kloe_session_and_reviewer(world, setup) -> None:
    kloes, session = setup
    _add(world.client("reviewer"), world.review, kloes=[str(kloes[0].pk)], text="About thresholds")
    _add(
        world.client("lead_reviewer"),
        world.review,
        session=str(session.pk),
        kloes=[str(kloes[1].pk)],
        text="About partners",
    )
    url = reverse("reviews:notes", args=[world.review.pk])
    client = world.client("reviewer")
    by_kloe = client.get(url, {"kloe": kloes[0].pk}).content.decode()
    assert "About thresholds" in by_kloe and "About partners" not in by_kloe
    by_session = client.get(url, {"session": session.pk}).content.decode()
    assert "About partners" in by_session and "About thresholds" not in by_session
    by_author = client.get(url, {"author": world.people["reviewer"].pk}).content.decode()
    assert "About thresholds" in by_author and "About partners" not in by_author
    nonsense = client.get(url, {"kloe": "x", "session": "99999999999999999999999"})
    assert nonsense.status_code == 200


def test_a_session_of_another_review_is_refused(world, setup) -> None:
    day = ReviewDay.objects.create(review=world.other_review, date=dt.date(2026, 11, 17))
    theirs = Session.objects.create(
        review=world.other_review,
        day=day,
        kind=Session.Kind.OBSERVATION,
        title="Theirs",
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    response = _add(world.client("reviewer"), world.review, session=str(theirs.pk), text="Hi")
    assert response.status_code == 200
    assert "Choose a session of this review" in response.content.decode()
    assert not EvidenceNote.objects.exists()


def test_a_conflicting_note_edit_keeps_both_texts(world, setup) -> None:
    note = EvidenceNote.objects.create(review=world.review, text="First.")
    url = reverse("reviews:note-edit", args=[world.review.pk, note.pk])
    world.client("reviewer").post(url, {"text": "Theirs.", "version": "1"})
    response = world.client("lead_reviewer").post(url, {"text": "Mine.", "version": "1"})
    page = response.content.decode()
    assert "Someone else changed this while you were editing it" in page
    assert "Theirs." in page and "Mine." in page
    note.refresh_from_db()
    assert note.text == "Theirs."


def test_findings_link_to_the_notes_behind_them(world, setup) -> None:
    note = EvidenceNote.objects.create(review=world.review, text="Seen in the MASH.")
    world.client("reviewer").post(
        reverse("reviews:finding-create", args=[world.review.pk]),
        {"kind": "strength", "text": "Good MASH.", "evidence_notes": [str(note.pk)]},
    )
    assert list(Finding.objects.get().evidence_notes.all()) == [note]


def test_evidence_notes_go_with_the_retention_policy_and_findings_stay(world) -> None:
    world.review.status = Review.Status.ISSUED
    world.review.letter_issued_at = timezone.now() - dt.timedelta(days=400)
    world.review.save()
    EvidenceNote.objects.create(review=world.review, text="Old note.")
    EvidenceNote.objects.create(review=world.other_review, text="Kept.")
    Finding.objects.create(review=world.review, kind="strength", text="In the letter.")
    call_command("apply_retention", stdout=StringIO())
    assert list(EvidenceNote.objects.values_list("text", flat=True)) == ["Kept."]
    assert Finding.objects.filter(review=world.review).exists()


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("plain", '<p class="govuk-body">plain</p>'),
        ("**bold** then", '<p class="govuk-body"><strong>bold</strong> then</p>'),
        (
            "a\n- one\n- two",
            '<p class="govuk-body">a</p><ul class="govuk-list govuk-list--bullet">'
            "<li>one</li><li>two</li></ul>",
        ),
        (
            '<img src=x onerror="x">',
            '<p class="govuk-body">&lt;img src=x onerror=&quot;x&quot;&gt;</p>',
        ),
        ("**<i>x</i>**", '<p class="govuk-body"><strong>&lt;i&gt;x&lt;/i&gt;</strong></p>'),
        ("** not bold **", '<p class="govuk-body">** not bold **</p>'),
    ],
)
def test_simple_markup_escapes_first(text, html) -> None:
    assert render(text) == html


def test_the_add_note_form_is_open_first_on_the_notes_page_for_the_notes_writers(
    world, setup
) -> None:
    create = reverse("reviews:note-create", args=[world.review.pk])
    notes = reverse("reviews:notes", args=[world.review.pk])
    page = world.client("reviewer").get(notes).content.decode()
    assert f'action="{create}"' in page and 'name="text"' in page
    assert page.index('name="text"') < page.index("Filter the notes")  # capture first
    part = world.client("reviewer").get(create, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part and part.lstrip().startswith("<form")
    # The coordinator reads the notes but does not write them: no form.
    coordinator = world.client("coordinator").get(notes).content.decode()
    assert 'name="text"' not in coordinator
    # Host roles never get the form, nor the way to it.
    host = world.client("host_lead").get(reverse("reviews:notes", args=[world.review.pk]))
    assert host.status_code == 403
