"""The assessor's record of each method: judge every criterion, save drafts, submit.

The allocated assessor edits the draft of the current sitting; the registration's IQA and the
EPAO's admins read the latest record. The apprentice, the employer and the training provider
do not see records here (their results pages come after the result is released).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment import services
from openepa.assessment.forms import (
    Posted,
    RecordFieldsForm,
    judgement_name,
    judgement_plain,
    plain_value,
    read_post,
)
from openepa.assessment.models import AssessmentRecord, Judgement
from openepa.assessment.services import (
    FIELD_LABELS,
    Conflict,
    JudgementKey,
    RecordRefused,
    SaveOutcome,
)
from openepa.files.models import StoredFile
from openepa.gateway.models import PortfolioPiece
from openepa.kernel import specs
from openepa.kernel.roles import role_required
from openepa.planning.plans import mode_choices
from openepa.registration.access import Role, get_registration, registrations_for
from openepa.registration.models import Registration
from openepa.rules.errors import GradingInputError
from openepa.rules.grading import MethodResult
from openepa.rules.labels import mode_words
from openepa.rules.model import Method, Specification, Standard
from openepa.rules.recording import KEY

READERS = (Role.ASSESSOR, Role.IQA, Role.EPAO_ADMIN)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


# --- what the page shows ------------------------------------------------------------------


@dataclass
class Row:
    """One criterion on the page, with its judgement."""

    key: JudgementKey
    criterion: Any
    name: str
    anchor: str
    value: str = ""
    comment: str = ""
    evidence: tuple[str, ...] = ()
    orig: str = ""
    error: str = ""
    yours: str = ""


@dataclass
class Group:
    """A heading (an area, a showcase element or a checklist) and its criteria."""

    heading: str
    rows: list[Row] = field(default_factory=list)
    exempt_through: str = ""
    carried: list[tuple[Any, str]] = field(default_factory=list)
    hint: str = ""


def _state(judgement: Judgement | None) -> tuple[str, str, tuple[str, ...]] | None:
    if judgement is None:
        return None
    return (judgement.value, judgement.comment, tuple(sorted(judgement.evidence or ())))


def _display(name: str, value: Any) -> str:
    """A field or judgement value in words, for conflict messages."""
    if value in (None, "", [], ()):
        return "empty"
    if name.startswith("judgement:"):
        key, comment, evidence = [*list(value), "", ()][:3]
        words = KEY.get(str(key), str(key) or "no judgement")
        if comment:
            words += f" with “{comment}”"
        if evidence:
            words += f" ({len(evidence)} pieces of evidence)"
        return words
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if name == "occasions":
        return ", ".join(f"{o.get('on')} ({o.get('minutes')} minutes)" for o in value)
    if name == "mode":
        return mode_words(str(value))
    if name in ("assessed_on", "starts_at", "ends_at") and isinstance(value, str):
        return value
    text = str(value)
    return f"“{text[:80]}{'…' if len(text) > 80 else ''}”"


def conflict_message(conflict: Conflict) -> str:
    """What the person is told about a conflict: who, when, theirs kept, yours shown."""
    when = f" at {timezone.localtime(conflict.at):%H:%M}" if conflict.at else ""
    if conflict.field.startswith("judgement:"):
        what = f"the judgement of {conflict.label}"
    else:
        what = conflict.label.lower()
    return (
        f"{conflict.by} changed {what}{when} while you were editing: their value is kept; "
        f"yours was {_display(conflict.field, conflict.yours)}. Choose which to keep and "
        "save again."
    )


def _conflict_inputs(conflict: Conflict) -> dict[str, Any]:
    """The inputs to set to the stored (their) value after a conflict, by input name."""
    name, theirs = conflict.field, conflict.theirs
    if name.startswith("judgement:"):
        _, checklist, criterion = name.split(":", 2)
        prefix = judgement_name(checklist, criterion)
        value, comment, evidence = theirs if theirs else ("", "", ())
        return {
            f"{prefix}:value": value,
            f"{prefix}:comment": comment,
            f"{prefix}:evidence": list(evidence),
            f"orig-{prefix}": judgement_plain(theirs) if theirs else "",
        }
    inputs: dict[str, Any] = {f"orig-{name}": plain_value(name, theirs)}
    if name == "assessed_on":
        inputs["assessed_on_day"] = str(theirs.day) if theirs else ""
        inputs["assessed_on_month"] = str(theirs.month) if theirs else ""
        inputs["assessed_on_year"] = str(theirs.year) if theirs else ""
    elif name == "occasions":
        for index, occasion in enumerate(theirs or []):
            inputs[f"occasion-{index}-on"] = occasion.get("on", "")
            inputs[f"occasion-{index}-minutes"] = str(occasion.get("minutes", ""))
    else:
        inputs[name] = plain_value(name, theirs)
    return inputs


def _files_of(registration: Registration) -> list[dict[str, str]]:
    """The registration's files the assessor may rely on, portfolio pieces first."""
    pieces = {
        p.file_id: p
        for p in PortfolioPiece.objects.filter(registration=registration, removed_at__isnull=True)
    }
    files = []
    for stored in StoredFile.objects.filter(registration=registration).order_by("uploaded_at"):
        piece = pieces.get(stored.pk)
        label = (
            f"Portfolio piece {piece.number}: {piece.title} ({stored.original_name})"
            if piece
            else stored.original_name
        )
        files.append(
            {
                "value": f"file:{stored.uuid}",
                "label": label,
                "url": reverse("files:download", args=[stored.uuid]),
                "piece": "1" if piece else "",
            }
        )
    files.sort(key=lambda f: (not f["piece"], f["label"]))
    return files


def _interview_url(registration: Registration, method: Method) -> str:
    for kwargs in (
        {"registration_pk": registration.pk, "method_id": method.id},
        {"registration_pk": registration.pk},
    ):
        try:
            return reverse("submissions:interview", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def _live(record: AssessmentRecord) -> tuple[MethodResult | None, str]:
    try:
        return services.live_method_result(record), ""
    except GradingInputError as error:
        return None, f"The grade cannot be worked out yet: {error}."


def grade_panel(record: AssessmentRecord, spec: Specification) -> str:
    """The live grade panel's HTML (the engine's grade of the draft and what is missing)."""
    live, problem = _live(record)
    return render_to_string(
        "assessment/_grade_panel.html",
        {"live": live, "live_problem": problem, "record": record, "spec": spec},
    )


@dataclass
class Page:
    """Everything the record page needs beyond the record itself."""

    registration: Registration
    spec: Specification
    standard: Standard
    method: Method


def record_page_of(registration: Registration, method_id: str) -> Page:
    """What the record page of one method shows: the specification's method and criteria."""
    spec, standard = specs.rules_of(registration)
    try:
        method = services.method_of_or_refuse(spec, method_id)
    except RecordRefused:
        raise Http404("No such method") from None
    return Page(registration, spec, standard, method)


def _criteria_keys(page: Page, exempt: frozenset[str]) -> list[JudgementKey]:
    keys: list[JudgementKey] = [("", c.id) for c in page.method.criteria if c.id not in exempt]
    for checklist in page.method.additional_checklists:
        target_method, _, element = checklist.exempts.partition("/")
        target = services.method_of_or_refuse(page.spec, target_method)
        keys += [(checklist.id, c.id) for c in target.criteria if c.element == element]
    return keys


def _checklist_names(spec: Specification) -> dict[str, str]:
    return {c.id: c.name for m in spec.methods for c in m.additional_checklists}


def _carried(record: AssessmentRecord, checklist_ids: set[str]) -> dict[JudgementKey, str]:
    """The judgements made through observation checklists, by (checklist, criterion)."""
    if not checklist_ids:
        return {}
    carried: dict[JudgementKey, str] = {}
    for judgement in Judgement.objects.filter(
        record__registration_id=record.registration_id, checklist__in=checklist_ids
    ).order_by("record__sitting__number", "id"):
        carried[(judgement.checklist, judgement.criterion_id)] = judgement.value
    return carried


def _groups(
    page: Page,
    record: AssessmentRecord,
    live: MethodResult | None,
    *,
    shown: dict[JudgementKey, tuple[str, str, tuple[str, ...]] | None],
    stored: dict[JudgementKey, Judgement],
    errors: dict[JudgementKey, str],
    yours: dict[JudgementKey, str],
    exempt: frozenset[str],
) -> tuple[list[Group], list[Group]]:
    """The method's criteria grouped by area or showcase element, and the checklists."""
    method = page.method

    def row(key: JudgementKey, criterion: Any) -> Row:
        state = shown.get(key, _state(stored.get(key)))
        value, comment, evidence = state if state else ("", "", ())
        return Row(
            key=key,
            criterion=criterion,
            name=judgement_name(*key),
            anchor=_safe_id(f"j-{key[0]}-{key[1]}"),
            value=value,
            comment=comment,
            evidence=tuple(evidence),
            orig=judgement_plain(_state(stored.get(key))),
            error=errors.get(key, ""),
            yours=yours.get(key, ""),
        )

    groups: list[Group] = []
    if method.elements:
        through = {e.id: e.exempt_through for e in (live.elements if live else ())}
        names = _checklist_names(page.spec)
        exempt_ids = {t for t in through.values() if t}
        carried = _carried(record, exempt_ids)
        for element in method.elements:
            criteria = [c for c in method.criteria if c.element == element.id]
            group = Group(heading=element.name)
            checklist = through.get(element.id)
            if checklist and all(c.id in exempt for c in criteria):
                group.exempt_through = names.get(checklist, checklist)
                group.carried = [
                    (c, KEY.get(carried.get((checklist, c.id), ""), "Not judged")) for c in criteria
                ]
            else:
                group.rows = [row(("", c.id), c) for c in criteria]
            groups.append(group)
    else:
        area_names = {a.id: a.name for a in page.standard.areas}
        order = [a.id for a in page.standard.areas]
        by_area: dict[str, Group] = {}
        for criterion in method.criteria:
            group = by_area.setdefault(
                criterion.area, Group(heading=area_names.get(criterion.area, criterion.area))
            )
            group.rows.append(row(("", criterion.id), criterion))
        groups = sorted(
            by_area.values(),
            key=lambda g: next(
                (i for i, a in enumerate(order) if area_names.get(a) == g.heading), len(order)
            ),
        )
    checklists: list[Group] = []
    for extra in method.additional_checklists:
        target_method, _, element_id = extra.exempts.partition("/")
        target = services.method_of_or_refuse(page.spec, target_method)
        criteria = [c for c in target.criteria if c.element == element_id]
        element_name = next((e.name for e in target.elements if e.id == element_id), element_id)
        checklists.append(
            Group(
                heading=extra.name,
                rows=[row((extra.id, c.id), c) for c in criteria],
                hint=(
                    f"Optional. Completed with every pass criterion met, it exempts the "
                    f"{element_name} of the {target.name}: its criteria are not asked there."
                ),
            )
        )
    return groups, checklists


def _field_form(
    page: Page,
    record: AssessmentRecord,
    *,
    raw: dict[str, Any],
    errors: dict[str, str],
) -> RecordFieldsForm:
    """The record's fields as stored, with any value that could not be saved shown again."""
    initial = {name: getattr(record, name) for name in services.RECORD_FIELDS}
    initial["starts_at"] = plain_value("starts_at", record.starts_at)
    initial["ends_at"] = plain_value("ends_at", record.ends_at)
    initial.update(raw)
    form = RecordFieldsForm(
        initial=initial, modes=mode_choices(page.method), questioning=_questioning(page)
    )
    form_errors = form.errors  # an unbound form has none: add the refusals to show
    for name, message in errors.items():
        if name in form.fields:
            form_errors[name] = form.error_class([message])
    return form


def _questioning(page: Page) -> bool:
    limit = page.spec.evidence.observation_questioning
    return limit is not None and limit.method == page.method.id


def _occasions_rule(page: Page) -> Any:
    return next((d for d in page.method.duration if d.occasions == "one_or_more"), None)


def _anchor_for(name: str) -> str:
    if name.startswith("judgement:"):
        _, checklist, criterion = name.split(":", 2)
        return _safe_id(f"j-{checklist}-{criterion}")
    if name == "assessed_on":
        return "id_assessed_on"
    if name == "occasions":
        return "occasion-0-on"
    return f"id_{name}"


def _edit_context(
    request: HttpRequest,
    page: Page,
    record: AssessmentRecord,
    *,
    posted: Posted | None = None,
    outcome: SaveOutcome | None = None,
    refusal: RecordRefused | None = None,
) -> dict[str, Any]:
    """The context of the editable record page, after a save that needs the person."""
    raw: dict[str, Any] = {}
    field_errors: dict[str, str] = {}
    summary: list[dict[str, str]] = []
    shown: dict[JudgementKey, Any] = {}
    judgement_errors: dict[JudgementKey, str] = {}
    yours: dict[JudgementKey, str] = {}
    field_yours: dict[str, str] = {}
    if posted is not None:
        for name, message in posted.errors.items():
            field_errors[name] = message
            summary.append({"message": message, "anchor": _anchor_for(name)})
        raw.update(posted.raw)
    if outcome is not None and posted is not None:
        for conflict in outcome.conflicts:
            message = conflict_message(conflict)
            summary.append({"message": message, "anchor": _anchor_for(conflict.field)})
            if conflict.field.startswith("judgement:"):
                _, checklist, criterion = conflict.field.split(":", 2)
                yours[(checklist, criterion)] = _display(conflict.field, conflict.yours)
            else:
                field_yours[conflict.field] = _display(conflict.field, conflict.yours)
        for name, message in outcome.problems.items():
            summary.append({"message": message, "anchor": _anchor_for(name)})
            if name.startswith("judgement:"):
                _, checklist, criterion = name.split(":", 2)
                key = (checklist, criterion)
                judgement_errors[key] = message
                edit = posted.judgements.get(key)
                if edit is not None:
                    shown[key] = edit.new
            else:
                field_errors[name] = message
                edit_field = posted.fields.get(name)
                if edit_field is not None:
                    raw[name] = (
                        plain_value(name, edit_field.new)
                        if name in ("starts_at", "ends_at")
                        else edit_field.new
                    )
    if refusal is not None:
        summary += [{"message": p, "anchor": ""} for p in refusal.problems]
    stored = services.judgements_of(record)
    exempt = services.exempt_criteria(record)
    live, live_problem = _live(record)
    groups, checklists = _groups(
        page,
        record,
        live,
        shown=shown,
        stored=stored,
        errors=judgement_errors,
        yours=yours,
        exempt=exempt,
    )
    occasions_rule = _occasions_rule(page)
    occasion_rows: list[dict[str, Any]] = []
    if occasions_rule is not None:
        occasion_rows = [
            {"on": o.get("on", ""), "minutes": o.get("minutes", "")}
            for o in (raw.get("occasions") or record.occasions or [])
        ]
        occasion_rows.append({"on": "", "minutes": ""})
    form = _field_form(
        page,
        record,
        raw={k: v for k, v in raw.items() if k != "occasions"},
        errors={k: v for k, v in field_errors.items() if k != "occasions"},
    )
    limit = page.spec.evidence.observation_questioning
    return {
        "editable": True,
        "registration": page.registration,
        "apprentice": page.registration.apprentice,
        "method": page.method,
        "spec": page.spec,
        "record": record,
        "form": form,
        "errors": summary,
        "groups": groups,
        "checklists": checklists,
        "key": list(KEY.items()),
        "files": _files_of(page.registration),
        "origs": {
            name: plain_value(name, getattr(record, name)) for name in services.RECORD_FIELDS
        },
        "field_yours": field_yours,
        "occasions_rule": occasions_rule,
        "occasion_rows": occasion_rows,
        "occasions_error": field_errors.get("occasions", ""),
        "questioning_hint": (
            f"The minutes of questions after the observation: at most {limit.max_minutes} "
            f"({limit.source.place})."
            if _questioning(page) and limit
            else ""
        ),
        "live": live,
        "live_problem": live_problem,
        "interview_url": _interview_url(page.registration, page.method),
        "field_labels": FIELD_LABELS,
    }


def read_context(page: Page, record: AssessmentRecord | None, user: User) -> dict[str, Any]:
    """The context of the read-only record page."""
    context: dict[str, Any] = {
        "editable": False,
        "registration": page.registration,
        "apprentice": page.registration.apprentice,
        "method": page.method,
        "spec": page.spec,
        "record": record,
        "key": list(KEY.items()),
        "interview_url": _interview_url(page.registration, page.method),
    }
    if record is None:
        return context
    stored = services.judgements_of(record)
    exempt = services.exempt_criteria(record, include_drafts=not record.submitted)
    live, live_problem = _live(record)
    groups, checklists = _groups(
        page, record, live, shown={}, stored=stored, errors={}, yours={}, exempt=exempt
    )
    files = {f["value"]: f for f in _files_of(page.registration)}
    context.update(
        {
            "groups": groups,
            "checklists": [c for c in checklists if any(r.value for r in c.rows)],
            "files_by_value": files,
            "live": live,
            "live_problem": live_problem,
            "history": services.history_of(record),
            "field_labels": FIELD_LABELS,
        }
    )
    return context


# --- the record page ----------------------------------------------------------------------


def _refused_page(
    request: HttpRequest, page: Page, refusal: RecordRefused, status: int = 409
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"refused": refusal.message, "problems": refusal.problems}, status=status
        )
    return render(
        request,
        "assessment/refused.html",
        {
            "registration": page.registration,
            "apprentice": page.registration.apprentice,
            "method": page.method,
            "refusal": refusal,
        },
        status=status,
    )


@role_required(*READERS)
def record_page(request: HttpRequest, registration_pk: int, method_id: str) -> HttpResponse:
    """The record of one method: the allocated assessor keeps it, others read it."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    page = record_page_of(registration, method_id)
    if user.role != Role.ASSESSOR or registration.assessor_id != user.pk:
        if request.method == "POST":
            raise PermissionDenied("Only the allocated assessor can change this record")
        latest = (
            AssessmentRecord.objects.filter(registration=registration, method_id=page.method.id)
            .select_related("sitting", "assessor", "submitted_by", "registration")
            .order_by("-sitting__number")
            .first()
        )
        return render(request, "assessment/record.html", read_context(page, latest, user))
    try:
        record = services.open_record(registration, page.method.id, user)
    except RecordRefused as refusal:
        return _refused_page(request, page, refusal)
    if request.method == "POST":
        return _post(request, page, record)
    if record.submitted:
        return render(request, "assessment/record.html", read_context(page, record, user))
    return render(request, "assessment/record.html", _edit_context(request, page, record))


def _post(request: HttpRequest, page: Page, record: AssessmentRecord) -> HttpResponse:
    user = _user(request)
    exempt = services.exempt_criteria(record)
    form = RecordFieldsForm(
        request.POST, modes=mode_choices(page.method), questioning=_questioning(page)
    )
    posted = read_post(
        request.POST,
        form,
        _criteria_keys(page, exempt),
        with_occasions=_occasions_rule(page) is not None,
    )
    try:
        outcome = services.save_draft(record.pk, user, posted.fields, posted.judgements)
    except RecordRefused as refusal:
        return _refused_page(request, page, refusal)
    record = outcome.record
    record.registration = page.registration
    if _wants_json(request):
        return _json(page, record, posted, outcome)
    needs_person = bool(outcome.conflicts or outcome.problems or posted.errors)
    if request.POST.get("action") == "submit" and not needs_person:
        try:
            revision = int(request.POST.get("revision", "0"))
        except ValueError:
            revision = 0
        if outcome.saved and revision == record.revision - 1:
            revision = record.revision
        try:
            services.submit_record(record.pk, user, revision)
        except (RecordRefused, GradingInputError) as error:
            problem = (
                error
                if isinstance(error, RecordRefused)
                else RecordRefused(f"The grade cannot be worked out: {error}.")
            )
            fresh = _reload(record.pk, page)
            return render(
                request,
                "assessment/record.html",
                _edit_context(request, page, fresh, refusal=problem),
            )
        messages.success(request, f"The {page.method.name} record was submitted and locked")
        return redirect(request.path)
    if needs_person:
        fresh = _reload(record.pk, page)
        return render(
            request,
            "assessment/record.html",
            _edit_context(request, page, fresh, posted=posted, outcome=outcome),
        )
    messages.success(request, "Your draft was saved")
    return redirect(request.path)


def _reload(record_pk: int, page: Page) -> AssessmentRecord:
    record = AssessmentRecord.objects.select_related("sitting").get(pk=record_pk)
    record.registration = page.registration
    return record


def _json(
    page: Page, record: AssessmentRecord, posted: Posted, outcome: SaveOutcome
) -> JsonResponse:
    """The autosave's answer: what was saved, the new originals, conflicts and problems."""
    fresh = _reload(record.pk, page)
    stored = services.judgements_of(fresh)
    originals: dict[str, str] = {}
    for name in outcome.saved:
        if name.startswith("judgement:"):
            _, checklist, criterion = name.split(":", 2)
            originals[f"orig-{judgement_name(checklist, criterion)}"] = judgement_plain(
                _state(stored.get((checklist, criterion)))
            )
        else:
            originals[f"orig-{name}"] = plain_value(name, getattr(fresh, name))
    conflicts = [
        {
            "field": c.field,
            "message": conflict_message(c),
            "anchor": _anchor_for(c.field),
            "inputs": _conflict_inputs(c),
        }
        for c in outcome.conflicts
    ]
    problems = [
        {"field": name, "message": message, "anchor": _anchor_for(name)}
        for name, message in [*posted.errors.items(), *outcome.problems.items()]
    ]
    return JsonResponse(
        {
            "saved": outcome.saved,
            "originals": originals,
            "conflicts": conflicts,
            "problems": problems,
            "revision": fresh.revision,
            "saved_at": timezone.localtime(fresh.updated_at).strftime("%H:%M:%S"),
            "panel": grade_panel(fresh, page.spec),
        }
    )


# --- history ------------------------------------------------------------------------------


@role_required(*READERS)
def history(request: HttpRequest, record_pk: int) -> HttpResponse:
    """Every change to a record: who, when, at which stage, old and new value, and why."""
    user = _user(request)
    record = (
        AssessmentRecord.objects.filter(registration__in=registrations_for(user))
        .select_related("registration", "registration__apprentice", "sitting", "assessor")
        .filter(pk=record_pk)
        .first()
    )
    if record is None:
        raise Http404("No such record")
    spec, _ = specs.rules_of(record.registration)
    method = services.method_of_or_refuse(spec, record.method_id)
    return render(
        request,
        "assessment/history.html",
        {
            "record": record,
            "registration": record.registration,
            "apprentice": record.registration.apprentice,
            "method": method,
            "history": services.history_of(record),
            "field_labels": FIELD_LABELS,
        },
    )
