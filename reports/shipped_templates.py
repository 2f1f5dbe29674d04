"""The letter templates that ship with the product, as data: the peer challenge letter in the model
letter's order with its annex (seed 002), a short health check letter, and a plain letter of the lead
reviewer's own headed sections.

Loaded by the data migration (which keeps a frozen copy) and by ``manage.py load_letter_templates``,
which brings the shipped templates up to this file without touching anyone's copies or letters.
"""

from __future__ import annotations

from typing import Any

G, F, OWN = "generated", "free", "own"

NOT_AN_INSPECTION = (
    "It is important to stress that this was not an inspection. A team of peers used their "
    "experience to reflect on the evidence you presented through documentation, conversation and "
    "direct observation of practice. We hope the conclusions, captured in our feedback presentation "
    "to you, will assist you in your continued improvement."
)
SUMMARY_DISCUSSED = (
    "This letter provides a summary of our findings, which we discussed in detail at the feedback "
    "session with senior colleagues in {host}."
)


def _s(key: str, heading: str, content: str, block: str = "", **extra: Any) -> dict[str, Any]:
    return {"key": key, "heading": heading, "content": content, "block": block, **extra}


TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "peer-challenge",
        "name": "Peer challenge letter with case file audit annex",
        "description": (
            "The full letter of a peer challenge, in the order of the model letter: context, "
            "process, summary, areas for further consideration, detailed findings by key line of "
            "enquiry with the case file audit, next steps, and the audit's table as Annex 1."
        ),
        "default_for_kinds": ["peer_challenge", "diagnostic", "follow_up", "other"],
        "settings": {
            "numbering": "decimal",
            "title": "{review name} in {host}: {month and year}",
            "salutation": "Dear {first name}",
            "enquiries_to": "lead_reviewer",
            "signatory": "director",
            "continuation": "Continued/...",
        },
        "sections": [
            _s("opening", "", G, "opening"),
            _s("context", "Context", G, "request"),
            _s("context-kloes", "", G, "kloes"),
            _s("context-self-assessment", "", G, "self-assessment-rated"),
            _s("context-not-an-inspection", "", F, text=NOT_AN_INSPECTION),
            _s("process", "Process", G, "team"),
            _s("process-activities", "", G, "activities"),
            _s("process-summary", "", F, text=SUMMARY_DISCUSSED),
            _s("summary", "Summary of findings", G, "strengths-summary"),
            _s("summary-self-assessment", "", G, "self-assessment-view"),
            _s("areas-summary", "Areas for further consideration: summary", G, "areas-summary"),
            _s("detailed", "Detailed findings", G, "detailed-findings"),
            _s("case-audit", "Case file audit", G, "case-audit", subsection=True),
            _s("next-steps", "Next steps", G, "next-steps"),
            _s("annex", "Annex 1: case file audit", G, "annex", detail=True),
        ],
    },
    {
        "key": "health-check",
        "name": "Short health check letter",
        "description": (
            "A short letter for a front door health check: key headlines with strengths and areas "
            "apart, the focus areas, strengths and areas under each, the cases reviewed and the "
            "limits of a short review."
        ),
        "default_for_kinds": ["fdhc"],
        "settings": {
            "numbering": "decimal",
            "title": "{review name} in {host}: {month and year}",
            "salutation": "Dear {first name}",
            "enquiries_to": "lead_reviewer",
            "signatory": "director",
            "continuation": "Continued/...",
        },
        "sections": [
            _s("opening", "", G, "opening"),
            _s("context", "What you asked us to do", G, "request"),
            _s("context-team", "", G, "team"),
            _s("headlines", "Key headlines", G, "key-headlines"),
            _s("focus-areas", "The areas we focused on", G, "kloes"),
            _s("strengths", "Strengths", G, "strengths-by-kloe"),
            _s("areas", "Areas for consideration", G, "areas-by-kloe"),
            _s("cases", "The cases we reviewed", G, "cases-reviewed"),
            _s("limits", "", G, "limits"),
            _s("next-steps", "Next steps", G, "next-steps"),
        ],
    },
    {
        "key": "plain",
        "name": "Plain letter: the lead reviewer's own headed sections",
        "description": (
            "No generated text: the letterhead, the date, the addressee, the salutation, headed "
            "sections the lead reviewer writes, and the sign-off."
        ),
        "default_for_kinds": [],
        "settings": {
            "numbering": "none",
            "title": "{review name} in {host}",
            "salutation": "Dear {first name}",
            "enquiries_to": "lead_reviewer",
            "signatory": "lead_reviewer",
            "continuation": "",
        },
        "sections": [
            _s("introduction", "Introduction", OWN, show="always", numbered=False),
            _s("what-we-found", "What we found", OWN, show="always", numbered=False),
            _s("what-we-recommend", "What we recommend", OWN, show="always", numbered=False),
            _s("next-steps", "Next steps", OWN, show="always", numbered=False),
        ],
    },
]


def install(letter_template: Any, template_section: Any, templates: list[dict[str, Any]]) -> int:
    """Create or bring up to date each shipped template (by key) and its sections; returns how many.
    Takes the models as arguments so the data migration can pass its historical ones."""
    for spec in templates:
        template, _ = letter_template.objects.update_or_create(
            key=spec["key"],
            is_shipped=True,
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "default_for_kinds": spec["default_for_kinds"],
                **spec["settings"],
            },
        )
        template_section.objects.filter(template=template).delete()
        template_section.objects.bulk_create(
            [
                template_section(template=template, position=position, **section)
                for position, section in enumerate(spec["sections"], start=1)
            ]
        )
    return len(templates)


# The committee report on an authority's improvement journey (seed 003), as data. Its generated
# blocks (``journey-...``) read the authority's history, audits and priorities; they are written by
# ``improvement.journey_blocks`` (the layer above), which a journey report is composed with.

OPTIONS_TEXT = (
    "This report is for discussion and comment; there are no options put forward for "
    "consideration. The support of the Committee is sought in the ongoing improvement journey "
    "for children's social care in {host}."
)
RECOMMENDATION_TEXT = (
    "The Committee is asked to note the progress in improvement over the period of this report "
    "and to continue to support children's social care in {host} on its improving trajectory.\n\n"
    "Reason: in order to be updated on the development and progress of the improvement journey "
    "for children's social care in {host}."
)

COMMITTEE_TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "committee-report",
        "name": "Committee report: the improvement journey",
        "description": (
            "A report to a council committee on the authority's improvement journey, in the order "
            "of the model report: summary with the improvement priorities, background with each "
            "external review in date order, the audit activity and what it found, consultation "
            "(the improvement board), options, analysis, risks and implications, recommendation, "
            "contact details and abbreviations."
        ),
        "default_for_kinds": [],
        "settings": {
            "document": "committee_report",
            "numbering": "none",  # the report numbers its paragraphs, 1 to the end, as seed 003
            "title": "{host}: improvement journey progress",
            "salutation": "",
            "signatory": "named",
            "continuation": "",
        },
        "sections": [
            _s("summary", "Summary", G, "journey-summary"),
            _s("background", "Background", G, "journey-background"),
            _s("audits", "Audit activity", G, "journey-audits", subsection=True),
            _s("consultation", "Consultation", G, "journey-board"),
            _s("options", "Options", F, text=OPTIONS_TEXT),
            _s("analysis", "Analysis", G, "journey-analysis"),
            _s("risks", "Risks and Implications", G, "journey-risks"),
            _s("recommendation", "Recommendation", F, text=RECOMMENDATION_TEXT),
            _s("contact", "Contact Details", G, "journey-contact", numbered=False),
            _s("abbreviations", "Abbreviations", G, "journey-abbreviations", numbered=False),
        ],
    },
]
