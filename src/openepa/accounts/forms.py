"""Sign-in and account forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Sign in with email address and password."""

    username = forms.EmailField(label="Email address", max_length=254)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off: ask your EPAO admin",
    }

    def clean_username(self) -> str:
        """Email addresses are stored in lower case."""
        return str(self.cleaned_data["username"]).lower()
