"""The form to request a batch of results letters."""

from __future__ import annotations

from typing import Any

from django import forms

from openepa.kernel.forms import GovukDateField
from openepa.registration.timing import long_date


class BatchForm(forms.Form):
    """The dates between which the results were released (both days included)."""

    released_from = GovukDateField(label="Results released from")
    released_to = GovukDateField(label="Results released to")

    def __init__(self, *args: Any, count: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count = count

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("released_from"), data.get("released_to")
        if start and end and end < start:
            self.add_error(
                "released_to",
                "Results released to must be the same as or after results released from",
            )
        elif start and end and self.count is not None and self.count(start, end) == 0:
            self.add_error(
                "released_from",
                f"No results were released between {long_date(start)} and {long_date(end)}: "
                "choose dates that include a release",
            )
        return data
