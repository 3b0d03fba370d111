"""Demo data for the later steps: records, IQA, results, a resit, an appeal and claims.

A few of the demo assessor's apprentices are taken through the real services (the same calls
the pages make), so every page of the demo shows something: a result released with a draft
certificate claim, a decision held for the demo IQA, a draft record, a released fail waiting
for a resit or retake, and an appeal waiting for a reviewer. Interview questions the source
documents do not give are added to the demo EPAO's banks and say that they are demo data.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction

from openepa.accounts.models import EpaoPolicy, Organisation, User
from openepa.assessment.grading import grade_sitting
from openepa.assessment.models import AssessmentRecord
from openepa.assessment.records import Edit, open_record, save_draft
from openepa.assessment.sittings import current_sitting
from openepa.assessment.submission import submit_record
from openepa.kernel import clock, specs
from openepa.planning.services import current_specifications
from openepa.registration.models import Registration
from openepa.results.appeals import lodge_appeal
from openepa.results.iqa import uphold
from openepa.results.release import release_result
from openepa.rules.model import Specification
from openepa.rules.recording import method_of
from openepa.submissions.models import InterviewQuestion
from openepa.submissions.question_banks import add_question, seed_question_banks

DEMO_SOURCE = "OpenEPA demo data: written for the demo, not taken from any EPAO's bank"

#: Questions about a work-based project, for demo banks whose specification prints none.
DEMO_QUESTIONS = (
    "What problem or opportunity did your project set out to address, and why did it matter "
    "to your customers?",
    "How did you research the current situation before you made any change?",
    "Which customer insight or data did you use, and what did it tell you?",
    "Who did you involve in the project, inside and outside your team, and how?",
    "How did you plan the project and keep it on track?",
    "What did you change, and how did it follow your organisation's policies and procedures?",
    "How did you measure the results of the change?",
    "What would you do differently if you started the project again?",
    "How did you communicate your findings and recommendations, and to whom?",
    "How will the change be kept going or extended after your project?",
    "Which obstacles did you meet and how did you overcome them?",
    "How did the project develop your own skills, and what is your next step?",
)


def add_demo_question_banks(epao: Organisation, admin: User) -> None:
    """Seed each bank from its specification and top it up to the number an interview needs."""
    seed_question_banks(epao, admin)
    for record_spec in {r.spec_id: r for r in current_specifications()}.values():
        spec, _ = specs.rules_of_record(record_spec)
        rule = spec.evidence.interview_questions
        if rule is None:
            continue
        have = InterviewQuestion.objects.filter(
            epao=epao, spec_id=spec.id, method_id=rule.method, retired_at__isnull=True
        ).count()
        for text in DEMO_QUESTIONS[: max(0, rule.count + 2 - have)]:
            add_question(
                epao,
                admin,
                spec_id=spec.id,
                method_id=rule.method,
                text=text,
                criteria=[],
                source=DEMO_SOURCE,
            )


def _interview(registration: Registration, spec: Specification, method_id: str) -> list[Any]:
    """The first questions of the EPAO's bank, as many as the interview needs."""
    rule = spec.evidence.interview_questions
    if rule is None or rule.method != method_id:
        return []
    questions = InterviewQuestion.objects.filter(
        epao_id=registration.epao_id,
        spec_id=spec.id,
        method_id=method_id,
        retired_at__isnull=True,
    ).order_by("number")[: rule.count]
    return [
        {"question": q.pk, "number": q.number, "text": q.text, "notes": "Answered fully."}
        for q in questions
    ]


def record_method(
    registration: Registration,
    method_id: str,
    assessor: User,
    *,
    on: date,
    fail: bool = False,
    submit: bool = True,
) -> AssessmentRecord:
    """Keep one method's record as the assessor would, and submit it."""
    spec, _ = specs.rules_of(registration)
    method = method_of(spec, method_id)
    record = open_record(registration, method_id, assessor)
    interview = _interview(registration, spec, method_id)
    if interview:
        AssessmentRecord.objects.filter(pk=record.pk).update(interview=interview)
    fields: dict[str, Any] = {
        "assessed_on": on,
        "starts_at": time(10, 0),
        "ends_at": time(11, 0),
        "mode": method.modes.allowed[0] if method.modes else "face_to_face",
        "feedback": (
            f"Demo feedback on the {method.name}: clear examples throughout."
            if not fail
            else f"Demo feedback on the {method.name}: one pass criterion was not shown."
        ),
    }
    limit = spec.evidence.observation_questioning
    if limit is not None and limit.method == method_id:
        fields["questioning_minutes"] = limit.max_minutes - 1
    if any(d.occasions == "one_or_more" for d in method.duration):
        minutes = next(d.minutes for d in method.duration if d.occasions == "one_or_more")
        fields["occasions"] = [{"on": on.isoformat(), "minutes": minutes}]
    failing = next(c.id for c in method.criteria if c.kind == "pass") if fail else None
    judgements = {
        ("", c.id): Edit(None, ("not_met" if c.id == failing else "met", "", ()))
        for c in method.criteria
    }
    save_draft(record.pk, assessor, {k: Edit(None, v) for k, v in fields.items()}, judgements)
    if submit:
        record.refresh_from_db()
        record = submit_record(record.pk, assessor, record.revision)
    return record


def clear_for_release(registration: Registration, iqa: User) -> None:
    """Uphold any decision held for IQA, as the registration's IQA."""
    for record in AssessmentRecord.objects.filter(
        registration=registration, iqa_status=AssessmentRecord.Iqa.HELD
    ):
        uphold(record.pk, iqa, record.revision, "Demo: sampled and agreed.")


def release_current(registration: Registration, admin: User) -> None:
    """Release the result of the registration's current sitting, as graded."""
    sitting = current_sitting(registration)
    assert sitting is not None
    graded = grade_sitting(registration, sitting)
    release_result(
        registration.pk, admin, sitting_pk=sitting.pk, expected_grade=graded.overall.grade
    )


@transaction.atomic
def add_assessment_examples(epao: Organisation) -> None:
    """Take a few of the demo assessor's apprentices through assessment (once only)."""
    admin = User.objects.get(email="admin@demo-epao.example")
    assessor = User.objects.get(email="assessor@demo-epao.example")
    iqa = User.objects.get(email="iqa@demo-epao.example")
    add_demo_question_banks(epao, admin)
    if AssessmentRecord.objects.filter(registration__epao=epao).exists():
        return
    EpaoPolicy.objects.get_or_create(epao=epao)
    candidates = list(
        Registration.objects.filter(
            epao=epao,
            status=Registration.Status.GATEWAY_ACCEPTED,
            assessor=assessor,
        )
        .select_related("specification", "apprentice")
        .order_by("pk")[:30]
    )
    by_spec: dict[str, list[Registration]] = {}
    for registration in candidates:
        by_spec.setdefault(registration.specification.spec_id, []).append(registration)
    on = clock.today() - timedelta(days=3)
    plans = [
        ("st0071-highfield", "released"),
        ("st0072-activeiq", "held"),
        ("st0071-nqual", "draft"),
        ("st0072-excelme", "failed"),
        ("st0071-epakit", "appealed"),
    ]
    for spec_id, stage in plans:
        pool = by_spec.get(spec_id) or []
        if not pool:
            continue
        if stage == "appealed":
            # The demo employer lodges the appeal, so take one of their apprentices if any.
            with_employer = set(
                User.objects.filter(
                    role=User.Role.EMPLOYER, organisation_id__in={r.employer_id for r in pool}
                ).values_list("organisation_id", flat=True)
            )
            pool.sort(key=lambda r: r.employer_id not in with_employer)
        registration = pool.pop(0)
        if registration.iqa_id is None or registration.iqa_id == assessor.pk:
            registration.iqa = iqa
            registration.save(update_fields=["iqa"])
        take_to(stage, registration, assessor, iqa, admin, on)


def take_to(
    stage: str, registration: Registration, assessor: User, iqa: User, admin: User, on: date
) -> None:
    """Record, quality assure and release one registration up to ``stage``."""
    spec, _ = specs.rules_of(registration)
    methods = [m.id for m in spec.methods]
    if stage == "draft":
        record_method(registration, methods[0], assessor, on=on)
        record_method(registration, methods[1], assessor, on=on, submit=False)
        return
    if stage == "held":
        for method_id in methods:
            record_method(registration, method_id, assessor, on=on)
        return
    failing = methods[-1] if stage in ("failed", "appealed") else None
    for method_id in methods:
        record_method(registration, method_id, assessor, on=on, fail=method_id == failing)
    clear_for_release(registration, iqa)
    release_current(registration, admin)
    if stage == "appealed":
        apprentice_side = User.objects.filter(
            epao=registration.epao,
            role=User.Role.EMPLOYER,
            organisation=registration.employer,
        ).first()
        if apprentice_side is not None:
            lodge_appeal(
                registration,
                apprentice_side,
                grounds="Demo appeal: the observation was cut short by a fire alarm.",
            )
