from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.your_reviews, name="your-reviews"),
    path("reviews/<int:pk>/", views.review_overview, name="review-overview"),
    path("reviews/<int:pk>/audit-trail/", views.review_trail, name="review-trail"),
    path("reviews/<int:pk>/audit-trail.csv", views.review_trail_csv, name="review-trail-csv"),
    path(
        "reviews/<int:pk>/team/<int:membership_pk>/reset-two-factor/",
        views.member_reset_two_factor,
        name="member-reset-two-factor",
    ),
]
