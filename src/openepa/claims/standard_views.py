"""The "Standards at the assessment service" page: each standard's LARS code, set once.

For EPAO admins only. Each standard loaded from the standard files is listed with its
versions, course options and LARS code, and where each comes from; an admin sets the LARS code
of a standard whose file gives none, with where they confirmed it. Every change is audited
(who, when, why) and shown; a change made on a page someone else saved since is refused.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.claims import standards
from openepa.claims.forms import LarsCodeForm
from openepa.claims.standards import StandardChanged, StandardRefused
from openepa.kernel.roles import role_required

ADMIN = User.Role.EPAO_ADMIN
REFERENCE = re.compile(r"ST[0-9]{4}")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@role_required(ADMIN)
def standard_list(request: HttpRequest) -> HttpResponse:
    """Every standard loaded, with the EPAO's LARS codes and where each fact comes from."""
    user = _user(request)
    assert user.epao_id is not None
    found = standards.standards_of(user.epao_id)
    return render(
        request,
        "claims/standards.html",
        {"standards": found, "reasons": standards.latest_reasons(user.epao_id, found)},
    )


@role_required(ADMIN)
def standard_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Set or correct the LARS code of one standard, with why; its history below."""
    user = _user(request)
    assert user.epao is not None
    info = (
        standards.standard_info(user.epao.pk, reference) if REFERENCE.fullmatch(reference) else None
    )
    if info is None:
        raise Http404("No such standard")
    current = info.row.revision if info.row else 0
    if request.method == "POST":
        form = LarsCodeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changes = standards.set_lars_code(
                    user.epao,
                    user,
                    reference=reference,
                    lars_code=data["lars_code"],
                    revision=data["revision"],
                    reason=data["reason"],
                )
            except StandardRefused as refusal:
                form.add_error(None, refusal.message)
                if isinstance(refusal, StandardChanged):
                    info = standards.standard_info(user.epao.pk, reference) or info
                    fresh = form.data.copy()  # type: ignore[attr-defined]
                    fresh["revision"] = str(info.row.revision if info.row else 0)
                    form.data = fresh
            else:
                if changes:
                    moved = changes.get(standards.BACK_TO_DRAFT, (0, 0))[0]
                    back = (
                        f": {moved} ready claim{'s' if moved != 1 else ''} went back to draft, "
                        "to be checked and marked ready again"
                        if moved
                        else ""
                    )
                    messages.success(
                        request,
                        f"The LARS code of {reference} was set to {data['lars_code']}{back}",
                    )
                else:
                    messages.info(request, "Nothing was changed")
                return redirect("claims:standards")
    else:
        form = LarsCodeForm(initial={"revision": current, "lars_code": info.epao_lars_code})
    return render(
        request,
        "claims/standard_edit.html",
        {"standard": info, "form": form, "history": standards.history(user.epao.pk, info)},
    )
