"""URLs of the home page and the EPAO admin's settings."""

from django.urls import path

from openepa.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
]
