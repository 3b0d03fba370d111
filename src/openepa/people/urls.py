"""URLs for signing in and out, resetting a password, organisations and people."""

from django.contrib.auth import views as auth_views
from django.urls import path

from openepa.people import views
from openepa.people.forms import SignInForm

app_name = "people"

auth_urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/add/", views.add_organisation, name="add_organisation"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invitations/", views.invitations, name="invitations"),
    path("people/invitations/<int:pk>/renew/", views.renew_invitation, name="renew_invitation"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("apprentices/<int:pk>/invite/", views.invite_apprentice, name="invite_apprentice"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
