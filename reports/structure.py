"""A letter's structure: its template's sections made into the letter's sections, with their text,
numbers and visibility.

The template is the letter's own copy once the letter is started (``Letter.template``), else the
template the review's kind starts from (``default_template``). Every section is built, hidden and
empty ones too (the lead reviewer's pages list them); the letter prints the ``visible`` ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from reports import catalogue, placeholders
from reports.compose import LetterData, Section
from reports.models import Letter, LetterTemplate, TemplateSection
from reviews.setup.models import Review

PEER_CHALLENGE = "peer-challenge"


def default_template(review: Review) -> LetterTemplate:
    """The shipped template for the review's kind (the peer challenge letter when none names it).
    An unsaved empty template if none is installed, so a letter page never fails."""
    shipped = list(LetterTemplate.objects.library().filter(is_shipped=True))
    for template in shipped:
        if review.kind in (template.default_for_kinds or []):
            return template
    for template in shipped:
        if template.key == PEER_CHALLENGE:
            return template
    return shipped[0] if shipped else LetterTemplate(name="Letter")


def template_for(review: Review, letter: Letter) -> LetterTemplate:
    """The template a letter is written from: its own copy once started, else the default."""
    if letter.pk and letter.template is not None:  # read with the letter (compose.gather)
        return letter.template
    return default_template(review)


def rows_of(template: LetterTemplate) -> list[TemplateSection]:
    return list(template.sections.all()) if template.pk else []


def _label(row: TemplateSection) -> str:
    if row.heading:
        return row.heading
    if row.content == TemplateSection.Content.GENERATED:
        block = catalogue.BY_KEY.get(row.block)
        return block.label if block else "Generated text"
    if row.content == TemplateSection.Content.OWN:
        return "Your own words (no heading)"
    return "Text with no heading"


def build(
    data: LetterData, template: LetterTemplate, rows: Sequence[TemplateSection]
) -> list[Section]:
    """Every section of the letter in order, numbered as the letter prints them."""
    annex_rows = bool(data.cases_audited and data.annex.get("criteria"))
    data.has_annex = annex_rows and any(
        r.content == TemplateSection.Content.GENERATED and r.block == "annex" and not r.hidden
        for r in rows
    )
    filled = placeholders.values(data)
    out: list[Section] = []
    for row in rows:
        section = Section(
            key=row.key,
            title=placeholders.fill(row.heading, filled),
            heading_shown=bool(row.heading),
            level=3 if row.subsection else 2,
            content=row.content,
            numbered=row.numbered,
            hidden=row.hidden,
            always=row.show == TemplateSection.Show.ALWAYS,
            label=_label(row),
        )
        block = None
        if row.content == TemplateSection.Content.GENERATED:
            block = catalogue.BY_KEY.get(row.block)
            if block is None:  # a block this version of the product no longer writes
                continue
            section.block = block.key
            section.generated = block.write(data, row.detail)
            if block.annex:
                section.annex = True
                section.annex_filled = annex_rows
                section.chart = row.detail
        elif row.content == TemplateSection.Content.FREE:
            section.generated = placeholders.fill(row.text, filled)
        section.edit = data.edits.get(row.key)
        out.append(section)
        if block is not None and block.subsections is not None:
            for sub in block.subsections(data):
                out.append(
                    Section(
                        key=sub.key,
                        title=sub.title,
                        generated=sub.text,
                        level=3,
                        numbered=row.numbered,
                        hidden=row.hidden,
                        label=sub.title,
                        block=block.key,
                        edit=data.edits.get(sub.key),
                    )
                )
    number(out, template.numbering)
    return out


def number(sections: list[Section], numbering: str) -> None:
    """Number the visible sections with a numbered heading: 1, 2, 3 ...; subsections 5.1, 5.2 ...
    (``numbering``: the template's style). Hidden and empty sections take no number."""
    main = 0
    sub = 0
    for section in sections:
        section.number = ""
        if not section.visible or section.annex or not section.heading_shown:
            continue
        if numbering == LetterTemplate.Numbering.NONE or not section.numbered:
            continue
        if section.level == 2:
            main += 1
            sub = 0
            section.number = str(main)
        elif numbering == LetterTemplate.Numbering.DECIMAL and main:
            sub += 1
            section.number = f"{main}.{sub}"
