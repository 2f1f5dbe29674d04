"""One composed letter, three outputs: the HTML preview, the PDF (WeasyPrint) and the Word file.

``compose_letter`` builds everything the outputs need; the preview and the PDF include the same body
template, and the Word file is written from the same sections and blocks, so all three say the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import mimetypes
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import weasyprint
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from core.docx import new_document
from core.pdf import BASE_URL, html_to_pdf
from core.xmltext import xml_safe
from reports import blocks as markup
from reports import placeholders
from reports import wording as w
from reports.compose import LetterData, Section, gather
from reports.models import Letter, LetterTemplate
from reports.slides import build_deck, deck_html, deck_images, deck_pdf, deck_pptx
from reports.structure import build, rows_of, template_for
from reviews.setup.models import Review

LOGO_URL = BASE_URL + "letterhead-logo"
SIGNATURE_URL = BASE_URL + "signature"
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}


@dataclass(frozen=True)
class Signoff:
    words: str
    name: str
    title: str
    organisation: str
    has_signature: bool


@dataclass
class ComposedLetter:
    """Everything the outputs need, composed once: the template's settings filled in for the review,
    and the sections (all of them; the letter prints ``body`` and ``annexes``)."""

    data: LetterData
    template: LetterTemplate
    sections: list[Section]
    date: dt.date
    version_number: int | None = None

    @property
    def review(self) -> Review:
        return self.data.review

    @property
    def is_draft(self) -> bool:
        return self.version_number is None

    @property
    def letterhead(self) -> Any:
        return self.review.lead_organisation

    @cached_property
    def _filled(self) -> dict[str, str]:
        return placeholders.values(self.data)

    def fill(self, text: str) -> str:
        return placeholders.fill(text, self._filled)

    @property
    def visible(self) -> list[Section]:
        return [s for s in self.sections if s.visible]

    @property
    def body(self) -> list[Section]:
        """The sections printed before the sign-off."""
        return [s for s in self.visible if not s.annex]

    @property
    def annexes(self) -> list[Section]:
        """The annexes, printed after the sign-off."""
        return [s for s in self.visible if s.annex]

    @property
    def list_starts(self) -> list[tuple[int, int]]:
        """(start, start - 1) of every numbered list that does not start at 1, for the print
        stylesheet's counter resets."""
        starts: set[int] = set()
        for section in self.body:
            starts |= markup.list_starts(section.blocks)
        return [(n, n - 1) for n in sorted(starts)]

    @property
    def title_lines(self) -> list[str]:
        lines = [
            self.fill(line.strip()) for line in self.template.title.splitlines() if line.strip()
        ]
        return [line.upper() for line in lines] if self.template.title_capitals else lines

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)

    @property
    def salutation(self) -> str:
        return self.fill(self.template.salutation).strip()

    @property
    def references(self) -> list[tuple[str, str]]:
        """The reference lines the template prints, in order, each with its value."""
        t = self.template
        review = self.review
        out = []
        if t.show_your_reference and review.your_reference:
            out.append(("Your reference", review.your_reference))
        if t.show_our_reference and review.our_reference:
            out.append(("Our reference", review.our_reference))
        enquiries = self._enquiries()
        if enquiries:
            out.append(("Enquiries to", enquiries))
        if t.show_date:
            out.append(("Date", self.date_text))
        return out

    def _enquiries(self) -> str:
        t = self.template
        who = {
            LetterTemplate.EnquiriesTo.LEAD_REVIEWER.value: self.data.lead,
            LetterTemplate.EnquiriesTo.COORDINATOR.value: self.data.coordinator,
        }.get(t.enquiries_to)
        if t.enquiries_to == LetterTemplate.EnquiriesTo.NAMED:
            name, email = t.enquiries_name.strip(), ""
        elif who is not None:
            name, email = who.name, who.email
        else:
            return ""
        if not name:
            return ""
        parts = [name]
        if t.show_enquiries_email and email:
            parts.append(email)
        if t.enquiries_phone.strip():
            parts.append(f"direct line {t.enquiries_phone.strip()}")
        return ", ".join(parts)

    @property
    def signoff(self) -> Signoff:
        t = self.template
        org = self.letterhead
        if t.signatory == LetterTemplate.Signatory.LEAD_REVIEWER and self.data.lead:
            name, title = self.data.lead.name, self.data.lead.job_title
        elif t.signatory == LetterTemplate.Signatory.NAMED:
            name, title = t.signatory_name, ""
        else:
            name, title = org.director_name, org.director_title
        return Signoff(
            words=t.sign_off,
            name=name,
            title=t.signatory_title or title,
            organisation=org.name if t.show_signatory_organisation else "",
            has_signature=bool(t.signature),
        )

    @property
    def first_page_footer(self) -> str:
        return self.template.first_page_footer or self.letterhead.first_page_footer

    @property
    def continuation(self) -> str:
        return self.template.continuation

    @property
    def annex(self) -> dict[str, Any]:
        return self.data.annex if self.annexes else {}

    @property
    def annex_rows(self) -> list[dict[str, Any]]:
        return list(self.data.annex.get("criteria") or []) if self.data.cases_audited else []

    @property
    def chart(self) -> dict[str, Any]:
        rows = self.annex_rows
        bars = [
            {
                "y": 10 + i * 32,
                "text_y": 27 + i * 32,
                "label": f"{row['number']}. {row['title']}",
                "width": round((row["percent"] or 0) * 4),
                "percent": row["percent"],
            }
            for i, row in enumerate(rows)
        ]
        return {"bars": bars, "height": 20 + 32 * len(rows)}

    @property
    def author(self) -> str:
        return self.signoff.name or self.letterhead.display_name

    @property
    def date_text(self) -> str:
        return w.long_date(self.date)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def content(self) -> dict[str, Any]:
        """What is frozen with an issued version: the sections' text and the annex figures."""
        signoff = self.signoff
        return {
            "title": self.title,
            "title_lines": self.title_lines,
            "template": self.template.name,
            "references": [list(r) for r in self.references],
            "salutation": self.salutation,
            "signoff": {
                "words": signoff.words,
                "name": signoff.name,
                "title": signoff.title,
                "organisation": signoff.organisation,
            },
            "sections": [
                {"key": s.key, "number": s.number, "title": s.title, "text": s.text}
                for s in self.visible
            ],
            "annex": self.annex,
        }


def compose_letter(
    review: Review, *, letter: Letter | None = None, when: dt.date | None = None
) -> ComposedLetter:
    """The letter as it stands. ``when``: the day it is issued (the letter's own date, if the lead
    reviewer set one, wins)."""
    data = gather(review, letter=letter)
    template = template_for(review, data.letter)
    date = data.letter.date or when or timezone.localdate()
    data.letter_date = date
    sections = build(data, template, rows_of(template))
    return ComposedLetter(data=data, template=template, sections=sections, date=date)


def _read_image(image: Any, types: set[str]) -> tuple[bytes, str] | None:
    if not image:
        return None
    mime = mimetypes.guess_type(image.name)[0] or ""
    if mime not in types:
        return None
    try:
        with image.open("rb") as handle:
            return handle.read(), mime
    except OSError:
        return None


def _logo(letter: ComposedLetter) -> dict[str, tuple[bytes, str]]:
    """The images the letter prints, read once, for the PDF's fetcher: the lead organisation's logo
    (PNG, JPEG, SVG) and the template's signature image (PNG, JPEG)."""
    out = {}
    logo = _read_image(letter.letterhead.logo, LOGO_TYPES)
    if logo:
        out[LOGO_URL] = logo
    signature = _read_image(letter.template.signature, {"image/png", "image/jpeg"})
    if signature:
        out[SIGNATURE_URL] = signature
    return out


def letter_html(letter: ComposedLetter) -> str:
    return render_to_string(
        "reports/print/letter.html",
        {
            "letter": letter,
            "logo_url": LOGO_URL if _has_logo(letter) else "",
            "signature_url": SIGNATURE_URL if letter.template.signature else "",
        },
    )


def _has_logo(letter: ComposedLetter) -> bool:
    return bool(letter.letterhead.logo)


def letter_pdf(letter: ComposedLetter) -> bytes:
    html = letter_html(letter)
    return html_to_pdf(html, extra=_logo(letter), tagged=True)


def presentation_pdf(letter: ComposedLetter) -> bytes:
    """The feedback presentation as PDF (the slide model and both renderings: reports.slides)."""
    return deck_pdf(build_deck(letter))


def presentation_pptx(letter: ComposedLetter) -> bytes:
    """The feedback presentation as PowerPoint, from the same slide model as the PDF."""
    return deck_pptx(build_deck(letter))


# --- Drafts: rendered once per content ------------------------------------------------------------
#
# A draft PDF is asked for again and again while nothing in it changes, and rendering a long letter
# takes seconds. It is kept in the cache under the hash of everything that goes into it: the HTML
# (the composed sections, annex, letterhead and template, all rendered), the logo's bytes, the
# renderer's version and DRAFT_RENDER_VERSION. Any change gives another hash, so a stale PDF is
# never served; old entries just expire.

# Bump when the print stylesheets or fonts change in a way the HTML does not show (with hashed
# static file names, as after collectstatic, the HTML shows it by itself).
DRAFT_RENDER_VERSION = "1"
DRAFT_CACHE_SECONDS = 24 * 60 * 60


def draft_letter_pdf(letter: ComposedLetter) -> bytes:
    return _cached_pdf("letter", letter_html(letter), _logo(letter))


def draft_presentation_pdf(letter: ComposedLetter) -> bytes:
    deck = build_deck(letter)
    return _cached_pdf("presentation", deck_html(deck), deck_images(deck))


def draft_cache_key(kind: str, html: str, extra: dict[str, tuple[bytes, str]] | None) -> str:
    digest = hashlib.sha256()
    for part in (DRAFT_RENDER_VERSION, weasyprint.__version__, kind, html):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for url, (body, mime) in sorted((extra or {}).items()):
        digest.update(f"{url}\0{mime}\0".encode() + hashlib.sha256(body).digest())
    return f"reports:draft-pdf:{digest.hexdigest()}"


def _cached_pdf(kind: str, html: str, extra: dict[str, tuple[bytes, str]] | None) -> bytes:
    key = draft_cache_key(kind, html, extra)
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html, extra=extra, tagged=True)
        cache.set(key, pdf, DRAFT_CACHE_SECONDS)
    return pdf


# --- Word ------------------------------------------------------------------------------------------


def letter_docx(letter: ComposedLetter) -> bytes:
    """The same letter as a Word document: real headings, lists and a real table (councils edit in
    Word)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = new_document(title=xml_safe(letter.title), author=xml_safe(letter.author))
    for name, size in (("Heading 1", 17), ("Heading 2", 13), ("Heading 3", 12), ("Heading 4", 11)):
        doc.styles[name].font.size = Pt(size)  # as the PDF: the title well above the sections
    _docx_page_furniture(doc, letter)

    org = letter.letterhead
    images = _logo(letter)
    logo = images.get(LOGO_URL)
    if logo and logo[1] in {"image/png", "image/jpeg"}:
        doc.add_picture(io.BytesIO(logo[0]), height=Cm(2))
        _describe_last_picture(doc, org.name)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.add_run(xml_safe(org.name)).bold = True
    for line in [*org.address_lines, *org.contact_lines]:  # the web address as typed
        head.add_run(xml_safe("\n" + line))
    if org.officer_lines:
        officers = doc.add_paragraph()
        officers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        officers.add_run(xml_safe("\n".join(org.officer_lines))).font.size = Pt(9)
    refs = doc.add_paragraph()
    for label, value in letter.references:
        refs.add_run(f"{label}: ").bold = True
        refs.add_run(xml_safe(value + "\n"))
    review = letter.review
    addressee = doc.add_paragraph()
    for line in [
        review.addressee_name,
        review.addressee_title,
        review.host.name,
        *review.host.address_lines,
    ]:
        if line:
            addressee.add_run(xml_safe(line + "\n"))
    doc.add_paragraph(xml_safe(letter.salutation))
    if letter.title_lines:
        doc.add_heading(xml_safe("\n".join(letter.title_lines)), level=1)

    for section in letter.body:
        if section.heading_shown:
            doc.add_heading(xml_safe(section.full_title), level=section.level)
        _docx_blocks(doc, section.blocks, heading_level=section.level + 1)

    signoff = letter.signoff
    doc.add_paragraph(xml_safe(signoff.words))
    signature = images.get(SIGNATURE_URL)
    if signature and signature[1] in {"image/png", "image/jpeg"}:
        doc.add_picture(io.BytesIO(signature[0]), height=Cm(1.5))
        _describe_last_picture(doc, f"Signature of {signoff.name}")
    sign = doc.add_paragraph()
    sign.add_run(xml_safe(signoff.name or "")).bold = True
    for line in (signoff.title, signoff.organisation):
        if line:
            sign.add_run(xml_safe("\n" + line))

    rows = letter.annex_rows
    for annex in letter.annexes if rows else []:
        doc.add_page_break()
        doc.add_heading(xml_safe(annex.title or "Annex"), level=2)
        doc.add_paragraph(
            f"The percentage of the {w.counted(letter.data.cases_audited, 'case')} audited that met each "
            f"criterion, where the criterion applied, with the team's commentary."
        )
        doc.add_paragraph(
            "Case file audit: criteria, commentary and percentage met", style="Caption"
        )
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        header = table.rows[0]
        columns = ("Criterion", "Commentary", "% met", "Cases")  # as the PDF's table
        for cell, text in zip(header.cells, columns, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        # Repeat the header row on every page, and never split a row across pages.
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for row in rows:
            cells = table.add_row().cells
            cells[0].text = xml_safe(f"{row['number']}. {row['title']}")
            cells[1].text = xml_safe(row["commentary"] or "")
            cells[2].text = "–" if row["percent"] is None else f"{row['percent']}%"
            cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            cells[3].text = str(row.get("cases", row.get("applies", "")))
            cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for tr in table.rows:
            no_split = OxmlElement("w:cantSplit")
            tr._tr.get_or_add_trPr().append(no_split)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _docx_page_furniture(doc: Any, letter: ComposedLetter) -> None:
    """As the PDF: the draft mark in every page's header; "Page N of M" at the foot of every page; the
    continuation marker at the foot of every page but the last (a field: IF PAGE < NUMPAGES); the
    first-page footer line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    section = doc.sections[0]
    section.different_first_page_header_footer = True
    grey, red = RGBColor(0x50, 0x5A, 0x5F), RGBColor(0x94, 0x25, 0x14)
    for header in (section.first_page_header, section.header):
        paragraph = header.paragraphs[0]
        if letter.is_draft:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run("Draft for factual accuracy check")
            run.bold, run.font.size, run.font.color.rgb = True, Pt(9), red
    for footer, first in ((section.first_page_footer, True), (section.footer, False)):
        if first and letter.first_page_footer:
            line = footer.paragraphs[0]
            line.add_run(xml_safe(letter.first_page_footer)).font.size = Pt(9)
            paragraph = footer.add_paragraph()
        else:
            paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        _docx_field(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _docx_field(paragraph, "NUMPAGES")
        if letter.continuation:
            marker = footer.add_paragraph()
            marker.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _docx_if_not_last_page(marker, letter.continuation)
        for line in footer.paragraphs:
            for run in line.runs:
                run.font.size, run.font.color.rgb = Pt(9), grey


def _docx_if_not_last_page(paragraph: Any, text: str) -> None:
    """``text`` on every page but the last: { IF { PAGE } < { NUMPAGES } "text" "" }, with ``text``
    as the field's shown result until Word updates it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    def instruction(code: str) -> Any:
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = code
        return element

    def shown(value: str) -> Any:
        element = OxmlElement("w:t")
        element.text = value
        return element

    parts = [char("begin"), instruction(" IF ")]
    for code in ("PAGE", "NUMPAGES"):  # no cached result: Word works them out
        parts += [char("begin"), instruction(f" {code} "), char("end")]
        if code == "PAGE":
            parts.append(instruction(" < "))
    quoted = xml_safe(text).replace('"', "'")
    parts += [instruction(f' "{quoted}" "" '), char("separate"), shown(xml_safe(text)), char("end")]
    for part in parts:
        paragraph.add_run()._r.append(part)


def _describe_last_picture(doc: Any, text: str) -> None:
    """Alt text on the picture just added (Word reads it from docPr's descr)."""
    shape = doc.inline_shapes[-1]
    shape._inline.docPr.set("descr", xml_safe(text))
    shape._inline.docPr.set("title", xml_safe(text))


def _docx_blocks(doc: Any, blocks: list[markup.Block], *, heading_level: int) -> None:
    for block in blocks:
        if block.kind == "h":
            doc.add_heading(xml_safe(markup.plain(block.text)), level=min(heading_level, 9))
        elif block.kind == "p":
            paragraph = doc.add_paragraph()
            for text, bold in markup.inline_runs(block.text):
                paragraph.add_run(xml_safe(text)).bold = bold
        else:
            style = "List Bullet" if block.kind == "ul" else "List Number"
            # Word's "List Number" continues across the document, as the letter numbers its
            # recommendations across key lines of enquiry.
            for item in block.items:
                paragraph = doc.add_paragraph(style=style)
                for text, bold in markup.inline_runs(item):
                    paragraph.add_run(xml_safe(text)).bold = bold
