"""What the record page of one method shows: its criteria in groups, files, live grade.

Builds the read-only page (:func:`read_context`), which the documents' method record also
uses, and the parts the editable page shares (:mod:`openepa.assessment.record_edit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from openepa.accounts.models import User
from openepa.assessment.changes import JudgementKey, history_of, judgements_of
from openepa.assessment.forms import judgement_name, judgement_plain
from openepa.assessment.grading import exempt_criteria, live_method_result
from openepa.assessment.models import AssessmentRecord, Judgement
from openepa.assessment.records import FIELD_LABELS
from openepa.assessment.refusals import RecordRefused, method_of_or_refuse
from openepa.files.models import StoredFile
from openepa.gateway.models import PortfolioPiece
from openepa.kernel import specs
from openepa.registration.models import Registration
from openepa.rules.errors import GradingInputError
from openepa.rules.grading import MethodResult
from openepa.rules.model import Method, Specification, Standard
from openepa.rules.recording import KEY, questioning_overrun


def safe_id(text: str) -> str:
    """The text made safe as an HTML id (anything else becomes a hyphen)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


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


def shown_state(judgement: Judgement | None) -> tuple[str, str, tuple[str, ...]] | None:
    """A judgement as the page shows it: value, comment and sorted evidence (None if none)."""
    if judgement is None:
        return None
    return (judgement.value, judgement.comment, tuple(sorted(judgement.evidence or ())))


def files_of(registration: Registration) -> list[dict[str, str]]:
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


def interview_url(registration: Registration, method: Method) -> str:
    """The link to the method's interview questions, or empty when there is no such page."""
    for kwargs in (
        {"registration_pk": registration.pk, "method_id": method.id},
        {"registration_pk": registration.pk},
    ):
        try:
            return reverse("submissions:interview", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def live_result(record: AssessmentRecord) -> tuple[MethodResult | None, str]:
    """The engine's grade of the record now, or the problem that stops it being worked out."""
    try:
        return live_method_result(record), ""
    except GradingInputError as error:
        return None, f"The grade cannot be worked out yet: {error}."


def grade_panel(record: AssessmentRecord, spec: Specification) -> str:
    """The live grade panel's HTML (the engine's grade of the draft and what is missing)."""
    live, problem = live_result(record)
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
        method = method_of_or_refuse(spec, method_id)
    except RecordRefused:
        raise Http404("No such method") from None
    return Page(registration, spec, standard, method)


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


def groups_of(
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
        state = shown.get(key, shown_state(stored.get(key)))
        value, comment, evidence = state if state else ("", "", ())
        return Row(
            key=key,
            criterion=criterion,
            name=judgement_name(*key),
            anchor=safe_id(f"j-{key[0]}-{key[1]}"),
            value=value,
            comment=comment,
            evidence=tuple(evidence),
            orig=judgement_plain(shown_state(stored.get(key))),
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
        target = method_of_or_refuse(page.spec, target_method)
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
        "interview_url": interview_url(page.registration, page.method),
    }
    if record is None:
        return context
    stored = judgements_of(record)
    exempt = exempt_criteria(record, include_drafts=not record.submitted)
    live, live_problem = live_result(record)
    groups, checklists = groups_of(
        page, record, live, shown={}, stored=stored, errors={}, yours={}, exempt=exempt
    )
    files = {f["value"]: f for f in files_of(page.registration)}
    context.update(
        {
            "groups": groups,
            "checklists": [c for c in checklists if any(r.value for r in c.rows)],
            "files_by_value": files,
            "live": live,
            "live_problem": live_problem,
            "history": history_of(record),
            "field_labels": FIELD_LABELS,
            "questioning_overrun": questioning_overrun(
                page.spec, page.method.id, record.questioning_minutes
            ),
        }
    )
    return context


def history_context(record: AssessmentRecord) -> dict[str, Any]:
    """The context of the page of every change to a record."""
    spec, _ = specs.rules_of(record.registration)
    method = method_of_or_refuse(spec, record.method_id)
    return {
        "record": record,
        "registration": record.registration,
        "apprentice": record.registration.apprentice,
        "method": method,
        "history": history_of(record),
        "field_labels": FIELD_LABELS,
    }
