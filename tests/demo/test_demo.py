from io import StringIO

from django.core.management import call_command

from accounts.models import Organisation, User
from reviews.schedule.models import Session
from reviews.setup.models import PEER_REVIEW_ROLES, Framework, Membership, Review


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Review.objects.count(),
        Membership.objects.count(),
    )


def test_demo_loads_a_realistic_review_and_is_idempotent(db) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _counts()
    call_command("load_demo", stdout=StringIO())
    # Three reviews: in fieldwork, finished, and Northmoor's previous review (the improvement demo);
    # and Northmoor's three own audits, with its quality assurance lead and a police partner auditor
    # (the audit programme demo, issue 23); and its improvement journey: two more peer reviews and
    # three more of its own audits behind the trends and the journey report.
    assert _counts() == first == (3, 11, 11, 20)

    fieldwork = Review.objects.peer_reviews().get(status=Review.Status.FIELDWORK)
    roles = set(fieldwork.memberships.values_list("role", flat=True))
    assert roles == set(PEER_REVIEW_ROLES)
    # Finished: the demo's finished review, Northmoor's previous one and the two peer reviews of its
    # journey (recorded as history, before the service: they have no letter in it).
    assert Review.objects.filter(status=Review.Status.ISSUED).count() == 4
    # Each finished review's letter is issued once (version 1, stored), however often the demo loads.
    from reports.models import LetterVersion

    assert list(LetterVersion.objects.values_list("number", flat=True)) == [1, 1]

    # The fieldwork review has its own framework, documents wanted and a two-day timetable.
    assert fieldwork.framework.kloes.count() == 7
    assert fieldwork.document_requests.count() == 5
    assert fieldwork.days.count() == 2
    assert Session.objects.filter(review=fieldwork).count() == 7
    assert Framework.objects.filter(review__isnull=False).count() == 2

    # Some of the team's work: notes, findings and a submitted self-assessment, loaded once.
    assert fieldwork.evidence_notes.count() == 3
    assert fieldwork.findings.count() == 8
    assert fieldwork.self_assessment.is_submitted
    assert fieldwork.self_assessment.entries.count() == 7

    # After the letter: the fieldwork review follows Northmoor's previous review, whose action plan
    # is under way; Northmoor's history has an Ofsted inspection.
    past = fieldwork.previous_review
    assert past.letter_is_issued and past.actions.count() == 3
    assert past.findings.filter(themes__isnull=False).distinct().count() == 5
    # One external review from the demo, and the 2023 JTAI that the journey demo adds.
    assert past.host.external_reviews.count() == 2

    printed = out.getvalue()
    for role in ("Coordinator", "Lead reviewer", "Reviewer", "Host lead contact", "Host staff"):
        assert role in printed
    assert "password is: peer-review-demo" in printed


def test_demo_logins_work(db) -> None:
    from tests.factories import password_signs_in

    call_command("load_demo", stdout=StringIO())
    assert password_signs_in("hostlead@northmoor.example", "peer-review-demo")
