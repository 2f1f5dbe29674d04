"""Journey reports: start one (its own copy of the committee report template), edit a section, put a
section back to the generated text, render it (HTML, PDF, Word) and issue a version (frozen files).

Keyword-only, typed functions; each does all its work or none. Section edits are version-checked
(``core.versioning``), so two people editing the same section never overwrite each other silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.docx import new_document
from core.pdf import render_pdf
from core.versioning import StaleEdit, update_versioned
from core.xmltext import xml_safe
from improvement import journey
from improvement.models import JourneyReport, JourneyReportVersion, JourneySectionEdit
from reports import blocks as markup
from reports import template_services
from reports.compose import Section
from reports.models import LetterTemplate, text_hash
from trail.models import Event
from trail.services import record, record_change

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest

    from accounts.models import Organisation, User

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def create_report(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    user: User,
    request: HttpRequest | None = None,
) -> JourneyReport:
    """A new report with its own copy of the shipped committee report template."""
    with transaction.atomic():
        source = journey.default_template()
        template = None
        if source.pk:
            template = source.copy(
                name=source.name,
                organisation=None,
                is_shipped=False,
                key="",
                document=LetterTemplate.Document.COMMITTEE_REPORT,
            )
        report = JourneyReport.objects.create(
            organisation=organisation,
            template=template,
            created_by=user,
            **{f: data[f] for f in JourneyReport.DETAILS if f in data},
        )
        record_change(
            Event.Action.LETTER_SECTION_CHANGED,
            report,
            request,
            "journey report started",
            organisation=organisation.pk,
        )
    return report


def update_report(
    *,
    report: JourneyReport,
    version: int | None,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> JourneyReport:
    with transaction.atomic():
        update_versioned(
            JourneyReport,
            pk=report.pk,
            version=version,
            values={f: data[f] for f in JourneyReport.DETAILS if f in data},
        )
        report.refresh_from_db()
        record_change(Event.Action.LETTER_SECTION_CHANGED, report, request, "details changed")
    return report


def save_structure(
    *,
    report: JourneyReport,
    form: forms.ModelForm,
    formset: forms.BaseInlineFormSet,
    user: User,
    request: HttpRequest,
) -> list[str]:
    """Save the report's own sections (renamed, hidden, added, reordered) and numbering, with the
    letter's machinery; each change goes in the report's trail. Raises ``StaleEdit`` (nothing
    written) when someone saved them since the page was shown."""

    def recorder(changes: list[str]) -> None:
        record_change(
            Event.Action.LETTER_SECTION_CHANGED,
            report,
            request,
            "structure changed",
            changes=changes,
        )

    return template_services.save_template(
        form=form, formset=formset, user=user, request=request, recorder=recorder
    )


def section_of(report: JourneyReport, key: str) -> tuple[journey.JourneyData, Section | None]:
    data = journey.gather(report)
    for section in journey.build(data):
        if section.key == key:
            return data, section
    return data, None


def save_section(
    *,
    report: JourneyReport,
    section: Section,
    text: str,
    version: int | None,
    user: User,
    request: HttpRequest | None = None,
) -> None:
    """Keep ``text`` as the section's own text. ``version``: the edit's as the person saw it (None
    when they saw no edit: a new edit is then refused if someone made one meanwhile)."""
    with transaction.atomic():
        current = JourneySectionEdit.objects.filter(report=report, key=section.key).first()
        values = {
            "text": text,
            "generated_hash": text_hash(section.generated),
            "edited_by": user,
        }
        if current is None:
            if version is not None:
                raise StaleEdit
            JourneySectionEdit.objects.create(report=report, key=section.key, **values)
        else:
            update_versioned(JourneySectionEdit, pk=current.pk, version=version, values=values)
        record_change(
            Event.Action.LETTER_SECTION_CHANGED,
            report,
            request,
            "section edited",
            section=section.key,
        )


def reset_section(
    *, report: JourneyReport, key: str, version: int | None, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        if version is None:
            raise StaleEdit
        gone, _ = JourneySectionEdit.objects.filter(
            report=report, key=key, version=version
        ).delete()
        if not gone:
            raise StaleEdit
        record_change(
            Event.Action.LETTER_SECTION_CHANGED, report, request, "section reset", section=key
        )


# Rendering ---------------------------------------------------------------------------------------


@dataclass
class Piece:
    kind: str  # p, h, ul, ol
    number: int
    html: Any
    items: list[Any]
    block: markup.Block


@dataclass
class Composed:
    data: journey.JourneyData
    sections: list[Section]
    numbers: dict[str, list[int]]

    @property
    def report(self) -> JourneyReport:
        return self.data.report

    @property
    def visible(self) -> list[Section]:
        return [s for s in self.sections if s.visible]

    def pieces(self, section: Section) -> list[Piece]:
        numbers = self.numbers.get(section.key, [])
        out = []
        for index, block in enumerate(markup.parse(section.text)):
            n = numbers[index] if index < len(numbers) else 0
            out.append(
                Piece(
                    kind=block.kind,
                    number=n,
                    # inline_html escapes every character typed, then adds the bold marks.
                    html=mark_safe(markup.inline_html(block.text)),  # noqa: S308
                    items=[mark_safe(markup.inline_html(i)) for i in block.items],  # noqa: S308
                    block=block,
                )
            )
        return out

    @property
    def body(self) -> list[tuple[Section, list[Piece]]]:
        return [(s, self.pieces(s)) for s in self.visible]

    @property
    def heading_lines(self) -> list[str]:
        r = self.report
        lines = []
        if r.committee:
            lines.append(r.committee)
        if r.meeting_date:
            lines.append(f"{r.meeting_date:%-d %B %Y}")
        if r.report_of:
            lines.append(f"Report of the {r.report_of}")
        return lines

    def content(self) -> dict[str, Any]:
        return {
            "title": self.report.title,
            "sections": [{"key": s.key, "title": s.title, "text": s.text} for s in self.visible],
        }


def compose(report: JourneyReport) -> Composed:
    data = journey.gather(report)
    sections = journey.build(data)
    return Composed(data=data, sections=sections, numbers=journey.section_numbers(sections))


def report_pdf(composed: Composed) -> bytes:
    return render_pdf(
        "improvement/print/journey_report.html",
        {"composed": composed, "report": composed.report},
    )


def report_docx(composed: Composed) -> bytes:
    import io

    report = composed.report
    doc = new_document(title=xml_safe(report.title), author=xml_safe(report.author_name))
    for line in composed.heading_lines:
        doc.add_paragraph(xml_safe(line))
    doc.add_heading(xml_safe(report.title), level=0)
    for section, pieces in composed.body:
        if section.heading_shown:
            doc.add_heading(xml_safe(section.title), level=1 if section.level == 2 else 2)
        for piece in pieces:
            block = piece.block
            if block.kind == "h":
                doc.add_heading(xml_safe(markup.plain(block.text)), level=3)
            elif block.kind == "p":
                paragraph = doc.add_paragraph()
                if piece.number:
                    paragraph.add_run(f"{piece.number}. ")
                for text, bold in markup.inline_runs(block.text):
                    paragraph.add_run(xml_safe(text)).bold = bold
            else:
                style = "List Bullet" if block.kind == "ul" else "List Number"
                for item in block.items:
                    paragraph = doc.add_paragraph(style=style)
                    for text, bold in markup.inline_runs(item):
                        paragraph.add_run(xml_safe(text)).bold = bold
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class AlreadyIssued(Exception):
    """A version was issued since the page was opened (a second click, another tab): not again."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def issue(
    *,
    report: JourneyReport,
    user: User,
    request: HttpRequest | None = None,
    after: int | None = None,
) -> JourneyReportVersion:
    """Freeze the report as it reads now: the next version, its PDF and Word files and its text.

    ``after``: the latest version number the person saw (0 for none); if another was issued since,
    ``AlreadyIssued`` is raised and nothing is issued, so a double click issues one version."""
    composed = compose(report)
    pdf = report_pdf(composed)
    docx = report_docx(composed)
    with transaction.atomic():
        JourneyReport.objects.select_for_update().filter(pk=report.pk).first()
        top = report.versions.aggregate(top=Max("number"))["top"] or 0
        if after is not None and top != after:
            raise AlreadyIssued(top)
        version = JourneyReportVersion(
            report=report,
            number=top + 1,
            issued_at=timezone.now(),
            issued_by=user,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            docx_sha256=hashlib.sha256(docx).hexdigest(),
            content=composed.content(),
        )
        version.pdf.save("journey-report.pdf", ContentFile(pdf), save=False)
        version.docx.save("journey-report.docx", ContentFile(docx), save=False)
        version.save()
        record(
            action=Event.Action.LETTER_ISSUED,
            request=request,
            obj=report,
            detail={"change": "journey report issued", "version": version.number},
        )
    return version


class VersionFileRefused(Exception):
    """An issued journey report's stored file is missing or not the file issued (SHA-256)."""


def read_version_file(
    *, version: JourneyReportVersion, file_format: str, request: HttpRequest
) -> bytes:
    """The stored file of an issued version, checked against the SHA-256 taken when it was issued;
    a missing or changed file is refused (and the refusal written to the audit trail)."""
    stored, expected = {
        "pdf": (version.pdf, version.pdf_sha256),
        "docx": (version.docx, version.docx_sha256),
    }[file_format]
    data = b""
    reason = ""
    try:
        with stored.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        reason = "missing"
    if not reason and hashlib.sha256(data).hexdigest() != expected:
        reason = "not as issued"
    if not reason:
        return data
    record(
        action=Event.Action.LETTER_FILE_REFUSED,
        request=request,
        obj=version.report,
        detail={"version": version.number, "format": file_format, "reason": reason},
    )
    raise VersionFileRefused(reason)
