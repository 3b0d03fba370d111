"""URLs of openepa.files: downloads that check the user's right to see the file."""

from django.urls import path

from openepa.files import views

app_name = "files"
urlpatterns = [path("<uuid:uuid>/", views.download, name="download")]
