"""The EPAO's interview question banks: seeding, adding, editing with history, retiring."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.submissions import question_banks
from openepa.submissions.models import InterviewQuestion, QuestionChange
from openepa.submissions.refusals import Changed, SubmissionRefused

pytestmark = pytest.mark.django_db


def _add(
    epao: Organisation, user: User, text: str, spec: str = "st0071-highfield"
) -> InterviewQuestion:
    return question_banks.add_question(
        epao, user, spec_id=spec, method_id="project", text=text, criteria=[], source=""
    )


def test_seed_question_banks_adds_highfields_examples_once(
    specs: object, epao: Organisation, alice: User
) -> None:
    assert question_banks.seed_question_banks(epao, alice) == 6
    assert question_banks.seed_question_banks(epao, alice) == 0
    questions = list(question_banks.bank_questions(epao, "st0071-highfield", "project"))
    assert [q.number for q in questions] == [1, 2, 3, 4, 5, 6]
    assert questions[0].text == "What is the impact of the organisation's mission statement?"
    assert "Example questions for a mock work-based project interview" in questions[0].source
    assert "mock assessment" in questions[0].source
    # Only the interview method's questions: not Highfield's discussion examples.
    assert not InterviewQuestion.objects.exclude(method_id="project").exists()


def test_add_question_numbers_and_checks_criteria(
    specs: object, epao: Organisation, alice: User
) -> None:
    first = _add(epao, alice, "Tell me about your project.")
    second = _add(epao, alice, "What went well?")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(SubmissionRefused, match="NOPE is not a criterion of the Work-based"):
        question_banks.add_question(
            epao,
            alice,
            spec_id="st0071-highfield",
            method_id="project",
            text="X",
            criteria=["NOPE"],
            source="",
        )


def test_editing_keeps_the_old_text_in_a_change_row(
    specs: object, epao: Organisation, alice: User, login: Callable[[User], Client]
) -> None:
    question = _add(epao, alice, "Old wording?")
    client = login(alice)
    url = reverse("submissions:question_edit", args=[question.pk])
    response = client.post(
        url, {"text": "New wording?", "criteria": "", "source": "Our bank", "revision": 1}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.source, question.revision) == ("New wording?", "Our bank", 2)
    text_change = QuestionChange.objects.get(question=question, field="text")
    assert (text_change.old, text_change.new, text_change.changed_by) == (
        "Old wording?",
        "New wording?",
        alice,
    )
    page = client.get(url).content.decode()
    assert "Old wording?" in page
    assert "New wording?" in page
    assert "History" in page


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    specs: object, epao: Organisation, alice: User, login: Callable[[User], Client]
) -> None:
    question = _add(epao, alice, "Original?")
    question_banks.edit_question(
        question, alice, text="Someone else's?", criteria=[], source="", revision=1
    )
    with pytest.raises(Changed):
        question_banks.edit_question(
            question, alice, text="Mine?", criteria=[], source="", revision=1
        )
    response = login(alice).post(
        reverse("submissions:question_edit", args=[question.pk]),
        {"text": "My careful wording?", "criteria": "", "source": "", "revision": 1},
    )
    body = response.content.decode()
    assert "Someone else changed question 1" in body
    assert "My careful wording?" in body
    assert 'name="revision" value="2"' in body


def test_retiring_keeps_the_question(
    specs: object, epao: Organisation, alice: User, login: Callable[[User], Client]
) -> None:
    question = _add(epao, alice, "Retire me?")
    client = login(alice)
    response = client.post(
        reverse("submissions:question_retire", args=[question.pk]), {"revision": 1}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.active
    assert question.retired_by == alice
    assert QuestionChange.objects.filter(question=question, field="active").exists()
    listing = client.get(reverse("submissions:questions") + "?status=retired").content.decode()
    assert "Retire me?" in listing
    assert "Retired" in listing
    active = client.get(reverse("submissions:questions")).content.decode()
    assert "Retire me?" not in active
    with pytest.raises(SubmissionRefused, match="already been retired"):
        question_banks.retire_question(question, alice, revision=question.revision)


def test_add_page_refuses_an_empty_question(
    specs: object, alice: User, login: Callable[[User], Client]
) -> None:
    response = login(alice).post(
        reverse("submissions:question_add"), {"bank": "st0071-highfield:project", "text": ""}
    )
    assert "Enter the question" in response.content.decode()
    assert not InterviewQuestion.objects.exists()


def test_another_epaos_question_is_not_found(
    specs: object, epao: Organisation, alice: User, mallory: User, login: Callable[[User], Client]
) -> None:
    question = _add(epao, alice, "Ours?")
    client = login(mallory)
    assert client.get(reverse("submissions:question_edit", args=[question.pk])).status_code == 404
    assert "Ours?" not in client.get(reverse("submissions:questions")).content.decode()


def test_seed_button_adds_the_examples(
    specs: object, alice: User, login: Callable[[User], Client]
) -> None:
    response = login(alice).post(reverse("submissions:question_seed"), follow=True)
    assert "6 questions from the specifications added" in response.content.decode()


def test_the_question_list_does_not_grow_in_queries(
    specs: object, epao: Organisation, alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    url = reverse("submissions:questions") + "?status=all"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(2):
        question = _add(epao, alice, f"Question {n}?")
        question_banks.retire_question(question, alice, revision=1)
    queries()  # the first page parses the specifications, once per process
    few = queries()
    for n in range(20):
        question = _add(epao, alice, f"More {n}?")
        question_banks.edit_question(
            question, alice, text=f"Edited {n}?", criteria=[], source="", revision=1
        )
    assert queries() == few
