"""The model output: seed 002's Annex 1, ten criteria, twenty cases, % met with commentary."""

from __future__ import annotations

import csv
import io
import re

from django.urls import reverse

from audits.models import Answer, Case, CaseAudit
from reviews.setup.models import Review

SEED_002_PERCENT_MET = [75, 100, 95, 95, 90, 95, 75, 100, 85, 100]
# Cases (out of 20) that were not met / partly met per criterion; partly met does not count as met.
NOT_MET = [3, 0, 1, 1, 2, 1, 5, 0, 3, 0]
PARTLY = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def _case_list(n: int) -> str:
    types = ["Section 17 assessment", "Section 47 enquiry"]
    lines = ["case reference,case type,date,team,outcome"]
    lines += [
        f"BA-{i:03d},{types[i % 2]},2017-0{1 + i % 9}-1{i % 10},Assessment team,NFA"
        for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def test_twenty_cases_entered_in_the_browser_reproduce_seed_002s_annex(world) -> None:
    review = world.review
    coordinator = world.client("coordinator")
    lead = world.client("lead_reviewer")
    reviewer = world.client("reviewer")

    # The coordinator chooses the shipped tool with seed 002's ten criteria and imports the list.
    settings_page = coordinator.get(reverse("audits:settings", args=[review.pk])).content.decode()
    tool_id = re.search(
        r'value="(\d+)"[^>]*>\s*<label[^>]*>\s*Quality of assessment practice', settings_page
    ).group(1)
    response = coordinator.post(reverse("audits:choose-tool", args=[review.pk]), {"tool": tool_id})
    assert response.status_code == 302
    response = coordinator.post(
        reverse("audits:case-list-import", args=[review.pk]), {"text": _case_list(20)}
    )
    assert response.status_code == 302
    cases = list(Case.objects.filter(review=review).order_by("reference"))
    assert len(cases) == 20
    coordinator.post(
        reverse("audits:sample-pick", args=[review.pk]),
        {"action": "sample", "cases": [c.pk for c in cases]},
    )

    # Each case is audited through its page: ten criteria, the decision, complete.
    for index, case in enumerate(cases):
        client = lead if index % 2 else reviewer
        client.post(reverse("audits:case-audit-start", args=[review.pk, case.pk]))
        audit = CaseAudit.objects.get(case=case)
        data = {
            "audit-version": audit.version,
            "audit-decision_agreement": "yes",
            "audit-status": "complete",
            "audit-overall_grade": "Good",
        }
        for answer in audit.answers.select_related("criterion"):
            position = answer.criterion.number - 1
            if index < NOT_MET[position]:
                value = Answer.NOT_MET
            elif index < NOT_MET[position] + PARTLY[position]:
                value = Answer.PARTLY
            else:
                value = Answer.MET
            data[f"c{answer.pk}-answer"] = value
            data[f"c{answer.pk}-comment"] = "Seen in the assessment."
            data[f"c{answer.pk}-version"] = answer.version
        response = client.post(reverse("audits:case-audit-save", args=[review.pk, case.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    page = lead.get(reverse("audits:analysis", args=[review.pk])).content.decode()
    shown = re.findall(r'app-percent-met">(\d+)<', page)
    assert [int(p) for p in shown] == SEED_002_PERCENT_MET
    assert "Partly met is not counted as met" in page
    assert "20 completed case audits against 10 criteria." in page
    assert re.search(r"agreed with the decision taken in <strong>20</strong> of 20 cases", page)

    csv_text = lead.get(
        reverse("audits:export", args=[review.pk, "summary", "csv"])
    ).content.decode()
    rows = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    assert [int(row[7]) for row in rows] == SEED_002_PERCENT_MET
    assert rows[0][:7] == ["1", "Evidence of a strength based approach", "15", "2", "3", "0", "20"]


def test_an_audit_in_progress_is_not_counted_in_the_annex_the_analysis_or_the_summary(world):
    """Three completed audits and one in progress: "the 3 case files audited" sits beside
    percentages of those three, and each criterion says how many cases it rests on."""
    from audits.services.analysis import annex_figures
    from tests.audits.factories import started_audit

    review = world.review
    reviewer = world.people["reviewer"]
    answers = [Answer.MET, Answer.MET, Answer.NOT_MET]
    for answer in answers:
        audit = started_audit(review, reviewer)
        audit.answers.filter(criterion__number=1).update(answer=answer)
        audit.answers.filter(criterion__number=2).update(answer=Answer.NOT_APPLICABLE)
        audit.answers.filter(criterion__number__gt=2).update(answer=Answer.MET)
        CaseAudit.objects.filter(pk=audit.pk).update(
            status=CaseAudit.Status.COMPLETE, decision_agreement=CaseAudit.Agreement.YES
        )
    in_progress = started_audit(review, reviewer)  # half done: criterion 1 met, 2 not met
    in_progress.answers.filter(criterion__number=1).update(answer=Answer.MET)
    in_progress.answers.filter(criterion__number=2).update(answer=Answer.NOT_MET)
    CaseAudit.objects.filter(pk=in_progress.pk).update(
        status=CaseAudit.Status.IN_PROGRESS, decision_agreement=CaseAudit.Agreement.NO
    )

    figures = annex_figures(review)
    assert figures["cases_audited"] == 3
    assert figures["agreement"] == {"yes": 3, "partly": 0, "no": 0}
    first, second = figures["criteria"][:2]
    assert (first["met"], first["not_met"], first["cases"], first["percent"]) == (2, 1, 3, 67)
    assert (second["cases"], second["percent"]) == (0, None)  # not applicable in all three
    assert all(row["cases"] <= figures["cases_audited"] for row in figures["criteria"])

    # The letter's preview: the sentence and the table speak of the same three cases.
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFTING)
    html = world.client("lead_reviewer").get(reverse("reports:letter", args=[review.pk]))
    page = html.content.decode()
    assert "The percentage of the 3 case files audited" in page
    assert re.search(
        r"Evidence of a strength based approach</th><td>.*?</td>"
        r'<td class="letter-num">67%</td><td class="letter-num">3</td>',
        page,
    )

    page = world.client("lead_reviewer").get(reverse("audits:analysis", args=[review.pk]))
    text = page.content.decode()
    assert "3 completed case audits against 10 criteria; 1 not yet complete, not counted" in text
    assert re.findall(r'app-percent-met">(\d+)<', text)[0] == "67"
    assert re.findall(r'app-cases-applied">(\d+)<', text)[:2] == ["3", "0"]
    assert re.search(r"agreed with the decision taken in <strong>3</strong> of 3 cases", text)

    csv_text = (
        world.client("lead_reviewer")
        .get(reverse("audits:export", args=[review.pk, "summary", "csv"]))
        .content.decode("utf-8-sig")
    )
    row = next(csv.reader(io.StringIO(csv_text.splitlines()[1])))
    assert row[2:8] == ["2", "0", "1", "0", "3", "67"]
