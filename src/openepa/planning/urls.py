"""URLs of openepa.planning: assessor profiles, declared relationships and allocation."""

from django.urls import path

from openepa.planning import plan_views, views

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

# The timeline, the at-risk list and the calendars (openepa.planning.timeline_views).
from openepa.planning import timeline_views  # noqa: E402

urlpatterns += [
    path(
        "apprentices/<int:registration_pk>/timeline/",
        timeline_views.timeline_page,
        name="timeline",
    ),
    path(
        "apprentices/<int:registration_pk>/bookings/<int:booking_pk>/booking.ics",
        timeline_views.booking_ics,
        name="booking_ics",
    ),
    path("at-risk/", timeline_views.at_risk, name="at_risk"),
    path("my-calendar/", timeline_views.calendar_page, name="calendar"),
    path("my-calendar/renew/", timeline_views.calendar_renew, name="calendar_renew"),
    path("calendar/<str:token>.ics", timeline_views.calendar_feed, name="calendar_feed"),
]

# The assessment plan and the bookings of each method (openepa.planning.plan_views).
urlpatterns += [
    path("apprentices/<int:registration_pk>/plan/", plan_views.plan, name="plan"),
    path("apprentices/<int:registration_pk>/plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("apprentices/<int:registration_pk>/plan/sign/", plan_views.plan_sign, name="plan_sign"),
    path("apprentices/<int:registration_pk>/book/", plan_views.booking_add, name="booking_add"),
    path("bookings/<int:booking_pk>/move/", plan_views.booking_move, name="booking_move"),
    path("bookings/<int:booking_pk>/cancel/", plan_views.booking_cancel, name="booking_cancel"),
]
