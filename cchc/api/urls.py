from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cchc.api import assessments, notices, province, public, records, registers, views

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("templates", views.TemplateViewSet, basename="template")
router.register("reports", views.ReportViewSet, basename="report")
router.register("tokens", views.TokenViewSet, basename="token")
router.register("overview", province.OverviewViewSet, basename="overview")
router.register("opendata", public.OpenDataViewSet, basename="opendata")
router.register("calendar", public.CalendarViewSet, basename="calendar")
router.register("notices", notices.NoticeViewSet, basename="notice")
router.register("consolidation", province.ConsolidationViewSet, basename="consolidation")
router.register(
    r"units/(?P<unit_code>[^/]+)/dossiers", registers.DossierViewSet, basename="dossier"
)

ranking = province.RankingViewSet.as_view({"get": "retrieve"})

registers_list = records.RegisterViewSet.as_view({"get": "list"})
register_rows = records.RegisterViewSet.as_view({"get": "retrieve", "post": "upsert"})

assessment_list = assessments.AssessmentViewSet.as_view({"get": "list"})
assessment_detail = assessments.AssessmentViewSet.as_view({"get": "retrieve", "post": "start"})
assessment_step = assessments.AssessmentViewSet.as_view({"post": "act"})

period_notices = notices.PeriodNoticeViewSet.as_view({"get": "list"})
period_remind = notices.PeriodNoticeViewSet.as_view({"post": "remind"})

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("units/<str:unit_code>/registers/", registers_list, name="register-list"),
    path("units/<str:unit_code>/registers/<slug:register>/", register_rows, name="register-rows"),
    path("rankings/<str:scheme>/<str:period>/", ranking, name="ranking-detail"),
    path("periods/<str:period_code>/notices/", period_notices, name="period-notices"),
    path("periods/<str:period_code>/notices/remind/", period_remind, name="period-remind"),
    path("units/<str:unit_code>/assessments/", assessment_list, name="assessment-list"),
    path(
        "units/<str:unit_code>/assessments/<str:scheme>/<str:period>/",
        assessment_detail,
        name="assessment-detail",
    ),
    re_path(
        rf"^units/(?P<unit_code>[^/]+)/assessments/(?P<scheme>[^/]+)/(?P<period>[^/]+)/"
        rf"(?P<verb>{assessments.VERBS})/$",
        assessment_step,
        name="assessment-step",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the sidecar package, its start-up script a file of its own (no inline
    # script under the Content-Security-Policy). Redoc is not offered: its page loads fonts
    # from Google, and nothing here comes from another server.
    # Swagger UI adds a <style> element as it draws: styles (never scripts) may be inline here.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
