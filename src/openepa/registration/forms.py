"""Forms of registration: one apprentice, a CSV file of many, and the apprentice list's filters.

The checks a single field or a pair of dates can make live here, shared by the form and by each
row of a CSV file; checks that need the database or today's date (a duplicate registration,
the registration lead time) are made by :mod:`openepa.registration.services`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from openepa.accounts.models import Organisation, User
from openepa.kernel import clock
from openepa.kernel.forms import GovukDateField, MonthField, RecordChoiceField
from openepa.registration.models import Registration
from openepa.rules.identifiers import ascii_digits, uln_problem
from openepa.rules.plausibility import date_of_birth_problem, start_date_problem
from openepa.rules.service import postcode_valid, uln_messages
from openepa.specifications.models import SpecificationRecord

# The fields of a registration, in the order the form asks them and the CSV file's columns.
REGISTRATION_FIELDS = (
    "uln",
    "given_names",
    "family_name",
    "date_of_birth",
    "email",
    "phone",
    "employer",
    "specification",
    "start_date",
    "on_programme_end_date",
    "planned_assessment_month",
    "reasonable_adjustments",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
)

POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
PHONE_EXAMPLE = "like 01632 960 001, 07700 900 982 or +44 808 157 0192"


def clean_uln(value: str) -> str:
    """A ULN with spaces removed, or a ValidationError saying what to fix."""
    text = re.sub(r"\s+", "", value)
    if not text:
        raise ValidationError("Enter the apprentice's ULN")
    if not ascii_digits(text):
        raise ValidationError(
            "A ULN contains only digits 0 to 9: remove the letters, symbols or digits typed "
            "in another script, like 1234567890"
        )
    if len(text) != 10:
        raise ValidationError(
            f"A ULN is 10 digits: you entered {len(text)} digit{'' if len(text) == 1 else 's'}"
        )
    problem = uln_problem(text)
    if problem:
        # The assessment service's own words first where it refuses the ULN too (a ULN
        # starting with 0: rules.service.uln_messages), then what to do.
        service_words = [m for m in uln_messages(text) if m.startswith("ULN should")]
        lead = f"{service_words[0]}. " if service_words else ""
        # Say once where to check the number: the rule's words may already say it.
        advice = (
            ""
            if "apprentice's learner record" in problem
            else ": check it against the apprentice's learner record"
        )
        raise ValidationError(f"{lead}{problem}{advice}")
    return text


def clean_postcode(value: str) -> str:
    """A UK postcode in capitals with one space, or a ValidationError saying what to fix."""
    text = re.sub(r"\s+", "", value).upper()
    match = POSTCODE.match(text)
    if not match:
        raise ValidationError("Enter a full UK postcode, like LS1 4AP or SW1A 2AA")
    postcode = f"{match.group(1)} {match.group(2)}"
    if not postcode_valid(postcode):
        # The assessment service's pattern (rules.service.POSTCODE_PATTERN) refuses it, and the
        # certificate is posted to this address: its words, then what to do.
        raise ValidationError(
            f"Provide a valid UK postcode: the apprenticeship assessment service does not take "
            f'"{value.strip()}". Enter the postcode of the address, like LS1 4AP or SW1A 2AA'
        )
    return postcode


def clean_phone(value: str) -> str:
    """A UK or international phone number as typed, or a ValidationError."""
    text = " ".join(value.split())
    digits = re.sub(r"[\s()\-]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
    if not ascii_digits(digits) or not 10 <= len(digits) <= 15:
        raise ValidationError(f"Enter a phone number, {PHONE_EXAMPLE}")
    return text


def _name(value: str) -> str:
    """A name with runs of spaces made single."""
    return " ".join(value.split())


class ApprenticeDetailsForm(forms.Form):
    """Everything registered about an apprentice except the employer and the specification.

    Used by the registration form and for each row of a CSV file.
    """

    uln = forms.CharField(
        label="Unique learner number (ULN)",
        max_length=20,
        help_text="10 digits, like 1234567890. It is on the apprentice's ILR record.",
        error_messages={"required": "Enter the apprentice's ULN"},
    )
    given_names = forms.CharField(
        label="Given names",
        max_length=100,
        error_messages={
            "required": "Enter the apprentice's given names",
            "max_length": "Given names must be 100 characters or fewer",
        },
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={
            "required": "Enter the apprentice's family name",
            "max_length": "Family name must be 100 characters or fewer",
        },
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 2005",
        error_messages={"required": "Enter the apprentice's date of birth"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The apprentice's own email address",
        error_messages={
            "required": "Enter the apprentice's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=32,
        help_text=f"The apprentice's phone number, {PHONE_EXAMPLE}",
        error_messages={"required": "Enter the apprentice's phone number"},
    )
    start_date = GovukDateField(
        label="Apprenticeship start date",
        help_text="For example, 6 1 2025",
        error_messages={"required": "Enter the apprenticeship start date"},
    )
    on_programme_end_date = GovukDateField(
        label="On-programme end date",
        help_text="The planned end of on-programme learning, for example 30 4 2026",
        error_messages={"required": "Enter the on-programme end date"},
    )
    planned_assessment_month = MonthField(
        label="Planned assessment month",
        help_text="The month the end-point assessment should take place, for example 7 2026",
        error_messages={"required": "Enter the planned assessment month"},
    )
    reasonable_adjustments = forms.CharField(
        label="Reasonable adjustments requested (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=(
            "Any adjustment the apprentice needs to take the assessment, and why. "
            "Leave empty if none is requested."
        ),
        error_messages={"max_length": "Reasonable adjustments must be 5000 characters or fewer"},
    )
    address_line_1 = forms.CharField(
        label="Address line 1",
        max_length=100,
        error_messages={
            "required": "Enter the first line of the address for the certificate",
            "max_length": "Address line 1 must be 100 characters or fewer",
        },
    )
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)",
        max_length=100,
        required=False,
        error_messages={"max_length": "Address line 2 must be 100 characters or fewer"},
    )
    town = forms.CharField(
        label="Town or city",
        max_length=60,
        error_messages={
            "required": "Enter the town or city of the address for the certificate",
            "max_length": "Town or city must be 60 characters or fewer",
        },
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter the postcode of the address for the certificate",
            "max_length": "Enter a full UK postcode, like LS1 4AP or SW1A 2AA",
        },
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()

    def clean_uln(self) -> str:
        """The ULN without spaces, with a valid check digit."""
        return clean_uln(self.cleaned_data["uln"])

    def clean_given_names(self) -> str:
        """Given names with single spaces."""
        return _name(self.cleaned_data["given_names"])

    def clean_family_name(self) -> str:
        """Family name with single spaces."""
        return _name(self.cleaned_data["family_name"])

    def clean_email(self) -> str:
        """The email address without surrounding spaces."""
        return str(self.cleaned_data["email"]).strip()

    def clean_phone(self) -> str:
        """A phone number of 10 to 15 digits."""
        return clean_phone(self.cleaned_data["phone"])

    def clean_postcode(self) -> str:
        """A full UK postcode, in capitals with one space."""
        return clean_postcode(self.cleaned_data["postcode"])

    def clean_town(self) -> str:
        """The town with single spaces."""
        return _name(self.cleaned_data["town"])

    def clean_date_of_birth(self) -> date:
        """A date of birth in the past."""
        born: date = self.cleaned_data["date_of_birth"]
        if born >= self.today:
            raise ValidationError("Date of birth must be in the past")
        return born

    def clean(self) -> dict[str, Any]:
        """Dates in order: born, start, on-programme end, then the assessment month.

        And plausible: an apprentice of 15 to 100 on a start date at most a year ahead.
        """
        data = super().clean()
        assert data is not None
        start, end = data.get("start_date"), data.get("on_programme_end_date")
        month = data.get("planned_assessment_month")
        born = data.get("date_of_birth")
        if born and start and start <= born:
            self.add_error(
                "start_date", "Apprenticeship start date must be after the date of birth"
            )
        elif born and start and (problem := date_of_birth_problem(born, start)):
            self.add_error("date_of_birth", problem)
        if start and (problem := start_date_problem(start, self.today)):
            self.add_error("start_date", problem)
        if start and end and end <= start:
            self.add_error(
                "on_programme_end_date",
                "On-programme end date must be after the apprenticeship start date",
            )
        if end and month and month < end.replace(day=1):
            self.add_error(
                "planned_assessment_month",
                f"Planned assessment month must be {end:%B %Y} or later: assessment comes "
                "after the on-programme end date",
            )
        return data


class SpecificationChoiceField(RecordChoiceField):
    """A choice of specification labelled with standard, version, level and EPAO."""

    def label_from_instance(self, obj: SpecificationRecord) -> str:
        """Standard, version, level, EPAO and id."""
        return obj.label


class RegistrationForm(ApprenticeDetailsForm):
    """Register one apprentice: every field of the registration."""

    field_order = list(REGISTRATION_FIELDS)

    employer = RecordChoiceField(
        label="Employer",
        queryset=Organisation.objects.none(),
        empty_label="Choose the employer",
        help_text="If the employer is not listed, ask the EPAO to add it",
        error_messages={
            "required": "Choose the apprentice's employer",
            "invalid_choice": "Choose an employer from the list",
        },
    )
    specification = SpecificationChoiceField(
        label="Standard and assessment specification",
        queryset=SpecificationRecord.objects.none(),
        empty_label="Choose the standard and specification",
        help_text="The standard, its version and level, and the EPAO's specification of the "
        "assessment",
        error_messages={
            "required": "Choose the standard and specification",
            "invalid_choice": "Choose a standard and specification from the list",
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer_field: forms.ModelChoiceField = self.fields["employer"]  # type: ignore[assignment,type-arg]
        employer_field.queryset = employers_of(user)
        spec_field: SpecificationChoiceField = self.fields["specification"]  # type: ignore[assignment]
        spec_field.queryset = current_specifications()


def employers_of(user: User) -> QuerySet[Organisation]:
    """The employers of the user's EPAO, by name."""
    return Organisation.objects.filter(
        epao_id=user.epao_id, kind=Organisation.Kind.EMPLOYER
    ).order_by("name")


def current_specifications() -> QuerySet[SpecificationRecord]:
    """The current version of every specification, by standard then EPAO."""
    return SpecificationRecord.objects.filter(is_current=True).order_by("standard", "epao_name")


class UploadForm(forms.Form):
    """A CSV file of apprentices to register."""

    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A CSV file saved as UTF-8, with the header row of the template",
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty: choose a CSV file with a header row and "
            "at least one apprentice",
        },
    )


class ListFilterForm(forms.Form):
    """Filters and sort order of the apprentice list, read from the query string."""

    SORTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "name": ("apprentice__family_name", "apprentice__given_names", "id"),
        "created": ("-created_at", "-id"),
        "planned": ("planned_assessment_month", "apprentice__family_name", "id"),
    }

    q = forms.CharField(label="Name or ULN", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Registration.Status.choices],
    )
    specification = forms.ChoiceField(label="Specification", required=False)
    provider = forms.ChoiceField(label="Training provider", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("created", "Most recently registered"),
            ("name", "Family name"),
            ("planned", "Planned assessment month"),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec_field: forms.ChoiceField = self.fields["specification"]  # type: ignore[assignment]
        spec_field.choices = [
            ("", "Any specification"),
            *(
                (record.spec_id, f"{record.standard} {record.epao_name} [{record.spec_id}]")
                for record in current_specifications().only("spec_id", "standard", "epao_name")
            ),
        ]
        if user.role == User.Role.EPAO_ADMIN:
            provider_field: forms.ChoiceField = self.fields["provider"]  # type: ignore[assignment]
            provider_field.choices = [
                ("", "Any provider"),
                *Organisation.objects.filter(epao_id=user.epao_id, kind=Organisation.Kind.PROVIDER)
                .order_by("name")
                .values_list("pk", "name"),
            ]
        else:
            del self.fields["provider"]

    def apply(self, registrations: QuerySet[Registration]) -> QuerySet[Registration]:
        """``registrations`` filtered and sorted as chosen (unknown choices are ignored)."""
        data = self.values
        query = " ".join(str(data.get("q") or "").split())
        if query:
            compact = query.replace(" ", "")
            if ascii_digits(compact):
                registrations = registrations.filter(apprentice__uln__startswith=compact)
            else:
                for word in query.split():
                    registrations = registrations.filter(
                        Q(apprentice__given_names__icontains=word)
                        | Q(apprentice__family_name__icontains=word)
                    )
        if data.get("status"):
            registrations = registrations.filter(status=data["status"])
        if data.get("specification"):
            registrations = registrations.filter(specification__spec_id=data["specification"])
        if data.get("provider"):
            registrations = registrations.filter(provider_id=data["provider"])
        return registrations.order_by(*self.SORTS[data.get("sort") or "created"])

    @property
    def values(self) -> dict[str, Any]:
        """The valid choices made; a value that is not a choice is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        data = self.values
        return any(data.get(name) for name in ("q", "status", "specification", "provider"))
