"""EPA records and the learner lookup, as the service checks and keeps them.

das-assessor-service ``src/``:

- ``SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/Epas/*.cs`` and
  ``.../Learners/GetBatchLearnerRequestValidator.cs`` (the messages);
- ``SFA.DAS.AssessorService.Application.Api/Controllers/ExternalApi/EpaBatchController.cs``,
  ``LearnerBatchController.cs`` and ``Extensions/EpaRequestExtensions.cs``;
- ``SFA.DAS.AssessorService.Application/Handlers/ExternalApi/Epas/*Handler.cs``,
  ``_HelperClasses/EpaHelpers.cs``, ``Handlers/Staff/StartCertificateHandler.cs`` (an EPA
  record IS a Draft certificate: its reference is the certificate's; a Fail is a Submitted
  certificate graded Fail) and ``Learners/GetBatchLearnerHandler.cs``;
- ``SFA.DAS.AssessorService.Application.Api.External/Controllers/LearnerController.cs`` and
  ``AutoMapperProfiles/CreateBatchEpaResponseProfile.cs``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from tests.standin.binding import EpaRequest, ServerError, epa_request
from tests.standin.certificate_checks import blank, same, uln_in_range
from tests.standin.certificate_flow import calculated_version, certificate_json, found, save
from tests.standin.jsonout import Json, deemed_ready, learner_json, props
from tests.standin.model import (
    DELETE,
    DELETED,
    DRAFT,
    EARLIEST,
    EPA,
    EPA_OUTCOMES,
    FAIL,
    PRINT_PROCESS_STATUSES,
    READY,
    SUBMIT,
    SUBMITTED,
    TEMPORARILY_WITHDRAWN,
    WITHDRAWN,
    Certificate,
    CertificateData,
    EpaDetails,
    EpaRecord,
    Shared,
    StandardVersion,
    State,
    ticks,
    utc_now,
)

# --- validators -----------------------------------------------------------------------------


def batch_epa(
    state: State, m: EpaRequest, shared: Shared, now: datetime, *, updating: bool
) -> list[str]:
    """BatchEpaRequestValidator: what a create and an update both check."""
    errors = ["Provide apprentice family name"] if blank(m.family_name) else []
    if m.standard_code > 0:
        if m.standard_reference:
            standard = state.catalogue.by_id(m.standard_reference)
            if standard is None or standard.lars_code != m.standard_code:
                shared.invalid_version_or_mismatch = True
                errors.append("StandardReference and StandardCode must be for the same Standard")
    else:
        errors.append("Provide a valid Standard")
    if not blank(m.version) and blank(m.standard_uid) and not shared.invalid_version_or_mismatch:
        shared.invalid_version_or_mismatch = True
        errors.append("Invalid version for Standard")
    if not blank(m.course_option) and not blank(m.standard_uid):
        options = state.options(m.standard_uid)
        wanted = (m.course_option or "").lower()
        if not options:
            errors.append("No course option available for this Standard and version. Must be empty")
        elif all(option.lower().find(wanted) == -1 for option in options):
            # IndexOf: an option containing what was sent passes.
            valid = ",".join(options)
            errors.append(
                "Invalid course option for this Standard and version. Must be one of the "
                f"following: '{valid}' where '{valid}' depends on the standard code, and can be "
                f"obtained with GET /api/v1/standard/options/{m.standard_reference}/{m.version}"
            )
    if not uln_in_range(m.uln):
        errors.append("ULN should contain exactly 10 numbers")
    elif m.standard_code > 0 and m.family_name:
        errors += _learner(state, m, shared)
    # A create whose request has no epaDetails never gets here (see create_epa); an update's
    # EpaDetails always exists (UpdateBatchEpaRequestProfile's ForPath makes it).
    if (not updating and not m.has_epa_details) or not m.epas:
        errors.append("Provide EPA Details")
    else:
        for epa in m.epas:
            if epa is None:
                raise ServerError("a null EPA: epa.EpaDate throws")
            if ticks(epa["epaDate"]) < EARLIEST:
                errors.append("EPA Date cannot be before 01 01 2017")
            if ticks(epa["epaDate"]) > now:
                errors.append("EPA Date cannot be in the future")
            if not any(same(outcome, epa["epaOutcome"]) for outcome in EPA_OUTCOMES):
                errors.append("Invalid outcome: must be Pass, Fail or Withdrawn")
    return errors


def _learner(state: State, m: EpaRequest, shared: Shared) -> list[str]:
    learner = state.learner(m.uln, m.standard_code)
    if learner is None or not same(learner.family_name, m.family_name):
        return ["ULN, FamilyName and Standard not found."]
    if learner.completion_status in (WITHDRAWN, TEMPORARILY_WITHDRAWN):
        return ["Cannot find the apprentice details"]
    versions = state.approved_versions(m.standard_code)
    if not versions:
        return ["Your organisation is not approved to assess this Standard"]
    if not (shared.invalid_version_or_mismatch or any(same(v, m.version) for v in versions)):
        return [
            f"Your organisation is not approved to assess this Standard Version: {m.version or ''}"
        ]
    return []


def create_epa(state: State, m: EpaRequest, shared: Shared, now: datetime) -> list[str]:
    """CreateBatchEpaRequestValidator."""
    if not m.has_epa_details:
        # RuleFor(m => m.EpaDetails.EpaReference) on a null EpaDetails throws: 500.
        raise ServerError("CreateBatchEpaRequestValidator: EpaDetails is null")
    errors = batch_epa(state, m, shared, now, updating=False)
    existing = state.certificate(m.uln, m.standard_code)
    if existing is not None:
        submitted = existing.status not in (DRAFT, DELETED)
        failed = existing.data.overall_grade == FAIL
        latest = existing.data.epa_details.latest_epa_outcome if existing.data.epa_details else None
        if submitted and not failed:
            errors.append("Certificate already exists, cannot create EPA record")
        elif submitted or (existing.status == DRAFT and latest):
            errors.append("EPA already provided for the learner")
    return errors


def update_epa(state: State, m: EpaRequest, shared: Shared, now: datetime) -> list[str]:
    """UpdateBatchEpaRequestValidator."""
    errors = batch_epa(state, m, shared, now, updating=True)
    if blank(m.epa_reference):
        return [*errors, "Provide EPA reference"]
    existing = state.certificate(m.uln, m.standard_code)
    if existing is None or not same(existing.reference, m.epa_reference):
        return [*errors, "EPA not found"]
    if existing.epao_id != state.epao_id:
        return [*errors, "Your organisation is not the creator of this EPA"]
    data = existing.data
    if existing.status == DELETED:
        errors.append("EPA not found")
    elif existing.status == DRAFT:
        if not blank(data.overall_grade):
            errors.append("Certificate already exists, cannot update EPA record")
        if blank(data.epa_details.latest_epa_outcome if data.epa_details else None):
            errors.append("EPA not found")
    elif data.overall_grade != FAIL:  # "Submitted but a fail, can be updated."
        errors.append("Certificate already exists, cannot update EPA record")
    return errors


def delete_epa(state: State, uln: int, family_name: str, code: int, reference: str) -> list[str]:
    """DeleteBatchEpaRequestValidator (the standard from the path, looked up)."""
    errors = ["Provide apprentice family name"] if blank(family_name) else []
    errors += ["Provide a valid Standard"] if code <= 0 else []
    if not uln_in_range(uln):
        errors.append("ULN should contain exactly 10 numbers")
    elif code > 0 and family_name:
        learner = state.learner(uln, code)
        if learner is None or not same(learner.family_name, family_name):
            errors.append("ULN, FamilyName and Standard not found")
        elif not state.approved(code):
            errors.append("Your organisation is not approved to assess this Standard")
    if blank(reference):
        return [*errors, "Provide the EPA reference"]
    existing = state.certificate(uln, code)
    if existing is None or not same(existing.reference, reference):
        errors.append("EPA not found")
    elif existing.epao_id != state.epao_id:
        errors.append("Your organisation is not the creator of this EPA")
    elif existing.status not in (DELETED, DRAFT):
        grade = existing.data.overall_grade
        if grade and grade != FAIL:
            errors.append("Certificate already exists, cannot delete EPA record")
    return errors


# --- handlers -------------------------------------------------------------------------------


def populate_missing(
    m: EpaRequest, standard: StandardVersion | None, existing: Certificate | None
) -> None:
    """EpaRequestExtensions.PopulateMissingFields."""
    if standard is None:
        return
    if m.standard_code < 1:
        m.standard_code = standard.lars_code
    elif not m.standard_reference:
        m.standard_reference = standard.reference
    if blank(m.version):
        if existing is not None:
            m.version, m.standard_uid = existing.data.version, existing.standard_uid
        if blank(m.version):
            m.version, m.standard_uid = standard.version, standard.uid
    else:
        m.standard_uid = standard.uid


def proper_case(name: str) -> str:
    """CertificateNameCapitalisationService.ProperCase, simplified: each part capitalised.

    (The service also knows particles such as "de" and "bin" and many Mac exceptions.)
    """
    parts = re.split(r"([ \-'])", " ".join(name.split()))
    cased = [part[:1].upper() + part[1:].lower() for part in parts]
    return re.sub(r"\b(Mc|Mac)([a-z])", lambda m: m.group(1) + m.group(2).upper(), "".join(cased))


def _start(state: State, m: EpaRequest) -> Certificate:
    """StartCertificateHandler.CreateNewCertificate: a Draft with the learner's details."""
    learner = state.learner(m.uln, m.standard_code)
    if learner is None:
        raise ServerError("StartCertificateHandler: learner.UkPrn on null")
    given, family = learner.given_names, learner.family_name
    data = CertificateData(
        learner_given_names=proper_case(given)
        if given in (given.lower(), given.upper())
        else given,
        learner_family_name=proper_case(family)
        if family in (family.lower(), family.upper())
        else family,
        learning_start_date=learner.learn_start_date,
        provider_name=learner.provider_name,
        epa_details=EpaDetails(),
    )
    data.full_name = f"{data.learner_given_names} {data.learner_family_name}"
    standard = state.catalogue.by_uid(m.standard_uid) if not blank(m.standard_uid) else None
    if standard is not None:
        data.standard_name, data.standard_reference = standard.title, standard.reference
        data.standard_level, data.version = standard.level, standard.version
        if not blank(m.course_option):
            data.course_option = m.course_option
    else:
        latest = state.catalogue.versions(learner.std_code)[-1]
        data.standard_name, data.standard_reference = latest.title, latest.reference
    reference = state.new_reference()
    assert data.epa_details is not None
    data.epa_details.epa_reference = reference
    certificate = Certificate(
        uln=m.uln,
        standard_code=m.standard_code,
        standard_uid=standard.uid if standard else None,
        reference=reference,
        status=DRAFT,
        data=data,
        epao_id=state.epao_id,
        provider_ukprn=learner.provider_ukprn,
    )
    state.certificates[(m.uln, m.standard_code)] = certificate
    certificate.log("Start")
    return certificate


def _reset(certificate: Certificate) -> EpaDetails:
    """EpaHelpers.ResetCertificateData: the learner's details kept, everything else cleared."""
    old = certificate.data
    details = EpaDetails(epa_reference=certificate.reference)
    certificate.data = CertificateData(
        learner_given_names=old.learner_given_names,
        learner_family_name=old.learner_family_name,
        learning_start_date=old.learning_start_date,
        standard_reference=old.standard_reference,
        version=old.version,
        course_option=old.course_option,
        standard_name=old.standard_name,
        standard_level=old.standard_level,
        full_name=old.full_name,
        provider_name=old.provider_name,
        epa_details=details,
    )
    return details


def record_epas(state: State, m: EpaRequest, *, creating: bool) -> EpaDetails:
    """Create/UpdateBatchEpaHandler: the EPAs kept; a latest Fail submits a Fail certificate."""
    certificate = state.certificate(m.uln, m.standard_code)
    if certificate is None:
        if not creating:
            raise ServerError("UpdateBatchEpaHandler: NotFoundException")
        certificate = _start(state, m)
    else:
        _reset(certificate)
    details = certificate.data.epa_details
    assert details is not None
    if not creating:
        certificate.data.version = None if blank(m.version) else m.version
        certificate.data.course_option = None if blank(m.course_option) else m.course_option
    for epa in m.epas or []:
        outcome = next((o for o in EPA_OUTCOMES if same(o, epa["epaOutcome"])), epa["epaOutcome"])
        details.epas.append(EpaRecord(epa["epaDate"], outcome, epa["resit"], epa["retake"]))
    ordered = sorted(details.epas, key=lambda epa: ticks(epa.epa_date), reverse=True)
    latest = ordered[0] if ordered else None
    details.latest_epa_date = latest.epa_date if latest else None
    details.latest_epa_outcome = latest.epa_outcome if latest else None
    if latest is not None and same(latest.epa_outcome, FAIL):
        certificate.data.achievement_date, certificate.data.overall_grade = latest.epa_date, FAIL
        certificate.status, action = SUBMITTED, SUBMIT
    else:
        certificate.data.achievement_date = certificate.data.overall_grade = None
        certificate.status, action = DRAFT, EPA
    save(certificate, action)
    return details


# --- controllers ----------------------------------------------------------------------------


def create_or_update(state: State, items: list[dict[str, Any]], *, creating: bool) -> list[Json]:
    """POST / PUT api/v1/epa: each item's EPA reference, or its validation errors."""
    shared, now, answers = Shared(), utc_now(), []
    for item in items:
        m = epa_request(item)
        if m.version:
            standard = state.catalogue.by_id(m.standard_id(), m.version)
        else:
            standard = calculated_version(state, m.standard_id(), m.uln)
        existing = None
        if standard is not None and not creating:
            existing = state.certificate(m.uln, standard.lars_code)
        populate_missing(m, standard, existing)
        check = create_epa if creating else update_epa
        errors = check(state, m, shared, now)
        reference = None
        if not errors:
            reference = record_epas(state, m, creating=creating).epa_reference
        answers.append(
            props(
                ("requestId", m.request_id),
                ("epaReference", reference),
                ("validationErrors", errors),
            )
        )
    return answers


def delete_one(
    state: State, uln: int, family_name: str, standard_id: str, reference: str
) -> tuple[int, Json | None]:
    """DELETE api/v1/epa/...: the EPA details cleared and the certificate Deleted (204)."""
    standard = state.catalogue.by_id(standard_id)
    code = standard.lars_code if standard else 0
    errors = delete_epa(state, uln, family_name, code, reference)
    if errors:
        return 403, {"statusCode": 403, "message": "; ".join(errors)}
    certificate = state.certificate(uln, code)
    if certificate is not None:
        certificate.data.epa_details = EpaDetails()
        save(certificate, EPA)
        if certificate.status != DELETED:
            certificate.status = DELETED
            certificate.deleted_at = utc_now()
            certificate.log(DELETE, at=certificate.deleted_at)
    return 204, None


def get_learner(
    state: State, uln: int, family_name: str, standard_id: str
) -> tuple[int, Json | None]:
    """GET api/v1/learner/...: GetBatchLearnerRequestValidator, handler and controller."""
    errors = ["Provide apprentice family name"] if blank(family_name) else []
    standard = state.catalogue.by_id(standard_id) if not blank(standard_id) else None
    if blank(standard_id):
        errors.append("Provide a Standard")
    elif standard is None:
        errors.append("Standard not found")
    if not uln_in_range(uln):
        errors.append("ULN should contain exactly 10 numbers")
    elif standard is not None and family_name:
        learner = state.learner(uln, standard.lars_code)
        if learner is None or not same(learner.family_name, family_name):
            errors.append("ULN, FamilyName and Standard not found")
        elif not state.approved(standard.lars_code):
            errors.append("Your organisation is not approved to assess this Standard")
    if errors:
        return 403, {"statusCode": 403, "message": "; ".join(errors)}
    assert standard is not None
    learner = state.learner(uln, standard.lars_code)
    assert learner is not None
    held = state.certificate_named(uln, standard.lars_code, family_name)
    shown = found(state, uln, family_name, standard.lars_code, include_logs=False)
    certificate = certificate_json(shown) if shown is not None else None
    if certificate is not None:
        if deemed_ready(certificate):
            certificate["status"]["currentStatus"] = READY
        elif certificate["status"]["currentStatus"] in PRINT_PROCESS_STATUSES:
            certificate["status"]["currentStatus"] = SUBMITTED
    # The learner's version and option are the certificate's, not the ILR's.
    held_version = held.data.version if held else None
    held_option = held.data.course_option if held else None
    shown_details = (certificate or {}).get("certificateData", {}).get("learningDetails") or {}
    provider_is_epao = learner.provider_ukprn == state.ukprn
    return 200, learner_json(
        learner,
        standard,
        provider_name=state.epao_name if provider_is_epao else "Unknown",
        provider_ukprn=learner.provider_ukprn,
        version=held_version or shown_details.get("version") or None,
        course_option=held_option or shown_details.get("courseOption") or None,
        epa_details=held.data.epa_details if held and held.status != DELETED else None,
        certificate=certificate,
    )
