"""The demo shows an authority's own audit programme (issue 23), and loading it twice changes
nothing."""

from __future__ import annotations

from audits.models import LiveAuditRecord, Moderation, PeerSampleCase
from audits.services.moderation import agreement
from audits.services.programme import peer_sample
from demo.audits import load_audit_demo
from demo.programme import MULTI_AGENCY, load_programme_demo
from demo.reviews import load_demo
from reviews.setup.models import Review, Role


def test_the_demo_has_a_small_audit_programme_and_is_idempotent(db) -> None:
    load_demo()
    load_audit_demo()
    load_programme_demo()
    counts = (
        Review.objects.internal_audits().count(),
        PeerSampleCase.objects.count(),
        Moderation.objects.filter(audit__case__review__purpose="internal_audit").count(),
        LiveAuditRecord.objects.count(),
    )
    load_programme_demo()
    assert counts == (
        Review.objects.internal_audits().count(),
        PeerSampleCase.objects.count(),
        Moderation.objects.filter(audit__case__review__purpose="internal_audit").count(),
        LiveAuditRecord.objects.count(),
    )
    assert counts[0] == 3
    audit = Review.objects.get(title=MULTI_AGENCY)
    assert audit.host == audit.lead_organisation
    assert {m.role for m in audit.memberships.all()} == {
        Role.QA_AUDITOR,
        Role.PARTNER_AUDITOR,
        Role.MODERATING_PEER,
    }
    peer = audit.memberships.get(role=Role.MODERATING_PEER).user
    assert peer.organisation is not None and peer.organisation != audit.host
    figures = agreement(peer_sample(audit))
    assert figures["moderated"] == 1
    assert 0 < figures["rate"] < 100
    assert LiveAuditRecord.objects.filter(confirmed_at__isnull=False).count() == 1
