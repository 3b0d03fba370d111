"""Acceptance: the learner look-up at registration, against the independent stand-in.

A provider registers apprentices on the form; each registration asks for a look-up at the
service; the sync (as the daily sweep) asks the service: a learner the ILR holds with the same
details is matched, and one the ILR holds as withdrawn (completion status 3) is flagged on the
apprentice's page and listed on "Learners to check" with what to do.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.test import Client
from tests.assessment_service.acceptance import registration_form, set_lars_codes
from tests.conftest import make_uln
from tests.standin.service import StandIn

from openepa.accounts.models import Organisation, User
from openepa.registration.learner_checks import run_due_checks
from openepa.registration.models import LearnerCheck, Registration
from openepa.specifications.models import SpecificationRecord

Outcome = LearnerCheck.Outcome


def test_registering_checks_the_learner_and_a_withdrawn_one_is_listed_to_check(
    assessment_service: StandIn,
    specs: dict[str, SpecificationRecord],
    employer: Organisation,
    bob: User,
    alice: User,
    login: Callable[[User], Client],
) -> None:
    set_lars_codes(alice.epao, alice)
    provider = login(bob)
    registered = []
    for number, family_name in enumerate(("Taylor", "Brennan")):
        data = registration_form(
            specs,
            employer,
            uln=make_uln(800 + number),
            family_name=family_name,
            email=f"{family_name.lower()}@example.org",
        )
        response = provider.post("/apprentices/register/", data)
        assert response.status_code == 302, response.content.decode()
        registered.append(Registration.objects.get(apprentice__family_name=family_name))
    taylor, brennan = registered
    checks = LearnerCheck.objects.filter(current=True).order_by("pk")
    assert [(c.registration, c.reason, c.outcome) for c in checks] == [
        (taylor, LearnerCheck.Reason.REGISTRATION, Outcome.WAITING),
        (brennan, LearnerCheck.Reason.REGISTRATION, Outcome.WAITING),
    ]
    # The provider's ILR: Taylor in learning, Brennan withdrawn (completion status 3).
    assessment_service.add_learner_for(taylor)
    assessment_service.add_learner_for(brennan, completion_status=3)

    summary = run_due_checks()
    assert summary.asked == 2
    asked = [r.path for r in assessment_service.requests]
    assert asked == [
        f"/api/v1/learner/{taylor.apprentice.uln}/Taylor/296",
        f"/api/v1/learner/{brennan.apprentice.uln}/Brennan/296",
    ]
    taylor_check = LearnerCheck.objects.get(registration=taylor, current=True)
    brennan_check = LearnerCheck.objects.get(registration=brennan, current=True)
    assert taylor_check.outcome == Outcome.MATCHED
    assert (taylor_check.held_given_names, taylor_check.completion_status) == ("Sam", 1)
    assert (brennan_check.outcome, brennan_check.completion_status) == (Outcome.WITHDRAWN, 3)

    admin = login(alice)
    listed = admin.get("/apprentices/learner-checks/").content.decode()
    assert "1 learner to check" in listed
    assert "Brennan," in listed
    assert "Withdrawn at the service" in listed
    assert "ask the provider" in listed
    assert "Taylor," not in listed
    page = admin.get(f"/apprentices/{brennan.pk}/").content.decode()
    assert "Withdrawn" in page
    assert "the service refuses an EPA record or a certificate for a learner" in page

    # The sync asks nothing more: both were answered.
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    assert assessment_service.requests == []
