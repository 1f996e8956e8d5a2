"""Scoring and ranking pages."""

from django.urls import path

from cchc.scoring import assessment_views, export_views, views

urlpatterns = [
    path("scoring/", views.schemes, name="scoring"),
    path("scoring/<slug:scheme_code>/<str:period_code>/", views.ranking_page, name="ranking"),
    path(
        "scoring/<slug:scheme_code>/<str:period_code>/dashboard/",
        views.dashboard,
        name="scoring_dashboard",
    ),
    path(
        "scoring/<slug:scheme_code>/<str:period_code>/xep-hang.xlsx",
        export_views.ranking_xlsx,
        name="ranking_xlsx",
    ),
    path(
        "scoring/<slug:scheme_code>/<str:period_code>/thong-bao.docx",
        export_views.ranking_docx,
        name="ranking_docx",
    ),
    path(
        "scoring/<slug:scheme_code>/<str:period_code>/entered/",
        views.import_entered,
        name="import_entered",
    ),
    path(
        "units/<str:unit_code>/scores/<slug:scheme_code>/<str:period_code>/",
        views.unit_score,
        name="unit_score",
    ),
    path(
        "units/<str:unit_code>/assessments/<slug:scheme_code>/<str:period_code>/",
        assessment_views.assessment_page,
        name="assessment",
    ),
    path(
        "units/<str:unit_code>/assessment-files/<int:evidence_id>/",
        assessment_views.assessment_file,
        name="assessment_file",
    ),
    path(
        "units/<str:unit_code>/scores/<slug:scheme_code>/<str:period_code>/enter/",
        views.enter,
        name="enter_figure",
    ),
    path(
        "units/<str:unit_code>/scores/<slug:scheme_code>/<str:period_code>/<str:code>/<slug:part>/",
        views.behind,
        name="score_behind",
    ),
]
