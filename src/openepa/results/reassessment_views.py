"""The EPAO admin's page for recording a resit or retake after a released fail."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.kernel.roles import role_required
from openepa.registration.access import Role, get_registration
from openepa.results.forms_appeals import ReassessmentForm
from openepa.results.reassessment import (
    Agreement,
    ReassessmentRefused,
    reassessment_state,
    record_reassessment,
)


@role_required(Role.EPAO_ADMIN)
def reassessment(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the registration's sittings and deadline; record a resit or retake."""
    user: User = request.user  # type: ignore[assignment]
    registration = get_registration(user, pk)
    state = reassessment_state(registration)
    based_on = state.sitting.number if state.sitting else None
    form = ReassessmentForm(request.POST or None, initial={"based_on": based_on})
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sitting = record_reassessment(
                registration,
                user,
                Agreement(
                    kind=data["kind"],
                    whole_epa=data["whole_epa"],
                    employer_agreed=data["employer_agreed"],
                    employer_contact=data["employer_contact"],
                    employer_agreed_on=data["employer_agreed_on"],
                    attempts_agreed=data["attempts_agreed"],
                    further_learning=data["further_learning"],
                    exceptional_circumstances=data["exceptional_circumstances"],
                    exceptional_reason=data["exceptional_reason"],
                    reason=data["reason"],
                ),
                based_on=data["based_on"],
            )
        except ReassessmentRefused as refused:
            refusal = refused.message
            cap = state.spec.reassessment.cap
            shown = set(form.fields)
            if not (cap and cap.lifted_by_exceptional_circumstances):
                shown.discard("exceptional_circumstances")  # not on the page: a page error
            for name, message in refused.problems.items():
                form.add_error(name if name in shown else None, message)
            if not refused.problems:
                form.add_error(None, refused.message)
            state = reassessment_state(registration)
        else:
            messages.success(
                request,
                f"{sitting.get_kind_display()} recorded (sitting {sitting.number}).",
            )
            return redirect("results:reassessment", pk=registration.pk)
    return render(
        request,
        "results/reassessment_record.html",
        {"registration": registration, "state": state, "form": form, "refusal": refusal},
    )
