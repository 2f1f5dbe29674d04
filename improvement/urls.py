from django.urls import path

from improvement import journey_views as journey
from improvement import views

app_name = "improvement"

R = "reviews/<int:pk>/"
A = "authorities/<int:pk>/"

urlpatterns = [
    # The host's action plan, once the letter is issued.
    path(R + "action-plan/", views.action_plan, name="action-plan"),
    path(R + "action-plan/new/", views.action_create, name="action-create"),
    path(R + "action-plan/<int:action>/", views.action_edit, name="action-edit"),
    path(R + "action-plan/<int:action>/progress/", views.action_progress, name="action-progress"),
    path(R + "action-plan/<int:action>/delete/", views.action_delete, name="action-delete"),
    path(R + "action-plan.<str:fmt>", views.action_plan_export, name="action-plan-export"),
    # Follow-up reviews.
    path(R + "follow-up/", views.follow_up_create, name="follow-up-create"),
    path(R + "previous-review/", views.previous_review, name="previous-review"),
    # An authority's history.
    path(A + "history/", views.authority_history, name="authority-history"),
    path(A + "history/new/", views.external_review_create, name="external-review-create"),
    path(
        A + "history/<int:external>/letter/",
        views.external_review_letter,
        name="external-review-letter",
    ),
    # The authority's improvement journey: trends, priorities and board meetings, journey reports.
    path(A + "trends/", journey.trends_view, name="trends"),
    path(A + "priorities/", journey.priorities_view, name="priorities"),
    path(A + "priorities/new/", journey.priority_create, name="priority-create"),
    path(A + "priorities/<int:priority>/", journey.priority_edit, name="priority-edit"),
    path(A + "priorities/<int:priority>/delete/", journey.priority_delete, name="priority-delete"),
    path(A + "board-meetings/new/", journey.board_meeting_create, name="board-meeting-create"),
    path(A + "journey-reports/", journey.journey_reports, name="journey-reports"),
    path(A + "journey-reports/new/", journey.journey_report_create, name="journey-report-create"),
    path(A + "journey-reports/<int:report>/", journey.journey_report, name="journey-report"),
    path(
        A + "journey-reports/<int:report>/sections/",
        journey.journey_structure,
        name="journey-structure",
    ),
    path(
        A + "journey-reports/<int:report>/details/",
        journey.journey_report_edit,
        name="journey-report-edit",
    ),
    path(
        A + "journey-reports/<int:report>/sections/<slug:key>/",
        journey.journey_section_edit,
        name="journey-section-edit",
    ),
    path(
        A + "journey-reports/<int:report>/sections/<slug:key>/reset/",
        journey.journey_section_reset,
        name="journey-section-reset",
    ),
    path(
        A + "journey-reports/<int:report>/draft.<str:fmt>",
        journey.journey_report_draft,
        name="journey-report-draft",
    ),
    path(
        A + "journey-reports/<int:report>/issue/",
        journey.journey_report_issue,
        name="journey-report-issue",
    ),
    path(
        A + "journey-reports/<int:report>/versions/<int:number>.<str:fmt>",
        journey.journey_report_version,
        name="journey-report-version",
    ),
    # Regional learning and the shared list of themes.
    path("regional/", views.regional_view, name="regional"),
    path("regional/export.<str:fmt>", views.regional_export, name="regional-export"),
    path("themes/", views.themes, name="themes"),
    path("themes/<int:pk>/", views.theme_edit, name="theme-edit"),
]
