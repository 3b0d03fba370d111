"""URLs of openepa.results (iqa_urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
