"""The dates the apprentice's evidence gives the plan: accepted at gateway, or submitted.

The booking rules, the timeline, the at-risk list, the calendars and the sweep read the plan's
submission dates (:data:`openepa.planning.plans.SUBMISSIONS`). Where OpenEPA holds the
evidence itself, its date counts without anyone typing it again:

- ``portfolio_submitted_on``: the day the portfolio accepted at gateway was submitted (the
  gateway component whose requirement ``uses: portfolio``);
- ``gateway_evidence_uploaded_on``: once every required upload of the gateway is accepted,
  the day the last of them was submitted;
- ``report_submitted_on``: the day the current project report (neither replaced nor taken
  back) was submitted.

A date from the evidence wins over one typed on the plan: it is the record itself. A date the
evidence does not give is the plan's, as typed.

**Why read the reports this way.** The gateway sits below planning, so its models are
imported. Submissions sit above planning (a failed project may be reworked within the
deadlines results set), so planning must not import them. The reports are read through the
registration's reverse relation ``submissions`` in queries on :class:`Registration` (the ORM
resolves the join from the relation's name, importing nothing), as
:mod:`openepa.registration.access` reads appeals. An event was the other way, but a subscriber
imports the publisher's event, which planning, below submissions, may not; and a copy of the
date on the plan would go stale when a report is replaced or taken back. Reading the record
keeps one source of truth. :data:`REPORT_KIND` must equal ``Submission.Kind.REPORT`` (a test
says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from openepa.gateway.models import GatewayComponent, GatewaySubmission
from openepa.planning.models import AssessmentPlan
from openepa.registration.models import Registration

#: The kind of a project report in :mod:`openepa.submissions` (``Submission.Kind.REPORT``).
REPORT_KIND = "report"
#: The current project reports of a registration, through its ``submissions`` relation.
CURRENT_REPORT = Q(
    submissions__kind=REPORT_KIND,
    submissions__superseded_by__isnull=True,
    submissions__withdrawn=False,
)
ACCEPTED = GatewayComponent.Status.ACCEPTED

PORTFOLIO = "portfolio_submitted_on"
GATEWAY_EVIDENCE = "gateway_evidence_uploaded_on"
REPORT = "report_submitted_on"
#: Where each date comes from, in words.
SOURCES = {
    PORTFOLIO: "the portfolio accepted at gateway",
    GATEWAY_EVIDENCE: "the last gateway upload accepted",
    REPORT: "the project report submitted",
}


@dataclass(frozen=True)
class Evidenced:
    """A submission date the evidence gives, and where it comes from in words."""

    on: date
    source: str


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def gateway_dates(registration_ids: Iterable[int]) -> dict[int, dict[str, Evidenced]]:
    """The portfolio's and the gateway evidence's dates of each registration (one query)."""
    accepted = GatewaySubmission.objects.filter(
        component=OuterRef("pk"), decision=GatewaySubmission.Decision.ACCEPTED
    ).order_by("-attempt")
    uploads = (
        GatewayComponent.objects.filter(registration_id__in=list(registration_ids))
        .filter(Q(evidence="upload") | Q(uses="portfolio"))
        .annotate(submitted=Subquery(accepted.values("submitted_at")[:1]))
        .values("registration_id", "uses", "evidence", "required", "status", "submitted")
    )
    found: dict[int, dict[str, Evidenced]] = {}
    last_upload: dict[int, date] = {}
    incomplete: set[int] = set()
    for row in uploads:
        pk, submitted = row["registration_id"], row["submitted"]
        done = row["status"] == ACCEPTED and submitted is not None
        if done and row["uses"] == "portfolio":
            found.setdefault(pk, {})[PORTFOLIO] = Evidenced(_day(submitted), SOURCES[PORTFOLIO])
        if row["evidence"] != "upload":
            continue
        if done:
            last_upload[pk] = max(last_upload.get(pk, date.min), _day(submitted))
        elif row["required"]:
            incomplete.add(pk)
    for pk, day in last_upload.items():
        if pk not in incomplete:
            found.setdefault(pk, {})[GATEWAY_EVIDENCE] = Evidenced(day, SOURCES[GATEWAY_EVIDENCE])
    return found


def report_dates(registration_ids: Iterable[int]) -> dict[int, Evidenced]:
    """The day each registration's current project report was submitted (one query)."""
    rows = (
        Registration.objects.filter(pk__in=list(registration_ids))
        .annotate(report_at=Max("submissions__submitted_at", filter=CURRENT_REPORT))
        .filter(report_at__isnull=False)
        .values_list("pk", "report_at")
    )
    return {pk: Evidenced(_day(moment), SOURCES[REPORT]) for pk, moment in rows}


def evidence_dates(registration_ids: Iterable[int]) -> dict[int, dict[str, Evidenced]]:
    """The submission dates the evidence gives, by registration (two queries for any number).

    Every registration asked for has an entry, empty where the evidence gives no date.
    """
    ids = list(registration_ids)
    found: dict[int, dict[str, Evidenced]] = {pk: {} for pk in ids}
    found.update(gateway_dates(ids))
    for pk, report in report_dates(ids).items():
        found[pk][REPORT] = report
    return found


def dates_of(registration: Registration) -> dict[str, Evidenced]:
    """The submission dates the evidence gives for one registration."""
    return evidence_dates([registration.pk])[registration.pk]


def known_dates(
    plan: AssessmentPlan | None,
    evidenced: Mapping[str, Evidenced],
    names: Iterable[str],
    typed: Mapping[str, date | None] | None = None,
) -> dict[str, date | None]:
    """Each submission date in ``names``: the evidence's, else the one typed, else the plan's."""
    dates: dict[str, date | None] = {}
    for name in names:
        if name in evidenced:
            dates[name] = evidenced[name].on
        elif typed is not None and name in typed:
            dates[name] = typed[name]
        else:
            dates[name] = getattr(plan, name) if plan is not None else None
    return dates


def evidence_given(name: str) -> Q:
    """Registrations whose evidence gives the submission date ``name`` (a filter, in SQL).

    The same conditions as :func:`evidence_dates`, for lists filtered in the database.
    """
    components = GatewayComponent.objects.filter(registration=OuterRef("pk"))
    if name == PORTFOLIO:
        return Q(Exists(components.filter(uses="portfolio", status=ACCEPTED)))
    if name == GATEWAY_EVIDENCE:
        uploads = components.filter(evidence="upload")
        missing = uploads.filter(required=True).exclude(status=ACCEPTED)
        return Q(Exists(uploads.filter(status=ACCEPTED))) & ~Q(Exists(missing))
    if name == REPORT:
        return Q(pk__in=Registration.objects.filter(CURRENT_REPORT).values("pk"))
    return Q(pk__in=[])
