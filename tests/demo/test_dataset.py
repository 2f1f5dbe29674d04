"""The benchmark data generator: the shape it promises, the same rows for the same seed."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audits.models import CriterionAnswer
from demo.dataset import SIZES, AlreadyGenerated, generate
from reviews.fieldwork.models import Finding
from reviews.setup.models import Membership, Review

TINY = replace(SIZES["small"], authorities=3, years=1, reviews_per_year=1, findings=6, cases=2)


def _content(label: str) -> list[tuple]:
    reviews = Review.objects.filter(host__name__contains=f"Authority {label}").order_by("pk")
    return [
        (
            r.title,
            r.status,
            r.letter_issued_at,
            list(Finding.objects.filter(review=r).order_by("pk").values_list("kind", "text")),
            list(
                CriterionAnswer.objects.filter(audit__case__review=r)
                .order_by("pk")
                .values_list("criterion__number", "answer", "comment")
            ),
        )
        for r in reviews
    ]


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_reviews_findings_and_answers() -> None:
    first = generate(size=TINY, seed=7, label="x")
    generate(size=TINY, seed=7, label="y")
    assert first.rows["findings"] == 3 * 6
    assert first.rows["criterion answers"] == 3 * 2 * 10
    x, y = _content("x"), _content("y")
    assert [row[1:] for row in x] == [row[1:] for row in y]
    # Every review but the benchmark one (the last, in fieldwork) has its letter issued.
    assert [row[1] for row in x] == [Review.Status.ISSUED] * 2 + [Review.Status.FIELDWORK]
    assert all(row[2] for row in x[:2]) and x[2][2] is None
    bench = Review.objects.get(pk=first.bench_review_id)
    assert set(Membership.objects.filter(review=bench).values_list("role", flat=True)) == {
        "coordinator",
        "lead_reviewer",
        "reviewer",
        "host_lead",
        "host_staff",
    }


@pytest.mark.django_db
def test_generating_twice_into_one_database_is_refused() -> None:
    out = StringIO()
    call_command(
        "generate_dataset", "--size", "small", "--findings", "2", "--cases", "1", stdout=out
    )
    # Every issued review's letter is rendered and stored, dated when it was issued.
    from reports.models import LetterVersion

    issued = Review.objects.filter(status=Review.Status.ISSUED)
    versions = LetterVersion.objects.filter(letter__review__in=issued)
    assert versions.count() == issued.count() > 0
    version = versions.select_related("letter__review").first()
    assert version.pdf.read(5) == b"%PDF-"
    assert version.issued_at == version.letter.review.letter_issued_at
    assert "letter versions" in out.getvalue()
    with pytest.raises(AlreadyGenerated):
        generate(size=TINY)
    with pytest.raises(CommandError, match="fresh database"):
        call_command("generate_dataset", "--size", "small")
