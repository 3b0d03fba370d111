"""URLs of openepa.results (appeal_urls): resits and retakes, and appeals."""

from django.urls import URLPattern, path

from openepa.results import appeal_views, reassessment_views

urlpatterns: list[URLPattern] = [
    path(
        "apprentices/<int:pk>/resit-or-retake/",
        reassessment_views.reassessment,
        name="reassessment",
    ),
    path("apprentices/<int:pk>/appeal/", appeal_views.lodge, name="appeal_lodge"),
    path("appeals/", appeal_views.appeal_list, name="appeals"),
    path("appeals/to-review/", appeal_views.my_appeals, name="my_appeals"),
    path("appeals/<int:pk>/reviewer/", appeal_views.assign, name="appeal_assign"),
    path("appeals/<int:pk>/decide/", appeal_views.decide, name="appeal_decide"),
    path("appeals/<int:pk>/withdraw/", appeal_views.withdraw, name="appeal_withdraw"),
]
