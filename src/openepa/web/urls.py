"""URLs of the home page."""

from django.urls import path

from openepa.web import views

urlpatterns = [path("", views.home, name="home")]
