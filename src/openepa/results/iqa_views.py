"""Pages of internal quality assurance: the EPAO's quality settings, the IQA's queue and review.

Each view fetches within the user's scope, calls a service and renders; grades are never
decided here (the engine re-grades an amended record in the service).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.accounts.policy import PolicyChanged, policy_of, update_policy
from openepa.assessment.changes import history_of, judgements_of
from openepa.assessment.models import AssessmentRecord, Judgement
from openepa.assessment.refusals import RecordRefused
from openepa.files.models import StoredFile
from openepa.gateway.models import PortfolioPiece
from openepa.kernel import specs
from openepa.kernel.roles import role_required
from openepa.registration.access import Role
from openepa.results import iqa
from openepa.results.forms_iqa import DecisionForm, PolicyForm
from openepa.rules.identifiers import whole_number
from openepa.rules.labels import checklist_name, date_words, method_name, mode_words
from openepa.rules.model import Specification
from openepa.rules.recording import method_of

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- quality settings -------------------------------------------------------------------------


@role_required(Role.EPAO_ADMIN)
def policy(request: HttpRequest) -> HttpResponse:
    """The EPAO's quality settings: sampling for IQA, the appeal period, certificate claims."""
    user = _user(request)
    assert user.epao is not None
    current = policy_of(user.epao)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            revision = data.pop("revision")
            try:
                changes = update_policy(user.epao, user, revision=revision, **data)
            except PolicyChanged as refusal:
                form.add_error(None, refusal.message)
                current = policy_of(user.epao)
                fresh = form.data.copy()  # type: ignore[attr-defined]
                fresh["revision"] = str(current.revision)
                form.data = fresh
            else:
                if changes:
                    messages.success(request, "The quality settings were saved")
                else:
                    messages.info(request, "Nothing was changed")
                return redirect("results:policy")
    else:
        form = PolicyForm(
            initial={
                "revision": current.revision,
                "sample_first_decisions": current.sample_first_decisions,
                "sample_all_fails": _yes_no(current.sample_all_fails),
                "sample_all_distinctions": _yes_no(current.sample_all_distinctions),
                "sample_percent_of_rest": current.sample_percent_of_rest,
                "appeal_period_days": current.appeal_period_days,
                "claim_top_grade_immediately": _yes_no(current.claim_top_grade_immediately),
            }
        )
    return render(request, "results/policy.html", {"form": form, "policy": current})


# --- the IQA's queue --------------------------------------------------------------------------


@role_required(Role.IQA)
def iqa_queue(request: HttpRequest) -> HttpResponse:
    """Decisions held for the IQA's review, the longest waiting first."""
    user = _user(request)
    page = Paginator(iqa.held_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for record in page:
        spec, _ = specs.rules_of(record.registration)
        rows.append({"record": record, "method": _method_name(spec, record.method_id)})
    return render(request, "results/iqa_queue.html", {"page_obj": page, "rows": rows})


def _method_name(spec: Specification, method_id: str) -> str:
    return method_name(spec, method_id)


# --- reviewing one decision -------------------------------------------------------------------


def criteria_of(record: AssessmentRecord) -> list[dict[str, Any]]:
    """Every criterion of the record with its current judgement, comment and evidence."""
    spec, _ = specs.rules_of(record.registration)
    method = method_of(spec, record.method_id)
    current = judgements_of(record)
    lists: list[tuple[str, str, list[Any]]] = [("", "", list(method.criteria))]
    for checklist in method.additional_checklists:
        target_method, _, element = checklist.exempts.partition("/")
        target = method_of(spec, target_method)
        lists.append(
            (checklist.id, checklist.name, [c for c in target.criteria if c.element == element])
        )
    evidence = _evidence_names(record, current.values())
    labels = dict(Judgement.Value.choices)
    rows: list[dict[str, Any]] = []
    for checklist_id, list_name, criteria in lists:
        for criterion in criteria:
            judgement = current.get((checklist_id, criterion.id))
            rows.append(
                {
                    "checklist": checklist_id,
                    "checklist_name": list_name,
                    "id": criterion.id,
                    "text": criterion.text,
                    "kind": criterion.kind,
                    "current_value": judgement.value if judgement else "",
                    "current_label": labels.get(judgement.value, "") if judgement else "",
                    "current_comment": judgement.comment if judgement else "",
                    "evidence": [
                        evidence.get(item, {"name": item, "url": ""})
                        for item in (judgement.evidence if judgement else [])
                    ],
                }
            )
    return rows


def _evidence_names(record: AssessmentRecord, judgements: Any) -> dict[str, dict[str, str]]:
    """Names (and download links) of the evidence the judgements rely on, in two queries."""
    from django.urls import reverse

    items = {item for judgement in judgements for item in judgement.evidence or []}
    uuids = [i.split(":", 1)[1] for i in items if i.startswith("file:")]
    pieces = [i.split(":", 1)[1] for i in items if i.startswith("piece:")]
    names: dict[str, dict[str, str]] = {}
    if uuids:
        for stored in StoredFile.objects.filter(
            registration_id=record.registration_id, uuid__in=_valid_uuids(uuids)
        ):
            names[f"file:{stored.uuid}"] = {
                "name": stored.original_name,
                "url": reverse("files:download", args=[stored.uuid]),
            }
    numeric = [n for n in (whole_number(p, low=1) for p in pieces) if n is not None]
    if numeric:
        for piece in PortfolioPiece.objects.filter(
            registration_id=record.registration_id, pk__in=numeric
        ).select_related("file"):
            names[f"piece:{piece.pk}"] = {
                "name": f"Portfolio piece {piece.number}: {piece.title}",
                "url": reverse("files:download", args=[piece.file.uuid]),
            }
    return names


def _valid_uuids(values: list[str]) -> list[str]:
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


def _shown(value: Any, field: str = "") -> str:
    """A value of the record's history as a person reads it (a ``mode`` in words)."""
    labels = dict(Judgement.Value.choices)
    if value in (None, "", []):
        return "—"
    if field == "mode":
        return mode_words(str(value))
    if isinstance(value, list) and value and isinstance(value[0], str):
        text = labels.get(value[0], value[0])
        if len(value) > 1 and value[1]:
            text += f" (“{value[1]}”)"
        return text
    return date_words(str(labels.get(value, value))) if isinstance(value, str) else str(value)


def history_rows(record: AssessmentRecord) -> list[dict[str, Any]]:
    """The record's history with each field and value in words."""
    rows = []
    spec = specs.specification_of(record.registration)
    for change in history_of(record):
        name = change.field
        if name.startswith("judgement:"):
            _, checklist, criterion = name.split(":", 2)
            name = f"Judgement of {criterion}" + (
                f" ({checklist_name(spec, checklist)})" if checklist else ""
            )
        else:
            name = name.replace("_", " ").capitalize()
        rows.append(
            {
                "change": change,
                "field": name,
                "old": _shown(change.old, change.field),
                "new": _shown(change.new, change.field),
            }
        )
    return rows


def _initial(record: AssessmentRecord, criteria: list[dict[str, Any]]) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": record.revision}
    for index, item in enumerate(criteria):
        initial[f"value_{index}"] = item["current_value"]
        initial[f"comment_{index}"] = item["current_comment"]
    return initial


@role_required(Role.IQA)
def iqa_review(request: HttpRequest, record_pk: int) -> HttpResponse:
    """One sampled decision: the IQA upholds it, or amends its judgements with a reason."""
    user = _user(request)
    record = iqa.record_for(user, record_pk)
    criteria = criteria_of(record)
    refusal = iqa.iqa_refusal(record, user)
    if request.method == "POST" and refusal is None:
        form = DecisionForm(request.POST, criteria=criteria)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "uphold":
                    iqa.uphold(record.pk, user, data["revision"], data.get("reason") or "")
                    messages.success(request, "You upheld the decision")
                else:
                    iqa.amend(
                        record.pk,
                        user,
                        data["revision"],
                        form.changed_judgements(),
                        data.get("reason") or "",
                    )
                    messages.success(request, "You amended the decision; the grade was updated")
            except RecordRefused as error:
                for problem in error.problems:
                    form.add_error(None, problem)
                record = iqa.record_for(user, record_pk)
                refusal = iqa.iqa_refusal(record, user)
            else:
                return redirect("results:iqa_review", record_pk=record.pk)
    elif request.method == "POST":
        form = DecisionForm(request.POST, criteria=criteria)
        form.is_valid()
        form.add_error(None, refusal or "")
    else:
        form = DecisionForm(initial=_initial(record, criteria), criteria=criteria)
    spec, _ = specs.rules_of(record.registration)
    method = method_of(spec, record.method_id)
    return render(
        request,
        "results/iqa_review.html",
        {
            "record": record,
            "registration": record.registration,
            "method": method,
            "form": form,
            "rows": form.rows(),
            "refusal": refusal,
            "flags": iqa.flags_of(record),
            "history": history_rows(record),
            "labels": dict(Judgement.Value.choices),
        },
    )
