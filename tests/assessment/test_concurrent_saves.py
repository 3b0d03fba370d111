"""Two people saving the same assessment record at the same moment lose nothing.

Both saves start from the same page (the same original values) and run in two threads with
their own database connections, released together by a barrier. The record row is locked
for each save, so the second save sees the first one's values: changes to different
criteria are both kept; changes to the same criterion keep the first and tell the second,
with both values.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from tests.epa import accept

from openepa.assessment.models import AssessmentRecord, Judgement, RecordChange
from openepa.assessment.records import Edit, SaveOutcome, open_record, save_draft
from openepa.rules.recording import method_of
from openepa.specifications.services import rules_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor == 'sqlite'",
        reason="SQLite's in-memory test database is shared by threads without row locks",
    ),
]


def _in_parallel(*saves: Any) -> list[SaveOutcome]:
    barrier = threading.Barrier(len(saves))
    outcomes: list[Any] = [None] * len(saves)
    errors: list[BaseException] = []

    def run(index: int, save: Any) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = save()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return outcomes


def _criteria(record: AssessmentRecord) -> list[str]:
    spec, _ = rules_for(record.registration.specification)
    return [c.id for c in method_of(spec, record.method_id).criteria]


@pytest.fixture
def record(make_registration: Any, anna: Any, ivy: Any) -> AssessmentRecord:
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    return open_record(registration, "observation", anna)


def test_simultaneous_saves_of_different_criteria_keep_both(record: AssessmentRecord, anna):
    one, two = _criteria(record)[:2]
    first = {("", one): Edit(None, ("met", "", ()))}
    second = {("", two): Edit(None, ("not_met", "", ()))}
    outcomes = _in_parallel(
        lambda: save_draft(record.pk, anna, {}, first),
        lambda: save_draft(record.pk, anna, {}, second),
    )
    assert all(not outcome.conflicts for outcome in outcomes)
    stored = dict(Judgement.objects.filter(record=record).values_list("criterion_id", "value"))
    assert stored == {one: "met", two: "not_met"}
    record.refresh_from_db()
    assert record.revision == 3
    assert RecordChange.objects.filter(record=record).count() == 2


def test_simultaneous_saves_of_the_same_criterion_keep_the_first_and_tell_the_second(
    record: AssessmentRecord, anna
):
    one = _criteria(record)[0]
    outcomes = _in_parallel(
        lambda: save_draft(record.pk, anna, {}, {("", one): Edit(None, ("met", "", ()))}),
        lambda: save_draft(
            record.pk, anna, {}, {("", one): Edit(None, ("not_met", "No example", ()))}
        ),
    )
    saved = [o for o in outcomes if o.saved]
    told = [o for o in outcomes if o.conflicts]
    assert len(saved) == 1
    assert len(told) == 1
    conflict = told[0].conflicts[0]
    stored = Judgement.objects.get(record=record, criterion_id=one)
    assert (stored.value, stored.comment) == conflict.theirs[:2]
    assert conflict.yours != conflict.theirs
    assert conflict.by == "Anna Assessor"
    assert connection.vendor == "postgresql"
