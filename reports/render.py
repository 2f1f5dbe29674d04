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
from typing import Any

import weasyprint
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import BASE_URL, html_to_pdf
from core.xmltext import xml_safe
from reports import blocks as markup
from reports import wording as w
from reports.compose import LetterData, Section, gather
from reports.models import Letter
from reports.styles import SESSION_WORDS, LetterStyle, style_for
from reviews.fieldwork.models import Finding
from reviews.setup.models import Review

LOGO_URL = BASE_URL + "letterhead-logo"
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}


@dataclass
class ComposedLetter:
    data: LetterData
    style: LetterStyle
    sections: list[Section]
    title: str
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

    @property
    def salutation(self) -> str:
        name = self.review.addressee_name.strip()
        return f"Dear {name.split()[0]}" if name else "Dear colleague"

    @property
    def annex(self) -> dict[str, Any]:
        return self.data.annex if self.style.has_annex else {}

    @property
    def annex_rows(self) -> list[dict[str, Any]]:
        return list(self.annex.get("criteria") or []) if self.data.cases_audited else []

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
        org = self.letterhead
        return org.director_name or org.display_name

    @property
    def date_text(self) -> str:
        return w.long_date(self.date)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def content(self) -> dict[str, Any]:
        """What is frozen with an issued version: the sections' text and the annex figures."""
        return {
            "title": self.title,
            "style": self.style.key,
            "sections": [
                {"key": s.key, "number": s.number, "title": s.title, "text": s.text}
                for s in self.sections
            ],
            "annex": self.annex,
        }


def compose_letter(
    review: Review, *, letter: Letter | None = None, when: dt.date | None = None
) -> ComposedLetter:
    data = gather(review, letter=letter)
    style = style_for(data.letter)
    return ComposedLetter(
        data=data,
        style=style,
        sections=style.sections(data),
        title=style.title(data),
        date=when or timezone.localdate(),
    )


def _logo(letter: ComposedLetter) -> dict[str, tuple[bytes, str]]:
    """The lead organisation's uploaded logo, read once, for the PDF's fetcher (PNG, JPEG, SVG)."""
    logo = letter.letterhead.logo
    if not logo:
        return {}
    mime = mimetypes.guess_type(logo.name)[0] or ""
    if mime not in LOGO_TYPES:
        return {}
    try:
        with logo.open("rb") as handle:
            return {LOGO_URL: (handle.read(), mime)}
    except OSError:
        return {}


def letter_html(letter: ComposedLetter) -> str:
    return render_to_string(
        "reports/print/letter.html",
        {"letter": letter, "logo_url": LOGO_URL if _has_logo(letter) else ""},
    )


def _has_logo(letter: ComposedLetter) -> bool:
    return bool(letter.letterhead.logo)


def letter_pdf(letter: ComposedLetter) -> bytes:
    html = letter_html(letter)
    return html_to_pdf(html, extra=_logo(letter), tagged=True)


def presentation_pdf(letter: ComposedLetter) -> bytes:
    return html_to_pdf(_presentation_html(letter), extra=_logo(letter), tagged=True)


def _presentation_html(letter: ComposedLetter) -> str:
    return render_to_string(
        "reports/print/presentation.html",
        {
            "letter": letter,
            "slides": slides(letter),
            "logo_url": LOGO_URL if _has_logo(letter) else "",
        },
    )


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
    return _cached_pdf("presentation", _presentation_html(letter), _logo(letter))


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


# --- The feedback presentation ---------------------------------------------------------------------

MAX_BULLETS = 6


def _chunks(items: list[str], size: int = MAX_BULLETS) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def _slide_text(finding: Finding) -> str:
    text = markup.plain(" ".join(finding.text.split()))
    return f"{finding.lead_in}: {text}" if finding.lead_in else text


def slides(letter: ComposedLetter) -> list[dict[str, Any]]:
    """One idea per slide, in the order of seed 001: about us, your request, what we did, the key
    lines of enquiry, strengths, areas for consideration, recommendations, next steps. Long lists go
    over several slides, numbered (1), (2) ..."""
    data = letter.data
    out: list[dict[str, Any]] = []

    def add(title: str, items: list[str], intro: str = "", numbered: bool = False) -> None:
        chunks = _chunks(items)
        for index, chunk in enumerate(chunks):
            suffix = f" ({index + 1})" if len(chunks) > 1 else ""
            out.append(
                {
                    "title": title + suffix,
                    "intro": intro,
                    "items": chunk,
                    "numbered": numbered,
                    "start": index * MAX_BULLETS + 1,
                }
            )

    team = [
        f"**{p.name}**: " + ", ".join(x for x in (p.job_title, p.organisation) if x)
        for p in ([data.lead] if data.lead else []) + data.reviewers
    ]
    if data.coordinator:
        team.append(f"**{data.coordinator.name}**: coordinator")
    add("About us: our team", team)
    request = [
        line.strip()[2:] if line.strip().startswith(("- ", "* ")) else line.strip()
        for line in data.review.request.splitlines()
        if line.strip()
    ]
    add("Your request to us", request)
    did = []
    if data.documents:
        did.append(f"Read {w.counted(data.documents, 'document')} you shared with us")
    if data.days:
        where = "online" if data.review.delivery == Review.Delivery.VIRTUAL else "on site"
        did.append(f"Worked with you {where} on {w.dates(data.days)}")
    for kind, n in sorted(data.sessions.items()):
        singular, plural = SESSION_WORDS.get(kind, ("a session", "sessions"))
        did.append(w.sentence_case(singular if n == 1 else f"{w.number(n)} {plural}"))
    if data.cases_audited:
        did.append(f"Audited {w.counted(data.cases_audited, 'case file')} against agreed criteria")
    add("What we did", did, intro="With your help, we have:")
    add("Our key lines of enquiry", [k.heading for k in data.kloes], numbered=True)
    add(
        "Our findings: areas of strength",
        [_slide_text(f) for f in data.of_kind(Finding.Kind.STRENGTH)],
        intro="We have found:",
    )
    add(
        "Our findings: areas for consideration",
        [_slide_text(f) for f in data.of_kind(Finding.Kind.AREA)],
        intro="We have found:",
    )
    add("Our recommendations", [_slide_text(f) for f in data.recommendations], numbered=True)
    steps = [
        "We will send you a draft letter to check for factual accuracy",
        "You tell us of anything we have got wrong",
        "We issue the final letter to you",
    ]
    if data.lead:
        steps.append(f"Questions about our findings: {data.lead.name}")
    add("Next steps", steps)
    return [s for s in out if s["items"]]


# --- Word ------------------------------------------------------------------------------------------


def letter_docx(letter: ComposedLetter) -> bytes:
    """The same letter as a Word document: real headings, lists and a real table (councils edit in
    Word)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    props = doc.core_properties
    props.title = xml_safe(letter.title)
    props.author = xml_safe(letter.author)
    props.language = "en-GB"
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    for page in doc.sections:
        page.page_height, page.page_width = Cm(29.7), Cm(21.0)
        page.left_margin = page.right_margin = Cm(2)

    org = letter.letterhead
    logo = _logo(letter)
    if logo and logo[LOGO_URL][1] in {"image/png", "image/jpeg"}:
        doc.add_picture(io.BytesIO(logo[LOGO_URL][0]), height=Cm(2))
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.add_run(xml_safe(org.name)).bold = True
    for line in [*org.address_lines, *org.contact_lines]:  # the web address as typed
        head.add_run(xml_safe("\n" + line))
    if org.officer_lines:
        officers = doc.add_paragraph()
        officers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        officers.add_run(xml_safe("\n".join(org.officer_lines))).font.size = Pt(9)
    if org.first_page_footer:
        first = doc.sections[0]
        first.different_first_page_header_footer = True
        footer = first.first_page_footer.paragraphs[0]
        footer.add_run(xml_safe(org.first_page_footer)).font.size = Pt(9)

    refs = doc.add_paragraph()
    review = letter.review
    for label, value in (
        ("Our reference", review.our_reference),
        ("Your reference", review.your_reference),
        ("Date", letter.date_text),
    ):
        if value:
            refs.add_run(f"{label}: ").bold = True
            refs.add_run(xml_safe(value + "\n"))
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
    doc.add_heading(xml_safe(letter.title), level=1)

    for section in letter.sections:
        if section.heading_shown:
            doc.add_heading(xml_safe(section.full_title), level=section.level)
        _docx_blocks(doc, section.blocks, heading_level=section.level + 1)

    doc.add_paragraph("Yours sincerely")
    sign = doc.add_paragraph()
    sign.add_run(xml_safe(org.director_name or "")).bold = True
    for line in (org.director_title, org.name):
        if line:
            sign.add_run(xml_safe("\n" + line))

    rows = letter.annex_rows
    if rows:
        doc.add_page_break()
        doc.add_heading("Annex 1: case file audit", level=2)
        doc.add_paragraph(
            f"The percentage of the {w.counted(letter.data.cases_audited, 'case')} audited that met each "
            f"criterion, where the criterion applied, with the team's commentary."
        )
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        header = table.rows[0]
        for cell, text in zip(header.cells, ("Criterion", "Commentary", "% met"), strict=True):
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
        for tr in table.rows:
            no_split = OxmlElement("w:cantSplit")
            tr._tr.get_or_add_trPr().append(no_split)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


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
