"""URLs of openepa.files."""

from django.urls import path

app_name = "files"
urlpatterns: list = []
