from django.urls import path

from cchc.notices import views

urlpatterns = [
    path("notices/", views.my_notices, name="my_notices"),
    path("notices/read/", views.mark_all_read, name="mark_all_read"),
    path("notices/<int:notice_id>/read/", views.mark_read, name="mark_read"),
    path("notices/<str:period_code>/", views.period_notices, name="period_notices"),
    path("notices/<str:period_code>/remind/", views.remind, name="remind"),
]
