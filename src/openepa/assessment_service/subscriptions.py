"""What the assessment service keeps due when results, registrations and claims change.

Each handler runs inside the publisher's transaction and makes no request: it records what is
due (:mod:`openepa.assessment_service.services`), and the sending is enqueued once the
transaction commits.
"""

from __future__ import annotations

from openepa.assessment_service import services
from openepa.assessment_service.epa_records import epa_begun
from openepa.claims.events import (
    ClaimChanged,
    ClaimReady,
    ClaimSubmitRequested,
    LarsCodeChanged,
)
from openepa.kernel.events import subscribe
from openepa.registration.events import LearnerIdentityCorrected, RegistrationWithdrawn
from openepa.registration.service_models import ServiceItem
from openepa.results.events import ResultRegraded, ResultReleased


@subscribe(ResultReleased)
def epa_record_of_released_result(event: ResultReleased) -> None:
    """A released result (pass or fail) adds an EPA to the learner's EPA record."""
    services.keep_epa_record(event.result.registration)


@subscribe(ResultRegraded)
def epa_record_of_regraded_result(event: ResultRegraded) -> None:
    """A grade changed on appeal or amendment updates the EPA record's outcome."""
    services.keep_epa_record(event.result.registration)


@subscribe(RegistrationWithdrawn)
def epa_record_of_withdrawal(event: RegistrationWithdrawn) -> None:
    """A registration withdrawn after the gateway ends its EPA record with "Withdrawn"."""
    if epa_begun(event.registration):
        services.keep_epa_record(event.registration)


@subscribe(LearnerIdentityCorrected)
def epa_records_of_corrected_learner(event: LearnerIdentityCorrected) -> None:
    """A corrected ULN or family name goes into each EPA record already due or sent.

    The service finds the learner by them: a record it refused as "ULN, FamilyName and
    Standard not found." is so sent again with the corrected details. Once the service holds
    the certificate, it carries the EPA and takes no change of the EPA record ("Certificate
    already exists, cannot update EPA record", UpdateBatchEpaRequestValidator.cs): the
    certificate's details are corrected on its claim instead.
    """
    registrations = [registration.pk for registration in event.registrations]
    items = ServiceItem.objects.filter(registration__in=registrations)
    with_records = set(
        items.filter(kind=ServiceItem.Kind.EPA).values_list("registration_id", flat=True)
    )
    certified = set(
        items.filter(kind=ServiceItem.Kind.CERTIFICATE)
        .exclude(reference="")
        .values_list("registration_id", flat=True)
    )
    for registration in event.registrations:
        if registration.pk in with_records - certified:
            services.keep_epa_record(registration)


@subscribe(ClaimReady)
def certificate_of_ready_claim(event: ClaimReady) -> None:
    """A claim ready to send is created (or updated) at the service."""
    services.keep_certificate(event.claim)


@subscribe(ClaimChanged)
def certificate_of_changed_claim(event: ClaimChanged) -> None:
    """A claim changed: nothing of it is sent until it is ready again."""
    services.hold_certificate(event.claim)


@subscribe(ClaimSubmitRequested)
def certificates_to_submit(event: ClaimSubmitRequested) -> None:
    """An EPAO admin asked for the claims' certificates to be submitted."""
    services.request_submit(event.claims, event.requested_by)


@subscribe(LarsCodeChanged)
def payloads_of_new_lars_code(event: LarsCodeChanged) -> None:
    """The standard's LARS code was set: the records not yet accepted carry the new code."""
    services.refresh_standard(event.epao.pk, event.reference)
