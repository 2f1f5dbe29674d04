"""The feedback presentation: one model of the slides, two renderings (PowerPoint and PDF).

``build_deck(letter)`` turns the composed letter (its data and template) into a ``Deck``: a title
slide and a list of ``Slide`` in the order of a real feedback presentation (seed 001): about us, the
team and your request, what we did, the key lines of enquiry, strengths, areas for consideration,
recommendations, next steps. A long list goes over several slides, "(1)", "(2)" ..., and numbered
items keep their own numbers (the recommendations are numbered as the letter numbers them).

Text stays in the letter's markup (``reports.blocks``): **bold** becomes bold runs, and a finding
written as a list becomes sub-bullets. ``deck_pptx`` writes the PowerPoint file with python-pptx and
``deck_pdf`` the PDF through the print template; both read the same ``Deck``.
"""

from __future__ import annotations

import datetime as dt
import io
import mimetypes
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from core.pdf import BASE_URL, html_to_pdf
from core.xmltext import xml_safe
from reports import blocks as markup
from reports import wording as w
from reports.catalogue import SESSION_WORDS
from reports.models import SlideEdit
from reviews.fieldwork.models import Finding
from reviews.schedule.models import Session
from reviews.setup.models import Review

if TYPE_CHECKING:
    from accounts.models import Organisation
    from reports.compose import LetterData
    from reports.render import ComposedLetter

# Lines of text per slide, at 20 point on a 16:9 slide (an item's sub-bullets count too).
MAX_LINES = 9
LINE_CHARS = 95
_NUMBER = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")
LEAD_LOGO_URL = BASE_URL + "letterhead-logo"
HOST_LOGO_URL = BASE_URL + "host-logo"
# python-pptx places PNG and JPEG pictures; an SVG logo is left out of the PowerPoint file (the
# organisation's name is printed in its place) and still shows in the PDF.
PICTURE_TYPES = {"image/png", "image/jpeg"}
LOGO_TYPES = PICTURE_TYPES | {"image/svg+xml"}


@dataclass
class Bullet:
    """One item on a slide, in the letter's markup; ``number`` is printed before it ("7.")."""

    text: str
    number: str = ""
    sub: list[str] = field(default_factory=list)

    @property
    def runs(self) -> list[tuple[str, bool]]:
        return markup.inline_runs(self.text)

    @property
    def lines(self) -> int:
        """About how many lines it takes on a slide (some 95 characters a line)."""
        return sum(-(-len(markup.plain(t)) // LINE_CHARS) or 1 for t in [self.text, *self.sub])


@dataclass
class Slide:
    key: str
    title: str
    intro: str = ""
    bullets: list[Bullet] = field(default_factory=list)
    numbered: bool = False


@dataclass
class Logo:
    organisation: str
    body: bytes
    mime: str
    url: str

    @property
    def alt(self) -> str:
        return f"{self.organisation} logo"


@dataclass
class Deck:
    title: str
    subtitle: str
    organisations: str
    date: dt.date
    logos: list[Logo]
    slides: list[Slide]
    author: str
    is_draft: bool
    # Organisations whose logo could not go into the PowerPoint file (SVG), for the title slide.
    names_without_picture: list[str] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        return w.long_date(self.date)

    @property
    def titles(self) -> list[str]:
        return [self.title] + [s.title for s in self.slides]


# --- The model -------------------------------------------------------------------------------------


def feedback_day(data: LetterData, fallback: dt.date) -> dt.date:
    """The day the feedback is given: the review day with a feedback presentation session, else the
    last review day, else the letter's date."""
    day = (
        Session.objects.filter(
            review=data.review,
            kind=Session.Kind.FEEDBACK_PRESENTATION,
            cancelled_at__isnull=True,
        )
        .order_by("-day__date")
        .values_list("day__date", flat=True)
        .first()
    )
    if day:
        return day
    return data.days[-1] if data.days else fallback


def review_name(review: Review) -> str:
    """ "Peer challenge of the front door in Northby"; a kind that names the front door already
    ("Front door health check") is not followed by "of the front door" again."""
    kind = review.kind_label
    host = review.host.display_name
    if "front door" in kind.lower():
        return f"{kind} in {host}"
    return f"{kind} of the front door in {host}"


def _bullets_of(text: str, *, lead_in: str = "", number: str = "") -> list[Bullet]:
    """A finding (or a line of the request) as one bullet: its paragraphs joined, a list inside it
    as sub-bullets, a heading inside it as bold text."""
    words: list[str] = []
    sub: list[str] = []
    for block in markup.parse(text):
        if block.kind == "p":
            words.append(block.text)
        elif block.kind == "h":
            words.append(f"**{markup.plain(block.text)}**")
        elif block.kind == "ol":
            sub.extend(f"{n}. {i}" for n, i in zip(block.numbers, block.items, strict=True))
        else:
            sub.extend(block.items)
    line = " ".join(words)
    if lead_in:
        line = f"**{lead_in}:** {line}" if line else f"**{lead_in}**"
    if not line and sub:
        line, sub = sub[0], sub[1:]
    return [Bullet(line, number=number, sub=sub)] if line else []


def _finding(finding: Finding) -> list[Bullet]:
    return _bullets_of(
        finding.text, lead_in=finding.lead_in, number=str(getattr(finding, "number", "") or "")
    )


def _lines_of(text: str) -> list[Bullet]:
    """Free text (the request, the organisation's profile) as bullets, one a line; list marks
    ("- ", "1. ") are dropped, as the slide shows its own."""
    out: list[Bullet] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        for block in markup.parse(line):
            out.extend(Bullet(i) for i in (block.items or [block.text]))
    return out


def _section_bullets(text: str) -> list[Bullet]:
    """A letter section's text as bullets: a paragraph, or a list's item, each."""
    out: list[Bullet] = []
    for block in markup.parse(text):
        if block.kind == "h":
            out.append(Bullet(f"**{markup.plain(block.text)}**"))
        elif block.kind == "p":
            out.append(Bullet(block.text))
        else:
            numbers = block.numbers if block.kind == "ol" else [""] * len(block.items)
            out.extend(Bullet(i, number=n) for n, i in zip(numbers, block.items, strict=True))
    return out


def what_we_did(data: LetterData) -> list[Bullet]:
    """Verb phrases that finish "With your help, we have:"."""
    review = data.review
    sessions = data.sessions
    did: list[str] = []
    if data.documents:
        did.append(f"read {w.counted(data.documents, 'document')} you shared with us")
    if data.days:
        where = "online" if review.delivery == Review.Delivery.VIRTUAL else "on site"
        did.append(f"worked with you {where} on {w.dates(data.days)}")
    if sessions.get(Session.Kind.OPENING_MEETING):
        did.append("held an opening meeting with your senior leaders")
    talks = []
    for kind in (Session.Kind.INTERVIEW, Session.Kind.FOCUS_GROUP, Session.Kind.WORKSHOP):
        n = sessions.get(kind, 0)
        if n:
            singular, plural = SESSION_WORDS[kind]
            talks.append(singular if n == 1 else f"{w.number(n)} {plural}")
    if talks:
        did.append(f"held {w.join(talks)}")
    observed = sessions.get(Session.Kind.OBSERVATION, 0)
    if observed:
        times = {1: "once", 2: "twice"}.get(observed, f"{w.number(observed)} times")
        did.append(f"observed practice {times}")
    if data.cases_audited:
        did.append(f"audited {w.counted(data.cases_audited, 'case file')} against agreed criteria")
    elif sessions.get(Session.Kind.CASE_AUDIT):
        did.append("looked at case files with your practitioners and managers")
    if sessions.get(Session.Kind.TEAM_CONSOLIDATION):
        did.append("brought our findings together as a team")
    others = sessions.get(Session.Kind.OTHER, 0)
    if others:
        did.append(f"taken part in {w.counted(others, 'other session')}")
    return [Bullet(w.sentence_case(line)) for line in did]


def _chunks(bullets: list[Bullet]) -> list[list[Bullet]]:
    """The bullets over as few slides as fit MAX_LINES each, shared out evenly (ten
    recommendations go five and five, not nine and one); an item is never split."""
    total = sum(b.lines for b in bullets)
    if not total:
        return []
    slides = -(-total // MAX_LINES)
    target = -(-total // slides)
    out: list[list[Bullet]] = []
    lines = 0
    for bullet in bullets:
        if out and lines + bullet.lines <= max(target, 1) and lines < MAX_LINES:
            out[-1].append(bullet)
            lines += bullet.lines
        else:
            out.append([bullet])
            lines = bullet.lines
    return out


@dataclass
class SlideGroup:
    """One slide as the lead reviewer sees it on the slides page: generated (with their changes,
    ``edit``) or added by them. Over MAX_LINES it prints as several slides, "(1)", "(2)" ..."""

    key: str
    title: str
    bullets: list[Bullet]
    generated_title: str = ""
    generated_text: str = ""
    intro: str = ""
    more: str = ""
    numbered: bool = False
    hidden: bool = False
    position: int = 0
    added: bool = False
    edit: SlideEdit | None = None

    @property
    def text(self) -> str:
        return slide_text(self.bullets, numbered=self.numbered)

    @property
    def is_edited(self) -> bool:
        return bool(self.edit and (self.edit.title or self.edit.text))

    def slides(self) -> list[Slide]:
        chunks = _chunks(self.bullets) or ([[]] if self.added else [])
        out = []
        for index, chunk in enumerate(chunks):
            suffix = f" ({index + 1})" if len(chunks) > 1 else ""
            out.append(
                Slide(
                    key=self.key,
                    title=self.title + suffix,
                    intro=(self.more or self.intro) if index else self.intro,
                    bullets=chunk,
                    numbered=self.numbered,
                )
            )
        return out


def slide_text(bullets: list[Bullet], *, numbered: bool = False) -> str:
    """Bullets as the lead reviewer edits them: one item a line ("7. " before a numbered one), a
    sub-bullet on its own line as "  - ", **bold** as typed."""
    lines = []
    for bullet in bullets:
        lines.append(
            f"{bullet.number}. {bullet.text}" if numbered and bullet.number else bullet.text
        )
        lines.extend(f"  - {sub}" for sub in bullet.sub)
    return "\n".join(lines)


def parse_slide_text(text: str, *, numbered: bool = False) -> list[Bullet]:
    """The lead reviewer's text back as bullets (``slide_text``'s format)."""
    out: list[Bullet] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        is_sub = raw[:1].isspace() and line.startswith(("- ", "* ", "• ", "– "))
        if is_sub and out:
            out[-1].sub.append(line[2:].strip())
            continue
        if line.startswith(("- ", "* ", "• ", "– ")):
            line = line[2:].strip()
        number = ""
        match = _NUMBER.match(line) if numbered else None
        if match:
            number, line = match.group(1), match.group(2)
        out.append(Bullet(line, number=number))
    return out


def slide_groups(letter: ComposedLetter) -> list[SlideGroup]:
    """Every slide after the title slide, in order, hidden ones too, with the lead reviewer's
    changes (``SlideEdit``) applied."""
    data = letter.data
    review = data.review
    lead_org = review.lead_organisation
    groups: list[SlideGroup] = []

    def add(key: str, title: str, bullets: list[Bullet], **kwargs: Any) -> None:
        group = SlideGroup(key=key, title=title, bullets=bullets, **kwargs)
        group.generated_title, group.generated_text = title, group.text
        group.position = (len(groups) + 1) * 10
        groups.append(group)

    add(
        "about",
        "About us",
        _lines_of(lead_org.about_us),
        intro=f"About {lead_org.display_name}:",
    )
    add("principles", "Our principles of engagement", _lines_of(lead_org.principles))
    team = [
        Bullet(f"**{p.name}**" + "".join(f" – {x}" for x in (p.job_title, p.organisation) if x))
        for p in ([data.lead] if data.lead else []) + data.reviewers
    ]
    if data.coordinator:
        team.append(Bullet(f"**{data.coordinator.name}** – review coordinator"))
    add("team", "About us: our team", team)
    add("request", "Your request to us", _lines_of(review.request))
    add("did", "What we did", what_we_did(data), intro="With your help, we have:")
    add(
        "kloes",
        "Our key lines of enquiry",
        [Bullet(k.heading, number=str(k.number)) for k in data.kloes],
        intro="With your help, we have sought to better understand:",
        numbered=True,
    )
    strengths = [b for f in data.of_kind(Finding.Kind.STRENGTH) for b in _finding(f)]
    add(
        "strengths",
        "Our findings: areas of strength",
        strengths,
        intro="We have found:",
        more="We have also found:",
    )
    areas = [b for f in data.of_kind(Finding.Kind.AREA) for b in _finding(f)]
    add(
        "areas",
        "Our findings: areas for consideration",
        areas,
        intro="We have found:",
        more="We have also found:",
    )
    add(
        "recommendations",
        "Our recommendations",
        [b for f in data.recommendations for b in _finding(f)],
        numbered=True,
    )
    # The letter's own sections (the lead reviewer's words, the template's text) make slides of
    # their own, in the letter's order: a plain letter's headed sections are its presentation too.
    for section in letter.body:
        if section.content in ("own", "free") and section.heading_shown and section.text.strip():
            add(f"section-{section.key}", section.title, _section_bullets(section.text))
    steps = [
        Bullet("We will send you a **draft letter** to check for factual accuracy"),
        Bullet("You tell us of anything we have got wrong"),
        Bullet("We issue the **final letter** to you"),
    ]
    if data.lead:
        steps.append(Bullet(f"Questions about our findings: **{data.lead.name}**"))
    if not any(g.title.strip().lower() == "next steps" for g in groups):  # the letter's own, else
        add("next", "Next steps", steps)

    letter_row = data.letter
    edits = (
        list(SlideEdit.objects.filter(letter=letter_row).order_by("pk")) if letter_row.pk else []
    )
    by_key = {g.key: g for g in groups}
    for edit in edits:
        group = by_key.get(edit.key)
        if group is None:
            if not edit.added:
                continue  # a generated slide that no longer exists
            group = SlideGroup(key=edit.key, title="", bullets=[], added=True)
            group.position = (len(groups) + 1) * 10
            groups.append(group)
        group.edit = edit
        if edit.title:
            group.title = edit.title
        if edit.text or edit.added:
            group.bullets = parse_slide_text(edit.text, numbered=group.numbered)
        group.hidden = edit.hidden
        if edit.position is not None:
            group.position = edit.position
    # A slide with nothing to show is left out, unless the lead reviewer added it.
    return sorted(
        (g for g in groups if g.bullets or g.added),
        key=lambda g: (g.position, groups.index(g)),
    )


def build_deck(letter: ComposedLetter) -> Deck:
    data = letter.data
    review = data.review
    lead_org, host = review.lead_organisation, review.host
    slides = [s for g in slide_groups(letter) if not g.hidden for s in g.slides()]
    logos, without = [], []
    for org, url in ((lead_org, LEAD_LOGO_URL), (host, HOST_LOGO_URL)):
        logo = _read_logo(org, url)
        if logo:
            logos.append(logo)
            if logo.mime not in PICTURE_TYPES:
                without.append(org.name)
    return Deck(
        title=f"Feedback from the {lead_org.display_name} team",
        subtitle=review_name(review),
        organisations=f"{lead_org.name} and {host.name}",
        date=feedback_day(data, letter.date),
        logos=logos,
        slides=slides,
        author=letter.author,
        is_draft=letter.is_draft,
        names_without_picture=without,
    )


def _read_logo(org: Organisation, url: str) -> Logo | None:
    image = org.logo
    if not image:
        return None
    mime = mimetypes.guess_type(image.name)[0] or ""
    if mime not in LOGO_TYPES:
        return None
    try:
        with image.open("rb") as handle:
            body = handle.read()
    except OSError:
        return None
    return Logo(organisation=org.name, body=body, mime=mime, url=url)


# --- PDF ---------------------------------------------------------------------------------------------


def deck_html(deck: Deck) -> str:
    return render_to_string("reports/print/presentation.html", {"deck": deck})


def deck_images(deck: Deck) -> dict[str, tuple[bytes, str]]:
    return {logo.url: (logo.body, logo.mime) for logo in deck.logos}


def deck_pdf(deck: Deck) -> bytes:
    return html_to_pdf(deck_html(deck), extra=deck_images(deck), tagged=True)


# --- PowerPoint ----------------------------------------------------------------------------------

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 by 7.5 inches: 16:9
MARGIN = Inches(0.6)
BLUE = RGBColor(0x1D, 0x70, 0xB8)
GREY = RGBColor(0x50, 0x5A, 0x5F)
FONT = "Arial"
LANGUAGE = "en-GB"


def _run(paragraph: Any, text: str, *, bold: bool = False, size: int | None = None) -> Any:
    run = paragraph.add_run()
    run.text = xml_safe(text)
    run.font.bold = bold
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    run.font._rPr.set("lang", LANGUAGE)
    return run


def _no_bullet(paragraph: Any) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", "0")
    p_pr.set("indent", "0")
    etree.SubElement(p_pr, qn("a:buNone"))


def _bullet(paragraph: Any, level: int, char: str = "•") -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    left = Emu(Inches(0.35) * (level + 1))
    p_pr.set("marL", str(int(left)))
    p_pr.set("indent", str(-int(Inches(0.35))))
    etree.SubElement(p_pr, qn("a:buFont"), typeface=FONT)
    etree.SubElement(p_pr, qn("a:buChar"), char=char)


def _numbered(paragraph: Any) -> None:
    # The number is the item's own ("7."), written as text: PowerPoint's automatic numbering
    # would restart on each slide.
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(int(Inches(0.55))))
    p_pr.set("indent", str(-int(Inches(0.55))))
    etree.SubElement(p_pr, qn("a:buNone"))


def _place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _footer(slide: Any, deck: Deck, number: int) -> None:
    box = slide.shapes.add_textbox(MARGIN, HEIGHT - Inches(0.55), WIDTH - 2 * MARGIN, Inches(0.4))
    box.name = "Footer"
    frame = box.text_frame
    paragraph = frame.paragraphs[0]
    words = deck.organisations + (" · DRAFT" if deck.is_draft else "")
    _run(paragraph, words, size=11).font.color.rgb = GREY
    _run(paragraph, "    ", size=11)
    # The slide number as a field, so it follows the slide when slides are moved.
    field_run = etree.SubElement(
        paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
    )
    field_run.set("type", "slidenum")
    r_pr = etree.SubElement(field_run, qn("a:rPr"), lang=LANGUAGE, sz="1100")
    r_pr.set("dirty", "0")
    text = etree.SubElement(field_run, qn("a:t"))
    text.text = str(number)
    end = paragraph._p.find(qn("a:endParaRPr"))
    if end is not None:
        paragraph._p.remove(end)
        paragraph._p.append(end)


def _title_slide(prs: Any, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place(title, MARGIN, Inches(2.3), WIDTH - 2 * MARGIN, Inches(1.5))
    _place(subtitle, MARGIN, Inches(3.9), WIDTH - 2 * MARGIN, Inches(2.2))
    title.text_frame.text = ""
    _run(title.text_frame.paragraphs[0], deck.title, bold=True, size=40).font.color.rgb = BLUE
    frame = subtitle.text_frame
    frame.text = ""
    lines = [deck.subtitle, deck.date_text]
    if deck.names_without_picture:
        lines.insert(0, deck.organisations)
    if deck.is_draft:
        lines.append("DRAFT")
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _run(paragraph, line, size=24, bold=line == "DRAFT")
    pictures = [logo for logo in deck.logos if logo.mime in PICTURE_TYPES]
    for logo in pictures:
        picture = slide.shapes.add_picture(
            io.BytesIO(logo.body), MARGIN, MARGIN, height=Inches(1.3)
        )
        if picture.width > Inches(4):  # a wide logo is kept within its side of the slide
            ratio = Inches(4) / picture.width
            picture.width, picture.height = Inches(4), int(picture.height * ratio)
        if (
            logo.url == HOST_LOGO_URL
        ):  # the host's logo on the right, the lead organisation's on the left
            picture.left = WIDTH - MARGIN - picture.width
        picture.name = logo.alt
        picture._element.nvPicPr.cNvPr.set("descr", xml_safe(logo.alt))
    _footer(slide, deck, 1)


def _content_slide(prs: Any, deck: Deck, data: Slide, number: int) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    title, body = slide.placeholders[0], slide.placeholders[1]
    _place(title, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(1.1))
    _place(body, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, HEIGHT - Inches(2.2))
    title.text_frame.text = ""
    heading = title.text_frame.paragraphs[0]
    _run(heading, data.title, bold=True, size=32).font.color.rgb = BLUE
    frame = body.text_frame
    frame.text = ""
    frame.word_wrap = True
    # Should a slide still be too full (long words, an edited text), PowerPoint shrinks the text.
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    first = True

    def paragraph() -> Any:
        nonlocal first
        p = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        p.space_after = Pt(6)
        return p

    if data.intro:
        p = paragraph()
        _no_bullet(p)
        _run(p, data.intro, size=22)
    for item in data.bullets:
        p = paragraph()
        if data.numbered and item.number:
            _numbered(p)
            _run(p, f"{item.number}.\t", size=20)
        else:
            _bullet(p, 0)
        for text, bold in item.runs:
            _run(p, text, bold=bold, size=20)
        for sub in item.sub:
            p = paragraph()
            p.level = 1
            _bullet(p, 1, "–")
            for text, bold in markup.inline_runs(sub):
                _run(p, text, bold=bold, size=18)
    _footer(slide, deck, number)


def deck_pptx(deck: Deck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    props.title = xml_safe(f"{deck.title}: {deck.subtitle}")
    props.author = xml_safe(deck.author)
    props.language = LANGUAGE
    props.subject = "Feedback presentation" + (" (draft)" if deck.is_draft else "")
    _title_slide(prs, deck)
    for number, slide in enumerate(deck.slides, start=2):
        _content_slide(prs, deck, slide, number)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
