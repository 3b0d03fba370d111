"""Sign-in, password, organisation and invitation forms, with messages that say what to fix."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError

from openepa.accounts.models import Invitation, Organisation, User
from openepa.kernel.forms import RecordChoiceField
from openepa.people import services
from openepa.registration.models import Apprentice
from openepa.rules.identifiers import ukprn_problem, uln_problem

PASSWORD_HINT = (
    "Use at least 10 characters. Do not use a common password, only numbers, or something "
    "like your name or email address."
)


def errors_in_field_order(form: forms.Form) -> None:
    """Order the form's errors as its fields are, so the error summary follows the page."""
    errors = form.errors
    order = {name: position for position, name in enumerate(form.fields)}
    ordered = sorted(errors.items(), key=lambda item: order.get(item[0], -1))
    errors.clear()
    errors.update(ordered)


class PasswordField(forms.CharField):
    """A password box that is always shown empty, even after an error, like PasswordInput."""

    widget = forms.PasswordInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        """What the page shows: never the password typed."""
        return ""


class SignInForm(AuthenticationForm):
    """Sign in with email address and password."""

    username = forms.EmailField(label="Email address", max_length=254)
    password = PasswordField(label="Password")

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off: ask your EPAO admin",
    }

    def clean_username(self) -> str:
        """Email addresses are stored in lower case."""
        return services.normalise_email(str(self.cleaned_data["username"]))

    def clean(self) -> dict[str, Any]:
        """Authenticate, naming the address as both ``username`` and ``email``.

        django-axes reads the user model's ``email`` field from the credentials Django reports
        with a failed sign-in, so the address is passed under that name too: failures are then
        counted per address (and IP address), not per IP address alone.
        """
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(
                self.request, username=username, email=username, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ResetPasswordForm(PasswordResetForm):
    """Ask for a password reset link by email address."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def clean_email(self) -> str:
        """Compared in lower case, as addresses are stored."""
        return services.normalise_email(self.cleaned_data["email"])

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Email a reset link, or explain to an account without a password how to get one.

        Django sends nothing to an account that has no usable password (one made without a
        password, never invited): its owner would wait for a link that never comes. The page
        reads the same whatever the address, so it tells no stranger which accounts exist;
        only the email to the account's own address says it has no password and how to get
        an invitation to choose one.
        """
        super().save(*args, **kwargs)
        for user in services.accounts_without_password(self.cleaned_data["email"]):
            self.send_mail(
                "registration/no_password_subject.txt",
                "registration/no_password_email.txt",
                {"user": user, "email": user.email, **(kwargs.get("extra_email_context") or {})},
                kwargs.get("from_email"),
                user.email,
            )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Choose a new password; the validators' messages are shown on the first box."""

    new_password1 = PasswordField(
        label="New password",
        error_messages={"required": "Enter a new password"},
    )
    new_password2 = PasswordField(
        label="Confirm new password",
        error_messages={"required": "Enter the new password again"},
    )
    error_messages = {"password_mismatch": "Enter the same password in both boxes"}

    def clean(self) -> dict[str, Any]:
        """Both boxes match and the password passes Django's validators."""
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data


class OrganisationSearchForm(forms.Form):
    """Search the organisation list by name or UKPRN, and show one kind."""

    q = forms.CharField(label="Name or UKPRN", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[
            ("", "Providers and employers"),
            (Organisation.Kind.PROVIDER, "Training providers"),
            (Organisation.Kind.EMPLOYER, "Employers"),
        ],
    )


class OrganisationForm(forms.Form):
    """Add a training provider (with its UKPRN) or an employer."""

    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=[
            (Organisation.Kind.PROVIDER, "Training provider"),
            (Organisation.Kind.EMPLOYER, "Employer"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select training provider or employer"},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the organisation's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    ukprn = forms.CharField(
        label="UKPRN",
        required=False,
        max_length=20,
        help_text=(
            "Training providers only: the 8-digit UK provider reference number, like 10012345"
        ),
    )

    def __init__(self, *args: Any, epao: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.epao = epao

    def clean_name(self) -> str:
        """Names are trimmed."""
        return " ".join(str(self.cleaned_data["name"]).split())

    def clean_ukprn(self) -> str:
        """Spaces are ignored; the number itself is checked with the kind in ``clean``."""
        return "".join(str(self.cleaned_data.get("ukprn") or "").split())

    def clean(self) -> dict[str, Any]:
        """A provider needs a valid UKPRN not yet in the list; an employer has none."""
        data = super().clean() or {}
        kind, name, ukprn = data.get("kind"), data.get("name"), data.get("ukprn", "")
        if kind == Organisation.Kind.PROVIDER:
            if not ukprn:
                self.add_error("ukprn", "Enter the training provider's UKPRN, like 10012345")
            elif problem := ukprn_problem(ukprn):
                self.add_error("ukprn", problem)
            else:
                taken = Organisation.objects.filter(epao=self.epao, ukprn=ukprn).first()
                if taken is not None:
                    self.add_error(
                        "ukprn",
                        f"{taken.name} already has UKPRN {ukprn}: check the number, or use "
                        "the provider already in the list",
                    )
        elif kind == Organisation.Kind.EMPLOYER and ukprn:
            self.add_error(
                "ukprn", "Leave UKPRN empty for an employer: only training providers have one"
            )
        if kind and name and "name" not in self.errors:
            exists = Organisation.objects.filter(
                epao=self.epao, kind=kind, name__iexact=name
            ).exists()
            if exists:
                label = (
                    "a training provider" if kind == Organisation.Kind.PROVIDER else "an employer"
                )
                self.add_error(
                    "name",
                    f"There is already {label} called {name}: use it, or add something that "
                    "tells them apart, like the town",
                )
        errors_in_field_order(self)
        return data


class PeopleFilterForm(forms.Form):
    """Filter the people of the EPAO by role, and search by name or email address."""

    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "All roles"), *User.Role.choices]
    )


class OrganisationChoiceField(RecordChoiceField):
    """An organisation shown with its kind, so providers and employers are told apart."""

    def label_from_instance(self, obj: Organisation) -> str:
        """Name, kind and UKPRN where there is one."""
        kind = "training provider" if obj.kind == Organisation.Kind.PROVIDER else "employer"
        return f"{obj.name} ({kind}{', UKPRN ' + obj.ukprn if obj.ukprn else ''})"


class InvitationForm(forms.Form):
    """Invite a person by email with a role, and their organisation where the role has one."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        help_text="The invitation link is sent here, and it is the address they sign in with",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        required=False,
        help_text="They can correct it when they accept the invitation",
    )
    role = forms.ChoiceField(
        label="Role",
        choices=User.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )
    organisation = OrganisationChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose an organisation",
        help_text="Training provider and employer users only: the organisation they work for",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    uln = forms.CharField(
        label="Unique learner number (ULN)",
        required=False,
        max_length=20,
        help_text=(
            "Apprentices only, optional: the ULN of an apprentice already registered. "
            "If you leave the email address empty, the one on their registration is used"
        ),
    )

    def __init__(self, *args: Any, epao: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.epao = epao
        self.apprentice: Apprentice | None = None
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            epao=epao
        ).order_by("kind", "name")

    def clean_uln(self) -> str:
        """Spaces are ignored."""
        return "".join(str(self.cleaned_data.get("uln") or "").split())

    def clean(self) -> dict[str, Any]:
        """The organisation matches the role; an apprentice's ULN and email agree."""
        data = super().clean() or {}
        role = data.get("role")
        organisation: Organisation | None = data.get("organisation")
        uln: str = data.get("uln", "")
        email = services.normalise_email(data.get("email") or "")
        if role in services.ORGANISATION_KIND_OF_ROLE:
            wanted = services.ORGANISATION_KIND_OF_ROLE[role]
            label = "training provider" if wanted == Organisation.Kind.PROVIDER else "employer"
            if organisation is None and "organisation" not in self.errors:
                self.add_error("organisation", f"Choose the {label} this person works for")
            elif organisation is not None and organisation.kind != wanted:
                article = "an" if label == "employer" else "a"
                self.add_error(
                    "organisation",
                    f"{organisation.name} is not {article} {label}: choose the {label} this "
                    "person works for, or a different role",
                )
        elif role and organisation is not None and role != User.Role.APPRENTICE:
            data["organisation"] = None  # EPAO roles always belong to the EPAO itself
        if role == User.Role.APPRENTICE:
            data["organisation"] = None
            if uln:
                email = self._check_apprentice(uln, email)
        elif uln:
            self.add_error("uln", "Leave the ULN empty: it is only for apprentices")
        if not email and "email" not in self.errors:
            self.add_error("email", "Enter the person's email address")
        elif email:
            data["email"] = email
            if services.has_account(email):
                self.add_error(
                    "email",
                    f"{email} already has an OpenEPA account: they can sign in, or reset "
                    "their password",
                )
            elif (
                role == User.Role.APPRENTICE
                and self.apprentice is None
                and not uln
                and len(services.unlinked_apprentices(self.epao.pk, email)) > 1
            ):
                self.add_error(
                    "uln",
                    f"More than one apprentice has the email address {email}: enter the ULN "
                    "of the one you are inviting",
                )
        if not (data.get("full_name") or "").strip():
            if self.apprentice is not None:
                data["full_name"] = self.apprentice.full_name
            elif "full_name" not in self.errors:
                self.add_error("full_name", "Enter the person's full name")
        errors_in_field_order(self)
        return data

    def _check_apprentice(self, uln: str, email: str) -> str:
        """The apprentice with this ULN; returns the email address to invite."""
        if problem := uln_problem(uln):
            self.add_error("uln", problem)
            return email
        apprentice = services.apprentice_for_uln(self.epao, uln)
        if apprentice is None:
            self.add_error(
                "uln",
                f"No apprentice with ULN {uln} is registered with your EPAO: check the ULN, "
                "or leave it empty and invite them by email address",
            )
            return email
        if apprentice.user_id is not None:
            self.add_error(
                "uln", f"{apprentice.full_name} (ULN {uln}) already has an OpenEPA account"
            )
            return email
        if email and email != services.normalise_email(apprentice.email):
            self.add_error(
                "email",
                f"{apprentice.full_name}'s registration has the email address "
                f"{apprentice.email}: invite that address, or correct it on their registration "
                "first",
            )
            return email
        self.apprentice = apprentice
        return services.normalise_email(apprentice.email)


class AcceptInvitationForm(forms.Form):
    """The invited person confirms their name and chooses a password."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    password1 = PasswordField(
        label="Password",
        error_messages={"required": "Enter a password"},
    )
    password2 = PasswordField(
        label="Confirm password",
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict[str, Any]:
        """The passwords match and pass Django's password validators."""
        data = super().clean() or {}
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Enter the same password in both boxes")
        if password1:
            candidate = User(
                email=self.invitation.email,
                full_name=data.get("full_name") or self.invitation.full_name,
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
