"""Pages of results: the release queue, releasing, a result and its record of achievement.

The parties (apprentice, employer, provider) see a grade only once it is released; EPAO staff
see what stops the release and the grade the engine would give.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord
from openepa.kernel import specs
from openepa.kernel.roles import role_required
from openepa.planning.models import Booking
from openepa.registration.access import Role, get_registration
from openepa.registration.models import Registration
from openepa.results import release
from openepa.results.forms_iqa import ReleaseForm
from openepa.results.models import Result
from openepa.results.reassessment import result_history
from openepa.rules.grading import label_for
from openepa.rules.labels import area_name

PAGE_SIZE = 25
STAFF = (Role.EPAO_ADMIN, Role.ASSESSOR, Role.IQA)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def initials(name: str) -> str:
    """A person's initials: "Anna Assessor" -> "AA"."""
    return "".join(part[0].upper() for part in name.split() if part)


# --- the release queue ------------------------------------------------------------------------


@role_required(Role.EPAO_ADMIN)
def release_queue(request: HttpRequest) -> HttpResponse:
    """Current sittings with a submitted method: ready, held for IQA or waiting for methods."""
    user = _user(request)
    state = request.GET.get("state", "")
    if state not in release.STATES:
        state = ""
    page = Paginator(release.release_queue(user, state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = release.queue_rows(list(page))
    return render(
        request,
        "results/release_queue.html",
        {"page_obj": page, "rows": rows, "state": state, "states": release.STATES},
    )


# --- releasing one result -----------------------------------------------------------------------


@role_required(Role.EPAO_ADMIN)
def release_result(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """Check the grade the engine gives for the current sitting, and release it."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    form = ReleaseForm(request.POST or None)
    extra: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = release.release_result(
                registration.pk,
                user,
                sitting_pk=form.cleaned_data["sitting"],
                expected_grade=form.cleaned_data["grade"],
            )
        except release.ReleaseRefused as refusal:
            extra = [refusal.message, *[p for p in refusal.problems if p != refusal.message]]
        else:
            messages.success(
                request,
                f"The result was released: {registration.apprentice.full_name}, {result.label}",
            )
            return redirect("results:result", registration_pk=registration.pk)
    elif request.method == "POST":
        extra = ["Reload the page and release again: the page was incomplete."]
    state = release.result_state(registration, with_engine=True)
    return render(
        request,
        "results/release_confirm.html",
        {
            "registration": registration,
            "state": state,
            "errors": extra,
            "feedback": _feedback(registration),
        },
    )


# --- a registration's result --------------------------------------------------------------------


def _feedback(registration: Registration) -> dict[tuple[str, int], AssessmentRecord]:
    """The submitted records of the registration by (method, sitting number)."""
    return {
        (r.method_id, r.sitting.number): r
        for r in AssessmentRecord.objects.filter(
            registration=registration, status=AssessmentRecord.Status.SUBMITTED
        ).select_related("sitting", "assessor", "iqa_decided_by")
    }


def _methods_with_feedback(
    result: Result, records: dict[tuple[str, int], AssessmentRecord]
) -> list[dict[str, Any]]:
    rows = []
    for method in result.methods:
        record = records.get((method["id"], method.get("sitting") or 0))
        rows.append({**method, "feedback": record.feedback if record else ""})
    return rows


@login_required
def result(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The registration's EPA result: the grade, each method's grade, reason and feedback.

    Before release the parties are told the result is not released yet, with no grade.
    """
    user = _user(request)
    registration = get_registration(user, registration_pk)
    staff = user.role in STAFF
    state = release.result_state(registration, with_engine=staff)
    records = _feedback(registration)
    spec, _ = specs.rules_of(registration)
    return render(
        request,
        "results/result_detail.html",
        {
            "registration": registration,
            "state": state,
            "staff": staff,
            "may_release": user.role == Role.EPAO_ADMIN,
            "methods": (_methods_with_feedback(state.result, records) if state.result else []),
            "earlier": [
                {"result": r, "methods": _methods_with_feedback(r, records)} for r in state.earlier
            ],
            "epao": spec.epao.name,
            "labels": spec.grade_labels,
            "history": result_history(state.result) if state.result else [],
        },
    )


# --- the record of achievement --------------------------------------------------------------------


def _areas(standard: Any, criteria: list[Any]) -> list[str]:
    seen: list[str] = []
    for criterion in criteria:
        name = area_name(standard, criterion.area)
        if name not in seen:
            seen.append(name)
    return seen


def _dated(name: str, when: Any) -> str:
    if not when:
        return ""
    day = when if isinstance(when, date) else when.date()
    return f"{initials(name)} {day:%d/%m/%Y}"


@login_required
def achievement(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The assessment plan and record of achievement (the layout of Active IQ's form)."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    return render(
        request,
        "results/achievement.html",
        achievement_context(registration, staff=user.role in STAFF),
    )


def achievement_context(registration: Registration, *, staff: bool) -> dict[str, Any]:
    """What the record of achievement shows, on the page and in its PDF.

    Grades, initials and dates appear once the result is released, or always for ``staff``.
    """
    spec, standard = specs.rules_of(registration)
    state = release.result_state(registration, with_engine=False)
    released = {m["id"]: m for m in state.result.methods} if state.result else {}
    records = _feedback(registration)
    latest: dict[str, AssessmentRecord] = {}
    for (method_id, _number), kept in sorted(records.items(), key=lambda kv: kv[0][1]):
        latest[method_id] = kept
    if state.result:
        latest.update(
            {
                m["id"]: records[(m["id"], m["sitting"])]
                for m in state.result.methods
                if (m["id"], m.get("sitting")) in records
            }
        )
    bookings: dict[str, list[date]] = {}
    for booking in Booking.objects.filter(
        registration=registration, status=Booking.Status.BOOKED
    ).order_by("on"):
        bookings.setdefault(booking.method_id, []).append(booking.on)
    show = bool(state.result) or staff
    rows = []
    for method in spec.methods:
        record = latest.get(method.id)
        planned = bookings.get(method.id) or (
            [record.assessed_on] if record and record.assessed_on else []
        )
        grade = ""
        if state.result and method.id in released:
            grade = released[method.id]["label"]
        elif staff and record and record.grade:
            label = label_for(spec, record.grade)  # type: ignore[arg-type]
            grade = f"{label} (not released)"
        iv = ""
        if record and record.iqa_decided_by:
            iv = _dated(record.iqa_decided_by.full_name, record.iqa_decided_at)
        elif record and record.iqa_status == AssessmentRecord.Iqa.HELD:
            iv = "Held for IQA"
        elif record:
            iv = "Not sampled"
        rows.append(
            {
                "name": method.name,
                "areas": _areas(standard, list(method.criteria)),
                "planned": planned,
                "grade": grade if show else "",
                "assessor": (
                    _dated(record.assessor.full_name, record.submitted_at)
                    if record and show
                    else ""
                ),
                "iv": iv if show else "",
                "elements": [
                    {
                        "name": element.name,
                        "areas": _areas(
                            standard, [c for c in method.criteria if c.element == element.id]
                        ),
                    }
                    for element in method.elements
                ],
            }
        )
    declarations = [
        {"name": p.name.removeprefix("Declaration: "), "text": p.text, "id": p.id}
        for p in spec.policies
        if p.name.startswith("Declaration:")
    ]
    signers = {
        "apprentice-agreement": registration.apprentice.full_name,
        "assessor-agreement-plan": registration.assessor.full_name if registration.assessor else "",
        "assessor-agreement-evidence": (
            registration.assessor.full_name if registration.assessor else ""
        ),
        "internal-verifier-agreement": registration.iqa.full_name if registration.iqa else "",
    }
    for declaration in declarations:
        declaration["signer"] = signers.get(declaration["id"], "")
    return {
        "registration": registration,
        "spec": spec,
        "standard": standard,
        "rows": rows,
        "state": state,
        "staff": staff,
        "declarations": declarations,
    }
