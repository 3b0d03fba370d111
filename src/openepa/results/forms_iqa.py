"""Forms of the quality settings, the IQA's review and the release of results."""

from __future__ import annotations

from typing import Any

from django import forms

from openepa.assessment.models import Judgement
from openepa.kernel.forms import STALE_MESSAGES, WholeNumberField

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, hint: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": f"Select yes or no: {label[0].lower()}{label[1:]}"},
    )


class PolicyForm(forms.Form):
    """The EPAO's sampling policy, appeal period and certificate claims."""

    revision = WholeNumberField(widget=forms.HiddenInput, error_messages=STALE_MESSAGES)
    sample_first_decisions = WholeNumberField(
        label="Sample every decision among each assessor's first",
        help_text="A number of decisions, for example 5. Enter 0 to sample none for this reason.",
        min_value=0,
        max_value=1000,
        error_messages={
            "required": "Enter how many of each assessor's first decisions are sampled",
            "invalid": "Enter the number of first decisions sampled as a whole number, like 5",
            "min_value": "The number of first decisions sampled must be 0 or more",
            "max_value": "The number of first decisions sampled must be 1000 or fewer",
        },
    )
    sample_all_fails = _yes_no("Sample every fail")
    sample_all_distinctions = _yes_no("Sample every distinction")
    sample_percent_of_rest = WholeNumberField(
        label="Share of the other decisions sampled at random (per cent)",
        help_text="From 0 to 100. Each decision's random draw is recorded with it.",
        min_value=0,
        max_value=100,
        error_messages={
            "required": "Enter the share of other decisions sampled, from 0 to 100 per cent",
            "invalid": "Enter the share sampled as a whole number from 0 to 100, like 10",
            "min_value": "The share sampled must be 0 per cent or more",
            "max_value": "The share sampled must be 100 per cent or less",
        },
    )
    appeal_period_days = WholeNumberField(
        label="Appeal period (days after the result is released)",
        help_text="How long apprentices, employers and providers have to appeal a result.",
        min_value=1,
        max_value=365,
        error_messages={
            "required": "Enter the appeal period in days",
            "invalid": "Enter the appeal period as a whole number of days, like 31",
            "min_value": "The appeal period must be at least 1 day",
            "max_value": "The appeal period must be 365 days or fewer",
        },
    )
    claim_top_grade_immediately = _yes_no(
        "Claim certificates for a distinction without waiting for the appeal period",
        "Yes: a distinction is claimed as soon as it is released, since it cannot be "
        "appealed upwards. No: every claim waits until the appeal period has passed.",
    )


class DecisionForm(forms.Form):
    """The IQA upholds the decision or amends it."""

    revision = WholeNumberField(widget=forms.HiddenInput, error_messages=STALE_MESSAGES)
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("uphold", "Uphold the assessor's decision"),
            ("amend", "Amend the judgements below"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you uphold or amend the decision"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Required when you amend the decision; it is kept with the record and "
        "shown in its history. Optional when you uphold it.",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for index, item in enumerate(criteria):
            self.fields[f"value_{index}"] = forms.ChoiceField(
                label=f"Judgement of {item['id']}",
                choices=Judgement.Value.choices,
                required=False,
            )
            self.fields[f"comment_{index}"] = forms.CharField(
                label=f"Comment on {item['id']}", required=False, max_length=4000
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "amend" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                "Give the reason for the amendment: it is kept with the record",
            )
        return data

    def rows(self) -> list[dict[str, Any]]:
        """Each criterion with its bound value and comment fields."""
        return [
            {**item, "value": self[f"value_{i}"], "comment": self[f"comment_{i}"]}
            for i, item in enumerate(self.criteria)
        ]

    def changed_judgements(self) -> dict[tuple[str, str], tuple[str, str]]:
        """The judgements the IQA changed: (checklist, criterion) -> (value, comment)."""
        changed: dict[tuple[str, str], tuple[str, str]] = {}
        for index, item in enumerate(self.criteria):
            value = self.cleaned_data.get(f"value_{index}") or ""
            comment = (self.cleaned_data.get(f"comment_{index}") or "").strip()
            if not value:
                continue
            if (value, comment) != (item["current_value"], item["current_comment"]):
                changed[(item["checklist"], item["id"])] = (value, comment)
        return changed


class ReleaseForm(forms.Form):
    """What the admin's page showed when they chose to release the result."""

    sitting = WholeNumberField(widget=forms.HiddenInput, error_messages=STALE_MESSAGES)
    grade = forms.CharField(widget=forms.HiddenInput)
