from django.urls import path

from reports import template_views, views

app_name = "reports"

L = "reviews/<int:pk>/letter/"

urlpatterns = [
    path(L, views.letter, name="letter"),
    path(L + "start/", views.letter_start, name="letter-start"),
    path(L + "structure/", views.letter_structure, name="letter-structure"),
    path(L + "date/", views.letter_date, name="letter-date"),
    path(L + "template/", views.letter_template, name="letter-template"),
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
    path(L + "signature", views.signature, name="signature"),
    # The library of letter templates, kept by organisations' coordinators.
    path("letter-templates/", template_views.template_list, name="template-list"),
    path("letter-templates/<int:pk>/", template_views.template_detail, name="template-detail"),
    path("letter-templates/<int:pk>/copy/", template_views.template_copy, name="template-copy"),
    path("letter-templates/<int:pk>/edit/", template_views.template_edit, name="template-edit"),
    path(
        "letter-templates/<int:pk>/signature",
        template_views.template_signature,
        name="template-signature",
    ),
    # The letterhead the letters are printed on, kept by the organisation's coordinators.
    path("organisations/<int:pk>/letterhead/", views.letterhead, name="letterhead"),
]
