"""URLs of openepa.planning: assessor profiles, declared relationships and allocation."""

from django.urls import path

from openepa.planning import views

app_name = "planning"

_person = "assessors/<int:user_pk>/"

urlpatterns = [
    path("assessors/", views.assessors, name="assessors"),
    path("my-profile/", views.my_profile, name="my_profile"),
    path(_person, views.profile, name="profile"),
    path(f"{_person}edit/", views.profile_edit, name="profile_edit"),
    path(f"{_person}unavailable/", views.unavailable_add, name="unavailable_add"),
    path(
        f"{_person}unavailable/<int:period_pk>/remove/",
        views.unavailable_remove,
        name="unavailable_remove",
    ),
    path(f"{_person}relationships/", views.relationship_add, name="relationship_add"),
    path(
        f"{_person}relationships/<int:relationship_pk>/remove/",
        views.relationship_remove,
        name="relationship_remove",
    ),
    path("allocations/", views.allocations, name="allocations"),
    path("apprentices/<int:registration_pk>/allocate/", views.allocate, name="allocate"),
]
