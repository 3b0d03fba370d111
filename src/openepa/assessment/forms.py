"""Reading the assessor's record form: the fields and judgements present in a POST.

The record page posts every field it shows, each with a hidden ``orig-<name>`` input holding
the value the field had when the page was rendered. A save sends the services an
:class:`~openepa.assessment.records.Edit` (original, new) for each field present, so a field
someone else changed meanwhile is reported as a conflict rather than overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django import forms
from django.http import QueryDict

from openepa.assessment.changes import JudgementKey
from openepa.assessment.records import Edit
from openepa.kernel.forms import GovukDateField, WholeNumberField
from openepa.rules.identifiers import whole_number

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]
#: The largest number of occasions read from one form.
MAX_OCCASIONS = 12


class RecordFieldsForm(forms.Form):
    """The record's own fields (date, times, mode, Q&A minutes, feedback)."""

    assessed_on = GovukDateField(label="Date of assessment", required=False)
    starts_at = forms.TimeField(
        label="Start time",
        required=False,
        input_formats=TIME_FORMATS,
        error_messages={"invalid": "Enter the start time as hours and minutes, like 09:30"},
    )
    ends_at = forms.TimeField(
        label="End time",
        required=False,
        input_formats=TIME_FORMATS,
        error_messages={"invalid": "Enter the end time as hours and minutes, like 10:45"},
    )
    mode = forms.ChoiceField(
        label="How it was carried out",
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose how the assessment was carried out from the ways shown: "
            "the specification allows only those"
        },
    )
    questioning_minutes = WholeNumberField(
        label="Question and answer minutes",
        required=False,
        min_value=0,
        max_value=600,
        error_messages={
            "invalid": "Enter the question and answer minutes as a whole number, like 8",
            "min_value": "The question and answer minutes cannot be negative",
            "max_value": "Enter the question and answer minutes actually used, like 8",
        },
    )
    feedback = forms.CharField(
        label="Feedback to the apprentice",
        required=False,
        widget=forms.Textarea,
        max_length=20000,
    )

    def __init__(
        self,
        *args: Any,
        modes: list[tuple[str, str]],
        questioning: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        mode_field = self.fields["mode"]
        assert isinstance(mode_field, forms.ChoiceField)
        mode_field.choices = modes
        if not questioning:
            del self.fields["questioning_minutes"]


@dataclass
class Posted:
    """What a POST of the record form holds, ready for ``save_draft``."""

    fields: dict[str, Edit] = field(default_factory=dict)
    judgements: dict[JudgementKey, Edit] = field(default_factory=dict)
    #: Input errors (a date that is not real ...), by field name.
    errors: dict[str, str] = field(default_factory=dict)
    #: The values typed in fields that could not be read, to show them again.
    raw: dict[str, Any] = field(default_factory=dict)


def judgement_name(checklist: str, criterion: str) -> str:
    """The form prefix of one judgement: ``j:<checklist>:<criterion>``."""
    return f"j:{checklist}:{criterion}"


def plain_value(name: str, value: Any) -> str:
    """A field value as the hidden ``orig-`` input carries it."""
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if name == "occasions":
        return json.dumps(value or [])
    return str(value)


def judgement_plain(state: tuple[str, str, Iterable[str]] | None) -> str:
    """A judgement (value, comment, evidence) as its ``orig-`` input carries it."""
    if state is None:
        return ""
    value, comment, evidence = state
    return json.dumps([value, comment, sorted(evidence)])


def _original(data: QueryDict, name: str) -> Any:
    """The value the page showed for a field, read back from its ``orig-`` input."""
    text = data.get(f"orig-{name}", "")
    if name == "occasions":
        try:
            loaded = json.loads(text or "[]")
        except ValueError:
            return []
        return loaded if isinstance(loaded, list) else []
    if name == "assessed_on":
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None
    if name in ("starts_at", "ends_at"):
        try:
            return time.fromisoformat(text) if text else None
        except ValueError:
            return None
    if name == "questioning_minutes":
        return whole_number(text)
    return text


def _occasions(data: QueryDict) -> tuple[list[dict[str, Any]], str | None, list[dict[str, str]]]:
    """The occasion rows typed (empty rows left out), an error, and the rows as typed."""
    count = whole_number(data.get("occasions-count") or "", high=MAX_OCCASIONS) or 0
    rows: list[dict[str, Any]] = []
    typed: list[dict[str, str]] = []
    error: str | None = None
    for index in range(count):
        on_text = (data.get(f"occasion-{index}-on") or "").strip()
        minutes_text = (data.get(f"occasion-{index}-minutes") or "").strip()
        typed.append({"on": on_text, "minutes": minutes_text})
        if not on_text and not minutes_text:
            continue
        try:
            on = date.fromisoformat(on_text)
        except ValueError:
            error = f"Occasion {index + 1}: enter its date, like 2026-09-15"
            continue
        minutes = whole_number(minutes_text, low=1, high=600)
        if minutes is None:
            error = f"Occasion {index + 1}: enter its minutes as a whole number, like 30"
            continue
        rows.append({"on": on.isoformat(), "minutes": minutes})
    return rows, error, typed


def read_post(
    data: QueryDict,
    form: RecordFieldsForm,
    criteria: Iterable[JudgementKey],
    *,
    with_occasions: bool,
) -> Posted:
    """The edits of a POST: only the fields and judgements present in it."""
    posted = Posted()
    form.is_valid()
    for name, bound_field in form.fields.items():
        if bound_field.widget.value_omitted_from_data(data, {}, name):
            continue
        if name in form.errors:
            posted.errors[name] = str(form.errors[name][0])
            posted.raw[name] = form[name].value()
            continue
        posted.fields[name] = Edit(_original(data, name), form.cleaned_data.get(name))
    if with_occasions and "occasions-count" in data:
        rows, error, typed = _occasions(data)
        if error:
            posted.errors["occasions"] = error
            posted.raw["occasions"] = typed
        else:
            posted.fields["occasions"] = Edit(_original(data, "occasions"), rows)
    for checklist, criterion in criteria:
        prefix = judgement_name(checklist, criterion)
        if f"{prefix}:present" not in data:
            continue
        value = (data.get(f"{prefix}:value") or "").strip()
        comment = (data.get(f"{prefix}:comment") or "").strip()
        evidence = tuple(sorted({e for e in data.getlist(f"{prefix}:evidence") if e}))
        new = (value, comment, evidence) if value or comment or evidence else None
        try:
            loaded = json.loads(data.get(f"orig-{prefix}") or "null")
        except ValueError:
            loaded = None
        original = tuple(loaded) if isinstance(loaded, list) and len(loaded) == 3 else None
        if new is None and original is None:
            continue
        posted.judgements[(checklist, criterion)] = Edit(original, new)
    return posted
