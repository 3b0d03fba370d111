"""What each document shows: the context of its template, from the services of each area.

Each builder returns the template name and its context; :mod:`openepa.documents.services`
adds the common header and renders the PDF. A document that cannot exist yet (no record,
no released result) raises :class:`DocumentUnavailable` with the reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openepa.assessment.grading import grade_sitting
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.assessment.record_page import read_context, record_page_of
from openepa.assessment.sittings import current_sitting
from openepa.gateway.overview import components_of, current_signatures, latest_submission
from openepa.gateway.portfolio import active_pieces, coverage
from openepa.kernel import specs
from openepa.planning.models import AssessmentPlan
from openepa.registration.models import Registration
from openepa.results.models import Result
from openepa.rules.errors import GradingInputError
from openepa.rules.grading import label_for
from openepa.rules.recording import KEY

#: The key of seed 002's checklists: each value's symbol and words.
SYMBOLS: dict[str, str] = {"met": "✓", "not_met": "X", "met_comment": "•", "question": "Q"}
KEY_ROWS: list[tuple[str, str]] = [
    ("✓", "Passed (met)"),
    ("X", "Not passed (not met)"),
    ("•", "Passed with a comment"),
    ("Q", "Question raised"),
]


class DocumentUnavailable(Exception):  # noqa: N818 (a refusal with a message for the user)
    """The document cannot be produced (yet): the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Built:
    """A document's template, title and context."""

    template: str
    title: str
    context: dict[str, Any]


# --- 1. the assessment plan and record of achievement ---------------------------------------


def plan_and_record(registration: Registration, *, staff: bool) -> Built:
    """Seed 002's assessment plan and record of achievement, with the plan's signatures."""
    from openepa.results.result_views import achievement_context

    context = achievement_context(registration, staff=staff)
    plan = (
        AssessmentPlan.objects.filter(registration=registration)
        .select_related("apprentice_signed_by", "assessor_signed_by")
        .first()
    )
    signed = {
        "apprentice-agreement": (
            (plan.apprentice_signed_by, plan.apprentice_signed_at) if plan else (None, None)
        ),
        "assessor-agreement-plan": (
            (plan.assessor_signed_by, plan.assessor_signed_at) if plan else (None, None)
        ),
    }
    for declaration in context["declarations"]:
        who, when = signed.get(declaration["id"], (None, None))
        declaration["signed_name"] = who.full_name if who and when else ""
        declaration["signed_at"] = when
    signatures = []
    if plan is not None:
        signatures = [
            {
                "who": "Apprentice",
                "name": plan.apprentice_signed_by.full_name if plan.apprentice_signed_by else "",
                "at": plan.apprentice_signed_at,
            },
            {
                "who": "Independent assessor",
                "name": plan.assessor_signed_by.full_name if plan.assessor_signed_by else "",
                "at": plan.assessor_signed_at,
            },
        ]
    context.update({"plan": plan, "signatures": signatures})
    return Built(
        "documents/plan_and_record.html",
        "Assessment plan and record of achievement",
        context,
    )


# --- 2. a method's completed checklist and grading record ---------------------------------------


def _record_of(
    registration: Registration, method_id: str, record_pk: int | None
) -> AssessmentRecord:
    records = AssessmentRecord.objects.filter(registration=registration, method_id=method_id)
    if record_pk is not None:
        records = records.filter(pk=record_pk)
    record = (
        records.select_related("sitting", "assessor", "iqa_decided_by", "submitted_by")
        .order_by("-sitting__number")
        .first()
    )
    if record is None:
        raise DocumentUnavailable("This method has no record yet: nothing has been assessed.")
    return record


def _symbol_rows(rows: list[Any], files: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "criterion": row.criterion,
            "symbol": SYMBOLS.get(row.value, ""),
            "words": KEY.get(row.value, "Not judged"),
            "comment": row.comment,
            "evidence": [
                files[value]["label"] if value in files else value for value in row.evidence
            ],
        }
        for row in rows
    ]


def method_record(
    registration: Registration, method_id: str, record_pk: int | None = None
) -> Built:
    """The completed checklist and grading record of one method (latest sitting by default)."""
    try:
        page = record_page_of(registration, method_id)
    except Exception:  # Http404 for a method the specification does not have
        raise DocumentUnavailable(
            f"The specification has no method {method_id!r}: choose one of its methods."
        ) from None
    record = _record_of(registration, method_id, record_pk)
    read = read_context(page, record, record.assessor)
    files = read.get("files_by_value", {})
    groups = [
        {
            "heading": group.heading,
            "exempt_through": group.exempt_through,
            "carried": group.carried,
            "rows": _symbol_rows(group.rows, files),
        }
        for group in read.get("groups", [])
    ]
    checklists = [
        {"heading": group.heading, "rows": _symbol_rows(group.rows, files)}
        for group in read.get("checklists", [])
    ]
    spec = page.spec
    live = read.get("live")
    if record.submitted and record.grade:
        grade = label_for(spec, record.grade)  # type: ignore[arg-type]
        reason = record.grade_reason
    elif live is not None:
        grade = f"{live.label} (draft: not submitted)"
        reason = live.reason
    else:
        grade, reason = "Not graded yet", read.get("live_problem", "")
    return Built(
        "documents/method_record.html",
        f"{page.method.name} checklist and grading record",
        {
            "method": page.method,
            "record": record,
            "groups": groups,
            "checklists": checklists,
            "key": KEY_ROWS,
            "grade": grade,
            "reason": reason,
            "live": live,
            "questioning_limit": spec.evidence.observation_questioning,
        },
    )


# --- 3. the final grading sheet -----------------------------------------------------------------


def grading_sheet(registration: Registration, sitting_pk: int | None = None) -> Built:
    """Seed 002's final grading sheet: each method's and element's tallies, the overall grade."""
    spec, _ = specs.rules_of(registration)
    sitting: Sitting | None
    if sitting_pk is not None:
        sitting = registration.sittings.filter(pk=sitting_pk).first()
    else:
        sitting = current_sitting(registration)
    if sitting is None:
        raise DocumentUnavailable("No assessment has been recorded yet: there is nothing to grade.")
    problem = ""
    graded = None
    try:
        graded = grade_sitting(registration, sitting)
    except GradingInputError as error:
        problem = f"The grade cannot be worked out yet: {error}."
    result = Result.objects.filter(sitting=sitting).select_related("released_by").first()
    records = {
        r.method_id: r
        for r in AssessmentRecord.objects.filter(sitting=sitting).select_related(
            "assessor", "iqa_decided_by"
        )
    }
    assessors = sorted({r.assessor.full_name for r in records.values()})
    verifiers = sorted({r.iqa_decided_by.full_name for r in records.values() if r.iqa_decided_by})
    return Built(
        "documents/grading_sheet.html",
        "Final grading sheet",
        {
            "sitting": sitting,
            "graded": graded,
            "problem": problem,
            "result": result,
            "assessors": assessors,
            "verifiers": verifiers,
            "labels": spec.grade_labels,
        },
    )


# --- 4. the gateway readiness report and the portfolio matrix ----------------------------------


def gateway_report(registration: Registration) -> Built:
    """Each gateway component: status, who submitted and signed and when, the decision."""
    components = []
    for component in components_of(registration):
        components.append(
            {
                "component": component,
                "submission": latest_submission(component),
                "signatures": current_signatures(component),
            }
        )
    return Built(
        "documents/gateway_report.html",
        "Gateway readiness report",
        {"components": components},
    )


def portfolio_matrix(registration: Registration) -> Built:
    """The portfolio's pieces against the KSBs (or areas) of the method it supports."""
    spec, standard = specs.rules_of(registration)
    pieces = active_pieces(registration)
    matrix = coverage(spec, standard, pieces)
    rows = [
        {"row": row, "cells": [number in row.pieces for number in matrix.piece_numbers]}
        for row in matrix.rows
    ]
    return Built(
        "documents/portfolio_matrix.html",
        "Portfolio matrix",
        {"pieces": pieces, "matrix": matrix, "rows": rows, "portfolio": spec.evidence.portfolio},
    )


# --- 5. the results document or the feedback-and-next-steps letter ---------------------------


def results_letter(result: Result) -> Built:
    """After release: the EPA results document (achieved) or the feedback letter (fail)."""
    from openepa.claims.models import CertificateClaim
    from openepa.results.appeals import appeal_ends_on, closed_appeal, closed_in_words
    from openepa.results.reassessment import reassessment_state, released_on

    registration = result.registration
    feedback = {
        (r.method_id, r.sitting.number): r
        for r in AssessmentRecord.objects.filter(
            registration=registration, status=AssessmentRecord.Status.SUBMITTED
        ).select_related("sitting", "assessor")
    }
    methods = []
    for method in result.methods:
        record = feedback.get((method["id"], method.get("sitting") or 0))
        methods.append(
            {
                **method,
                "feedback": record.feedback if record else "",
                "assessor": record.assessor.full_name if record else "",
                "failed": method.get("grade") == "fail",
            }
        )
    context: dict[str, Any] = {
        "result": result,
        "methods": methods,
        "released_on": released_on(result),
        "appeal_ends_on": appeal_ends_on(result),
        "appeal_closed": closed_in_words(closed) if (closed := closed_appeal(result)) else "",
    }
    if result.achieved:
        claim = CertificateClaim.objects.filter(result=result).first()
        context["claim"] = claim
        title = "End-point assessment results document"
        template = "documents/results_document.html"
    else:
        state = reassessment_state(registration)
        context.update(
            {
                "state": state,
                "deadline": state.deadline,
                "failed": [m for m in methods if m["failed"]],
                "reassessment": state.spec.reassessment,
            }
        )
        title = "End-point assessment feedback and next steps"
        template = "documents/feedback_letter.html"
    return Built(template, title, context)
