"""What changes a letter: editing and resetting sections, sharing the draft, comments and replies,
issuing a version, recording downloads. Every change writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
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
from reports.render import ComposedLetter, compose_letter, letter_docx, letter_pdf
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


class AlreadyIssuedReview(Exception):
    """The review's letter is issued: its stage stays "Letter issued" (a later change is issued as a
    new version, not shared again for a factual accuracy check)."""


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days (Monday to Friday) after ``start``. Bank holidays are not
    known: the lead reviewer changes the date when one falls in the way."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def default_reply_by(today: dt.date) -> dt.date:
    """The factual accuracy check's reply-by date unless the lead reviewer chooses another."""
    return working_days_after(today, settings.ACCURACY_CHECK_WORKING_DAYS)


def share(
    *, review: Review, user: User, request: HttpRequest, reply_by: dt.date | None = None
) -> Letter:
    """Share the draft with the host for the factual accuracy check, asking for any corrections by
    ``reply_by`` (by default ``ACCURACY_CHECK_WORKING_DAYS`` working days), and tell the host lead
    contact."""
    with transaction.atomic():
        letter = letter_for_update(review)
        if Review.objects.filter(pk=review.pk, status=Review.Status.ISSUED).exists():
            raise AlreadyIssuedReview
        letter.shared_at = timezone.now()
        letter.shared_by = user
        letter.reply_by = reply_by or default_reply_by(timezone.localdate())
        letter.save(update_fields=["shared_at", "shared_by", "reply_by", "updated_at"])
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
            context={"review": review, "url": url, "by": user, "reply_by": letter.reply_by},
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


class AlreadyIssued(Exception):
    """Nothing new was issued: ``version`` is the latest issued version. ``unchanged``: the letter
    is word for word that version; otherwise someone issued it since the page was shown (a second
    press, a second lead reviewer, a retry after an error that in fact succeeded)."""

    def __init__(self, version: LetterVersion, *, unchanged: bool) -> None:
        super().__init__(f"version {version.number} already issued")
        self.version = version
        self.unchanged = unchanged


def _comparable(content: dict[str, Any]) -> Any:
    """The content as the version's JSON field keeps it, so that the two compare."""
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


@dataclass
class _Rendered:
    number: int
    when: dt.datetime
    template_name: str
    content: dict[str, Any]
    pdf: bytes
    docx: bytes
    pptx: bytes
    slides_pdf: bytes


def _compose(review: Review, letter: Letter, *, number: int, when: dt.datetime) -> ComposedLetter:
    composed = compose_letter(review, letter=letter, when=timezone.localdate(when))
    composed.version_number = number
    return composed


def _render(composed: ComposedLetter, *, number: int, when: dt.datetime) -> _Rendered:
    deck = build_deck(composed)  # the presentation, issued with the letter
    return _Rendered(
        number=number,
        when=when,
        template_name=composed.template.name,
        content=composed.content(),
        pdf=letter_pdf(composed),
        docx=letter_docx(composed),
        pptx=deck_pptx(deck),
        slides_pdf=deck_pdf(deck),
    )


def _store(
    review: Review, letter: Letter, rendered: _Rendered, user: User | None, written: list[str]
) -> LetterVersion:
    """Write the files, then the row that names them (the caller holds the transaction and the
    letter's lock). ``written``: the files' names, for the caller to remove if the transaction does
    not commit; no row is ever committed without its files."""
    version = LetterVersion(
        letter=letter,
        number=rendered.number,
        template_name=rendered.template_name,
        issued_at=rendered.when,
        issued_by=user,
        pdf_sha256=_sha256(rendered.pdf),
        pdf_size=len(rendered.pdf),
        docx_sha256=_sha256(rendered.docx),
        docx_size=len(rendered.docx),
        pptx_sha256=_sha256(rendered.pptx),
        slides_pdf_sha256=_sha256(rendered.slides_pdf),
        content=rendered.content,
    )
    slug = f"feedback-letter-v{rendered.number}"
    version.pdf.save(f"{slug}.pdf", ContentFile(rendered.pdf), save=False)
    written.append(version.pdf.name)
    version.docx.save(f"{slug}.docx", ContentFile(rendered.docx), save=False)
    written.append(version.docx.name)
    number = rendered.number
    version.pptx.save(
        f"feedback-presentation-v{number}.pptx", ContentFile(rendered.pptx), save=False
    )
    written.append(version.pptx.name)
    version.slides_pdf.save(
        f"feedback-presentation-v{number}.pdf", ContentFile(rendered.slides_pdf), save=False
    )
    written.append(version.slides_pdf.name)
    version.save()
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.ISSUED, version=F("version") + 1
    )
    Review.objects.filter(pk=review.pk, letter_issued_at__isnull=True).update(
        letter_issued_at=rendered.when
    )
    return version


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # left for `manage.py letter_files --remove-unreferenced`
            logger.warning("Could not remove %s after a failed issue", name)


def freeze_version(
    *, review: Review, user: User | None, issued_at: dt.datetime | None = None
) -> LetterVersion:
    """Render the letter as it is now and store it as the next version (PDF, Word, SHA-256, the
    sections' text and the annex). The caller holds the transaction; if it fails here, the files
    written are removed (if it rolls back later, `manage.py letter_files` finds them)."""
    letter = letter_for_update(review)
    number = (letter.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    when = issued_at or timezone.now()
    composed = _compose(review, letter, number=number, when=when)
    rendered = _render(composed, number=number, when=when)
    written: list[str] = []
    try:
        with transaction.atomic():
            return _store(review, letter, rendered, user, written)
    except BaseException:
        _remove(written)
        raise


def issue(
    *, review: Review, user: User, request: HttpRequest, based_on: int | None = None
) -> LetterVersion:
    """Freeze the letter as the next version: render PDF and Word, store them with their SHA-256.

    Idempotent: ``based_on`` is the latest version number the person's page showed (the issue form
    carries it); if another version has been issued since, or the letter is word for word the latest
    version, nothing is issued (``AlreadyIssued``). The files are rendered first, outside any lock
    (it takes seconds); then, with the letter locked, the check is made again and the files and the
    row are written in one transaction, the files removed if it does not commit.

    An issued version is never changed; a later change to the letter is issued as a new version.
    """
    Letter.objects.get_or_create(review=review)
    letter = Letter.objects.get(review=review)
    latest = letter.versions.select_related("issued_by").first()
    latest_number = latest.number if latest else 0
    if latest is not None and based_on is not None and based_on != latest_number:
        raise AlreadyIssued(latest, unchanged=False)
    number, when = latest_number + 1, timezone.now()
    composed = _compose(review, letter, number=number, when=when)
    if latest is not None and latest.content == _comparable(composed.content()):
        raise AlreadyIssued(latest, unchanged=True)
    rendered = _render(composed, number=number, when=when)
    written: list[str] = []
    try:
        with transaction.atomic():
            letter = letter_for_update(review)
            now_latest = letter.versions.select_related("issued_by").first()
            if now_latest is not None and now_latest.number != latest_number:
                raise AlreadyIssued(now_latest, unchanged=False)
            before = Review.objects.values_list("status", flat=True).get(pk=review.pk)
            version = _store(review, letter, rendered, user, written)
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
    except BaseException:
        _remove(written)
        raise
    return version


class FileRefused(Exception):
    """An issued letter's stored file is missing or is not the file issued (its SHA-256 differs)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_issued_file(
    *, version: LetterVersion, file_format: str, user: User, request: HttpRequest
) -> bytes:
    """The stored file (``file_format``: "pdf" or "docx" of the letter, "pptx" or "slides-pdf" of
    the presentation) of an issued version, checked against the SHA-256 taken when it was issued.
    A missing file or one that differs is never served: ``FileRefused``, written to the audit trail
    (the coordinator and the lead reviewer see it on the issued letters' page) and to the log."""
    stored, expected = {
        "pdf": (version.pdf, version.pdf_sha256),
        "docx": (version.docx, version.docx_sha256),
        "pptx": (version.pptx, version.pptx_sha256),
        "slides-pdf": (version.slides_pdf, version.slides_pdf_sha256),
    }[file_format]
    reason = ""
    data = b""
    try:
        with stored.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        reason = "missing"
    if not reason and _sha256(data) != expected:
        reason = "not as issued"
    if not reason:
        return data
    logger.error(
        "Refused %s of version %s of review %s: %s (%s, %d bytes)",
        file_format,
        version.number,
        version.letter.review_id,
        reason,
        stored.name,
        len(data),
    )
    record(
        action=Event.Action.LETTER_FILE_REFUSED,
        request=request,
        actor=user,
        obj=version,
        review_id=version.letter.review_id,
        detail={
            "version": version.number,
            "format": file_format,
            "reason": reason,
            "expected_sha256": expected,
            "found_sha256": _sha256(data) if data else "",
            "found_size": len(data),
        },
    )
    raise FileRefused(reason)


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
