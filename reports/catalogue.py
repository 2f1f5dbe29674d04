"""The generated blocks a letter template can place: each reads the review's data and writes its text.

A block is what the code provides; where it goes, what it is headed and whether it shows is the
template's (``reports.models.TemplateSection``). Adding a block: write its function and add it to
``BLOCKS``. The text is written as the best hand-written letters are (seed 002): full sentences, in the
first person plural of the team, numbers one to nine in words. It never says what the review's data
does not show: no "feedback request" the review has none of, no "with your managers", durations from
the timetable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports import wording as w
from reports.compose import KloeFindings, LetterData
from reviews.fieldwork.models import Finding
from reviews.schedule.models import Session
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Review


@dataclass(frozen=True)
class Subsection:
    """A section a block writes several of (the detailed findings: one per key line of enquiry)."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Block:
    key: str
    label: str
    write: Callable[[LetterData, bool], str]
    detail: str = ""  # what "with detail" means for this block; "" when it has no such choice
    subsections: Callable[[LetterData], list[Subsection]] | None = None
    annex: bool = False  # printed after the sign-off: the table of the case file audit


def _finding_line(finding: Finding) -> str:
    text = " ".join(finding.text.split())
    if finding.lead_in:
        return f"**{finding.lead_in}:** {text}"
    return text


def _bullets(findings: list[Finding]) -> str:
    return "\n".join(f"- {_finding_line(f)}" for f in findings)


def _numbered(findings: list[Finding]) -> str:
    return "\n".join(f"{f.number}. {_finding_line(f)}" for f in findings)


def _paragraphs(findings: list[Finding]) -> str:
    """Strengths read as paragraphs (seed 002); a finding written as a list keeps its list."""
    return "\n\n".join(f.text.strip() for f in findings)


# What each kind of session is called in a sentence, singular and plural.
SESSION_WORDS: dict[str, tuple[str, str]] = {
    Session.Kind.OPENING_MEETING: ("an opening meeting", "opening meetings"),
    Session.Kind.DOCUMENT_READING: ("a document reading session", "document reading sessions"),
    Session.Kind.OBSERVATION: ("an observation of practice", "observations of practice"),
    Session.Kind.INTERVIEW: ("an interview", "interviews"),
    Session.Kind.FOCUS_GROUP: ("a focus group", "focus groups"),
    Session.Kind.WORKSHOP: ("a workshop", "workshops"),
    Session.Kind.CASE_AUDIT: ("a case audit session", "case audit sessions"),
    Session.Kind.TEAM_CONSOLIDATION: (
        "a team consolidation session",
        "team consolidation sessions",
    ),
    Session.Kind.FEEDBACK_PRESENTATION: ("a feedback presentation", "feedback presentations"),
    Session.Kind.OTHER: ("another session", "other sessions"),
}


def _sessions_phrase(data: LetterData, kinds: list[str]) -> str:
    parts = []
    for kind in kinds:
        n = data.sessions.get(kind, 0)
        if n:
            singular, plural = SESSION_WORDS[kind]
            parts.append(singular if n == 1 else f"{w.number(n)} {plural}")
    return w.join(parts)


def _join(*paragraphs: str) -> str:
    return "\n\n".join(p for p in paragraphs if p)


# --- The blocks ------------------------------------------------------------------------------------


def opening(data: LetterData, detail: bool) -> str:
    return (
        f"Many thanks to you and your colleagues for taking part so openly and professionally "
        f"in this {w.lower_first(data.kind)}. This letter sets out what we found."
    )


def request(data: LetterData, detail: bool) -> str:
    text = data.review.request.strip()
    if not text:
        return ""
    return f"In advance you asked us to undertake the following.\n\n{text}"


def kloes(data: LetterData, detail: bool) -> str:
    if not data.kloes:
        return ""
    lines = [
        f"We agreed with you that we would report our findings against the "
        f"{w.counted(len(data.kloes), 'key line of enquiry', 'key lines of enquiry')} of "
        f"the {data.framework_name or 'review'}:"
    ]
    if detail:
        parts = ["\n".join(lines)]
        for k in data.kloes:
            prompts = " ".join(k.prompts.split())
            parts.append(f"**{k.heading}**" + (f": {prompts}" if prompts else ""))
        return "\n\n".join(parts)
    lines += [f"- {k.heading}" for k in data.kloes]
    return "\n".join(lines)


def self_assessment_rated(data: LetterData, detail: bool) -> str:
    sa = data.self_assessment
    if sa is None or sa.status != SelfAssessment.Status.SUBMITTED:
        return ""
    ratings = [e.get_host_rating_display().lower() for e in sa.entries.all() if e.host_rating]
    sentence = f"This {w.lower_first(data.kind)} was therefore also a test of your self-assessment"
    if sa.submitted_at:
        sentence += f", which you completed in {sa.submitted_at:%B %Y}"
    if ratings:
        counts = {r: ratings.count(r) for r in dict.fromkeys(ratings)}
        if len(counts) == 1:
            sentence += f", and in which all areas had been rated '{ratings[0]}'"
        else:
            parts = [f"{w.counted(n, 'area')} '{r}'" for r, n in counts.items()]
            sentence += f", in which you rated {w.join(parts)}"
    return sentence + "."


def self_assessment_view(data: LetterData, detail: bool) -> str:
    sa = data.self_assessment
    if sa is None or not sa.judgement:
        return ""
    words = {
        SelfAssessment.Judgement.ACCURATE: "accurate and well informed",
        SelfAssessment.Judgement.PARTLY: "partly accurate",
        SelfAssessment.Judgement.NOT_ACCURATE: "not accurate",
    }[SelfAssessment.Judgement(sa.judgement)]
    sentence = (
        f"The review team considered that {data.host_name}'s self-assessment of its front door "
        f"was {words}."
    )
    if sa.judgement_reason.strip():
        sentence += " " + " ".join(sa.judgement_reason.split())
    return sentence


def _team_paragraph(data: LetterData) -> str:
    lead = data.lead
    others = [p.described for p in data.reviewers]
    if lead is None and not others:
        return ""
    sentence = f"The {w.lower_first(data.kind)} in {data.host_name} was provided by a team"
    if lead is not None:
        sentence += f" led by {lead.name}"
        detail = ", ".join(p for p in (lead.job_title, lead.organisation) if p)
        if detail:
            sentence += f" ({detail})"
    if others:
        sentence += (
            f" and including {w.counted(len(others), 'other experienced manager and practitioner', 'other experienced managers and practitioners')}: "
            # Each named with their job title and council, as the seed letters do: people apart
            # with semicolons, since each has commas of their own.
            + w.join(others, separator="; ")
        )
    sentence += "."
    coordinator = data.coordinator
    if coordinator is not None:
        sentence += f" The review was managed and coordinated by {coordinator.described}."
    return sentence


def _days_paragraph(data: LetterData) -> str:
    review = data.review
    if not data.days:
        return ""
    where = {
        Review.Delivery.ON_SITE: "working in the local authority",
        Review.Delivery.VIRTUAL: "working with you virtually",
        Review.Delivery.HYBRID: "working with you, on site and virtually,",
    }[Review.Delivery(review.delivery)]
    n = len(data.days)
    if data.feedback_on_last_day and n > 1:
        sentence = (
            f"The team spent {w.duration(data.half_days_before_last)} {where} collecting evidence "
            f"with which to frame their findings, and then drew together and presented their "
            f"conclusions on the {w.ordinal(n)} day."
        )
    else:
        sentence = (
            f"The team spent {w.duration(data.half_days)} {where} collecting evidence with which "
            f"to frame their findings."
        )
    sentence += f" This activity took place on {w.dates(data.days)}."
    if data.documents:
        sentence += (
            f" Before then, colleagues in {data.host_name} shared "
            f"{w.counted(data.documents, 'document')} with the team to support its preparations."
        )
    return sentence


def team(data: LetterData, detail: bool) -> str:
    return _join(_team_paragraph(data), _days_paragraph(data))


def activities(data: LetterData, detail: bool) -> str:
    conversations = _sessions_phrase(
        data,
        [
            Session.Kind.INTERVIEW,
            Session.Kind.FOCUS_GROUP,
            Session.Kind.WORKSHOP,
            Session.Kind.OPENING_MEETING,
        ],
    )
    watched = _sessions_phrase(data, [Session.Kind.OBSERVATION])
    involved = ""
    if conversations:
        involved = f"{conversations} with managers, practitioners and partners"
    if watched:
        involved = f"{involved}, and {watched}" if involved else watched
    sentence = ""
    if involved:
        sentence = (
            f"As well as a desk-based analysis of documentation, the review involved {involved}."
        )
    if data.cases_audited:
        sentence += f" We also analysed {w.counted(data.cases_audited, 'case')} in specific detail."
    return sentence.strip()


def key_headlines(data: LetterData, detail: bool) -> str:
    strengths = [f for f in data.headlines if f.kind == Finding.Kind.STRENGTH]
    areas = [f for f in data.headlines if f.kind != Finding.Kind.STRENGTH]
    if not (strengths or areas):
        return ""
    parts = [f"Our key headlines for {data.host_name} are:"]
    if strengths:
        parts.append("### Strengths\n\n" + _bullets(strengths))
    if areas:
        parts.append("### Areas for consideration\n\n" + _bullets(areas))
    return "\n\n".join(parts)


def strengths_summary(data: LetterData, detail: bool) -> str:
    headlines = [f for f in data.headlines if f.kind == Finding.Kind.STRENGTH] or [
        f for f in data.findings if f.kind == Finding.Kind.STRENGTH and f.kloe_id is None
    ]
    if not headlines:
        return ""
    return f"The review team concluded that in {data.host_name}:\n\n" + _bullets(headlines)


def areas_summary(data: LetterData, detail: bool) -> str:
    areas = [
        f for f in data.headlines if f.kind in (Finding.Kind.AREA, Finding.Kind.RECOMMENDATION)
    ]
    if not areas:
        return ""
    return (
        "During the feedback session we discussed a number of areas for further consideration, "
        "which are detailed in the findings below. We would in particular highlight:\n\n"
        + _bullets(areas)
    )


def _kloe_text(group: KloeFindings) -> str:
    parts = []
    if group.strengths:
        parts.append("### Strengths\n\n" + _paragraphs(group.strengths))
    if group.areas:
        parts.append("### Areas for consideration\n\n" + _bullets(group.areas))
    if group.recommendations:
        parts.append("### Recommendations\n\n" + _numbered(group.recommendations))
    return "\n\n".join(parts)


def detailed_findings(data: LetterData, detail: bool) -> str:
    if not (any(not g.is_empty for g in data.by_kloe) or data.cases_audited):
        return ""
    return "The findings below follow the key lines of enquiry we agreed with you."


def detailed_subsections(data: LetterData) -> list[Subsection]:
    return [
        Subsection(f"kloe-{g.kloe.pk if g.kloe else 'overall'}", g.heading, _kloe_text(g))
        for g in data.by_kloe
    ]


def _by_kloe(data: LetterData, attribute: str) -> str:
    parts = []
    for group in data.by_kloe:
        findings: list[Finding] = getattr(group, attribute)
        if attribute == "areas":
            findings = findings + group.recommendations
        if findings:
            parts.append(f"### {group.heading}\n\n" + _bullets(findings))
    return "\n\n".join(parts)


def strengths_by_kloe(data: LetterData, detail: bool) -> str:
    return _by_kloe(data, "strengths")


def areas_by_kloe(data: LetterData, detail: bool) -> str:
    return _by_kloe(data, "areas")


def recommendations(data: LetterData, detail: bool) -> str:
    found = data.recommendations
    if not found:
        return ""
    return "We recommend that you:\n\n" + _numbered(found)


def cases_reviewed(data: LetterData, detail: bool) -> str:
    n = data.cases_audited
    if not n:
        return ""
    types = [
        w.case_type(t["count"], t["label"]) for t in data.annex.get("case_types", []) if t["count"]
    ]
    sentence = f"We reviewed {w.counted(n, 'case')}"
    if len(types) > 1:
        sentence += f" ({w.join(types)})"
    return sentence + ", recording for each whether the criteria we agreed were met."


def case_audit(data: LetterData, detail: bool) -> str:
    annex = data.annex
    n = data.cases_audited
    criteria = annex.get("criteria") or []
    if not n or not criteria:
        return ""
    types = [w.case_type(t["count"], t["label"]) for t in annex.get("case_types", []) if t["count"]]
    paragraphs = [
        f"We could not comment with confidence on the quality of practice without looking at a "
        f"sample of cases. We identified {w.counted(len(criteria), 'criterion', 'criteria')} "
        f"against which to judge the quality of practice, and used them to reflect on "
        f"{w.counted(n, 'case file')}"
        + (f" ({w.join(types)})" if len(types) > 1 else "")
        + ", recording whether each criterion was met, partly met or not met."
    ]
    agreement = annex.get("agreement") or {}
    answered = sum(agreement.values())
    if answered:
        yes, partly, no = (
            agreement.get("yes", 0),
            agreement.get("partly", 0),
            agreement.get("no", 0),
        )
        if yes == answered:
            text = "In all the cases the team agreed with the decisions taken."
        else:
            bits = [f"agreed with the decisions taken in {w.counted(yes, 'case')}"]
            if partly:
                bits.append(f"partly agreed in {w.number(partly)}")
            if no:
                bits.append(f"did not agree in {w.number(no)}")
            text = f"Of the {w.counted(answered, 'case')}, the team {w.join(bits)}."
        paragraphs.append(
            "In undertaking this work we considered the appropriateness of the decisions made "
            "in each case. " + text
        )
    applies = sum(c["applies"] for c in criteria)
    met = sum(c["met"] for c in criteria)
    overall = w.percent(met, applies)
    closing = "The results are attached as Annex 1 to this letter." if data.has_annex else ""
    if overall is not None:
        closing += (
            f" Across all the criteria, {overall}% of the answers where a criterion applied "
            f"were 'met'."
        )
    paragraphs.append(closing.strip())
    return _join(*paragraphs)


def annex(data: LetterData, detail: bool) -> str:
    """The annex prints as a table (and, with detail, a chart), not as text."""
    return ""


def next_steps(data: LetterData, detail: bool) -> str:
    coordinator = data.coordinator or data.lead
    lead = data.lead
    paragraphs = [
        "You and your colleagues will wish to consider how you incorporate the team's findings "
        "into your existing improvement plans. We hope that you find our reflections helpful.",
    ]
    accuracy = (
        "It is important that this letter describes accurately what we have observed and "
        "analysed, and that it provides you with an appropriate summary to support change."
    )
    if coordinator is not None:
        accuracy += (
            f" If this letter contains any factual inaccuracies, please contact "
            f"{coordinator.name} ({coordinator.email}) and amendments will be made as appropriate."
        )
    paragraphs.append(accuracy)
    if lead is not None:
        paragraphs.append(
            f"If you have any concerns or comments about the analysis or recommendations, please "
            f"contact {lead.name} in the first instance."
        )
    paragraphs.append(
        f"Once again, thank you for agreeing to receive this {w.lower_first(data.kind)}, and to "
        f"everyone involved for their positive and open participation."
    )
    return _join(*paragraphs)


def limits(data: LetterData, detail: bool) -> str:
    kind = w.lower_first(data.kind)
    if data.days:
        rests = (
            f"conversations held over {w.duration(data.half_days)}"
            if data.sessions
            else f"{w.duration(data.half_days)} of work with you"
        )
    else:
        rests = "a limited number of conversations"
    sample = "a small sample of cases and on " if data.cases_audited else ""
    return (
        f"A {kind} is a short review. What we say here rests on {sample}{rests}, so it should be "
        f"read as a snapshot that points to where to look, not as a full assessment of practice."
    )


BLOCKS: list[Block] = [
    Block("opening", "Opening: thanks for taking part", opening),
    Block("request", "What the host asked us to do", request),
    Block(
        "kloes",
        "The key lines of enquiry, listed",
        kloes,
        detail="With each key line's description (its prompts)",
    ),
    Block(
        "self-assessment-rated",
        "The host's self-assessment: how they rated it",
        self_assessment_rated,
    ),
    Block("team", "The team and the process (who, when, how long)", team),
    Block("activities", "What we did: interviews, focus groups, observations, cases", activities),
    Block(
        "key-headlines",
        "Key headlines: strengths and areas for consideration, as separate lists",
        key_headlines,
    ),
    Block("strengths-summary", "Summary of strengths (the key headlines)", strengths_summary),
    Block("areas-summary", "Summary of areas for consideration", areas_summary),
    Block(
        "detailed-findings",
        "Detailed findings by key line of enquiry: strengths, areas, recommendations (subsections)",
        detailed_findings,
        subsections=detailed_subsections,
    ),
    Block("strengths-by-kloe", "Strengths, under each key line of enquiry", strengths_by_kloe),
    Block(
        "areas-by-kloe",
        "Areas for consideration and recommendations, under each key line of enquiry",
        areas_by_kloe,
    ),
    Block("recommendations", "All recommendations, numbered", recommendations),
    Block(
        "self-assessment-view",
        "The self-assessment compared with what the team found",
        self_assessment_view,
    ),
    Block("cases-reviewed", "The cases reviewed (how many, of which types)", cases_reviewed),
    Block("case-audit", "The case file audit, in words", case_audit),
    Block(
        "annex",
        "Annex: the case file audit table",
        annex,
        detail="With the chart of the percentages",
        annex=True,
    ),
    Block("next-steps", "Next steps, with the factual accuracy paragraph and thanks", next_steps),
    Block("limits", "The limits of a short review", limits),
]

BY_KEY: dict[str, Block] = {b.key: b for b in BLOCKS}
CHOICES: list[tuple[str, str]] = [(b.key, b.label) for b in BLOCKS]


# Other documents written from a template (a committee report's blocks are the improvement app's,
# registered in its AppConfig.ready): what a template of that document may use.


@dataclass(frozen=True)
class PlaceholderInfo:
    name: str
    meaning: str
    example: str


@dataclass(frozen=True)
class DocumentKind:
    blocks: list[tuple[str, str]]  # (key, label) of its generated texts
    placeholders: list[PlaceholderInfo]


OTHER_DOCUMENTS: dict[str, DocumentKind] = {}


def register_document(document: str, kind: DocumentKind) -> None:
    OTHER_DOCUMENTS[document] = kind


def block_choices(document: str) -> list[tuple[str, str]]:
    """The generated texts a template of this document may use: a letter's, unless another
    document registered its own."""
    kind = OTHER_DOCUMENTS.get(document)
    return CHOICES if kind is None else kind.blocks


def placeholder_names(document: str) -> set[str] | None:
    """The placeholders a template of this document may use (None: the letter's, all of them)."""
    kind = OTHER_DOCUMENTS.get(document)
    return None if kind is None else {p.name for p in kind.placeholders}
