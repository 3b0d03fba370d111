"""Realistic data for the acceptance tests against the independent stand-in (tests/standin).

Everything is built through OpenEPA's services as people would: the assessor records every
method of the specification, the EPAO admin releases the result (the release path publishes
the events that draft the claim and make the EPA record due), sets each standard's LARS code
once, records the apprentice's permission and marks the claim ready; a resit follows a fail
through :func:`openepa.results.reassessment.record_reassessment`; a withdrawal goes through
:func:`openepa.registration.lifecycle.withdraw`. The stand-in is given the learners the
training providers' ILR would hold (:meth:`tests.standin.service.StandIn.add_learner_for`).

The dates are fixed in 2026, all before the stand-in's today (it refuses an EPA date or an
achievement date in the future by the real clock): the gateway on 3 August, the assessments
on 15 September, the release on 21 September; a resit assessed on 12 October and released
on 19 October; withdrawals on 26 October. OpenEPA's own clock is frozen on the day of each
step, and back on the real today (after the appeal period) when claims are marked ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from tests.epa import accept, policy_without_sampling, record_method
from tests.results.test_reassessment_support import failing_criterion
from tests.standin.service import LoggedRequest, StandIn

from openepa.accounts.models import Organisation, User
from openepa.assessment.grading import grade_sitting
from openepa.assessment.sittings import current_sitting
from openepa.claims import services as claims
from openepa.claims.models import CertificateClaim
from openepa.claims.standards import set_lars_code
from openepa.kernel import clock
from openepa.registration import lifecycle
from openepa.registration.consent import record_consent_with_evidence
from openepa.registration.learner_checks import run_due_checks
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result
from openepa.results.reassessment import Agreement, record_reassessment
from openepa.results.release import release_result
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import rules_for

ASSESSED = date(2026, 9, 15)
RELEASED = date(2026, 9, 21)
RESIT_AGREED = date(2026, 9, 28)
RESIT_ASSESSED = date(2026, 10, 12)
RESIT_RELEASED = date(2026, 10, 19)
WITHDRAWN = date(2026, 10, 26)

#: The LARS codes the EPAO admin sets once per standard (the standard files give none).
LARS_CODES = {"ST0071": 296, "ST0072": 297}

MakeRegistration = Callable[..., Registration]


@contextmanager
def on(day: date) -> Iterator[None]:
    """OpenEPA's one clock frozen at noon on ``day`` (today and now) for the block."""
    today, now = clock.today, clock.now
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    clock.today = lambda: day  # type: ignore[assignment]
    clock.now = lambda: moment  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.today = today  # type: ignore[method-assign]
        clock.now = now  # type: ignore[method-assign]


def set_lars_codes(epao: Organisation, admin: User) -> None:
    """The EPAO admin sets the LARS code of each standard once, as on the standards page."""
    for reference, code in LARS_CODES.items():
        set_lars_code(
            epao,
            admin,
            reference=reference,
            lars_code=code,
            revision=0,
            reason="The LARS code of the standard on the Find apprenticeship training site",
        )


def methods_of(registration: Registration) -> list[str]:
    """The ids of the assessment methods of the registration's specification."""
    spec, _ = rules_for(registration.specification)
    return [method.id for method in spec.methods]


def release_now(registration: Registration, admin: User) -> Result:
    """Release the current sitting's result as the admin's page would (the engine's grade)."""
    sitting = current_sitting(registration)
    assert sitting is not None
    graded = grade_sitting(registration, sitting)
    result = release_result(
        registration.pk, admin, sitting_pk=sitting.pk, expected_grade=graded.overall.grade
    )
    registration.refresh_from_db()
    return result


def assess_and_release(
    registration: Registration,
    assessor: User,
    admin: User,
    *,
    failing: Iterable[str] = (),
    distinctions: int | None = None,
    methods: Iterable[str] | None = None,
    assessed_on: date = ASSESSED,
    released_on: date = RELEASED,
) -> Result:
    """Record and submit each method (those in ``failing`` fail), then release the result."""
    fails = set(failing)
    for method_id in methods if methods is not None else methods_of(registration):
        not_met = [failing_criterion(registration, method_id)] if method_id in fails else []
        record_method(
            registration,
            method_id,
            assessor,
            not_met=not_met,
            distinctions=distinctions,
            assessed_on=assessed_on,
        )
    with on(released_on):
        return release_now(registration, admin)


def resit(registration: Registration, assessor: User, admin: User, failed: Iterable[str]) -> Result:
    """A resit of the failed methods, agreed with the employer, passed and released."""
    with on(RESIT_AGREED):
        record_reassessment(
            registration,
            admin,
            Agreement(
                kind="resit",
                employer_agreed=True,
                employer_contact="Erin Employer",
                employer_agreed_on=RESIT_AGREED,
                attempts_agreed=2,
            ),
            based_on=1,
        )
    return assess_and_release(
        registration,
        assessor,
        admin,
        methods=failed,
        distinctions=0,
        assessed_on=RESIT_ASSESSED,
        released_on=RESIT_RELEASED,
    )


def withdraw(registration: Registration, admin: User, reason: str = "Left the employer") -> None:
    """The EPAO admin withdraws the registration on the withdrawal day."""
    registration.refresh_from_db()
    with on(WITHDRAWN):
        lifecycle.withdraw(registration, admin, reason=reason, revision=registration.revision)
    registration.refresh_from_db()


def consent(registration: Registration, admin: User) -> None:
    """The admin records the apprentice's written permission, with its evidence, today."""
    record_consent_with_evidence(
        registration,
        admin,
        clock.today(),
        "Signed permission form, kept in the apprentice's file at the EPAO",
    )


def claim_of(registration: Registration) -> CertificateClaim:
    """The claim the release drafted for the registration's achieved result."""
    return CertificateClaim.objects.get(registration=registration)


def make_ready(registration: Registration, admin: User) -> CertificateClaim:
    """Record the permission and mark the drafted claim ready (every check re-run).

    The look-ups waiting are asked first, as the worker or the sync would have: a claim is
    ready only once the service matched the apprentice.
    """
    run_due_checks()
    consent(registration, admin)
    claim = claim_of(registration)
    return claims.mark_ready(claim, admin, revision=claim.revision)


@dataclass
class Cohort:
    """The registrations of a scenario, by what happened to them."""

    passed: list[Registration] = field(default_factory=list)
    failed: list[Registration] = field(default_factory=list)
    resat: list[Registration] = field(default_factory=list)
    withdrawn: list[Registration] = field(default_factory=list)

    @property
    def everyone(self) -> list[Registration]:
        """Every registration of the cohort."""
        return self.passed + self.failed + self.resat + self.withdrawn

    @property
    def with_claims(self) -> list[Registration]:
        """The registrations whose claim is ready: the passes and the resits passed."""
        return self.passed + self.resat


SPECS = ("st0071-highfield", "st0071-nqual", "st0071-epakit", "st0072-excelme", "st0072-activeiq")


def build_cohort(
    standin: StandIn,
    make_registration: MakeRegistration,
    assessor: User,
    admin: User,
    *,
    passes: int,
    fails: int,
    resits: int,
    withdrawals_after_fail: int = 0,
    withdrawals_after_gateway: int = 0,
) -> Cohort:
    """A cohort spread over the five specifications of two standards, at the stand-in too.

    Passes alternate a distinction and a pass; every achieved result's claim is made ready
    with the apprentice's permission. Fails fail one method; a resit fails the observation of
    a Highfield EPA, then passes it at a resit. A withdrawal after a fail withdraws a failed
    registration; a withdrawal after the gateway withdraws a registration accepted at the
    gateway whose EPA had not started.
    """
    set_lars_codes(admin.epao, admin)
    policy_without_sampling(admin.epao)
    cohort = Cohort()
    for number in range(passes):
        spec_id = SPECS[number % len(SPECS)]
        registration = accept(make_registration(spec_id, family_name=f"Passer{number}"), assessor)
        standin.add_learner_for(registration)
        assess_and_release(
            registration, assessor, admin, distinctions=None if number % 2 == 0 else 0
        )
        cohort.passed.append(registration)
    for number in range(fails + withdrawals_after_fail):
        spec_id = SPECS[number % len(SPECS)]
        registration = accept(make_registration(spec_id, family_name=f"Failer{number}"), assessor)
        standin.add_learner_for(registration)
        failed_method = methods_of(registration)[-1]
        assess_and_release(registration, assessor, admin, failing=[failed_method])
        if number < fails:
            cohort.failed.append(registration)
        else:
            withdraw(registration, admin)
            cohort.withdrawn.append(registration)
    for number in range(resits):
        registration = accept(
            make_registration("st0071-highfield", family_name=f"Resitter{number}"), assessor
        )
        standin.add_learner_for(registration)
        assess_and_release(registration, assessor, admin, failing=["observation"])
        resit(registration, assessor, admin, ["observation"])
        cohort.resat.append(registration)
    for number in range(withdrawals_after_gateway):
        registration = accept(
            make_registration(SPECS[number % len(SPECS)], family_name=f"Leaver{number}"), assessor
        )
        standin.add_learner_for(registration)
        withdraw(registration, admin, reason="Left the apprenticeship after the gateway")
        cohort.withdrawn.append(registration)
    for registration in cohort.with_claims:
        make_ready(registration, admin)
    return cohort


# --- what a person types in the forms -------------------------------------------------------


def correction_form(registration: Registration, **changes: Any) -> dict[str, str]:
    """The correction form's POST data: the details as registered, with ``changes``."""
    apprentice = registration.apprentice
    values: dict[str, Any] = {
        "uln": apprentice.uln,
        "given_names": apprentice.given_names,
        "family_name": apprentice.family_name,
        "email": apprentice.email,
        "phone": apprentice.phone or "07700 900982",  # the form asks for one
        "reasonable_adjustments": registration.reasonable_adjustments,
        "address_line_1": registration.address_line_1,
        "address_line_2": registration.address_line_2,
        "town": registration.town,
        "postcode": registration.postcode,
        "revision": registration.revision,
        "reason": "The family name as on the apprentice's ILR record",
    }
    values.update(changes)
    data = {name: str(value) for name, value in values.items()}
    days: dict[str, date] = {
        "date_of_birth": apprentice.date_of_birth,
        "start_date": registration.start_date,
        "on_programme_end_date": registration.on_programme_end_date,
    }
    for name, day in days.items():
        data |= {f"{name}_day": str(day.day), f"{name}_month": str(day.month)}
        data[f"{name}_year"] = str(day.year)
    month = registration.planned_assessment_month
    data |= {
        "planned_assessment_month_month": str(month.month),
        "planned_assessment_month_year": str(month.year),
    }
    return data


def claim_form(claim: Any, **changes: Any) -> dict[str, str]:
    """The claim form's POST data: the claim as it is, with ``changes``."""
    values = {name: getattr(claim, name) for name in claims.EDITABLE_FIELDS}
    values.update(changes, revision=claim.revision, reason="As on the apprentice's ILR record")
    data = {name: "" if value is None else str(value) for name, value in values.items()}
    day = claim.achievement_date
    data |= {
        "achievement_date_day": str(day.day),
        "achievement_date_month": str(day.month),
        "achievement_date_year": str(day.year),
    }
    return data


def registration_form(
    specs: dict[str, SpecificationRecord], employer: Organisation, **changes: str
) -> dict[str, str]:
    """The registration form's POST data of Sam Taylor on Highfield's ST0071, with ``changes``."""
    data = {
        "uln": "1000000000",
        "given_names": "Sam",
        "family_name": "Taylor",
        "date_of_birth_day": "27",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2004",
        "email": "sam.taylor@example.org",
        "phone": "07700 900982",
        "employer": str(employer.pk),
        "specification": str(specs["st0071-highfield"].pk),
        "start_date_day": "6",
        "start_date_month": "1",
        "start_date_year": "2025",
        "on_programme_end_date_day": "30",
        "on_programme_end_date_month": "4",
        "on_programme_end_date_year": "2026",
        "planned_assessment_month_month": "6",
        "planned_assessment_month_year": "2040",
        "reasonable_adjustments": "",
        "address_line_1": "1 High Street",
        "address_line_2": "",
        "town": "London",
        "postcode": "LS1 4AP",
    }
    data.update(changes)
    return data


# --- reading the stand-in's log -------------------------------------------------------------


def batches_sent(standin: StandIn) -> list[LoggedRequest]:
    """The POST and PUT requests the stand-in answered (every batch OpenEPA sent)."""
    return [request for request in standin.requests if request.method in ("POST", "PUT")]


def refused_answers(request: LoggedRequest) -> list[dict[str, Any]]:
    """The items of a batch's answer that the service refused, with their messages."""
    if not isinstance(request.answer, list):
        return []
    return [item for item in request.answer if item.get("validationErrors")]


def due_items() -> list[ServiceItem]:
    """Every item at the service's door in OpenEPA: waiting to be sent."""
    return list(ServiceItem.objects.filter(state=ServiceItem.State.WAITING).order_by("pk"))
