"""The kinds of notification OpenEPA sends, with their labels and templates.

Each kind has a subject and a plain-text body template,
``notifications/email/<kind>.subject.txt`` and ``.body.txt`` (and optionally ``.body.html``).
Reminders are optional: each person chooses which they get on "Reminder settings". Every
other kind (decisions, results, bookings) always goes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of notification."""

    id: str
    label: str
    reminder: bool = False
    hint: str = ""

    @property
    def subject_template(self) -> str:
        return f"notifications/email/{self.id}.subject.txt"

    @property
    def body_template(self) -> str:
        return f"notifications/email/{self.id}.body.txt"

    @property
    def html_template(self) -> str:
        return f"notifications/email/{self.id}.body.html"


KINDS: dict[str, Kind] = {
    kind.id: kind
    for kind in (
        Kind("registration_confirmed", "Registration confirmed"),
        Kind("registration_withdrawn", "Registration withdrawn"),
        Kind("gateway_decision", "Gateway decision"),
        Kind("allocation", "Assessor and IQA allocated"),
        Kind("conflict_declared", "Conflict declared after allocation"),
        Kind("plan_ready_to_sign", "Assessment plan ready to sign"),
        Kind("plan_agreed", "Assessment plan agreed"),
        Kind("booking_made", "Assessment booked"),
        Kind("booking_moved", "Assessment moved or cancelled"),
        Kind(
            "reminder_submission_due",
            "Submission due",
            reminder=True,
            hint="Before evidence, a portfolio or a project report is due",
        ),
        Kind(
            "reminder_window_ending",
            "Assessment window ending",
            reminder=True,
            hint="Before the end-point assessment window closes",
        ),
        Kind(
            "reminder_resit_deadline",
            "Resit or retake deadline",
            reminder=True,
            hint="Before the last day a resit or retake may be taken",
        ),
        Kind(
            "reminder_results_due",
            "Results due",
            reminder=True,
            hint="Before results must be released",
        ),
        Kind("result_released", "Result released"),
        Kind("reassessment_recorded", "Resit or retake recorded"),
        Kind("appeal_lodged", "Appeal lodged"),
        Kind("appeal_assigned", "Appeal to review"),
        Kind("appeal_decided", "Appeal decided"),
        Kind("appeal_withdrawn", "Appeal withdrawn"),
        Kind("claim_ready", "Certificate claim ready"),
        Kind("documents_ready", "Documents ready"),
    )
}

REMINDER_KINDS: tuple[str, ...] = tuple(kind.id for kind in KINDS.values() if kind.reminder)
"""The kinds each person may turn off."""

ALWAYS_SENT: tuple[str, ...] = tuple(kind.id for kind in KINDS.values() if not kind.reminder)
"""Decisions, results and bookings: these always go."""
