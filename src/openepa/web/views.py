"""The home page of each role, and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.access import registrations_for
from openepa.accounts.models import User
from openepa.gateway.services import awaiting_review


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs doing for the signed-in user, counted in the database."""
    user: User = request.user  # type: ignore[assignment]
    registrations = registrations_for(user)
    if user.role == User.Role.APPRENTICE:
        own = registrations.order_by("-created_at").first()
        if own is not None:
            return redirect("registration:detail", pk=own.pk)
    by_status = dict(registrations.order_by().values_list("status").annotate(total=Count("id")))
    to_review = awaiting_review(user).count() if user.role == User.Role.EPAO_ADMIN else 0
    return render(
        request,
        "web/home.html",
        {"by_status": by_status, "total": sum(by_status.values()), "to_review": to_review},
    )
