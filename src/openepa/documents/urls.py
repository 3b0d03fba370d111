"""URLs of documents: each registration's PDFs, and batches of results letters."""

from django.urls import path

from openepa.documents import views

app_name = "documents"

urlpatterns = [
    path("apprentices/<int:registration_pk>/<str:name>.pdf", views.pdf, name="pdf"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
]
