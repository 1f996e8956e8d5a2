"""Open data: the public pages (no login) and the consolidator's publishing page."""

from django.urls import path

from cchc.opendata import manage, ranking_manage, views

urlpatterns = [
    path("du-lieu-mo/", views.index, name="opendata_index"),
    path("du-lieu-mo/data.json", views.catalogue, name="opendata_catalogue"),
    path("du-lieu-mo/<slug:slug>/", views.dataset, name="opendata_dataset"),
    path("du-lieu-mo/<slug:slug>.csv", views.dataset_csv, name="opendata_csv"),
    path("du-lieu-mo/<slug:slug>.json", views.dataset_json, name="opendata_json"),
    path("opendata/manage/<str:period_code>/", manage.manage, name="opendata_manage"),
    path("opendata/manage/<str:period_code>/publish/", manage.publish, name="opendata_publish"),
    path(
        "opendata/rankings/<slug:scheme_code>/<str:period_code>/",
        ranking_manage.ranking_manage,
        name="opendata_ranking",
    ),
    path(
        "opendata/rankings/<slug:scheme_code>/<str:period_code>/publish/",
        ranking_manage.ranking_publish,
        name="opendata_ranking_publish",
    ),
    path(
        "opendata/publications/<int:publication_id>/withdraw/",
        manage.withdraw,
        name="opendata_withdraw",
    ),
]
