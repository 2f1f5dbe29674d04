"""Letter styles. A style is a small class that lists its sections and writes each one's text, plus a
template for the letter's body. Adding a style: subclass ``LetterStyle``, write its ``sections``, add
it to ``STYLES`` and to ``Letter.Style``.

The generated text is written as the best hand-written letters are (seed 002): full sentences, in the
first person plural of the team, numbers one to nine in words.
"""

from __future__ import annotations

from typing import ClassVar

from reports import wording as w
from reports.compose import KloeFindings, LetterData, Section
from reports.models import Letter
from reviews.fieldwork.models import Finding
from reviews.schedule.models import Session
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Review


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


class LetterStyle:
    key: ClassVar[str]
    label: ClassVar[str]
    template: ClassVar[str]  # the letter's body, shared by the preview and the PDF
    has_annex: ClassVar[bool] = False

    def sections(self, data: LetterData) -> list[Section]:
        """The sections in order, with their generated text and any edit; empty ones left out."""
        sections = self.generate(data)
        for section in sections:
            section.edit = data.edits.get(section.key)
        out = [s for s in sections if not s.is_empty]
        self.number(out)
        return out

    def generate(self, data: LetterData) -> list[Section]:
        raise NotImplementedError

    def number(self, sections: list[Section]) -> None:
        """Number the sections that show a heading 1, 2, 3 ...; subsections 5.1, 5.2 ..."""
        main = 0
        sub = 0
        for section in sections:
            if section.level == 2 and section.heading_shown:
                main += 1
                sub = 0
                section.number = str(main)
            elif section.level == 3:
                sub += 1
                section.number = f"{main}.{sub}"

    # --- Text shared by the styles ----------------------------------------------------------------
    def title(self, data: LetterData) -> str:
        review = data.review
        when = w.month_year(review.start_date)
        kind = review.kind_label
        if "front door" in kind.lower():  # "Front door health check in Northmoor"
            title = f"{kind} in {data.host_name}"
        else:
            title = f"{kind} of the front door arrangements in {data.host_name}"
        return f"{title}: {when}" if when else title

    def opening(self, data: LetterData) -> str:
        kind = data.kind.lower()
        return (
            f"Many thanks to you and your colleagues for taking part so openly and professionally "
            f"in this {kind}. This letter sets out what we found."
        )

    def request(self, data: LetterData) -> str:
        review = data.review
        lines = []
        if review.request.strip():
            lines.append("In advance you asked us to undertake the following.")
            lines.append("")
            lines.append(review.request.strip())
        return "\n".join(lines)

    def self_assessment_sentence(self, data: LetterData) -> str:
        sa = data.self_assessment
        if sa is None or sa.status != SelfAssessment.Status.SUBMITTED:
            return ""
        ratings = [e.get_host_rating_display().lower() for e in sa.entries.all() if e.host_rating]
        sentence = f"This {data.kind.lower()} was therefore also a test of your self-assessment"
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

    def team_view_of_self_assessment(self, data: LetterData) -> str:
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

    def team_paragraph(self, data: LetterData) -> str:
        kind = data.kind
        lead = data.lead
        others = [p.described for p in data.reviewers]
        if lead is None and not others:
            return ""
        sentence = f"The {kind.lower()} in {data.host_name} was provided by a team"
        if lead is not None:
            sentence += f" led by {lead.name}"
            detail = ", ".join(p for p in (lead.job_title, lead.organisation) if p)
            if detail:
                sentence += f" ({detail})"
        if others:
            sentence += (
                f" and including {w.counted(len(others), 'other experienced manager and practitioner', 'other experienced managers and practitioners')}: "
                # Each named with their job title and council, as the seed letters do: people
                # apart with semicolons, since each has commas of their own.
                + w.join(others, separator="; ")
            )
        sentence += "."
        coordinator = data.coordinator
        if coordinator is not None:
            sentence += f" The review was managed and coordinated by {coordinator.described}."
        return sentence

    def days_paragraph(self, data: LetterData) -> str:
        review = data.review
        if not data.days:
            return ""
        n = len(data.days)
        where = {
            Review.Delivery.ON_SITE: "working in the local authority",
            Review.Delivery.VIRTUAL: "working with you virtually",
            Review.Delivery.HYBRID: "working with you, on site and virtually,",
        }[Review.Delivery(review.delivery)]
        if data.sessions.get(Session.Kind.FEEDBACK_PRESENTATION) and n > 1:
            sentence = (
                f"The team spent {w.counted(n - 1, 'day')} {where} collecting evidence with which to "
                f"frame their findings, and then drew together and presented their conclusions on "
                f"the {w.ordinal(n)} day."
            )
        else:
            sentence = (
                f"The team spent {w.counted(n, 'day')} {where} collecting evidence with which to "
                f"frame their findings."
            )
        sentence += f" This activity took place on {w.dates(data.days)}."
        if data.documents:
            sentence += (
                f" Before then, colleagues in {data.host_name} shared "
                f"{w.counted(data.documents, 'document')} with the team to support its preparations."
            )
        return sentence

    def activity_paragraph(self, data: LetterData) -> str:
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
            sentence = f"As well as a desk-based analysis of documentation, the review involved {involved}."
        if data.cases_audited:
            sentence += (
                f" We also analysed {w.counted(data.cases_audited, 'case')} in specific detail."
            ).rstrip()
        return sentence.strip()


class PeerChallengeLetter(LetterStyle):
    """The full peer challenge letter with its case file audit annex (seed 002)."""

    key = Letter.Style.PEER_CHALLENGE
    label = Letter.Style.PEER_CHALLENGE.label
    template = "reports/letters/peer_challenge.html"
    has_annex = True

    def generate(self, data: LetterData) -> list[Section]:
        sections = [
            Section("opening", "Opening", heading_shown=False, generated=self.opening(data)),
            Section("context", "Context", generated=self.context(data)),
            Section("process", "Process", generated=self.process(data)),
            Section("summary", "Summary of findings", generated=self.summary(data)),
            Section(
                "areas-summary",
                "Areas for further consideration: summary",
                generated=self.areas_summary(data),
            ),
        ]
        detailed = [
            Section(
                f"kloe-{g.kloe.pk if g.kloe else 'overall'}",
                g.heading,
                level=3,
                generated=self.kloe_text(g),
            )
            for g in data.by_kloe
        ]
        detailed.append(
            Section("case-audit", "Case file audit", level=3, generated=self.case_audit(data))
        )
        # "Detailed findings" heads the subsections; it is left out with them when they are all empty.
        if any(s.generated or s.key in data.edits for s in detailed):
            sections.append(
                Section(
                    "detailed",
                    "Detailed findings",
                    generated="The findings below follow the key lines of enquiry we agreed with you.",
                )
            )
            sections += detailed
        sections.append(Section("next-steps", "Next steps", generated=self.next_steps(data)))
        return sections

    def context(self, data: LetterData) -> str:
        paragraphs = [self.request(data)]
        if data.kloes:
            lines = [
                f"We agreed with you that we would report our findings against the "
                f"{w.counted(len(data.kloes), 'key line of enquiry', 'key lines of enquiry')} of "
                f"the {data.framework_name or 'review'}:"
            ]
            lines += [f"- {k.heading}" for k in data.kloes]
            paragraphs.append("\n".join(lines))
        paragraphs.append(self.self_assessment_sentence(data))
        paragraphs.append(
            "It is important to stress that this was not an inspection. A team of peers used their "
            "experience to reflect on the evidence you presented through documentation, "
            "conversation and direct observation of practice. We hope the conclusions, captured in "
            "our feedback presentation to you, will assist you in your continued improvement."
        )
        return "\n\n".join(p for p in paragraphs if p)

    def process(self, data: LetterData) -> str:
        paragraphs = [
            self.team_paragraph(data),
            self.days_paragraph(data),
            self.activity_paragraph(data),
        ]
        if any(paragraphs):
            paragraphs.append(
                f"This letter provides a summary of our findings, which we discussed in detail at "
                f"the feedback session with senior colleagues in {data.host_name}."
            )
        return "\n\n".join(p for p in paragraphs if p)

    def summary(self, data: LetterData) -> str:
        headlines = [f for f in data.headlines if f.kind == Finding.Kind.STRENGTH] or [
            f for f in data.findings if f.kind == Finding.Kind.STRENGTH and f.kloe_id is None
        ]
        paragraphs = []
        if headlines:
            paragraphs.append(f"The review team concluded that in {data.host_name}:")
            paragraphs.append(_bullets(headlines))
        paragraphs.append(self.team_view_of_self_assessment(data))
        return "\n\n".join(p for p in paragraphs if p)

    def areas_summary(self, data: LetterData) -> str:
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

    def kloe_text(self, group: KloeFindings) -> str:
        parts = []
        if group.strengths:
            parts.append("### Strengths\n\n" + _paragraphs(group.strengths))
        if group.areas:
            parts.append("### Areas for consideration\n\n" + _bullets(group.areas))
        if group.recommendations:
            parts.append("### Recommendations\n\n" + _numbered(group.recommendations))
        return "\n\n".join(parts)

    def case_audit(self, data: LetterData) -> str:
        annex = data.annex
        n = data.cases_audited
        criteria = annex.get("criteria") or []
        if not n or not criteria:
            return ""
        types = [
            w.case_type(t["count"], t["label"]) for t in annex.get("case_types", []) if t["count"]
        ]
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
        closing = "The results are attached as Annex 1 to this letter."
        if overall is not None:
            closing += (
                f" Across all the criteria, {overall}% of the answers where a criterion applied "
                f"were 'met'."
            )
        paragraphs.append(closing)
        return "\n\n".join(paragraphs)

    def next_steps(self, data: LetterData) -> str:
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
            f"It would be very helpful to {data.lead_organisation.display_name} if you could also "
            f"complete the short feedback request that follows this letter, so that we can further "
            f"develop the quality of our support to others."
        )
        paragraphs.append(
            f"Once again, thank you for agreeing to receive this {data.kind.lower()}, and to "
            f"everyone involved for their positive and open participation."
        )
        return "\n\n".join(paragraphs)


class HealthCheckLetter(PeerChallengeLetter):
    """A shorter letter for a front door health check: headlines, strengths and areas, the cases."""

    key = Letter.Style.HEALTH_CHECK
    label = Letter.Style.HEALTH_CHECK.label
    template = "reports/letters/health_check.html"
    has_annex = False

    def generate(self, data: LetterData) -> list[Section]:
        return [
            Section("opening", "Opening", heading_shown=False, generated=self.opening(data)),
            Section("context", "What you asked us to do", generated=self.short_context(data)),
            Section("headlines", "Key headlines", generated=self.headlines(data)),
            Section("strengths", "Strengths", generated=self.by_line(data, "strengths")),
            Section("areas", "Areas for consideration", generated=self.by_line(data, "areas")),
            Section("cases", "The cases we reviewed", generated=self.cases(data)),
            Section("next-steps", "Next steps", generated=self.next_steps(data)),
        ]

    def short_context(self, data: LetterData) -> str:
        paragraphs = [self.request(data), self.team_paragraph(data), self.days_paragraph(data)]
        return "\n\n".join(p for p in paragraphs if p)

    def headlines(self, data: LetterData) -> str:
        if not data.headlines:
            return ""
        return f"In {data.host_name}, we found that:\n\n" + _bullets(data.headlines)

    def by_line(self, data: LetterData, attribute: str) -> str:
        parts = []
        for group in data.by_kloe:
            findings: list[Finding] = getattr(group, attribute)
            if attribute == "areas":
                findings = findings + group.recommendations
            if findings:
                parts.append(f"### {group.heading}\n\n" + _bullets(findings))
        return "\n\n".join(parts)

    def cases(self, data: LetterData) -> str:
        n = data.cases_audited
        days = len(data.days)
        limits = (
            "A health check is a short review. What we say here rests on a small sample of cases and "
            f"on conversations held over {w.counted(days, 'day')}"
            if days
            else "A health check is a short review. What we say here rests on a small sample of cases "
            "and on a limited number of conversations"
        )
        limits += (
            ", so it should be read as a snapshot that points to where to look, not as a full "
            "assessment of practice."
        )
        if not n:
            return limits
        return f"We reviewed {w.counted(n, 'case')} with your managers. {limits}"


STYLES: dict[str, LetterStyle] = {
    Letter.Style.PEER_CHALLENGE: PeerChallengeLetter(),
    Letter.Style.HEALTH_CHECK: HealthCheckLetter(),
}


def style_for(letter: Letter) -> LetterStyle:
    return STYLES.get(letter.style, STYLES[Letter.Style.PEER_CHALLENGE])
