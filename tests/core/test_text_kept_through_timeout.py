"""Nothing typed is lost when a session times out: every form of the project, one test.

Like the authorization matrix (tests/authz), this walks every URL pattern of the project
(``get_resolver()``). Each one that accepts a POST from someone signed in (its authorization
expectation lets a signed-in role POST) is either in ``FORMS`` (what to type into it) or in
``EXEMPT`` (why there is nothing typed to keep). For each form: sign in as someone who may use it,
let the session time out, send the form with distinctive words, sign in again, follow where the
service sends them, and the words are back in the form, with the message saying so. A URL added later
that is neither in ``FORMS`` nor in ``EXEMPT`` fails ``test_every_form_url_is_covered_or_exempt``; a
form view that does not bind ``core.http.bound_data`` fails ``test_the_text_is_back_in_the_form``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.middleware import LAST_SEEN
from audits.models import CaseAudit
from core.http import RESTORED_MESSAGE
from reviews.setup.models import Kloe, Review
from tests.authz.expectations import ALL
from tests.authz.test_matrix import URL_NAMES
from tests.conftest import ROLES

WORDS = "Larkspur words typed before the timeout"


@dataclass(frozen=True)
class Form:
    """What to type: ``data(world, kwargs)`` gives the fields sent, one of them holding ``words``."""

    data: Callable[[Any, dict[str, Any]], dict[str, Any]]
    role: str | None = None  # default: the first role the authorization matrix lets POST
    kwargs: Callable[[Any, Review], dict[str, Any]] | None = None  # default: the matrix's
    headers: dict[str, str] = field(default_factory=dict)  # htmx's, for forms saved in place
    words: str = WORDS  # what must be back in the form (a number, for a form of numbers)


def _fields(**fields: str) -> Callable[[Any, dict[str, Any]], dict[str, Any]]:
    return lambda world, kwargs: fields


def _kloe_pk(review: Review) -> int:
    return Kloe.objects.filter(framework__review=review).values_list("pk", flat=True).first()


def _case_audit(kwargs: dict[str, Any]) -> CaseAudit:
    return CaseAudit.objects.get(case_id=kwargs["case_pk"])


def _commentaries(world, kwargs):  # type: ignore[no-untyped-def]
    from audits.services.tools import review_tool, shipped_tool

    tool = review_tool(world.review) or shipped_tool().copy(review=world.review)
    first = tool.criteria.order_by("number").first()
    return {f"c{first.pk}-text": WORDS, f"c{first.pk}-version": "1"}


def _audit_page(world, kwargs):  # type: ignore[no-untyped-def]
    audit = _case_audit(kwargs)
    answer = audit.answers.first()
    return {
        f"c{answer.pk}-answer": "",
        f"c{answer.pk}-comment": WORDS,
        f"c{answer.pk}-version": str(answer.version),
        "audit-decision_reason": "Another reason",
        "audit-version": str(audit.version),
    }


def _criterion(world, kwargs):  # type: ignore[no-untyped-def]
    return {f"c{kwargs['answer_pk']}-comment": WORDS, f"c{kwargs['answer_pk']}-version": "1"}


def _moderation(world, kwargs):  # type: ignore[no-untyped-def]
    answer = _case_audit(kwargs).answers.first()
    return {f"m{answer.pk}-agrees": "no", f"m{answer.pk}-note": WORDS, "overall-note": "Overall"}


def _letter_started(world, review):  # type: ignore[no-untyped-def]
    """The letter has its own copy of its template (only then is its structure a form)."""
    from django.db import transaction

    from reports.services import letter_for_update

    with transaction.atomic():
        letter_for_update(review)
    return {"pk": review.pk}


def _as_shown(world, role: str, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The template editor's fields as the page shows them (settings and every section)."""
    from tests.reports.page_forms import form_fields

    return form_fields(world.client(role).get(url).content.decode())


def _letter_structure(world, kwargs):  # type: ignore[no-untyped-def]
    url = reverse("reports:letter-structure", kwargs=kwargs)
    return _as_shown(world, "lead_reviewer", url) | {"sections-0-heading": WORDS}


def _journey_structure(world, kwargs):  # type: ignore[no-untyped-def]
    url = reverse("improvement:journey-structure", kwargs=kwargs)
    return _as_shown(world, "host_lead", url) | {"sections-0-heading": WORDS}


def _template_edit(world, kwargs):  # type: ignore[no-untyped-def]
    url = reverse("reports:template-edit", kwargs=kwargs)
    return _as_shown(world, "coordinator", url) | {"sections-0-heading": WORDS}


def _merged_words(world, kwargs):  # type: ignore[no-untyped-def]
    """The second step of a merge: the merged words, as the person changed them."""
    from reviews.fieldwork.models import Finding

    other = Finding.objects.filter(review_id=kwargs["pk"]).exclude(pk=kwargs["finding"]).first()
    return {"other": str(other.pk), "text": WORDS, "version": "1", "other_version": "1"}


# Every form with words to type, by URL name.
FORMS: dict[str, Form] = {
    # accounts: none (its forms are the sign-in and two-factor pages, exempt below)
    # reviews: setting up
    "reviews:review-create": Form(_fields(title=WORDS)),
    "reviews:review-edit": Form(_fields(title=WORDS)),
    "reviews:framework-copy": Form(_fields(name=WORDS)),
    "reviews:framework-edit": Form(
        _fields(**{"framework-name": WORDS, "kloes-TOTAL_FORMS": "0", "kloes-INITIAL_FORMS": "0"})
    ),
    "reviews:review-framework-edit": Form(
        _fields(**{"framework-name": WORDS, "kloes-TOTAL_FORMS": "0", "kloes-INITIAL_FORMS": "0"})
    ),
    "reviews:invitation-create": Form(_fields(full_name=WORDS, email="new@example.org")),
    "reviews:member-shown-as": Form(_fields(council=WORDS, job_title="Social Worker", version="1")),
    "reviews:document-request-create": Form(_fields(title=WORDS, notes="Notes")),
    "reviews:invitation-bulk": Form(_fields(people=f"{WORDS}, new@example.org, reviewer")),
    "reviews:document-request-edit": Form(_fields(kind="other", title=WORDS, version="1")),
    "reviews:document-pack": Form(_fields(lines=WORDS, version="0")),
    "reviews:day-create": Form(_fields(date="2030-01-01", notes=WORDS)),
    "reviews:session-create": Form(_fields(title=WORDS, place="Room 1")),
    "reviews:session-edit": Form(_fields(title=WORDS, place="Room 1", version="1")),
    # reviews: the team's work and the self-assessment
    "reviews:note-create": Form(_fields(text=WORDS)),
    "reviews:note-edit": Form(_fields(text=WORDS, version="1")),
    "reviews:finding-merge": Form(_merged_words),
    "reviews:finding-create": Form(_fields(kind="strength", text=WORDS)),
    "reviews:finding-edit": Form(_fields(kind="strength", text=WORDS, version="1")),
    "reviews:self-assessment-edit": Form(
        lambda world, kwargs: {f"narrative_{_kloe_pk(world.review)}": WORDS, "version": "0"}
    ),
    "reviews:self-assessment-team": Form(_fields(team_reason=WORDS, version="0")),
    "reviews:self-assessment-judgement": Form(_fields(judgement_reason=WORDS, version="0")),
    # audits
    "audits:settings": Form(_fields(reference_pattern=WORDS, reference_rule="Rule")),
    "audits:case-list-import": Form(_fields(text=WORDS)),
    "audits:sample-draw": Form(_fields(method="random", size="12", seed="914377"), words="914377"),
    "audits:case-audit-save": Form(_audit_page),
    # Saved in place as you go: htmx sends it, and is sent to the sign-in page whole.
    "audits:criterion-answer-save": Form(_criterion, headers={"HX-Request": "true"}),
    "audits:case-audit-moderate": Form(_moderation),
    "audits:alert-raise": Form(_fields(concern=WORDS)),
    "audits:commentary-save": Form(_fields(text=WORDS, version="1")),
    "audits:commentary-save-all": Form(_commentaries),
    "audits:tool-edit": Form(_fields(name=WORDS, description="About")),
    "audits:criterion-add": Form(_fields(number="9", title=WORDS, question="Was it?")),
    "audits:criterion-edit": Form(_fields(number="1", title=WORDS, question="Was it?")),
    # reports
    "reports:section-edit": Form(_fields(text=WORDS, version="0")),
    "reports:slide-edit": Form(_fields(title="Next steps", text=WORDS, position="5", version="0")),
    "reports:slide-add": Form(_fields(title="Our thanks", text=WORDS)),
    "reports:comments": Form(_fields(section="", quote="A quote", text=WORDS)),
    "reports:comment-reply": Form(_fields(decision="decline", reply=WORDS), role="lead_reviewer"),
    "reports:letterhead": Form(_fields(address=WORDS, officers="Jane Smith", version="1")),
    "reports:letter-structure": Form(_letter_structure, kwargs=_letter_started),
    "reports:letter-date": Form(
        _fields(date_0="3", date_1="7", date_2="2031", version="0"), words="2031"
    ),
    "reports:template-copy": Form(_fields(name=WORDS)),
    "reports:template-edit": Form(_template_edit),
    # improvement
    "improvement:action-create": Form(_fields(what=WORDS, owner="Head of service")),
    "improvement:action-edit": Form(_fields(what=WORDS, owner="Head of service", version="1")),
    "improvement:action-progress": Form(
        _fields(**{"progress-text": WORDS, "progress-version": "1"})
    ),
    "improvement:follow-up-create": Form(_fields(title=WORDS)),
    "improvement:external-review-create": Form(_fields(kind="other", headline=WORDS)),
    "improvement:themes": Form(_fields(name=WORDS)),
    "improvement:theme-edit": Form(_fields(name=WORDS, version="1")),
    "improvement:priority-create": Form(
        _fields(letter="Q", title=WORDS, owner="Head of service", measure="Timely decisions")
    ),
    "improvement:priority-edit": Form(
        _fields(letter="Q", title=WORDS, owner="Head of service", measure="Timely", version="1")
    ),
    "improvement:board-meeting-create": Form(_fields(reviewed=WORDS, decisions="Carry on")),
    "improvement:journey-report-create": Form(_fields(title=WORDS, period_months="12")),
    "improvement:journey-report-edit": Form(_fields(title=WORDS, period_months="12", version="1")),
    "improvement:journey-section-edit": Form(_fields(text=WORDS, version="")),
    "improvement:journey-structure": Form(_journey_structure),
    # audits: the authority's own audit programme
    "audits:programme-audit-create": Form(_fields(title=WORDS, audit_kind="case_file")),
    "audits:programme-staff": Form(
        _fields(email="larkspur.typed@example.org"), words="larkspur.typed@example.org"
    ),
    "audits:programme-people": Form(
        _fields(full_name=WORDS, email="partner@example.org", role="partner_auditor")
    ),
    "audits:live-record": Form(
        _fields(worker_name="Sam Okoro", worker_role="Social worker", reflection=WORDS, version="")
    ),
    "audits:programme-audit-details": Form(_fields(title=WORDS, version="1")),
    "audits:programme-audit-reopen": Form(_fields(reason=WORDS)),
}

# POSTs with nothing typed to keep. Each says why; a new URL belongs here only if it has no text.
EXEMPT: dict[str, str] = {
    # Signing in and out: passwords and codes are never kept, and these pages are not signed in.
    "accounts:sign-in": "the sign-in page itself",
    "accounts:sign-out": "a button",
    "accounts:two-factor": "a one-time code, never kept",
    "accounts:two-factor-setup": "a one-time code, never kept",
    "accounts:session-extend": "the 'stay signed in' button",
    "accounts:password-reset": "not signed in (an email address, sent again in a moment)",
    "accounts:password-reset-confirm": "not signed in, and a new password is never kept",
    "reviews:invitation-accept": "not signed in (a new account's password is never kept)",
    "reviews:member-reset-two-factor": "the coordinator's own password or code, never kept",
    # Buttons: a confirmation or one choice, nothing typed.
    "reviews:invitation-resend": "a button",
    "reviews:invitation-revoke": "a button",
    "reviews:member-role": "one choice of role, nothing typed",
    "reviews:day-delete": "a button",
    "reviews:session-cancel": "a confirmation button",
    "reviews:calendar-reset": "a button",
    "reviews:timetable-publish": "a button",
    "audits:programme-audit-close": "a confirmation button",
    "reviews:timetable-send-changes": "a button",
    "reviews:finding-delete": "a button",
    "reviews:finding-agree": "a button",
    "reviews:finding-agree-all": "a confirmation button (the versions shown, nothing typed)",
    "reviews:finding-reorder": "up and down buttons",
    "audits:choose-tool": "one choice of audit tool, nothing typed",
    "audits:sample-pick": "checkboxes of cases",
    "audits:case-list-remove": "checkboxes of cases",
    "audits:case-list-assign": "checkboxes of cases and one choice of auditor",
    "audits:case-list-balance": "a confirmation button",
    "audits:sample-assign": "a choice of auditor per case",
    "audits:case-audit-start": "a button",
    "audits:case-audit-share": "a button",
    "audits:alert-acknowledge": "a button",
    "audits:tool-copy": "a button",
    "audits:criterion-delete": "a button",
    "reports:letter-start": "a button",
    "reports:letter-template": "one choice of template and a confirmation, nothing typed",
    "reports:section-reset": "a button",
    "reports:share": "a date to reply by, and a button",
    "reports:issue": "checkboxes confirming warnings, nothing typed",
    "improvement:action-delete": "a button",
    "improvement:priority-delete": "a button",
    "improvement:journey-section-reset": "a button",
    "improvement:journey-report-issue": "a button",
    "reviews:self-assessment-submit": "a button (the version shown, nothing typed)",
    "reviews:self-assessment-reopen": "a confirmation button",
    "audits:peer-sample": "checkboxes of completed audits",
    "audits:programme-join": "a button",
    "audits:programme-staff-remove": "a button",
    "audits:live-record-send": "a button",
    "audits:live-confirm": "the social worker's emailed link: not signed in, so no session times out",
    # Uploads: a file is chosen again (files are never kept); forms with words are in FORMS.
    "reviews:document-upload": "a file only",
    "reviews:document-replace": "a file only",
    "reviews:document-remove": "a confirmation button",
    "reviews:document-request-withdraw": "a confirmation button",
    "reviews:document-request-pack": "checkboxes of the pack and a date",
}
# The admin site is Django's own: its forms are outside the service's pages.
EXEMPT_PREFIXES = ("admin:",)


def _accepts_post(name: str) -> bool:
    """A signed-in person's POST does something here (no expectation: assume it does)."""
    expect = ALL.get(name)
    if expect is None:
        return True
    return any(status != 405 for role, status in expect.post.items() if role != "anonymous")


POSTABLE = sorted(
    name for name in URL_NAMES if not name.startswith(EXEMPT_PREFIXES) and _accepts_post(name)
)


def test_every_form_url_is_covered_or_exempt() -> None:
    missing = [name for name in POSTABLE if name not in FORMS and name not in EXEMPT]
    assert not missing, (
        f"URLs that accept a POST but are neither in FORMS nor in EXEMPT: {missing}. Bind the form "
        "to core.http.bound_data and add it to FORMS, or say in EXEMPT why nothing typed is sent."
    )


def test_no_entry_names_a_url_that_does_not_take_a_post() -> None:
    stale = sorted((set(FORMS) | set(EXEMPT)) - set(POSTABLE))
    assert not stale, f"Entries for URLs that do not exist or take no POST: {stale}"


def _role(name: str, form: Form) -> str:
    if form.role:
        return form.role
    post = ALL[name].post
    return next(r for r in ROLES if r != "anonymous" and post[r] in (200, 302))


def _in_a_form(page: str, words: str) -> bool:
    """The words are inside a <form> (a field's value or a textarea), not only in a message."""
    for match in re.finditer(re.escape(words), page):
        before = page[: match.start()]
        if before.rfind("<form") > before.rfind("</form>"):
            return True
    return False


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_text_is_back_in_the_form(name: str, world) -> None:
    form = FORMS[name]
    expect = ALL[name]
    kwargs = (form.kwargs or expect.kwargs)(world, world.review)
    url = reverse(name, kwargs=kwargs)
    role = _role(name, form)
    client = world.client(role)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()

    sent = client.post(url, form.data(world, kwargs), headers=form.headers)
    if form.headers.get("HX-Request"):  # htmx is asked to load the sign-in page whole
        assert sent.status_code == 200, f"POST {url} as {role}: {sent.status_code}"
        location = urlsplit(sent["HX-Redirect"])
    else:
        assert sent.status_code == 302, f"POST {url} as {role}: {sent.status_code}, not signed out"
        location = urlsplit(sent["Location"])
    assert location.path == reverse(settings.LOGIN_URL) and "timeout=idle" in location.query
    next_url = parse_qs(location.query)["next"][0]

    client.force_login(world.user(role))  # signing in again, second factor included
    page = client.get(next_url, follow=True)
    body = page.content.decode()
    assert page.status_code == 200, f"GET {next_url} after signing in: {page.status_code}"
    assert RESTORED_MESSAGE.split(".")[0] in body, f"{name}: no message that the text is kept"
    assert _in_a_form(body, form.words), f"{name}: the words typed are not in the form"
