"""Forms of the planning pages. Rules are checked by the services; these check the input."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from openepa.accounts.models import Organisation
from openepa.kernel.forms import STALE_MESSAGES, GovukDateField, RecordChoiceField, WholeNumberField
from openepa.planning.models import Relationship
from openepa.rules.allocation import WEEKDAYS
from openepa.rules.identifiers import uln_problem

SAME_PERSON = "The IQA must be someone other than the assessor: choose another IQA"


class RevisionForm(forms.Form):
    """A form that carries the revision of the record the page showed."""

    revision = WholeNumberField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=STALE_MESSAGES,
    )


class ProfileForm(RevisionForm):
    """An assessor's approvals, capacity and working pattern."""

    approved_specs = forms.MultipleChoiceField(
        label="Specifications they are approved to assess",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select specifications from the list"},
    )
    weekly_capacity = WholeNumberField(
        label="Assessments a week",
        min_value=0,
        max_value=50,
        error_messages={
            "required": "Enter how many assessments they can take a week",
            "invalid": "Assessments a week must be a whole number, like 5",
            "min_value": "Assessments a week must be 0 or more",
            "max_value": "Assessments a week must be 50 or fewer",
        },
    )
    working_days = forms.TypedMultipleChoiceField(
        label="Days they work",
        choices=[(str(number), name) for number, name in enumerate(WEEKDAYS)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one day they work",
            "invalid_choice": "Select days of the week from the list",
        },
    )
    region = forms.CharField(
        label="Region",
        required=False,
        max_length=60,
        error_messages={"max_length": "The region must be 60 characters or fewer"},
    )
    assesses_remotely = forms.TypedChoiceField(
        label="Do they assess remotely?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they assess remotely"},
    )

    def __init__(self, *args: Any, specifications: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["approved_specs"]).choices = specifications


class UnavailableForm(forms.Form):
    """Dates on which the person cannot assess."""

    first_day = GovukDateField(label="First day unavailable")
    last_day = GovukDateField(label="Last day unavailable")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The note must be 200 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day must be the same as or after the first day")
        return data


class OrganisationField(RecordChoiceField):
    """An employer or training provider, shown with which it is."""

    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class RelationshipForm(forms.Form):
    """A relationship the person declares."""

    kind = forms.ChoiceField(
        label="What is the relationship?",
        choices=Relationship.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the relationship is"},
    )
    organisation = OrganisationField(
        label="Employer or training provider",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose the organisation",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    uln = forms.CharField(label="Apprentice's ULN", required=False, max_length=10)
    apprentice_name = forms.CharField(
        label="Apprentice's name (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )
    declared_on = GovukDateField(label="Date declared")
    note = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea,
        error_messages={"max_length": "The details must be 500 characters or fewer"},
    )

    def __init__(self, *args: Any, epao_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        organisation.queryset = Organisation.objects.filter(
            epao_id=epao_id,
            kind__in=(Organisation.Kind.EMPLOYER, Organisation.Kind.PROVIDER),
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Relationship.Kind.KNOWS_APPRENTICE:
            uln = (data.get("uln") or "").replace(" ", "")
            problem = uln_problem(uln) if uln else "Enter the apprentice's ULN"
            if problem:
                self.add_error("uln", problem)
            data["uln"] = uln
        elif kind:
            organisation = data.get("organisation")
            wanted = (
                Organisation.Kind.EMPLOYER
                if kind.endswith("employer")
                else Organisation.Kind.PROVIDER
            )
            label = "employer" if wanted == Organisation.Kind.EMPLOYER else "training provider"
            if organisation is None:
                self.add_error("organisation", f"Select the {label}")
            elif organisation.kind != wanted:
                self.add_error(
                    "organisation",
                    f"{organisation.name} is not an {label}"
                    if label == "employer"
                    else f"{organisation.name} is not a {label}",
                )
        return data


class RemoveRelationshipForm(forms.Form):
    """Why a declaration no longer applies."""

    reason = forms.CharField(
        label="Why does this relationship no longer apply?",
        max_length=500,
        widget=forms.Textarea,
        error_messages={
            "required": "Say why the relationship no longer applies",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )


class AllocationForm(RevisionForm):
    """The assessor and IQA to allocate, and why (needed for a reallocation or an override).

    ``override_capacity`` allocates an assessor whose only reason against is capacity.
    """

    assessor = forms.TypedChoiceField(
        label="Assessor",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the assessor",
            "invalid_choice": "Select an assessor from the list",
        },
    )
    iqa = forms.TypedChoiceField(
        label="Internal quality assurer (IQA)",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the IQA",
            "invalid_choice": "Select an IQA from the list",
        },
    )
    override_capacity = forms.BooleanField(
        label="Allocate above capacity",
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )

    def __init__(
        self,
        *args: Any,
        assessors: list[tuple[int, str]],
        iqas: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every assessor and IQA of the EPAO is a valid choice here, so that an ineligible one
        # reaches the service and is refused with the reason.
        cast(forms.ChoiceField, self.fields["assessor"]).choices = assessors
        cast(forms.ChoiceField, self.fields["iqa"]).choices = iqas

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        assessor, iqa = self.data.get("assessor"), self.data.get("iqa")
        if assessor and assessor == iqa:
            self.errors.pop("iqa", None)
            self.add_error("iqa", SAME_PERSON)
        return data
