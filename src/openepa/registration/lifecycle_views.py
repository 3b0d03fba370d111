"""Pages of a registration's life: correct its details, put it on hold, resume, withdraw, transfer.

Each is its own form page with the error summary, and ends on the apprentice's page with a
success banner. The EPAO admin may do each; the apprentice's training provider may correct
the details and put on hold or resume; any other role is refused (403) and a registration
outside the person's scope is not found (404). A withdrawn registration is read-only: its
pages send the person back to the apprentice's page with why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.kernel.roles import role_required
from openepa.registration.access import get_registration
from openepa.registration.corrections import correct_details
from openepa.registration.lifecycle import (
    CARETAKERS,
    HOLDABLE,
    LifecycleRefused,
    RegistrationChanged,
    hold,
    resume,
    withdraw,
    withdrawn_message,
)
from openepa.registration.lifecycle_forms import (
    CorrectionForm,
    HoldForm,
    ResumeForm,
    RevisionForm,
    TransferForm,
    WithdrawForm,
)
from openepa.registration.models import Registration
from openepa.registration.transfers import transfer
from openepa.rules.dates import long_date

ADMIN = User.Role.EPAO_ADMIN
Status = Registration.Status


@dataclass(frozen=True)
class Action:
    """A link on the apprentice's page to one of these pages."""

    label: str
    url_name: str


def actions_for(user: User, registration: Registration) -> list[Action]:
    """The changes ``user`` may make to the registration now, as links for its page."""
    if registration.is_read_only or registration.status == Status.COMPLETED:
        return []
    found: list[Action] = []
    if user.role in CARETAKERS:
        found.append(Action("Correct details", "registration:correct"))
        if registration.status in HOLDABLE:
            found.append(Action("Put on hold (break in learning)", "registration:hold"))
        if registration.status == Status.ON_HOLD:
            found.append(Action("Resume after the break", "registration:resume"))
    if user.role == ADMIN:
        found.append(Action("Transfer to another provider or employer", "registration:transfer"))
        found.append(Action("Withdraw", "registration:withdraw"))
    return found


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _back(request: HttpRequest, registration: Registration, message: str) -> HttpResponse:
    """The apprentice's page, with why this page cannot be used now."""
    messages.error(request, message)
    return redirect("registration:detail", pk=registration.pk)


def _refused(form: RevisionForm, refused: LifecycleRefused, registration: Registration) -> None:
    """Show a refusal in the error summary; after someone else's change, the new revision."""
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)
    if isinstance(refused, RegistrationChanged):
        registration.refresh_from_db()
        form.refresh_revision(registration.revision)


def _page(
    request: HttpRequest,
    template: str,
    registration: Registration,
    form: RevisionForm,
    **extra: object,
) -> HttpResponse:
    return render(
        request,
        f"apprentices/lifecycle/{template}",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "form": form,
            **extra,
        },
    )


@role_required(*CARETAKERS)
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what was registered, with the registration form's checks and a reason."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    name = registration.apprentice.full_name
    form = CorrectionForm(
        request.POST or None, initial=CorrectionForm.initial_of(registration), today=clock.today()
    )
    if user.role != ADMIN:
        form.fields["uln"].help_text = "Only the EPAO can change a ULN: ask them, with the reason"
    if request.method == "POST" and form.is_valid():
        try:
            changes = correct_details(
                registration,
                user,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
            )
        except LifecycleRefused as refused:
            _refused(form, refused, registration)
        else:
            if changes:  # the name as it now is (a corrected family name is the new one)
                registration.apprentice.refresh_from_db()
                messages.success(
                    request, f"{registration.apprentice.full_name}'s details were corrected"
                )
            else:
                messages.info(request, f"Nothing was changed: {name}'s details are as they were")
            return redirect("registration:detail", pk=registration.pk)
    return _page(request, "correct.html", registration, form, is_admin=user.role == ADMIN)


@role_required(*CARETAKERS)
@require_http_methods(["GET", "POST"])
def hold_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the registration on hold for a break in learning."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    name = registration.apprentice.full_name
    if registration.status not in HOLDABLE:
        return _back(
            request,
            registration,
            f"{name}'s registration is {registration.get_status_display().lower()}: it cannot "
            "be put on hold",
        )
    form = HoldForm(
        request.POST or None, initial={"revision": registration.revision}, today=clock.today()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = hold(
                registration,
                user,
                held_from=data["held_from"],
                expected_return=data["expected_return"],
                reason=data["reason"],
                revision=data["revision"],
            )
        except LifecycleRefused as refused:
            _refused(form, refused, registration)
        else:
            messages.success(
                request,
                f"{name} is on hold from {long_date(record.held_from)}, expected back "
                f"{long_date(record.expected_return)}: reminders and the EPA window are paused",
            )
            return redirect("registration:detail", pk=registration.pk)
    return _page(request, "hold.html", registration, form)


@role_required(*CARETAKERS)
@require_http_methods(["GET", "POST"])
def resume_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume the registration after the break in learning."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    current = registration.current_break
    name = registration.apprentice.full_name
    if current is None:
        return _back(request, registration, f"{name}'s registration is not on hold")
    form = ResumeForm(
        request.POST or None, initial={"revision": registration.revision}, today=clock.today()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = resume(
                registration,
                user,
                resumed_on=data["resumed_on"],
                note=data["note"],
                revision=data["revision"],
            )
        except LifecycleRefused as refused:
            _refused(form, refused, registration)
        else:
            moved = ""
            if record.window_end_after and record.window_end_after != record.window_end_before:
                moved = f": the EPA window now ends on {long_date(record.window_end_after)}"
            messages.success(
                request, f"{name} has resumed on {long_date(data['resumed_on'])}{moved}"
            )
            return redirect("registration:detail", pk=registration.pk)
    return _page(request, "resume.html", registration, form, current=current)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the registration: its bookings are cancelled and the parties told."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    name = registration.apprentice.full_name
    bookings = registration.bookings.filter(status="booked").count()
    form = WithdrawForm(
        request.POST or None, initial={"revision": registration.revision}, today=clock.today()
    )
    if request.method == "POST" and form.is_valid():
        try:
            withdraw(
                registration,
                user,
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
            )
        except LifecycleRefused as refused:
            _refused(form, refused, registration)
        else:
            cancelled = f" and its {bookings} booking{'' if bookings == 1 else 's'} cancelled"
            messages.success(
                request,
                f"{name}'s registration is withdrawn{cancelled if bookings else ''}: the "
                "parties with an OpenEPA account have been emailed",
            )
            return redirect("registration:detail", pk=registration.pk)
    return _page(request, "withdraw.html", registration, form, bookings=bookings)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def transfer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Transfer the registration to another training provider or employer of the EPAO."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    name = registration.apprentice.full_name
    form = TransferForm(
        request.POST or None,
        registration=registration,
        initial={"revision": registration.revision},
        today=clock.today(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records = transfer(
                registration,
                user,
                provider=data["provider"],
                employer=data["employer"],
                effective_on=data["effective_on"],
                reason=data["reason"],
                revision=data["revision"],
            )
        except LifecycleRefused as refused:
            _refused(form, refused, registration)
        else:
            moves = "; ".join(
                f"{r.from_organisation.name} to {r.to_organisation.name}" for r in records
            )
            messages.success(
                request,
                f"{name}'s registration is transferred from "
                f"{long_date(data['effective_on'])}: {moves}",
            )
            return redirect("registration:detail", pk=registration.pk)
    return _page(request, "transfer.html", registration, form)
