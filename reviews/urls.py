from django.urls import path

from reviews.documents import views as document_views
from reviews.fieldwork import views as fieldwork_views
from reviews.schedule import views as schedule_views
from reviews.self_assessment import views as self_assessment_views
from reviews.setup import framework_views, team_views, views

app_name = "reviews"

R = "reviews/<int:pk>/"

urlpatterns = [
    path("", views.your_reviews, name="your-reviews"),
    path("reviews/new/", views.review_create, name="review-create"),
    path(R, views.review_overview, name="review-overview"),
    path(R + "edit/", views.review_edit, name="review-edit"),
    # Key lines of enquiry: the library of frameworks and each review's own copy.
    path("frameworks/", framework_views.framework_list, name="framework-list"),
    path("frameworks/<int:pk>/", framework_views.framework_detail, name="framework-detail"),
    path("frameworks/<int:pk>/copy/", framework_views.framework_copy, name="framework-copy"),
    path("frameworks/<int:pk>/edit/", framework_views.framework_edit, name="framework-edit"),
    path(R + "framework/", framework_views.review_framework, name="review-framework"),
    path(
        R + "framework/edit/", framework_views.review_framework_edit, name="review-framework-edit"
    ),
    # The team.
    path(R + "team/", team_views.team, name="team"),
    path(R + "team/invite/", team_views.invitation_create, name="invitation-create"),
    path(R + "team/invite-several/", team_views.invitation_bulk, name="invitation-bulk"),
    path(
        R + "team/invitations/<int:invitation>/resend/",
        team_views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        R + "team/invitations/<int:invitation>/revoke/",
        team_views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(R + "team/<int:membership>/role/", team_views.member_role, name="member-role"),
    path(R + "team/<int:membership>/shown-as/", team_views.member_shown_as, name="member-shown-as"),
    path("invitations/<str:token>/", team_views.invitation_accept, name="invitation-accept"),
    # Documents.
    path(R + "documents/", document_views.documents, name="documents"),
    path(
        R + "documents/request/",
        document_views.document_request_create,
        name="document-request-create",
    ),
    path(
        R + "documents/request/<int:request_pk>/upload/",
        document_views.document_upload,
        name="document-upload",
    ),
    path(
        R + "documents/<int:document>/download/",
        document_views.document_download,
        name="document-download",
    ),
    path(R + "documents/<int:document>/read/", document_views.document_read, name="document-read"),
    path(
        R + "documents/request/<int:request_pk>/edit/",
        document_views.document_request_edit,
        name="document-request-edit",
    ),
    path(
        R + "documents/request/<int:request_pk>/withdraw/",
        document_views.document_request_withdraw,
        name="document-request-withdraw",
    ),
    path(
        R + "documents/request-from-pack/",
        document_views.document_request_pack,
        name="document-request-pack",
    ),
    path(R + "documents/pack/", document_views.document_pack, name="document-pack"),
    path(
        R + "documents/<int:document>/remove/",
        document_views.document_remove,
        name="document-remove",
    ),
    path(
        R + "documents/<int:document>/replace/",
        document_views.document_replace,
        name="document-replace",
    ),
    # The timetable.
    path(R + "timetable/", schedule_views.timetable, name="timetable"),
    path(R + "timetable/grid/", schedule_views.timetable_grid, name="timetable-grid"),
    path(R + "timetable/publish/", schedule_views.timetable_publish, name="timetable-publish"),
    path(
        R + "timetable/send-changes/",
        schedule_views.timetable_send_changes,
        name="timetable-send-changes",
    ),
    path(R + "timetable.pdf", schedule_views.timetable_pdf, name="timetable-pdf"),
    path(R + "timetable.ics", schedule_views.timetable_ics, name="timetable-ics"),
    path(R + "timetable/days/new/", schedule_views.day_create, name="day-create"),
    path(R + "timetable/days/<int:day>/remove/", schedule_views.day_delete, name="day-delete"),
    path(R + "timetable/sessions/new/", schedule_views.session_create, name="session-create"),
    path(R + "timetable/sessions/<int:session>/", schedule_views.session_edit, name="session-edit"),
    path(
        R + "timetable/sessions/<int:session>/cancel/",
        schedule_views.session_cancel,
        name="session-cancel",
    ),
    # Calendar feeds.
    path("calendar/", schedule_views.calendar, name="calendar"),
    path("calendar/reset/", schedule_views.calendar_reset, name="calendar-reset"),
    path(
        "calendar/<str:token>.ics", schedule_views.calendar_person_feed, name="calendar-person-feed"
    ),
    path(
        "calendar/<str:token>/reviews/<int:pk>.ics",
        schedule_views.calendar_review_feed,
        name="calendar-review-feed",
    ),
    path(R + "audit-trail/", views.review_trail, name="review-trail"),
    path(R + "audit-trail.csv", views.review_trail_csv, name="review-trail-csv"),
    path(
        R + "team/<int:membership_pk>/reset-two-factor/",
        views.member_reset_two_factor,
        name="member-reset-two-factor",
    ),
]

# The team's work: evidence notes and findings.
urlpatterns += [
    path(R + "notes/", fieldwork_views.notes, name="notes"),
    path(R + "notes/new/", fieldwork_views.note_create, name="note-create"),
    path(R + "notes/<int:note>/", fieldwork_views.note_edit, name="note-edit"),
    path(R + "findings/", fieldwork_views.findings, name="findings"),
    path(
        R + "kloes/<int:kloe>/consolidation/",
        self_assessment_views.consolidation,
        name="consolidation",
    ),
    path(R + "findings/new/", fieldwork_views.finding_create, name="finding-create"),
    path(R + "findings/agree-all/", fieldwork_views.finding_agree_all, name="finding-agree-all"),
    path(R + "findings/<int:finding>/", fieldwork_views.finding_edit, name="finding-edit"),
    path(
        R + "findings/<int:finding>/delete/", fieldwork_views.finding_delete, name="finding-delete"
    ),
    path(R + "findings/<int:finding>/agree/", fieldwork_views.finding_agree, name="finding-agree"),
    path(
        R + "findings/<int:finding>/reorder/",
        fieldwork_views.finding_reorder,
        name="finding-reorder",
    ),
    path(R + "findings/<int:finding>/merge/", fieldwork_views.finding_merge, name="finding-merge"),
    path(
        R + "findings/<int:finding>/history/",
        fieldwork_views.finding_history,
        name="finding-history",
    ),
]

# The self-assessment.
urlpatterns += [
    path(R + "self-assessment/", self_assessment_views.self_assessment, name="self-assessment"),
    path(
        R + "self-assessment/edit/",
        self_assessment_views.self_assessment_edit,
        name="self-assessment-edit",
    ),
    path(
        R + "self-assessment/check/",
        self_assessment_views.self_assessment_check,
        name="self-assessment-check",
    ),
    path(
        R + "self-assessment/submit/",
        self_assessment_views.self_assessment_submit,
        name="self-assessment-submit",
    ),
    path(
        R + "self-assessment/reopen/",
        self_assessment_views.self_assessment_reopen,
        name="self-assessment-reopen",
    ),
    path(
        R + "self-assessment/kloes/<int:kloe>/",
        self_assessment_views.self_assessment_team,
        name="self-assessment-team",
    ),
    path(
        R + "self-assessment/judgement/",
        self_assessment_views.self_assessment_judgement,
        name="self-assessment-judgement",
    ),
]
