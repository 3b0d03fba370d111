"""URLs for signing in and out, resetting a password, organisations, people and history."""

from django.contrib.auth import views as auth_views
from django.urls import path

from openepa.accounts import views
from openepa.accounts.forms import SignInForm
from openepa.audit.views import registration_history

app_name = "accounts"

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
    path("history/<int:pk>/", registration_history, name="audit"),
]
