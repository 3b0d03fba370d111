"""Form fields that follow GOV.UK patterns: date inputs as day, month and year boxes.

Every number a person types is read in the digits 0 to 9 only (``int()`` also reads "１" and
"٣", and ``str.isdigit()`` is true of "²"), and kept within what the database holds; a date's
year is between :data:`EARLIEST_YEAR` and :data:`LATEST_YEAR`, so a year of twenty digits is an
error on the form rather than an OverflowError.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from openepa.rules.identifiers import ascii_digits

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
#: The largest whole number every supported database's integer column holds.
LARGEST_INTEGER = 2_147_483_647
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
STALE = "This page is out of date: reload it and try again"
#: The messages of a hidden revision or id the page carried: any problem means a stale page.
STALE_MESSAGES = dict.fromkeys(("required", "invalid", "min_value", "max_value"), STALE)


class GovukDateWidget(forms.Widget):
    """Three boxes (day, month, year) submitted as ``NAME_day``, ``NAME_month``, ``NAME_year``."""

    parts: tuple[str, ...] = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str] | None:
        values = {part: (data.get(f"{name}_{part}") or "").strip() for part in self.parts}
        return values if any(values.values()) else None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}_{part}" in data for part in self.parts)


class MonthWidget(GovukDateWidget):
    """Two boxes (month, year) for a month such as the planned assessment month."""

    parts: tuple[str, ...] = ("month", "year")


def year_problem(label: str, year: int, example: str) -> str | None:
    """Why a year cannot be one a person means, or None if it is within the years allowed."""
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    return f"{label} must have a year from {EARLIEST_YEAR} to {LATEST_YEAR}, like {example}"


def box_number(text: str) -> int:
    """A box's digits as a number; more digits than any date needs read as too large."""
    return int(text) if len(text) <= 9 else 10**9


def date_parts(
    label: str, value: dict[str, str], parts: tuple[str, ...], example: str
) -> list[int]:
    """The typed boxes as numbers, or a ValidationError saying which box or digits to fix."""
    missing = [part for part in parts if not value.get(part)]
    if missing:
        raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
    if not all(ascii_digits(value[part]) for part in parts):
        raise ValidationError(f"{label} must be written in the digits 0 to 9, like {example}")
    numbers = [box_number(value[part]) for part in parts]
    problem = year_problem(label, numbers[-1], example.rsplit(" ", 1)[-1])
    if problem:
        raise ValidationError(problem)
    return numbers


def iso_date(label: str, text: str, what: str) -> date:
    """A date written YYYY-MM-DD, within the years allowed, or a ValidationError."""
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{label} must be a real {what}") from None
    problem = year_problem(label, found.year, "2024")
    if problem:
        raise ValidationError(problem)
    return found


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = GovukDateWidget
    example = "27 3 2024"

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": f"Enter {label.lower()}"})
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in (None, "", {}):
            return None
        if isinstance(value, date):
            return value
        label = str(self.label)
        if isinstance(value, str):
            return iso_date(label, value, "date")
        day, month, year = date_parts(label, value, ("day", "month", "year"), self.example)
        try:
            return date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(f"{label} must be a real date, like {self.example}") from None


class MonthField(forms.Field):
    """A month typed as month and year; cleaned to the first day of the month."""

    widget = MonthWidget
    example = "6 2027"

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": f"Enter {label.lower()}"})
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in (None, "", {}):
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        label = str(self.label)
        if isinstance(value, str):
            return iso_date(label, value, "month").replace(day=1)
        month, year = date_parts(label, value, ("month", "year"), self.example)
        try:
            return date(year, month, 1)
        except (ValueError, OverflowError):
            raise ValidationError(f"{label} must be a real month, like {self.example}") from None


class WholeNumberField(forms.IntegerField):
    """A whole number written in the digits 0 to 9, no larger than the database holds.

    Django's IntegerField reads "１２" as 12 and accepts any size; this one refuses other digits
    with the field's ``invalid`` message and bounds the number by :data:`LARGEST_INTEGER`
    unless a smaller ``max_value`` is given.
    """

    def __init__(self, *, max_value: int = LARGEST_INTEGER, **kwargs: Any) -> None:
        messages = {"max_value": f"Enter a number of {max_value:,} or less"}
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(max_value=max_value, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> int | None:
        typed = value.strip() if isinstance(value, str) else ""
        if typed and not WHOLE_NUMBER.fullmatch(typed):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        number: int | None = super().to_python(value)
        return number


class RecordChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of one record by its id, written in the digits 0 to 9.

    Django would look up "１２" as record 12; here it is not a choice.
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value and not ascii_digits(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
