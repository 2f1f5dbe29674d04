from django.urls import path

from audits.views import alerts, analysis, case_audit, case_list, home, moderation, sample, tools

app_name = "audits"

_R = "reviews/<int:pk>/audits"
_C = f"{_R}/cases/<int:case_pk>"

urlpatterns = [
    path(f"{_R}/", home.audits_home, name="home"),
    path(f"{_R}/settings/", sample.audit_settings, name="settings"),
    path(f"{_R}/settings/tool/", sample.choose_tool, name="choose-tool"),
    path(f"{_R}/case-list/", case_list.case_list, name="case-list"),
    path(f"{_R}/case-list/import/", case_list.case_list_import, name="case-list-import"),
    path(f"{_R}/sample/draw/", sample.sample_draw, name="sample-draw"),
    path(f"{_R}/sample/pick/", sample.sample_pick, name="sample-pick"),
    path(f"{_R}/sample/assign/", sample.sample_assign, name="sample-assign"),
    path(f"{_C}/", case_audit.case_audit, name="case-audit"),
    path(f"{_C}/start/", case_audit.case_audit_start, name="case-audit-start"),
    path(f"{_C}/save/", case_audit.case_audit_save, name="case-audit-save"),
    path(
        f"{_C}/criteria/<int:answer_pk>/save/",
        case_audit.criterion_answer_save,
        name="criterion-answer-save",
    ),
    path(f"{_C}/share/", case_audit.case_audit_share, name="case-audit-share"),
    path(f"{_C}/moderate/", moderation.case_audit_moderate, name="case-audit-moderate"),
    path(f"{_C}/alert/", alerts.alert_raise, name="alert-raise"),
    path(f"{_R}/alerts/", alerts.alert_list, name="alerts"),
    path(f"{_R}/alerts/<int:alert_pk>/", alerts.alert_detail, name="alert"),
    path(
        f"{_R}/alerts/<int:alert_pk>/acknowledge/",
        alerts.alert_acknowledge,
        name="alert-acknowledge",
    ),
    path(f"{_R}/analysis/", analysis.analysis, name="analysis"),
    path(
        f"{_R}/analysis/criteria/<int:criterion_pk>/commentary/",
        analysis.commentary_save,
        name="commentary-save",
    ),
    path(f"{_R}/export/<str:table>.<str:fmt>", analysis.export, name="export"),
    path("audit-tools/", tools.tool_list, name="tools"),
    path("audit-tools/<int:pk>/", tools.tool_detail, name="tool"),
    path("audit-tools/<int:pk>/copy/", tools.tool_copy, name="tool-copy"),
    path("audit-tools/<int:pk>/edit/", tools.tool_edit, name="tool-edit"),
    path("audit-tools/<int:pk>/criteria/add/", tools.criterion_add, name="criterion-add"),
    path(
        "audit-tools/<int:pk>/criteria/<int:criterion_pk>/edit/",
        tools.criterion_edit,
        name="criterion-edit",
    ),
    path(
        "audit-tools/<int:pk>/criteria/<int:criterion_pk>/delete/",
        tools.criterion_delete,
        name="criterion-delete",
    ),
]
