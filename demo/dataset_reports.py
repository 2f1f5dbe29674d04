"""Issued letters for a generated benchmark database (``manage.py generate_dataset`` calls this).

Each chosen review's letter is composed from its generated data and really rendered and stored: PDF,
Word, SHA-256 and the frozen sections, dated when the generator says the letter was issued. Rendering
takes most of a second per letter, so the national dataset stores the letters of each authority's
latest reviews (``per_authority``); its older reviews are marked issued without a stored file, as
reviews issued before the service was used would be.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

from reports.models import LetterVersion
from reports.services import freeze_version
from reviews.setup.models import Membership, Review, Role


def issue_generated_letters(
    *, per_authority: int | None = None, progress: Callable[[str], None] | None = None
) -> int:
    reviews = (
        Review.objects.filter(status=Review.Status.ISSUED, letter_issued_at__isnull=False)
        .exclude(pk__in=LetterVersion.objects.values("letter__review_id"))
        .order_by("host_id", "-letter_issued_at", "pk")
    )
    chosen: list[Review] = []
    taken: dict[int, int] = defaultdict(int)
    for review in reviews:
        if per_authority is None or taken[review.host_id] < per_authority:
            chosen.append(review)
            taken[review.host_id] += 1
    leads = dict(
        Membership.objects.filter(review__in=chosen, role=Role.LEAD_REVIEWER).values_list(
            "review_id", "user_id"
        )
    )
    from accounts.models import User

    users = User.objects.in_bulk(set(leads.values()))
    for index, review in enumerate(chosen, start=1):
        with transaction.atomic():
            freeze_version(
                review=review,
                user=users.get(leads.get(review.pk)),
                issued_at=review.letter_issued_at,
            )
        if progress and index % 50 == 0:
            progress(f"letters issued: {index} of {len(chosen)}")
    return len(chosen)
