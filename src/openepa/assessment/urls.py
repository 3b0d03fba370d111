"""URLs of openepa.assessment: the assessor's record of each method and its history."""

from django.urls import path

from openepa.assessment.views import history, record_page

app_name = "assessment"

urlpatterns = [
    path(
        "apprentices/<int:registration_pk>/methods/<str:method_id>/",
        record_page,
        name="record",
    ),
    path("records/<int:record_pk>/history/", history, name="history"),
]
