"""The action plan as Word (real headings and a real table) and as Excel, for an improvement board."""

from __future__ import annotations

import io
from typing import Any

from core.docx import new_document
from core.exports import Sheet
from core.xmltext import xml_safe
from improvement.models import Action
from improvement.services import Plan, PlanItem

HEADERS = [
    "Recommendation or area",
    "Finding",
    "Action",
    "Owner",
    "Due date",
    "Measure of success",
    "Status",
    "Overdue",
    "Latest progress",
]


def _latest(action: Action) -> str:
    updates = list(action.updates.all())
    if not updates:
        return ""
    latest = updates[0]
    return f"{latest.date:%d %B %Y}: {latest.text}"


def rows(plan: Plan) -> list[list[Any]]:
    lines = []
    items: list[PlanItem] = plan.recommendations + plan.chosen_areas
    for item in items:
        for action in item.actions:
            lines.append(
                [
                    item.label,
                    item.finding.text,
                    action.what,
                    action.owner,
                    action.due_date,
                    action.measure,
                    action.get_status_display(),
                    "Overdue" if action.overdue else "",
                    _latest(action),
                ]
            )
        if not item.actions:
            lines.append(
                [item.label, item.finding.text, "No actions yet", "", None, "", "", "", ""]
            )
    return lines


def title_of(plan: Plan) -> str:
    return f"Action plan: {plan.review.title}"


def sheet(plan: Plan) -> Sheet:
    """The action plan as one Excel sheet: its title and date above the table of actions."""
    return Sheet(
        name="Action plan",
        title=title_of(plan),
        subtitle=f"As at {plan.today:%d %B %Y}",
        header=HEADERS,
        rows=rows(plan),
        widths=(22, 50, 50, 24, 12, 40, 12, 10, 50),
    )


def to_docx(plan: Plan) -> bytes:
    """The action plan as a Word document: A4 landscape (a wide table), British English, headings
    in the text's font and in black (``core.docx``)."""
    from docx.shared import Pt

    document = new_document(title=xml_safe(title_of(plan)), landscape=True, margin_cm=1.5)
    document.add_heading(xml_safe(title_of(plan)), level=0)
    review = plan.review
    document.add_paragraph(
        xml_safe(
            f"{review.host.name}. Response to the {review.kind_label.lower()} led by "
            f"{review.lead_organisation.name}. Progress as at {plan.today:%d %B %Y}."
        )
    )
    counts = plan.counts
    document.add_paragraph(
        ", ".join(f"{label}: {counts[value]}" for value, label in Action.Status.choices)
        + f". Overdue: {len(plan.overdue)}."
    )
    for heading, items in (
        ("Recommendations", plan.recommendations),
        ("Areas for consideration", plan.chosen_areas),
    ):
        if not items:
            continue
        document.add_heading(heading, level=1)
        for item in items:
            document.add_heading(xml_safe(item.label), level=2)
            document.add_paragraph(xml_safe(item.finding.text))
            if not item.actions:
                document.add_paragraph("No actions yet.")
                continue
            table = document.add_table(rows=1, cols=6)
            table.style = "Table Grid"
            header = table.rows[0].cells
            for cell, text in zip(
                header,
                ("Action", "Owner", "Due date", "Measure of success", "Status", "Latest progress"),
                strict=True,
            ):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            _repeat_header(table.rows[0])
            for action in item.actions:
                cells = table.add_row().cells
                status = action.get_status_display()
                if action.overdue:
                    status += " (overdue)"
                values = (
                    action.what,
                    action.owner,
                    f"{action.due_date:%d %B %Y}",
                    action.measure,
                    status,
                    _latest(action),
                )
                for cell, text in zip(cells, values, strict=True):
                    cell.text = xml_safe(text)
                    for paragraph in cell.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _repeat_header(row: Any) -> None:
    """Mark the table's first row as a header row (read as such, repeated on each page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
