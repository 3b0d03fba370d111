"""URLs of openepa.claims."""

from django.urls import path

from openepa.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("draft-missing/", views.draft_missing, name="draft_missing"),
    path("export.json", views.export_json, name="export_json"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/change/", views.claim_edit, name="edit"),
    path("<int:pk>/status/", views.claim_move, name="move"),
]
