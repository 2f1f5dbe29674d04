from django.urls import path

from audits import views

app_name = "audits"

_R = "reviews/<int:pk>/audits"
_C = f"{_R}/cases/<int:case_pk>"

urlpatterns = [
    path(f"{_R}/", views.audits_home, name="home"),
    path(f"{_R}/settings/", views.audit_settings, name="settings"),
    path(f"{_R}/settings/tool/", views.choose_tool, name="choose-tool"),
    path(f"{_R}/case-list/", views.case_list, name="case-list"),
    path(f"{_R}/case-list/import/", views.case_list_import, name="case-list-import"),
    path(f"{_R}/sample/draw/", views.sample_draw, name="sample-draw"),
    path(f"{_R}/sample/pick/", views.sample_pick, name="sample-pick"),
    path(f"{_R}/sample/assign/", views.sample_assign, name="sample-assign"),
    path(f"{_C}/", views.case_audit, name="case-audit"),
    path(f"{_C}/start/", views.case_audit_start, name="case-audit-start"),
    path(f"{_C}/save/", views.case_audit_save, name="case-audit-save"),
    path(
        f"{_C}/criteria/<int:answer_pk>/save/",
        views.criterion_answer_save,
        name="criterion-answer-save",
    ),
    path(f"{_C}/share/", views.case_audit_share, name="case-audit-share"),
    path(f"{_C}/moderate/", views.case_audit_moderate, name="case-audit-moderate"),
    path(f"{_C}/alert/", views.alert_raise, name="alert-raise"),
    path(f"{_R}/alerts/", views.alert_list, name="alerts"),
    path(f"{_R}/alerts/<int:alert_pk>/", views.alert_detail, name="alert"),
    path(
        f"{_R}/alerts/<int:alert_pk>/acknowledge/",
        views.alert_acknowledge,
        name="alert-acknowledge",
    ),
    path(f"{_R}/analysis/", views.analysis, name="analysis"),
    path(
        f"{_R}/analysis/criteria/<int:criterion_pk>/commentary/",
        views.commentary_save,
        name="commentary-save",
    ),
    path(f"{_R}/export/<str:table>.<str:fmt>", views.export, name="export"),
    path("audit-tools/", views.tool_list, name="tools"),
    path("audit-tools/<int:pk>/", views.tool_detail, name="tool"),
    path("audit-tools/<int:pk>/copy/", views.tool_copy, name="tool-copy"),
    path("audit-tools/<int:pk>/edit/", views.tool_edit, name="tool-edit"),
    path("audit-tools/<int:pk>/criteria/add/", views.criterion_add, name="criterion-add"),
    path(
        "audit-tools/<int:pk>/criteria/<int:criterion_pk>/edit/",
        views.criterion_edit,
        name="criterion-edit",
    ),
    path(
        "audit-tools/<int:pk>/criteria/<int:criterion_pk>/delete/",
        views.criterion_delete,
        name="criterion-delete",
    ),
]
