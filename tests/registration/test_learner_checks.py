"""Looking the apprentice up at the assessment service: asked, answered, kept, shown and listed.

Pat's Highfield registration (ST0071) is looked up at a fake of the service's Get Learner
answering as the published client's README says: 200 (shapes A, B, C), 403 with the
service's message, 404, 500, or no answer in time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html import escape
from typing import Any

import httpx
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from openepa.accounts.models import StandardAtService, User
from openepa.audit.models import AuditEvent
from openepa.gateway.components import create_components, start_gateway
from openepa.gateway.models import GatewayComponent
from openepa.kernel import clock
from openepa.registration import learner_checks
from openepa.registration.corrections import correct_details
from openepa.registration.learner_checks import (
    backoff,
    request_check,
    request_checks,
    run_check,
    run_due_checks,
)
from openepa.registration.models import LearnerCheck, Registration
from tests.conftest import make_uln
from tests.registration.learner_service import (
    NOT_FOUND_403,
    FakeLearnerService,
    learner_service_fixture,  # noqa: F401 (the fixture learner_service)
)

Outcome = LearnerCheck.Outcome
Reason = LearnerCheck.Reason
MakeRegistration = Callable[..., Registration]


@pytest.fixture
def pats(make_registration: MakeRegistration, pat: User) -> Registration:
    return make_registration(given_names="Pat", family_name="Van Dijk", apprentice_user=pat)


def checked(registration: Registration, reason: str = Reason.REGISTRATION) -> LearnerCheck:
    """A check of the registration, asked and answered at once."""
    check = request_check(registration, reason)
    assert check is not None
    result = run_check(check.pk)
    assert result is not None
    return result


def frozen_at(monkeypatch: pytest.MonkeyPatch, moment: Any) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


# --- asking ---------------------------------------------------------------------------------


def test_nothing_is_asked_without_the_service_configured(pats: Registration) -> None:
    assert request_check(pats, Reason.REQUESTED) is None
    assert not LearnerCheck.objects.exists()
    assert run_due_checks().not_configured
    assert "not configured" in str(run_due_checks())


def test_a_check_asks_the_uln_family_name_and_standard_reference(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    check = request_check(pats, Reason.REGISTRATION)
    assert check is not None
    assert (check.outcome, check.current, check.attempts) == (Outcome.WAITING, True, 0)
    assert (check.uln, check.family_name, check.standard) == (
        pats.apprentice.uln,
        "Van Dijk",
        "ST0071",
    )
    run_check(check.pk)
    assert learner_service.requests == [(pats.apprentice.uln, "Van Dijk", "ST0071")]
    assert learner_service.keys == ["subscription-key"]


def test_the_standard_is_asked_by_its_lars_code_where_the_epao_set_one(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    StandardAtService.objects.create(epao=pats.epao, reference="ST0071", lars_code=296)
    check = request_check(pats, Reason.REGISTRATION)
    assert check is not None
    assert check.standard == "296"


def test_a_new_check_keeps_the_old_one_no_longer_current(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    first = checked(pats)
    second = request_check(pats, Reason.REQUESTED)
    first.refresh_from_db()
    assert second is not None
    assert (first.current, second.current) == (False, True)
    assert LearnerCheck.objects.filter(registration=pats).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        LearnerCheck.objects.filter(pk=first.pk).update(current=True)


def test_the_look_up_is_enqueued_when_the_transaction_commits(
    learner_service: FakeLearnerService,
    pats: Registration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    learner_service.holds(pats.apprentice.uln, "Van Dijk")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        check = request_check(pats, Reason.REGISTRATION)
        assert learner_service.requests == []
    assert len(callbacks) == 1
    assert check is not None
    check.refresh_from_db()
    assert check.outcome == Outcome.MATCHED


# --- the service's answers --------------------------------------------------------------------


def test_a_learner_held_is_matched_with_what_the_service_holds(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    learner_service.holds(
        pats.apprentice.uln, "Van Dijk", given_names="Pat Jo", version="1.2", course_option=""
    )
    check = checked(pats)
    assert check.outcome == Outcome.MATCHED
    assert (check.held_given_names, check.held_family_name, check.held_version) == (
        "Pat Jo",
        "Van Dijk",
        "1.2",
    )
    assert (check.completion_status, check.message, check.next_attempt_at) == (1, "", None)
    assert check.checked_at is not None
    assert check.attempts == 1
    event = AuditEvent.objects.get(action="learner_check.answered")
    assert event.registration_id == pats.pk
    assert "Found, details match" in event.summary


def test_the_family_name_is_compared_in_any_case_but_letter_for_letter(
    learner_service: FakeLearnerService, make_registration: MakeRegistration
) -> None:
    lower = make_registration(family_name="van dijk")
    joined = make_registration(family_name="VanDijk")
    learner_service.holds(lower.apprentice.uln, "Van Dijk")
    learner_service.holds(joined.apprentice.uln, "Van Dijk")
    assert checked(lower).outcome == Outcome.MATCHED
    refused = checked(joined)
    assert refused.outcome == Outcome.NOT_FOUND
    assert refused.message == NOT_FOUND_403["message"]


def test_the_epa_record_and_certificate_held_are_kept(
    learner_service: FakeLearnerService, make_registration: MakeRegistration
) -> None:
    with_epa = make_registration(family_name="Smith")
    with_certificate = make_registration(family_name="Jones")
    learner_service.holds(with_epa.apprentice.uln, "Smith", epa_reference="12345678")
    learner_service.holds(
        with_certificate.apprentice.uln,
        "Jones",
        epa_reference="87654321",
        certificate_reference="00012001",
        certificate_status="Submitted",
        course_option="Retail",
    )
    b = checked(with_epa)
    assert (b.epa_reference, b.certificate_reference) == ("12345678", "")
    c = checked(with_certificate)
    assert (c.epa_reference, c.certificate_reference, c.certificate_status) == (
        "87654321",
        "00012001",
        "Submitted",
    )
    assert c.held_course_option == "Retail"


@pytest.mark.parametrize("status", [3, 6])
def test_a_learner_withdrawn_in_the_ilr_is_flagged(
    learner_service: FakeLearnerService, pats: Registration, status: int
) -> None:
    learner_service.holds(pats.apprentice.uln, "Van Dijk", completion_status=status)
    check = checked(pats)
    assert (check.outcome, check.completion_status) == (Outcome.WITHDRAWN, status)


def test_a_learner_returned_under_another_family_name_is_flagged(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    uln = pats.apprentice.uln
    learner_service.answer(uln, (200, {**_body(uln, "Van-Dijk")}))
    check = checked(pats)
    assert (check.outcome, check.held_family_name) == (Outcome.NAME_DIFFERS, "Van-Dijk")


def _body(uln: str, family_name: str) -> dict[str, Any]:
    from tests.registration.learner_service import learner_body

    return learner_body(uln, family_name)


def test_an_unknown_learner_404_is_not_found(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    check = checked(pats)
    assert check.outcome == Outcome.NOT_FOUND
    assert check.message == "The service holds no such learner"


def test_a_500_is_unavailable_and_asked_again_later_with_a_growing_delay(
    learner_service: FakeLearnerService, pats: Registration, monkeypatch: pytest.MonkeyPatch
) -> None:
    uln = pats.apprentice.uln
    learner_service.answer(uln, (500, {"statusCode": 500, "message": "Internal error"}))
    start = clock.now()
    frozen_at(monkeypatch, start)
    check = checked(pats)
    assert check.outcome == Outcome.UNAVAILABLE
    assert "500" in check.message
    assert "Internal error" in check.message
    assert check.next_attempt_at == start + timedelta(minutes=5)

    summary = run_due_checks()  # not due yet
    assert (summary.asked, len(learner_service.requests)) == (0, 1)

    frozen_at(monkeypatch, start + timedelta(minutes=5))
    summary = run_due_checks()
    check.refresh_from_db()
    assert (summary.asked, check.attempts) == (1, 2)
    assert check.next_attempt_at == start + timedelta(minutes=15)
    assert [c.pk for c in summary.unavailable] == [check.pk]
    assert "Could not be checked" in str(summary)

    learner_service.holds(uln, "Van Dijk")
    frozen_at(monkeypatch, start + timedelta(minutes=15))
    summary = run_due_checks()
    check.refresh_from_db()
    assert (summary.asked, summary.matched, check.outcome) == (1, 1, Outcome.MATCHED)
    assert check.next_attempt_at is None
    assert check.message == ""


def test_backoff_grows_to_a_day() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (5, 10, 20)]
    assert backoff(30) == timedelta(days=1)


def test_no_answer_in_time_is_unavailable(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    learner_service.answer(pats.apprentice.uln, httpx.ReadTimeout("timed out"))
    check = checked(pats)
    assert check.outcome == Outcome.UNAVAILABLE
    assert "did not answer in time" in check.message


def test_a_429_waits_as_long_as_the_service_asks(
    learner_service: FakeLearnerService, pats: Registration, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"}, json={"message": "Slow down"})

    learner_service.answer(pats.apprentice.uln, busy)
    start = clock.now()
    frozen_at(monkeypatch, start)
    check = checked(pats)
    assert check.next_attempt_at == start + timedelta(hours=1)


def test_a_refusal_of_the_request_is_unavailable_with_the_service_words(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    learner_service.answer(pats.apprentice.uln, (401, {"message": "Access denied"}))
    check = checked(pats)
    assert check.outcome == Outcome.UNAVAILABLE
    assert "401" in check.message
    assert "Access denied" in check.message


# --- safe to run twice ------------------------------------------------------------------------


def test_a_check_answered_is_left_alone(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    learner_service.holds(pats.apprentice.uln, "Van Dijk")
    check = checked(pats)
    again = run_check(check.pk)
    assert again is not None
    assert again.outcome == Outcome.MATCHED
    assert len(learner_service.requests) == 1
    assert learner_checks.lookup_learner.call(check.pk) == Outcome.MATCHED
    assert run_due_checks().asked == 0
    assert len(learner_service.requests) == 1


def test_a_check_another_worker_holds_is_not_asked_twice(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    check = request_check(pats, Reason.REGISTRATION)
    assert check is not None
    # Another worker claimed it a moment ago and is asking now.
    LearnerCheck.objects.filter(pk=check.pk).update(
        attempts=1, next_attempt_at=clock.now() + learner_checks.lease()
    )
    assert run_check(check.pk) is not None
    assert learner_service.requests == []
    assert run_due_checks().asked == 0
    check.refresh_from_db()
    assert (check.outcome, check.attempts) == (Outcome.WAITING, 1)


def test_a_check_superseded_before_it_ran_is_not_asked(
    learner_service: FakeLearnerService, pats: Registration
) -> None:
    first = request_check(pats, Reason.REGISTRATION)
    second = request_check(pats, Reason.REQUESTED)
    assert first is not None
    assert second is not None
    run_check(first.pk)
    assert learner_service.requests == []
    summary = run_due_checks()
    assert summary.asked == 1
    assert summary.outcomes == {Outcome.NOT_FOUND: 1}
    assert [c.pk for c in summary.flagged] == [second.pk]
    assert "Flagged" in str(summary)
    assert pats.apprentice.full_name in str(summary)


def test_run_due_checks_stops_at_the_limit(
    learner_service: FakeLearnerService, make_registration: MakeRegistration
) -> None:
    request_checks([make_registration() for _ in range(3)], Reason.REGISTRATION)
    assert run_due_checks(limit=2).asked == 2
    assert run_due_checks().asked == 1


@pytest.mark.django_db(transaction=True)
def test_the_service_is_asked_with_no_transaction_open(
    learner_service: FakeLearnerService, make_registration: MakeRegistration
) -> None:
    registration = make_registration(family_name="Van Dijk")
    learner_service.holds(registration.apprentice.uln, "Van Dijk")
    check = request_check(registration, Reason.REGISTRATION)  # enqueued on commit: runs now
    assert check is not None
    check.refresh_from_db()
    assert check.outcome == Outcome.MATCHED
    assert learner_service.in_transaction == [False]


# --- when a check is asked for --------------------------------------------------------------


def test_every_registration_made_is_checked_in_a_constant_number_of_queries(
    learner_service: FakeLearnerService,
    make_registration: MakeRegistration,
    django_assert_max_num_queries: Any,
) -> None:
    few = [make_registration() for _ in range(2)]
    many = [make_registration() for _ in range(20)]
    with django_assert_max_num_queries(8):
        request_checks(few, Reason.REGISTRATION)
    with django_assert_max_num_queries(8):
        request_checks(many, Reason.REGISTRATION)
    assert LearnerCheck.objects.filter(current=True, outcome=Outcome.WAITING).count() == 22


def test_registering_by_the_service_asks_for_a_check(
    learner_service: FakeLearnerService,
    bob: User,
    details: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from openepa.registration.services import register_many

    rows = [details(uln=make_uln(700 + n), family_name=f"Name{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        registrations = register_many(bob, rows, file_name="apprentices.csv")
    checks = LearnerCheck.objects.filter(registration__in=registrations)
    assert {c.reason for c in checks} == {Reason.REGISTRATION}
    assert {c.outcome for c in checks} == {Outcome.NOT_FOUND}
    assert len(learner_service.requests) == 3


def test_correcting_the_family_name_asks_again(
    learner_service: FakeLearnerService, pats: Registration, alice: User
) -> None:
    first = checked(pats)
    correct_details(
        pats,
        alice,
        values={"family_name": "Van Dijk-Smith"},
        reason="Married name",
        revision=pats.revision,
    )
    current = LearnerCheck.objects.get(registration=pats, current=True)
    assert (current.reason, current.family_name) == (Reason.CORRECTION, "Van Dijk-Smith")
    first.refresh_from_db()
    assert not first.current
    event = AuditEvent.objects.get(action="learner_check.requested")
    assert event.summary == (
        "Look-up at the assessment service asked after the ULN or family name was corrected"
    )


def test_correcting_a_completed_apprentices_family_name_asks_again(
    learner_service: FakeLearnerService, pats: Registration, alice: User
) -> None:
    """Their certificate claim is compared with the answer, so a completed one is asked too."""
    checked(pats)
    Registration.objects.filter(pk=pats.pk).update(status=Registration.Status.COMPLETED)
    pats.refresh_from_db()
    correct_details(
        pats, alice, values={"family_name": "Okafor"}, reason="ILR", revision=pats.revision
    )
    current = LearnerCheck.objects.get(registration=pats, current=True)
    assert (current.reason, current.family_name) == (Reason.CORRECTION, "Okafor")


def test_correcting_other_details_asks_nothing(
    learner_service: FakeLearnerService, pats: Registration, alice: User
) -> None:
    checked(pats)
    correct_details(pats, alice, values={"town": "York"}, reason="Moved", revision=pats.revision)
    assert LearnerCheck.objects.filter(registration=pats).count() == 1


def test_the_gateway_going_for_review_asks_for_a_check(
    learner_service: FakeLearnerService, pats: Registration, bob: User
) -> None:
    components = create_components(pats)
    required = [c for c in components if c.required]
    GatewayComponent.objects.filter(pk__in=[c.pk for c in required[1:]]).update(
        status=GatewayComponent.Status.SUBMITTED
    )
    start_gateway(pats, bob)  # one required component is still to submit
    assert not LearnerCheck.objects.filter(registration=pats).exists()
    GatewayComponent.objects.filter(pk=required[0].pk).update(
        status=GatewayComponent.Status.ACCEPTED
    )
    start_gateway(pats, bob)
    check = LearnerCheck.objects.get(registration=pats)
    assert (check.reason, check.requested_by) == (Reason.GATEWAY, bob)


# --- the pages ------------------------------------------------------------------------------


def detail(client: Client, registration: Registration) -> str:
    response = client.get(f"/apprentices/{registration.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_card_says_checking_is_not_configured(
    pats: Registration, login: Callable[[User], Client], alice: User
) -> None:
    page = detail(login(alice), pats)
    assert "At the apprenticeship assessment service" in page
    assert "is not configured" in page
    assert "Check now" not in page


def test_the_card_shows_what_the_service_holds(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    alice: User,
) -> None:
    learner_service.holds(
        pats.apprentice.uln, "Van Dijk", given_names="Patricia", version="1.2", course_option=""
    )
    checked(pats)
    page = detail(login(alice), pats)
    assert "Found, details match" in page
    assert "Patricia" in page
    assert "Continuing" in page
    assert "Check again" in page
    assert "holds version" not in page


def test_the_card_says_what_to_do_for_a_learner_not_found(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    alice: User,
) -> None:
    learner_service.answer(pats.apprentice.uln, (403, NOT_FOUND_403))
    checked(pats)
    page = detail(login(alice), pats)
    assert "Not found at the service" in page
    assert "letter for letter" in page
    assert "ILR" in page
    assert escape(NOT_FOUND_403["message"]) in page


def test_the_card_says_what_to_do_for_a_withdrawn_learner_and_another_version(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    alice: User,
) -> None:
    learner_service.holds(pats.apprentice.uln, "Van Dijk", completion_status=3, version="1.1")
    checked(pats)
    page = detail(login(alice), pats)
    assert "Withdrawn at the service" in page
    assert "ILR shows the apprentice as withdrawn" in page
    assert "The service holds version 1.1 of ST0071" in page


def test_the_card_says_when_the_service_is_asked_again(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    alice: User,
) -> None:
    learner_service.answer(pats.apprentice.uln, httpx.ConnectError("refused"))
    checked(pats)
    page = detail(login(alice), pats)
    assert "Could not be checked" in page
    assert "could not be reached" in page
    assert "OpenEPA asks again by itself after" in page


def test_the_card_is_shown_to_the_epaos_admins_only(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    pat: User,
    erin: User,
    bob: User,
) -> None:
    """The card holds the EPAO's settings and advice addressed to it (about the provider)."""
    learner_service.answer(pats.apprentice.uln, (403, NOT_FOUND_403))
    checked(pats)
    for person in (pat, erin, bob):
        page = detail(login(person), pats)
        assert "At the apprenticeship assessment service" not in page
        assert escape(NOT_FOUND_403["message"]) not in page
        assert f"ask {pats.provider.name} to correct" not in page
        assert "Check again" not in page


def test_an_epao_admin_checks_again(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = checked(pats)
    learner_service.holds(pats.apprentice.uln, "Van Dijk")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice).post(f"/apprentices/{pats.pk}/check-again/", follow=True)
    assert "OpenEPA is asking the assessment service" in response.content.decode()
    current = LearnerCheck.objects.get(registration=pats, current=True)
    assert current.pk != first.pk
    assert (current.reason, current.requested_by, current.outcome) == (
        Reason.REQUESTED,
        alice,
        Outcome.MATCHED,
    )
    assert AuditEvent.objects.filter(action="learner_check.requested", actor=alice).exists()
    page = response.content.decode()
    assert "(asked for by an EPAO admin, by " in page
    assert "an epao admin" not in page


def test_only_an_epao_admin_of_the_registration_checks_again(
    learner_service: FakeLearnerService,
    pats: Registration,
    login: Callable[[User], Client],
    bob: User,
    mallory: User,
) -> None:
    url = f"/apprentices/{pats.pk}/check-again/"
    assert login(bob).post(url).status_code == 403
    assert login(mallory).post(url).status_code == 404
    assert not LearnerCheck.objects.exists()


def test_checking_again_without_the_service_or_after_withdrawal_is_refused(
    pats: Registration, login: Callable[[User], Client], alice: User, settings: Any
) -> None:
    client = login(alice)
    response = client.post(f"/apprentices/{pats.pk}/check-again/", follow=True)
    assert "is not configured" in response.content.decode()
    settings.ASSESSMENT_SERVICE_URL = "https://assessment-service.test/"
    Registration.objects.filter(pk=pats.pk).update(status=Registration.Status.WITHDRAWN)
    response = client.post(f"/apprentices/{pats.pk}/check-again/", follow=True)
    assert "withdrawn" in response.content.decode()
    assert not LearnerCheck.objects.exists()


# --- the list of learners to check --------------------------------------------------------


def make_checks(
    make_registration: MakeRegistration, outcome: str, count: int, **fields: Any
) -> list[LearnerCheck]:
    """``count`` registrations whose current check has ``outcome``."""
    made = []
    for _ in range(count):
        registration = make_registration(**fields)
        made.append(
            LearnerCheck.objects.create(
                epao=registration.epao,
                registration=registration,
                reason=Reason.REGISTRATION,
                outcome=outcome,
                uln=registration.apprentice.uln,
                family_name=registration.apprentice.family_name,
                standard=registration.standard,
                message="The service's words" if outcome != Outcome.MATCHED else "",
                checked_at=clock.now(),
            )
        )
    return made


LIST = "/apprentices/learner-checks/"


def test_the_list_shows_current_flagged_and_unanswered_checks_newest_first(
    make_registration: MakeRegistration, login: Callable[[User], Client], alice: User
) -> None:
    make_checks(make_registration, Outcome.NOT_FOUND, 1, family_name="Ashworth")
    make_checks(make_registration, Outcome.WITHDRAWN, 1, family_name="Brennan")
    make_checks(make_registration, Outcome.UNAVAILABLE, 1, family_name="Carver")
    make_checks(make_registration, Outcome.MATCHED, 1, family_name="Dunmore")
    [gone] = make_checks(make_registration, Outcome.NOT_FOUND, 1, family_name="Ellery")
    Registration.objects.filter(pk=gone.registration_id).update(
        status=Registration.Status.WITHDRAWN
    )
    [old] = make_checks(make_registration, Outcome.NOT_FOUND, 1, family_name="Fairfax")
    LearnerCheck.objects.filter(pk=old.pk).update(current=False)
    LearnerCheck.objects.create(
        epao=old.epao,
        registration=old.registration,
        reason=Reason.REQUESTED,
        outcome=Outcome.MATCHED,
        uln=old.uln,
        family_name=old.family_name,
        standard=old.standard,
    )
    page = login(alice).get(LIST).content.decode()
    assert "3 learners to check" in page
    assert page.index("Carver,") < page.index("Brennan,") < page.index("Ashworth,")
    for words in ("Not found at the service", "Withdrawn at the service", "Could not be checked"):
        assert words in page
    assert "letter for letter" in page
    assert "ask the provider" in page
    for hidden in ("Dunmore,", "Ellery,", "Fairfax,"):
        assert hidden not in page

    page = login(alice).get(LIST, {"outcome": "withdrawn"}).content.decode()
    assert "1 learner to check" in page
    assert "Brennan," in page
    assert "Ashworth," not in page
    page = login(alice).get(LIST, {"outcome": "matched"}).content.decode()
    assert "3 learners to check" in page  # not a choice: ignored


def test_the_list_is_the_epao_admins_own(
    make_registration: MakeRegistration,
    login: Callable[[User], Client],
    mallory: User,
    bob: User,
) -> None:
    make_checks(make_registration, Outcome.NOT_FOUND, 1, family_name="Ashworth")
    page = login(mallory).get(LIST).content.decode()
    assert "0 learners to check" in page
    assert "Ashworth," not in page
    assert login(bob).get(LIST).status_code == 403


def test_the_list_takes_the_same_queries_for_any_number_and_pages_by_25(
    make_registration: MakeRegistration,
    login: Callable[[User], Client],
    alice: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(alice)
    make_checks(make_registration, Outcome.NOT_FOUND, 2)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    make_checks(make_registration, Outcome.WITHDRAWN, 28)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert "30 learners to check" in page
    assert "Page </span>1" in page
    assert page.count('class="govuk-table__row"') == 26  # the head and 25
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert second.count('class="govuk-table__row"') == 6


def test_the_list_and_the_due_checks_are_found_by_index(db: Any) -> None:
    """The database finds the checks through an index, never by reading every check."""
    from openepa.registration.learner_checks import due_checks
    from openepa.registration.service_forms import CheckFilterForm

    queries = [
        CheckFilterForm(data).apply(LearnerCheck.objects.filter(epao_id=1, current=True))
        for data in ({"outcome": "not_found"}, None)
    ] + [due_checks()]
    with transaction.atomic():
        if connection.vendor == "postgresql":  # its planner reads small tables whole
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            plan = query.explain()
            assert "SCAN registration_learnercheck" not in plan, plan  # SQLite
            assert "Seq Scan on registration_learnercheck" not in plan, plan  # PostgreSQL
