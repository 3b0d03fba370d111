"""URLs of openepa.assessment."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "assessment"

urlpatterns: list[URLPattern] = []
