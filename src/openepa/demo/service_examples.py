"""Demo data for the apprenticeship assessment service: what an EPAO sends there.

The demo EPAO gets, through the real services (the same calls the pages make), as if they had
happened over the last two months:

- apprentices who achieved their EPA weeks ago, whose permission to apply for the certificate
  is recorded and whose certificate claims are ready to send;
- an apprentice who failed, resat the failed method and passed (an EPA record of two EPAs,
  the second a resit), with a claim ready to send;
- an apprentice withdrawn after their EPA began (a Withdrawn EPA record).

The fail the assessment examples release (:mod:`openepa.demo.assessment`) is a Fail EPA record.
No LARS code is set (no source states the standards' codes): the records name each standard
by its reference, which the service accepts. Nothing is sent: without
``ASSESSMENT_SERVICE_URL`` the pages say sending is not configured and the exports hold these
records; pointed at a service, ``openepa manage assessment_service sync`` sends them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Organisation, User
from openepa.assessment.sittings import current_sitting
from openepa.claims.models import CertificateClaim
from openepa.claims.services import ClaimRefused, mark_ready, problems_of
from openepa.demo.assessment import clear_for_release, record_method, release_current, take_to
from openepa.demo.registrations import window_end_after
from openepa.kernel import clock, specs
from openepa.registration.consent import record_consent_with_evidence
from openepa.registration.lifecycle import withdraw
from openepa.registration.models import CertificateConsent, Registration
from openepa.results.reassessment import Agreement, record_reassessment

DEMO_EVIDENCE = "Demo data: the apprentice's signed permission form, kept in their EPA file."
ACHIEVED_SPECS = ("st0071-highfield", "st0072-activeiq", "st0071-nqual", "st0072-excelme")
RESIT_SPEC = "st0071-highfield"


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Run the services as if today were ``day``: the demo's history happened then.

    Every date OpenEPA decides on comes from :mod:`openepa.kernel.clock`, called through the
    module, so replacing its functions for the block dates everything in it. The moments keep
    their order: ``now`` runs on from 10:00 that day as the real clock does.
    """
    saved_today: Callable[[], date] = clock.today
    saved_now: Callable[[], datetime] = clock.now
    started = saved_now()
    base = timezone.make_aware(datetime.combine(day, time(10, 0)))
    clock.today = lambda: day
    clock.now = lambda: base + (timezone.now() - started)
    try:
        yield
    finally:
        clock.today = saved_today
        clock.now = saved_now


def _candidates(epao: Organisation, gateway_by: date) -> dict[str, list[Registration]]:
    """Apprentices with an assessor, past gateway by ``gateway_by``, with no record yet."""
    found: dict[str, list[Registration]] = {}
    for registration in (
        Registration.objects.filter(
            epao=epao,
            status=Registration.Status.GATEWAY_ACCEPTED,
            assessor__isnull=False,
            gateway_date__lte=gateway_by,
            assessment_records__isnull=True,
        )
        .select_related("specification", "apprentice", "assessor")
        .order_by("pk")[:500]
    ):
        found.setdefault(registration.specification.spec_id, []).append(registration)
    return found


def _gateway_passed_on(registration: Registration, day: date) -> None:
    """Date the apprentice's gateway ``day`` (the demo's history: they passed it then).

    The demo's registrations are made with recent gateways; an EPA weeks ago needs an earlier
    one, with the EPA window the specification gives it.
    """
    spec, _ = specs.rules_of(registration)
    registration.gateway_date = day
    registration.epa_window_end = window_end_after(spec, day)
    registration.save(update_fields=["gateway_date", "epa_window_end"])


def _people_of(registration: Registration, staff: dict[str, User]) -> dict[str, User]:
    """The registration's assessor, an IQA independent of them, and the demo admin."""
    assessor = registration.assessor
    assert assessor is not None
    if registration.iqa_id is None or registration.iqa_id == assessor.pk:
        registration.iqa = staff["iqa"]
        registration.save(update_fields=["iqa"])
    iqa = registration.iqa
    assert iqa is not None
    return {"admin": staff["admin"], "assessor": assessor, "iqa": iqa}


def _consent_and_ready(registration: Registration, admin: User) -> None:
    """Record the apprentice's permission with its evidence today, then mark the claim ready.

    (The demo's registrations were all made today, so the permission cannot be older.)
    """
    record_consent_with_evidence(registration, admin, clock.today(), DEMO_EVIDENCE)
    claim = CertificateClaim.objects.filter(registration=registration).order_by("-pk").first()
    if claim is None or problems_of(claim):
        return
    try:
        mark_ready(claim, admin, revision=claim.revision)
    except ClaimRefused:
        return


def _achieve(registration: Registration, people: dict[str, User], day: date) -> None:
    """Assess every method as passed three days before ``day`` and release it on ``day``."""
    with as_of(day):
        take_to(
            "released",
            registration,
            people["assessor"],
            people["iqa"],
            people["admin"],
            day - timedelta(days=3),
        )
    _consent_and_ready(registration, people["admin"])


def _fail_then_resit(registration: Registration, people: dict[str, User], today: date) -> None:
    """A fail released eight weeks ago, a resit of the failed method, passed and released."""
    assessor, iqa, admin = people["assessor"], people["iqa"], people["admin"]
    failed_on = today - timedelta(days=56)
    with as_of(failed_on):
        take_to("failed", registration, assessor, iqa, admin, failed_on - timedelta(days=3))
    agreed_on = failed_on + timedelta(days=7)
    with as_of(agreed_on):
        sitting = current_sitting(registration)
        record_reassessment(
            registration,
            admin,
            Agreement(
                kind="resit",
                employer_agreed=True,
                employer_contact="Demo employer contact",
                employer_agreed_on=agreed_on,
                attempts_agreed=2,
            ),
            based_on=sitting.number if sitting else None,
        )
    released_on = today - timedelta(days=35)
    with as_of(released_on):
        resit = current_sitting(registration)
        assert resit is not None
        for method_id in resit.methods:
            record_method(registration, method_id, assessor, on=released_on - timedelta(days=2))
        clear_for_release(registration, iqa)
        release_current(registration, admin)
    _consent_and_ready(registration, admin)


def _withdraw_after_epa_began(registration: Registration, people: dict[str, User]) -> None:
    """One method assessed, then the apprentice left: withdrawn after the EPA began."""
    spec, _ = specs.rules_of(registration)
    record_method(
        registration, spec.methods[0].id, people["assessor"], on=clock.today() - timedelta(days=5)
    )
    registration.refresh_from_db()
    withdraw(
        registration,
        people["admin"],
        reason="Demo: the apprentice left their employer after the first assessment.",
        revision=registration.revision,
    )


@transaction.atomic
def add_service_examples(epao: Organisation) -> None:
    """Add the assessment service's demo data to the demo EPAO (once only)."""
    if CertificateConsent.objects.filter(registration__epao=epao).exists():
        return
    staff = {
        "admin": User.objects.get(email="admin@demo-epao.example"),
        "iqa": User.objects.get(email="iqa@demo-epao.example"),
    }
    today = clock.today()
    pools = _candidates(epao, today - timedelta(days=7))
    for number, spec_id in enumerate(ACHIEVED_SPECS):
        pool = pools.get(spec_id) or []
        if pool:
            registration = pool.pop(0)
            _gateway_passed_on(registration, today - timedelta(days=60))
            _achieve(
                registration, _people_of(registration, staff), today - timedelta(days=40 + number)
            )
    resit_pool = pools.get(RESIT_SPEC) or []
    if resit_pool:
        registration = resit_pool.pop(0)
        _gateway_passed_on(registration, today - timedelta(days=75))
        _fail_then_resit(registration, _people_of(registration, staff), today)
    leaving = next((pool[0] for pool in pools.values() if pool), None)
    if leaving is not None:
        _withdraw_after_epa_began(leaving, _people_of(leaving, staff))
