"""The portfolio of evidence: its pieces, their mapping to KSBs (or areas), and its submission.

Pieces are added (each mapped to what it evidences) and removed until the portfolio is
submitted; the specification sets how many pieces it may hold and the types of evidence it
excludes. The coverage matrix shows which KSBs (or areas) of the method the portfolio
supports have evidence. Every addition, removal and submission is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from openepa.accounts.models import User
from openepa.gateway.components import (
    audit_component,
    lock_component,
    require_party,
    save_component,
    start_gateway,
    state_problem,
    store_evidence,
    sync_component,
)
from openepa.gateway.models import GatewayComponent, GatewaySubmission, PortfolioPiece
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.wording import EVIDENCE_TYPE_LABELS, day_text
from openepa.kernel import clock, specs
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.rules.labels import ksb_refs, party_words
from openepa.rules.model import Method, Portfolio, Specification, Standard

Status = GatewayComponent.Status


def active_pieces(registration: Registration) -> list[PortfolioPiece]:
    """The portfolio pieces not removed, in order, with their files."""
    return list(
        registration.portfolio_pieces.filter(removed_at__isnull=True)
        .select_related("file", "added_by")
        .order_by("number")
    )


# --- coverage ---------------------------------------------------------------------------


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


# --- pieces and submission --------------------------------------------------------------


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
    party = require_party(user, component)
    _require_portfolio(component)
    fresh = lock_component(component, None)
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
            f"The date of the evidence must be today or in the past, not {day_text(evidence_date)}",
            field="evidence_date",
        )
    if evidence_date < registration.start_date:
        raise GatewayRefused(
            "The date of the evidence must be on or after the apprenticeship start date, "
            f"{day_text(registration.start_date)}",
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
    stored = store_evidence(upload, registration, user)
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
    save_component(fresh, status=new_status)
    sync_component(component, fresh)
    start_gateway(registration, user)
    changes: dict[str, tuple[Any, Any]] = {
        f"piece {number}": (
            None,
            f"{piece.title} ({label}, {day_text(evidence_date)}, {stored.original_name}; "
            f"{ksb_refs(standard, chosen)})",
        ),
        "pieces": (count, count + 1),
    }
    if new_status != old_status:
        changes["status"] = (old_status, new_status)
    audit_component(
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
    party = require_party(user, component)
    _require_portfolio(component)
    fresh = lock_component(component, None)
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
    save_component(fresh)
    sync_component(component, fresh)
    audit_component(
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
    party = require_party(user, component)
    _require_portfolio(component)
    fresh = lock_component(component, revision)
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
        f"{day_text(piece.evidence_date)}; {ksb_refs(standard, piece.ksbs)})"
        for piece in pieces
    )
    submission = GatewaySubmission.objects.create(
        component=fresh, attempt=attempt, submitted_by=user, answer=listing
    )
    old_status = fresh.status
    save_component(fresh, status=Status.SUBMITTED, attempts=attempt)
    sync_component(component, fresh)
    start_gateway(component.registration, user)
    audit_component(
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
