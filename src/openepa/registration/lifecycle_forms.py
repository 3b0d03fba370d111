"""Forms of a registration's life: correct, put on hold, resume, withdraw, transfer.

Each carries the ``revision`` its page showed, so a change made meanwhile by someone else is
refused rather than overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from openepa.accounts.models import Organisation
from openepa.kernel import clock
from openepa.kernel.forms import STALE_MESSAGES, GovukDateField, RecordChoiceField, WholeNumberField
from openepa.registration.corrections import APPRENTICE_FIELDS, REGISTRATION_FIELDS
from openepa.registration.forms import ApprenticeDetailsForm
from openepa.registration.models import Registration
from openepa.rules.dates import long_date


class RevisionForm(forms.Form):
    """The revision of the registration the page showed."""

    revision = WholeNumberField(
        widget=forms.HiddenInput, min_value=0, error_messages=STALE_MESSAGES
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()

    def refresh_revision(self, revision: int) -> None:
        """Show the latest revision, so saving again after reading the refusal goes through."""
        if self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]
            data["revision"] = str(revision)
            self.data = data


def reason_field(label: str, required_message: str, hint: str = "") -> forms.CharField:
    """A reason, required, in a text area."""
    return forms.CharField(
        label=label,
        max_length=2000,
        widget=forms.Textarea,
        help_text=hint,
        error_messages={
            "required": required_message,
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )


class CorrectionForm(ApprenticeDetailsForm, RevisionForm):
    """Correct the details: the registration form's fields and checks, and a reason."""

    field_order = [*APPRENTICE_FIELDS, *REGISTRATION_FIELDS, "reason"]

    reason = reason_field(
        "Why are the details corrected?",
        "Say why the details are corrected",
        "For example, the name as on the apprentice's passport. The reason is kept in the "
        "audit trail.",
    )

    @staticmethod
    def initial_of(registration: Registration) -> dict[str, Any]:
        """The form's values as registered."""
        apprentice = registration.apprentice
        return {
            **{name: getattr(apprentice, name) for name in APPRENTICE_FIELDS},
            **{name: getattr(registration, name) for name in REGISTRATION_FIELDS},
            "revision": registration.revision,
        }

    def values(self) -> dict[str, Any]:
        """The corrected values, checked."""
        names = (*APPRENTICE_FIELDS, *REGISTRATION_FIELDS)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class HoldForm(RevisionForm):
    """A break in learning: from when, until when it is expected to end, and why."""

    held_from = GovukDateField(
        label="First day of the break",
        help_text="For example, 1 9 2026. Today or earlier.",
        error_messages={"required": "Enter the first day of the break"},
    )
    expected_return = GovukDateField(
        label="Expected return",
        help_text="The day the apprentice is expected back, for example 1 12 2026",
        error_messages={"required": "Enter the day the apprentice is expected back"},
    )
    reason = reason_field(
        "Reason for the break in learning",
        "Enter the reason for the break in learning",
        "For example, illness or parental leave. It is kept in the audit trail.",
    )

    def clean(self) -> dict[str, Any]:
        """The break has started, and the return comes after its first day."""
        data = super().clean()
        assert data is not None
        start, back = data.get("held_from"), data.get("expected_return")
        if start and start > self.today:
            self.add_error(
                "held_from",
                f"The break must have started: enter {long_date(self.today)} or earlier",
            )
        if start and back and back <= start:
            self.add_error(
                "expected_return", "Expected return must be after the first day of the break"
            )
        return data


class ResumeForm(RevisionForm):
    """The day the apprentice came back from the break."""

    resumed_on = GovukDateField(
        label="The day the apprentice came back",
        help_text="For example, 21 9 2026. Today or earlier.",
        error_messages={"required": "Enter the day the apprentice came back"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 2000 characters or fewer"},
    )

    def clean_resumed_on(self) -> date:
        """Not a day to come."""
        day: date = self.cleaned_data["resumed_on"]
        if day > self.today:
            raise ValidationError(
                f"The apprentice must be back already: enter {long_date(self.today)} or earlier"
            )
        return day


class WithdrawForm(RevisionForm):
    """Withdraw the registration: why, and a confirmation."""

    reason = reason_field(
        "Why is the registration withdrawn?",
        "Enter the reason the registration is withdrawn",
        "For example, the apprentice left the apprenticeship. The parties are told it.",
    )
    confirm = forms.BooleanField(
        label="I understand that withdrawing cancels the open bookings and cannot be undone",
        error_messages={"required": "Confirm that you want to withdraw the registration"},
    )


class TransferForm(RevisionForm):
    """The new training provider and/or employer, from when, and why."""

    provider = RecordChoiceField(
        label="New training provider",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="Keep the current training provider",
        error_messages={"invalid_choice": "Choose a training provider from the list"},
    )
    employer = RecordChoiceField(
        label="New employer",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="Keep the current employer",
        error_messages={"invalid_choice": "Choose an employer from the list"},
    )
    effective_on = GovukDateField(
        label="Date the transfer took effect",
        help_text="For example, 1 9 2026. Today or earlier.",
        error_messages={"required": "Enter the date the transfer took effect"},
    )
    reason = reason_field(
        "Reason for the transfer",
        "Enter the reason for the transfer",
        "It is kept in the registration's history and audit trail.",
    )

    def __init__(self, *args: Any, registration: Registration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, current in (
            (Organisation.Kind.PROVIDER, registration.provider_id),
            (Organisation.Kind.EMPLOYER, registration.employer_id),
        ):
            field: forms.ModelChoiceField = self.fields[kind]  # type: ignore[assignment,type-arg]
            field.queryset = (
                Organisation.objects.filter(epao_id=registration.epao_id, kind=kind)
                .exclude(pk=current)
                .order_by("name")
            )

    def clean_effective_on(self) -> date:
        """Not a day to come."""
        day: date = self.cleaned_data["effective_on"]
        if day > self.today:
            raise ValidationError(
                "The transfer must have taken effect: record it on or after the day it does, "
                f"{long_date(day)}"
            )
        return day

    def clean(self) -> dict[str, Any]:
        """A new provider, a new employer, or both."""
        data = super().clean()
        assert data is not None
        chosen = data.get("provider") or data.get("employer")
        if not chosen and not self.has_error("provider") and not self.has_error("employer"):
            self.add_error("provider", "Choose a new training provider or a new employer")
        return data
