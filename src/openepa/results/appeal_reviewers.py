"""Who may review an appeal: independent of the apprentice and of every appealed decision.

The reviewer is an active assessor or IQA of the EPAO who did not assess any appealed method,
did not uphold or amend its decision as IQA, and declared no relationship with the
apprentice, their employer or training provider.
"""

from __future__ import annotations

from dataclasses import dataclass

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord
from openepa.kernel import specs
from openepa.planning.eligibility import candidates_for
from openepa.results.models import Appeal
from openepa.rules.labels import method_name

REVIEWER_ROLES = (User.Role.ASSESSOR, User.Role.IQA)


def appealed_records(appeal: Appeal) -> list[AssessmentRecord]:
    """The submitted records behind the appealed methods (every method if none is named)."""
    methods = appeal.methods or [m["id"] for m in appeal.result.methods]
    sittings = {m["id"]: m.get("sitting") for m in appeal.result.methods}
    records = AssessmentRecord.objects.filter(
        registration_id=appeal.registration_id,
        method_id__in=methods,
        status=AssessmentRecord.Status.SUBMITTED,
    ).select_related("sitting", "assessor", "iqa_decided_by")
    return [r for r in records if sittings.get(r.method_id) in (None, r.sitting.number)]


def iqa_decided_by(record: AssessmentRecord, person: User) -> bool:
    """Whether ``person`` upheld or amended the record's decision as its IQA."""
    return (
        record.iqa_status in (AssessmentRecord.Iqa.UPHELD, AssessmentRecord.Iqa.AMENDED)
        and record.iqa_decided_by_id == person.pk
    )


def reviewer_problems(appeal: Appeal, person: User) -> list[str]:
    """Every reason ``person`` may not review the appeal; empty when they may."""
    registration = appeal.registration
    problems: list[str] = []
    if (
        person.epao_id != registration.epao_id
        or person.role not in REVIEWER_ROLES
        or not person.is_active
    ):
        return [f"{person.full_name} is not an active assessor or IQA of this EPAO."]
    spec = specs.specification_of(registration)
    for record in appealed_records(appeal):
        method = method_name(spec, record.method_id)
        if record.assessor_id == person.pk:
            problems.append(
                f"{person.full_name} assessed the {method} under appeal: the "
                "reviewer must be someone else."
            )
        elif iqa_decided_by(record, person):
            verb = "upheld" if record.iqa_status == AssessmentRecord.Iqa.UPHELD else "amended"
            problems.append(
                f"{person.full_name} {verb} the {method} decision under appeal as "
                "its IQA: the reviewer must be someone else."
            )
    for verdict in candidates_for(registration, person.role, people=[person.pk]):
        problems.extend(r for r in verdict.reasons if r.startswith("Not independent"))
    return problems


@dataclass(frozen=True)
class Candidate:
    """A person who might review the appeal, and why not, if so."""

    person: User
    problems: list[str]


def reviewer_candidates(appeal: Appeal) -> list[Candidate]:
    """The EPAO's active assessors and IQAs with the reasons each may not review."""
    people = User.objects.filter(
        epao_id=appeal.registration.epao_id, role__in=REVIEWER_ROLES, is_active=True
    ).order_by("full_name")
    return [Candidate(person, reviewer_problems(appeal, person)) for person in people]
