"""Pages of the assessment plan and the bookings of each method.

The plan page is for everyone who may see the registration; only the allocated assessor
records the plan; only the apprentice and the allocated assessor sign it. Bookings are made,
moved and cancelled by the EPAO admin or the allocated assessor only
(:func:`openepa.planning.bookings.may_book`): an assessor reviewing an appeal finds the
apprentice but may not book (403). Each view fetches, authorises, calls one service and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.kernel import specs
from openepa.kernel.roles import role_required
from openepa.planning import bookings, evidence, plans
from openepa.planning.bookings import BookingRefused
from openepa.planning.models import Booking
from openepa.planning.plan_forms import (
    BookingForm,
    CancelForm,
    MoveForm,
    PlanForm,
    SignForm,
    time_text,
)
from openepa.planning.plans import PlanWarned
from openepa.planning.services import PlanningRefused, RecordChanged
from openepa.registration.access import get_registration, registrations_for
from openepa.registration.lifecycle import work_problem
from openepa.registration.models import Registration

Role = User.Role
BOOKERS = (Role.EPAO_ADMIN, Role.ASSESSOR)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(form: BaseForm, refusal: PlanningRefused) -> list[str]:
    """Put a refusal on the form; return any warnings to confirm."""
    if isinstance(refusal, BookingRefused):
        for message in refusal.refusals:
            form.add_error(None, message)
        if not refusal.refusals:
            form.add_error(
                "confirm",
                "Read the warnings below, then tick the box to book anyway or change the booking",
            )
        return refusal.warnings
    if isinstance(refusal, PlanWarned):
        form.add_error(
            "confirm",
            "Read the warnings below, then tick the box to save the plan anyway or change the "
            "dates",
        )
        return refusal.warnings
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)
    return []


def _fresh_revision(form: BaseForm, revision: int) -> None:
    data = form.data.copy()  # type: ignore[attr-defined]
    data["revision"] = str(revision)
    form.data = data


@login_required
def plan(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The plan: the meeting, each method's plan, the signatures and the bookings."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    return _plan_page(request, user, registration, sign_form=None)


def _plan_page(
    request: HttpRequest,
    user: User,
    registration: Registration,
    *,
    sign_form: SignForm | None,
) -> HttpResponse:
    """Render the plan page; a sign form that failed is shown with its error summary."""
    spec = specs.specification_of(registration)
    record = plans.plan_of(registration)
    planned = {m.method_id: m for m in record.methods.all()} if record else {}
    booked = {b.method_id: b for b in bookings.live_bookings(registration)}
    rows = [
        {
            "method": method,
            "planned": planned.get(method.id),
            "mode": planned[method.id].mode if method.id in planned else "",
            "booking": booked.get(method.id),
        }
        for method in spec.methods
    ]
    party = None
    if user.role == Role.APPRENTICE:
        party = "apprentice"
    elif user.role == Role.ASSESSOR and registration.assessor_id == user.pk:
        party = "assessor"
    signed = bool(record and party and getattr(record, f"{party}_signed_at"))
    read_only = work_problem(registration)  # withdrawn or on hold: nothing to sign or book
    if sign_form is None:
        sign_form = SignForm(initial={"revision": record.revision if record else 0})
    return render(
        request,
        "planning/plan_detail.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "record": record,
            "rows": rows,
            "declarations": plans.declarations(spec),
            "submissions": plans.submission_rows(spec, record, evidence.dates_of(registration)),
            "party": party,
            "read_only": read_only,
            "can_sign": bool(
                record and record.meeting_on and party and not signed and not read_only
            ),
            "sign_form": sign_form,
            "can_record": not read_only
            and user.role == Role.ASSESSOR
            and registration.assessor_id == user.pk,
            "can_book": not read_only and bookings.may_book(user, registration),
        },
        status=400 if sign_form.is_bound else 200,
    )


@role_required(Role.ASSESSOR)
def plan_edit(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The allocated assessor records the planning meeting and the plan."""
    registration = get_registration(_user(request), registration_pk)
    spec = specs.specification_of(registration)
    record = plans.plan_of(registration)
    planned = {m.method_id: m for m in record.methods.all()} if record else {}
    initial: dict[str, Any] = {
        "revision": record.revision if record else 0,
        "meeting_on": record.meeting_on if record else None,
        "meeting_notes": record.meeting_notes if record else "",
    }
    for method in spec.methods:
        row = planned.get(method.id)
        modes = plans.allowed_modes(method)
        default = method.modes.default if method.modes and method.modes.default else None
        initial[f"{method.id}_date"] = row.planned_date if row else None
        initial[f"{method.id}_mode"] = row.mode if row else (default or modes[0])
        initial[f"{method.id}_adjustment"] = (
            row.reasonable_adjustment if row else registration.reasonable_adjustments
        )
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        methods=spec.methods,
        initial=initial,
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.record_plan(
                registration,
                _user(request),
                revision=data["revision"],
                meeting_on=data["meeting_on"],
                meeting_notes=data["meeting_notes"],
                methods={
                    m.id: plans.MethodPlan(
                        data[f"{m.id}_date"], data[f"{m.id}_mode"], data[f"{m.id}_adjustment"]
                    )
                    for m in spec.methods
                },
                confirmed=data["confirm"],
            )
        except PlanningRefused as refusal:
            warnings = _refuse(form, refusal)
            if isinstance(refusal, RecordChanged):
                fresh = plans.plan_of(registration)
                _fresh_revision(form, fresh.revision if fresh else 0)
        else:
            messages.success(request, "The plan was saved. The apprentice and you can now sign it")
            return redirect("planning:plan", registration_pk=registration.pk)
    return render(
        request,
        "planning/plan_edit.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "form": form,
            "warnings": warnings,
        },
    )


@require_POST
@role_required(Role.APPRENTICE, Role.ASSESSOR)
def plan_sign(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The apprentice or the allocated assessor signs their agreement to the plan.

    A refusal (the box not ticked, the plan changed since the page was shown) is shown on
    the plan page in the error summary.
    """
    user = _user(request)
    registration = get_registration(user, registration_pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            record = plans.sign_plan(registration, user, revision=form.cleaned_data["revision"])
        except PlanningRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            note = " Both of you have signed: the employer has been told." if record.agreed else ""
            messages.success(request, f"You signed the plan.{note}")
            return redirect("planning:plan", registration_pk=registration.pk)
    return _plan_page(request, user, registration, sign_form=form)


@role_required(*BOOKERS)
def booking_add(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """Book a method, checked against the specification's rules and the assessor's diary."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    bookings.require_booker(user, registration)
    spec = specs.specification_of(registration)
    record = plans.plan_of(registration)
    wanted = request.GET.get("method", "")
    planned = {m.method_id: m for m in record.methods.all()} if record else {}
    evidenced = evidence.dates_of(registration)
    used = plans.submissions_used(spec)
    asked = [name for name in used if name not in evidenced]
    initial: dict[str, Any] = {name: getattr(record, name) if record else None for name in asked}
    if any(m.id == wanted for m in spec.methods):
        initial["method"] = wanted
    if wanted in planned:
        initial.update(on=planned[wanted].planned_date, mode=planned[wanted].mode)
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        methods=spec.methods,
        submissions=asked,
        initial=initial,
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = bookings.book(
                registration,
                user,
                method_id=data["method"],
                on=data["on"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                mode=data["mode"],
                submissions={name: data[name] for name in asked},
                confirmed=data["confirm"],
            )
        except PlanningRefused as refusal:
            warnings = _refuse(form, refusal)
        else:
            name = form.methods[booking.method_id].name
            messages.success(request, f"The {name} is booked for {booking.on:%-d %B %Y}")
            return redirect("planning:plan", registration_pk=registration.pk)
    return render(
        request,
        "planning/booking_add.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "form": form,
            "warnings": warnings,
            "evidenced": [
                (plans.SUBMISSIONS[name], evidenced[name]) for name in used if name in evidenced
            ],
        },
    )


def _booking(user: User, booking_pk: int) -> Booking:
    """A live booking of a registration in the user's scope, or 404."""
    booking = (
        Booking.objects.select_related("registration__apprentice", "registration__epao", "assessor")
        .filter(pk=booking_pk, registration__in=registrations_for(user))
        .first()
    )
    if booking is None:
        raise Http404("No such booking")
    bookings.require_booker(user, booking.registration)
    return booking


@role_required(*BOOKERS)
def booking_move(request: HttpRequest, booking_pk: int) -> HttpResponse:
    """Move a booking for extenuating circumstances, with a reason; every move is kept."""
    user = _user(request)
    booking = _booking(user, booking_pk)
    registration = get_registration(user, booking.registration_id)
    spec = specs.specification_of(registration)
    method = next(m for m in spec.methods if m.id == booking.method_id)
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        method=method,
        initial={
            "revision": booking.revision,
            "on": booking.on,
            "starts_at": time_text(booking.starts_at),
            "minutes": ", ".join(str(m) for m in booking.minutes),
            "mode": booking.mode,
        },
    )
    warnings: list[str] = []
    live = booking.status == Booking.Status.BOOKED
    if request.method == "POST" and live and form.is_valid():
        data = form.cleaned_data
        try:
            bookings.move(
                booking,
                user,
                revision=data["revision"],
                on=data["on"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                mode=data["mode"],
                reason=data["reason"],
                confirmed=data["confirm"],
            )
        except PlanningRefused as refusal:
            warnings = _refuse(form, refusal)
            if isinstance(refusal, RecordChanged):
                booking.refresh_from_db()
                _fresh_revision(form, booking.revision)
        else:
            messages.success(request, f"The {method.name} was moved to {data['on']:%-d %B %Y}")
            return redirect("planning:plan", registration_pk=registration.pk)
    return render(
        request,
        "planning/booking_move.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "booking": booking,
            "method": method,
            "form": form,
            "live": live,
            "warnings": warnings,
            "changes": booking.changes.select_related("changed_by").all(),
        },
    )


@role_required(*BOOKERS)
def booking_cancel(request: HttpRequest, booking_pk: int) -> HttpResponse:
    """Cancel a booking with a reason; it is kept."""
    user = _user(request)
    booking = _booking(user, booking_pk)
    registration = get_registration(user, booking.registration_id)
    spec = specs.specification_of(registration)
    method = next(m for m in spec.methods if m.id == booking.method_id)
    form = CancelForm(
        request.POST if request.method == "POST" else None,
        initial={"revision": booking.revision},
    )
    live = booking.status == Booking.Status.BOOKED
    if request.method == "POST" and live and form.is_valid():
        try:
            bookings.cancel(
                booking,
                user,
                revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
            )
        except PlanningRefused as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, f"The {method.name} booking was cancelled")
            return redirect("planning:plan", registration_pk=registration.pk)
    return render(
        request,
        "planning/booking_cancel.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "booking": booking,
            "method": method,
            "form": form,
            "live": live,
        },
    )
