from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cchc.consolidation import consolidated, province, tracking
from cchc.consolidation import views as consolidation
from cchc.documents import views as documents
from cchc.registers import upload_views as uploads
from cchc.registers import views as registers
from cchc.reports import draft_views as drafts
from cchc.reports import views as reports
from cchc.web import history
from cchc.web import views as web

admin.site.site_header = "Quản trị hệ thống báo cáo CCHC"
admin.site.site_title = "cchc"

urlpatterns = [
    path("", web.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mat-khau/quen/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "mat-khau/quen/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mat-khau/dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mat-khau/dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mat-khau/doi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mat-khau/doi/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "units/<str:unit_code>/periods/<str:period_code>/", reports.unit_period, name="unit_period"
    ),
    path("units/<str:unit_code>/history/", history.unit_history, name="unit_history"),
    path("units/<str:unit_code>/dossiers/", registers.dossiers, name="dossiers"),
    path("units/<str:unit_code>/dossiers/import/", uploads.upload_dossiers, name="upload_dossiers"),
    path(
        "units/<str:unit_code>/imports/<str:token>/",
        uploads.map_upload,
        name="map_upload",
    ),
    path(
        "units/<str:unit_code>/imports/<str:token>/rejected.xlsx",
        uploads.rejected_rows,
        name="rejected_rows",
    ),
    path(
        "units/<str:unit_code>/procedures/import/",
        uploads.upload_procedures,
        name="upload_procedures",
    ),
    path(
        "units/<str:unit_code>/dossiers/export/bieu-II.06a.xlsx",
        registers.stats_xlsx,
        name="dossier_stats_xlsx",
    ),
    path(
        "units/<str:unit_code>/dossiers/charts/<str:key>.png",
        registers.chart,
        name="dossier_chart",
    ),
    path(
        "units/<str:unit_code>/dossiers/<str:code>/apology/",
        registers.dossier_apology,
        name="dossier_apology",
    ),
    path(
        "units/<str:unit_code>/dossiers/<str:code>/",
        registers.dossier_detail,
        name="dossier_detail",
    ),
    path("reports/<int:report_id>/", reports.report_page, name="report"),
    path("reports/<int:report_id>/values/", reports.save_value, name="save_value"),
    path(
        "reports/<int:report_id>/narrative/<int:section_id>/",
        reports.save_narrative,
        name="save_narrative",
    ),
    path(
        "reports/<int:report_id>/narrative/<int:section_id>/confirm/",
        reports.confirm_narrative,
        name="confirm_narrative",
    ),
    path("reports/<int:report_id>/citation/", reports.parse_citation, name="parse_citation"),
    path("reports/<int:report_id>/evidence/", reports.add_evidence, name="add_evidence"),
    path(
        "reports/<int:report_id>/evidence/<int:evidence_id>/remove/",
        reports.remove_evidence,
        name="remove_evidence",
    ),
    path(
        "reports/<int:report_id>/evidence/<int:evidence_id>/file/",
        reports.evidence_file,
        name="evidence_file",
    ),
    path("reports/<int:report_id>/header/", reports.update_header, name="update_header"),
    path("reports/<int:report_id>/audit/", reports.audit_trail, name="audit_trail"),
    path("reports/<int:report_id>/export/<str:fmt>/", documents.download, name="download"),
    path("reports/<int:report_id>/charts/<str:key>.png", documents.chart, name="chart"),
    path("reports/<int:report_id>/draft/", drafts.fill_drafts, name="fill_drafts"),
    path("reports/<int:report_id>/prefill/", reports.prefill, name="prefill"),
    path(
        "reports/<int:report_id>/draft/<int:section_id>/",
        drafts.section_draft,
        name="section_draft",
    ),
    path("reports/<int:report_id>/receipt/", tracking.acknowledge, name="acknowledge"),
    path("reports/<int:report_id>/approval/", drafts.approval, name="approval"),
    path("reports/<int:report_id>/<str:action>/", reports.workflow, name="workflow"),
    path("overview/", consolidation.overview_lookup, name="overview_lookup"),
    path("overview/<str:period_code>/", consolidation.overview, name="overview"),
    path(
        "overview/<str:period_code>/tinh-hinh-bao-cao.xlsx",
        tracking.overview_xlsx,
        name="overview_xlsx",
    ),
    path("overview/<str:period_code>/history/", tracking.overview_history, name="overview_history"),
    path(
        "overview/<str:period_code>/units/<str:unit_code>/deadline/",
        tracking.unit_deadline,
        name="unit_deadline",
    ),
    path(
        "overview/<str:period_code>/dossiers/",
        province.dossier_overview,
        name="dossier_overview",
    ),
    path(
        "overview/<str:period_code>/dossiers/bieu-II.06a.xlsx",
        province.dossier_overview_xlsx,
        name="dossier_overview_xlsx",
    ),
    path(
        "consolidation/<str:period_code>/",
        consolidated.consolidated,
        name="consolidated",
    ),
    path("dashboard/<str:period_code>/", consolidated.dashboard, name="dashboard"),
    path(
        "units/<str:unit_code>/dashboard/",
        consolidated.unit_dashboard_page,
        name="unit_dashboard",
    ),
    path(
        "consolidation/<str:period_code>/tong-hop.xlsx",
        consolidated.consolidated_download,
        name="consolidated_xlsx",
    ),
    path(
        "consolidation/<str:period_code>/<slug:key>/trend/",
        consolidated.trend,
        name="trend",
    ),
    path(
        "consolidation/<str:period_code>/<slug:key>/",
        consolidated.drilldown,
        name="drilldown",
    ),
    path("", include("cchc.records.urls")),
    path("", include("cchc.notices.urls")),
    path("", include("cchc.opendata.urls")),
    path("", include("cchc.scoring.urls")),
    path("api/v1/", include("cchc.api.urls")),
    path("admin/", admin.site.urls),
]

# Vietnamese error pages, also with DEBUG off (the demo and production).
handler400 = "cchc.web.errors.bad_request"
handler403 = "cchc.web.errors.permission_denied"
handler404 = "cchc.web.errors.page_not_found"
handler500 = "cchc.web.errors.server_error"
