"""Forms of the gateway pages. Rules are checked by the services; these check the input."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from openepa.gateway.models import GatewayComponent
from openepa.gateway.wording import EVIDENCE_TYPES, LEVELS, subject_of
from openepa.kernel.forms import STALE_MESSAGES, GovukDateField, WholeNumberField


class RevisionForm(forms.Form):
    """A form that carries the revision of the record the page showed."""

    revision = WholeNumberField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=STALE_MESSAGES,
    )


class EvidenceForm(RevisionForm):
    """An upload (with an optional note and, for English or maths, the level achieved)."""

    file = forms.FileField(
        label="Upload the evidence",
        error_messages={"required": "Select the file with the evidence"},
    )
    level = forms.TypedChoiceField(
        label="Level achieved",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note for the EPAO (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, component: GatewayComponent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if component.uses == "english_maths":
            subject = subject_of(component)
            cast(forms.ChoiceField, self.fields["level"]).choices = LEVELS
            self.fields["level"].label = f"Level of {subject} achieved"
            if component.level:
                self.fields["level"].required = True
                self.fields["level"].error_messages["required"] = (
                    f"Select the level of {subject} the evidence shows"
                )
        else:
            del self.fields["level"]


class AnswerForm(RevisionForm):
    """A written answer."""

    answer = forms.CharField(
        label="Your answer",
        max_length=10000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter your answer",
            "max_length": "The answer must be 10,000 characters or fewer",
        },
    )


class PieceForm(forms.Form):
    """One piece of portfolio evidence."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title for the piece of evidence",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    evidence_type = forms.ChoiceField(
        label="Type of evidence",
        choices=[("", "Choose a type"), *EVIDENCE_TYPES],
        error_messages={"required": "Select the type of evidence"},
    )
    evidence_date = GovukDateField(label="Date of the evidence")
    file = forms.FileField(
        label="Upload the evidence",
        error_messages={"required": "Select the file with the evidence"},
    )
    ksbs = forms.MultipleChoiceField(
        label="What it evidences",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one item this piece evidences"},
    )

    def __init__(
        self, *args: Any, unit: str, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ksbs = cast(forms.MultipleChoiceField, self.fields["ksbs"])
        ksbs.choices = choices
        plural = "KSBs" if unit == "KSB" else "areas of the standard"
        ksbs.label = f"The {plural} it evidences"
        ksbs.error_messages["required"] = f"Select at least one {unit} this piece evidences"
        ksbs.error_messages["invalid_choice"] = f"Select {plural} from the list"


class ProposalForm(RevisionForm):
    """The project proposal as the apprentice types it."""

    text = forms.CharField(
        label="Your project proposal",
        max_length=20000,
        widget=forms.Textarea,
        strip=False,
        error_messages={
            "required": "Enter the text of your project proposal",
            "max_length": "The proposal must be 20,000 characters or fewer",
        },
    )


class DecisionForm(RevisionForm):
    """Accept or reject, with a reason needed for a rejection."""

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={"required": "Select accept or reject"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, accept_label: str = "Accept", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = cast(forms.ChoiceField, self.fields["decision"])
        decision.choices = [("accept", accept_label), ("reject", "Reject")]
        self.fields["decision"].error_messages["required"] = (
            f"Select {accept_label.lower()} or reject"
        )

    def clean(self) -> dict[str, Any]:
        """A rejection needs a reason."""
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for rejecting, so they know what to change")
        return data
