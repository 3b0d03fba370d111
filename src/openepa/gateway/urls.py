"""URLs of openepa.gateway."""

from django.urls import path

app_name = "gateway"
urlpatterns: list = []
