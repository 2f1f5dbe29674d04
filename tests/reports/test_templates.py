"""Letter templates as data: placeholders, the generated text's truthfulness, the plain letter, the
lead reviewer's own structure, and switching templates without losing anything typed."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.urls import reverse
from docx import Document

from reports import placeholders
from reports import wording as w
from reports.forms import TemplateForm, TemplateSectionForm
from reports.models import Letter, LetterTemplate, SectionEdit, SectionRevision, TemplateSection
from reports.render import compose_letter, letter_docx, letter_pdf
from reports.template_services import switch_plan
from reviews.fieldwork.models import Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import Review
from trail.models import Event

pytestmark = pytest.mark.django_db


def _url(name, review, **kwargs):
    return reverse(f"reports:{name}", kwargs={"pk": review.pk, **kwargs})


def _shipped(key):
    return LetterTemplate.objects.get(is_shipped=True, key=key)


def _agreed(review, text, kind="strength", **extra):
    return Finding.objects.create(review=review, kind=kind, text=text, status="agreed", **extra)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _settings_data(template: LetterTemplate, **changes) -> dict:
    data = {}
    for name in TemplateForm.SETTINGS:
        if name == "signature":
            continue
        value = getattr(template, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data["version"] = str(template.version)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _sections_data(template: LetterTemplate, change=None, new=None) -> dict:
    """The structure form as the page sends it: every section (``change(index, fields)`` may alter
    one) and one new row (``new``: its fields, or left blank)."""
    rows = list(template.sections.all())
    data = {
        "sections-TOTAL_FORMS": str(len(rows) + 1),
        "sections-INITIAL_FORMS": str(len(rows)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "40",
    }
    for index, row in enumerate(rows):
        fields = {
            "id": str(row.pk),
            "position": str(row.position),
            "heading": row.heading,
            "content": row.content,
            "block": row.block,
            "text": row.text,
            "show": row.show,
        }
        for flag in ("numbered", "subsection", "detail", "hidden"):
            if getattr(row, flag):
                fields[flag] = "on"
        if change:
            change(index, row, fields)
        for key, value in fields.items():
            if value is not None:
                data[f"sections-{index}-{key}"] = value
    # A blank new row, as the browser sends it: its defaults (left blank, it adds nothing).
    blank = {"content": "generated", "show": "filled", "numbered": "on"}
    for key, value in (new or blank).items():
        data[f"sections-{len(rows)}-{key}"] = value
    return data


# --- Placeholders ----------------------------------------------------------------------------------


def test_an_unknown_placeholder_is_a_form_error_never_a_gap():
    form = TemplateSectionForm(
        data={
            "position": "1",
            "heading": "Thanks",
            "content": "free",
            "text": "Thank you, {host}, and {hosst}.",
            "show": "filled",
        }
    )
    assert not form.is_valid()
    assert "{hosst} is not a placeholder" in str(form.errors["text"])
    ok = TemplateSectionForm(
        data={
            "position": "1",
            "heading": "Thanks",
            "content": "free",
            "text": "Thank you, {Host}, for {{braces}}.",
            "show": "filled",
        }
    )
    assert ok.is_valid(), ok.errors


def test_placeholders_fill_from_the_review_and_missing_data_is_said_not_left_blank(world):
    review = world.review
    composed = compose_letter(review)
    filled = placeholders.fill(
        "{host} led by {lead organisation}; {coordinator}; {{ok}}; {number of cases}",
        composed._filled,
    )
    assert filled.startswith(
        f"{review.host.display_name} led by {review.lead_organisation.display_name}"
    )
    assert "{ok}" in filled
    assert "[the number of cases audited: not on the review yet]" in filled
    # Every placeholder the editor lists has a value function that runs on a bare review.
    assert set(placeholders.values(composed.data)) == {p.name for p in placeholders.PLACEHOLDERS}


def test_durations_read_right_in_half_days():
    assert w.duration(1) == "half a day"
    assert w.duration(2) == "one day"
    assert w.duration(3) == "one and a half days"
    assert w.duration(5) == "two and a half days"


# --- What the generated text must never do ---------------------------------------------------------


def _days(review, spans):
    """Review days with sessions from ``spans`` ((start hour, end hour), one per day)."""
    for offset, (start, end) in enumerate(spans):
        day = ReviewDay.objects.create(review=review, date=review.start_date + dt.timedelta(offset))
        Session.objects.create(
            review=review,
            day=day,
            kind=Session.Kind.INTERVIEW,
            title="Interview",
            start_time=dt.time(start),
            end_time=dt.time(end),
        )


def test_the_generated_text_says_nothing_untrue(world):
    review = world.review
    Review.objects.filter(pk=review.pk).update(kind=Review.Kind.FRONT_DOOR_HEALTH_CHECK)
    review.refresh_from_db()
    _days(review, [(9, 17), (9, 12)])  # a whole day and a morning
    composed = compose_letter(review)
    assert composed.template.key == "health-check"  # the default follows the kind
    text = "\n".join(s.text for s in composed.visible)
    assert "feedback request that follows this letter" not in text
    assert "with your managers" not in text
    assert "one and a half days" in text
    assert "front door health check" in composed.title.lower()
    assert "of the front door" not in composed.title.lower()  # the kind is not repeated


# --- The plain letter: only the lead's words -------------------------------------------------------


def test_a_plain_letter_has_only_the_leads_headed_sections_and_no_generated_sentence(world):
    review = world.review
    _agreed(review, "Partners describe thresholds that feel right.", is_key_headline=True)
    _agreed(review, "Review the request for service form.", kind="recommendation")
    lead = world.client("lead_reviewer")
    assert (
        lead.post(_url("letter-template", review), {"template": _shipped("plain").pk}).status_code
        == 302
    )
    words = {
        "introduction": "Our own opening words about the visit.",
        "what-we-found": "What we saw, in our own words.",
        "next-steps": "What happens next, as we put it.",
    }
    for key, text in words.items():
        assert (
            lead.post(
                _url("section-edit", review, key=key), {"text": text, "version": "0"}
            ).status_code
            == 302
        )
    composed = compose_letter(review)
    pdf = _pdf_text(letter_pdf(composed))
    for text in words.values():
        assert text in pdf
    for heading in ("Introduction", "What we found", "What we recommend", "Next steps"):
        assert heading in pdf
    assert not re.search(r"\b\d\. (Introduction|What we found)", pdf)  # unnumbered
    # The letterhead, the date, the addressee, the salutation and the sign-off, and nothing else.
    assert review.lead_organisation.name in pdf
    assert w.long_date(composed.date) in pdf
    assert "Dear " in pdf and "Yours sincerely" in pdf
    for generated in (
        "Many thanks",
        "This letter sets out",
        "was provided by a team",
        "The review team concluded",
        "Partners describe thresholds",  # findings reach the letter only through generated blocks
        "Review the request for service",
        "If this letter contains any factual inaccuracies",
        "It is important to stress",
        "short review",
    ):
        assert generated not in pdf, generated
    doc = Document(io.BytesIO(letter_docx(composed)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Many thanks" not in body and words["introduction"] in body
    # The presentation has a slide for each of the lead's sections, in the letter's order.
    from reports.slides import build_deck

    titles = build_deck(composed).titles
    assert [t for t in titles if t in ("Introduction", "What we found", "Next steps")] == [
        "Introduction",
        "What we found",
        "Next steps",
    ]


# --- The lead reviewer's own structure -------------------------------------------------------------


def test_the_lead_shapes_the_letter_rename_hide_add_reorder_unnumber_sign_off_and_date(world):
    review = world.review
    _agreed(review, "Partners describe thresholds that feel right.", is_key_headline=True)
    lead = world.client("lead_reviewer")
    page = lead.get(_url("letter-structure", review)).content.decode()
    assert "Start shaping this letter" in page
    assert not Letter.objects.exists()  # nothing changes on GET
    assert lead.post(_url("letter-start", review)).status_code == 302
    letter = Letter.objects.get()
    template = letter.template
    assert template.copied_from == _shipped("peer-challenge")
    assert template.organisation is None  # never a library item

    def change(index, row, fields):
        if row.key == "summary":
            fields["heading"] = "What we found"
            fields["position"] = "0"  # first
        if row.key == "process":
            fields["hidden"] = "on"

    data = {
        **_settings_data(
            template, numbering="none", sign_off="With best wishes", signatory="lead_reviewer"
        ),
        **_sections_data(
            template,
            change,
            new={
                "position": "1",
                "heading": "A word from {lead organisation}",
                "content": "free",
                "text": "We visited {host} on {review dates}.",
                "show": "filled",
                "numbered": "on",
            },
        ),
    }
    response = lead.post(_url("letter-structure", review), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    date_page = lead.post(
        _url("letter-date", review),
        {
            "date_0": "3",
            "date_1": "7",
            "date_2": "2026",
            "version": str(Letter.objects.get().version),
        },
    )
    assert date_page.status_code == 302
    composed = compose_letter(review)
    headings = [s.full_title for s in composed.body if s.heading_shown]
    org = review.lead_organisation.display_name
    assert headings[:2] == ["What we found", f"A word from {org}"]
    assert "Process" not in headings
    assert not any(re.match(r"\d", h) for h in headings)  # numbering off
    assert composed.signoff.words == "With best wishes"
    assert composed.signoff.name == world.user("lead_reviewer").full_name
    assert composed.date == dt.date(2026, 7, 3)
    pdf = _pdf_text(letter_pdf(composed))
    assert f"We visited {review.host.display_name} on" in pdf
    assert "3 July 2026" in pdf and "With best wishes" in pdf
    assert pdf.index("What we found") < pdf.index(f"A word from {org}")
    # Recorded: the section's history and the trail; the library template is untouched.
    changes = list(
        SectionRevision.objects.filter(action="structure").values_list("text", flat=True)
    )
    assert any("Renamed" in c for c in changes) and any("Hid" in c for c in changes)
    assert any(c.startswith("Added") for c in changes) and any(
        "Dated 3 July 2026" in c for c in changes
    )
    assert Event.objects.filter(action=Event.Action.LETTER_SECTION_CHANGED).count() >= 2
    history = lead.get(_url("letter-structure", review)).content.decode()
    assert (
        "Changes to the letter&#x27;s structure" in history
        or "Changes to the letter's structure" in history
    )
    assert "Dated 3 July 2026" in history
    assert _shipped("peer-challenge").sections.get(key="summary").heading == "Summary of findings"


def test_two_tabs_saving_the_structure_get_a_conflict_not_an_overwrite(world):
    review = world.review
    lead = world.client("lead_reviewer")
    lead.post(_url("letter-start", review))
    template = Letter.objects.get().template
    first = {**_settings_data(template, sign_off="First tab"), **_sections_data(template)}
    second = {**_settings_data(template, sign_off="Second tab"), **_sections_data(template)}
    saved = lead.post(_url("letter-structure", review), first)
    assert saved.status_code == 302, re.findall(
        r"Error:</span>(.*?)</", saved.content.decode(), re.S
    )
    page = lead.post(_url("letter-structure", review), second)
    assert page.status_code == 200
    assert "Someone else changed this" in page.content.decode()
    assert "Second tab" in page.content.decode()  # what they typed is kept on the page
    assert LetterTemplate.objects.get(pk=template.pk).sign_off == "First tab"


# --- Switching templates ---------------------------------------------------------------------------


def test_switching_a_letter_with_edits_says_what_happens_and_asks_first(world):
    review = world.review
    _agreed(review, "Partners describe thresholds that feel right.", is_key_headline=True)
    lead = world.client("lead_reviewer")
    lead.post(_url("section-edit", review, key="summary"), {"text": "Our summary.", "version": "0"})
    lead.post(_url("section-edit", review, key="context"), {"text": "Our context.", "version": "0"})
    # A section of the lead's own words, added to this letter.
    template = Letter.objects.get().template
    TemplateSection.objects.create(
        template=template, position=99, key="our-note", heading="Our note", content="own"
    )
    lead.post(
        _url("section-edit", review, key="our-note"), {"text": "A note of ours.", "version": "0"}
    )

    health = _shipped("health-check")
    plan = switch_plan(Letter.objects.get(), template, health)
    assert plan.kept == ["Context"]  # the health check letter has a "context" section too
    assert plan.moved == ["Our note"]
    assert plan.not_shown == ["Summary of findings"]
    ask = lead.post(_url("letter-template", review), {"template": health.pk})
    assert ask.status_code == 200
    body = ask.content.decode()
    assert "No longer shown" in body and "Summary of findings" in body and "Our note" in body
    assert Letter.objects.get().source != health  # nothing switched yet
    done = lead.post(_url("letter-template", review), {"template": health.pk, "confirm": "True"})
    assert done.status_code == 302
    composed = compose_letter(review)
    texts = {s.key: s.text for s in composed.visible}
    assert texts["context"] == "Our context."
    assert texts["our-note"] == "A note of ours."  # moved to the end, not lost
    assert composed.visible[-1].key == "our-note"
    assert "summary" not in texts
    assert SectionEdit.objects.filter(key="summary").exists()  # kept, comes back on switching back
    assert not LetterTemplate.objects.filter(pk=template.pk).exists()  # the old copy is gone


def test_editing_a_library_template_never_changes_a_started_letter(world):
    review = world.review
    lead = world.client("lead_reviewer")
    lead.post(_url("letter-start", review))
    shipped = _shipped("peer-challenge")
    TemplateSection.objects.filter(template=shipped, key="next-steps").update(heading="Changed")
    composed = compose_letter(review)
    assert "Next steps" in [s.title for s in composed.sections]
    assert "Changed" not in [s.title for s in composed.sections]


def _png(width=60, height=20):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, "PNG")
    return out.getvalue()


def test_a_named_signatory_with_a_signature_image_prints_in_the_pdf_and_word(
    world, settings, tmp_path
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    review = world.review
    lead = world.client("lead_reviewer")
    lead.post(_url("letter-start", review))
    template = Letter.objects.get().template
    template.signatory = "named"
    template.signatory_name = "Alex Morgan"
    template.signatory_title = "Head of Peer Review"
    template.show_signatory_organisation = False
    template.signature.save("signature.png", ContentFile(_png()), save=False)
    template.save()
    composed = compose_letter(review)
    pdf = letter_pdf(composed)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    images = [img for page in reader.pages for img in page.images]
    assert images, "the signature image is in the PDF"
    text = _pdf_text(pdf)
    assert "Alex Morgan" in text and "Head of Peer Review" in text
    doc = Document(io.BytesIO(letter_docx(composed)))
    assert len(doc.inline_shapes) >= 1
    assert "Alex Morgan" in "\n".join(p.text for p in doc.paragraphs)
    page = lead.get(_url("letter", review)).content.decode()
    assert _url("signature", review) in page
    assert lead.get(_url("signature", review)).status_code == 200


def test_a_signature_that_is_not_an_image_is_refused_with_a_reason(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    template = _shipped("plain").copy(
        name="Ours", organisation=world.lead_org, is_shipped=False, key=""
    )
    form = TemplateForm(
        _settings_data(template, name="Ours"),
        {"signature": SimpleUploadedFile("sig.png", b"not really a picture", "image/png")},
        instance=template,
    )
    assert not form.is_valid()
    assert form.errors["signature"]
