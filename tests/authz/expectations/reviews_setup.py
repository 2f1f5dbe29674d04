"""Setting up a review: details, frameworks, team, documents, timetable and calendar feeds.

Hosts cannot change the schedule, the team or the framework; outsiders get 404 for all of it. POST
with no data re-shows a form (200) for those allowed; POST-only actions redirect (302).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import inspect_upload
from reviews.documents import services
from reviews.documents.models import DocumentRequest
from reviews.schedule.models import CalendarFeed, ReviewDay, Session
from reviews.setup.models import Framework, Invitation, Kloe, Membership, Role
from tests.authz.expect import (
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    ON_REVIEW,
    REDIRECT,
    Expect,
    review_page,
    signed_in_only,
    statuses,
)

COORDINATOR_ONLY = review_page(allowed=("coordinator",))
COORDINATOR_ACTION = review_page(allowed=("coordinator",), ok=REDIRECT)
# Pages for coordinators of any review; everyone else signed in is refused.
COORDINATORS = statuses(FORBIDDEN, anonymous=REDIRECT, coordinator=OK)
POST_ONLY = signed_in_only(NOT_ALLOWED)
EVERYONE_WITH_THE_ADDRESS = statuses(OK)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _review(world, review):
    return {"pk": review.pk}


def _default_framework(world, review):
    return {"pk": Framework.objects.filter(is_default=True).first().pk}


def _own_framework(world, review):
    framework = Framework.objects.create(name="Eastvale KLOEs", organisation=world.lead_org)
    Kloe.objects.create(framework=framework, position=1, heading="Thresholds")
    return {"pk": framework.pk}


def _invitation(world, review):
    invitation = Invitation(review=review, email="newcomer@example.org", role=Role.REVIEWER)
    invitation.new_token()
    invitation.save()
    return {"pk": review.pk, "invitation": invitation.pk}


def _invitation_token(world, review):
    invitation = Invitation(review=review, email="newcomer@example.org", role=Role.REVIEWER)
    token = invitation.new_token()
    invitation.save()
    return {"token": token}


def _membership(world, review):
    member = Membership.objects.filter(review=review, role=Role.REVIEWER).first()
    return {"pk": review.pk, "membership": member.pk}


def _document_request(world, review):
    wanted = DocumentRequest.objects.create(review=review, kind=DocumentRequest.Kind.DATA_PACK)
    return {"pk": review.pk, "request_pk": wanted.pk}


def _document(world, review):
    wanted = DocumentRequest.objects.create(review=review, kind=DocumentRequest.Kind.DATA_PACK)
    upload = SimpleUploadedFile("data pack.pdf", PDF, content_type="application/pdf")
    document = services.store_document(
        request=wanted,
        upload=upload,
        inspected=inspect_upload(upload, max_mb=25),
        user=world.people["coordinator"],
    )
    return {"pk": review.pk, "document": document.pk}


def _session(world, review):
    day = ReviewDay.objects.create(review=review, date=review.start_date or dt.date(2026, 11, 17))
    session = Session.objects.create(
        review=review,
        day=day,
        kind=Session.Kind.INTERVIEW,
        title="Interview with the MASH manager",
        start_time=dt.time(9, 30),
        end_time=dt.time(10, 30),
    )
    return {"pk": review.pk, "session": session.pk}


def _person_feed(world, review):
    return {"token": CalendarFeed.for_user(world.people["coordinator"]).token}


def _review_feed(world, review):
    return {"token": CalendarFeed.for_user(world.people["coordinator"]).token, "pk": review.pk}


def _day(world, review):
    day = ReviewDay.objects.create(review=review, date=dt.date(2026, 11, 18))
    return {"pk": review.pk, "day": day.pk}


EXPECTATIONS = {
    "reviews:review-create": Expect(get=COORDINATORS, post=COORDINATORS),
    "reviews:review-edit": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    # Frameworks of key lines of enquiry.
    "reviews:framework-list": Expect(get=COORDINATORS, post=POST_ONLY),
    "reviews:framework-detail": Expect(get=COORDINATORS, post=POST_ONLY, kwargs=_default_framework),
    "reviews:framework-copy": Expect(
        get=COORDINATORS, post=COORDINATORS, kwargs=_default_framework
    ),
    # The defaults cannot be changed; a copy can, by coordinators of its organisation.
    "reviews:framework-edit": Expect(get=COORDINATORS, post=COORDINATORS, kwargs=_own_framework),
    "reviews:review-framework": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:review-framework-edit": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    # The team.
    "reviews:team": Expect(get=COORDINATOR_ONLY, post=POST_ONLY, kwargs=_review, scoped=True),
    "reviews:invitation-create": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:invitation-resend": Expect(
        get=POST_ONLY, post=COORDINATOR_ACTION, kwargs=_invitation, scoped=True
    ),
    "reviews:invitation-revoke": Expect(
        get=POST_ONLY, post=COORDINATOR_ACTION, kwargs=_invitation, scoped=True
    ),
    "reviews:member-role": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_membership, scoped=True
    ),
    "reviews:member-shown-as": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_membership, scoped=True
    ),
    # The link in the email: anyone may open it; someone signed in as another person may not use it.
    "reviews:invitation-accept": Expect(
        get=statuses(OK), post=statuses(FORBIDDEN, anonymous=OK), kwargs=_invitation_token
    ),
    # Documents.
    "reviews:documents": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:document-request-create": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:document-upload": Expect(
        get=review_page(allowed=("coordinator", "host_lead")),
        post=review_page(allowed=("coordinator", "host_lead")),
        kwargs=_document_request,
        scoped=True,
    ),
    # Several invitations at once (issue 22): the coordinator only; an empty POST re-shows the box.
    "reviews:invitation-bulk": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    # The lead organisation's pack, requests from it, changing and withdrawing a request: the
    # coordinator. Removing or replacing an upload: whoever may upload (the button must be pressed:
    # an empty POST asks again).
    "reviews:document-pack": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:document-request-pack": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:document-request-edit": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_document_request, scoped=True
    ),
    "reviews:document-request-withdraw": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ACTION, kwargs=_document_request, scoped=True
    ),
    "reviews:document-remove": Expect(
        get=review_page(allowed=("coordinator", "host_lead")),
        post=review_page(allowed=("coordinator", "host_lead")),
        kwargs=_document,
        scoped=True,
    ),
    "reviews:document-replace": Expect(
        get=review_page(allowed=("coordinator", "host_lead")),
        post=review_page(allowed=("coordinator", "host_lead")),
        kwargs=_document,
        scoped=True,
    ),
    "reviews:document-download": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_document, scoped=True
    ),
    "reviews:document-read": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_document, scoped=True
    ),
    # The timetable: everyone on the review reads it; only the coordinator changes it.
    "reviews:timetable": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:timetable-grid": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    # Publishing the timetable and sending its changes: the coordinator, by POST (302).
    "reviews:timetable-publish": Expect(
        get=POST_ONLY, post=COORDINATOR_ACTION, kwargs=_review, scoped=True
    ),
    "reviews:timetable-send-changes": Expect(
        get=POST_ONLY, post=COORDINATOR_ACTION, kwargs=_review, scoped=True
    ),
    "reviews:timetable-pdf": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:timetable-ics": Expect(
        get=review_page(allowed=ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:day-create": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:day-delete": Expect(get=POST_ONLY, post=COORDINATOR_ACTION, kwargs=_day, scoped=True),
    "reviews:session-create": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:session-edit": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ONLY, kwargs=_session, scoped=True
    ),
    "reviews:session-cancel": Expect(
        get=COORDINATOR_ONLY, post=COORDINATOR_ACTION, kwargs=_session, scoped=True
    ),
    # Calendar feeds: the secret address is the key, whoever is signed in (calendar apps are not).
    "reviews:calendar": Expect(get=signed_in_only(OK), post=POST_ONLY),
    "reviews:calendar-reset": Expect(get=POST_ONLY, post=signed_in_only(REDIRECT)),
    "reviews:calendar-person-feed": Expect(
        get=EVERYONE_WITH_THE_ADDRESS, post=statuses(NOT_ALLOWED), kwargs=_person_feed
    ),
    # scoped: the coordinator's address does not open a review they are not on.
    "reviews:calendar-review-feed": Expect(
        get=EVERYONE_WITH_THE_ADDRESS, post=statuses(NOT_ALLOWED), kwargs=_review_feed, scoped=True
    ),
}
