"""The service's validators for certificates, message for message, in the service's order.

das-assessor-service ``src/SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/
Certificates/``: ``BatchCertificateRequestValidator.cs`` (included first by
``CreateBatchCertificateRequestValidator.cs`` and ``UpdateBatchCertificateRequestValidator.cs``),
``SubmitBatchCertificateRequestValidator.cs``, ``DeleteBatchCertificateRequestValidator.cs``,
``GetBatchCertificateValidator.cs``. FluentValidation runs the rules in the order they are
declared; a ``DependentRules`` block runs only when its rule passed; ``NotEmpty`` fails a null,
empty or blank string. The rules on the UKPRN ("The UKPRN should contain exactly 8 numbers",
"Specified UKPRN not found") always pass: the caller is the stand-in's one EPAO.
"""

from __future__ import annotations

import re
from datetime import datetime

from tests.standin.binding import CertificateRequest, SubmitRequest
from tests.standin.model import (
    DELETED,
    DRAFT,
    EARLIEST,
    FAIL,
    GRADES,
    PASS,
    PRINT_PROCESS_STATUSES,
    READY,
    SUBMITTED,
    TEMPORARILY_WITHDRAWN,
    WITHDRAWN,
    EpaDetails,
    Shared,
    State,
    ticks,
)

# BatchCertificateRequestValidator.cs: ContactPostCode ... Matches(...)
POSTCODE = re.compile(
    "^(([gG][iI][rR] {0,}0[aA]{2})|((([a-pr-uwyzA-PR-UWYZ][a-hk-yA-HK-Y]?[0-9][0-9]?)|"
    "(([a-pr-uwyzA-PR-UWYZ][0-9][a-hjkstuwA-HJKSTUW])|"
    "([a-pr-uwyzA-PR-UWYZ][a-hk-yA-HK-Y][0-9][abehmnprv-yABEHMNPRV-Y]))) {0,}"
    "[0-9][abd-hjlnp-uw-zABD-HJLNP-UW-Z]{2}))$"
)


def blank(text: str | None) -> bool:
    """string.IsNullOrWhiteSpace (what FluentValidation's NotEmpty refuses)."""
    return text is None or not text.strip()


def same(a: str | None, b: str | None) -> bool:
    """string.Equals(a, b, StringComparison.InvariantCultureIgnoreCase)."""
    if a is None or b is None:
        return a is b
    return a.lower() == b.lower()


def uln_in_range(uln: int) -> bool:
    """RuleFor(m => m.Uln).InclusiveBetween(1000000000, 9999999999)."""
    return 1000000000 <= uln <= 9999999999


def batch_certificate(
    state: State, m: CertificateRequest, shared: Shared, now: datetime
) -> list[str]:
    """BatchCertificateRequestValidator: what a create and an update both check."""
    errors: list[str] = []
    if blank(m.family_name):
        errors.append("Provide apprentice family name")
    if m.standard_code > 0:
        standard = state.catalogue.by_id(str(m.standard_code), m.data.version)
        if m.standard_reference and m.standard_reference != (
            standard.reference if standard else None
        ):
            shared.invalid_version_or_mismatch = True
            errors.append("StandardReference and StandardCode must be for the same Standard")
        if not shared.invalid_version_or_mismatch and standard is not None:
            options = state.options(standard.uid) or ()
            learner = state.learner(m.uln, m.standard_code)
            course_option = m.data.course_option
            if learner is not None and not blank(learner.course_option):
                course_option = learner.course_option
            if not options and m.data.course_option:
                errors.append(
                    "No course option available for this Standard and version. Must be empty"
                )
            elif options and not any(same(option, course_option) for option in options):
                listed = ", ".join(options)
                errors.append(
                    "Invalid course option for this Standard and version. Must be one of the "
                    f"following: {listed} where {listed} depends on the standard code, and can "
                    "be obtained with GET /api/v1/standard/options/"
                    f"{standard.lars_code}/{standard.version}"
                )
    else:
        errors.append("Provide a valid Standard")
    # "If Version specified but StandardUId not populated, must be invalid version"
    if (
        not blank(m.data.version)
        and blank(m.standard_uid)
        and not shared.invalid_version_or_mismatch
    ):
        shared.invalid_version_or_mismatch = True
        errors.append("Invalid version for Standard")
    if uln_in_range(m.uln):
        if m.standard_code > 0 and m.family_name:
            learner = state.learner(m.uln, m.standard_code)
            if learner is None or not same(learner.family_name, m.family_name):
                errors.append("ULN, FamilyName and Standard not found.")
            else:
                versions = state.approved_versions(m.standard_code)
                if not versions:
                    errors.append("Your organisation is not approved to assess this Standard")
                elif not (
                    shared.invalid_version_or_mismatch
                    or any(same(version, m.data.version) for version in versions)
                ):
                    errors.append(
                        "Your organisation is not approved to assess this Standard Version: "
                        f"{m.data.version or ''}"
                    )
    else:
        errors.append("ULN should contain exactly 10 numbers")
    errors += _postal_grade_and_date(m, now)
    return errors


def _postal_grade_and_date(m: CertificateRequest, now: datetime) -> list[str]:
    """The rules under RuleFor(m => m.CertificateData).NotEmpty().DependentRules(...)."""
    errors = []
    if blank(m.data.contact_name):
        errors.append("Provide a contact name")
    if blank(m.data.add_line1):
        errors.append("Provide an address")
    if blank(m.data.city):
        errors.append("Provide a city or town")
    if blank(m.data.postcode):
        errors.append("Provide a postcode")
    elif not POSTCODE.search(m.data.postcode or ""):
        errors.append("Provide a valid UK postcode")
    grade = m.data.overall_grade
    if blank(grade):
        errors.append("Select the grade achieved")
    elif same(grade, FAIL):
        errors.append(f"Cannot record a {FAIL} grade via API")
    elif not any(same(grade, known) for known in GRADES):
        listed = ", ".join(GRADES)
        errors.append(
            f"You must enter a valid grade. Must be one of the following: {listed}, where "
            f"{listed} can be obtained with /api/v1/certificate/grades"
        )
    achieved = m.data.achievement_date
    if achieved is None:
        errors.append("Provide the achievement date")
    elif ticks(achieved) < EARLIEST:
        errors.append("Achievement date cannot be before 01 01 2017")
    elif ticks(achieved) > now:
        errors.append("Achievement date cannot be in the future")
    return errors


def create_certificate(
    state: State, m: CertificateRequest, shared: Shared, now: datetime
) -> list[str]:
    """CreateBatchCertificateRequestValidator."""
    errors = batch_certificate(state, m, shared, now)
    if not blank(m.certificate_reference):
        return [*errors, "Certificate reference must be empty"]
    existing = state.certificate(m.uln, m.standard_code)
    learner = state.learner(m.uln, m.standard_code)
    if existing is not None and existing.status != DELETED:
        grade = existing.data.overall_grade
        if existing.epao_id != state.epao_id:
            errors.append("Your organisation is not the creator of the EPA")
        elif existing.status == DRAFT:
            if grade:
                errors.append(f"Certificate already exists: {existing.reference}")
        elif existing.status == SUBMITTED and not blank(grade) and same(grade, FAIL):
            pass  # "A submitted fail can be re-created"
        else:
            errors.append(f"Certificate already exists: {existing.reference}")
    if learner is None:
        return [*errors, f"Learner details for ULN: {m.uln} not found"]
    if learner.completion_status in (WITHDRAWN, TEMPORARILY_WITHDRAWN):
        errors.append("Cannot find the apprentice details")
    # SV-1253: the version and option held for the learner, compared trimmed and in capitals.
    if learner.version_confirmed and differs(learner.version, m.data.version):
        errors.append("Incorrect version for learner")
    if differs(learner.course_option, m.data.course_option):
        errors.append("Incorrect course option for learner")
    return errors


def differs(held: str | None, sent: str | None, *, exactly: bool = False) -> bool:
    """Both given (not blank) and different: trimmed, in capitals, or ``exactly`` as they are."""
    if held is None or sent is None or blank(held) or blank(sent):
        return False
    if exactly:
        return held != sent
    return held.strip().upper() != sent.strip().upper()


def update_certificate(
    state: State, m: CertificateRequest, shared: Shared, now: datetime
) -> list[str]:
    """UpdateBatchCertificateRequestValidator."""
    errors = batch_certificate(state, m, shared, now)
    if blank(m.certificate_reference):
        return [*errors, "Provide the certificate reference"]
    existing = state.certificate(m.uln, m.standard_code)
    if (
        existing is None
        or not same(existing.reference, m.certificate_reference)
        or existing.status == DELETED
    ):
        errors.append("Certificate not found")
    elif existing.epao_id != state.epao_id:
        errors.append("Your organisation is not the creator of this Certificate")
    elif existing.status == DRAFT:
        if not existing.data.overall_grade:
            errors.append("Certificate not found")
    elif existing.data.overall_grade == FAIL:
        errors.append("Certificate not found")
    else:
        errors.append(f"Certificate does not exist in {DRAFT} status")
    learner = state.learner(m.uln, m.standard_code)
    if learner is not None:
        # Compared exactly here, unlike on create.
        if learner.version_confirmed and differs(learner.version, m.data.version, exactly=True):
            errors.append("Incorrect version for learner")
        if differs(learner.course_option, m.data.course_option, exactly=True):
            errors.append("Incorrect course option for learner")
    return errors


def _learner_and_approval(state: State, uln: int, code: int, family_name: str | None) -> list[str]:
    """The ULN rule of the submit and delete validators (its message has no full stop)."""
    if not uln_in_range(uln):
        return ["ULN should contain exactly 10 numbers"]
    if code > 0 and family_name:
        learner = state.learner(uln, code)
        if learner is None or not same(learner.family_name, family_name):
            return ["ULN, FamilyName and Standard not found"]
        if not state.approved(code):
            return ["Your organisation is not approved to assess this Standard"]
    return []


def _code_and_reference(state: State, code: int, reference: str | None) -> list[str]:
    """StandardCode > 0, and a reference given must be the code's (GetStandardVersionById)."""
    if code <= 0:
        return ["Provide a valid Standard"]
    if reference:
        standard = state.catalogue.by_id(reference)
        if standard is None or standard.lars_code != code:
            return ["StandardReference and StandardCode must be for the same Standard"]
    return []


def submit_certificate(state: State, m: SubmitRequest) -> list[str]:
    """SubmitBatchCertificateRequestValidator."""
    errors = ["Provide apprentice family name"] if blank(m.family_name) else []
    errors += _code_and_reference(state, m.standard_code, m.standard_reference)
    errors += _learner_and_approval(state, m.uln, m.standard_code, m.family_name)
    if blank(m.certificate_reference):
        return [*errors, "Provide the certificate reference"]
    existing = state.certificate(m.uln, m.standard_code)
    if (
        existing is None
        or not same(existing.reference, m.certificate_reference)
        or existing.status == DELETED
    ):
        return [*errors, "Certificate not found"]
    if existing.epao_id != state.epao_id:
        return [*errors, "Your organisation is not the creator of this Certificate"]
    if existing.status == SUBMITTED or existing.status in PRINT_PROCESS_STATUSES:
        return [*errors, "Certificate has already been submitted"]
    if existing.status != DRAFT:
        return [*errors, f"Certificate is not in {READY} status"]
    data = existing.data
    # "is null": an empty string passes.
    mandatory = (
        data.learner_given_names,
        data.learner_family_name,
        data.contact_name,
        data.contact_organisation,
        data.contact_add_line1,
        data.contact_add_line4,
        data.contact_post_code,
        data.overall_grade,
        data.achievement_date,
    )
    if any(value is None for value in mandatory):
        errors.append("Certificate is missing mandatory data")
    learner = state.learner(m.uln, m.standard_code)
    if learner is not None:
        if learner.version_confirmed and differs(learner.version, data.version):
            errors.append("Certificate update is required as version has changed on Learner record")
        if differs(learner.course_option, data.course_option):
            errors.append(
                "Certificate update is required as course option has changed on Learner record"
            )
    return errors


def delete_certificate(
    state: State, uln: int, family_name: str, code: int, reference: str | None
) -> list[str]:
    """DeleteBatchCertificateRequestValidator (the standard comes from the path, looked up)."""
    errors = ["Provide apprentice family name"] if blank(family_name) else []
    errors += ["Provide a valid Standard"] if code <= 0 else []
    errors += _learner_and_approval(state, uln, code, family_name)
    if blank(reference):
        return [*errors, "Provide the certificate reference"]
    existing = state.certificate(uln, code)
    if existing is None or not same(existing.reference, reference):
        errors.append("Certificate not found")
    elif existing.epao_id != state.epao_id:
        errors.append("Your organisation is not the creator of this Certificate")
    elif existing.status == DRAFT:
        data = existing.data
        if not data.overall_grade and data.achievement_date is None and not data.contact_post_code:
            # "EPA created, but not gotten to Draft Certificate status as of yet."
            errors.append("Certificate not found.")
    elif existing.status != DELETED:
        errors.append("Cannot delete a submitted Certificate")
    return errors


def get_certificate(state: State, uln: int, family_name: str, code: int) -> list[str]:
    """GetBatchCertificateRequestValidator."""
    errors = ["Provide apprentice family name"] if blank(family_name) else []
    if code <= 0:
        errors.append("Provide a valid Standard")
    if not uln_in_range(uln):
        return [*errors, "ULN should contain exactly 10 numbers"]
    if code <= 0 or not family_name:
        return errors
    if state.certificate_named(uln, code, family_name, state.epao_id) is not None:
        return errors
    if not state.approved(code):
        errors.append("Your organisation is not approved to assess this Standard")
    existing = state.certificate(uln, code)
    learner = state.learner(uln, code)
    if existing is not None:
        if not same(existing.data.learner_family_name or "", family_name):
            errors.append("Cannot find apprentice with the specified Uln, FamilyName & Standard")
        elif not same(PASS, _latest_outcome(existing.data.epa_details)):
            errors.append("Cannot find certificate with the specified Uln, FamilyName & Standard")
    elif learner is None or not same(learner.family_name, family_name):
        errors.append("Cannot find apprentice with the specified Uln, FamilyName & Standard")
    return errors


def _latest_outcome(details: EpaDetails | None) -> str | None:
    """CertificateData.EpaDetails?.LatestEpaOutcome."""
    return details.latest_epa_outcome if details is not None else None
