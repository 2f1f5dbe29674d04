from django.urls import path

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
    # Regional learning and the shared list of themes.
    path("regional/", views.regional_view, name="regional"),
    path("regional/export.<str:fmt>", views.regional_export, name="regional-export"),
    path("themes/", views.themes, name="themes"),
    path("themes/<int:pk>/", views.theme_edit, name="theme-edit"),
]
