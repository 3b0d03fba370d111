"""URLs of openepa.gateway: one apprentice's gateway, its components and the EPAO's reviews."""

from django.urls import path

from openepa.gateway import views

app_name = "gateway"

_component = "<int:registration_pk>/components/<int:component_pk>/"

urlpatterns = [
    path("reviews/", views.review_queue, name="review_queue"),
    path("<int:registration_pk>/", views.overview, name="overview"),
    path("<int:registration_pk>/confirm/", views.confirm, name="confirm"),
    path(_component, views.component, name="component"),
    path(f"{_component}submit/", views.submit, name="submit"),
    path(f"{_component}sign/", views.sign, name="sign"),
    path(f"{_component}review/", views.review, name="review"),
    path(f"{_component}portfolio/", views.portfolio, name="portfolio"),
    path(f"{_component}portfolio/add/", views.piece_add, name="piece_add"),
    path(
        f"{_component}portfolio/<int:piece_pk>/remove/",
        views.piece_remove,
        name="piece_remove",
    ),
    path(f"{_component}proposal/", views.proposal, name="proposal"),
    path(f"{_component}proposal/review/", views.proposal_review, name="proposal_review"),
]
