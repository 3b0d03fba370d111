"""The EPA record each registration keeps due: built from its released results and withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from openepa.accounts.models import StandardAtService, User
from openepa.assessment.models import Sitting
from openepa.assessment_service.epa_records import epa_date_of, epa_fields
from openepa.assessment_service.services import payload_hash
from openepa.kernel import events
from openepa.registration.events import RegistrationWithdrawn
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.events import ResultRegraded, ResultReleased
from openepa.results.models import Result
from openepa.rules.service import EpaAttempt


def _epa_item(registration: Registration) -> ServiceItem:
    return ServiceItem.objects.get(registration=registration, kind=ServiceItem.Kind.EPA)


def test_a_released_result_makes_the_epa_record_due(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration(family_name="Van Dijk")
    result = make_result(registration, "pass", on=date(2026, 9, 15))
    events.publish(ResultReleased(result, alice))
    item = _epa_item(registration)
    assert item.state == ServiceItem.State.WAITING
    assert item.epao_id == registration.epao_id
    assert "requestId" not in item.payload
    assert item.payload["learner"] == {
        "uln": int(registration.apprentice.uln),
        "familyName": "Van Dijk",
    }
    assert item.payload["standard"]["standardReference"] == "ST0071"
    assert item.payload["learningDetails"] == {
        "version": registration.version,
        "courseOption": None,
    }
    assert item.payload["epaDetails"] == {
        "epas": [{"epaDate": "2026-09-15T00:00:00", "epaOutcome": "Pass"}]
    }
    assert item.payload_hash == payload_hash(item.payload)
    assert len(item.payload_hash) == 64


def test_a_fail_then_a_resit_pass_are_two_epas_the_second_a_resit(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    fail = make_result(registration, "fail", on=date(2026, 6, 1))
    events.publish(ResultReleased(fail, alice))
    first_hash = _epa_item(registration).payload_hash
    resit = make_result(registration, "merit", on=date(2026, 9, 1), kind=Sitting.Kind.RESIT)
    events.publish(ResultReleased(resit, alice))
    item = _epa_item(registration)
    assert item.payload["epaDetails"]["epas"] == [
        {"epaDate": "2026-06-01T00:00:00", "epaOutcome": "Fail"},
        {"epaDate": "2026-09-01T00:00:00", "epaOutcome": "Pass", "resit": True, "retake": False},
    ]
    assert item.payload_hash != first_hash
    assert item.revision == 2
    assert ServiceItem.objects.filter(registration=registration).count() == 1


def test_a_retake_is_flagged_as_a_retake(
    make_registration: Callable[..., Registration], make_result: Callable[..., Result]
) -> None:
    registration = make_registration()
    make_result(registration, "fail", on=date(2026, 6, 1))
    make_result(registration, "distinction", on=date(2026, 10, 1), kind=Sitting.Kind.RETAKE)
    assert epa_fields(registration).epas == (
        EpaAttempt(date(2026, 6, 1), "Fail"),
        EpaAttempt(date(2026, 10, 1), "Pass", resit=False, retake=True),
    )


def test_a_regrade_on_appeal_updates_the_outcome(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    result = make_result(registration, "fail")
    events.publish(ResultReleased(result, alice))
    item = _epa_item(registration)
    ServiceItem.objects.filter(pk=item.pk).update(
        state=ServiceItem.State.SENT, sent_hash=item.payload_hash, reference="00000042"
    )
    Result.objects.filter(pk=result.pk).update(grade="pass")
    result.refresh_from_db()
    events.publish(ResultRegraded(result, "fail", alice, "Appeal upheld"))
    item.refresh_from_db()
    assert item.payload["epaDetails"]["epas"][0]["epaOutcome"] == "Pass"
    assert item.state == ServiceItem.State.WAITING
    assert item.reference == "00000042"  # an update follows, never a second create


def test_a_result_published_twice_changes_nothing(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    result = make_result(registration)
    events.publish(ResultReleased(result, alice))
    item = _epa_item(registration)
    ServiceItem.objects.filter(pk=item.pk).update(
        state=ServiceItem.State.SENT, sent_hash=item.payload_hash
    )
    events.publish(ResultReleased(result, alice))
    item.refresh_from_db()
    assert (item.state, item.revision) == (ServiceItem.State.SENT, 1)


def _withdraw(registration: Registration, alice: User, on: date) -> None:
    Registration.objects.filter(pk=registration.pk).update(
        status=Registration.Status.WITHDRAWN, withdrawn_on=on, withdrawal_reason="Left"
    )
    registration.refresh_from_db()
    events.publish(RegistrationWithdrawn(registration, alice, "Left"))


def test_a_withdrawal_after_gateway_ends_the_record_with_withdrawn(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    make_result(registration, "fail", on=date(2026, 6, 1))
    _withdraw(registration, alice, date(2026, 7, 1))
    assert _epa_item(registration).payload["epaDetails"]["epas"] == [
        {"epaDate": "2026-06-01T00:00:00", "epaOutcome": "Fail"},
        {
            "epaDate": "2026-07-01T00:00:00",
            "epaOutcome": "Withdrawn",
            "resit": False,
            "retake": False,
        },
    ]


def test_a_withdrawal_once_a_sitting_opened_is_recorded(
    make_registration: Callable[..., Registration], alice: User
) -> None:
    registration = make_registration()
    Sitting.objects.create(registration=registration, number=1, methods=["project"])
    _withdraw(registration, alice, date(2026, 7, 1))
    assert _epa_item(registration).payload["epaDetails"]["epas"] == [
        {"epaDate": "2026-07-01T00:00:00", "epaOutcome": "Withdrawn"}
    ]


def test_a_withdrawal_after_the_gateway_is_recorded_though_no_sitting_opened(
    make_registration: Callable[..., Registration], alice: User
) -> None:
    registration = make_registration(gateway_date=date(2026, 6, 1))
    _withdraw(registration, alice, date(2026, 7, 1))
    assert _epa_item(registration).payload["epaDetails"]["epas"] == [
        {"epaDate": "2026-07-01T00:00:00", "epaOutcome": "Withdrawn"}
    ]


def test_a_withdrawal_before_the_epa_began_sends_nothing(
    make_registration: Callable[..., Registration], alice: User
) -> None:
    registration = make_registration()
    _withdraw(registration, alice, date(2026, 3, 1))
    assert not ServiceItem.objects.filter(registration=registration).exists()


def test_the_lars_code_is_the_epaos_else_the_standard_files(
    make_registration: Callable[..., Registration], settings: Any
) -> None:
    registration = make_registration()
    StandardAtService.objects.filter(epao=registration.epao).delete()
    from_file = epa_fields(registration).standard_code
    StandardAtService.objects.create(epao=registration.epao, reference="ST0071", lars_code=91)
    assert epa_fields(registration).standard_code == 91
    assert from_file != 91


def test_epa_date_of_a_pass_is_its_achievement_date_and_of_a_fail_its_last_assessment(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    make_claim: Callable[..., Any],
) -> None:
    # The service adds a Pass EPA on the certificate's achievement date unless one on that
    # date is there (CreateBatchCertificateHandler.CombineCertificateData): a pass dated
    # otherwise would show as two passes.
    registration = make_registration()
    passed = make_result(registration, "pass", on=date(2026, 9, 21))
    Result.objects.filter(pk=passed.pk).update(last_assessment_on=date(2026, 9, 15))
    passed.refresh_from_db()
    assert epa_date_of(passed) == date(2026, 9, 21)
    failed = make_result(make_registration(), "fail", on=date(2026, 9, 21))
    Result.objects.filter(pk=failed.pk).update(last_assessment_on=date(2026, 9, 15))
    failed.refresh_from_db()
    assert epa_date_of(failed) == date(2026, 9, 15)
    claimed = make_claim(make_registration(), achievement_date=date(2026, 9, 25))
    assert epa_date_of(claimed.result) == date(2026, 9, 25)
