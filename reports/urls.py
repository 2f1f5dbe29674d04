from django.urls import path

from reports import views

app_name = "reports"

L = "reviews/<int:pk>/letter/"

urlpatterns = [
    path(L, views.letter, name="letter"),
    path(L + "style/", views.letter_style, name="letter-style"),
    path(L + "sections/<slug:key>/", views.section_edit, name="section-edit"),
    path(L + "sections/<slug:key>/reset/", views.section_reset, name="section-reset"),
    path(L + "sections/<slug:key>/history/", views.section_history, name="section-history"),
    path(L + "draft.pdf", views.draft_pdf, name="draft-pdf"),
    path(L + "draft.docx", views.draft_docx, name="draft-docx"),
    path(L + "presentation.pdf", views.presentation, name="presentation"),
    path(L + "share/", views.share, name="share"),
    path(L + "comments/", views.comments, name="comments"),
    path(L + "comments/<int:comment>/reply/", views.comment_reply, name="comment-reply"),
    path(L + "issue/", views.issue, name="issue"),
    path(L + "versions/", views.versions, name="versions"),
    path(
        L + "versions/<int:number>/letter.<str:fmt>",
        views.version_download,
        name="version-download",
    ),
    path(L + "logo", views.logo, name="logo"),
    # The letterhead the letters are printed on, kept by the organisation's coordinators.
    path("organisations/<int:pk>/letterhead/", views.letterhead, name="letterhead"),
]
