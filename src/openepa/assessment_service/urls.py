"""URLs of openepa.assessment_service, under /assessment-service/."""

from django.urls import path

from openepa.assessment_service import views

app_name = "assessment_service"

urlpatterns = [
    path("", views.service_overview, name="overview"),
    path("refused/", views.refused, name="refused"),
    path("refused/<int:pk>/send-again/", views.send_again, name="send_again"),
    path("waiting/", views.waiting, name="waiting"),
    path("send/", views.send_now, name="send_now"),
    path("epa-records.csv", views.epa_records_csv, name="epa_records_csv"),
    path("epa-records.json", views.epa_records_json, name="epa_records_json"),
]
