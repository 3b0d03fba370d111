"""The IQA's pages: the queue of held decisions and the review of one decision."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.assessment.changes import history_of
from openepa.assessment.models import AssessmentRecord
from tests.epa import accept, policy_without_sampling, record_method
from tests.results.conftest import criterion_of


def _held(make_registration, anna, ivy, **fields):
    registration = accept(make_registration("st0071-highfield", **fields), anna, ivy)
    return record_method(registration, "project", anna)


def test_the_queue_lists_held_decisions_with_a_constant_number_of_queries(
    make_registration, anna, ivy, login, draw
):
    client = login(ivy)
    _held(make_registration, anna, ivy)
    url = reverse("results:iqa_queue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert b"1 waiting for your review" in response.content
    for _ in range(4):
        _held(make_registration, anna, ivy)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert b"5 waiting for your review" in response.content
    assert len(more) == len(few)


def test_the_iqa_upholds_on_the_review_page(make_registration, anna, ivy, login, draw):
    record = _held(make_registration, anna, ivy)
    client = login(ivy)
    url = reverse("results:iqa_review", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Feedback on the" in page.content
    assert b"Decision 1 of the assessor" in page.content
    response = client.post(
        url, {"revision": record.revision, "decision": "uphold", "reason": "Sound."}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.iqa_status, record.iqa_decided_by) == ("upheld", ivy)


def test_amending_without_a_reason_shows_the_error_and_keeps_the_input(
    make_registration, anna, ivy, login, draw
):
    record = _held(make_registration, anna, ivy)
    client = login(ivy)
    url = reverse("results:iqa_review", args=[record.pk])
    page = client.get(url)
    rows = page.context["rows"]
    distinction = criterion_of(record.registration, "project", "distinction")
    index = next(i for i, row in enumerate(rows) if row["id"] == distinction)
    data = {"revision": record.revision, "decision": "amend", "reason": ""}
    for i, row in enumerate(rows):
        data[f"value_{i}"] = row["current_value"]
        data[f"comment_{i}"] = row["current_comment"]
    data[f"value_{index}"] = "not_met"
    data[f"comment_{index}"] = "Not the apprentice's own work"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give the reason for the amendment: it is kept with the record" in (
        response.content.decode()
    )
    assert b"Not the apprentice&#x27;s own work" in response.content
    data["reason"] = "The evidence is a colleague's."
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert (record.iqa_status, record.grade) == ("amended", "pass")
    page = client.get(url)
    assert "The evidence is a colleague&#x27;s." in page.content.decode()
    assert [c.field for c in history_of(record)][-1] == "iqa_status"


def test_the_assessor_as_iqa_is_refused_clearly(make_registration, anna, ivy, login, draw, epao):
    record = _held(make_registration, anna, ivy)
    # Anna later became an IQA and was allocated as IQA of an apprentice she assessed.
    anna.role = User.Role.IQA
    anna.save()
    registration = record.registration
    registration.iqa = anna
    registration.save()
    client = login(anna)
    url = reverse("results:iqa_review", args=[record.pk])
    page = client.get(url)
    assert "You made this assessment decision, so you cannot quality assure it" in (
        page.content.decode()
    )
    assert b"Record your decision" not in page.content
    response = client.post(url, {"revision": record.revision, "decision": "uphold"})
    assert "You made this assessment decision" in response.content.decode()
    record.refresh_from_db()
    assert record.iqa_status == AssessmentRecord.Iqa.HELD


def test_a_decision_taken_by_another_iqa_meanwhile_is_refused_with_who(
    make_registration, anna, ivy, login, draw
):
    record = _held(make_registration, anna, ivy)
    client = login(ivy)
    url = reverse("results:iqa_review", args=[record.pk])
    client.post(url, {"revision": record.revision, "decision": "uphold"})
    response = client.post(url, {"revision": record.revision, "decision": "uphold"})
    assert "This decision was already upheld by Ivy Quality on" in response.content.decode()


def test_who_may_open_the_review_page(
    make_registration, anna, ivy, alice, bob, pat, mallory, login, draw, epao
):
    record = _held(make_registration, anna, ivy, apprentice_user=pat)
    other_iqa = User.objects.create_user(
        "ian@epao.example", "x", full_name="Ian Other", role=User.Role.IQA, epao=epao
    )
    url = reverse("results:iqa_review", args=[record.pk])
    expected = {ivy: 200, anna: 403, alice: 403, bob: 403, pat: 403, mallory: 403, other_iqa: 404}
    for person, status in expected.items():
        assert login(person).get(url).status_code == status, person


def test_a_questioning_overrun_is_held_and_flagged_on_the_review_page(
    make_registration, anna, ivy, epao, login, draw
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    record = record_method(
        registration, "observation", anna, distinctions=0, questioning_minutes=12
    )
    assert record.questioning_minutes == 12
    assert record.iqa_status == AssessmentRecord.Iqa.HELD
    assert record.sample_reason.startswith("flagged for the IQA: the question and answer")
    page = login(ivy).get(reverse("results:iqa_review", args=[record.pk])).content.decode()
    assert "Flagged for the IQA" in page
    assert "lasted 12 minutes, 3 over the limit of 9 minutes" in page
