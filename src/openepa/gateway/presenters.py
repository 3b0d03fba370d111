"""What the gateway pages show, built from the records: task rows, links, each page's context.

The views fetch, authorise, call a service and render; the context each template reads is
built here from the registration, its components and the specification, so the views stay
thin and what a page shows is decided in one place.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openepa.accounts.models import User
from openepa.gateway.components import OPEN, state_problem
from openepa.gateway.models import GatewayComponent, ProjectProposal
from openepa.gateway.overview import (
    current_attempt,
    current_signatures,
    latest_submission,
    overview,
    requirement_source,
)
from openepa.gateway.portfolio import active_pieces, coverage
from openepa.gateway.proposal import may_decide_proposal, proposal_approver, proposals_of
from openepa.gateway.wording import EVIDENCE_TYPE_LABELS, party_list, subject_of
from openepa.kernel import specs
from openepa.registration.access import party_of
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.rules.dates import describe
from openepa.rules.labels import party_label, party_words
from openepa.rules.model import Specification

Status = GatewayComponent.Status

#: The GOV.UK tag class of each status.
TAGS = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.IN_PROGRESS: "govuk-tag--light-blue",
    Status.SUBMITTED: "govuk-tag--yellow",
    Status.REJECTED: "govuk-tag--red",
    Status.ACCEPTED: "govuk-tag--green",
}

#: The kinds of file an upload field offers to choose from.
ACCEPT = ".pdf,.docx,.txt,.png,.jpg,.jpeg"


def tag_of(component: GatewayComponent) -> str:
    """The GOV.UK tag class of the component's status."""
    return TAGS[Status(component.status)]


def task_url(component: GatewayComponent, party: str | None = None) -> str:
    """The page a task-list link opens for the viewer.

    The EPAO admin goes to the review of a submitted component; otherwise the portfolio, the
    proposal, the declaration or the component's own page.
    """
    args = [component.registration_id, component.pk]
    if component.uses == "project_proposal":
        return reverse("gateway:proposal", args=args)
    if party == "epao" and component.status == Status.SUBMITTED:
        return reverse("gateway:review", args=args)
    if component.uses == "portfolio":
        return reverse("gateway:portfolio", args=args)
    if component.evidence == "declaration":
        return reverse("gateway:sign", args=args)
    return reverse("gateway:component", args=args)


def your_part(
    component: GatewayComponent, party: str | None, signed: set[str], may_decide: bool
) -> str:
    """What the viewer can do on a component now, in words, or an empty string."""
    status = component.status
    if party in component.submitted_by and status in OPEN:
        if component.evidence == "declaration":
            return "" if party in signed else "sign the declaration"
        if component.uses == "portfolio":
            return "add pieces of evidence and submit the portfolio"
        if component.uses == "project_proposal":
            return "write and submit the proposal"
        return "upload the evidence" if component.evidence == "upload" else "answer"
    if status == Status.SUBMITTED:
        if component.uses == "project_proposal":
            return "approve or reject the proposal" if may_decide else ""
        if party == "epao":
            return "review the submission"
    return ""


def task_rows(
    components: list[GatewayComponent],
    party: str | None,
    may_decide: bool,
    proposals: list[ProjectProposal],
) -> list[dict[str, Any]]:
    """One task-list row per component, with what the viewer needs to read."""
    rows = []
    for component in components:
        latest = latest_submission(component)
        signatures = current_signatures(component) if component.evidence == "declaration" else []
        signed = {signature.party for signature in signatures}
        rows.append(
            {
                "component": component,
                "url": task_url(component, party),
                "tag": tag_of(component),
                "parties": party_list(component.submitted_by),
                "latest": latest,
                "reason": latest.reason if latest and component.status == Status.REJECTED else "",
                "signatures": signatures,
                "waiting_for": party_list(p for p in component.submitted_by if p not in signed),
                "your_part": your_part(component, party, signed, may_decide),
                "proposal": proposals[0]
                if proposals and component.uses == "project_proposal"
                else None,
            }
        )
    return rows


# --- the overview, one component, signing and the review --------------------------------


def overview_page(user: User, registration: Registration) -> dict[str, Any]:
    """The gateway task list of one apprentice as ``user`` sees it, with its checks and window."""
    data = overview(registration)
    party = party_of(user, registration)
    has_proposal = any(c.uses == "project_proposal" for c in data.components)
    proposals = proposals_of(registration) if has_proposal else []
    may_decide = has_proposal and may_decide_proposal(user, registration)
    return {
        "registration": registration,
        "data": data,
        "rows": task_rows(data.components, party, may_decide, proposals),
        "party": party,
        "party_label": party_words(party),
        "accepted": sum(1 for c in data.components if c.status == Status.ACCEPTED),
    }


def component_page(
    user: User, registration: Registration, item: GatewayComponent
) -> dict[str, Any]:
    """One component: what it asks for, who submits it, its status and every attempt."""
    spec, _ = specs.rules_of(registration)
    submissions = list(
        item.submissions.select_related("submitted_by", "decided_by", "file").order_by("-attempt")
    )
    signatures = list(item.signatures.select_related("user").order_by("attempt", "signed_at"))
    party = party_of(user, registration)
    signed = {s.party for s in signatures if s.attempt == current_attempt(item)}
    may_decide = item.uses == "project_proposal" and may_decide_proposal(user, registration)
    return {
        "registration": registration,
        "component": item,
        "tag": tag_of(item),
        "parties": party_list(item.submitted_by),
        "submissions": submissions,
        "signatures": signatures,
        "source": requirement_source(item, spec),
        "task_url": task_url(item),
        "your_part": your_part(item, party, signed, may_decide),
        "party": party,
        "epao": spec.epao.name,
    }


def submit_page(
    registration: Registration, item: GatewayComponent, spec: Specification, form: Any
) -> dict[str, Any]:
    """The upload or answer form of a component, with what the specification asks for."""
    return {
        "registration": registration,
        "component": item,
        "form": form,
        "problem": state_problem(item),
        "epao": spec.epao.name,
        "subject": subject_of(item),
        "source": requirement_source(item, spec),
        "accept": ACCEPT,
    }


def sign_page(
    registration: Registration, item: GatewayComponent, party: str | None, errors: list[str]
) -> dict[str, Any]:
    """A declaration: its words, who has signed (name, time, account) and whether ``party`` may."""
    spec, _ = specs.rules_of(registration)
    attempt = current_attempt(item)
    signatures = list(
        item.signatures.filter(attempt=attempt).select_related("user").order_by("signed_at")
    )
    by_party = {s.party: s for s in signatures}
    latest = item.submissions.order_by("-attempt").first()
    parties = [
        {"party": p, "label": party_label(p), "signature": by_party.get(p)}
        for p in item.submitted_by
    ]
    return {
        "registration": registration,
        "component": item,
        "parties": parties,
        "attempt": attempt,
        "errors": errors,
        "can_sign": party in item.submitted_by and item.status in OPEN and party not in by_party,
        "party_label": party_words(party),
        "problem": state_problem(item),
        "source": requirement_source(item, spec),
        "tag": tag_of(item),
        "rejection": latest if latest and item.status == Status.REJECTED else None,
        "party": party,
    }


def review_page(registration: Registration, item: GatewayComponent, form: Any) -> dict[str, Any]:
    """The latest submission of a component as the EPAO admin reviews it."""
    spec, _ = specs.rules_of(registration)
    latest = (
        item.submissions.select_related("submitted_by", "decided_by", "file")
        .order_by("-attempt")
        .first()
    )
    signatures = []
    if latest is not None and item.evidence == "declaration":
        signatures = list(
            item.signatures.filter(attempt=latest.attempt)
            .select_related("user")
            .order_by("signed_at")
        )
    pieces = active_pieces(registration) if item.uses == "portfolio" else []
    return {
        "registration": registration,
        "component": item,
        "latest": latest,
        "signatures": signatures,
        "pieces": pieces,
        "types": EVIDENCE_TYPE_LABELS,
        "form": form,
        "tag": tag_of(item),
        "parties": party_list(item.submitted_by),
        "epao": spec.epao.name,
        "waiting": item.status == Status.SUBMITTED,
    }


# --- the portfolio and the proposal -----------------------------------------------------


def portfolio_page(
    registration: Registration, item: GatewayComponent, party: str | None, errors: list[str]
) -> dict[str, Any]:
    """The portfolio: its pieces against the specification's range, the matrix and coverage."""
    spec, standard = specs.rules_of(registration)
    rules = spec.evidence.portfolio
    pieces = active_pieces(registration)
    low, high = gateway_rules.portfolio_range(rules)
    return {
        "registration": registration,
        "component": item,
        "rules": rules,
        "pieces": pieces,
        "types": EVIDENCE_TYPE_LABELS,
        "coverage": coverage(spec, standard, pieces),
        "count_problem": gateway_rules.portfolio_count_problem(len(pieces), rules, spec.epao.name),
        "low": low,
        "high": high,
        "errors": errors,
        "may_edit": party in item.submitted_by and item.status in OPEN,
        "problem": state_problem(item),
        "tag": tag_of(item),
        "epao": spec.epao.name,
        "parties": party_list(item.submitted_by),
        "party": party,
    }


def piece_add_page(
    registration: Registration, item: GatewayComponent, spec: Specification, unit: str, form: Any
) -> dict[str, Any]:
    """The form adding a piece to the portfolio, with the types the specification excludes."""
    rules = spec.evidence.portfolio
    excluded = rules.excluded_types if rules else []
    return {
        "registration": registration,
        "component": item,
        "form": form,
        "unit": unit,
        "excluded": excluded,
        "epao": spec.epao.name,
        "problem": state_problem(item),
        "accept": ACCEPT,
    }


def proposal_context(registration: Registration) -> dict[str, Any]:
    """What both proposal pages show: the wording, the resubmission rule and every proposal."""
    spec, _ = specs.rules_of(registration)
    rule = gateway_rules.proposal_resubmission_rule(spec)
    return {
        "wording": spec.evidence.project_proposal,
        "resubmission_rule": rule,
        "resubmission_length": describe(rule.at_most.unit, rule.at_most.value)
        if rule and rule.at_most
        else "",
        "proposals": proposals_of(registration),
        "approver": proposal_approver(spec),
        "epao": spec.epao.name,
    }


def latest_words(proposals: list[ProjectProposal]) -> tuple[str, int | None]:
    """The text and word count of the latest proposal, to start a revision from."""
    latest = proposals[0] if proposals else None
    if latest is None:
        return "", None
    return latest.text, latest.word_count


def proposal_page(
    user: User,
    registration: Registration,
    item: GatewayComponent,
    context: dict[str, Any],
    *,
    party: str | None,
    form: Any,
    words: int | None,
) -> dict[str, Any]:
    """The project proposal as ``user`` sees it: writing it, or the decisions made on it."""
    may_decide = may_decide_proposal(user, registration)
    return {
        **context,
        "registration": registration,
        "component": item,
        "form": form,
        "words": words,
        "may_write": party in item.submitted_by and item.status in OPEN,
        "may_decide": may_decide and item.status == Status.SUBMITTED,
        "problem": state_problem(item),
        "tag": tag_of(item),
    }


def proposal_review_page(
    user: User, registration: Registration, item: GatewayComponent, form: Any
) -> dict[str, Any]:
    """The proposal waiting for a decision, as the assessor (or an EPAO admin) decides it."""
    context = proposal_context(registration)
    proposals = context["proposals"]
    pending = (
        proposals[0]
        if proposals and proposals[0].decision == proposals[0].Decision.PENDING
        else None
    )
    return {
        **context,
        "registration": registration,
        "component": item,
        "form": form,
        "pending": pending,
        "tag": tag_of(item),
        "on_behalf": party_of(user, registration) == "epao",
    }
