"""Appeals against a released result: lodged by a party, reviewed independently, decided.

The apprentice, their employer or their training provider lodges an appeal within the EPAO's
appeal period. An EPAO admin assigns a reviewer: another assessor or an IQA of the EPAO, who
did not assess any appealed method nor uphold or amend its decision as IQA, and is
independent of the apprentice. The reviewer decides it upheld or not upheld with reasons; an
upheld appeal may amend the appealed records' judgements, and the result is then graded again
by the engine, its old grade kept in the result's history. Appeals are never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openepa.accounts.models import User
from openepa.accounts.policy import policy_of
from openepa.assessment.refusals import RecordRefused
from openepa.assessment.submission import amend_record
from openepa.audit.services import record_event
from openepa.kernel import clock, events
from openepa.planning.conflicts import conflict_refusal
from openepa.registration.access import party_of, registrations_for
from openepa.registration.models import Registration
from openepa.results.appeal_reviewers import appealed_records, reviewer_problems
from openepa.results.events import (
    AppealAssigned,
    AppealDecided,
    AppealLodged,
    AppealWithdrawn,
)
from openepa.results.models import Appeal, Result
from openepa.results.reassessment import recalculate_result, released_on
from openepa.rules import reassessment as rules
from openepa.rules.dates import long_date

PARTIES = ("apprentice", "employer", "provider")
Amendments = Mapping[int, Mapping[tuple[str, str], tuple[str, str]]]


class AppealRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An appeal action the rules do not allow, with the user's message (and its field)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def latest_result(registration: Registration) -> Result | None:
    """The registration's most recently released result."""
    return registration.results.order_by("-released_at", "-id").first()


def appeal_ends_on(result: Result) -> date:
    """The last day an appeal against ``result`` may be lodged."""
    days = policy_of(result.registration.epao_id).appeal_period_days
    return rules.appeal_period_ends(released_on(result), days)


def appeals_of(registration: Registration) -> list[Appeal]:
    """Every appeal of the registration, the latest first, with who lodged and reviews it."""
    return list(
        registration.appeals.select_related("lodged_by", "reviewer", "decided_by", "result")
    )


def appeals_for(user: User, status: str | None = None) -> QuerySet[Appeal]:
    """The appeals in the user's scope (optionally of one status), for a paginated list."""
    appeals = Appeal.objects.filter(registration__in=registrations_for(user))
    if status:
        appeals = appeals.filter(status=status)
    return appeals.select_related(
        "registration__apprentice", "result", "reviewer", "lodged_by"
    ).order_by("-lodged_at", "-id")


def appeals_to_review(user: User) -> QuerySet[Appeal]:
    """The appeals assigned to ``user`` to review, open ones first."""
    return (
        Appeal.objects.filter(reviewer=user, registration__epao_id=user.epao_id)
        .select_related("registration__apprentice", "result", "lodged_by")
        .order_by("decided_at", "-lodged_at", "-id")
    )


def closed_appeal(result: Result) -> Appeal | None:
    """The latest appeal against ``result`` that was decided or withdrawn, if any.

    Once there is one, no further appeal is lodged and the results letter offers none.
    """
    return (
        result.appeals.filter(status__in=(*Appeal.DECIDED, Appeal.Status.WITHDRAWN))
        .select_related("lodged_by")
        .order_by("-lodged_at", "-id")
        .first()
    )


def closed_in_words(appeal: Appeal) -> str:
    """What became of a decided or withdrawn appeal, in a sentence the parties read."""
    lodged = long_date(timezone.localdate(appeal.lodged_at))
    if appeal.status == Appeal.Status.WITHDRAWN and appeal.withdrawn_at:
        return (
            f"The appeal lodged on {lodged} by {appeal.lodged_by.full_name} was withdrawn on "
            f"{long_date(timezone.localdate(appeal.withdrawn_at))}."
        )
    decided = long_date(timezone.localdate(appeal.decided_at)) if appeal.decided_at else ""
    return (
        f"The appeal lodged on {lodged} by {appeal.lodged_by.full_name} was "
        f"{appeal.get_status_display().lower()} on {decided}."
    )


def _changed(appeal: Appeal) -> str:
    who = "Someone else"
    if appeal.decided_by is not None:
        who = appeal.decided_by.full_name
    elif appeal.assigned_by is not None:
        who = appeal.assigned_by.full_name
    return (
        f"{who} changed this appeal while you were working on it: it is now "
        f"{appeal.get_status_display().lower()}. Check it below; what you entered is kept."
    )


def _lock(appeal: Appeal, revision: int | None) -> Appeal:
    fresh = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related(
            "registration__apprentice", "result", "decided_by", "assigned_by", "lodged_by"
        )
        .get(pk=appeal.pk)
    )
    if revision is not None and fresh.revision != revision:
        raise AppealRefused(_changed(fresh))
    return fresh


# --- lodging ------------------------------------------------------------------------------


@transaction.atomic
def lodge_appeal(
    registration: Registration,
    user: User,
    *,
    grounds: str,
    methods: Sequence[str] = (),
    on: date | None = None,
) -> Appeal:
    """Lodge an appeal against the registration's latest result, as the party ``user`` is.

    Refused for anyone but the apprentice, employer or provider (403), without a released
    result, without grounds or with grounds over 5,000 characters, for a method the result
    does not have, after the appeal period, while an appeal against the same result is open,
    or once one was decided or withdrawn.
    """
    party = party_of(user, registration)
    if party not in PARTIES:
        raise PermissionDenied("Only the apprentice, their employer or provider can appeal")
    result = latest_result(registration)
    if result is None:
        raise AppealRefused("There is no released result to appeal against yet.")
    day = on or clock.today()
    policy = policy_of(registration.epao_id)
    late = rules.appeal_late(released_on(result), policy.appeal_period_days, day)
    if late:
        raise AppealRefused(late)
    if not grounds.strip():
        raise AppealRefused(
            "Enter the grounds of the appeal: what you believe is wrong with the result.",
            field="grounds",
        )
    too_long = rules.appeal_grounds_too_long(grounds.strip())
    if too_long:
        raise AppealRefused(too_long, field="grounds")
    known = {m["id"]: m["name"] for m in result.methods}
    unknown = [m for m in methods if m not in known]
    if unknown:
        raise AppealRefused(
            f"{', '.join(unknown)} is not a method of this result: choose from "
            f"{', '.join(known.values())}.",
            field="methods",
        )
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    open_appeal = result.appeals.filter(status__in=Appeal.OPEN).select_related("lodged_by").first()
    if open_appeal is not None:
        raise AppealRefused(
            f"An appeal against this result is already open: lodged by "
            f"{open_appeal.lodged_by.full_name} on "
            f"{long_date(timezone.localdate(open_appeal.lodged_at))}. It covers every party."
        )
    closed = closed_appeal(result)
    if closed is not None:
        raise AppealRefused(
            f"{closed_in_words(closed)} It covered every party, so no further appeal against "
            "this result is taken."
        )
    appeal = Appeal.objects.create(
        registration=registration,
        result=result,
        lodged_by=user,
        lodged_as=party,
        grounds=grounds.strip(),
        methods=[m for m in known if m in methods],
    )
    record_event(
        actor=user,
        epao=registration.epao,
        action="appeal.lodged",
        obj=appeal,
        registration=registration,
        summary=(
            f"Appeal lodged by {user.full_name} ({party}) against {result.label} for "
            f"{registration.apprentice.full_name}"
        ),
        changes={"status": (None, appeal.status), "methods": (None, appeal.methods)},
        reason=appeal.grounds,
    )
    events.publish(AppealLodged(appeal))
    return appeal


# --- reviewers (who may review: appeal_reviewers.py) --------------------------------------


@transaction.atomic
def assign_reviewer(appeal: Appeal, user: User, reviewer: User, *, revision: int) -> Appeal:
    """An EPAO admin assigns (or changes) the reviewer of an open appeal."""
    if party_of(user, appeal.registration) != "epao":
        raise PermissionDenied("Only an EPAO admin can assign an appeal's reviewer")
    fresh = _lock(appeal, revision)
    if fresh.status == Appeal.Status.WITHDRAWN:
        raise AppealRefused(_withdrawn(fresh))
    if fresh.status not in Appeal.OPEN:
        raise AppealRefused(
            f"The appeal was decided ({fresh.get_status_display().lower()}): its reviewer "
            "cannot be changed."
        )
    fresh.registration = appeal.registration
    problems = reviewer_problems(fresh, reviewer)
    if problems:
        raise AppealRefused(" ".join(problems), field="reviewer")
    old = fresh.reviewer.full_name if fresh.reviewer_id and fresh.reviewer else None
    old_status = fresh.status
    fresh.reviewer = reviewer
    fresh.assigned_by, fresh.assigned_at = user, clock.now()
    fresh.status = Appeal.Status.UNDER_REVIEW
    fresh.revision += 1
    fresh.save(update_fields=["reviewer", "assigned_by", "assigned_at", "status", "revision"])
    record_event(
        actor=user,
        epao=appeal.registration.epao,
        action="appeal.assigned",
        obj=fresh,
        registration=appeal.registration,
        summary=f"{reviewer.full_name} assigned to review the appeal",
        changes={"reviewer": (old, reviewer.full_name), "status": (old_status, fresh.status)},
    )
    events.publish(AppealAssigned(fresh, user))
    return fresh


# --- deciding -----------------------------------------------------------------------------


@transaction.atomic
def decide_appeal(
    appeal: Appeal,
    user: User,
    *,
    upheld: bool,
    reason: str,
    revision: int,
    amendments: Amendments | None = None,
) -> Appeal:
    """The reviewer decides the appeal, with reasons; an upheld appeal may amend records.

    ``amendments`` maps an appealed record's pk to the judgements to change (see
    :func:`openepa.assessment.submission.amend_record`); each is amended with the reason at
    the appeal stage, and the result is then graded again (:func:`recalculate_result`).
    Refused for anyone but the assigned reviewer (403), an appeal already decided or
    changed meanwhile (``revision``), a reviewer who has since declared a conflict with the
    apprentice, without reasons, or amendments when not upheld.
    """
    if appeal.reviewer_id != user.pk:
        raise PermissionDenied("Only the assigned reviewer can decide this appeal")
    fresh = _lock(appeal, None)
    if fresh.status == Appeal.Status.WITHDRAWN:
        raise AppealRefused(_withdrawn(fresh))
    if fresh.status != Appeal.Status.UNDER_REVIEW:
        raise AppealRefused(
            f"The appeal was already decided ({fresh.get_status_display().lower()}) by "
            f"{fresh.decided_by.full_name if fresh.decided_by else 'someone else'}."
        )
    if fresh.revision != revision:
        raise AppealRefused(_changed(fresh))
    conflict = conflict_refusal(appeal.registration, user)
    if conflict:
        raise AppealRefused(conflict)
    reason = reason.strip()
    if not reason:
        raise AppealRefused(
            "Enter the reasons for the decision: they are sent to the parties and kept.",
            field="reason",
        )
    amendments = {pk: changes for pk, changes in (amendments or {}).items() if changes}
    if amendments and not upheld:
        raise AppealRefused(
            "Judgements are amended only when the appeal is upheld: choose upheld, or leave "
            "the judgements as they are.",
            field="upheld",
        )
    allowed = {r.pk for r in appealed_records(fresh)}
    for record_pk, changes in amendments.items():
        if record_pk not in allowed:
            raise AppealRefused("Only the records of the appealed methods can be amended.")
        try:
            amend_record(record_pk, user, changes, reason, "appeal")
        except RecordRefused as refused:
            raise AppealRefused(refused.message) from None
    status = Appeal.Status.UPHELD if upheld else Appeal.Status.NOT_UPHELD
    fresh.status = status
    fresh.decision_reason = reason
    fresh.decided_by, fresh.decided_at = user, clock.now()
    fresh.revision += 1
    fresh.save(update_fields=["status", "decision_reason", "decided_by", "decided_at", "revision"])
    record_event(
        actor=user,
        epao=fresh.registration.epao,
        action=f"appeal.{status}",
        obj=fresh,
        registration=fresh.registration,
        summary=f"Appeal {fresh.get_status_display().lower()} by {user.full_name}",
        changes={"status": (Appeal.Status.UNDER_REVIEW, status)},
        reason=reason,
    )
    if upheld:
        recalculate_result(fresh.result, user, reason, cause=f"appeal {fresh.pk} upheld")
    events.publish(AppealDecided(fresh))
    return fresh


# --- withdrawing --------------------------------------------------------------------------


def _withdrawn(appeal: Appeal, opening: str = "The appeal was withdrawn") -> str:
    when = (
        f" on {long_date(timezone.localdate(appeal.withdrawn_at))}" if appeal.withdrawn_at else ""
    )
    return f"{opening} by {appeal.lodged_by.full_name}{when}: there is nothing more to decide."


@transaction.atomic
def withdraw_appeal(appeal: Appeal, user: User, *, reason: str, revision: int) -> Appeal:
    """Whoever lodged the appeal withdraws it, saying why, before it is decided.

    The appeal is kept, withdrawn, with when and why; the EPAO's admins (and the reviewer)
    are told. Refused for anyone else (403), without a reason, once the appeal is decided or
    withdrawn, or if it changed since the person's page showed it (``revision``).
    """
    if appeal.lodged_by_id != user.pk:
        raise PermissionDenied("Only the person who lodged the appeal can withdraw it")
    fresh = _lock(appeal, None)
    if fresh.status == Appeal.Status.WITHDRAWN:
        raise AppealRefused(_withdrawn(fresh, "This appeal was already withdrawn"))
    if fresh.status not in Appeal.OPEN:
        raise AppealRefused(
            f"The appeal was decided ({fresh.get_status_display().lower()}) by "
            f"{fresh.decided_by.full_name if fresh.decided_by else 'its reviewer'}: a decided "
            "appeal cannot be withdrawn."
        )
    if fresh.revision != revision:
        raise AppealRefused(_changed(fresh))
    reason = reason.strip()
    if not reason:
        raise AppealRefused(
            "Say why you are withdrawing the appeal: it is kept with the appeal.", field="reason"
        )
    old_status = fresh.status
    fresh.status = Appeal.Status.WITHDRAWN
    fresh.withdrawn_at, fresh.withdrawal_reason = clock.now(), reason
    fresh.revision += 1
    fresh.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "revision"])
    record_event(
        actor=user,
        epao=fresh.registration.epao,
        action="appeal.withdrawn",
        obj=fresh,
        registration=fresh.registration,
        summary=f"Appeal withdrawn by {user.full_name} ({fresh.lodged_as})",
        changes={"status": (old_status, fresh.status)},
        reason=reason,
    )
    events.publish(AppealWithdrawn(fresh))
    return fresh
