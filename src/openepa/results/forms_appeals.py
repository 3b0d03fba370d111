"""Forms for resits and retakes, and for lodging, withdrawing, assigning and deciding appeals."""

from __future__ import annotations

from typing import Any

from django import forms

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Judgement
from openepa.kernel.forms import STALE_MESSAGES, GovukDateField, WholeNumberField
from openepa.results.models import Appeal
from openepa.rules.reassessment import APPEAL_GROUNDS_MAX_CHARACTERS


class ReassessmentForm(forms.Form):
    """A resit or retake with the employer's agreement (the rules are the service's)."""

    based_on = WholeNumberField(
        widget=forms.HiddenInput, required=False, error_messages=STALE_MESSAGES
    )
    kind = forms.ChoiceField(
        label="Resit or retake",
        choices=[
            ("resit", "Resit: no further learning"),
            ("retake", "Retake: after further learning"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose resit or retake."},
    )
    whole_epa = forms.BooleanField(label="Take the whole EPA again", required=False)
    employer_agreed = forms.BooleanField(label="The employer agreed", required=False)
    employer_contact = forms.CharField(
        label="Name of the employer's contact who agreed", max_length=200, required=False
    )
    employer_agreed_on = GovukDateField(label="Date the employer agreed", required=False)
    attempts_agreed = WholeNumberField(
        label="Number of attempts the employer agreed to",
        min_value=1,
        max_value=20,
        required=False,
        error_messages={"invalid": "Enter the number of attempts as a whole number, like 2."},
    )
    further_learning = forms.CharField(
        label="Further learning (for a retake)", widget=forms.Textarea, required=False
    )
    exceptional_circumstances = forms.BooleanField(
        label="Exceptional circumstances accounted for the original fail", required=False
    )
    exceptional_reason = forms.CharField(
        label="The exceptional circumstances", widget=forms.Textarea, required=False
    )
    reason = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)


class LodgeAppealForm(forms.Form):
    """An appeal against the latest result."""

    grounds = forms.CharField(
        label="Grounds of the appeal",
        widget=forms.Textarea,
        max_length=APPEAL_GROUNDS_MAX_CHARACTERS,
        error_messages={
            "required": "Enter the grounds of the appeal.",
            "max_length": (
                f"The grounds must be {APPEAL_GROUNDS_MAX_CHARACTERS:,} characters or fewer: "
                "shorten them, and send any longer account to the EPAO as evidence."
            ),
        },
    )
    methods = forms.MultipleChoiceField(
        label="Methods appealed (optional)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["methods"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = methods


class WithdrawAppealForm(forms.Form):
    """Whoever lodged the appeal withdraws it, saying why."""

    revision = WholeNumberField(widget=forms.HiddenInput, error_messages=STALE_MESSAGES)
    reason = forms.CharField(
        label="Why are you withdrawing the appeal?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Say why you are withdrawing the appeal.",
            "max_length": "The reason must be 2,000 characters or fewer.",
        },
    )


class AssignReviewerForm(forms.Form):
    """Who reviews the appeal."""

    revision = WholeNumberField(widget=forms.HiddenInput, error_messages=STALE_MESSAGES)
    reviewer = forms.ChoiceField(
        label="Reviewer", error_messages={"required": "Choose the reviewer."}
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a reviewer")] + [
            (str(p.pk), f"{p.full_name} ({p.get_role_display()})") for p in people
        ]


VALUES = [(value, label) for value, label in Judgement.Value.choices]


class DecideAppealForm(forms.Form):
    """The reviewer's decision and, when upheld, amended judgements of the appealed records."""

    revision = WholeNumberField(widget=forms.HiddenInput, error_messages=STALE_MESSAGES)
    upheld = forms.ChoiceField(
        label="Decision",
        choices=[("yes", "Upheld"), ("no", "Not upheld")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose upheld or not upheld."},
    )
    reason = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reasons for the decision."},
    )

    def __init__(self, *args: Any, records: list[AssessmentRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.judgement_fields: list[tuple[AssessmentRecord, list[str]]] = []
        for record in records:
            names = []
            for judgement in record.judgements.all():
                name = f"j-{record.pk}-{judgement.checklist}-{judgement.criterion_id}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{judgement.criterion_id}"
                    + (f" ({judgement.checklist})" if judgement.checklist else ""),
                    choices=VALUES,
                    initial=judgement.value,
                    required=False,
                )
                names.append(name)
            self.judgement_fields.append((record, names))

    def judgement_groups(self) -> list[tuple[AssessmentRecord, list[forms.BoundField]]]:
        """Each appealed record with the bound fields of its judgements, for the page."""
        return [(record, [self[name] for name in names]) for record, names in self.judgement_fields]

    def amendments(self) -> dict[int, dict[tuple[str, str], tuple[str, str]]]:
        """The judgements the reviewer changed, by record."""
        changed: dict[int, dict[tuple[str, str], tuple[str, str]]] = {}
        for record, names in self.judgement_fields:
            current = {
                f"j-{record.pk}-{j.checklist}-{j.criterion_id}": j for j in record.judgements.all()
            }
            for name in names:
                value = self.cleaned_data.get(name)
                judgement = current[name]
                if value and value != judgement.value:
                    changed.setdefault(record.pk, {})[
                        (judgement.checklist, judgement.criterion_id)
                    ] = (value, judgement.comment)
        return changed


class AppealFilterForm(forms.Form):
    """Filter the appeals list by status."""

    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Appeal.Status.choices], required=False
    )
