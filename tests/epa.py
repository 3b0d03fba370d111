"""Helpers for tests of assessment and later steps: an accepted gateway and filled-in records.

``accept(registration, assessor, iqa)`` puts a registration straight past the gateway with an
assessor and IQA allocated; ``record_method(...)`` keeps a complete record through the
services (as the assessor's form does) and can submit it; ``policy_without_sampling(epao)``
turns IQA sampling off so a test decides what is sampled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Any

from openepa.accounts.models import EpaoPolicy, Organisation, User
from openepa.assessment.models import AssessmentRecord
from openepa.assessment.records import Edit, open_record, save_draft
from openepa.assessment.submission import submit_record
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.rules.recording import method_of
from openepa.specifications.services import rules_for

ASSESSED_ON = date(2026, 9, 15)


def accept(
    registration: Registration,
    assessor: User,
    iqa: User | None = None,
    *,
    gateway_date: date = date(2026, 8, 3),
    window_end: date | None = date(2026, 11, 3),
) -> Registration:
    """The registration with its gateway accepted and an assessor (and IQA) allocated."""
    registration.status = Registration.Status.GATEWAY_ACCEPTED
    registration.gateway_date = gateway_date
    registration.epa_window_end = window_end
    registration.assessor = assessor
    registration.iqa = iqa
    registration.save()
    return registration


def policy_without_sampling(epao: Organisation) -> EpaoPolicy:
    """The EPAO's policy with every sampling rule off (no decision is held for IQA)."""
    policy, _ = EpaoPolicy.objects.get_or_create(epao=epao)
    policy.sample_first_decisions = 0
    policy.sample_all_fails = False
    policy.sample_all_distinctions = False
    policy.sample_percent_of_rest = 0
    policy.save()
    return policy


def judgements_for(
    registration: Registration,
    method_id: str,
    *,
    not_met: Iterable[str] = (),
    distinctions: int | None = None,
    skip: Iterable[str] = (),
) -> dict[tuple[str, str], Edit]:
    """Edits judging every criterion of the method met, except ``not_met``.

    ``distinctions`` limits how many distinction criteria are met (the rest not met);
    ``skip`` leaves criteria unjudged (e.g. those exempted through a checklist).
    """
    spec, _ = rules_for(registration.specification)
    method = method_of(spec, method_id)
    failing, skipped = set(not_met), set(skip)
    edits: dict[tuple[str, str], Edit] = {}
    met_distinctions = 0
    for criterion in method.criteria:
        if criterion.id in skipped:
            continue
        value = "not_met" if criterion.id in failing else "met"
        if criterion.kind == "distinction" and distinctions is not None:
            value = "met" if met_distinctions < distinctions else "not_met"
            met_distinctions += value == "met"
        edits[("", criterion.id)] = Edit(None, (value, "", ()))
    return edits


def record_fields(registration: Registration, method_id: str, **overrides: Any) -> dict[str, Edit]:
    """Edits filling the record's date, times, mode, feedback and any Q&A minutes."""
    spec, _ = rules_for(registration.specification)
    method = method_of(spec, method_id)
    values: dict[str, Any] = {
        "assessed_on": ASSESSED_ON,
        "starts_at": time(10, 0),
        "ends_at": time(11, 0),
        "mode": method.modes.allowed[0] if method.modes else "face_to_face",
        "feedback": f"Feedback on the {method.name}.",
    }
    limit = spec.evidence.observation_questioning
    if limit is not None and limit.method == method_id:
        values["questioning_minutes"] = limit.max_minutes
    for duration in method.duration:
        if duration.occasions == "one_or_more":
            values["occasions"] = [{"on": ASSESSED_ON.isoformat(), "minutes": duration.minutes}]
    values.update(overrides)
    return {name: Edit(None, value) for name, value in values.items()}


def interview_for(registration: Registration, method_id: str) -> list[dict[str, Any]]:
    """Interview questions (as many as the specification sets) for a record's JSON field."""
    spec, _ = rules_for(registration.specification)
    rule = spec.evidence.interview_questions
    if rule is None or rule.method != method_id:
        return []
    return [
        {"question": None, "number": n, "text": f"Question {n}", "notes": ""}
        for n in range(1, rule.count + 1)
    ]


@contextmanager
def recording_on(day: date) -> Iterator[None]:
    """The assessor records on the day of the assessment, when the test's clock is earlier.

    Tests freeze the one clock on the day their scenario is about (a release, an appeal);
    a record is kept no earlier than the assessment it records.
    """
    frozen = clock.today
    if frozen() >= day:
        yield
        return
    clock.today = lambda: day  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.today = frozen  # type: ignore[method-assign]


def record_method(
    registration: Registration,
    method_id: str,
    assessor: User,
    *,
    submit: bool = True,
    not_met: Iterable[str] = (),
    distinctions: int | None = None,
    skip: Iterable[str] = (),
    **fields: Any,
) -> AssessmentRecord:
    """Keep a complete record of one method as the assessor, and submit it by default."""
    assessed_on = fields.get("assessed_on") or ASSESSED_ON
    with recording_on(assessed_on):
        record = open_record(registration, method_id, assessor)
        interview = interview_for(registration, method_id)
        if interview and not record.interview:
            record.interview = interview
            record.save(update_fields=["interview"])
        save_draft(
            record.pk,
            assessor,
            record_fields(registration, method_id, **fields),
            judgements_for(
                registration, method_id, not_met=not_met, distinctions=distinctions, skip=skip
            ),
        )
        if submit:
            record.refresh_from_db()
            record = submit_record(record.pk, assessor, record.revision)
    record.refresh_from_db()
    return record
