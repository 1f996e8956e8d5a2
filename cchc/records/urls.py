"""Pages of the CCHC work registers (tasks, feedback, posts, documents, inspections, trainings,
staffing) of a unit."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
