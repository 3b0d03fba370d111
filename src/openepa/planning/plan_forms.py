"""Forms of the plan and booking pages.

Rules are checked by openepa.planning.plans and openepa.planning.bookings.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms

from openepa.kernel.forms import STALE_MESSAGES, GovukDateField, WholeNumberField
from openepa.planning.plans import SUBMISSIONS, mode_choices
from openepa.rules.model import Method


class _Revision(forms.Form):
    """Carries the revision of the record the page showed (0 for a plan not yet recorded)."""

    revision = WholeNumberField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages=STALE_MESSAGES,
    )


class PlanForm(_Revision):
    """The planning meeting and, for each method, its planned date, mode and adjustment."""

    meeting_on = GovukDateField(label="Date of the planning meeting")
    meeting_notes = forms.CharField(
        label="Notes of the meeting (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "The notes must be 5,000 characters or fewer"},
    )
    confirm = forms.BooleanField(
        label="I have read the warnings and want to save the plan anyway", required=False
    )

    def __init__(self, *args: Any, methods: list[Method], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods = methods
        for method in methods:
            name = method.name
            self.fields[f"{method.id}_date"] = GovukDateField(
                label=f"Planned date of the {name} (optional)", required=False
            )
            self.fields[f"{method.id}_mode"] = forms.ChoiceField(
                label=f"How the {name} will be carried out",
                choices=mode_choices(method),
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select how the {name} will be carried out",
                    "invalid_choice": f"Select one of the ways the {name} may be carried out",
                },
            )
            self.fields[f"{method.id}_adjustment"] = forms.CharField(
                label=f"Reasonable adjustment for the {name} (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "max_length": "The reasonable adjustment must be 2,000 characters or fewer"
                },
            )

    def method_rows(self) -> list[tuple[Method, Any, Any, Any]]:
        """Each method with its three bound fields, for the template."""
        return [
            (m, self[f"{m.id}_date"], self[f"{m.id}_mode"], self[f"{m.id}_adjustment"])
            for m in self.methods
        ]


class SignForm(_Revision):
    """The apprentice or the assessor agrees the plan as themself."""

    agree = forms.BooleanField(
        label="I agree with the declaration above",
        error_messages={"required": "Tick the box to confirm you agree with the declaration"},
    )


MINUTES = re.compile(r"^\s*[0-9]{1,3}(\s*,\s*[0-9]{1,3})*\s*$")


def _minutes_field() -> forms.CharField:
    return forms.CharField(
        label="Minutes of each occasion",
        max_length=60,
        error_messages={"required": "Enter how many minutes the assessment will take"},
    )


class _BookingFields(forms.Form):
    on = GovukDateField(label="Date of the assessment")
    starts_at = forms.TimeField(
        label="Start time",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time as hours and minutes, like 10:30",
        },
    )
    minutes = _minutes_field()
    mode = forms.ChoiceField(
        label="How it will be carried out",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the assessment will be carried out",
            "invalid_choice": "Select one of the ways this method may be carried out",
        },
    )
    confirm = forms.BooleanField(
        label="I have read the warnings and want to book anyway", required=False
    )

    def clean_minutes(self) -> list[int]:
        value = self.cleaned_data["minutes"]
        if not MINUTES.match(value):
            raise forms.ValidationError(
                "Enter the minutes of each occasion as whole numbers separated by commas, "
                "like 60, or 30, 30 for two occasions"
            )
        minutes = [int(part) for part in value.split(",")]
        if any(m == 0 for m in minutes):
            raise forms.ValidationError("Each occasion must last at least 1 minute")
        return minutes


class BookingForm(_BookingFields):
    """Book one method, and the submission dates the specification uses.

    ``submissions`` names the dates to ask for: those the specification uses and the
    evidence does not already give (:func:`openepa.planning.plans.submissions_used`).
    """

    method = forms.ChoiceField(
        label="Method",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the method to book",
            "invalid_choice": "Select a method from the list",
        },
    )
    field_order = ["method", "on", "starts_at", "minutes", "mode"]

    def __init__(
        self, *args: Any, methods: list[Method], submissions: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.methods = {m.id: m for m in methods}
        self.submission_names = submissions
        self.fields["method"].choices = [(m.id, m.name) for m in methods]  # type: ignore[attr-defined]
        every_mode: dict[str, str] = {}
        for method in methods:
            every_mode.update(mode_choices(method))
        self.fields["mode"].choices = list(every_mode.items())  # type: ignore[attr-defined]
        for name in submissions:
            self.fields[name] = GovukDateField(
                label=f"{SUBMISSIONS[name]} (optional)", required=False
            )

    def submission_fields(self) -> list[Any]:
        """The bound submission date fields, for the template."""
        return [self[name] for name in self.submission_names]


class MoveForm(_Revision, _BookingFields):
    """Move a booking for extenuating circumstances."""

    reason = forms.CharField(
        label="Reason for the move",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason the booking is moved",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, method: Method, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = mode_choices(method)  # type: ignore[attr-defined]


class CancelForm(_Revision):
    """Cancel a booking, with a reason."""

    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason the booking is cancelled",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


def time_text(value: time | None) -> str:
    """A time as the form shows it: 10:30."""
    return value.strftime("%H:%M") if value else ""
