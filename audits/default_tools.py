"""The two audit tools that ship with the service. Reviews copy them; nobody edits these rows.

Installed by the data migration ``0002_default_tools`` (which keeps its own frozen copy of this data)
and, where a test flushed them, again by ``services.tools.shipped_tool``.
"""

from __future__ import annotations

from typing import Any

# Each tool: name, description, answer scale, grade levels, and criteria as
# (title, question, guidance, case types: none for every type).
GRADES = "Outstanding\nGood\nRequires improvement\nInadequate"

ASSESSMENT_QUALITY: dict[str, Any] = {
    "name": "Quality of assessment practice (ten criteria)",
    "description": (
        "The ten criteria a peer challenge team used to judge the quality of assessment practice in "
        "a sample of section 17 and section 47 cases, reported as % met with commentary."
    ),
    "answer_scale": "four_point",
    "grade_levels": GRADES,
    "criteria": [
        (
            "Evidence of a strength based approach",
            "Does the work draw out and build on the family's strengths and resilience?",
            "Look for the use of tools such as Three Houses, research, and the language of resilience. Strengths should be stated, not only risks.",
            [],
        ),
        (
            "Use of historic information",
            "Is the family's history used to understand the present, in proportion?",
            "History and chronology inform the analysis; beware cut and paste and repetition that overwhelm the family.",
            [],
        ),
        (
            "Assessment of risk",
            "Is risk clearly identified, analysed and prioritised?",
            "Consider whether the right assessment tools were used (for example pre-birth) and whether s17 and s47 were used appropriately.",
            [],
        ),
        (
            "Partner info/ engagement",
            "Have partner agencies contributed and is their information used?",
            "Police, health, schools and others: depth and detail of what they shared, and whether they were engaged in the plan.",
            [],
        ),
        (
            "Voice of child",
            "Are the child's views, wishes and lived experience captured?",
            "What is life like for this child? For pre-verbal and non-verbal children, look for observation and other ways of capturing their experience.",
            [],
        ),
        (
            "Family engagement",
            "Were parents, carers and the wider family involved?",
            "Both parents, including fathers and absent parents, and extended family members.",
            [],
        ),
        (
            "Sensitive to the equalities framework",
            "Are identity, culture, disability and other protected characteristics considered?",
            "Where a box has been ticked, the record should say what it means for this child and family.",
            [],
        ),
        (
            "Management oversight",
            "Is there clear management oversight with a recorded rationale?",
            "A manager's decision with reasons, at the key points of the case.",
            [],
        ),
        (
            "Outcome appropriate",
            "Was the outcome of the work the right one for the child?",
            "Including step down to early help and decisions of no further action after assessment.",
            [],
        ),
        (
            "Timeliness",
            "Was the work completed within timescales that meet the child's needs?",
            "Statutory and local timescales; drift and delay.",
            [],
        ),
    ],
}

FRONT_DOOR: dict[str, Any] = {
    "name": "Front door contact and referral",
    "description": (
        "Ten questions for contacts and referrals at the front door (MASH): from the reason for the "
        "contact to the decision, the family and the referrer being told, and step up or step down."
    ),
    "answer_scale": "four_point",
    "grade_levels": GRADES,
    "criteria": [
        (
            "Reason for contact clear",
            "Is the reason for the contact, and the worry about the child, clear?",
            "The referrer's concern is recorded in their words, with what they want to happen.",
            [],
        ),
        (
            "Consent sought or override recorded",
            "Was consent sought, or the decision to override it recorded with reasons?",
            "Consent to share information and to make the contact; where overridden, who decided and why.",
            ["contact", "referral", "strategy", "early_help"],
        ),
        (
            "Agency checks proportionate",
            "Were the agency checks proportionate to the concern?",
            "The right agencies for this worry, neither too few nor routine checks with everyone.",
            ["contact", "referral", "strategy"],
        ),
        (
            "History and siblings considered",
            "Were the child's history and their siblings considered?",
            "Previous contacts, referrals and plans, for this child and other children in the household.",
            [],
        ),
        (
            "Threshold applied correctly",
            "Was the threshold (level of need) applied correctly?",
            "Against the local threshold document; step up to statutory services where needed.",
            [],
        ),
        (
            "Decision within timescale",
            "Was the decision made within the timescale?",
            "Usually within one working day of the contact; same day where a child may be at risk.",
            [],
        ),
        (
            "Manager's rationale recorded",
            "Is the manager's rationale for the decision recorded?",
            "Management oversight of the decision with reasons, not only a signature.",
            [],
        ),
        (
            "Child's views captured",
            "Are the child's views, or their lived experience, captured?",
            "From the referrer or from direct contact with the child where appropriate.",
            [],
        ),
        (
            "Outcome told to family and referrer",
            "Were the family and the referrer told the outcome?",
            "Feedback to the referrer and to the family, recorded.",
            [],
        ),
        (
            "Step up / step down appropriate",
            "Was any step up or step down between early help and social care appropriate and timely?",
            "Look for a warm handover and continuity for the family.",
            [],
        ),
    ],
}

DEFAULT_TOOLS = [ASSESSMENT_QUALITY, FRONT_DOOR]


def install_default_tools(tool_model: Any, criterion_model: Any) -> int:
    """Create the shipped tools that are missing (found by name). Returns how many were created."""
    created = 0
    for data in DEFAULT_TOOLS:
        if tool_model.objects.filter(name=data["name"], organisation=None, review=None).exists():
            continue
        tool = tool_model.objects.create(
            name=data["name"],
            description=data["description"],
            answer_scale=data["answer_scale"],
            grade_levels=data["grade_levels"],
        )
        criterion_model.objects.bulk_create(
            criterion_model(tool=tool, number=n, title=t, question=q, guidance=g, case_types=types)
            for n, (t, q, g, types) in enumerate(data["criteria"], start=1)
        )
        created += 1
    return created
