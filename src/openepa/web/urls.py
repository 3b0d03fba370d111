"""URLs of the home page and the EPAO admin's settings."""

from django.urls import path

from openepa.web import views

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says: send them OpenEPA's icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("settings/", views.settings_page, name="settings"),
]
