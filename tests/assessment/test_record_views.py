"""The assessor's record page: judging, autosaving, conflicts, the live grade and submission."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.epa import accept, judgements_for, policy_without_sampling, record_method

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Judgement
from openepa.assessment.records import Edit, open_record, save_draft
from openepa.registration.models import Registration
from openepa.rules.recording import method_of
from openepa.specifications.services import rules_for

JSON = {"HTTP_ACCEPT": "application/json"}


def _url(registration: Registration, method_id: str) -> str:
    return reverse("assessment:record", args=[registration.pk, method_id])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _hidden(response: Any) -> dict[str, str]:
    """The hidden inputs of the record form (revision and every orig- value), as loaded."""
    text = response.content.decode()
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text)
    }


def _judge(data: dict[str, Any], criterion: str, value: str, comment: str = "") -> None:
    prefix = f"j::{criterion}"
    data[f"{prefix}:present"] = "1"
    data[f"{prefix}:value"] = value
    data[f"{prefix}:comment"] = comment


def _criteria(registration: Registration, method_id: str) -> list[str]:
    spec, _ = rules_for(registration.specification)
    return [c.id for c in method_of(spec, method_id).criteria]


@pytest.fixture
def highfield(
    make_registration: Callable[..., Registration], anna: User, ivy: User
) -> Registration:
    return accept(make_registration("st0071-highfield"), anna, ivy)


@pytest.fixture
def activeiq(make_registration: Callable[..., Registration], anna: User, ivy: User) -> Registration:
    return accept(make_registration("st0072-activeiq"), anna, ivy)


def test_the_page_lists_every_criterion_by_area_with_the_key(
    highfield: Registration, anna: User
) -> None:
    response = _client(anna).get(_url(highfield, "observation"))
    assert response.status_code == 200
    text = response.content.decode()
    for criterion in _criteria(highfield, "observation"):
        assert f'name="j::{criterion}:value"' in text
    assert "Customer service performance" in text  # an area name from the standard
    for label in ("Met (✓)", "Not met (X)", "Met with a comment (•)", "Question raised (Q)"):
        assert label in text
    assert 'aria-live="polite"' in text
    assert "Question and answer minutes" in text


def _post_judgements(client: Client, registration: Registration, distinctions: int) -> Any:
    data = _hidden(client.get(_url(registration, "observation")))
    edits = judgements_for(registration, "observation", distinctions=distinctions)
    for (_, criterion), edit in edits.items():
        _judge(data, criterion, edit.new[0])
    return client.post(_url(registration, "observation"), data, **JSON)


def test_every_pass_and_four_of_five_distinction_criteria_show_distinction(
    activeiq: Registration, anna: User
) -> None:
    client = _client(anna)
    answer = _post_judgements(client, activeiq, 4).json()
    assert "Distinction" in answer["panel"]
    assert "4 of 5 (4 needed)" in answer["panel"]
    page = client.get(_url(activeiq, "observation")).content.decode()
    panel = page.split('id="grade-panel"')[1]
    assert "Distinction" in panel
    assert "28 of 28" in panel


def test_three_of_five_distinction_criteria_show_pass(activeiq: Registration, anna: User) -> None:
    client = _client(anna)
    answer = _post_judgements(client, activeiq, 3).json()
    assert "Distinction" not in answer["panel"].split("Distinction criteria met")[0]
    assert "Pass" in answer["panel"]
    assert "3 of 5 (4 needed)" in answer["panel"]


def test_questioning_over_the_limit_is_saved_and_zero_refused_with_the_limit(
    highfield: Registration, anna: User
) -> None:
    client = _client(anna)
    data = _hidden(client.get(_url(highfield, "observation")))
    first = _criteria(highfield, "observation")[0]
    data.update({"questioning_minutes": "0", "feedback": "Clear and calm.", "action": "save"})
    _judge(data, first, "met")
    response = client.post(_url(highfield, "observation"), data)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "There is a problem" in text
    assert "cannot be 0 minutes" in text
    assert "the limit is 9 minutes" in text
    assert 'value="0"' in text  # what the assessor typed is shown again
    record = AssessmentRecord.objects.get(registration=highfield, method_id="observation")
    assert record.questioning_minutes is None
    assert record.feedback == "Clear and calm."
    assert record.judgements.get(criterion_id=first).value == "met"
    data = _hidden(client.get(_url(highfield, "observation")))
    data.update({"questioning_minutes": "12", "action": "save"})
    assert client.post(_url(highfield, "observation"), data).status_code == 302
    record.refresh_from_db()
    assert record.questioning_minutes == 12
    page = html.unescape(client.get(_url(highfield, "observation")).content.decode())
    assert "12 minutes, 3 over the limit of 9 minutes" in page


def test_the_autosave_answers_in_json_with_the_new_originals_and_the_panel(
    highfield: Registration, anna: User
) -> None:
    client = _client(anna)
    data = _hidden(client.get(_url(highfield, "observation")))
    first = _criteria(highfield, "observation")[0]
    data["feedback"] = "Good rapport."
    _judge(data, first, "met_comment", "Warm greeting")
    answer = client.post(_url(highfield, "observation"), data, **JSON).json()
    assert sorted(answer["saved"]) == sorted(["feedback", f"judgement::{first}"])
    assert answer["originals"]["orig-feedback"] == "Good rapport."
    assert answer["originals"][f"orig-j::{first}"] == '["met_comment", "Warm greeting", []]'
    assert answer["conflicts"] == []
    assert answer["problems"] == []
    assert answer["revision"] == 2
    assert "Pass criteria met" in answer["panel"]
    # Sending the same again with the new originals saves nothing and loses nothing.
    data.update(answer["originals"])
    again = client.post(_url(highfield, "observation"), data, **JSON).json()
    assert again["saved"] == []
    assert again["revision"] == 2


def test_two_pages_changing_different_criteria_keep_both(
    highfield: Registration, anna: User
) -> None:
    first, second = _clients_on_the_same_page(highfield, anna)
    one, two = _criteria(highfield, "observation")[:2]
    a, b = dict(first[1]), dict(second[1])
    _judge(a, one, "met")
    _judge(b, two, "not_met")
    assert first[0].post(_url(highfield, "observation"), a, **JSON).json()["conflicts"] == []
    assert second[0].post(_url(highfield, "observation"), b, **JSON).json()["conflicts"] == []
    stored = {j.criterion_id: j.value for j in Judgement.objects.all()}
    assert stored == {one: "met", two: "not_met"}


def _clients_on_the_same_page(
    registration: Registration, anna: User
) -> tuple[tuple[Client, dict[str, str]], tuple[Client, dict[str, str]]]:
    url = _url(registration, "observation")
    c1, c2 = _client(anna), _client(anna)
    return (c1, _hidden(c1.get(url))), (c2, _hidden(c2.get(url)))


def test_two_pages_changing_the_same_criterion_keep_the_first_and_tell_the_second(
    highfield: Registration, anna: User
) -> None:
    first, second = _clients_on_the_same_page(highfield, anna)
    one = _criteria(highfield, "observation")[0]
    a, b = dict(first[1]), dict(second[1])
    _judge(a, one, "met")
    _judge(b, one, "not_met", "Did not check the order")
    b["action"] = "save"
    first[0].post(_url(highfield, "observation"), a)
    response = second[0].post(_url(highfield, "observation"), b)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert f"Anna Assessor changed the judgement of {one} at " in text
    assert "their value is kept; yours was Not met (X) with “Did not check the order”" in text
    assert "Choose which to keep and save again" in text
    assert "Your value was: Not met (X)" in text  # shown next to the criterion
    assert Judgement.objects.get(criterion_id=one).value == "met"
    # The page now shows their value, with it as the original: saving again is possible.
    again = _hidden(response)
    assert again[f"orig-j::{one}"] == '["met", "", []]'
    _judge(again, one, "not_met", "Did not check the order")
    second[0].post(_url(highfield, "observation"), again)
    assert Judgement.objects.get(criterion_id=one).value == "not_met"


def test_a_conflict_in_the_autosave_gives_their_value_back_for_the_field(
    highfield: Registration, anna: User
) -> None:
    first, second = _clients_on_the_same_page(highfield, anna)
    a, b = dict(first[1]), dict(second[1])
    a["feedback"] = "Theirs"
    b["feedback"] = "Mine"
    first[0].post(_url(highfield, "observation"), a, **JSON)
    answer = second[0].post(_url(highfield, "observation"), b, **JSON).json()
    (conflict,) = answer["conflicts"]
    assert conflict["message"].startswith("Anna Assessor changed feedback at ")
    assert "yours was “Mine”" in conflict["message"]
    assert conflict["inputs"] == {"orig-feedback": "Theirs", "feedback": "Theirs"}
    assert AssessmentRecord.objects.get().feedback == "Theirs"


def test_submitting_locks_the_record(highfield: Registration, anna: User, epao: Any) -> None:
    policy_without_sampling(epao)
    record = record_method(highfield, "observation", anna, submit=False)
    client = _client(anna)
    data = _hidden(client.get(_url(highfield, "observation")))
    assert data["revision"] == str(record.revision)
    data["action"] = "submit"
    response = client.post(_url(highfield, "observation"), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.submitted
    page = html.unescape(client.get(_url(highfield, "observation")).content.decode())
    assert 'name="j::' not in page  # read-only
    assert "Not sampled" in page
    assert "History of the record" in page
    data["feedback"] = "Changed afterwards"
    data["action"] = "save"
    refused = client.post(_url(highfield, "observation"), data)
    assert refused.status_code == 409
    assert "is locked: your changes were not saved" in html.unescape(refused.content.decode())
    record.refresh_from_db()
    assert record.feedback != "Changed afterwards"


def test_submitting_an_incomplete_record_lists_the_problems(
    highfield: Registration, anna: User
) -> None:
    client = _client(anna)
    data = _hidden(client.get(_url(highfield, "observation")))
    data["action"] = "submit"
    response = client.post(_url(highfield, "observation"), data)
    text = html.unescape(response.content.decode())
    assert "Enter the date of assessment." in text
    assert "Write your feedback to the apprentice." in text
    assert not AssessmentRecord.objects.get().submitted


def test_only_the_allocated_assessor_edits(
    highfield: Registration, anna: User, alice: User, ivy: User, bob: User, pat: User, epao: Any
) -> None:
    open_record(highfield, "observation", anna)
    url = _url(highfield, "observation")
    other = User.objects.create_user(
        "otto@epao.example", "x", full_name="Otto Other", role=User.Role.ASSESSOR, epao=epao
    )
    assert _client(other).get(url).status_code == 404
    assert _client(other).post(url, {"feedback": "x"}).status_code == 404
    for reader in (alice, ivy):
        client = _client(reader)
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="j::' not in page.content.decode()
        assert client.post(url, {"feedback": "x"}).status_code == 403
    assert _client(bob).get(url).status_code == 403
    assert AssessmentRecord.objects.get().feedback == ""


def test_the_apprentice_cannot_see_the_record(
    make_registration: Callable[..., Registration], anna: User, pat: User
) -> None:
    registration = accept(make_registration("st0071-highfield", apprentice_user=pat), anna)
    open_record(registration, "observation", anna)
    assert _client(pat).get(_url(registration, "observation")).status_code == 403


def test_no_record_before_the_gateway_is_accepted(
    make_registration: Callable[..., Registration], anna: User
) -> None:
    registration = make_registration("st0071-highfield", assessor=anna)
    response = _client(anna).get(_url(registration, "observation"))
    assert response.status_code == 409
    assert "gateway is not accepted yet" in html.unescape(response.content.decode())
    assert not AssessmentRecord.objects.exists()


def test_the_history_shows_each_change(highfield: Registration, anna: User, ivy: User) -> None:
    client = _client(anna)
    one = _criteria(highfield, "observation")[0]
    data = _hidden(client.get(_url(highfield, "observation")))
    _judge(data, one, "met")
    answer = client.post(_url(highfield, "observation"), data, **JSON).json()
    data.update(answer["originals"])
    _judge(data, one, "not_met")
    client.post(_url(highfield, "observation"), data, **JSON)
    record = AssessmentRecord.objects.get()
    for reader in (anna, ivy):
        page = html.unescape(
            _client(reader).get(reverse("assessment:history", args=[record.pk])).content.decode()
        )
        assert f"Judgement of {one}" in page
        assert "(empty) → Met (✓)" in page
        assert "Met (✓) → Not met (X)" in page
        assert page.count("Anna Assessor") >= 2


def test_the_history_is_not_found_outside_scope(
    highfield: Registration, anna: User, mallory: User, bob: User
) -> None:
    record = open_record(highfield, "observation", anna)
    url = reverse("assessment:history", args=[record.pk])
    assert _client(mallory).get(url).status_code == 404
    assert _client(bob).get(url).status_code == 403


def _judged(registration: Registration, anna: User, count: int) -> AssessmentRecord:
    record = open_record(registration, "observation", anna)
    edits = judgements_for(registration, "observation")
    save_draft(record.pk, anna, {}, dict(list(edits.items())[:count]))
    return record


def test_the_record_page_needs_as_many_queries_for_20_judgements_as_for_2(
    make_registration: Callable[..., Registration], anna: User
) -> None:
    few = accept(make_registration("st0071-highfield"), anna)
    many = accept(make_registration("st0071-highfield"), anna)
    _judged(few, anna, 2)
    _judged(many, anna, 20)
    client = _client(anna)
    counts = []
    for registration in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(registration, "observation")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_showcase_element_exempted_through_the_observation_checklist(
    activeiq: Registration, anna: User
) -> None:
    spec, _ = rules_for(activeiq.specification)
    showcase = method_of(spec, "showcase")
    conflict = [c for c in showcase.criteria if c.element == "conflict-case-study"]
    observation = open_record(activeiq, "observation", anna)
    save_draft(
        observation.pk,
        anna,
        {},
        {("conflict-and-challenge", c.id): Edit(None, ("met", "", ())) for c in conflict},
    )
    page = html.unescape(_client(anna).get(_url(activeiq, "showcase")).content.decode())
    assert (
        "Exempt: judged through the observation’s Conflict and challenge observation checklist"
        in page
    )
    for criterion in conflict:
        assert f'name="j::{criterion.id}:value"' not in page
    other = next(c for c in showcase.criteria if c.element == "worksheet")
    assert f'name="j::{other.id}:value"' in page


def test_the_observation_offers_the_additional_checklists(
    activeiq: Registration, anna: User
) -> None:
    page = html.unescape(_client(anna).get(_url(activeiq, "observation")).content.decode())
    assert "Conflict and challenge observation checklist (optional)" in page
    assert 'name="j:conflict-and-challenge:' in page
    assert "Occasions" in page


def test_occasions_short_of_the_hour_are_refused_on_submission(
    activeiq: Registration, anna: User, epao: Any
) -> None:
    policy_without_sampling(epao)
    record_method(activeiq, "observation", anna, submit=False)
    client = _client(anna)
    data = _hidden(client.get(_url(activeiq, "observation")))
    data.update(
        {
            "occasions-count": "2",
            "occasion-0-on": "2026-09-15",
            "occasion-0-minutes": "30",
            "occasion-1-on": "2026-09-16",
            "occasion-1-minutes": "29",
            "action": "submit",
        }
    )
    text = html.unescape(client.post(_url(activeiq, "observation"), data).content.decode())
    assert "The 2 occasions recorded add up to 59 minutes" in text
    record = AssessmentRecord.objects.get(method_id="observation")
    assert not record.submitted
    assert [o["minutes"] for o in record.occasions] == [30, 29]


def test_the_registration_page_links_to_each_record(
    highfield: Registration, anna: User, alice: User
) -> None:
    page = _client(anna).get(reverse("registration:detail", args=[highfield.pk])).content.decode()
    assert "Record the Practical observation with Q&amp;As" in page
    assert _url(highfield, "observation") in page
    admin_page = _client(alice).get(reverse("registration:detail", args=[highfield.pk]))
    assert _url(highfield, "observation") not in admin_page.content.decode()


def test_input_that_cannot_be_read_is_shown_again_with_its_message(
    activeiq: Registration, anna: User
) -> None:
    client = _client(anna)
    data = _hidden(client.get(_url(activeiq, "observation")))
    data.update(
        {
            "assessed_on_day": "40",
            "assessed_on_month": "1",
            "assessed_on_year": "2026",
            "starts_at": "25:00",
            "mode": "remote",
            "feedback": "Kept",
        }
    )
    response = client.post(_url(activeiq, "observation"), data)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Date of assessment must be a real date, like 27 3 2024" in text
    assert "Enter the start time as hours and minutes, like 09:30" in text
    assert "Choose how the assessment was carried out from the ways shown" in text
    assert 'value="25:00"' in text
    record = AssessmentRecord.objects.get()
    assert (record.assessed_on, record.starts_at, record.mode) == (None, None, "")
    assert record.feedback == "Kept"
