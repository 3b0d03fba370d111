"""A claim as the readiness rules see it, gathered for one claim or a batch in a few queries.

What the rules need beyond the claim's own fields (:class:`~openepa.rules.claims.ClaimData`):

- the standard's LARS code, versions and course options (:mod:`openepa.claims.standards`);
- the learner the claim is compared with: when the service is configured and the apprentice
  was looked up, what the latest look-up (``LearnerCheck``, ``current``) found: "matched" the
  learner it holds, "not_found" none, "withdrawn" a learner withdrawn from the standard;
  otherwise (no look-up with an answer, or no service) the EPAO's apprentice with the ULN;
- whether the apprentice's written permission to apply for the certificate is in force
  (a ``CertificateConsent`` not withdrawn);
- the released grade, the grades the specification awards, the EPAO's appeal period and
  whether an appeal is open;
- whether the service refused the claim's certificate (:func:`refusals_of`): a refused claim
  fails a check until it is corrected.

:func:`problems_of_many` reads all of it for a batch of claims in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from openepa.accounts.models import EpaoPolicy
from openepa.accounts.policy import policy_of
from openepa.claims.models import CertificateClaim
from openepa.claims.standards import FactsCache, StandardInfo
from openepa.kernel import clock, service_client, specs
from openepa.registration.models import Apprentice, CertificateConsent, LearnerCheck
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Appeal
from openepa.results.reassessment import released_on
from openepa.rules import service
from openepa.rules.claims import (
    GRADE_WORDS,
    ClaimData,
    Problem,
    certificate_fields,
    claim_grades,
    claim_problems,
)
from openepa.rules.service import CertificateFields, HeldLearner

#: What a query of claims joins so that checking them reads no row twice.
RELATED = (
    "result",
    "registration",
    "registration__apprentice",
    "registration__specification",
)


def learner_of_check(check: LearnerCheck) -> tuple[HeldLearner | None, bool]:
    """The learner a look-up found, and whether it gave an answer to compare with.

    "matched": the learner the service holds (found with the family name asked);
    "not_found": none; "withdrawn": the learner, withdrawn from the standard; "name_differs":
    the learner under the family name the service holds. A look-up still waiting or that
    could not be made gives no answer: the claim is compared with OpenEPA's record instead.
    """
    outcome = check.outcome
    held = HeldLearner(
        family_name=check.family_name,
        given_names=check.held_given_names,
        completion_status=check.completion_status,
        version=check.held_version,
        course_option=check.held_course_option,
    )
    if outcome == LearnerCheck.Outcome.MATCHED:
        return held, True
    if outcome == LearnerCheck.Outcome.NOT_FOUND:
        return None, True
    if outcome == LearnerCheck.Outcome.WITHDRAWN:
        status = check.completion_status
        if status not in service.WITHDRAWN_COMPLETION:
            status = service.WITHDRAWN_COMPLETION[0]
        return HeldLearner(
            family_name=check.family_name,
            given_names=check.held_given_names,
            completion_status=status,
            version=check.held_version,
            course_option=check.held_course_option,
        ), True
    if outcome == LearnerCheck.Outcome.NAME_DIFFERS:
        if not check.held_family_name:
            return None, True
        return HeldLearner(
            family_name=check.held_family_name,
            given_names=check.held_given_names,
            completion_status=check.completion_status,
            version=check.held_version,
            course_option=check.held_course_option,
        ), True
    return None, False


@dataclass
class Context:
    """What a batch of claims needs beyond their rows, each read once."""

    configured: bool
    facts: FactsCache = field(default_factory=FactsCache)
    policies: dict[int, EpaoPolicy] = field(default_factory=dict)
    open_appeals: set[int] = field(default_factory=set)
    consents: set[int] = field(default_factory=set)
    checks: dict[int, LearnerCheck] = field(default_factory=dict)
    names: dict[tuple[int, str], str] = field(default_factory=dict)
    refusals: dict[int, Problem] = field(default_factory=dict)

    def policy(self, epao_id: int) -> EpaoPolicy:
        """The EPAO's policy, read once."""
        if epao_id not in self.policies:
            self.policies[epao_id] = policy_of(epao_id)
        return self.policies[epao_id]


def context_for(claims: Sequence[CertificateClaim], facts: FactsCache | None = None) -> Context:
    """Everything the claims' checks read, in a fixed number of queries."""
    context = Context(configured=service_client.configured(), facts=facts or FactsCache())
    if not claims:
        return context
    results = [claim.result_id for claim in claims]
    registrations = [claim.registration_id for claim in claims]
    context.open_appeals = set(
        Appeal.objects.filter(result_id__in=results, status__in=Appeal.OPEN).values_list(
            "result_id", flat=True
        )
    )
    context.consents = set(
        CertificateConsent.objects.filter(
            registration_id__in=registrations, withdrawn_at__isnull=True
        ).values_list("registration_id", flat=True)
    )
    if context.configured:
        for check in LearnerCheck.objects.filter(
            registration_id__in=registrations, current=True
        ).order_by("registration_id", "-requested_at", "-pk"):
            context.checks.setdefault(check.registration_id, check)
    context.refusals = refusals_of(registrations)
    others = {
        (claim.epao_id, claim.uln.strip())
        for claim in claims
        if claim.uln.strip() != claim.registration.apprentice.uln
    }
    if others:
        for epao_id, uln, name in (
            Apprentice.objects.filter(
                epao_id__in={epao for epao, _ in others}, uln__in={uln for _, uln in others}
            )
            .order_by("pk")
            .values_list("epao_id", "uln", "family_name")
        ):
            context.names.setdefault((epao_id, uln), name)
    return context


REFUSED = (
    "The assessment service refused the certificate: {messages}. Correct the claim (or what "
    "the service names) and mark it ready again; see the refused list for what to do"
)


def refusals_of(registrations: Sequence[int]) -> dict[int, Problem]:
    """The problem of each registration whose certificate the service refused (one query).

    A refused claim is not ready: it is neither exported nor submitted until corrected (a
    change to the claim puts the refusal aside, :func:`openepa.assessment_service.services.
    hold_certificate`).
    """
    rows = ServiceItem.objects.filter(
        registration_id__in=registrations,
        kind=ServiceItem.Kind.CERTIFICATE,
        state=ServiceItem.State.REFUSED,
    ).values_list("registration_id", "messages")
    return {
        registration: Problem(
            REFUSED.format(
                messages="; ".join(f"“{message}”" for message in messages or [])
                or "no message given"
            ),
            "claim",
        )
        for registration, messages in rows
    }


def _held(claim: CertificateClaim, context: Context) -> tuple[HeldLearner | None, bool]:
    check = context.checks.get(claim.registration_id)
    if check is not None:
        held, answered = learner_of_check(check)
        if answered:
            return held, True
    uln = claim.uln.strip()
    apprentice = claim.registration.apprentice
    if uln == apprentice.uln:
        return HeldLearner(family_name=apprentice.family_name), False
    name = context.names.get((claim.epao_id, uln))
    return (HeldLearner(family_name=name) if name is not None else None), False


def standard_of(claim: CertificateClaim, context: Context | None = None) -> StandardInfo:
    """The claim's standard as the service knows it."""
    cache = context.facts if context else FactsCache()
    return cache.info(claim.epao_id, claim.standard_reference)


def claim_data(claim: CertificateClaim, context: Context | None = None) -> ClaimData:
    """The claim as the rules see it."""
    context = context or context_for([claim])
    info = standard_of(claim, context)
    held, by_service = _held(claim, context)
    result_grade = GRADE_WORDS.get(claim.result.grade) if claim.result.achieved else None
    return ClaimData(
        uln=claim.uln,
        family_name=claim.family_name,
        given_names=claim.given_names,
        standard_reference=claim.standard_reference,
        version=claim.version,
        course_option=claim.option,
        overall_grade=claim.overall_grade,
        achievement_date=claim.achievement_date,
        recipient=claim.recipient,
        contact_name=claim.contact_name,
        department=claim.department,
        organisation=claim.organisation,
        address_line_1=claim.address_line_1,
        address_line_2=claim.address_line_2,
        address_line_3=claim.address_line_3,
        city=claim.city,
        postcode=claim.postcode,
        standard=info.facts,
        held=held,
        held_by_service=by_service,
        result_grade=result_grade,
        awarded_grades=claim_grades(specs.specification_of(claim.registration)),
        consent_in_force=claim.registration_id in context.consents,
        lars_code_conflict=info.conflict,
        lookup=(
            getattr(context.checks.get(claim.registration_id), "outcome", "none")
            if context.configured
            else ""
        ),
    )


def problems_with(claim: CertificateClaim, context: Context) -> list[Problem]:
    """Everything that stops the claim being marked ready today, with the context read."""
    policy = context.policy(claim.epao_id)
    problems = claim_problems(
        claim_data(claim, context),
        clock.today(),
        released_on(claim.result),
        policy.appeal_period_days,
        policy.claim_top_grade_immediately,
        claim.result_id in context.open_appeals,
    )
    refusal = context.refusals.get(claim.registration_id)
    return [*problems, refusal] if refusal else problems


def problems_of(claim: CertificateClaim) -> list[Problem]:
    """Everything that stops the claim being marked ready today."""
    return problems_with(claim, context_for([claim]))


def problems_of_many(
    claims: Sequence[CertificateClaim], facts: FactsCache | None = None
) -> dict[int, list[Problem]]:
    """The problems of each claim (by its id), read in a fixed number of queries."""
    context = context_for(claims, facts)
    return {claim.pk: problems_with(claim, context) for claim in claims}


def fields_of(claim: CertificateClaim, context: Context | None = None) -> CertificateFields:
    """The claim as the fields of the service's certificate request."""
    return certificate_fields(claim_data(claim, context))
