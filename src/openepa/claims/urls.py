"""URLs of openepa.claims."""

from django.urls import path

from openepa.claims import standard_views, views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("draft-missing/", views.draft_missing, name="draft_missing"),
    path("submit/", views.submit_selected, name="submit_selected"),
    path("export.json", views.export_json, name="export_json"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("standards/", standard_views.standard_list, name="standards"),
    path("standards/<str:reference>/", standard_views.standard_edit, name="standard"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/change/", views.claim_edit, name="edit"),
    path("<int:pk>/status/", views.claim_move, name="move"),
    path("<int:pk>/submit/", views.claim_submit, name="submit"),
    path("<int:pk>/look-up/", views.claim_look_up, name="look_up"),
]
