from io import StringIO

from django.core.management import call_command

from audits.models import Case, CaseAudit, SampleDraw
from reviews.setup.models import Review


def test_the_demo_gives_the_fieldwork_review_a_case_list_a_sample_and_audits(db) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    review = Review.objects.peer_reviews().get(status=Review.Status.FIELDWORK)
    assert Case.objects.filter(review=review).count() == 36
    sampled = Case.objects.filter(review=review).sampled()
    assert sampled.count() == 12
    assert {c.assigned_to.email for c in sampled} == {
        "reviewer@eastvale.example",
        "reviewer2@westbridge.example",
    }
    assert SampleDraw.objects.filter(review=review).count() == 1
    assert CaseAudit.objects.for_review(review).filter(status="complete").count() == 3
    assert CaseAudit.objects.for_review(review).count() == 4
