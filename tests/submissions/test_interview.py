"""The assessor chooses exactly the specification's count of active questions and takes notes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.assessment.models import AssessmentRecord, RecordChange
from openepa.registration.models import Registration
from openepa.submissions import interviews, question_banks
from openepa.submissions.models import InterviewQuestion
from openepa.submissions.refusals import Changed, SubmissionRefused

pytestmark = pytest.mark.django_db

SOURCE_QUOTE = (
    "the apprentice will be asked 10 competency-based questions by the end-point assessor"
)


@pytest.fixture
def bank(epao: Organisation, alice: User, highfield: Registration) -> list[InterviewQuestion]:
    return [
        question_banks.add_question(
            epao,
            alice,
            spec_id="st0071-highfield",
            method_id="project",
            text=f"Question text {n}?",
            criteria=[],
            source="",
        )
        for n in range(1, 13)
    ]


def ids(questions: list[InterviewQuestion]) -> list[int]:
    return [q.pk for q in questions]


def test_ten_questions_are_snapshotted_with_a_change_row(
    project_record: AssessmentRecord, anna: User, bank: list[InterviewQuestion]
) -> None:
    interviews.set_interview_questions(project_record, anna, ids(bank[:10]), revision=1)
    project_record.refresh_from_db()
    assert project_record.revision == 2
    assert [item["number"] for item in project_record.interview] == list(range(1, 11))
    assert project_record.interview[0] == {
        "question": bank[0].pk,
        "number": 1,
        "text": "Question text 1?",
        "notes": "",
    }
    change = RecordChange.objects.get(record=project_record)
    assert (change.field, change.stage, change.old, change.revision) == (
        "interview",
        "draft",
        [],
        2,
    )
    assert change.new == project_record.interview


@pytest.mark.parametrize("count", [9, 11])
def test_nine_or_eleven_questions_are_refused_quoting_the_spec(
    project_record: AssessmentRecord, anna: User, bank: list[InterviewQuestion], count: int
) -> None:
    with pytest.raises(SubmissionRefused) as refused:
        interviews.set_interview_questions(project_record, anna, ids(bank[:count]), revision=1)
    assert refused.value.message.startswith(f"Choose exactly 10 questions: you chose {count}. ")
    assert SOURCE_QUOTE in refused.value.message
    project_record.refresh_from_db()
    assert project_record.interview == []
    assert project_record.revision == 1


def test_a_retired_question_cannot_be_chosen(
    project_record: AssessmentRecord,
    anna: User,
    alice: User,
    bank: list[InterviewQuestion],
    login: Callable[[User], Client],
) -> None:
    question_banks.retire_question(bank[0], alice, revision=1)
    with pytest.raises(SubmissionRefused, match="Question 1 has been retired"):
        interviews.set_interview_questions(project_record, anna, ids(bank[:10]), revision=1)
    page = login(anna).get(
        reverse("submissions:interview", args=[project_record.registration_id, "project"])
    )
    body = page.content.decode()
    assert "Question text 2?" in body
    assert "Question text 1?" not in body


def test_a_stale_revision_or_a_submitted_record_is_refused(
    project_record: AssessmentRecord, anna: User, bank: list[InterviewQuestion]
) -> None:
    interviews.set_interview_questions(project_record, anna, ids(bank[:10]), revision=1)
    with pytest.raises(Changed, match="Someone else saved this record"):
        interviews.set_interview_questions(project_record, anna, ids(bank[2:12]), revision=1)
    AssessmentRecord.objects.filter(pk=project_record.pk).update(status="submitted")
    with pytest.raises(SubmissionRefused, match="The record has been submitted"):
        interviews.save_interview_notes(project_record, anna, {bank[0].pk: "x"}, revision=2)


def test_only_the_allocated_assessor(
    project_record: AssessmentRecord, bank: list[InterviewQuestion], epao: Organisation
) -> None:
    other = User.objects.create_user(
        "other@epao.example",
        "pw-unused-123456",
        full_name="Other Assessor",
        role=User.Role.ASSESSOR,
        epao=epao,
        organisation=epao,
    )
    with pytest.raises(SubmissionRefused, match="allocated assessor"):
        interviews.set_interview_questions(project_record, other, ids(bank[:10]), revision=1)


def test_notes_are_saved_per_question_and_kept_when_questions_change(
    project_record: AssessmentRecord, anna: User, bank: list[InterviewQuestion]
) -> None:
    interviews.set_interview_questions(project_record, anna, ids(bank[:10]), revision=1)
    interviews.save_interview_notes(
        project_record, anna, {bank[0].pk: "Clear answer", bank[1].pk: " Partial "}, revision=2
    )
    project_record.refresh_from_db()
    assert project_record.interview[0]["notes"] == "Clear answer"
    assert project_record.interview[1]["notes"] == "Partial"
    assert project_record.revision == 3
    interviews.set_interview_questions(
        project_record, anna, ids(bank[:9] + bank[10:11]), revision=3
    )
    project_record.refresh_from_db()
    assert project_record.interview[0]["notes"] == "Clear answer"
    assert RecordChange.objects.filter(record=project_record, field="interview").count() == 3
    with pytest.raises(SubmissionRefused, match="only be written for the questions chosen"):
        interviews.save_interview_notes(project_record, anna, {bank[11].pk: "x"}, revision=4)


def test_the_interview_page_chooses_questions_and_takes_notes(
    highfield: Registration,
    anna: User,
    bank: list[InterviewQuestion],
    login: Callable[[User], Client],
) -> None:
    client = login(anna)
    url = reverse("submissions:interview", args=[highfield.pk, "project"])
    page = client.get(url)
    assert page.status_code == 200
    record = AssessmentRecord.objects.get(registration=highfield, method_id="project")
    nine = client.post(
        url, {"action": "questions", "revision": record.revision, "questions": ids(bank[:9])}
    )
    assert "Choose exactly 10 questions: you chose 9." in nine.content.decode()
    ten = client.post(
        url, {"action": "questions", "revision": record.revision, "questions": ids(bank[:10])}
    )
    assert ten.status_code == 302
    record.refresh_from_db()
    notes = client.post(
        url, {"action": "notes", "revision": record.revision, f"note_{bank[0].pk}": "Good example"}
    )
    assert notes.status_code == 302
    record.refresh_from_db()
    assert record.interview[0]["notes"] == "Good example"


def test_the_interview_page_is_only_for_assessors(
    highfield: Registration, alice: User, pat: User, login: Callable[[User], Client]
) -> None:
    url = reverse("submissions:interview", args=[highfield.pk, "project"])
    assert login(alice).get(url).status_code == 403
    assert login(pat).get(url).status_code == 403
