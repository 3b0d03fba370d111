"""Form fields that follow GOV.UK patterns: date inputs as day, month and year boxes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


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


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": f"Enter {label.lower()}"})
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in (None, "", {}):
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValidationError(f"{self.label} must be a real date") from None
        label = str(self.label)
        missing = [part for part in ("day", "month", "year") if not value.get(part)]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(value[part]) for part in ("day", "month", "year"))
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date, like 27 3 2024") from None


class MonthField(forms.Field):
    """A month typed as month and year; cleaned to the first day of the month."""

    widget = MonthWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": f"Enter {label.lower()}"})
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in (None, "", {}):
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value).replace(day=1)
            except ValueError:
                raise ValidationError(f"{self.label} must be a real month") from None
        label = str(self.label)
        missing = [part for part in ("month", "year") if not value.get(part)]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
        try:
            month, year = int(value["month"]), int(value["year"])
            if year < 1000:
                raise ValueError
            return date(year, month, 1)
        except ValueError:
            raise ValidationError(f"{label} must be a real month, like 6 2027") from None
