"""URLs of openepa.gateway: one apprentice's gateway, its components and the EPAO's reviews."""

from django.urls import path

from openepa.gateway import portfolio_views, proposal_views, review_views, views

app_name = "gateway"

_component = "<int:registration_pk>/components/<int:component_pk>/"

urlpatterns = [
    path("reviews/", review_views.queue, name="review_queue"),
    path("<int:registration_pk>/", views.overview, name="overview"),
    path("<int:registration_pk>/confirm/", review_views.confirm, name="confirm"),
    path(_component, views.component, name="component"),
    path(f"{_component}submit/", views.submit, name="submit"),
    path(f"{_component}sign/", views.sign, name="sign"),
    path(f"{_component}review/", review_views.review, name="review"),
    path(f"{_component}portfolio/", portfolio_views.portfolio, name="portfolio"),
    path(f"{_component}portfolio/add/", portfolio_views.piece_add, name="piece_add"),
    path(
        f"{_component}portfolio/<int:piece_pk>/remove/",
        portfolio_views.piece_remove,
        name="piece_remove",
    ),
    path(f"{_component}proposal/", proposal_views.proposal, name="proposal"),
    path(f"{_component}proposal/review/", proposal_views.proposal_review, name="proposal_review"),
]
