"""Forms of the assessment service pages: the list of learners to check, and the permission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from openepa.kernel.forms import GovukDateField
from openepa.registration.models import LearnerCheck

Outcome = LearnerCheck.Outcome
#: The outcomes the list of learners to check shows: flagged, or not answered.
TO_CHECK = (*LearnerCheck.FLAGGED, Outcome.UNAVAILABLE)


class CheckFilterForm(forms.Form):
    """The outcome to list, read from the query string; an unknown one is ignored."""

    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[
            ("", "Any outcome to act on"),
            *((value, label) for value, label in Outcome.choices if value in TO_CHECK),
        ],
    )

    def apply(self, checks: QuerySet[LearnerCheck]) -> QuerySet[LearnerCheck]:
        """``checks`` to act on, of the chosen outcome, newest first."""
        outcome = self.cleaned_data.get("outcome") if self.is_bound and self.is_valid() else ""
        chosen = [outcome] if outcome else list(TO_CHECK)
        return checks.filter(outcome__in=chosen).order_by("-requested_at", "-pk")

    @property
    def active(self) -> bool:
        """Whether an outcome is chosen."""
        return bool(self.is_bound and self.is_valid() and self.cleaned_data.get("outcome"))


def text_field(label: str, required_message: str, hint: str) -> forms.CharField:
    """A required text area of at most 2000 characters."""
    return forms.CharField(
        label=label,
        max_length=2000,
        widget=forms.Textarea,
        help_text=hint,
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be 2000 characters or fewer",
        },
    )


class ConsentEvidenceForm(forms.Form):
    """Permission given outside OpenEPA: when, and the evidence the EPAO holds."""

    given_on = GovukDateField(
        label="Date the apprentice gave permission",
        help_text=(
            "For example, 14 9 2026. Today or earlier, and not before the apprenticeship "
            "started (a form signed before the registration counts)."
        ),
        error_messages={"required": "Enter the date the apprentice gave permission"},
    )
    evidence = text_field(
        "Evidence held",
        "Say what evidence of the permission the EPAO holds and where, for example a signed "
        "form in the apprentice's file",
        "What the EPAO holds and where, for example “Signed consent form, scanned to the "
        "apprentice's file on the shared drive”.",
    )


class ConsentWithdrawForm(forms.Form):
    """Why the permission is withdrawn: optional for the apprentice, required of an admin."""

    reason = text_field(
        "Why is the permission withdrawn?",
        "Say why the permission is withdrawn",
        "It is kept with the permission and in the audit trail.",
    )

    def __init__(self, *args: Any, is_apprentice: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_apprentice:
            field = self.fields["reason"]
            field.required = False
            field.label = "Why are you withdrawing your permission? (optional)"
            field.help_text = "You do not have to say. What you write is kept with the permission."
