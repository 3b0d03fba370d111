"""The release queue, the release page and the result page: who sees what, and when."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.kernel import clock
from openepa.results.models import Result
from tests.epa import accept, policy_without_sampling, record_method

HIGHFIELD = ("project", "discussion", "observation")


def _graded(make_registration, anna, ivy, spec="st0071-highfield", **fields):
    registration = accept(make_registration(spec, **fields), anna, ivy)
    methods = HIGHFIELD if spec == "st0071-highfield" else ("observation", "project", "discussion")
    for method in methods:
        record_method(registration, method, anna, assessed_on=date(2026, 8, 21))
    return registration


def test_parties_see_the_grade_only_after_release(
    make_registration, anna, ivy, alice, bob, erin, pat, epao, login, draw
):
    policy_without_sampling(epao)
    registration = _graded(make_registration, anna, ivy, apprentice_user=pat)
    url = reverse("results:result", args=[registration.pk])
    for person in (pat, bob, erin):
        body = login(person).get(url).content.decode()
        assert "The result is not released yet" in body, person
        assert "Distinction" not in body, person
    staff = login(alice).get(url).content.decode()
    assert "The grade the engine gives, not yet released: <strong>Distinction</strong>" in staff
    release_url = reverse("results:release", args=[registration.pk])
    page = login(alice).get(release_url)
    assert b"Release the result: Distinction" in page.content
    sitting = registration.sittings.get()
    response = login(alice).post(release_url, {"sitting": sitting.pk, "grade": "distinction"})
    assert response.status_code == 302
    for person in (pat, bob, erin, anna, ivy):
        body = login(person).get(url).content.decode()
        assert "Distinction" in body, person
        assert "Feedback on the" in body, person
        assert "The result is not released yet" not in body, person
    again = login(alice).post(release_url, {"sitting": sitting.pk, "grade": "distinction"})
    assert "was already released by Alice Admin" in again.content.decode()
    assert Result.objects.count() == 1


def test_other_organisations_and_epaos_cannot_find_the_result(
    make_registration, anna, ivy, alice, charlie, eve, mallory, epao, login, draw
):
    policy_without_sampling(epao)
    registration = _graded(make_registration, anna, ivy)
    sitting = registration.sittings.get()
    login(alice).post(
        reverse("results:release", args=[registration.pk]),
        {"sitting": sitting.pk, "grade": "distinction"},
    )
    for name in ("results:result", "results:achievement"):
        url = reverse(name, args=[registration.pk])
        for person in (charlie, eve, mallory):
            assert login(person).get(url).status_code == 404, (name, person)
    response = login(mallory).post(
        reverse("results:release", args=[registration.pk]),
        {"sitting": sitting.pk, "grade": "distinction"},
    )
    assert response.status_code == 404


def test_the_record_of_achievement_shows_grades_initials_and_iv_after_release(
    make_registration, anna, ivy, alice, pat, epao, login, draw
):
    from openepa.results import iqa

    registration = accept(make_registration("st0071-highfield", apprentice_user=pat), anna, ivy)
    policy = policy_without_sampling(epao)
    policy.sample_first_decisions = 1
    policy.save()
    records = [record_method(registration, m, anna) for m in HIGHFIELD]
    assert [r.iqa_status for r in records] == ["held", "not_sampled", "not_sampled"]
    url = reverse("results:achievement", args=[registration.pk])
    before = login(pat).get(url).content.decode()
    assert "The result is not released yet" in before
    assert "AA " not in before
    upheld = iqa.uphold(records[0].pk, ivy, records[0].revision)
    sitting = registration.sittings.get()
    login(alice).post(
        reverse("results:release", args=[registration.pk]),
        {"sitting": sitting.pk, "grade": "distinction"},
    )
    after = login(pat).get(url).content.decode()
    assert "IV initials (if sampled) and date" in after
    assert upheld.iqa_decided_at is not None
    assert f"IQ {upheld.iqa_decided_at:%d/%m/%Y}" in after
    assert "Not sampled" in after
    assert "AA " in after


def test_the_release_queue_shows_state_and_deadline_with_constant_queries(
    make_registration, anna, ivy, alice, epao, login, draw, monkeypatch
):
    policy_without_sampling(epao)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 8))
    client = login(alice)
    url = reverse("results:release_queue")

    def add(count: int) -> None:
        for number in range(count):
            spec = "st0071-nqual" if number % 2 else "st0071-highfield"
            registration = accept(make_registration(spec), anna, ivy)
            record_method(registration, "observation", anna, assessed_on=date(2026, 8, 21))
            if number % 3 == 0:
                for method in ("project", "discussion"):
                    record_method(registration, method, anna, assessed_on=date(2026, 8, 21))

    add(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    body = response.content.decode()
    assert "3 apprentices" in body
    assert "Ready to release" in body
    assert "Waiting for methods" in body
    assert "Breached: due on 7 September 2026" in body
    assert "No results deadline in the specification" in body
    add(27)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert "30 apprentices" in response.content.decode()
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]
    ready = client.get(url, {"state": "ready"}).content.decode()
    assert "Waiting for methods</strong>" not in ready
    assert "10 apprentices" in ready
