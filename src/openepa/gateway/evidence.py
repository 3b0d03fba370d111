"""Evidence submitted for one component: an upload or answer, and the parties' signatures.

An upload or answer is submitted at once for the EPAO's review; English or maths evidence
records the level it shows, refused below the level the specification asks for. A
declaration is signed by each party the specification names, in their own name, and is
submitted when the last of them signs. Every submission and signature is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from openepa.accounts.models import User
from openepa.gateway.components import (
    audit_component,
    lock_component,
    require_party,
    save_component,
    start_gateway,
    state_problem,
    store_evidence,
    sync_component,
)
from openepa.gateway.models import GatewayComponent, GatewaySubmission, Signature
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.wording import moment_text, subject_of
from openepa.kernel import specs
from openepa.rules.labels import party_words

Status = GatewayComponent.Status


# --- uploads and answers ----------------------------------------------------------------


def level_problem(component: GatewayComponent, level: int | None, epao: str) -> str | None:
    """Why ``level`` does not meet the component's required level, or None."""
    if component.uses != "english_maths" or component.level is None:
        return None
    if level is None:
        return f"Select the level of {subject_of(component)} the evidence shows"
    if level < component.level:
        return (
            f"{epao} asks for level {component.level} {subject_of(component)}: "
            f"the evidence shows level {level}"
        )
    return None


@transaction.atomic
def submit_evidence(
    component: GatewayComponent,
    user: User,
    *,
    revision: int,
    upload: UploadedFile[bytes] | None = None,
    note: str = "",
    level: int | None = None,
) -> GatewaySubmission:
    """Submit an upload, or an answer (``note`` is the answer), for the EPAO's review.

    An upload may carry a note and, for English or maths, the level achieved. Refused for
    the wrong party (403), a component waiting for review or accepted, a level below the one
    the specification asks for, a missing answer or file, or a file that is too large or not
    what it claims to be.
    """
    party = require_party(user, component)
    if component.evidence not in ("upload", "answer") or component.uses in (
        "portfolio",
        "project_proposal",
    ):
        raise GatewayRefused(f"{component.name} is not submitted with this form")
    fresh = lock_component(component, revision)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    spec, _ = specs.rules_of(component.registration)
    note = note.strip()
    if component.evidence == "answer" and not note:
        raise GatewayRefused(f"Enter your answer for {component.name}", field="answer")
    problem = level_problem(fresh, level, spec.epao.name)
    if problem:
        raise GatewayRefused(problem, field="level")
    stored = None
    if component.evidence == "upload":
        if upload is None:
            raise GatewayRefused("Select the file with the evidence", field="file")
        stored = store_evidence(upload, component.registration, user)
    attempt = fresh.attempts + 1
    submission = GatewaySubmission.objects.create(
        component=fresh,
        attempt=attempt,
        submitted_by=user,
        answer=note,
        file=stored,
        level_achieved=level if component.uses == "english_maths" else None,
    )
    old_status = fresh.status
    save_component(fresh, status=Status.SUBMITTED, attempts=attempt)
    sync_component(component, fresh)
    start_gateway(component.registration, user)
    changes: dict[str, tuple[Any, Any]] = {
        "status": (old_status, Status.SUBMITTED),
        "attempts": (attempt - 1, attempt),
    }
    if stored is not None:
        changes["file"] = (None, stored.original_name)
    if note:
        changes["answer" if component.evidence == "answer" else "note"] = (None, note)
    if submission.level_achieved is not None:
        changes["level achieved"] = (None, submission.level_achieved)
    audit_component(
        user,
        fresh,
        "gateway.submitted",
        f"{component.name} submitted by the {party_words(party)} (attempt {attempt})",
        changes,
    )
    return submission


# --- declarations -----------------------------------------------------------------------


@transaction.atomic
def sign_declaration(component: GatewayComponent, user: User) -> Signature:
    """Sign a declaration as the party ``user`` acts for, in their own name.

    When every party the specification names has signed, the declaration is submitted for
    the EPAO's review. A party signs once per attempt; after a rejection every party signs
    again.
    """
    party = require_party(user, component)
    if component.evidence != "declaration":
        raise GatewayRefused(f"{component.name} is not a declaration")
    fresh = lock_component(component, None)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    attempt = fresh.attempts + 1
    earlier = (
        Signature.objects.filter(component=fresh, attempt=attempt, party=party)
        .select_related("user")
        .first()
    )
    if earlier is not None:
        raise GatewayRefused(
            f"{earlier.signed_name} ({earlier.user.email}) already signed this declaration "
            f"for the {party_words(party)} on {moment_text(earlier.signed_at)}"
        )
    signature = Signature.objects.create(
        component=fresh, attempt=attempt, party=party, user=user, signed_name=user.full_name
    )
    signed = set(
        Signature.objects.filter(component=fresh, attempt=attempt).values_list("party", flat=True)
    )
    old_status = fresh.status
    changes: dict[str, tuple[Any, Any]] = {
        f"signature of the {party_words(party)}": (
            None,
            f"{user.full_name} <{user.email}> at {moment_text(signature.signed_at)}",
        )
    }
    if all(p in signed for p in fresh.submitted_by):
        GatewaySubmission.objects.create(
            component=fresh,
            attempt=attempt,
            submitted_by=user,
            answer=fresh.description,
        )
        save_component(fresh, status=Status.SUBMITTED, attempts=attempt)
        changes["status"] = (old_status, Status.SUBMITTED)
        changes["attempts"] = (attempt - 1, attempt)
        summary = (
            f"{component.name} signed by {user.full_name} for the "
            f"{party_words(party)}; every party has signed, submitted for review"
        )
    else:
        new_status = Status.IN_PROGRESS if old_status == Status.NOT_STARTED else old_status
        save_component(fresh, status=new_status)
        if new_status != old_status:
            changes["status"] = (old_status, new_status)
        summary = f"{component.name} signed by {user.full_name} for the {party_words(party)}"
    sync_component(component, fresh)
    start_gateway(component.registration, user)
    audit_component(user, fresh, "gateway.signed", summary, changes)
    return signature
