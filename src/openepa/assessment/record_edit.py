"""The editable record page: its context after a save, the post read, the autosave's answer.

A save that needs the person (a conflict, a value refused) shows the page again with their
values and both sides of each conflict; the autosave gets the same as JSON.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from openepa.assessment.changes import JudgementKey, judgements_of
from openepa.assessment.forms import (
    Posted,
    RecordFieldsForm,
    judgement_name,
    judgement_plain,
    plain_value,
    read_post,
)
from openepa.assessment.grading import exempt_criteria
from openepa.assessment.models import AssessmentRecord
from openepa.assessment.record_page import (
    Page,
    files_of,
    grade_panel,
    groups_of,
    interview_url,
    live_result,
    safe_id,
    shown_state,
)
from openepa.assessment.records import FIELD_LABELS, RECORD_FIELDS, Conflict, SaveOutcome
from openepa.assessment.refusals import RecordRefused, method_of_or_refuse
from openepa.planning.plans import mode_choices
from openepa.rules.identifiers import whole_number
from openepa.rules.labels import date_words, mode_words
from openepa.rules.recording import KEY, questioning_overrun


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
        return ", ".join(f"{date_words(o.get('on'))} ({o.get('minutes')} minutes)" for o in value)
    if name == "mode":
        return mode_words(str(value))
    if name in ("assessed_on", "starts_at", "ends_at") and isinstance(value, str):
        return date_words(value)
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


def _criteria_keys(page: Page, exempt: frozenset[str]) -> list[JudgementKey]:
    keys: list[JudgementKey] = [("", c.id) for c in page.method.criteria if c.id not in exempt]
    for checklist in page.method.additional_checklists:
        target_method, _, element = checklist.exempts.partition("/")
        target = method_of_or_refuse(page.spec, target_method)
        keys += [(checklist.id, c.id) for c in target.criteria if c.element == element]
    return keys


def _field_form(
    page: Page,
    record: AssessmentRecord,
    *,
    raw: dict[str, Any],
    errors: dict[str, str],
) -> RecordFieldsForm:
    """The record's fields as stored, with any value that could not be saved shown again."""
    initial = {name: getattr(record, name) for name in RECORD_FIELDS}
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
        return safe_id(f"j-{checklist}-{criterion}")
    if name == "assessed_on":
        return "id_assessed_on"
    if name == "occasions":
        return "occasion-0-on"
    return f"id_{name}"


def edit_context(
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
    stored = judgements_of(record)
    exempt = exempt_criteria(record)
    live, live_problem = live_result(record)
    groups, checklists = groups_of(
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
        "files": files_of(page.registration),
        "origs": {name: plain_value(name, getattr(record, name)) for name in RECORD_FIELDS},
        "field_yours": field_yours,
        "occasions_rule": occasions_rule,
        "occasion_rows": occasion_rows,
        "occasions_error": field_errors.get("occasions", ""),
        "questioning_hint": (
            f"The minutes actually used for questions. The limit is {limit.max_minutes} "
            f"minutes ({limit.source.place}): if more were used, record them and the IQA is "
            "told."
            if _questioning(page) and limit
            else ""
        ),
        "questioning_overrun": questioning_overrun(
            page.spec, page.method.id, record.questioning_minutes
        ),
        "live": live,
        "live_problem": live_problem,
        "interview_url": interview_url(page.registration, page.method),
        "field_labels": FIELD_LABELS,
    }


def posted_of(data: QueryDict, page: Page, record: AssessmentRecord) -> Posted:
    """The fields and judgements present in the record page's POST, each read by its form."""
    exempt = exempt_criteria(record)
    form = RecordFieldsForm(data, modes=mode_choices(page.method), questioning=_questioning(page))
    return read_post(
        data,
        form,
        _criteria_keys(page, exempt),
        with_occasions=_occasions_rule(page) is not None,
    )


def needs_person(posted: Posted, outcome: SaveOutcome) -> bool:
    """Whether the save left something for the person: a conflict or a value refused."""
    return bool(outcome.conflicts or outcome.problems or posted.errors)


def revision_to_submit(posted_revision: str, outcome: SaveOutcome) -> int:
    """The revision a submission expects: the page's, or the one its own save just made."""
    revision = whole_number(posted_revision) or 0
    if outcome.saved and revision == outcome.record.revision - 1:
        revision = outcome.record.revision
    return revision


def autosave_answer(
    page: Page, fresh: AssessmentRecord, posted: Posted, outcome: SaveOutcome
) -> dict[str, Any]:
    """The autosave's answer: what was saved, the new originals, conflicts and problems."""
    stored = judgements_of(fresh)
    originals: dict[str, str] = {}
    for name in outcome.saved:
        if name.startswith("judgement:"):
            _, checklist, criterion = name.split(":", 2)
            originals[f"orig-{judgement_name(checklist, criterion)}"] = judgement_plain(
                shown_state(stored.get((checklist, criterion)))
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
    return {
        "saved": outcome.saved,
        "originals": originals,
        "conflicts": conflicts,
        "problems": problems,
        "revision": fresh.revision,
        "saved_at": timezone.localtime(fresh.updated_at).strftime("%H:%M:%S"),
        "panel": grade_panel(fresh, page.spec),
    }
