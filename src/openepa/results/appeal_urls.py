"""URLs of openepa.results (appeal_urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
