"""What an EPAO admin does in OpenEPA about each message the assessment service answers with.

Pure Python. The apprenticeship assessment service refuses an EPA record or a certificate with
its own words (das-assessor-service-external-apiclient, README.md, "Where "message text"
is:"; das-assessor-service, ``src/SFA.DAS.AssessorService.Application.Api/Validators/
ExternalApi``). :func:`advice_for` turns one of them into what to do in OpenEPA and which page
fixes it:

- :data:`CLAIM`: the certificate claim (its copy of the learner, grade, date and address);
- :data:`REGISTRATION`: the registration's details ("Correct details": ULN, names);
- :data:`STANDARD`: the standard's LARS code, set once per standard (Settings);
- :data:`NOTHING`: nothing in OpenEPA fixes it (the learner's record at the service, the
  EPAO's approval), or OpenEPA already does what is needed.

The same message about the learner (a ULN, a family name) is fixed on the claim for a
certificate, which keeps its own copy, and in the registration's details for an EPA record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CLAIM = "claim"
REGISTRATION = "registration"
STANDARD = "standard"
NOTHING = "nothing"

EPA = "epa"
CERTIFICATE = "certificate"


@dataclass(frozen=True)
class Advice:
    """What to do about one message of the service, and the page that fixes it."""

    message: str
    what_to_do: str
    fix: str


# Each entry: a pattern matching the service's message (case ignored), what to do, and the
# page: a fix of "learner" means the claim for a certificate and the registration otherwise.
LEARNER = "learner"
_RULES: tuple[tuple[str, str, str], ...] = (
    # BatchCertificateRequestValidator.cs / BatchEpaRequestValidator.cs (Uln)
    (
        r"ULN should contain exactly 10 numbers",
        "Correct the ULN: ten digits, not starting with 0, as on the apprentice's individualised "
        "learner record (ILR).",
        LEARNER,
    ),
    (
        r"ULN, FamilyName and Standard not found\.?",
        "The service holds no learner with this ULN, family name and standard. Check the ULN "
        "and family name against the apprentice's ILR with the training provider (the family "
        "name must be spelt exactly, spaces included) and correct them.",
        LEARNER,
    ),
    (
        r"Provide apprentice family name",
        "Enter the apprentice's family name.",
        LEARNER,
    ),
    # CreateBatchCertificateRequestValidator.cs (LearnerDetails): withdrawn at the service
    (
        r"Cannot find the apprentice details",
        "The service holds the apprentice as withdrawn from the apprenticeship. Ask the "
        "training provider to check the completion status on the ILR; send again once it is "
        "corrected there.",
        NOTHING,
    ),
    (
        r"Incorrect version for learner",
        "The service holds another version of the standard for the learner, from the training "
        "provider's ILR; the version comes from the specification the apprentice is registered "
        "on and is not changed in OpenEPA. Ask the provider which version the apprentice is on "
        "and to correct the ILR if it is wrong; send again once it is corrected there.",
        NOTHING,
    ),
    (
        r"Incorrect course option for learner",
        "The course option differs from the one the service holds for the learner. Correct it "
        "to the one the service holds.",
        CLAIM,
    ),
    # Standard
    (
        r"Provide a valid Standard",
        "Set the standard's LARS code (the service's standard code) in Settings.",
        STANDARD,
    ),
    (
        r"StandardReference and StandardCode must be for the same Standard",
        "The LARS code set for this standard belongs to another standard. Correct it in Settings.",
        STANDARD,
    ),
    (
        r"Invalid version for Standard",
        "The service does not know this version of the standard (the version of the "
        "specification the apprentice is registered on, not changed in OpenEPA). Check the "
        "versions the service lists for the standard; send again once it holds this one.",
        NOTHING,
    ),
    (
        r"Your organisation is not approved to assess this Standard( version)?",
        "Your EPAO is not approved at the service for this standard or version: this is "
        "settled with the Education and Skills Funding Agency, not in OpenEPA. Send again once "
        "the approval is recorded there.",
        NOTHING,
    ),
    # Course option
    (
        r"No course option available for this Standard and version\. Must be empty",
        "The standard has no course options: clear the option on the claim.",
        CLAIM,
    ),
    (
        r"Invalid course option for this Standard and version\..*",
        "Choose one of the course options the service lists on the claim.",
        CLAIM,
    ),
    # Grade and date (BatchCertificateRequestValidator.cs)
    (
        r"Select the grade (the apprentice )?achieved",
        "Enter the overall grade on the claim.",
        CLAIM,
    ),
    (
        r"Cannot record a Fail grade via API",
        "A certificate is only for a pass: check the result and the claim's grade.",
        CLAIM,
    ),
    (
        r"You must enter a valid grade\..*",
        "Choose one of the service's grades on the claim.",
        CLAIM,
    ),
    (
        r"Provide the achievement date|Achievement date cannot be .*",
        "Correct the achievement date on the claim: from 1 January 2017 up to today.",
        CLAIM,
    ),
    # Postal contact
    (
        r"Provide a contact name|Provide an organisation|Provide an address|"
        r"Provide a city or town|Provide a postcode|Provide a valid UK postcode",
        "Complete the postal contact on the claim (contact name, organisation, address line 1, "
        "town or city and a UK postcode).",
        CLAIM,
    ),
    # EPA records (CreateBatchEpaRequestValidator.cs, UpdateBatchEpaRequestValidator.cs)
    (
        r"EPA Date cannot be .*",
        "The EPA date is the last assessment date of the sitting: check the dates recorded on "
        "the assessment records.",
        REGISTRATION,
    ),
    (
        r"Certificate already exists, cannot create EPA record",
        "The service already holds the certificate, which carries the EPA: nothing more is "
        "needed for this EPA record.",
        NOTHING,
    ),
    (
        r"Certificate already exists, cannot update EPA record",
        "The certificate was already created at the service, so its EPA cannot change there "
        "any more: correct the certificate claim (its grade) instead, before it is submitted.",
        CLAIM,
    ),
    (
        r"EPA not found|Certificate not found",
        "The service no longer holds this record (it was deleted there). Ask the service's "
        "support to restore it, or delete it from OpenEPA's records with their help.",
        NOTHING,
    ),
    (
        r"Your organisation is not the creator of (this|the) (EPA|Certificate)",
        "Another EPAO recorded this learner's EPA or certificate at the service: contact the "
        "service's support.",
        NOTHING,
    ),
    # Submit (SubmitBatchCertificateRequestValidator.cs)
    (
        r"Certificate has already been submitted|Certificate does not exist in Draft status",
        "The certificate was already submitted at the service: it can no longer be changed "
        "through the API.",
        NOTHING,
    ),
    (
        r"Certificate is not in Ready status|Certificate is missing mandatory data",
        "The certificate at the service lacks details it needs before it can be submitted: "
        "complete the claim (grade, achievement date, contact, organisation, address) and "
        "mark it ready again.",
        CLAIM,
    ),
    (
        r"Certificate update is required as (version|course option) has changed on Learner "
        r"record",
        "The learner's record at the service changed since the certificate was created: "
        "correct the claim's version or option to the service's, mark it ready and submit "
        "again.",
        CLAIM,
    ),
    (
        r"Invalid outcome: must be .*|Provide EPA Details|EPA reference must be empty|"
        r"Provide EPA reference|Provide the EPA reference|Certificate reference must be empty|"
        r"Provide the certificate reference",
        "OpenEPA sent a request the service could not take: report this message to whoever "
        "runs OpenEPA.",
        NOTHING,
    ),
)

_COMPILED = tuple(
    (re.compile(pattern, re.IGNORECASE), words, fix) for pattern, words, fix in _RULES
)


def advice_for(message: str, kind: str) -> Advice:
    """What to do in OpenEPA about the service's ``message`` on an item of ``kind``.

    ``kind`` is :data:`EPA` or :data:`CERTIFICATE`. A message about the learner is fixed on
    the claim for a certificate and in the registration's details for an EPA record. A
    message OpenEPA does not know is shown as it is, to be read.
    """
    text = message.strip()
    for pattern, words, fix in _COMPILED:
        if pattern.fullmatch(text):
            if fix == LEARNER:
                fix = CLAIM if kind == CERTIFICATE else REGISTRATION
            return Advice(text, words, fix)
    return Advice(
        text,
        "Read the service's message and correct what it names; the item is sent again as soon "
        "as it changes.",
        NOTHING,
    )
