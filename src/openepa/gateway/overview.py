"""Reading one registration's gateway: its components, their attempts, time checks and window.

What the overview (and the documents built from it) reads: the components in order with
their submissions and signatures, the attempt being worked on, the source of each
requirement, the time conditions judged on a day, the EPA window, and every reason the
gateway cannot be confirmed yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch

from openepa.gateway.components import OPEN, WORKABLE_REGISTRATION, create_components
from openepa.gateway.models import GatewayComponent, GatewaySubmission, Signature
from openepa.gateway.wording import day_text
from openepa.kernel import clock, specs
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.rules.dates import describe
from openepa.rules.model import Specification, TimeRule

Status = GatewayComponent.Status


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
        return [f"The gateway was already confirmed on {day_text(confirmed) if confirmed else ''}"]
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
