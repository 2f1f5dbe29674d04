"""The feedback letter.

The team reads the draft; the host lead contact reads it and comments only while it is shared for the
factual accuracy check (host staff never see a draft); the lead reviewer edits, shares, answers
comments and issues; the coordinator and lead reviewer read a section's history; everyone on the review
sees and downloads issued versions. Outsiders get 404.

An organisation's letterhead is kept by its own coordinators: its other people get 403, everyone else
404 (another organisation's coordinator too).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import Comment, Letter, LetterTemplate, LetterVersion
from reviews.setup.models import Review
from tests.authz.expect import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ON_REVIEW,
    REDIRECT,
    TEAM,
    Expect,
    review_page,
    statuses,
)

POST_ONLY = review_page(allowed=(), denied=NOT_ALLOWED) | dict.fromkeys(
    ("reviewer_elsewhere", "other_host_staff"), NOT_ALLOWED
)
GET_ONLY = POST_ONLY
DRAFT = review_page(allowed=TEAM)
LEAD = review_page(allowed=("lead_reviewer",))
LEAD_ACTION = review_page(allowed=("lead_reviewer",), ok=REDIRECT)
HISTORY = review_page(allowed=("coordinator", "lead_reviewer"))
CHOOSE = HISTORY
EVERYONE = review_page(allowed=ON_REVIEW)


def _review(world, review):
    return {"pk": review.pk}


def _section(world, review):
    return {"pk": review.pk, "key": "next-steps"}


def _slide(world, review):
    return {"pk": review.pk, "key": "next"}


def _shared(world, review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.ACCURACY_CHECK)
    return {"pk": review.pk}


def _comment(world, review):
    letter, _ = Letter.objects.get_or_create(review=review)
    comment = Comment.objects.create(
        letter=letter, section_key="next-steps", section_title="Next steps", text="Wrong date."
    )
    return {"pk": review.pk, "comment": comment.pk}


def _version(world, review):
    letter, _ = Letter.objects.get_or_create(review=review)
    version = LetterVersion(
        letter=letter,
        number=1,
        template_name="Peer challenge letter",
        issued_at=timezone.now(),
        # The files' real fingerprints: a download checks them (a mismatch is refused).
        pdf_sha256=hashlib.sha256(b"%PDF-1.7 issued").hexdigest(),
        docx_sha256=hashlib.sha256(b"PK issued").hexdigest(),
    )
    version.pdf.save("v1.pdf", ContentFile(b"%PDF-1.7 issued"), save=False)
    version.docx.save("v1.docx", ContentFile(b"PK issued"), save=False)
    version.save()
    return {"pk": review.pk, "number": 1, "fmt": "pdf"}


def _version_slides(world, review):
    kwargs = _version(world, review)
    version = LetterVersion.objects.get(letter__review=review, number=1)
    version.pptx.save("slides-v1.pptx", ContentFile(b"PK slides"), save=False)
    version.slides_pdf.save("slides-v1.pdf", ContentFile(b"%PDF-1.7 slides"), save=False)
    # Their real fingerprints too: a download checks them.
    version.pptx_sha256 = hashlib.sha256(b"PK slides").hexdigest()
    version.slides_pdf_sha256 = hashlib.sha256(b"%PDF-1.7 slides").hexdigest()
    version.save()
    return {**kwargs, "fmt": "pptx"}


# The lead organisation's people: the coordinator keeps its letterhead (an empty POST re-shows the
# form with what is missing); the lead reviewer and reviewers are of it but not coordinators.
LETTERHEAD = statuses(
    NOT_FOUND,
    anonymous=REDIRECT,
    coordinator=OK,
    lead_reviewer=FORBIDDEN,
    reviewer=FORBIDDEN,
    reviewer_elsewhere=FORBIDDEN,
)


COORDINATORS = statuses(FORBIDDEN, anonymous=REDIRECT, coordinator=OK)
SIGNED_IN_GET_ONLY = statuses(NOT_ALLOWED, anonymous=REDIRECT)


def _shipped_template(world, review):
    return {"pk": LetterTemplate.objects.get(is_shipped=True, key="peer-challenge").pk}


def _own_template(world, review):
    """A copy kept by the lead organisation (whose coordinator is on the review)."""
    shipped = LetterTemplate.objects.get(is_shipped=True, key="plain")
    copy = shipped.copy(
        name="Eastvale letter", organisation=world.lead_org, is_shipped=False, key=""
    )
    return {"pk": copy.pk}


def _signed_template(world, review):
    """An organisation's template with a signature image (a real PNG)."""
    import io

    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (40, 10), "navy").save(image, "PNG")
    shipped = LetterTemplate.objects.get(is_shipped=True, key="plain")
    copy = shipped.copy(name="Signed", organisation=world.lead_org, is_shipped=False, key="")
    copy.signature.save("signature.png", ContentFile(image.getvalue()))
    return {"pk": copy.pk}


def _organisation(world, review):
    """The lead organisation, whose coordinator is on ``review``; for ``other_review`` (same lead
    organisation), the other authority, which nobody asking is a coordinator of."""
    if review.pk == world.other_review.pk:
        return {"pk": world.other_org.pk}
    return {"pk": review.lead_organisation_id}


EXPECTATIONS = {
    "reports:letter": Expect(get=DRAFT, post=POST_ONLY, kwargs=_review, scoped=True),
    # The letter's own structure and date: the lead reviewer (an empty form: 200 with its errors).
    "reports:letter-start": Expect(get=GET_ONLY, post=LEAD_ACTION, kwargs=_review, scoped=True),
    "reports:letter-structure": Expect(get=LEAD, post=LEAD, kwargs=_review, scoped=True),
    "reports:letter-date": Expect(get=LEAD, post=LEAD, kwargs=_review, scoped=True),
    # Which template the letter is written from: the coordinator and the lead reviewer.
    "reports:letter-template": Expect(get=CHOOSE, post=CHOOSE, kwargs=_review, scoped=True),
    # An empty form comes back with its errors (200) for the lead reviewer.
    "reports:section-edit": Expect(get=LEAD, post=LEAD, kwargs=_section, scoped=True),
    "reports:section-reset": Expect(get=GET_ONLY, post=LEAD_ACTION, kwargs=_section, scoped=True),
    "reports:section-history": Expect(get=HISTORY, post=POST_ONLY, kwargs=_section, scoped=True),
    "reports:draft-pdf": Expect(get=DRAFT, post=POST_ONLY, kwargs=_review, scoped=True),
    "reports:draft-docx": Expect(get=DRAFT, post=POST_ONLY, kwargs=_review, scoped=True),
    "reports:presentation": Expect(get=DRAFT, post=POST_ONLY, kwargs=_review, scoped=True),
    "reports:presentation-pptx": Expect(get=DRAFT, post=POST_ONLY, kwargs=_review, scoped=True),
    # The lead reviewer shapes the slides (an empty form comes back with its errors: 200).
    "reports:slides": Expect(get=LEAD, post=POST_ONLY, kwargs=_review, scoped=True),
    "reports:slide-add": Expect(get=LEAD, post=LEAD, kwargs=_review, scoped=True),
    "reports:slide-edit": Expect(get=LEAD, post=LEAD, kwargs=_slide, scoped=True),
    # Sharing asks for the reply-by date (empty: the default), then shares (302).
    "reports:share": Expect(get=LEAD, post=LEAD_ACTION, kwargs=_review, scoped=True),
    # While shared: the host lead contact reads and comments (an empty comment: 200 with errors);
    # host staff do not see the draft.
    "reports:comments": Expect(
        get=review_page(allowed=(*TEAM, "host_lead")),
        post=review_page(allowed=("host_lead",)),
        kwargs=_shared,
        scoped=True,
    ),
    # An empty reply comes back with its errors (400) for the lead reviewer.
    "reports:comment-reply": Expect(
        get=GET_ONLY,
        post=review_page(allowed=("lead_reviewer",), ok=400),
        kwargs=_comment,
        scoped=True,
    ),
    # "Before you issue": the lead reviewer sees the checks and issues (the world's review has
    # nothing to confirm).
    "reports:issue": Expect(get=LEAD, post=LEAD_ACTION, kwargs=_review, scoped=True),
    "reports:versions": Expect(get=EVERYONE, post=POST_ONLY, kwargs=_review, scoped=True),
    "reports:version-download": Expect(get=EVERYONE, post=POST_ONLY, kwargs=_version, scoped=True),
    "reports:version-presentation": Expect(
        get=EVERYONE, post=POST_ONLY, kwargs=_version_slides, scoped=True
    ),
    # No logo uploaded: 404 for everyone on the review too (nothing to show).
    "reports:logo": Expect(
        get=review_page(allowed=ON_REVIEW, ok=NOT_FOUND),
        post=POST_ONLY,
        kwargs=_review,
        scoped=True,
    ),
    # No signature image on the letter's template: 404 for those who read the draft.
    "reports:signature": Expect(
        get=review_page(allowed=TEAM, ok=NOT_FOUND), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reports:letterhead": Expect(
        get=LETTERHEAD, post=LETTERHEAD, kwargs=_organisation, scoped=True
    ),
    # The library of letter templates: coordinators; only their organisation's own can change.
    "reports:template-list": Expect(get=COORDINATORS, post=SIGNED_IN_GET_ONLY),
    "reports:template-detail": Expect(
        get=COORDINATORS, post=SIGNED_IN_GET_ONLY, kwargs=_shipped_template
    ),
    "reports:template-copy": Expect(get=COORDINATORS, post=COORDINATORS, kwargs=_shipped_template),
    "reports:template-edit": Expect(get=COORDINATORS, post=COORDINATORS, kwargs=_own_template),
    "reports:template-signature": Expect(
        get=COORDINATORS, post=SIGNED_IN_GET_ONLY, kwargs=_signed_template
    ),
}
