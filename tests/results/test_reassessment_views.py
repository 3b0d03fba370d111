"""The resit and retake page: the deadline, the refusals and the recording."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from openepa.kernel import clock
from tests.results.test_reassessment_support import failed_highfield


def test_the_page_shows_the_deadline_and_records_a_resit(
    make_registration, anna, alice, client, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 2, 1))
    registration, _ = failed_highfield(make_registration, anna, alice, released=date(2026, 1, 10))
    client.force_login(alice)
    url = reverse("results:reassessment", args=[registration.pk])
    page = client.get(url).content.decode()
    assert "By 10 January 2027: within 12 months of the release of the first fail" in page
    refused = client.post(url, {"based_on": 1, "kind": "retake"}).content.decode()
    assert "A retake needs further learning" in refused
    assert "confirm that the employer agreed" in refused
    data = {
        "based_on": 1,
        "kind": "resit",
        "employer_agreed": "on",
        "employer_contact": "Erin Employer",
        "employer_agreed_on_day": "20",
        "employer_agreed_on_month": "1",
        "employer_agreed_on_year": "2026",
        "attempts_agreed": "2",
    }
    assert client.post(url, data).status_code == 302
    assert registration.sittings.get(number=2).methods == ["observation"]


def test_exceptional_circumstances_posted_at_epa_kit_are_refused_on_the_page(
    make_registration, anna, alice, client, monkeypatch
):
    from tests.epa import accept, policy_without_sampling
    from tests.results.test_reassessment_support import assess, release

    monkeypatch.setattr(clock, "today", lambda: date(2026, 2, 1))
    registration = accept(make_registration("st0071-epakit"), anna)
    policy_without_sampling(registration.epao)
    from openepa.specifications.services import rules_for

    spec, _ = rules_for(registration.specification)
    methods = [m.id for m in spec.methods]
    assess(registration, anna, methods, failing=methods[:1])
    release(registration, alice, date(2026, 1, 10))
    client.force_login(alice)
    url = reverse("results:reassessment", args=[registration.pk])
    page = client.get(url).content.decode()
    assert "exceptional_circumstances" not in page
    data = {
        "based_on": 1,
        "kind": "resit",
        "employer_agreed": "on",
        "employer_contact": "Erin Employer",
        "employer_agreed_on_day": "20",
        "employer_agreed_on_month": "1",
        "employer_agreed_on_year": "2026",
        "attempts_agreed": "1",
        "exceptional_circumstances": "on",
        "exceptional_reason": "Illness",
    }
    response = client.post(url, data).content.decode()
    assert "Exceptional circumstances cannot be recorded" in response
    assert registration.sittings.count() == 1
