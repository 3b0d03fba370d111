"""The EPAO's interview question banks: add, edit, retire and seed from the specification.

A bank holds one EPAO's questions for one specification's interview method, numbered in
order. A question is never deleted: an edit keeps the old values in :class:`QuestionChange`
rows, and a retired question stays in the bank and in past interviews but cannot be chosen.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, QuerySet

from openepa.accounts.models import Organisation, User
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.rules.labels import method_name
from openepa.rules.model import Count, Specification
from openepa.specifications.models import SpecificationRecord
from openepa.submissions.models import InterviewQuestion, QuestionChange
from openepa.submissions.refusals import Changed, SubmissionRefused


def current_specs() -> list[Specification]:
    """The current specifications, parsed."""
    records = SpecificationRecord.objects.filter(is_current=True).order_by("spec_id")
    return [specs.rules_of_record(record)[0] for record in records]


def spec_by_id(spec_id: str) -> Specification | None:
    """The current specification with this id, or None."""
    record = SpecificationRecord.objects.filter(spec_id=spec_id, is_current=True).first()
    return specs.rules_of_record(record)[0] if record else None


def interview_rule(spec: Specification, method_id: str | None = None) -> Count | None:
    """The specification's count of interview questions (for ``method_id``, if given)."""
    rule = spec.evidence.interview_questions
    if rule is None or (method_id is not None and rule.method != method_id):
        return None
    return rule


def banks() -> list[tuple[str, str, str]]:
    """Each (spec id, method id, label) that has an interview question bank."""
    found = []
    for spec in current_specs():
        rule = interview_rule(spec)
        if rule is None:
            continue
        method = next((m for m in spec.methods if m.id == rule.method), None)
        name = method.name if method else rule.method
        found.append((spec.id, rule.method, f"{spec.title} ({spec.epao.name}): {name}"))
    return found


def bank_questions(
    epao: Organisation, spec_id: str, method_id: str, *, active_only: bool = False
) -> QuerySet[InterviewQuestion]:
    """The questions of one bank, in number order."""
    questions = InterviewQuestion.objects.filter(epao=epao, spec_id=spec_id, method_id=method_id)
    if active_only:
        questions = questions.filter(active=True)
    return questions.order_by("number")


def _next_number(epao: Organisation, spec_id: str, method_id: str) -> int:
    top = InterviewQuestion.objects.filter(
        epao=epao, spec_id=spec_id, method_id=method_id
    ).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def criteria_refusal(spec: Specification, method_id: str, criteria: Iterable[str]) -> str | None:
    """Why some criterion ids are not the method's criteria, or None."""
    method = next((m for m in spec.methods if m.id == method_id), None)
    known = {c.id for c in method.criteria} if method else set()
    unknown = [c for c in criteria if c not in known]
    if not unknown:
        return None
    return (
        f"{', '.join(unknown)} {'is not a criterion' if len(unknown) == 1 else 'are not criteria'}"
        f" of the {method.name if method else method_id}: use ids such as "
        f"{', '.join(sorted(known)[:3])}"
    )


def bank_method_name(question: InterviewQuestion) -> str:
    """The name of the method whose bank holds ``question``, in the specification's words."""
    return method_name(spec_by_id(question.spec_id), question.method_id)


def _bank_spec(spec_id: str, method_id: str) -> Specification:
    spec = spec_by_id(spec_id)
    if spec is None or interview_rule(spec, method_id) is None:
        raise SubmissionRefused("Choose a specification and method with an interview", "bank")
    return spec


@transaction.atomic
def add_question(
    epao: Organisation,
    user: User,
    *,
    spec_id: str,
    method_id: str,
    text: str,
    criteria: list[str],
    source: str = "",
) -> InterviewQuestion:
    """Add a question to the end of a bank."""
    spec = _bank_spec(spec_id, method_id)
    problem = criteria_refusal(spec, method_id, criteria)
    if problem:
        raise SubmissionRefused(problem, "criteria")
    InterviewQuestion.objects.select_for_update().filter(epao=epao, spec_id=spec_id).exists()
    question = InterviewQuestion.objects.create(
        epao=epao,
        spec_id=spec_id,
        method_id=method_id,
        number=_next_number(epao, spec_id, method_id),
        text=text.strip(),
        criteria=criteria,
        source=source.strip(),
        created_by=user,
    )
    record_event(
        actor=user,
        epao=epao,
        action="submissions.question_added",
        obj=question,
        summary=f"Added question {question.number} to the {spec_id} bank of the "
        f"{method_name(spec, method_id)}",
    )
    return question


def _lock_question(question: InterviewQuestion, revision: int) -> InterviewQuestion:
    locked = InterviewQuestion.objects.select_for_update().get(pk=question.pk)
    if locked.revision != revision:
        raise Changed(
            f"Someone else changed question {locked.number} while you were editing it: check "
            "its current wording below and make your change again"
        )
    return locked


@transaction.atomic
def edit_question(
    question: InterviewQuestion,
    user: User,
    *,
    text: str,
    criteria: list[str],
    source: str,
    revision: int,
) -> InterviewQuestion:
    """Change a question's text, criteria or source, keeping the old values in change rows."""
    locked = _lock_question(question, revision)
    if not locked.active:
        raise SubmissionRefused("This question has been retired: add a new question instead")
    spec = _bank_spec(locked.spec_id, locked.method_id)
    problem = criteria_refusal(spec, locked.method_id, criteria)
    if problem:
        raise SubmissionRefused(problem, "criteria")
    new = {"text": text.strip(), "criteria": criteria, "source": source.strip()}
    changes = {f: (getattr(locked, f), v) for f, v in new.items() if getattr(locked, f) != v}
    if not changes:
        return locked
    locked.revision += 1
    for field, (old, value) in changes.items():
        setattr(locked, field, value)
        QuestionChange.objects.create(
            question=locked,
            field=field,
            old=old,
            new=value,
            changed_by=user,
            revision=locked.revision,
        )
    locked.save(update_fields=[*changes, "revision"])
    record_event(
        actor=user,
        epao=locked.epao,
        action="submissions.question_edited",
        obj=locked,
        summary=f"Edited question {locked.number} of the {locked.spec_id} bank of the "
        f"{bank_method_name(locked)}",
        changes=changes,
    )
    return locked


@transaction.atomic
def retire_question(question: InterviewQuestion, user: User, *, revision: int) -> None:
    """Retire a question: it stays in the bank and in past interviews but cannot be chosen."""
    locked = _lock_question(question, revision)
    if not locked.active:
        raise SubmissionRefused("This question has already been retired")
    locked.active = False
    locked.retired_by = user
    locked.retired_at = clock.now()
    locked.revision += 1
    locked.save(update_fields=["active", "retired_by", "retired_at", "revision"])
    QuestionChange.objects.create(
        question=locked,
        field="active",
        old=True,
        new=False,
        changed_by=user,
        revision=locked.revision,
    )
    record_event(
        actor=user,
        epao=locked.epao,
        action="submissions.question_retired",
        obj=locked,
        summary=f"Retired question {locked.number} of the {locked.spec_id} bank of the "
        f"{bank_method_name(locked)}",
        changes={"active": (True, False)},
    )


@transaction.atomic
def seed_question_banks(epao: Organisation, user: User | None = None) -> int:
    """Add each specification's own questions for its interview method to the EPAO's banks.

    Only the questions the specification prints for that method (Highfield's examples for a
    mock interview) are added, each marked with its source; a question already seeded is not
    added again. Returns how many were added.
    """
    added = 0
    for spec in current_specs():
        rule = interview_rule(spec)
        if rule is None:
            continue
        existing = set(
            InterviewQuestion.objects.filter(
                epao=epao, spec_id=spec.id, method_id=rule.method
            ).values_list("seed_key", flat=True)
        )
        number = _next_number(epao, spec.id, rule.method)
        for bank in spec.question_banks:
            if bank.method != rule.method:
                continue
            use = {"examples": "example question", "set": "set question", "bank": "question"}
            for item in bank.questions:
                key = f"{spec.id}/{bank.id}/{item.number}"
                if key in existing:
                    continue
                source = (
                    f"{spec.epao.name}, {bank.name}, {use[bank.use]} {item.number} "
                    f"({bank.source.place})"
                )
                question = InterviewQuestion.objects.create(
                    epao=epao,
                    spec_id=spec.id,
                    method_id=rule.method,
                    number=number,
                    text=item.text,
                    criteria=list(item.criteria),
                    source=source,
                    seed_key=key,
                    created_by=user,
                )
                record_event(
                    actor=user,
                    epao=epao,
                    action="submissions.question_seeded",
                    obj=question,
                    summary=f"Added {spec.id} question {number} from the specification",
                )
                number += 1
                added += 1
    return added
