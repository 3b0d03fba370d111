"""URLs for signing in and out, resetting a password, organisations and people."""

from django.contrib.auth import views as auth_views
from django.urls import path

from openepa.accounts.forms import SignInForm

app_name = "accounts"

auth_urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]
urlpatterns: list = []
