from django.urls import path

from audits.views import (
    alerts,
    analysis,
    case_audit,
    case_list,
    home,
    live,
    moderation,
    programme,
    sample,
    search,
    today,
    tools,
)

app_name = "audits"

_R = "reviews/<int:pk>/audits"
_C = f"{_R}/cases/<int:case_pk>"
_P = "authorities/<int:org_pk>/audit-programme"

urlpatterns = [
    path(f"{_R}/", home.audits_home, name="home"),
    path("reviews/<int:pk>/today/", today.today, name="today"),
    path(f"{_R}/settings/", sample.audit_settings, name="settings"),
    path(f"{_R}/settings/tool/", sample.choose_tool, name="choose-tool"),
    path(f"{_R}/case-list/", case_list.case_list, name="case-list"),
    path(f"{_R}/case-list/import/", case_list.case_list_import, name="case-list-import"),
    path(
        f"{_R}/case-list/template.xlsx",
        case_list.case_list_template,
        name="case-list-template",
    ),
    path(f"{_R}/case-list/remove/", case_list.case_list_remove, name="case-list-remove"),
    path(f"{_R}/case-list/assign/", case_list.case_list_assign, name="case-list-assign"),
    path(f"{_R}/case-list/balance/", case_list.case_list_balance, name="case-list-balance"),
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
    path(f"{_R}/analysis/commentary/", analysis.commentary_save_all, name="commentary-save-all"),
    path(
        f"{_R}/analysis/criteria/<int:criterion_pk>/commentary/",
        analysis.commentary_save,
        name="commentary-save",
    ),
    path("reviews/<int:pk>/search/", search.review_search, name="search"),
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
    # An authority's own audit programme (issue 23).
    path(f"{_P}/", programme.programme, name="programme"),
    path(f"{_P}/new/", programme.programme_audit_create, name="programme-audit-create"),
    path(f"{_P}/staff/", programme.programme_staff, name="programme-staff"),
    path(
        f"{_P}/staff/<int:role_pk>/remove/",
        programme.programme_staff_remove,
        name="programme-staff-remove",
    ),
    path(f"{_P}/<int:pk>/join/", programme.programme_join, name="programme-join"),
    path(f"{_R}/people/", programme.audit_people, name="programme-people"),
    path(f"{_R}/details/", programme.audit_details, name="programme-audit-details"),
    path(f"{_R}/close/", programme.audit_close, name="programme-audit-close"),
    path(f"{_R}/reopen/", programme.audit_reopen, name="programme-audit-reopen"),
    path(f"{_R}/peer-sample/", programme.peer_sample_choose, name="peer-sample"),
    path(f"{_R}/agreement/", programme.agreement_page, name="agreement"),
    path(f"{_R}/your-cases/", programme.your_cases, name="your-cases"),
    path(f"{_C}/live/", live.live_record, name="live-record"),
    path(f"{_C}/live/send/", live.live_record_send, name="live-record-send"),
    path("live-audit/confirm/<str:token>/", live.live_confirm, name="live-confirm"),
]
