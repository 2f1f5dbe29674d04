"""Findings: adding, changing without overwriting a colleague, ordering, merging, agreeing, history."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import LAST_SEEN
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.setup.models import Framework, Kloe
from trail.models import Event


@pytest.fixture
def kloes(world):
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    return [
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds and policies"),
        Kloe.objects.create(framework=framework, position=2, heading="Quality of practice"),
    ]


def _data(**overrides) -> dict:
    data = {"kloe": "", "kind": "strength", "text": "Partners value the MASH.", "urgency": ""}
    data.update(overrides)
    return data


def _add(client, review, **overrides):
    return client.post(reverse("reviews:finding-create", args=[review.pk]), _data(**overrides))


def _page(client, review) -> str:
    return client.get(reverse("reviews:findings", args=[review.pk])).content.decode()


def test_a_reviewer_adds_a_finding_that_the_whole_team_sees(world, kloes) -> None:
    response = _add(world.client("reviewer"), world.review, kloe=str(kloes[0].pk))
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.kloe == kloes[0]
    assert finding.author == world.people["reviewer"]
    assert finding.status == Finding.Status.DRAFT
    for role in ("lead_reviewer", "coordinator"):
        assert "Partners value the MASH." in _page(world.client(role), world.review)


def test_adding_a_finding_in_place_updates_the_count_of_findings(world, kloes) -> None:
    client = world.client("reviewer")
    _add(client, world.review)
    assert "0 of 1 finding agreed." in _page(client, world.review)
    body = client.post(
        reverse("reviews:finding-create", args=[world.review.pk]),
        _data(text="Consent is recorded."),
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "0 of 2 findings agreed." in body


def test_bold_and_bullets_are_shown_and_html_never_is(world, kloes) -> None:
    text = "**Strong** oversight\n- one <b>two</b>\n- <script>alert(1)</script>"
    _add(world.client("reviewer"), world.review, text=text)
    page = _page(world.client("reviewer"), world.review)
    assert "<strong>Strong</strong> oversight" in page
    assert '<ul class="govuk-list govuk-list--bullet"><li>one &lt;b&gt;two&lt;/b&gt;</li>' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the finding"),
        ("   \x01\x02  ", "Enter the finding"),
        ("x" * 20_001, "Keep it under 20,000 characters"),
    ],
)
def test_bad_finding_text_is_refused_with_a_clear_message(world, kloes, text, message) -> None:
    response = _add(world.client("reviewer"), world.review, text=text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Finding.objects.exists()


def test_control_characters_are_removed_and_odd_unicode_kept(world, kloes) -> None:
    # NUL included: every form drops control characters alike (it used to be refused on its own).
    _add(world.client("reviewer"), world.review, text="Cafe\u0301 \x07bell\r\nok\x00 👍 مرحبا")
    assert Finding.objects.get().text == "Caf\u00e9 bell\nok 👍 مرحبا"


def test_a_finding_against_another_reviews_kloe_is_refused(world, kloes) -> None:
    framework = Framework.objects.create(name="Other", review=world.other_review)
    theirs = Kloe.objects.create(framework=framework, position=1, heading="Elsewhere")
    response = _add(world.client("reviewer"), world.review, kloe=str(theirs.pk))
    assert response.status_code == 200
    assert "Choose a key line of enquiry of this review" in response.content.decode()
    assert not Finding.objects.exists()


def test_another_reviews_finding_is_not_found(world, kloes) -> None:
    theirs = Finding.objects.create(review=world.other_review, kind="strength", text="Theirs")
    url = reverse("reviews:finding-edit", args=[world.review.pk, theirs.pk])
    assert world.client("reviewer").get(url).status_code == 404


def test_recommendations_are_numbered_across_the_review_with_urgency(world, kloes) -> None:
    client = world.client("reviewer")
    _add(client, world.review, kind="recommendation", text="Review the threshold document.")
    _add(
        client,
        world.review,
        kloe=str(kloes[1].pk),
        kind="recommendation",
        urgency="immediately",
        text="Ensure strategy discussions include health.",
    )
    _add(client, world.review, kind="strength", urgency="urgently", text="Good MASH.")
    assert Finding.objects.get(text="Good MASH.").urgency == ""  # only recommendations are urgent
    page = _page(client, world.review)
    assert "Recommendation 1" in page
    assert "Recommendation 2" in page
    assert "<strong>Immediately:</strong>" in page


def _edit(client, finding, version, text, **more):
    data = _data(text=text, version=str(version), kind=finding.kind, **more)
    return client.post(reverse("reviews:finding-edit", args=[finding.review_id, finding.pk]), data)


def test_a_second_save_at_the_same_version_is_refused_with_both_texts(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="First words.")
    first = _edit(world.client("reviewer"), finding, 1, "Lead reviewer's words.")
    assert first.status_code == 302
    second = _edit(world.client("lead_reviewer"), finding, 1, "My own careful words.")
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else changed this while you were editing it" in page
    assert "Lead reviewer&#x27;s words." in page or "Lead reviewer's words." in page
    assert "My own careful words." in page
    finding.refresh_from_db()
    assert finding.text == "Lead reviewer's words."
    assert finding.version == 2
    # The form now carries the latest version: saving the merged words works.
    third = _edit(world.client("lead_reviewer"), finding, 2, "Merged words.")
    assert third.status_code == 302
    finding.refresh_from_db()
    assert finding.text == "Merged words."
    assert finding.version == 3


def test_every_change_is_in_the_trail_and_the_history_page(world, kloes) -> None:
    client = world.client("reviewer")
    _add(client, world.review, text="Before.")
    finding = Finding.objects.get()
    _edit(client, finding, 1, "After.")
    events = Event.objects.filter(action=Event.Action.FINDING_CHANGED, object_id=str(finding.pk))
    assert [e.detail["change"] for e in events.order_by("at", "pk")] == ["created", "changed"]
    changed = events.get(detail__change="changed")
    assert changed.detail["old"]["text"] == "Before."
    assert changed.detail["new"]["text"] == "After."
    url = reverse("reviews:finding-history", args=[world.review.pk, finding.pk])
    page = world.client("lead_reviewer").get(url).content.decode()
    assert "Before." in page and "After." in page
    assert client.get(url).status_code == 403


def test_only_the_lead_reviewer_agrees_and_a_change_makes_it_draft_again(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Words.")
    url = reverse("reviews:finding-agree", args=[world.review.pk, finding.pk])
    assert world.client("reviewer").post(url).status_code == 403
    assert world.client("lead_reviewer").post(url).status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.AGREED
    assert finding.agreed_by == world.people["lead_reviewer"]
    _edit(world.client("reviewer"), finding, finding.version, "New words.")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.DRAFT


def test_only_the_lead_reviewer_marks_key_headlines(world, kloes) -> None:
    _add(world.client("reviewer"), world.review, text="A", is_key_headline="on")
    _add(world.client("lead_reviewer"), world.review, text="B", is_key_headline="on")
    assert not Finding.objects.get(text="A").is_key_headline
    assert Finding.objects.get(text="B").is_key_headline


def test_reorder_within_a_heading_and_move_to_another(world, kloes) -> None:
    client = world.client("reviewer")
    for text in ("One", "Two", "Three"):
        _add(client, world.review, kloe=str(kloes[0].pk), text=text)
    three = Finding.objects.get(text="Three")
    url = reverse("reviews:finding-reorder", args=[world.review.pk, three.pk])
    client.post(url, {"direction": "up"})
    order = list(
        Finding.objects.filter(kloe=kloes[0]).order_by("position").values_list("text", flat=True)
    )
    assert order == ["One", "Three", "Two"]
    three.refresh_from_db()
    _edit(client, three, three.version, "Three", kloe=str(kloes[1].pk))
    three.refresh_from_db()
    assert three.kloe == kloes[1]


def test_merging_two_findings_keeps_both_texts_and_evidence(world, kloes) -> None:
    note = EvidenceNote.objects.create(review=world.review, text="Observed screening.")
    keep = Finding.objects.create(review=world.review, kind="area", text="Consent unclear.")
    gone = Finding.objects.create(review=world.review, kind="area", text="Consent not recorded.")
    gone.evidence_notes.add(note)
    url = reverse("reviews:finding-merge", args=[world.review.pk, gone.pk])
    client = world.client("reviewer")
    # Choosing the other finding saves nothing: it offers both findings' words to check.
    check = client.post(url, {"other": str(keep.pk)})
    assert check.status_code == 200
    assert "Consent unclear.\n\nConsent not recorded.</textarea>" in check.content.decode()
    assert Finding.objects.filter(pk=gone.pk).exists()
    response = client.post(
        url,
        {
            "other": str(keep.pk),
            "text": "Consent unclear.\n\nConsent not recorded.",
            "version": str(gone.version),
            "other_version": str(keep.version),
        },
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.text == "Consent unclear.\n\nConsent not recorded."
    assert list(keep.evidence_notes.all()) == [note]
    assert not Finding.objects.filter(pk=gone.pk).exists()


def test_delete_needs_the_version_the_person_saw(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="area", text="Words.")
    url = reverse("reviews:finding-delete", args=[world.review.pk, finding.pk])
    world.client("reviewer").post(url, {"version": "7"})
    assert Finding.objects.filter(pk=finding.pk).exists()
    world.client("reviewer").post(url, {"version": "1"})
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_htmx_edit_swaps_only_the_finding(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Words.")
    client = world.client("reviewer")
    url = reverse("reviews:finding-edit", args=[world.review.pk, finding.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert form.lstrip().startswith('<li class="app-finding"')
    saved = client.post(
        url, _data(text="Better words.", version="1"), headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    body = saved.content.decode()
    assert body.lstrip().startswith('<li class="app-finding"')
    assert "Better words." in body


def test_htmx_add_returns_the_list_with_the_new_finding(world, kloes) -> None:
    response = world.client("reviewer").post(
        reverse("reviews:finding-create", args=[world.review.pk]),
        _data(text="Inline."),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="findings-body">')
    assert "Inline." in body


def test_text_typed_when_the_session_timed_out_is_restored_after_signing_in(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Old words.")
    client = world.client("reviewer")
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = _edit(client, finding, 1, "Words typed for half an hour.")
    assert response.status_code == 302
    assert "timeout=idle" in response["Location"]
    finding.refresh_from_db()
    assert finding.text == "Old words."
    client.force_login(world.people["reviewer"])
    page = client.get(reverse("reviews:finding-edit", args=[world.review.pk, finding.pk]))
    body = page.content.decode()
    assert "Words typed for half an hour." in body
    assert "You were signed out before your changes were saved" in body
    # Only once, and only for that person.
    again = client.get(reverse("reviews:finding-edit", args=[world.review.pk, finding.pk]))
    assert "Words typed for half an hour." not in again.content.decode()


def test_the_stash_is_not_given_to_someone_else(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Old words.")
    client = world.client("reviewer")
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    _edit(client, finding, 1, "Private words.")
    client.force_login(world.people["lead_reviewer"])
    page = client.get(reverse("reviews:finding-edit", args=[world.review.pk, finding.pk]))
    assert "Private words." not in page.content.decode()


@pytest.mark.parametrize("url_name", ["reviews:findings", "reviews:consolidation"])
def test_the_findings_and_consolidation_pages_have_a_constant_query_count(
    world, kloes, url_name, django_assert_max_num_queries
) -> None:
    client = world.client("reviewer")
    args = [world.review.pk] if url_name == "reviews:findings" else [world.review.pk, kloes[0].pk]
    url = reverse(url_name, args=args)
    for i in range(30):
        note = EvidenceNote.objects.create(review=world.review, text=f"Note {i}")
        note.kloes.add(kloes[0])
    counts = []
    for size in (10, 500):
        Finding.objects.filter(review=world.review).delete()
        Finding.objects.bulk_create(
            Finding(
                review=world.review,
                kloe=kloes[i % 2] if i % 3 else None,
                kind=Finding.Kind.values[i % 3],
                text=f"Finding {i}",
                position=i,
            )
            for i in range(size)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        if url_name == "reviews:findings":
            assert f"Finding {size - 1}" in client.get(url).content.decode()
    print(url_name, "queries at 10 and 500 findings:", counts)
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(url)


def test_text_sent_after_the_status_check_signed_the_person_out_is_kept(world, kloes) -> None:
    """The warning script's status check can be the request that times out; the form comes later."""
    finding = Finding.objects.create(review=world.review, kind="strength", text="Old words.")
    client = world.client("reviewer")
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    assert client.get(reverse("accounts:session-status")).status_code == 302
    response = _edit(client, finding, 1, "Typed after the page was left open.")
    assert response.status_code == 302
    client.force_login(world.people["reviewer"])
    page = client.get(reverse("reviews:finding-edit", args=[world.review.pk, finding.pk]))
    assert "Typed after the page was left open." in page.content.decode()


def test_an_htmx_save_after_a_timeout_goes_to_the_sign_in_page_whole(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Old words.")
    client = world.client("reviewer")
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.post(
        reverse("reviews:finding-edit", args=[world.review.pk, finding.pk]),
        _data(text="Inline words.", version="1"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "timeout=idle" in response["HX-Redirect"]
    client.force_login(world.people["reviewer"])
    page = client.get(reverse("reviews:finding-edit", args=[world.review.pk, finding.pk]))
    assert "Inline words." in page.content.decode()


def test_the_add_form_is_fetched_when_opened_and_linked_without_javascript(world, kloes) -> None:
    client = world.client("reviewer")
    create = reverse("reviews:finding-create", args=[world.review.pk])
    page = _page(client, world.review)
    # The page carries no form fields for a new finding: opening "Add a finding" fetches them.
    assert 'id="finding-add"' in page and f'hx-get="{create}"' in page
    assert 'name="text"' not in page
    # Without JavaScript, the same place links to the form's own page.
    assert f'href="{create}">Open the form to add a finding</a>' in page
    full = client.get(create).content.decode()
    assert "<html" in full and 'name="text"' in full
    part = client.get(create, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part
    assert part.lstrip().startswith("<form") and 'name="text"' in part
    assert f'hx-post="{create}"' in part and "Thresholds and policies" in part


def test_a_mistake_in_place_shows_the_form_open_with_the_words_kept(world, kloes) -> None:
    body = (
        world.client("reviewer")
        .post(
            reverse("reviews:finding-create", args=[world.review.pk]),
            _data(kind="", text="Typed before the mistake."),
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert '<details class="govuk-details" id="finding-add" open>' in body
    assert "govuk-error-summary" in body
    assert "Typed before the mistake." in body


def test_each_findings_buttons_share_one_form_and_say_where_they_go(world, kloes) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Words.")

    def url(name: str) -> str:
        return reverse(name, args=[world.review.pk, finding.pk])

    lead = _page(world.client("lead_reviewer"), world.review)
    assert f'formaction="{url("reviews:finding-reorder")}" name="direction" value="up"' in lead
    assert f'formaction="{url("reviews:finding-reorder")}" name="direction" value="down"' in lead
    assert f'formaction="{url("reviews:finding-agree")}" name="agreed" value="yes"' in lead
    assert f'href="{url("reviews:finding-history")}"' in lead
    assert lead.count('<form class="govuk-button-group"') == 1
    reviewer = _page(world.client("reviewer"), world.review)
    assert "Move up" in reviewer and f'href="{url("reviews:finding-merge")}"' in reviewer
    assert url("reviews:finding-agree") not in reviewer  # only the lead reviewer agrees
    coordinator = _page(world.client("coordinator"), world.review)
    assert "Words." in coordinator and "Move up" not in coordinator  # reads, does not change


def test_a_screen_reader_hears_which_finding_each_button_is_for(world, kloes) -> None:
    """Buttons say "Agree recommendation 1", "Change strength: <its first words>", never the key."""
    strength = Finding.objects.create(
        review=world.review,
        kind="strength",
        text="- **Leaders** know their front door well and act on what they find out.",
    )
    recommendation = Finding.objects.create(
        review=world.review, kind="recommendation", text="Review oversight of contacts."
    )
    lead = _page(world.client("lead_reviewer"), world.review)
    heard = "Leaders know their front door well and act…"  # the first eight words
    assert f'Change<span class="govuk-visually-hidden"> strength: {heard}</span>' in lead
    assert f'History<span class="govuk-visually-hidden"> of strength: {heard}</span>' in lead
    assert 'Agree<span class="govuk-visually-hidden"> recommendation 1</span>' in lead
    assert f"finding {strength.pk}<" not in lead and f"finding {recommendation.pk}<" not in lead


def test_the_list_shows_how_many_evidence_notes_and_which_themes(world, kloes) -> None:
    from reviews.fieldwork.models import Theme

    finding = Finding.objects.create(review=world.review, kind="strength", text="Words.")
    notes = [EvidenceNote.objects.create(review=world.review, text=f"N{i}") for i in range(3)]
    finding.evidence_notes.set(notes)
    finding.themes.set(Theme.objects.filter(name__in=["Consent", "Thresholds"]))
    page = _page(world.client("reviewer"), world.review)
    assert "3 evidence notes" in page
    assert "Themes: Thresholds, Consent" in page  # in the order the list of themes keeps
