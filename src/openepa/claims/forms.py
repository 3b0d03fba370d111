"""Forms of the certificate claim pages. Readiness is checked by the services; these check input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from openepa.claims.models import CertificateClaim
from openepa.kernel.forms import STALE_MESSAGES, GovukDateField, WholeNumberField
from openepa.rules.identifiers import uln_problem
from openepa.rules.service import GRADES, normalise_postcode, uln_messages


class RevisionForm(forms.Form):
    """A form that carries the revision of the claim the page showed."""

    revision = WholeNumberField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=STALE_MESSAGES,
    )


def _text(label: str, required_message: str | None = None, max_length: int = 100) -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required_message is not None,
        error_messages={
            "required": required_message or "",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class ClaimForm(RevisionForm):
    """The claim's details: the learner, the grade and the postal contact.

    The standard, its LARS code and version are the standard's and are not on the form.
    ``grades`` are the grades the claim's specification awards (``awarded_by`` says whose):
    the grade list offers only those. ``options`` are the standard's course options at the
    claim's version: the course option is a choice only when there are some.
    """

    uln = forms.CharField(
        label="ULN (unique learner number)",
        max_length=10,
        error_messages={
            "required": "Enter the apprentice's ULN",
            "max_length": "Enter a ULN of 10 digits, like 1234567890",
        },
    )
    family_name = _text("Family name", "Enter the apprentice's family name")
    given_names = _text("Given names", "Enter the apprentice's given names")
    option = forms.ChoiceField(
        label="Course option",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the apprentice's course option",
            "invalid_choice": "Select one of the standard's course options",
        },
    )
    overall_grade = forms.ChoiceField(
        label="Overall grade",
        choices=[(grade, grade) for grade in GRADES],
        error_messages={
            "required": "Select the grade the apprentice achieved",
            "invalid_choice": "Select a grade from the list",
        },
    )
    achievement_date = GovukDateField(label="Achievement date")
    recipient = forms.ChoiceField(
        label="Send the certificate to",
        choices=CertificateClaim.Recipient.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the certificate is sent to",
            "invalid_choice": "Select the apprentice or the employer",
        },
    )
    contact_name = _text("Contact name")
    department = _text("Department")
    organisation = _text("Organisation", max_length=200)
    address_line_1 = _text("Address line 1")
    address_line_2 = _text("Address line 2")
    address_line_3 = _text("Address line 3", max_length=210)
    city = _text("Town or city", max_length=60)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={
            "max_length": "Enter a UK postcode the assessment service takes, like LS1 1AA"
        },
    )
    reason = forms.CharField(
        label="Why are you changing the claim?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter why you are changing the claim",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(
        self,
        *args: Any,
        grades: Sequence[str] = GRADES,
        awarded_by: str = "",
        options: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if options:
            option = self.fields["option"]
            assert isinstance(option, forms.ChoiceField)
            option.choices = [(words, words) for words in options]
        else:
            del self.fields["option"]
        grade = self.fields["overall_grade"]
        assert isinstance(grade, forms.ChoiceField)
        grade.choices = [(words, words) for words in grades]
        if awarded_by:
            grade.error_messages["invalid_choice"] = (
                f"Select {' or '.join(grades)}: the only grades {awarded_by} awards"
            )

    def clean_uln(self) -> str:
        value = str(self.cleaned_data["uln"]).strip()
        problem = uln_problem(value)
        if problem:
            # The service's own words first (its validators' InclusiveBetween(1000000000,
            # 9999999999) message, rules.service.uln_messages), then what to do.
            service_words = [m for m in uln_messages(value) if m.startswith("ULN should")]
            raise forms.ValidationError(
                f"{service_words[0]}. {problem}" if service_words else problem
            )
        return value

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data.get("postcode") or "").strip()
        if not value:
            return ""
        normal = normalise_postcode(value)
        if normal is None:
            # The service's own pattern (rules.service.POSTCODE_PATTERN) refuses it.
            raise forms.ValidationError(
                "Provide a valid UK postcode: the assessment service does not take "
                f'"{value}". Enter the postcode the certificate is posted to, like LS1 1AA'
            )
        return normal

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("family_name", "given_names", "contact_name", "organisation", "city"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


class MoveForm(RevisionForm):
    """A status move of the claim, with an optional reason."""

    target = forms.ChoiceField(
        label="Mark the claim as",
        choices=CertificateClaim.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the claim's new status",
            "invalid_choice": "Select a status from the list",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The reason must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            labels = dict(CertificateClaim.Status.choices)
            target = self.fields["target"]
            assert isinstance(target, forms.ChoiceField)
            target.choices = [(status, labels[status]) for status in allowed]


class SubmitForm(RevisionForm):
    """A request to submit one ready claim to the assessment service."""


class LarsCodeForm(forms.Form):
    """The LARS code of one of the EPAO's standards, set once, with why."""

    revision = WholeNumberField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages=STALE_MESSAGES,
    )
    lars_code = WholeNumberField(
        label="LARS code",
        # GOV.UK's numeric input: a text box, so what was typed comes back with the error.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        min_value=1,
        max_value=32767,
        error_messages={
            "required": "Enter the standard's LARS code, like 123",
            "invalid": "Enter the LARS code as a whole number in the digits 0 to 9, like 123",
            "min_value": "Enter a LARS code of 1 or more: 0 is not a standard's code",
            "max_value": "Enter a LARS code of 32767 or less",
        },
    )
    reason = forms.CharField(
        label="Where did you confirm the code?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter where you confirmed the code, for example the standard's page "
            "on the Find an apprenticeship training course service",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )
