"""How the gateway words things: parties, days and moments, subjects, evidence types, levels.

The vocabulary its services, forms and pages share: the parties' names as people read
them, dates written out ("3 March 2026"), the subject of an English or maths component, and
the choices a person picks portfolio evidence types and English or maths levels from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone

from openepa.gateway.models import GatewayComponent
from openepa.rules.labels import party_label, party_phrase

#: The types of portfolio evidence a person chooses from, as (value, label).
EVIDENCE_TYPES: list[tuple[str, str]] = [
    ("witness_statement", "Witness statement"),
    ("observation_record", "Observation record"),
    ("customer_feedback", "Customer feedback"),
    ("manager_feedback", "Manager feedback"),
    ("product_evidence", "Product evidence"),
    ("progress_review", "Progress review"),
    ("development_plan", "Development plan"),
    ("professional_discussion_record", "Professional discussion record"),
    ("feedback_360", "360-degree feedback"),
    ("reflective_account", "Reflective account"),
    ("self_evaluation", "Self-evaluation"),
    ("other", "Other"),
]
EVIDENCE_TYPE_LABELS = dict(EVIDENCE_TYPES)

#: The levels a person may record for English or maths evidence.
LEVELS: list[tuple[int, str]] = [(1, "Level 1"), (2, "Level 2"), (3, "Level 3 or above")]


def party_labels(parties: Iterable[str]) -> list[str]:
    """The parties' names as people read them ("Training provider"), from rules.labels."""
    return [party_label(party) for party in parties]


def party_list(parties: Iterable[str]) -> str:
    """Parties as one phrase: "apprentice, employer and training provider"."""
    return party_phrase(parties)


def subject_of(component: GatewayComponent) -> str:
    """The subject of an English or maths component as written mid-sentence ("maths")."""
    name = component.name
    return name if name.startswith("English") else name[:1].lower() + name[1:]


def day_text(value: date) -> str:
    """A date as people read it: "3 March 2026"."""
    return f"{value.day} {value:%B %Y}"


def moment_text(moment: datetime) -> str:
    """A moment in local time as people read it: "3 March 2026 at 14:05"."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"
