"""Search within a review: notes, findings and case audit comments, by words, with filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from audits.models import CaseAudit, CriterionAnswer
from audits.services.search import Filters, Kind, search
from core.highlight import highlight, marked_to_html, search_words
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import Framework, Kloe
from tests.audits.factories import started_audit


def _kloes(review):
    framework = Framework.objects.create(name="KLOEs", review=review)
    return (
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds"),
        Kloe.objects.create(framework=framework, position=2, heading="Partnerships"),
    )


def _session(review):
    day = ReviewDay.objects.create(review=review, date=dt.date(2026, 11, 17))
    return Session.objects.create(
        review=review,
        day=day,
        kind=Session.Kind.OBSERVATION,
        title="MASH screening observation",
        start_time=dt.time(10),
        end_time=dt.time(11),
    )


def _url(world, **params):
    return reverse("audits:search", args=[world.review.pk]), params


def _texts(response) -> str:
    return response.content.decode()


@pytest.fixture
def material(world):
    review = world.review
    thresholds, partnerships = _kloes(review)
    session = _session(review)
    reviewer = world.people["reviewer"]
    lead = world.people["lead_reviewer"]
    screening = EvidenceNote.objects.create(
        review=review,
        author=reviewer,
        session=session,
        text="Screening decisions were timely and consent was recorded.",
    )
    screening.kloes.add(thresholds)
    police = EvidenceNote.objects.create(
        review=review, author=lead, text="Police attendance at strategy meetings was patchy."
    )
    police.kloes.add(partnerships)
    EvidenceNote.objects.create(
        review=world.other_review, author=lead, text="Another review's timely screening."
    )
    Finding.objects.create(
        review=review,
        kloe=thresholds,
        author=lead,
        kind=Finding.Kind.AREA,
        text="Consent is not always sought before checks.",
    )
    Finding.objects.create(
        review=review,
        author=lead,
        kind=Finding.Kind.STRENGTH,
        status=Finding.Status.AGREED,
        text="Leaders know their front door; consent is understood.",
    )
    audit = started_audit(review, reviewer, reference="CR-9001")
    answer = audit.answers.order_by("criterion__number").first()
    CriterionAnswer.objects.filter(pk=answer.pk).update(comment="Consent was not recorded.")
    return {
        "thresholds": thresholds,
        "partnerships": partnerships,
        "session": session,
        "screening": screening,
        "police": police,
        "audit": audit,
        "answer": answer,
    }


def test_search_finds_a_note_by_a_word_in_it_and_marks_the_word(world, material) -> None:
    url, params = _url(world, q="timely")
    response = world.client("reviewer").get(url, params)
    assert response.status_code == 200
    html = _texts(response)
    assert "1 result for" in html
    assert "<mark>timely</mark>" in html
    assert "Another review" not in html  # only this review's


def test_every_word_must_match_and_case_is_ignored(world, material) -> None:
    review, lead = world.review, world.people["lead_reviewer"]
    page = search(user=lead, review=review, filters=Filters(query="POLICE strategy"))
    assert [r.pk for r in page.object_list] == [material["police"].pk]
    page = search(user=lead, review=review, filters=Filters(query="police consent"))
    assert list(page.object_list) == []


def test_results_cover_notes_findings_and_case_audit_comments(world, material) -> None:
    page = search(
        user=world.people["lead_reviewer"], review=world.review, filters=Filters(query="consent")
    )
    kinds = sorted(r.kind for r in page.object_list)
    assert kinds == sorted([Kind.NOTE, Kind.FINDING, Kind.FINDING, Kind.CASE_COMMENT])
    comment = next(r for r in page.object_list if r.kind == Kind.CASE_COMMENT)
    assert "Case CR-9001" in comment.details
    assert comment.url.endswith(f"#criterion-{material['answer'].pk}")


def test_filters_by_key_line_session_author_kind_and_status(world, material) -> None:
    review, lead = world.review, world.people["lead_reviewer"]

    def kinds_found(**filters):
        page = search(user=lead, review=review, filters=Filters(query="consent", **filters))
        return sorted((r.kind, r.pk) for r in page.object_list)

    thresholds = material["thresholds"].pk
    by_kloe = kinds_found(kloe=thresholds)
    assert (Kind.NOTE, material["screening"].pk) in by_kloe
    assert all(kind != Kind.CASE_COMMENT for kind, _ in by_kloe)  # no key line on a case
    assert len(by_kloe) == 2  # the note and the area for consideration, not the overall strength
    assert kinds_found(session=material["session"].pk) == [(Kind.NOTE, material["screening"].pk)]
    assert kinds_found(author=world.people["reviewer"].pk) == sorted(
        [(Kind.NOTE, material["screening"].pk), (Kind.CASE_COMMENT, material["answer"].pk)]
    )
    assert [k for k, _ in kinds_found(kind=Kind.FINDING)] == [Kind.FINDING, Kind.FINDING]
    agreed = kinds_found(status="agreed")
    assert len(agreed) == 1 and agreed[0][0] == Kind.FINDING
    assert kinds_found(status="in_progress") == [(Kind.CASE_COMMENT, material["answer"].pk)]
    CaseAudit.objects.filter(pk=material["audit"].pk).update(status=CaseAudit.Status.COMPLETE)
    assert kinds_found(status="in_progress") == []


def test_filters_alone_list_what_they_let_through_newest_first(world, material) -> None:
    """A reviewer wants "every note of key line 2", with no word to type."""
    review, lead = world.review, world.people["lead_reviewer"]
    page = search(user=lead, review=review, filters=Filters(kind=Kind.NOTE))
    notes = EvidenceNote.objects.filter(review=review).order_by("-updated_at", "-pk")
    assert [r.pk for r in page.object_list] == [n.pk for n in notes]
    assert all(r.kind == Kind.NOTE and "<mark>" not in r.snippet for r in page.object_list)
    by_kloe = search(user=lead, review=review, filters=Filters(kloe=material["thresholds"].pk))
    assert (Kind.NOTE, material["screening"].pk) in [(r.kind, r.pk) for r in by_kloe]
    # Neither words nor filters: nothing listed, the page only offers the search.
    assert list(search(user=lead, review=review, filters=Filters()).object_list) == []

    url, _ = _url(world)
    html = _texts(world.client("reviewer").get(url, {"q": "", "kind": "note"}))
    assert f"{notes.count()} result" in html and "with these filters, newest first" in html
    assert "result" not in _texts(world.client("reviewer").get(url))


def test_the_page_filters_by_key_line(world, material) -> None:
    url, _ = _url(world)
    response = world.client("reviewer").get(
        url, {"q": "screening police timely", "kloe": material["partnerships"].pk}
    )
    assert "0 results" in _texts(response)
    response = world.client("reviewer").get(
        url, {"q": "police", "kloe": material["partnerships"].pk}
    )
    assert "1 result for" in _texts(response)
    assert "<mark>Police</mark> attendance" in _texts(response)


def test_results_are_paged_and_the_links_keep_the_words(world) -> None:
    EvidenceNote.objects.bulk_create(
        EvidenceNote(review=world.review, text=f"Threshold note {n}") for n in range(25)
    )
    url, _ = _url(world)
    client = world.client("reviewer")
    first = _texts(client.get(url, {"q": "threshold"}))
    assert "25 results" in first and "Page 1 of 2" in first
    assert "?q=threshold&amp;page=2" in first
    second = _texts(client.get(url, {"q": "threshold", "page": "2"}))
    assert second.count('class="app-search-result"') == 5


def test_host_roles_cannot_search_and_never_find_the_teams_notes(world, material) -> None:
    url, params = _url(world, q="timely")
    for role in ("host_lead", "host_staff"):
        response = world.client(role).get(url, params)
        assert response.status_code == 403
        assert b"Screening decisions" not in response.content
    # And the service itself gives them nothing, whatever page asks it.
    page = search(user=world.people["host_lead"], review=world.review, filters=Filters("timely"))
    assert list(page.object_list) == []
    assert world.client("reviewer_elsewhere").get(url, params).status_code == 404


def test_text_is_escaped_and_only_our_marks_are_markup(world) -> None:
    EvidenceNote.objects.create(
        review=world.review, text='<script>alert("x")</script> consent <b>bold</b>'
    )
    url, _ = _url(world)
    html = _texts(world.client("reviewer").get(url, {"q": "consent"}))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>consent</mark>" in html
    assert "<b>bold</b>" not in html


def test_highlight_escapes_every_piece_and_marks_each_match() -> None:
    html = highlight("a <i>Consent</i> & consent", ["consent"])
    assert html == "a &lt;i&gt;<mark>Consent</mark>&lt;/i&gt; &amp; <mark>consent</mark>"
    assert highlight("x" * 10, []) == "x" * 10
    long = "word " * 200 + "needle " + "word " * 200
    excerpt = highlight(long, ["needle"])
    assert "<mark>needle</mark>" in excerpt
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert len(excerpt) < 400


def test_headline_markers_become_marks_after_escaping() -> None:
    whole = "Staff <said> consent was sought"
    marked = "Staff <said> \ue000consent\ue001 was sought"
    assert (
        marked_to_html(marked, whole=whole) == "Staff &lt;said&gt; <mark>consent</mark> was sought"
    )
    # A text that holds the markers itself is marked by ``highlight`` instead.
    assert marked_to_html("x", whole="\ue000x") is None


def test_search_words_are_bounded() -> None:
    assert search_words("  Consent, consent CONSENT and-or ") == ["Consent", "and-or"]
    assert len(search_words(" ".join(f"w{n}" for n in range(30)))) == 10


def test_on_postgresql_words_match_in_any_form_and_an_index_finds_them(world, material) -> None:
    """PostgreSQL's full-text search (CI's PostgreSQL pass): "screened" finds "Screening"; on
    SQLite the words must appear as typed."""
    page = search(
        user=world.people["lead_reviewer"], review=world.review, filters=Filters("screened")
    )
    found = [r.pk for r in page.object_list if r.kind == Kind.NOTE]
    if connection.vendor == "postgresql":
        assert found == [material["screening"].pk]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname IN "
                "('search_note_text_gin', 'search_finding_text_gin', 'search_answer_comment_gin')"
            )
            assert len(cursor.fetchall()) == 3
    else:
        assert found == []


@pytest.mark.parametrize(
    "query",
    ["%00", "a%00b", "%ED%A0%80", "%22unclosed", "-", "or+or", "!%26|():*", "<script>", "x" * 5000],
)
def test_hostile_words_never_break_the_search(world, material, query) -> None:
    url, _ = _url(world)
    response = world.client("reviewer").get(f"{url}?q={query}&kloe=nonsense&page=-1")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split('id="main-content"')[-1]
