"""Pages of the CCHC work registers (tasks, feedback, posts, documents, inspections, trainings,
staffing) of a unit."""

from django.urls import path

from cchc.records import views

urlpatterns = [
    path("units/<str:unit_code>/records/", views.index, name="records"),
    path(
        "units/<str:unit_code>/records/<slug:register>/",
        views.register_list,
        name="record_list",
    ),
    path("units/<str:unit_code>/records/<slug:register>/new/", views.create, name="record_create"),
    path(
        "units/<str:unit_code>/records/<slug:register>/import/",
        views.upload,
        name="record_import",
    ),
    path(
        "units/<str:unit_code>/records/<slug:register>/sample.csv",
        views.sample,
        name="record_sample",
    ),
    path(
        "units/<str:unit_code>/records/<slug:register>/<int:pk>/",
        views.edit,
        name="record_edit",
    ),
    path(
        "units/<str:unit_code>/records/<slug:register>/<int:pk>/history/",
        views.history,
        name="record_history",
    ),
    path(
        "units/<str:unit_code>/records/<slug:register>/<int:pk>/delete/",
        views.delete,
        name="record_delete",
    ),
]
