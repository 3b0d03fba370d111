"""The gateway of one registration: its components, their evidence, reviews and confirmation.

Everything here is built from the specification the apprentice is registered on
(:func:`openepa.specifications.services.rules_for`): the requirements, who submits each, the
English and maths level, the portfolio's limits and excluded types, the proposal's word range,
the minimum time on programme and the EPA window. Nothing about one EPAO is written in code.

Each requirement is a :class:`GatewayComponent`. Its life:

- ``not_started`` → ``in_progress`` (a first signature, a first portfolio piece)
  → ``submitted`` (an upload or answer, the last signature of a declaration, the portfolio,
  the project proposal) → ``accepted`` (locked) or ``rejected`` (with a reason; the party
  submits again, and ``attempts`` counts every submission).
- The project proposal is decided by the assessor the specification names
  (``evidence.project_proposal.approved_by``): the registration's allocated assessor, or an
  EPAO admin while none is allocated. Approval accepts the component: the specification gives
  that decision to the assessor, so the EPAO does not review it a second time.

Every change is made under a row lock and a compare-and-swap on ``revision``, so two people
working on one component never overwrite each other: the second is told what happened. Every
submission, signature and decision is audited with its old and new values and its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.audit.services import record_event
from openepa.files.services import store_upload
from openepa.gateway.events import ComponentDecided, GatewayConfirmed, ProposalDecided
from openepa.gateway.models import (
    GatewayComponent,
    GatewaySubmission,
    PortfolioPiece,
    ProjectProposal,
    Signature,
)
from openepa.kernel import clock, events, specs
from openepa.kernel.uploads import ALL_KINDS, UploadRefused
from openepa.registration.access import party_of, registrations_for
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.rules.dates import describe
from openepa.rules.labels import ksb_refs, party_label, party_phrase, party_words
from openepa.rules.model import Method, Portfolio, Specification, Standard, TimeRule
from openepa.rules.words import count_words

Status = GatewayComponent.Status

#: The kinds of file accepted as gateway evidence, judged by content.
ALLOWED_KINDS: tuple[str, ...] = ALL_KINDS

#: The types of portfolio evidence a person chooses from, as (value, label).
EVIDENCE_TYPES: list[tuple[str, str]] = [
    ("witness_statement", "Witness statement"),
    ("observation_record", "Observation record"),
    ("customer_feedback", "Customer feedback"),
    ("manager_feedback", "Manager feedback"),
    ("product_evidence", "Product evidence"),
    ("progress_review", "Progress review"),
    ("development_plan", "Development plan"),
    ("professional_discussion_record", "Professional discussion record"),
    ("feedback_360", "360-degree feedback"),
    ("reflective_account", "Reflective account"),
    ("self_evaluation", "Self-evaluation"),
    ("other", "Other"),
]
EVIDENCE_TYPE_LABELS = dict(EVIDENCE_TYPES)

#: The levels a person may record for English or maths evidence.
LEVELS: list[tuple[int, str]] = [(1, "Level 1"), (2, "Level 2"), (3, "Level 3 or above")]

OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.REJECTED)
WORKABLE_REGISTRATION = (Registration.Status.REGISTERED, Registration.Status.GATEWAY)


class GatewayRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action the rules do not allow now, with a message saying why and what to do.

    ``field`` names the form field the message belongs to, if any.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ComponentChanged(GatewayRefused):
    """Someone else changed the record while this person was working on it."""


class GatewayNotReady(GatewayRefused):
    """The gateway cannot be confirmed yet; ``problems`` says every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The gateway cannot be confirmed yet: " + "; ".join(problems))
        self.problems = problems


# --- reading ----------------------------------------------------------------------------


def party_labels(parties: Iterable[str]) -> list[str]:
    """The parties' names as people read them ("Training provider"), from rules.labels."""
    return [party_label(party) for party in parties]


def party_list(parties: Iterable[str]) -> str:
    """Parties as one phrase: "apprentice, employer and training provider"."""
    return party_phrase(parties)


def components_of(registration: Registration) -> list[GatewayComponent]:
    """The registration's components in order, each with its submissions and signatures.

    The gateway components are built on first use if the registration has none yet.
    """
    queryset = (
        registration.gateway_components.order_by("position")
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=GatewaySubmission.objects.select_related(
                    "submitted_by", "decided_by", "file"
                ).order_by("-attempt"),
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("user").order_by("signed_at", "id"),
            ),
        )
        .select_related("accepted_by")
    )
    components = list(queryset)
    if not components:
        create_components(registration)
        components = list(queryset.all())
    return components


def awaiting_review(user: User) -> QuerySet[GatewayComponent]:
    """The components an EPAO admin has to decide: submitted, in the admin's scope.

    A project proposal is left out while an assessor is allocated (the assessor decides it).
    Each row carries ``waiting_since``, when its latest submission was made, and the
    registration with its apprentice, provider and employer, for a list in constant queries.
    """
    latest = GatewaySubmission.objects.filter(component=OuterRef("pk")).order_by("-attempt")
    return (
        GatewayComponent.objects.filter(
            registration__in=registrations_for(user), status=Status.SUBMITTED
        )
        .exclude(Q(uses="project_proposal") & Q(registration__assessor__isnull=False))
        .annotate(waiting_since=Subquery(latest.values("submitted_at")[:1]))
        .select_related(
            "registration__apprentice", "registration__provider", "registration__employer"
        )
        .defer("description", "registration__reasonable_adjustments")
    )


def latest_submission(component: GatewayComponent) -> GatewaySubmission | None:
    """The component's most recent submission (uses prefetched submissions when present)."""
    submissions = list(component.submissions.all())
    return max(submissions, key=lambda s: s.attempt) if submissions else None


def current_attempt(component: GatewayComponent) -> int:
    """The attempt being worked on: the next one while open, else the last submitted."""
    return component.attempts + 1 if component.status in OPEN else component.attempts


def current_signatures(component: GatewayComponent) -> list[Signature]:
    """The signatures of the attempt being worked on (uses prefetched signatures)."""
    attempt = current_attempt(component)
    return [s for s in component.signatures.all() if s.attempt == attempt]


def requirement_source(component: GatewayComponent, spec: Specification) -> Any:
    """The source (place and quote) of the component's requirement, if it is still there."""
    for requirement in spec.gateway.requirements:
        if requirement.id == component.requirement_id:
            return requirement.source
    return None


def active_pieces(registration: Registration) -> list[PortfolioPiece]:
    """The portfolio pieces not removed, in order, with their files."""
    return list(
        registration.portfolio_pieces.filter(removed_at__isnull=True)
        .select_related("file", "added_by")
        .order_by("number")
    )


def proposals_of(registration: Registration) -> list[ProjectProposal]:
    """Every project proposal of the registration, the latest first."""
    return list(
        registration.proposals.select_related("submitted_by", "decided_by").order_by("-attempt")
    )


def proposal_approver(spec: Specification) -> str:
    """Who decides the project proposal: the party the specification names, else the EPAO."""
    wording = spec.evidence.project_proposal
    return (wording.approved_by if wording and wording.approved_by else None) or "epao"


def may_decide_proposal(user: User, registration: Registration) -> bool:
    """Whether ``user`` approves or rejects this registration's project proposal.

    When the specification names the assessor, it is the registration's allocated assessor;
    while no assessor is allocated, an EPAO admin decides for the EPAO. Otherwise an EPAO
    admin decides.
    """
    party = party_of(user, registration)
    spec, _ = specs.rules_of(registration)
    if proposal_approver(spec) == "assessor":
        if registration.assessor_id is not None:
            return party == "assessor"
        return party == "epao"
    return party == "epao"


def subject_of(component: GatewayComponent) -> str:
    """The subject of an English or maths component as written mid-sentence ("maths")."""
    name = component.name
    return name if name.startswith("English") else name[:1].lower() + name[1:]


def level_problem(component: GatewayComponent, level: int | None, epao: str) -> str | None:
    """Why ``level`` does not meet the component's required level, or None."""
    if component.uses != "english_maths" or component.level is None:
        return None
    if level is None:
        return f"Select the level of {subject_of(component)} the evidence shows"
    if level < component.level:
        return (
            f"{epao} asks for level {component.level} {subject_of(component)}: "
            f"the evidence shows level {level}"
        )
    return None


# --- portfolio coverage -----------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """One KSB (or area) of the supported method and the pieces that evidence it."""

    id: str
    text: str
    pieces: list[int]

    @property
    def covered(self) -> bool:
        """Whether at least one piece evidences it."""
        return bool(self.pieces)


@dataclass(frozen=True)
class Coverage:
    """The portfolio matrix: the supported method's KSBs (or areas) against the pieces."""

    method: Method | None
    unit: str
    rows: list[CoverageRow]
    piece_numbers: list[int]

    @property
    def missing(self) -> list[CoverageRow]:
        """The KSBs (or areas) no piece evidences."""
        return [row for row in self.rows if not row.covered]


def mapping_choices(standard: Standard) -> tuple[str, list[tuple[str, str]]]:
    """What pieces are mapped to ("KSB" or "area") and the choices, from the standard."""
    if standard.ksbs:
        return "KSB", [(ksb.id, f"{ksb.id}: {ksb.text}") for ksb in standard.ksbs]
    return "area", [(area.id, area.name) for area in standard.areas]


def coverage(spec: Specification, standard: Standard, pieces: list[PortfolioPiece]) -> Coverage:
    """Which KSBs (or areas) assessed by the method the portfolio supports have evidence.

    The method's own ``ksbs`` if it lists them; otherwise the KSBs of its criteria; for a
    standard without KSBs (ST0072), the areas of its criteria.
    """
    portfolio = spec.evidence.portfolio
    method = next(
        (m for m in spec.methods if portfolio is not None and m.id == portfolio.supports), None
    )
    unit, choices = mapping_choices(standard)
    labels = dict(choices)
    wanted: list[str] = []
    if method is not None:
        if unit == "KSB":
            wanted = list(method.ksbs) or [k for c in method.criteria for k in c.ksbs]
            order = {ksb.id: i for i, ksb in enumerate(standard.ksbs)}
        else:
            wanted = [c.area for c in method.criteria]
            order = {area.id: i for i, area in enumerate(standard.areas)}
        wanted = sorted(set(wanted), key=lambda item: (order.get(item, len(order)), item))
    rows = []
    for item in wanted:
        numbers = [piece.number for piece in pieces if item in piece.ksbs]
        rows.append(CoverageRow(id=item, text=labels.get(item, item), pieces=numbers))
    return Coverage(
        method=method, unit=unit, rows=rows, piece_numbers=[piece.number for piece in pieces]
    )


# --- the overview -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The EPA window: its rule and, once the gateway is confirmed, its dates."""

    rule: TimeRule | None
    opened_on: date | None
    ends_on: date | None

    @property
    def length(self) -> str | None:
        """The window's length in words ("3 months"), if the specification sets one."""
        if self.rule is None or self.rule.at_most is None:
            return None
        return describe(self.rule.at_most.unit, self.rule.at_most.value)


@dataclass
class Overview:
    """Everything the gateway overview shows for one registration on one day."""

    registration: Registration
    spec: Specification
    components: list[GatewayComponent]
    checks: list[gateway_rules.TimeCheck]
    window: Window
    problems: list[str] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        """Whether the EPAO can confirm the gateway now."""
        return not self.problems


def window_of(registration: Registration, spec: Specification) -> Window:
    """The EPA window rule and dates of a registration."""
    return Window(
        rule=gateway_rules.epa_window_rule(spec),
        opened_on=registration.gateway_date,
        ends_on=registration.epa_window_end,
    )


def time_checks(
    registration: Registration, spec: Specification, on: date
) -> list[gateway_rules.TimeCheck]:
    """The gateway's time conditions for this apprentice, judged on ``on``."""
    return gateway_rules.time_checks(
        spec.gateway,
        start_date=registration.start_date,
        on_programme_end_date=registration.on_programme_end_date,
        on=on,
    )


def confirm_problems(
    registration: Registration,
    components: list[GatewayComponent],
    checks: list[gateway_rules.TimeCheck],
) -> list[str]:
    """Every reason the gateway cannot be confirmed, or an empty list."""
    if registration.status == Registration.Status.GATEWAY_ACCEPTED:
        confirmed = registration.gateway_date
        return [f"The gateway was already confirmed on {_day(confirmed) if confirmed else ''}"]
    if registration.status not in WORKABLE_REGISTRATION:
        return [
            f"The registration is {registration.get_status_display().lower()}: "
            "its gateway cannot be confirmed"
        ]
    problems = []
    for component in components:
        if component.required and component.status != Status.ACCEPTED:
            problems.append(
                f"{component.name} is not accepted yet ({component.get_status_display().lower()})"
            )
        elif not component.required and component.status == Status.SUBMITTED:
            problems.append(f"{component.name} is waiting for review: accept or reject it first")
    for check in checks:
        if not check.met:
            explanation = check.explanation[:1].lower() + check.explanation[1:]
            problems.append(f"{check.name} is not met: {explanation}")
    return problems


def overview(registration: Registration, *, on: date | None = None) -> Overview:
    """The gateway of one registration: components, time checks, window and what is missing."""
    day = on or clock.today()
    spec, _ = specs.rules_of(registration)
    components = components_of(registration)
    checks = time_checks(registration, spec, day)
    return Overview(
        registration=registration,
        spec=spec,
        components=components,
        checks=checks,
        window=window_of(registration, spec),
        problems=confirm_problems(registration, components, checks),
    )


# --- building the gateway ---------------------------------------------------------------


@transaction.atomic
def components_from_spec(registration: Registration, spec: Specification) -> list[GatewayComponent]:
    """Unsaved components, one per gateway requirement of ``spec``, in the spec's order."""
    return [
        GatewayComponent(
            registration=registration,
            requirement_id=requirement.id,
            position=position,
            name=requirement.name,
            description=requirement.description,
            evidence=requirement.evidence,
            uses=requirement.uses or "",
            submitted_by=list(requirement.submitted_by),
            level=requirement.level,
            required=requirement.required,
        )
        for position, requirement in enumerate(spec.gateway.requirements, start=1)
    ]


def create_components(
    registration: Registration, *, actor: User | None = None
) -> list[GatewayComponent]:
    """One component per gateway requirement of the registration's specification.

    Idempotent: requirements that already have a component are left as they are. The
    building of the gateway is audited once, listing the components made.
    """
    spec, _ = specs.rules_of(registration)
    existing = set(registration.gateway_components.values_list("requirement_id", flat=True))
    new = [
        component
        for component in components_from_spec(registration, spec)
        if component.requirement_id not in existing
    ]
    if new:
        GatewayComponent.objects.bulk_create(new, ignore_conflicts=True)
        record_event(
            actor=actor,
            epao=registration.epao,
            action="gateway.created",
            obj=registration,
            registration=registration,
            summary=(f"Gateway built from {spec.id}: " + ", ".join(c.name for c in new)),
            changes={
                "gateway components": (
                    sorted(existing),
                    sorted(existing | {c.requirement_id for c in new}),
                )
            },
        )
    return list(registration.gateway_components.order_by("position"))


# --- internal helpers -------------------------------------------------------------------


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _when(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _require_party(user: User, component: GatewayComponent) -> str:
    """The party ``user`` acts as, if it is one that submits ``component``; else 403."""
    party = party_of(user, component.registration)
    if party is None or party not in component.submitted_by:
        raise PermissionDenied(
            f"Only the {party_list(component.submitted_by)} can work on {component.name}"
        )
    return party


def _require_epao_admin(user: User, registration: Registration) -> None:
    if party_of(user, registration) != "epao":
        raise PermissionDenied("Only an EPAO admin can do this")


def _lock(component: GatewayComponent, revision: int | None) -> GatewayComponent:
    """The component as stored now, locked for this transaction.

    ``revision`` is the revision the person's page showed; if the component changed since,
    :class:`ComponentChanged` says who changed it and how.
    """
    fresh = GatewayComponent.objects.select_for_update().get(pk=component.pk)
    fresh.registration = component.registration
    status = (
        Registration.objects.filter(pk=component.registration_id)
        .values_list("status", flat=True)
        .get()
    )
    registration = component.registration
    registration.status = status
    if status == Registration.Status.GATEWAY_ACCEPTED:
        raise GatewayRefused(
            f"The gateway of {registration.apprentice.full_name} is already confirmed: "
            "its components can no longer be changed"
        )
    if status not in WORKABLE_REGISTRATION:
        raise GatewayRefused(
            f"{registration.apprentice.full_name}'s registration is "
            f"{Registration.Status(status).label.lower()}: the gateway cannot be changed"
        )
    if revision is not None and fresh.revision != revision:
        raise ComponentChanged(_changed_message(fresh))
    return fresh


CHANGE_VERBS = {
    "gateway.submitted": "submitted",
    "gateway.signed": "signed",
    "gateway.accepted": "accepted",
    "gateway.rejected": "rejected",
    "gateway.piece_added": "added a piece to",
    "gateway.piece_removed": "removed a piece from",
    "gateway.proposal_submitted": "submitted",
    "gateway.proposal_approved": "approved",
    "gateway.proposal_rejected": "rejected",
}


def _changed_message(component: GatewayComponent) -> str:
    """What someone else did to the component, for the person whose page is out of date."""
    event = (
        AuditEvent.objects.filter(
            object_type=GatewayComponent._meta.label, object_id=str(component.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    status = component.get_status_display().lower()
    if event is None:
        done = f"Someone else changed {component.name}"
    else:
        who = event.actor.full_name if event.actor else "Someone else"
        verb = CHANGE_VERBS.get(event.action, "changed")
        done = f"{who} {verb} {component.name} at {_when(event.at)}"
    return (
        f"{done} while you were working on it: it is now {status}. "
        "Check the page below and try again if you still need to"
    )


def _save(component: GatewayComponent, **fields: Any) -> None:
    """Compare-and-swap: change ``fields`` only if the revision is still the one read."""
    expected = component.revision
    updated = GatewayComponent.objects.filter(pk=component.pk, revision=expected).update(
        revision=expected + 1, **fields
    )
    if not updated:
        raise ComponentChanged(_changed_message(component))
    for name, value in fields.items():
        setattr(component, name, value)
    component.revision = expected + 1


def state_problem(component: GatewayComponent) -> str | None:
    """Why a component cannot be submitted or changed now, or None."""
    if component.status == Status.ACCEPTED:
        when = f" on {_when(component.accepted_at)}" if component.accepted_at else ""
        return f"{component.name} was accepted{when}: it is locked and cannot be changed"
    if component.status == Status.SUBMITTED:
        return (
            f"{component.name} has been submitted and is waiting for review: "
            "it cannot be changed until it is reviewed"
        )
    return None


def _start_gateway(registration: Registration, actor: User) -> None:
    """Move the registration from registered to gateway when its gateway is first worked on."""
    updated = Registration.objects.filter(
        pk=registration.pk, status=Registration.Status.REGISTERED
    ).update(
        status=Registration.Status.GATEWAY,
        revision=F("revision") + 1,
        updated_at=clock.now(),
    )
    if updated:
        registration.status = Registration.Status.GATEWAY
        registration.revision += 1
        record_event(
            actor=actor,
            epao=registration.epao,
            action="registration.status_changed",
            obj=registration,
            registration=registration,
            summary=f"Gateway started for {registration.apprentice.full_name}",
            changes={"status": (Registration.Status.REGISTERED, Registration.Status.GATEWAY)},
        )


def _audit(
    actor: User,
    component: GatewayComponent,
    action: str,
    summary: str,
    changes: dict[str, tuple[Any, Any]],
    reason: str = "",
) -> None:
    registration = component.registration
    record_event(
        actor=actor,
        epao=registration.epao,
        action=action,
        obj=component,
        registration=registration,
        summary=summary,
        changes=changes,
        reason=reason,
    )


def _store(upload: UploadedFile[bytes], registration: Registration, user: User) -> Any:
    try:
        return store_upload(upload, registration=registration, user=user, allowed=ALLOWED_KINDS)
    except UploadRefused as refusal:
        raise GatewayRefused(str(refusal), field="file") from None


# --- uploads and answers ----------------------------------------------------------------


@transaction.atomic
def submit_evidence(
    component: GatewayComponent,
    user: User,
    *,
    revision: int,
    upload: UploadedFile[bytes] | None = None,
    note: str = "",
    level: int | None = None,
) -> GatewaySubmission:
    """Submit an upload, or an answer (``note`` is the answer), for the EPAO's review.

    An upload may carry a note and, for English or maths, the level achieved. Refused for
    the wrong party (403), a component waiting for review or accepted, a level below the one
    the specification asks for, a missing answer or file, or a file that is too large or not
    what it claims to be.
    """
    party = _require_party(user, component)
    if component.evidence not in ("upload", "answer") or component.uses in (
        "portfolio",
        "project_proposal",
    ):
        raise GatewayRefused(f"{component.name} is not submitted with this form")
    fresh = _lock(component, revision)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    spec, _ = specs.rules_of(component.registration)
    note = note.strip()
    if component.evidence == "answer" and not note:
        raise GatewayRefused(f"Enter your answer for {component.name}", field="answer")
    problem = level_problem(fresh, level, spec.epao.name)
    if problem:
        raise GatewayRefused(problem, field="level")
    stored = None
    if component.evidence == "upload":
        if upload is None:
            raise GatewayRefused("Select the file with the evidence", field="file")
        stored = _store(upload, component.registration, user)
    attempt = fresh.attempts + 1
    submission = GatewaySubmission.objects.create(
        component=fresh,
        attempt=attempt,
        submitted_by=user,
        answer=note,
        file=stored,
        level_achieved=level if component.uses == "english_maths" else None,
    )
    old_status = fresh.status
    _save(fresh, status=Status.SUBMITTED, attempts=attempt)
    _sync(component, fresh)
    _start_gateway(component.registration, user)
    changes: dict[str, tuple[Any, Any]] = {
        "status": (old_status, Status.SUBMITTED),
        "attempts": (attempt - 1, attempt),
    }
    if stored is not None:
        changes["file"] = (None, stored.original_name)
    if note:
        changes["answer" if component.evidence == "answer" else "note"] = (None, note)
    if submission.level_achieved is not None:
        changes["level achieved"] = (None, submission.level_achieved)
    _audit(
        user,
        fresh,
        "gateway.submitted",
        f"{component.name} submitted by the {party_words(party)} (attempt {attempt})",
        changes,
    )
    return submission


def _sync(target: GatewayComponent, source: GatewayComponent) -> None:
    """Copy the saved state of ``source`` onto the caller's instance ``target``."""
    for name in ("status", "attempts", "accepted_at", "accepted_by_id", "revision"):
        setattr(target, name, getattr(source, name))


# --- declarations -----------------------------------------------------------------------


@transaction.atomic
def sign_declaration(component: GatewayComponent, user: User) -> Signature:
    """Sign a declaration as the party ``user`` acts for, in their own name.

    When every party the specification names has signed, the declaration is submitted for
    the EPAO's review. A party signs once per attempt; after a rejection every party signs
    again.
    """
    party = _require_party(user, component)
    if component.evidence != "declaration":
        raise GatewayRefused(f"{component.name} is not a declaration")
    fresh = _lock(component, None)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    attempt = fresh.attempts + 1
    earlier = (
        Signature.objects.filter(component=fresh, attempt=attempt, party=party)
        .select_related("user")
        .first()
    )
    if earlier is not None:
        raise GatewayRefused(
            f"{earlier.signed_name} ({earlier.user.email}) already signed this declaration "
            f"for the {party_words(party)} on {_when(earlier.signed_at)}"
        )
    signature = Signature.objects.create(
        component=fresh, attempt=attempt, party=party, user=user, signed_name=user.full_name
    )
    signed = set(
        Signature.objects.filter(component=fresh, attempt=attempt).values_list("party", flat=True)
    )
    old_status = fresh.status
    changes: dict[str, tuple[Any, Any]] = {
        f"signature of the {party_words(party)}": (
            None,
            f"{user.full_name} <{user.email}> at {_when(signature.signed_at)}",
        )
    }
    if all(p in signed for p in fresh.submitted_by):
        GatewaySubmission.objects.create(
            component=fresh,
            attempt=attempt,
            submitted_by=user,
            answer=fresh.description,
        )
        _save(fresh, status=Status.SUBMITTED, attempts=attempt)
        changes["status"] = (old_status, Status.SUBMITTED)
        changes["attempts"] = (attempt - 1, attempt)
        summary = (
            f"{component.name} signed by {user.full_name} for the "
            f"{party_words(party)}; every party has signed, submitted for review"
        )
    else:
        new_status = Status.IN_PROGRESS if old_status == Status.NOT_STARTED else old_status
        _save(fresh, status=new_status)
        if new_status != old_status:
            changes["status"] = (old_status, new_status)
        summary = f"{component.name} signed by {user.full_name} for the {party_words(party)}"
    _sync(component, fresh)
    _start_gateway(component.registration, user)
    _audit(user, fresh, "gateway.signed", summary, changes)
    return signature


# --- the portfolio of evidence ----------------------------------------------------------


def _portfolio_rules(component: GatewayComponent) -> tuple[Portfolio | None, str, Standard]:
    spec, standard = specs.rules_of(component.registration)
    return spec.evidence.portfolio, spec.epao.name, standard


def _require_portfolio(component: GatewayComponent) -> None:
    if component.uses != "portfolio":
        raise GatewayRefused(f"{component.name} is not the portfolio of evidence")


@transaction.atomic
def add_piece(
    component: GatewayComponent,
    user: User,
    *,
    title: str,
    evidence_type: str,
    evidence_date: date,
    upload: UploadedFile[bytes],
    ksbs: list[str],
    on: date | None = None,
) -> PortfolioPiece:
    """Add one piece of evidence to the portfolio, mapped to the KSBs (or areas) it evidences.

    Refused when the portfolio is waiting for review or accepted, when the type is one the
    specification excludes, when the portfolio already has the most pieces allowed, for a
    date in the future or before the apprenticeship started, and for a bad file.
    """
    party = _require_party(user, component)
    _require_portfolio(component)
    fresh = _lock(component, None)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    registration = component.registration
    portfolio, epao, standard = _portfolio_rules(component)
    label = EVIDENCE_TYPE_LABELS.get(evidence_type)
    if label is None:
        raise GatewayRefused("Select the type of evidence from the list", field="evidence_type")
    excluded = gateway_rules.excluded_type(label, portfolio.excluded_types if portfolio else [])
    if excluded:
        raise GatewayRefused(
            f"{epao} does not accept {excluded} as portfolio evidence: choose another piece",
            field="evidence_type",
        )
    day = on or clock.today()
    if evidence_date > day:
        raise GatewayRefused(
            f"The date of the evidence must be today or in the past, not {_day(evidence_date)}",
            field="evidence_date",
        )
    if evidence_date < registration.start_date:
        raise GatewayRefused(
            "The date of the evidence must be on or after the apprenticeship start date, "
            f"{_day(registration.start_date)}",
            field="evidence_date",
        )
    unit, choices = mapping_choices(standard)
    allowed = {value for value, _ in choices}
    chosen = [item for value, _ in choices for item in ksbs if item == value]
    if not chosen or any(item not in allowed for item in ksbs):
        raise GatewayRefused(f"Select at least one {unit} this piece evidences", field="ksbs")
    count = registration.portfolio_pieces.filter(removed_at__isnull=True).count()
    problem = gateway_rules.portfolio_full_problem(count, portfolio, epao)
    if problem:
        raise GatewayRefused(problem)
    title = title.strip()
    if not title:
        raise GatewayRefused("Enter a title for the piece of evidence", field="title")
    stored = _store(upload, registration, user)
    number = (registration.portfolio_pieces.aggregate(top=Max("number"))["top"] or 0) + 1
    piece = PortfolioPiece.objects.create(
        registration=registration,
        number=number,
        title=title[:200],
        evidence_type=evidence_type,
        evidence_date=evidence_date,
        file=stored,
        ksbs=chosen,
        added_by=user,
    )
    old_status = fresh.status
    new_status = Status.IN_PROGRESS if old_status == Status.NOT_STARTED else old_status
    _save(fresh, status=new_status)
    _sync(component, fresh)
    _start_gateway(registration, user)
    changes: dict[str, tuple[Any, Any]] = {
        f"piece {number}": (
            None,
            f"{piece.title} ({label}, {_day(evidence_date)}, {stored.original_name}; "
            f"{ksb_refs(standard, chosen)})",
        ),
        "pieces": (count, count + 1),
    }
    if new_status != old_status:
        changes["status"] = (old_status, new_status)
    _audit(
        user,
        fresh,
        "gateway.piece_added",
        f"Piece {number} added to the portfolio by the {party_words(party)}: {piece.title}",
        changes,
    )
    return piece


@transaction.atomic
def remove_piece(component: GatewayComponent, user: User, piece_pk: int) -> PortfolioPiece:
    """Remove a piece from the portfolio before it is submitted (it is kept, marked removed)."""
    party = _require_party(user, component)
    _require_portfolio(component)
    fresh = _lock(component, None)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    registration = component.registration
    piece = (
        registration.portfolio_pieces.select_for_update()
        .filter(pk=piece_pk, removed_at__isnull=True)
        .first()
    )
    if piece is None:
        raise GatewayRefused(
            "That piece of evidence is not in the portfolio: it may already be removed"
        )
    count = registration.portfolio_pieces.filter(removed_at__isnull=True).count()
    piece.removed_at = clock.now()
    piece.save(update_fields=["removed_at"])
    _save(fresh)
    _sync(component, fresh)
    _audit(
        user,
        fresh,
        "gateway.piece_removed",
        f"Piece {piece.number} removed from the portfolio by the "
        f"{party_words(party)}: {piece.title}",
        {f"piece {piece.number}": (piece.title, None), "pieces": (count, count - 1)},
    )
    return piece


@transaction.atomic
def submit_portfolio(
    component: GatewayComponent, user: User, *, revision: int
) -> GatewaySubmission:
    """Submit the portfolio for review, refused if its number of pieces is outside the range."""
    party = _require_party(user, component)
    _require_portfolio(component)
    fresh = _lock(component, revision)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    portfolio, epao, standard = _portfolio_rules(component)
    pieces = active_pieces(component.registration)
    problem = gateway_rules.portfolio_count_problem(len(pieces), portfolio, epao)
    if problem:
        raise GatewayRefused(problem)
    attempt = fresh.attempts + 1
    listing = "\n".join(
        f"{piece.number}. {piece.title} ({EVIDENCE_TYPE_LABELS.get(piece.evidence_type, '')}, "
        f"{_day(piece.evidence_date)}; {ksb_refs(standard, piece.ksbs)})"
        for piece in pieces
    )
    submission = GatewaySubmission.objects.create(
        component=fresh, attempt=attempt, submitted_by=user, answer=listing
    )
    old_status = fresh.status
    _save(fresh, status=Status.SUBMITTED, attempts=attempt)
    _sync(component, fresh)
    _start_gateway(component.registration, user)
    _audit(
        user,
        fresh,
        "gateway.submitted",
        f"Portfolio of {len(pieces)} pieces submitted by the {party_words(party)} "
        f"(attempt {attempt})",
        {
            "status": (old_status, Status.SUBMITTED),
            "attempts": (attempt - 1, attempt),
            "pieces": (None, [piece.number for piece in pieces]),
        },
    )
    return submission


# --- the project proposal ---------------------------------------------------------------


def _require_proposal(component: GatewayComponent) -> None:
    if component.uses != "project_proposal":
        raise GatewayRefused(f"{component.name} is not the project proposal")


@transaction.atomic
def submit_proposal(
    component: GatewayComponent,
    user: User,
    *,
    text: str,
    revision: int,
    on: date | None = None,
) -> ProjectProposal:
    """Submit the project proposal to its approver, refused outside the word range.

    A proposal resubmitted after the date the specification's resubmission rule set is
    marked late (and still accepted for the assessor to decide).
    """
    party = _require_party(user, component)
    _require_proposal(component)
    fresh = _lock(component, revision)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    registration = component.registration
    spec, _ = specs.rules_of(registration)
    text = text.strip()
    if not text:
        raise GatewayRefused("Enter the text of your project proposal", field="text")
    words = count_words(text)
    wording = spec.evidence.project_proposal
    if wording is not None:
        problem = gateway_rules.word_count_problem(words, wording.min_words, wording.max_words)
        if problem:
            raise GatewayRefused(problem, field="text")
    day = on or clock.today()
    previous = registration.proposals.order_by("-attempt").first()
    late = bool(
        previous is not None
        and previous.decision == ProjectProposal.Decision.REJECTED
        and previous.resubmit_by is not None
        and day > previous.resubmit_by
    )
    attempt = fresh.attempts + 1
    proposal = ProjectProposal.objects.create(
        registration=registration,
        attempt=attempt,
        text=text,
        word_count=words,
        submitted_by=user,
        late=late,
    )
    GatewaySubmission.objects.create(
        component=fresh, attempt=attempt, submitted_by=user, answer=text
    )
    old_status = fresh.status
    _save(fresh, status=Status.SUBMITTED, attempts=attempt)
    _sync(component, fresh)
    _start_gateway(registration, user)
    changes: dict[str, tuple[Any, Any]] = {
        "status": (old_status, Status.SUBMITTED),
        "attempts": (attempt - 1, attempt),
        "word count": (previous.word_count if previous else None, words),
    }
    if late and previous is not None and previous.resubmit_by is not None:
        changes["late"] = (False, True)
    summary = f"Project proposal of {words} words submitted by the {party_words(party)}"
    if late and previous is not None and previous.resubmit_by is not None:
        summary += f", late: it was due by {_day(previous.resubmit_by)}"
    _audit(user, fresh, "gateway.proposal_submitted", summary, changes)
    return proposal


@transaction.atomic
def decide_proposal(
    component: GatewayComponent,
    user: User,
    *,
    approve: bool,
    reason: str,
    revision: int,
    on: date | None = None,
) -> ProjectProposal:
    """Approve the waiting proposal (which accepts the component) or reject it with a reason.

    A rejection sets the date by which a revised proposal must be submitted, from the
    specification's ``proposal_resubmission`` rule where it has one.
    """
    registration = component.registration
    _require_proposal(component)
    if not may_decide_proposal(user, registration):
        raise PermissionDenied("Only the assessor of this apprentice can decide the proposal")
    fresh = _lock(component, revision)
    if fresh.status != Status.SUBMITTED:
        raise GatewayRefused(
            f"There is no proposal waiting for a decision: {component.name} is "
            f"{fresh.get_status_display().lower()}"
        )
    proposal = registration.proposals.select_for_update().order_by("-attempt").first()
    submission = fresh.submissions.order_by("-attempt").first()
    if proposal is None or proposal.decision != ProjectProposal.Decision.PENDING:
        raise GatewayRefused("There is no proposal waiting for a decision")
    reason = reason.strip()
    now = clock.now()
    day = on or clock.today()
    spec, _ = specs.rules_of(registration)
    old_status = fresh.status
    if approve:
        proposal.decision = ProjectProposal.Decision.APPROVED
        new_status = Status.ACCEPTED
        _save(fresh, status=new_status, accepted_at=now, accepted_by_id=user.pk)
    else:
        if not reason:
            raise GatewayRefused(
                "Enter the reason the proposal is rejected, so the apprentice knows what to change",
                field="reason",
            )
        proposal.decision = ProjectProposal.Decision.REJECTED
        proposal.resubmit_by = gateway_rules.proposal_resubmit_by(spec, day)
        new_status = Status.REJECTED
        _save(fresh, status=new_status)
    proposal.decided_by = user
    proposal.decided_at = now
    proposal.reason = reason
    proposal.save(update_fields=["decision", "decided_by", "decided_at", "reason", "resubmit_by"])
    if submission is not None and submission.attempt == proposal.attempt:
        submission.decision = (
            GatewaySubmission.Decision.ACCEPTED if approve else GatewaySubmission.Decision.REJECTED
        )
        submission.decided_by = user
        submission.decided_at = now
        submission.reason = reason
        submission.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    _sync(component, fresh)
    changes: dict[str, tuple[Any, Any]] = {
        "status": (old_status, new_status),
        "proposal decision": (ProjectProposal.Decision.PENDING, proposal.decision),
    }
    if proposal.resubmit_by:
        changes["resubmit by"] = (None, proposal.resubmit_by)
    verb = "approved" if approve else "rejected"
    _audit(
        user,
        fresh,
        f"gateway.proposal_{verb}",
        f"Project proposal (attempt {proposal.attempt}) {verb} by {user.full_name}",
        changes,
        reason=reason,
    )
    events.publish(ProposalDecided(component, proposal, user))
    return proposal


# --- the EPAO's review ------------------------------------------------------------------


@transaction.atomic
def review_component(
    component: GatewayComponent,
    user: User,
    *,
    accept: bool,
    reason: str,
    revision: int,
) -> GatewaySubmission:
    """The EPAO admin accepts the latest submission, or rejects it with a reason.

    Accepting locks the component; after a rejection the party submits again. ``revision``
    is the one the admin's page showed: if another admin decided in between,
    :class:`ComponentChanged` tells this one what happened and nothing is overwritten.
    """
    registration = component.registration
    _require_epao_admin(user, registration)
    if component.uses == "project_proposal":
        raise GatewayRefused(f"{component.name} is decided on the proposal page")
    fresh = _lock(component, revision)
    if fresh.status != Status.SUBMITTED:
        raise GatewayRefused(
            f"{component.name} is {fresh.get_status_display().lower()}: "
            "there is no submission waiting for review"
        )
    submission = fresh.submissions.select_for_update().order_by("-attempt").first()
    if submission is None or submission.decision != GatewaySubmission.Decision.PENDING:
        raise GatewayRefused("There is no submission waiting for review")
    reason = reason.strip()
    now = clock.now()
    old_status = fresh.status
    if accept:
        new_status = Status.ACCEPTED
        _save(fresh, status=new_status, accepted_at=now, accepted_by_id=user.pk)
        submission.decision = GatewaySubmission.Decision.ACCEPTED
    else:
        if not reason:
            raise GatewayRefused(
                f"Enter the reason {component.name} is rejected, so the "
                f"{party_list(component.submitted_by)} know what to fix",
                field="reason",
            )
        new_status = Status.REJECTED
        _save(fresh, status=new_status)
        submission.decision = GatewaySubmission.Decision.REJECTED
    submission.decided_by = user
    submission.decided_at = now
    submission.reason = reason
    submission.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    _sync(component, fresh)
    verb = "accepted" if accept else "rejected"
    _audit(
        user,
        fresh,
        f"gateway.{verb}",
        f"{component.name} (attempt {submission.attempt}) {verb} by {user.full_name}",
        {
            "status": (old_status, new_status),
            "decision": (GatewaySubmission.Decision.PENDING, submission.decision),
        },
        reason=reason,
    )
    events.publish(ComponentDecided(component, submission, user))
    return submission


# --- confirming the gateway -------------------------------------------------------------


@transaction.atomic
def confirm_gateway(
    registration: Registration, user: User, *, revision: int, on: date | None = None
) -> Registration:
    """Confirm the gateway: every required component accepted and the time checks met.

    Sets the status to gateway accepted, the gateway date to ``on`` (today) and the end of
    the EPA window from the specification's ``last_assessment`` rule (left empty when the
    specification sets none). Refused with every reason otherwise (:class:`GatewayNotReady`).
    """
    _require_epao_admin(user, registration)
    day = on or clock.today()
    fresh = Registration.objects.select_for_update().get(pk=registration.pk)
    if fresh.revision != revision:
        raise ComponentChanged(
            f"{registration.apprentice.full_name}'s registration was changed by someone else "
            "while you were confirming the gateway: check the page below and confirm again"
        )
    spec, _ = specs.rules_of(registration)
    components = list(registration.gateway_components.order_by("position"))
    if not components:
        raise GatewayNotReady(["The gateway has no components yet: open its overview first"])
    problems = confirm_problems(fresh, components, time_checks(fresh, spec, day))
    if problems:
        raise GatewayNotReady(problems)
    window_end = gateway_rules.epa_window_end(spec, day)
    changes = {
        "status": (fresh.status, Registration.Status.GATEWAY_ACCEPTED),
        "gateway_date": (fresh.gateway_date, day),
        "epa_window_end": (fresh.epa_window_end, window_end),
    }
    updated = Registration.objects.filter(pk=fresh.pk, revision=revision).update(
        status=Registration.Status.GATEWAY_ACCEPTED,
        gateway_date=day,
        epa_window_end=window_end,
        revision=revision + 1,
        updated_at=clock.now(),
    )
    if not updated:
        raise ComponentChanged(
            "The registration was changed by someone else: check the page and confirm again"
        )
    registration.status = Registration.Status.GATEWAY_ACCEPTED
    registration.gateway_date = day
    registration.epa_window_end = window_end
    registration.revision = revision + 1
    rule = gateway_rules.epa_window_rule(spec)
    if window_end is not None and rule is not None:
        summary = (
            f"Gateway confirmed for {registration.apprentice.full_name}: the EPA window is open "
            f"from {_day(day)} to {_day(window_end)}"
        )
    else:
        summary = (
            f"Gateway confirmed for {registration.apprentice.full_name} on {_day(day)}: "
            "the specification sets no EPA window length"
        )
    record_event(
        actor=user,
        epao=registration.epao,
        action="gateway.confirmed",
        obj=registration,
        registration=registration,
        summary=summary,
        changes=changes,
    )
    events.publish(GatewayConfirmed(registration))
    return registration
