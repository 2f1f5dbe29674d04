"""The demo shows the improvement journey of its host authority (issue 23), once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from accounts.models import Organisation
from improvement import journey_services
from improvement.models import ImprovementPriority, JourneyReport


def test_the_demo_gives_northmoor_priorities_audits_and_a_journey_report(db) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())
    northmoor = Organisation.objects.get(short_name="Northmoor")
    assert "Journey: 5 audited reviews and audits, 6 priorities" in out.getvalue()
    assert ImprovementPriority.objects.filter(organisation=northmoor).count() == 6
    report = JourneyReport.objects.get(organisation=northmoor)
    composed = journey_services.compose(report)
    assert [s.title for s in composed.visible][:3] == ["Summary", "Background", "Audit activity"]
