"""Appeals: lodged in time by a party, reviewed independently, decided with the history kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.assessment.models import RecordChange
from openepa.audit.models import AuditEvent
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.planning import services as planning
from openepa.registration.access import registrations_for
from openepa.results import iqa
from openepa.results.appeal_reviewers import reviewer_candidates, reviewer_problems
from openepa.results.appeals import (
    AppealRefused,
    assign_reviewer,
    decide_appeal,
    lodge_appeal,
    withdraw_appeal,
)
from openepa.results.models import Appeal
from openepa.results.reassessment import result_history
from tests.epa import accept, policy_without_sampling
from tests.results.test_reassessment_support import (
    assess,
    failed_highfield,
    failing_criterion,
    release,
)

RELEASED = date(2026, 1, 10)


@pytest.fixture
def world(make_registration, anna, alice, pat, monkeypatch) -> dict[str, Any]:
    registration, result = failed_highfield(
        make_registration, anna, alice, released=RELEASED, apprentice_user=pat
    )
    monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 20))
    return {"registration": registration, "result": result}


@pytest.fixture
def otto(epao) -> User:
    """Another assessor of the EPAO."""
    return User.objects.create_user(
        "otto@epao.example",
        "pw-unused-123",
        full_name="Otto Other",
        role=User.Role.ASSESSOR,
        epao=epao,
        organisation=epao,
    )


def test_an_appeal_on_the_last_day_of_the_period_is_lodged(world, pat):
    appeal = lodge_appeal(
        world["registration"], pat, grounds="The observation was cut short.", on=date(2026, 2, 10)
    )
    assert (appeal.status, appeal.lodged_as) == ("lodged", "apprentice")


def test_an_appeal_after_the_period_is_refused(world, erin):
    with pytest.raises(AppealRefused) as refused:
        lodge_appeal(world["registration"], erin, grounds="Unfair.", on=date(2026, 2, 11))
    assert refused.value.message.startswith(
        "The appeal period of 31 days ended on 10 February 2026"
    )
    assert not Appeal.objects.exists()


def test_an_appeal_needs_grounds_and_a_party(world, pat, anna):
    with pytest.raises(AppealRefused, match="Enter the grounds of the appeal"):
        lodge_appeal(world["registration"], pat, grounds="  ")
    with pytest.raises(PermissionDenied):
        lodge_appeal(world["registration"], anna, grounds="x")


def test_the_reviewer_must_not_be_the_original_assessor(world, pat, alice, anna, otto):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.", methods=["observation"])
    assert reviewer_problems(appeal, anna) == [
        "Anna Assessor assessed the Practical observation with Q&As under appeal: the reviewer "
        "must be someone else."
    ]
    with pytest.raises(AppealRefused, match="the reviewer must be someone else"):
        assign_reviewer(appeal, alice, anna, revision=appeal.revision)
    assert reviewer_problems(appeal, otto) == []


def test_the_reviewer_must_be_independent_of_the_apprentice(world, pat, alice, otto):
    registration = world["registration"]
    planning.declare_relationship(
        planning.profile_of(otto),
        alice,
        kind="worked_with_provider",
        organisation=registration.provider,
        declared_on=date(2025, 6, 1),
    )
    appeal = lodge_appeal(registration, pat, grounds="Unfair.")
    problems = reviewer_problems(appeal, otto)
    assert problems
    assert problems[0].startswith("Not independent")


def test_an_upheld_appeal_overturns_the_grade_and_keeps_the_history(world, pat, alice, ivy):
    registration, result = world["registration"], world["result"]
    assert result.grade == "fail"
    appeal = lodge_appeal(registration, pat, grounds="Criterion was met.", methods=["observation"])
    appeal = assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    record = registration.assessment_records.get(method_id="observation")
    criterion = failing_criterion(registration, "observation")
    decided = decide_appeal(
        appeal,
        ivy,
        upheld=True,
        reason="The video shows the criterion met.",
        revision=appeal.revision,
        amendments={record.pk: {("", criterion): ("met", "Seen on the video")}},
    )
    assert decided.status == "upheld"
    result.refresh_from_db()
    assert result.grade != "fail"
    assert result.revision == 2
    [change] = result_history(result)
    assert (change.old_grade, change.new_grade) == ("fail", result.grade)
    assert {m["id"]: m["grade"] for m in change.old_methods}["observation"] == "fail"
    assert change.changed_by == ivy
    assert change.reason == "The video shows the criterion met."
    assert RecordChange.objects.filter(record=record, stage="appeal").exists()
    registration.refresh_from_db()
    assert registration.status == "completed"
    assert result.achievement_date is not None
    claim = CertificateClaim.objects.get(result=result)
    assert claim.overall_grade == {"pass": "Pass", "distinction": "Distinction"}[result.grade]


def test_a_second_decision_at_the_same_time_is_refused(world, pat, alice, ivy):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.")
    appeal = assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    seen = appeal.revision
    decide_appeal(appeal, ivy, upheld=False, reason="Marked correctly.", revision=seen)
    with pytest.raises(AppealRefused, match="already decided"):
        decide_appeal(appeal, ivy, upheld=True, reason="On reflection.", revision=seen)
    appeal.refresh_from_db()
    assert appeal.status == "not_upheld"


def test_a_reviewer_sees_the_registration_once_assigned(world, pat, alice, otto):
    registration = world["registration"]
    assert not registrations_for(otto).filter(pk=registration.pk).exists()
    appeal = lodge_appeal(registration, pat, grounds="Unfair.")
    assign_reviewer(appeal, alice, otto, revision=appeal.revision)
    # A second appeal must not duplicate the row (Exists, not a join).
    Appeal.objects.create(
        registration=registration,
        result=world["result"],
        lodged_by=pat,
        lodged_as="apprentice",
        grounds="Again",
        reviewer=otto,
        status="not_upheld",
    )
    assert list(registrations_for(otto)) == [registration]


def test_appeal_pages_for_each_role(world, pat, alice, ivy, anna, bob, charlie, mallory, client):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.")
    assign_url = reverse("results:appeal_assign", args=[appeal.pk])
    decide_url = reverse("results:appeal_decide", args=[appeal.pk])
    expected = {
        alice: (200, 403),
        ivy: (403, 404),
        anna: (403, 404),
        bob: (403, 403),
        charlie: (403, 403),
        mallory: (404, 403),
    }
    for person, (assign_status, decide_status) in expected.items():
        client.force_login(person)
        assert client.get(assign_url).status_code == assign_status, person
        assert client.get(decide_url).status_code == decide_status, person
    client.force_login(alice)
    response = client.post(assign_url, {"revision": appeal.revision, "reviewer": ivy.pk})
    assert response.status_code == 302
    client.force_login(ivy)
    assert client.get(decide_url).status_code == 200
    response = client.post(decide_url, {"revision": 2, "upheld": "no", "reason": ""})
    assert "Enter the reasons for the decision." in response.content.decode()
    response = client.post(decide_url, {"revision": 2, "upheld": "no", "reason": "Fair."})
    assert response.status_code == 302
    client.force_login(anna)
    assert client.get(reverse("results:my_appeals")).status_code == 200


def test_lodging_through_the_page(world, erin, client):
    client.force_login(erin)
    url = reverse("results:appeal_lodge", args=[world["registration"].pk])
    response = client.post(url, {"grounds": ""})
    assert "Enter the grounds of the appeal." in response.content.decode()
    response = client.post(url, {"grounds": "Unfair.", "methods": ["observation"]})
    assert response.status_code == 302
    assert Appeal.objects.get().methods == ["observation"]


def test_the_appeals_list_filters_in_the_database_with_constant_queries(world, pat, alice, client):
    registration, result = world["registration"], world["result"]

    def add(count: int) -> None:
        for _ in range(count):
            Appeal.objects.create(
                registration=registration,
                result=result,
                lodged_by=pat,
                lodged_as="apprentice",
                grounds="x",
                status="not_upheld",
            )

    client.force_login(alice)
    url = reverse("results:appeals")
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    lodged = client.get(url, {"status": "lodged"})
    assert "No appeals." in lodged.content.decode()


@pytest.fixture
def iqa_cleared(make_registration, anna, alice, ivy, pat, epao, monkeypatch):
    """Pat's Highfield result, failed on the observation, whose decision Ivy reviewed as IQA.

    Returns a function that clears the held observation decision by ``uphold`` or ``amend``
    and then releases the result on RELEASED.
    """

    def clear(how: str):
        policy = policy_without_sampling(epao)
        policy.sample_all_fails = True
        policy.save()
        registration = accept(make_registration("st0071-highfield", apprentice_user=pat), anna, ivy)
        assess(
            registration, anna, ("project", "discussion", "observation"), failing=["observation"]
        )
        held = registration.assessment_records.get(method_id="observation")
        assert held.iqa_status == "held"
        if how == "uphold":
            iqa.uphold(held.pk, ivy, held.revision, "Marked fairly.")
        else:
            criterion = next(j.criterion_id for j in held.judgements.all() if j.value == "met")
            iqa.amend(
                held.pk,
                ivy,
                held.revision,
                {("", criterion): ("met_comment", "Seen.")},
                "Note added.",
            )
        release(registration, alice, RELEASED)
        monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 20))
        return registration

    return clear


@pytest.mark.parametrize(("how", "verb"), [("uphold", "upheld"), ("amend", "amended")])
def test_the_iqa_who_upheld_or_amended_the_decision_cannot_review_its_appeal(
    iqa_cleared, how, verb, pat, alice, ivy, otto
):
    registration = iqa_cleared(how)
    appeal = lodge_appeal(registration, pat, grounds="Unfair.", methods=["observation"])
    expected = (
        f"Ivy Quality {verb} the Practical observation with Q&As decision under appeal as its "
        "IQA: the reviewer "
        "must be someone else."
    )
    assert reviewer_problems(appeal, ivy) == [expected]
    with pytest.raises(AppealRefused, match="the reviewer must be someone else"):
        assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    assert reviewer_problems(appeal, otto) == []
    [offered] = [c for c in reviewer_candidates(appeal) if c.person == ivy]
    assert offered.problems == [expected]


def test_grounds_are_limited_to_5000_characters_with_a_count(world, erin, client):
    with pytest.raises(AppealRefused, match="5,000 characters or fewer") as refused:
        lodge_appeal(world["registration"], erin, grounds="x" * 5001)
    assert refused.value.field == "grounds"
    client.force_login(erin)
    url = reverse("results:appeal_lodge", args=[world["registration"].pk])
    page = client.get(url).content.decode()
    assert 'data-module="govuk-character-count"' in page
    assert 'data-maxlength="5000"' in page
    assert "govuk-js-character-count" in page
    assert "You can enter up to 5,000 characters" in page
    response = client.post(url, {"grounds": "y" * 5001})
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "The grounds must be 5,000 characters or fewer" in text
    assert not Appeal.objects.exists()
    lodge_appeal(world["registration"], erin, grounds="x" * 5000)


def test_the_person_who_lodged_an_appeal_withdraws_it(world, pat, erin, alice, ivy):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.")
    with pytest.raises(PermissionDenied):
        withdraw_appeal(appeal, erin, reason="Not mine.", revision=appeal.revision)
    with pytest.raises(AppealRefused, match="Say why you are withdrawing") as refused:
        withdraw_appeal(appeal, pat, reason=" ", revision=appeal.revision)
    assert refused.value.field == "reason"
    appeal = assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    withdrawn = withdraw_appeal(
        appeal, pat, reason="I have talked it through.", revision=appeal.revision
    )
    assert withdrawn.status == "withdrawn"
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawal_reason == "I have talked it through."
    event = AuditEvent.objects.get(action="appeal.withdrawn")
    assert event.actor == pat
    assert event.reason == "I have talked it through."
    assert event.changes == {"status": {"old": "under_review", "new": "withdrawn"}}
    with pytest.raises(AppealRefused, match="already withdrawn"):
        withdraw_appeal(withdrawn, pat, reason="Again.", revision=withdrawn.revision)
    with pytest.raises(AppealRefused, match="withdrawn by Pat Apprentice"):
        decide_appeal(withdrawn, ivy, upheld=True, reason="Late.", revision=withdrawn.revision)


def test_a_decided_appeal_cannot_be_withdrawn(world, pat, alice, ivy):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.")
    appeal = assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    appeal = decide_appeal(appeal, ivy, upheld=False, reason="Fair.", revision=appeal.revision)
    with pytest.raises(AppealRefused, match="was decided"):
        withdraw_appeal(appeal, pat, reason="Too late.", revision=appeal.revision)
    appeal.refresh_from_db()
    assert appeal.status == "not_upheld"


def test_no_second_appeal_after_one_is_decided_or_withdrawn(world, pat, erin):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.")
    withdraw_appeal(appeal, pat, reason="Resolved.", revision=appeal.revision)
    with pytest.raises(AppealRefused, match="was withdrawn"):
        lodge_appeal(world["registration"], erin, grounds="Unfair too.")


def test_withdrawing_through_the_page(
    world, pat, erin, alice, anna, ivy, bob, charlie, eve, mallory, client
):
    appeal = lodge_appeal(world["registration"], pat, grounds="Unfair.")
    url = reverse("results:appeal_withdraw", args=[appeal.pk])
    expected = {
        alice: 403,
        anna: 403,
        ivy: 403,
        bob: 403,
        erin: 403,
        charlie: 404,
        eve: 404,
        mallory: 403,
        pat: 200,
    }
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status, person
    client.force_login(pat)
    lodge_page = client.get(reverse("results:appeal_lodge", args=[world["registration"].pk]))
    assert url in lodge_page.content.decode()
    response = client.post(url, {"revision": appeal.revision, "reason": ""})
    assert "Say why you are withdrawing the appeal" in response.content.decode()
    response = client.post(url, {"revision": appeal.revision, "reason": "Resolved."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "withdrawn"


def test_a_reviewer_who_declares_a_conflict_after_assignment_cannot_decide(world, pat, alice, otto):
    registration = world["registration"]
    appeal = lodge_appeal(registration, pat, grounds="Unfair.")
    appeal = assign_reviewer(appeal, alice, otto, revision=appeal.revision)
    planning.declare_relationship(
        planning.profile_of(otto),
        otto,
        kind="worked_for_employer",
        organisation=registration.employer,
        declared_on=date(2026, 1, 15),
    )
    with pytest.raises(AppealRefused, match="that you worked for the employer Bright Retail"):
        decide_appeal(appeal, otto, upheld=False, reason="Fair.", revision=appeal.revision)
    appeal.refresh_from_db()
    assert appeal.status == "under_review"
