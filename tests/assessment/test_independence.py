"""A conflict of interest declared after allocation stops the assessor's (and IQA's) judgements.

Anna assesses Pat at Bright Retail (Erin) with Acme Training (Bob); Ivy is the IQA. Once
Anna declares she worked for Bright Retail, her judgements for Pat are neither saved nor
submitted, and the refusal names the relationship she declared.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from tests.epa import accept, policy_without_sampling, record_method

from openepa.accounts.models import Organisation, User
from openepa.assessment.models import AssessmentRecord, Judgement
from openepa.assessment.records import Edit, save_draft
from openepa.assessment.refusals import RecordRefused
from openepa.assessment.submission import submit_record
from openepa.planning import services as planning
from openepa.registration.models import Registration
from openepa.results import iqa

DECLARED = (
    "You declared on 1 September 2026 that you worked for the employer Bright Retail: you are "
    "no longer independent of"
)


@pytest.fixture
def pats(make_registration: Callable[..., Registration], anna: User, ivy: User) -> Registration:
    registration = make_registration(
        "st0071-highfield", given_names="Pat", family_name="Apprentice"
    )
    policy_without_sampling(registration.epao)
    return accept(registration, anna, ivy)


def _declare(person: User, employer: Organisation, by: User) -> None:
    planning.declare_relationship(
        planning.profile_of(person),
        by,
        kind="worked_for_employer",
        organisation=employer,
        declared_on=date(2026, 9, 1),
    )


def test_a_conflict_declared_after_allocation_stops_saving_judgements(
    pats: Registration, anna: User, employer: Organisation
) -> None:
    draft = record_method(pats, "observation", anna, submit=False)
    _declare(anna, employer, anna)
    criterion = Judgement.objects.filter(record=draft).first()
    assert criterion is not None
    with pytest.raises(RecordRefused) as refused:
        save_draft(
            draft.pk,
            anna,
            {"feedback": Edit(draft.feedback, "Changed after the declaration.")},
            {("", criterion.criterion_id): Edit(None, ("not_met", "", ()))},
        )
    assert refused.value.message.startswith(DECLARED)
    assert "Pat Apprentice" in refused.value.message
    assert "reallocate" in refused.value.message
    before = draft.feedback
    draft.refresh_from_db()
    assert draft.feedback == before


def test_a_conflict_declared_after_allocation_stops_submitting(
    pats: Registration, anna: User, alice: User, employer: Organisation
) -> None:
    draft = record_method(pats, "observation", anna, submit=False)
    _declare(anna, employer, alice)
    with pytest.raises(RecordRefused) as refused:
        submit_record(draft.pk, anna, draft.revision)
    assert refused.value.message.startswith(DECLARED)
    draft.refresh_from_db()
    assert draft.status == AssessmentRecord.Status.DRAFT


def test_a_relationship_with_someone_else_does_not_stop_the_assessor(
    pats: Registration, anna: User, other_employer: Organisation
) -> None:
    draft = record_method(pats, "observation", anna, submit=False)
    _declare(anna, other_employer, anna)
    submitted = submit_record(draft.pk, anna, draft.revision)
    assert submitted.status == AssessmentRecord.Status.SUBMITTED


def test_the_record_page_refuses_a_save_in_the_error_page_with_the_relationship(
    pats: Registration, anna: User, employer: Organisation, client: Client
) -> None:
    record_method(pats, "observation", anna, submit=False)
    _declare(anna, employer, anna)
    client.force_login(anna)
    url = reverse("assessment:record", args=[pats.pk, "observation"])
    response = client.post(url, {"action": "save", "revision": "1", "feedback": "x"})
    assert response.status_code == 409
    assert "worked for the employer Bright Retail" in response.content.decode()


def test_an_iqa_with_a_conflict_declared_after_allocation_cannot_decide(
    pats: Registration, anna: User, ivy: User, employer: Organisation
) -> None:
    record = record_method(pats, "observation", anna)
    AssessmentRecord.objects.filter(pk=record.pk).update(iqa_status="held")
    record.refresh_from_db()
    _declare(ivy, employer, ivy)
    with pytest.raises(RecordRefused) as refused:
        iqa.uphold(record.pk, ivy, record.revision, "Fine.")
    assert refused.value.message.startswith(DECLARED)
