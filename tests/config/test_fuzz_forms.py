"""Every form survives hostile input: control characters, NUL, lone surrogates and 1 MB strings.

For each URL of the project, the first role that can open it is found; every POST form on the page
that posts back to that URL gets ``FUZZ_EXAMPLES`` (default 200) Hypothesis-generated submissions. A
server error (5xx) fails the test. Pages with no form of their own are checked to have none.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

import pytest
from django.template.base import Template
from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from reviews.setup.models import Invitation, Membership
from tests.authz.expectations import ALL
from tests.authz.test_matrix import URL_NAMES, _reverse
from tests.conftest import ROLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
_ORDER = ["coordinator", "lead_reviewer", "host_lead", "reviewer", "host_staff", "anonymous"]

hostile_text = st.one_of(
    st.text(max_size=200),
    st.text(
        st.characters(codec=None, categories=["Cc", "Cs", "Co", "Zl", "Zp", "Mn"]), max_size=50
    ),
    st.sampled_from(
        [
            "\x00",
            "\ud800",
            "\udfff",
            "a\x00b",
            "\u202e",
            "\ufeff",
            "' OR 1=1 --",
            "<script>x</script>",
        ]
    ),
    st.integers().map(str),
)
ONE_MEGABYTE = "x" * 1_000_000  # tried once per form, in every field at once (see @example below)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "textarea", "select"}:
            name = a.get("name")
            if (
                name
                and name != "csrfmiddlewaretoken"
                and (a.get("type") or "") not in {"submit", "button"}
            ):
                self._current["fields"].append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _encode(data: dict[str, str]) -> bytes:
    parts = [
        f"{quote_from_bytes(k.encode())}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in data.items()
    ]
    return "&".join(parts).encode()


@pytest.fixture
def _templates_not_recorded(monkeypatch) -> None:
    """Pages render as they do outside tests: without the test client's record of every template
    rendered and a copy of its context (which this test never reads). The pages here include hundreds
    of small templates each, and that record costs up to a tenth of each of the thousands of requests.
    """
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


@pytest.mark.parametrize("name", [n for n in URL_NAMES if not n.startswith("admin:")])
@pytest.mark.usefixtures("_templates_not_recorded")
def test_no_form_gives_a_server_error_whatever_is_typed(name: str, world) -> None:
    expect = ALL[name]
    url = _reverse(name, expect.kwargs(world, world.review))
    role = next((r for r in _ORDER if r in ROLES and expect.get[r] == 200), None)
    if role is None:
        assert all(
            status != 200 for status in expect.get.values()
        )  # nobody opens it: nothing to fill in
        return
    client = world.client(role)
    page = client.get(url)
    if not page["Content-Type"].startswith("text/html"):
        return  # a file download (PDF, calendar, document): no form to fill in
    parser = _Forms()
    parser.feed(page.content.decode())
    own = [f for f in parser.forms if f["action"] in ("", url) and f["fields"]]
    if not own:
        assert not any(f["action"] in ("", url) and f["fields"] for f in parser.forms)
        return
    fields = sorted({field for form in own for field in form["fields"]})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        # No shrinking: a failing input is reported as found (shrinking a 1 MB input takes minutes).
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(fields, hostile_text)))
    @example(dict.fromkeys(fields, ONE_MEGABYTE))
    def submit(data: dict[str, str]) -> None:
        response = client.generic(
            "POST", url, _encode(data), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500, (
            f"{name} as {role}: {response.status_code} for {data!r:.300}"
        )

    submit()


def _fuzz_fields(
    client, url: str, fields: dict[str, st.SearchStrategy[str]], label: str, before=None
) -> None:
    """``FUZZ_EXAMPLES`` submissions of ``fields`` to ``url`` (each after ``before()``, if given):
    never a server error."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(st.fixed_dictionaries(fields))
    def submit(data: dict[str, str]) -> None:
        if before is not None:
            before()
        response = client.generic(
            "POST", url, _encode(data), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500, f"{label}: {response.status_code} for {data!r:.300}"

    submit()


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_invitation_form_with_a_conflict_of_interest_survives_hostile_input(world) -> None:
    """The "I confirm" box is on the page only once a conflict is found: fuzzed here with one."""
    url = reverse("reviews:invitation-create", args=[world.review.pk])
    fields = {
        "email": st.sampled_from(["someone@example.org", "host_staff_not_on_team@example.org"]),
        "role": st.sampled_from(["reviewer", "lead_reviewer"]),
        "council": st.one_of(st.just("Northmoor"), hostile_text),
        "confirm_conflict": hostile_text,
        "full_name": hostile_text,
        "job_title": hostile_text,
    }
    _fuzz_fields(world.client("coordinator"), url, fields, "invitation with a conflict")


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_acceptance_page_for_an_existing_account_survives_hostile_input(world) -> None:
    """The matrix opens the acceptance page as someone else (no form): here as the invitee."""
    invitee = world.people["host_staff_not_on_team"]
    invitation = Invitation(review=world.review, email=invitee.email, role="host_staff")
    token = invitation.new_token()
    invitation.save()
    url = reverse("reviews:invitation-accept", args=[token])
    fields = {"council": hostile_text, "job_title": hostile_text}

    def not_accepted_yet() -> None:  # each submission finds the invitation open
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=None, accepted_by=None)
        Membership.objects.filter(review=world.review, user=invitee).delete()

    _fuzz_fields(
        world.client("host_staff_not_on_team"),
        url,
        fields,
        "acceptance, existing account",
        before=not_accepted_yet,
    )


# The letter templates (issue 18). The page-wide test above fuzzes every field at once, the formset's
# management fields too, so the section forms are never reached there: these keep the management
# fields as the page sent them and fuzz the rest, each field either as shown or hostile.


def _editor_fields(client, url: str) -> dict[str, st.SearchStrategy[str]]:
    from tests.reports.page_forms import form_fields

    shown = form_fields(client.get(url).content.decode())
    assert any(name.startswith("sections-") for name in shown), f"no sections on {url}"
    fields: dict[str, st.SearchStrategy[str]] = {}
    for name, value in shown.items():
        if name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            fields[name] = st.just(value)
        else:
            fields[name] = st.one_of(st.just(value), hostile_text)
    # A box left unticked is not sent: tick or not, whatever the page showed.
    for extra in ("sections-0-DELETE", "sections-1-hidden", "remove_signature"):
        fields.setdefault(extra, st.one_of(st.just(""), hostile_text))
    return fields


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_letter_template_editor_survives_hostile_input(world) -> None:
    """TemplateForm (library=True) and the sections formset, on an organisation's own template."""
    from reports.models import LetterTemplate

    template = LetterTemplate.objects.get(is_shipped=True, key="peer-challenge").copy(
        name="Eastvale letter", organisation=world.lead_org, is_shipped=False, key=""
    )
    client = world.client("coordinator")
    url = reverse("reports:template-edit", args=[template.pk])
    _fuzz_fields(client, url, _editor_fields(client, url), "template editor")


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_letters_structure_survives_hostile_input(world) -> None:
    """TemplateForm (library=False) and the sections formset, on the letter's own copy."""
    from django.db import transaction

    from reports.services import letter_for_update

    with transaction.atomic():
        letter_for_update(world.review)
    client = world.client("lead_reviewer")
    url = reverse("reports:letter-structure", args=[world.review.pk])
    _fuzz_fields(client, url, _editor_fields(client, url), "letter structure")


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_letter_template_copy_form_survives_hostile_input(world) -> None:
    from reports.models import LetterTemplate

    shipped = LetterTemplate.objects.get(is_shipped=True, key="plain")
    url = reverse("reports:template-copy", args=[shipped.pk])
    _fuzz_fields(world.client("coordinator"), url, {"name": hostile_text}, "template copy")


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_letter_date_form_survives_hostile_input(world) -> None:
    number = st.one_of(st.integers(-10, 10_000).map(str), hostile_text)
    fields = {"date_0": number, "date_1": number, "date_2": number, "version": number}
    url = reverse("reports:letter-date", args=[world.review.pk])
    _fuzz_fields(world.client("lead_reviewer"), url, fields, "letter date")


@pytest.mark.usefixtures("_templates_not_recorded")
def test_the_letter_template_choice_survives_hostile_input(world) -> None:
    """TemplateChoiceForm on a letter with an edited section (so the confirmation step is reached),
    with the pks of real templates: shipped, the lead organisation's, another organisation's, and a
    letter's own copy."""
    from django.db import transaction

    from reports.models import LetterTemplate, SectionEdit
    from reports.services import letter_for_update

    with transaction.atomic():
        letter = letter_for_update(world.review)
    SectionEdit.objects.create(letter=letter, key="next-steps", text="Ours.", generated_hash="0")
    shipped = LetterTemplate.objects.get(is_shipped=True, key="plain")
    own = shipped.copy(name="Eastvale", organisation=world.lead_org, is_shipped=False, key="")
    other = shipped.copy(name="Westbridge", organisation=world.other_org, is_shipped=False, key="")
    pks = [str(t.pk) for t in LetterTemplate.objects.filter(is_shipped=True)]
    pks += [str(own.pk), str(other.pk), str(letter.template_id)]
    fields = {
        "template": st.one_of(st.sampled_from(pks), hostile_text),
        "confirm": st.one_of(st.sampled_from(["True", "False", "on", ""]), hostile_text),
    }
    url = reverse("reports:letter-template", args=[world.review.pk])
    for role in ("coordinator", "lead_reviewer"):
        _fuzz_fields(world.client(role), url, fields, f"letter template, as {role}")


@pytest.mark.usefixtures("_templates_not_recorded")
def test_submitting_the_self_assessment_from_its_check_page_survives_hostile_input(world) -> None:
    """The check-your-answers page posts to the submit URL (not to itself): fuzzed here."""
    from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
    from reviews.setup.models import Framework, Kloe

    framework = Framework.objects.create(name="KLOEs", review=world.review)
    kloe = Kloe.objects.create(framework=framework, position=1, heading="Thresholds")
    assessment = SelfAssessment.objects.create(review=world.review)
    SelfAssessmentEntry.objects.create(self_assessment=assessment, kloe=kloe, host_rating="red")
    url = reverse("reviews:self-assessment-submit", args=[world.review.pk])

    def still_a_draft() -> None:
        SelfAssessment.objects.filter(pk=assessment.pk).update(status=SelfAssessment.Status.DRAFT)

    _fuzz_fields(
        world.client("host_lead"),
        url,
        {"version": st.one_of(hostile_text, st.just("1"))},
        "self-assessment submit",
        before=still_a_draft,
    )


def test_the_review_days_second_steps_survive_hostile_input(world) -> None:
    """Forms reached only by a first step (issue 22): the merged words of a merge, the search of a
    finding's evidence notes, "Save and add another" and the confirmed "Agree all"."""
    from reviews.fieldwork.models import EvidenceNote, Finding

    keep = Finding.objects.create(review=world.review, kind="area", text="Consent unclear.")
    note = EvidenceNote.objects.create(review=world.review, text="Screening was timely.")
    version = st.one_of(st.just("1"), hostile_text)

    def two_findings() -> None:  # each submission finds both findings there to merge
        if not Finding.objects.filter(pk=keep.pk).exists():
            Finding.objects.create(pk=keep.pk, review=world.review, kind="area", text="Kept.")
        Finding.objects.filter(pk=keep.pk).update(version=1)
        Finding.objects.update_or_create(
            pk=keep.pk + 1000,
            defaults={"review": world.review, "kind": "area", "text": "Gone.", "version": 1},
        )

    two_findings()
    merge = reverse("reviews:finding-merge", args=[world.review.pk, keep.pk + 1000])
    fields = {
        "other": st.one_of(st.just(str(keep.pk)), hostile_text),
        "text": hostile_text,
        "version": version,
        "other_version": version,
    }
    _fuzz_fields(world.client("reviewer"), merge, fields, "merged words", before=two_findings)
    edit = reverse("reviews:finding-edit", args=[world.review.pk, keep.pk])
    fields = {
        "kloe": hostile_text,
        "kind": hostile_text,
        "text": hostile_text,
        "evidence_notes": st.one_of(st.just(str(note.pk)), hostile_text),
        "notes_query": hostile_text,
        "find_notes": st.sampled_from(["1", "all"]),
        "version": version,
    }
    _fuzz_fields(world.client("reviewer"), edit, fields, "finding notes search")
    create = reverse("reviews:note-create", args=[world.review.pk])
    fields = {
        "session": hostile_text,
        "kloes": hostile_text,
        "text": hostile_text,
        "another": hostile_text,
    }
    _fuzz_fields(world.client("reviewer"), create, fields, "save and add another")
    agree = reverse("reviews:finding-agree-all", args=[world.review.pk])
    fields = {
        "scope": st.one_of(st.sampled_from(["all", "overall"]), hostile_text),
        "seen": st.one_of(st.just(f"{keep.pk}:1"), hostile_text),
    }
    _fuzz_fields(world.client("lead_reviewer"), agree, fields, "agree all")
    notes = reverse("reviews:notes", args=[world.review.pk])
    for query in ("?kept=1&note_kloe=x&note_session=99999999999999", "?note_session=%00"):
        assert world.client("reviewer").get(notes + query).status_code == 200
