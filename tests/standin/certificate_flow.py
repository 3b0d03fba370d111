"""What the service does with a certificate request once its validators have run.

das-assessor-service ``src/``:

- ``SFA.DAS.AssessorService.Application.Api/Controllers/ExternalApi/CertificateBatchController.cs``
  (finding or calculating the standard version, ``PopulateMissingFields``, validating, handling);
- ``SFA.DAS.AssessorService.Application.Api/Extensions/CertificateRequestExtensions.cs``;
- ``SFA.DAS.AssessorService.Application/Handlers/Standards/
  GetCalculatedStandardVersionForApprenticeshipHandler.cs``;
- ``SFA.DAS.AssessorService.Application/Handlers/ExternalApi/Certificates/*Handler.cs`` and
  ``_HelperClasses/CertificateHelpers.cs`` (``ApplyStatusInformation``, normalising names);
- ``SFA.DAS.AssessorService.Application.Api.External/Controllers/CertificateController.cs``
  (a Draft deemed Ready; a Printed certificate "WaitingForDelivery").
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from tests.standin import certificate_checks as checks
from tests.standin.binding import (
    CertificateFields,
    CertificateRequest,
    ServerError,
    certificate_request,
    submit_request,
)
from tests.standin.certificate_checks import blank, same
from tests.standin.jsonout import (
    CertificateView,
    Json,
    certificate_json,
    deemed_ready,
    props,
    uk_time,
)
from tests.standin.model import (
    AMEND,
    DELETE,
    DELETED,
    DELIVERED,
    DRAFT,
    FAIL,
    GRADES,
    NOT_DELIVERED,
    PASS,
    PRINT_PROCESS_STATUSES,
    PRINTED,
    READY,
    REPRINT,
    START,
    SUBMIT,
    SUBMITTED,
    Certificate,
    CertificateData,
    EpaDetails,
    EpaRecord,
    Learner,
    Shared,
    StandardVersion,
    State,
    parse_int,
    ticks,
    utc_now,
)

# --- the standard and version of a request ------------------------------------------------


def calculated_version(state: State, standard_id: str, uln: int) -> StandardVersion | None:
    """GetCalculatedStandardVersionForApprenticeshipHandler: the version the learner started on.

    The latest version of an unknown standard is null and ``standard.LarsCode`` then throws:
    the service answers 500 to a request naming no known standard and no version.
    """
    standard = state.catalogue.by_id(standard_id)
    if standard is None:
        raise ServerError("GetCalculatedStandardVersionForApprenticeship: standard not found")
    learner = state.learner(uln, standard.lars_code)
    if learner is None:
        return None
    for version in state.catalogue.versions(standard.lars_code):
        latest = version.latest_start_date
        if latest is None or learner.learn_start_date <= datetime.combine(latest, time()):
            return version
    return standard


def standard_for(
    state: State, version: str | None, standard_id: str, uln: int
) -> StandardVersion | None:
    """CertificateBatchController.GetOrCalculateStandardVersion."""
    if version:
        return state.catalogue.by_id(standard_id, version)
    return calculated_version(state, standard_id, uln)


def populate_missing(
    m: CertificateRequest, standard: StandardVersion | None, existing: Certificate | None
) -> None:
    """CertificateRequestExtensions.PopulateMissingFields."""
    if standard is None:
        return
    if m.standard_code < 1:
        m.standard_code = standard.lars_code
    elif not m.standard_reference:
        m.standard_reference = standard.reference
    if blank(m.data.version):
        if existing is not None:
            m.data.version = existing.data.version
            m.standard_uid = existing.standard_uid
        if blank(m.data.version):
            m.data.version = standard.version
            m.standard_uid = standard.uid
    else:
        m.standard_uid = standard.uid


def options_for_version(
    state: State, standard_id: str, version: str
) -> tuple[StandardVersion, tuple[str, ...]] | None:
    """StandardService.GetStandardOptionsByStandardIdAndVersion; None where the service's is.

    Only a LARS code or a 6-character reference is looked up; a version not found (``First()``
    throws, caught) or any other id gives null, which the external API answers 404.
    """
    lars = parse_int(standard_id)
    if lars is None and len(standard_id) != 6:
        return None
    standard = state.catalogue.by_id(standard_id, version)
    if standard is None:
        return None
    return standard, standard.options


# --- the handlers ---------------------------------------------------------------------------


def _normalise(value: str | None, known: tuple[str, ...]) -> str | None:
    """CertificateHelpers.NormalizeOverallGrade / NormalizeCourseOption: the known spelling."""
    return next((choice for choice in known if same(choice, value)), value)


def _add_epa(
    details: EpaDetails, achieved: datetime | None, outcome: str, *, pass_first: bool
) -> None:
    """The handlers' CombineCertificateData: the achievement date as an EPA, if not there yet."""
    if achieved is None or any(
        ticks(epa.epa_date) == ticks(achieved) and epa.epa_outcome == outcome
        for epa in details.epas
    ):
        return
    details.epas.append(EpaRecord(achieved, outcome))
    # Create orders by date; Update sorts passes before fails ("pass is the final state").
    ordered = sorted(
        details.epas,
        key=lambda epa: ((epa.epa_outcome != FAIL) if pass_first else True, ticks(epa.epa_date)),
        reverse=True,
    )
    details.latest_epa_date = ordered[0].epa_date
    details.latest_epa_outcome = ordered[0].epa_outcome


def _contact(
    data: CertificateData, fields: CertificateFields, options: tuple[str, ...] | None
) -> None:
    data.contact_name = fields.contact_name
    data.contact_organisation = fields.organisation
    data.department = fields.department
    data.contact_add_line1 = fields.add_line1
    data.contact_add_line2 = fields.add_line2
    data.contact_add_line3 = fields.add_line3
    data.contact_add_line4 = fields.city
    data.contact_post_code = fields.postcode
    data.achievement_date = fields.achievement_date
    data.course_option = _normalise(fields.course_option, options or ())
    data.overall_grade = _normalise(fields.overall_grade, GRADES)
    data.version = fields.version


def save(
    certificate: Certificate, action: str | None, at: datetime | None = None, username: str = "API"
) -> None:
    """CertificateRepository.UpdateStandardCertificate: print details cleared, a log kept."""
    if certificate.status != DELETED:
        certificate.deleted_at = None
    certificate.to_be_printed = None
    certificate.batch_number = None
    certificate.log(action, username, at)


def create(state: State, m: CertificateRequest) -> Certificate | None:
    """CreateBatchCertificateHandler: a new Draft, or the EPA's (or a deleted) one taken over."""
    learner = state.learner(m.uln, m.standard_code)
    if learner is None:
        return None
    standard = state.catalogue.by_uid(m.standard_uid)
    if standard is None:
        raise ServerError("CreateBatchCertificateHandler: standard.IfateReferenceNumber on null")
    options = state.options(m.standard_uid)
    certificate = state.certificate(m.uln, m.standard_code)
    epa = EpaDetails()
    if certificate is not None and certificate.data.epa_details is not None:
        epa = certificate.data.epa_details
    _add_epa(
        epa,
        m.data.achievement_date,
        FAIL if m.data.overall_grade == FAIL else PASS,
        pass_first=False,
    )
    data = _learner_data(learner, standard)
    data.epa_details = epa
    _contact(data, m.data, options)
    if certificate is None:
        reference = state.new_reference()
        epa.epa_reference = reference
        certificate = Certificate(
            uln=m.uln,
            standard_code=m.standard_code,
            standard_uid=m.standard_uid,
            reference=reference,
            status=DRAFT,
            data=data,
            epao_id=state.epao_id,
            provider_ukprn=learner.provider_ukprn,
        )
        state.certificates[(m.uln, m.standard_code)] = certificate
        certificate.log(START)
    else:
        epa.epa_reference = certificate.reference
        certificate.data = data
        certificate.standard_uid = m.standard_uid
        certificate.status = DRAFT
        save(certificate, START)
    return certificate


def _learner_data(learner: Learner, standard: StandardVersion) -> CertificateData:
    return CertificateData(
        learner_given_names=learner.given_names,
        learner_family_name=learner.family_name,
        learning_start_date=learner.learn_start_date,
        standard_reference=standard.reference,
        standard_name=standard.title,
        standard_level=standard.level,
        full_name=f"{learner.given_names} {learner.family_name}",
        provider_name=learner.provider_name,
    )


def update(state: State, m: CertificateRequest) -> Certificate:
    """UpdateBatchCertificateHandler: the request's fields over the certificate's learner data."""
    standard = state.catalogue.by_uid(m.standard_uid)
    options = state.options(m.standard_uid)
    certificate = state.certificate(m.uln, m.standard_code)
    if options is None or certificate is None or standard is None:
        raise ServerError("UpdateBatchCertificateHandler: NotFoundException")
    old = certificate.data
    epa = old.epa_details or EpaDetails()
    _add_epa(
        epa, m.data.achievement_date, FAIL if old.overall_grade == FAIL else PASS, pass_first=True
    )
    data = CertificateData(
        learner_given_names=old.learner_given_names,
        learner_family_name=old.learner_family_name,
        learning_start_date=old.learning_start_date,
        standard_reference=old.standard_reference,
        standard_name=standard.title,
        standard_level=old.standard_level,
        full_name=old.full_name,
        provider_name=old.provider_name,
        epa_details=epa,
    )
    _contact(data, m.data, options)
    epa.epa_reference = certificate.reference
    certificate.data = data
    certificate.standard_uid = m.standard_uid
    if certificate.status == DELETED:
        certificate.status = DRAFT
    save(certificate, AMEND)
    return certificate


def view(state: State, certificate: Certificate, *, include_logs: bool) -> CertificateView:
    """The certificate handed over: ApplyStatusInformation (created and submitted from the logs)."""
    logs = sorted(certificate.logs, key=lambda entry: entry.event_time, reverse=True)
    created = next((e for e in logs if e.status == DRAFT and e.action == START), None)
    submitted = next((e for e in logs if e.status == SUBMITTED), None)
    if submitted is not None and certificate.status == DRAFT:
        submitted = None
    delivered = None
    if include_logs:
        last = next((e for e in logs if e.status in (DELIVERED, NOT_DELIVERED)), None)
        delivered = (last.status, last.event_time) if last is not None else None
    reprint = certificate.status == REPRINT
    return CertificateView(
        reference=certificate.reference,
        status=certificate.status,
        uln=certificate.uln,
        standard_code=certificate.standard_code,
        provider_ukprn=certificate.provider_ukprn,
        data=certificate.data,
        created_at=uk_time(created.event_time) if created else None,
        created_by=created.username if created else certificate.created_by,
        submitted_at=uk_time(submitted.event_time) if submitted else None,
        submitted_by=submitted.username if submitted else None,
        printed_at=None if reprint else certificate.to_be_printed,
        printed_batch=None if reprint else certificate.batch_number,
        delivered=delivered,
    )


def found(
    state: State, uln: int, family_name: str, code: int, *, include_logs: bool
) -> CertificateView | None:
    """GetBatchCertificateHandler: the certificate a Get shows, or None (the API answers 204)."""
    certificate = state.certificate_named(uln, code, family_name)
    allowed = (DRAFT, SUBMITTED, *PRINT_PROCESS_STATUSES)
    if certificate is None or certificate.status not in allowed:
        return None
    shown = view(state, certificate, include_logs=include_logs)
    data = certificate.data
    latest = data.epa_details.latest_epa_outcome if data.epa_details else None
    if certificate.status != DRAFT and data.overall_grade == FAIL:
        return None
    if certificate.status == DRAFT and same(PASS, latest) and data.overall_grade is None:
        return None  # an EPA passed, but no certificate requested yet
    if certificate.epao_id != state.epao_id:
        if not state.approved(code):
            return None
        # RedactCertificateInformation: another EPAO's certificate of a shared standard.
        shown.reference = None
        shown.created_by = shown.created_at = shown.submitted_by = shown.submitted_at = None
        shown.printed_at = shown.printed_batch = None
        shown.data = CertificateData(
            learner_given_names=data.learner_given_names,
            learner_family_name=data.learner_family_name,
            standard_reference=data.standard_reference,
            standard_name=data.standard_name,
            standard_level=data.standard_level,
        )
    return shown


# --- the controllers ------------------------------------------------------------------------


def _answer(request_id: str | None, certificate: Json | None, errors: list[str]) -> Json:
    """Create/Update/SubmitCertificateResponse."""
    return props(
        ("requestId", request_id), ("certificate", certificate), ("validationErrors", errors)
    )


def create_or_update(state: State, items: list[dict[str, Any]], *, creating: bool) -> list[Json]:
    """POST / PUT api/v1/certificate: every item validated, then created or updated."""
    shared, now, answers = Shared(), utc_now(), []
    for item in items:
        m = certificate_request(item)
        standard = standard_for(state, m.data.version, m.standard_id(), m.uln)
        if standard is not None:
            populate_missing(m, standard, state.certificate(m.uln, standard.lars_code))
        check = checks.create_certificate if creating else checks.update_certificate
        errors = check(state, m, shared, now)
        shown = None
        if not errors:
            certificate = create(state, m) if creating else update(state, m)
            if certificate is not None:
                shown = certificate_json(view(state, certificate, include_logs=False))
        answers.append(_answer(m.request_id, shown, errors))
    for answer in answers:
        if deemed_ready(answer.get("certificate")):
            answer["certificate"]["status"]["currentStatus"] = READY
    return answers


def submit_all(state: State, items: list[dict[str, Any]]) -> list[Json]:
    """POST api/v1/certificate/submit (SubmitBatchCertificateHandler: Submitted, logged)."""
    answers = []
    for item in items:
        m = submit_request(item)
        standard = state.catalogue.by_id(m.standard_id())
        if standard is not None:
            m.standard_code, m.standard_reference = standard.lars_code, standard.reference
        errors = checks.submit_certificate(state, m)
        shown = None
        certificate = state.certificate(m.uln, m.standard_code) if not errors else None
        if certificate is not None:
            certificate.status = SUBMITTED
            save(certificate, SUBMIT)
            shown = certificate_json(view(state, certificate, include_logs=False))
        answers.append(_answer(m.request_id, shown, errors))
    return answers


def get_one(state: State, uln: int, family_name: str, standard_id: str) -> tuple[int, Json | None]:
    """GET api/v1/certificate/{uln}/{familyName}/{standard}: 200, 204 or 403."""
    standard = state.catalogue.by_id(standard_id)
    code = standard.lars_code if standard else 0
    errors = checks.get_certificate(state, uln, family_name, code)
    if errors:
        return 403, {"statusCode": 403, "message": "; ".join(errors)}
    shown = found(state, uln, family_name, code, include_logs=True)
    if shown is None:
        return 204, None
    answer = certificate_json(shown)
    if shown.status == PRINTED:
        answer["delivered"] = {"status": "WaitingForDelivery"}
    if shown.status not in PRINT_PROCESS_STATUSES:
        reference = answer["certificateData"].get("standard", {}).get("standardReference")
        version = (answer["certificateData"].get("learningDetails") or {}).get("version")
        if reference and version:
            options = options_for_version(state, reference, version)
            has_options = options is not None and bool(options[1])
            if deemed_ready(answer, has_options):
                answer["status"]["currentStatus"] = READY
    return 200, answer


def delete_one(
    state: State, uln: int, family_name: str, standard_id: str, reference: str
) -> tuple[int, Json | None]:
    """DELETE api/v1/certificate/{uln}/{familyName}/{standard}/{certificateReference}."""
    standard = state.catalogue.by_id(standard_id)
    code = standard.lars_code if standard else 0
    errors = checks.delete_certificate(state, uln, family_name, code, reference)
    if errors:
        return 403, {"statusCode": 403, "message": "; ".join(errors)}
    certificate = state.certificate(uln, code)
    if certificate is not None and certificate.status != DELETED:
        certificate.status = DELETED
        certificate.deleted_at = utc_now()
        certificate.log(DELETE, at=certificate.deleted_at)
    return 204, None
