"""The reminder settings form."""

from __future__ import annotations

from django import forms

from openepa.notifications.kinds import KINDS, REMINDER_KINDS


class ReminderSettingsForm(forms.Form):
    """Which reminders the person wants (decisions and results always go)."""

    reminders = forms.MultipleChoiceField(
        label="Which reminders do you want by email?",
        choices=[(kind, KINDS[kind].label) for kind in REMINDER_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Choose only reminders from the list",
        },
    )
