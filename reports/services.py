"""What changes a letter: editing and resetting sections, sharing the draft, comments and replies,
issuing a version, recording downloads. Every change writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from core.email import send_email
from core.markup import clean_text
from core.versioning import StaleEdit, update_versioned
from reports.compose import Section
from reports.models import (
    Comment,
    Letter,
    LetterDownload,
    LetterTemplate,
    LetterVersion,
    SectionEdit,
    SectionRevision,
    text_hash,
)
from reports.render import compose_letter, letter_docx, letter_pdf
from reports.slides import build_deck, deck_pdf, deck_pptx
from reports.structure import default_template
from reviews.setup.models import Membership, Review, Role
from reviews.setup.services import record_status_change
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def letter_for_update(review: Review, *, source: LetterTemplate | None = None) -> Letter:
    """The review's letter row, locked for the rest of the transaction. Created on the first change,
    with its own copy of its template (``source``, else the one the review's kind starts from): from
    then on, changing that template never changes this letter."""
    Letter.objects.get_or_create(review=review)
    letter = Letter.objects.select_for_update().get(review=review)
    if letter.template_id is None:
        start_from = source or default_template(review)
        if start_from.pk:
            letter.template = _letter_copy(start_from)
            letter.source = start_from
            letter.save(update_fields=["template", "source", "updated_at"])
    return letter


def _letter_copy(template: LetterTemplate) -> LetterTemplate:
    """A letter's own copy: no organisation (so no library page can change it), never shipped."""
    return template.copy(organisation=None, is_shipped=False, key="", default_for_kinds=[])


def all_sections(review: Review, letter: Letter | None = None) -> list[Section]:
    """Every section of the letter's template, including those with no text yet or hidden (they can
    be edited), numbered as the letter prints them."""
    return compose_letter(review, letter=letter).sections


def find_section(review: Review, key: str, letter: Letter | None = None) -> Section | None:
    return next((s for s in all_sections(review, letter) if s.key == key), None)


def save_section(
    *, review: Review, key: str, text: str, version: int, user: User, request: HttpRequest
) -> SectionEdit:
    """Keep the lead reviewer's text for a section. ``version``: the edit's version the page showed
    (0 when the section had not been edited). Raises StaleEdit if it changed since."""
    text = clean_text(text)
    with transaction.atomic():
        letter = letter_for_update(review)
        section = find_section(review, key, letter)
        if section is None:
            raise KeyError(key)
        edit = SectionEdit.objects.filter(letter=letter, key=key).first()
        current = edit.version if edit else 0
        if current != version:
            raise StaleEdit
        generated_hash = text_hash(section.generated)
        if edit is None:
            try:
                with transaction.atomic():
                    edit = SectionEdit.objects.create(
                        letter=letter,
                        key=key,
                        text=text,
                        generated_hash=generated_hash,
                        edited_by=user,
                    )
            except IntegrityError as error:
                raise StaleEdit from error
        else:
            update_versioned(
                SectionEdit,
                pk=edit.pk,
                version=version,
                values={"text": text, "generated_hash": generated_hash, "edited_by": user},
            )
            edit.refresh_from_db()
        SectionRevision.objects.create(
            letter=letter,
            key=key,
            title=section.title,
            action=SectionRevision.Action.EDITED,
            text=text,
            by=user,
        )
        Letter.objects.filter(pk=letter.pk).update(version=F("version") + 1)
        record(
            action=Event.Action.LETTER_SECTION_CHANGED,
            request=request,
            obj=letter,
            review_id=review.pk,
            detail={"section": key, "title": section.title, "change": "edited"},
        )
    return edit


def reset_section(
    *, review: Review, key: str, version: int, user: User, request: HttpRequest
) -> None:
    """Go back to the generated text (the edit is kept in the section's history)."""
    with transaction.atomic():
        letter = letter_for_update(review)
        edit = SectionEdit.objects.filter(letter=letter, key=key).first()
        if edit is None or edit.version != version:
            raise StaleEdit
        section = find_section(review, key, letter)
        title = section.title if section else key
        edit.delete()
        SectionRevision.objects.create(
            letter=letter, key=key, title=title, action=SectionRevision.Action.RESET, by=user
        )
        record(
            action=Event.Action.LETTER_SECTION_CHANGED,
            request=request,
            obj=letter,
            review_id=review.pk,
            detail={"section": key, "title": title, "change": "reset"},
        )


def set_letter_date(
    *, review: Review, date: dt.date | None, version: int, user: User, request: HttpRequest
) -> Letter:
    """The date the letter bears (None: the day it is issued). Raises StaleEdit if the letter
    changed since the page showed it."""
    with transaction.atomic():
        letter = letter_for_update(review)
        if letter.version != version and not (version == 0 and letter.version <= 1):
            raise StaleEdit
        update_versioned(Letter, pk=letter.pk, version=letter.version, values={"date": date})
        SectionRevision.objects.create(
            letter=letter,
            key="structure",
            title="The letter's structure",
            action=SectionRevision.Action.STRUCTURE,
            text=f"Dated {date:%-d %B %Y}" if date else "Dated the day it is issued",
            by=user,
        )
        record(
            action=Event.Action.LETTER_SECTION_CHANGED,
            request=request,
            obj=letter,
            review_id=review.pk,
            detail={"change": "date", "date": date.isoformat() if date else None},
        )
    return letter


def _host_lead_emails(review: Review) -> list[str]:
    return list(
        Membership.objects.filter(
            review=review, role=Role.HOST_LEAD, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def share(*, review: Review, user: User, request: HttpRequest) -> Letter:
    """Share the draft with the host for the factual accuracy check, and tell the host lead contact."""
    with transaction.atomic():
        letter = letter_for_update(review)
        letter.shared_at = timezone.now()
        letter.shared_by = user
        letter.save(update_fields=["shared_at", "shared_by", "updated_at"])
        Review.objects.filter(pk=review.pk).update(
            status=Review.Status.ACCURACY_CHECK, version=F("version") + 1
        )
        record(
            action=Event.Action.REVIEW_CHANGED,
            request=request,
            obj=review,
            detail={
                "change": "letter shared for factual accuracy check",
                "from": review.status,
                "to": Review.Status.ACCURACY_CHECK,
            },
        )
        url = request.build_absolute_uri(reverse("reports:comments", kwargs={"pk": review.pk}))
        send_email(  # queued in the change's transaction, sent after commit (core.email)
            template="reports/email/shared",
            context={"review": review, "url": url, "by": user},
            to=_host_lead_emails(review),
            about=letter,
        )
    return letter


def add_comment(*, review: Review, section: Section, quote: str, text: str, user: User) -> Comment:
    with transaction.atomic():
        letter = letter_for_update(review)
        return Comment.objects.create(
            letter=letter,
            section_key=section.key,
            section_title=section.full_title,
            quote=clean_text(quote),
            text=clean_text(text),
            author=user,
        )


def answer_comment(*, comment: Comment, accept: bool, reply: str, user: User) -> Comment:
    """Accept or decline an open comment, with a reply. Raises StaleEdit if already answered."""
    status = Comment.Status.ACCEPTED if accept else Comment.Status.DECLINED
    updated = Comment.objects.filter(pk=comment.pk, status=Comment.Status.OPEN).update(
        status=status, reply=clean_text(reply), replied_by=user, replied_at=timezone.now()
    )
    if not updated:
        raise StaleEdit
    comment.refresh_from_db()
    return comment


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def freeze_version(
    *, review: Review, user: User | None, issued_at: dt.datetime | None = None
) -> LetterVersion:
    """Render the letter as it is now and store it as the next version (PDF, Word, SHA-256, the
    sections' text and the annex). The caller holds the transaction."""
    letter = letter_for_update(review)
    number = (letter.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    when = issued_at or timezone.now()
    composed = compose_letter(review, letter=letter, when=timezone.localdate(when))
    composed.version_number = number
    pdf = letter_pdf(composed)
    docx = letter_docx(composed)
    deck = build_deck(composed)
    pptx, slides_pdf = deck_pptx(deck), deck_pdf(deck)
    version = LetterVersion(
        letter=letter,
        number=number,
        template_name=composed.template.name,
        issued_at=when,
        issued_by=user,
        pdf_sha256=_sha256(pdf),
        pdf_size=len(pdf),
        docx_sha256=_sha256(docx),
        docx_size=len(docx),
        pptx_sha256=_sha256(pptx),
        slides_pdf_sha256=_sha256(slides_pdf),
        content=composed.content(),
    )
    slug = f"feedback-letter-v{number}"
    version.pdf.save(f"{slug}.pdf", ContentFile(pdf), save=False)
    version.docx.save(f"{slug}.docx", ContentFile(docx), save=False)
    version.pptx.save(f"feedback-presentation-v{number}.pptx", ContentFile(pptx), save=False)
    version.slides_pdf.save(
        f"feedback-presentation-v{number}.pdf", ContentFile(slides_pdf), save=False
    )
    version.save()
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.ISSUED, version=F("version") + 1
    )
    Review.objects.filter(pk=review.pk, letter_issued_at__isnull=True).update(letter_issued_at=when)
    return version


def issue(*, review: Review, user: User, request: HttpRequest) -> LetterVersion:
    """Freeze the letter as the next version: render PDF and Word, store them with their SHA-256.

    An issued version is never changed; a later change to the letter is issued as a new version.
    """
    with transaction.atomic():
        before = Review.objects.values_list("status", flat=True).get(pk=review.pk)
        version = freeze_version(review=review, user=user)
        if before != Review.Status.ISSUED:
            record_status_change(
                review=review, old=before, new=Review.Status.ISSUED, user=user, request=request
            )
        record(
            action=Event.Action.LETTER_ISSUED,
            request=request,
            obj=version,
            review_id=review.pk,
            detail={
                "version": version.number,
                "pdf_sha256": version.pdf_sha256,
                "docx_sha256": version.docx_sha256,
            },
        )
        url = request.build_absolute_uri(reverse("reports:versions", kwargs={"pk": review.pk}))
        send_email(  # queued in the change's transaction, sent after commit (core.email)
            template="reports/email/issued",
            context={"review": review, "url": url, "version": version, "by": user},
            to=_host_lead_emails(review),
            about=version,
        )
    return version


def record_download(
    *, version: LetterVersion, file_format: str, user: User, request: HttpRequest
) -> None:
    LetterDownload.objects.create(version=version, user=user, file_format=file_format)
    record(
        action=Event.Action.LETTER_DOWNLOADED,
        request=request,
        obj=version,
        review_id=version.letter.review_id,
        detail={"version": version.number, "format": file_format},
    )
