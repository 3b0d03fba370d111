"""The kernel's form fields refuse digits that only look like digits, and impossible sizes.

A date's year must be between 1900 and 2100 (a year of 99999999999999999999 once crashed the
page with OverflowError); numbers are written in the digits 0 to 9 and stay within what the
database holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django import forms

from openepa.kernel.forms import (
    LARGEST_INTEGER,
    GovukDateField,
    MonthField,
    RecordChoiceField,
    WholeNumberField,
    box_number,
    year_problem,
)

HUGE = "99999999999999999999"


class DateForm(forms.Form):
    on = GovukDateField(label="Date of the meeting")
    month = MonthField(label="Planned month", required=False)


def errors_of(data: dict[str, str]) -> dict[str, list[str]]:
    form = DateForm(data)
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_a_date_in_ascii_digits_within_the_years_is_read() -> None:
    form = DateForm({"on_day": "27", "on_month": "3", "on_year": "2024"})
    assert form.is_valid()
    assert form.cleaned_data["on"] == date(2024, 3, 27)


@pytest.mark.parametrize(
    "parts",
    [
        {"on_day": "２７", "on_month": "3", "on_year": "2024"},
        {"on_day": "27", "on_month": "³", "on_year": "2024"},
        {"on_day": "27", "on_month": "3", "on_year": "٢٠٢٤"},
    ],
)
def test_a_date_in_other_digits_is_an_error_saying_which_digits(parts: dict[str, str]) -> None:
    assert errors_of(parts) == {
        "on": ["Date of the meeting must be written in the digits 0 to 9, like 27 3 2024"]
    }


@pytest.mark.parametrize("year", [HUGE, "9" * 5000, "1899", "2101", "9999"])
def test_a_year_outside_1900_to_2100_is_an_error(year: str) -> None:
    assert errors_of({"on_day": "1", "on_month": "1", "on_year": year}) == {
        "on": ["Date of the meeting must have a year from 1900 to 2100, like 2024"]
    }


@pytest.mark.parametrize("size", [HUGE, "9" * 5000])
def test_a_huge_day_or_month_is_not_a_real_date(size: str) -> None:
    assert errors_of({"on_day": size, "on_month": size, "on_year": "2024"}) == {
        "on": ["Date of the meeting must be a real date, like 27 3 2024"]
    }


def test_an_iso_date_outside_the_years_is_an_error() -> None:
    field = GovukDateField(label="Date")
    with pytest.raises(forms.ValidationError):
        field.clean("0001-01-01")


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"month_month": "6", "month_year": HUGE},
            "Planned month must have a year from 1900 to 2100, like 2027",
        ),
        (
            {"month_month": "６", "month_year": "2027"},
            "Planned month must be written in the digits 0 to 9, like 6 2027",
        ),
    ],
)
def test_a_month_in_other_digits_or_a_huge_year_is_an_error(
    parts: dict[str, str], message: str
) -> None:
    data = {"on_day": "1", "on_month": "1", "on_year": "2024", **parts}
    assert errors_of(data) == {"month": [message]}


class CountForm(forms.Form):
    count = WholeNumberField(
        label="Count", error_messages={"invalid": "Enter the count as a whole number, like 5"}
    )


@pytest.mark.parametrize("text", ["１２３", "²", "٣", "1.0", "five"])
def test_a_whole_number_is_written_in_the_digits_0_to_9(text: str) -> None:
    form = CountForm({"count": text})
    assert not form.is_valid()
    assert form.errors["count"] == ["Enter the count as a whole number, like 5"]


def test_a_whole_number_is_within_what_the_database_holds() -> None:
    form = CountForm({"count": HUGE})
    assert not form.is_valid()
    assert form.errors["count"] == [f"Enter a number of {LARGEST_INTEGER:,} or less"]
    assert CountForm({"count": " 42 "}).is_valid()


def test_a_record_choice_in_other_digits_is_not_a_choice(db: Any) -> None:
    from openepa.accounts.models import Organisation

    epao = Organisation.objects.create(kind=Organisation.Kind.EPAO, name="EPAO")
    field = RecordChoiceField(
        queryset=Organisation.objects.all(),
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    assert field.clean(str(epao.pk)) == epao
    fullwidth = str(epao.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for text in (fullwidth, "²", HUGE):
        with pytest.raises(forms.ValidationError, match="Choose an organisation from the list"):
            field.clean(text)


def test_year_problem() -> None:
    assert year_problem("Date", 1900, "2024") is None
    assert year_problem("Date", 2100, "2024") is None
    assert year_problem("Date", 2101, "2024") == (
        "Date must have a year from 1900 to 2100, like 2024"
    )


def test_box_number() -> None:
    assert box_number("0027") == 27
    assert box_number("9" * 5000) == 10**9
