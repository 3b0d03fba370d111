"""The apprentice page's "End-point assessment" section shows each person what they can do next."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from openepa.kernel import clock
from tests.results.test_reassessment_support import failed_highfield


def _page(client, user, registration) -> str:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(reverse("registration:detail", args=[registration.pk])).content.decode()


def test_after_a_fail_the_admin_is_offered_a_resit_and_the_parties_an_appeal(
    make_registration, anna, alice, pat, client, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 20))
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: date(2026, 9, 20))
    registration, result = failed_highfield(
        make_registration, anna, alice, released=date(2026, 9, 18), apprentice_user=pat
    )
    admin_page = _page(client, alice, registration)
    assert f"Result: <strong>{result.label}</strong>" in admin_page
    assert reverse("results:reassessment", args=[registration.pk]) in admin_page
    assert "Resit or retake deadline" in admin_page
    assert reverse("results:appeal_lodge", args=[registration.pk]) not in admin_page
    apprentice_page = _page(client, pat, registration)
    assert reverse("results:appeal_lodge", args=[registration.pk]) in apprentice_page
    assert "until 19 October 2026" in apprentice_page
    assert reverse("results:reassessment", args=[registration.pk]) not in apprentice_page


def test_after_the_appeal_period_the_appeal_link_is_gone(
    make_registration, anna, alice, pat, client, monkeypatch
):
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: date(2026, 10, 20))
    registration, _ = failed_highfield(
        make_registration, anna, alice, released=date(2026, 9, 18), apprentice_user=pat
    )
    page = _page(client, pat, registration)
    assert reverse("results:appeal_lodge", args=[registration.pk]) not in page
    assert reverse("results:result", args=[registration.pk]) in page


def test_the_home_page_counts_what_waits_for_each_person(
    make_registration, anna, alice, ivy, pat, client
):
    from openepa.results.appeals import assign_reviewer, lodge_appeal

    registration, _ = failed_highfield(
        make_registration, anna, alice, released=date.today(), apprentice_user=pat
    )
    appeal = lodge_appeal(registration, pat, grounds="The observation was cut short.")
    assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    client.force_login(ivy, backend="django.contrib.auth.backends.ModelBackend")
    assert "1 open appeal<" in client.get("/").content.decode()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert "1 open appeal<" in client.get("/").content.decode()
