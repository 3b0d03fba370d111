"""A resit agreed before the apprenticeship started is refused with the reason, on the page."""

from __future__ import annotations

import html
from datetime import date

from django.urls import reverse

from openepa.kernel import clock
from tests.results.test_reassessment_support import failed_highfield


def test_an_agreement_dated_before_the_apprenticeship_started_is_refused(
    make_registration, anna, alice, client, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 2, 1))
    registration, _ = failed_highfield(make_registration, anna, alice, released=date(2026, 1, 10))
    client.force_login(alice)
    url = reverse("results:reassessment", args=[registration.pk])
    data = {
        "based_on": 1,
        "kind": "resit",
        "employer_agreed": "on",
        "employer_contact": "Erin Employer",
        "employer_agreed_on_day": "1",
        "employer_agreed_on_month": "12",
        "employer_agreed_on_year": "2024",
        "attempts_agreed": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert (
        "The date the employer agreed (1 December 2024) is before the apprenticeship started on "
        "6 January 2025" in page
    )
    assert registration.sittings.count() == 1
    data["employer_agreed_on_year"] = "2026"
    data["employer_agreed_on_month"] = "1"
    data["employer_agreed_on_day"] = "20"
    assert client.post(url, data).status_code == 302
