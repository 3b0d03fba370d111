"""Transferring a registration to another provider or employer of the EPAO, with its history.

Sam trains with Acme Training (Bob) at Bright Retail (Erin). Sam moves to Other Training
(Charlie) and to Other Retail (Eve) from 1 September 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.registration.lifecycle import LifecycleRefused
from openepa.registration.models import Registration, Transfer
from openepa.registration.transfers import transfer

TODAY = date(2026, 9, 7)
EFFECTIVE = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def sams(make_registration: Callable[..., Registration]) -> Registration:
    return make_registration(given_names="Sam", family_name="Taylor")


def test_transfer_to_another_provider_and_employer_keeps_the_history(
    login: Callable[[User], Client],
    sams: Registration,
    alice: User,
    bob: User,
    charlie: User,
    other_provider: Organisation,
    other_employer: Organisation,
) -> None:
    client = login(alice)
    page = client.get(f"/apprentices/{sams.pk}/transfer/").content.decode().replace("&#x27;", "'")
    assert "Transfer Sam Taylor" in page
    response = client.post(
        f"/apprentices/{sams.pk}/transfer/",
        {
            "revision": str(sams.revision),
            "provider": str(other_provider.pk),
            "employer": str(other_employer.pk),
            "effective_on_day": "1",
            "effective_on_month": "9",
            "effective_on_year": "2026",
            "reason": "Moved to a new employer and provider",
        },
        follow=True,
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert "Sam Taylor's registration is transferred" in html
    assert "Acme Training" in html
    assert "Other Training" in html
    assert "1 September 2026" in html
    sams.refresh_from_db()
    assert (sams.provider, sams.employer) == (other_provider, other_employer)
    history = list(Transfer.objects.filter(registration=sams).order_by("kind"))
    assert [(t.kind, t.from_organisation.name, t.to_organisation.name) for t in history] == [
        ("employer", "Bright Retail", "Other Retail"),
        ("provider", "Acme Training", "Other Training"),
    ]
    assert {t.effective_on for t in history} == {EFFECTIVE}
    event = AuditEvent.objects.get(action="registration.transferred")
    assert event.changes["provider"] == {"old": "Acme Training", "new": "Other Training"}
    assert event.changes["employer"] == {"old": "Bright Retail", "new": "Other Retail"}
    assert event.changes["effective_on"] == {"old": None, "new": "2026-09-01"}
    assert event.reason == "Moved to a new employer and provider"
    # The registration now belongs to Other Training: Bob no longer finds it, Charlie does.
    assert login(bob).get(f"/apprentices/{sams.pk}/").status_code == 404
    assert login(charlie).get(f"/apprentices/{sams.pk}/").status_code == 200


def test_transfer_refuses_what_is_not_a_move(
    sams: Registration, alice: User, provider: Organisation, other_epao: Organisation
) -> None:
    with pytest.raises(LifecycleRefused, match="Choose a new training provider or a new employer"):
        transfer(sams, alice, effective_on=EFFECTIVE, reason="x", revision=sams.revision)
    with pytest.raises(LifecycleRefused, match="already with Acme Training"):
        transfer(
            sams,
            alice,
            provider=provider,
            effective_on=EFFECTIVE,
            reason="x",
            revision=sams.revision,
        )
    stranger = Organisation.objects.create(
        kind=Organisation.Kind.PROVIDER, name="Elsewhere", epao=other_epao, ukprn="10099999"
    )
    with pytest.raises(LifecycleRefused, match="Choose a training provider from the list"):
        transfer(
            sams,
            alice,
            provider=stranger,
            effective_on=EFFECTIVE,
            reason="x",
            revision=sams.revision,
        )


def test_transfer_only_by_an_epao_admin(
    login: Callable[[User], Client], sams: Registration, bob: User, erin: User, mallory: User
) -> None:
    url = f"/apprentices/{sams.pk}/transfer/"
    assert login(bob).get(url).status_code == 403
    assert login(erin).get(url).status_code == 403
    assert login(mallory).get(url).status_code == 404


def test_transfer_needs_an_effective_date_not_in_the_future_and_a_reason(
    login: Callable[[User], Client],
    sams: Registration,
    alice: User,
    other_provider: Organisation,
) -> None:
    html = (
        login(alice)
        .post(
            f"/apprentices/{sams.pk}/transfer/",
            {
                "revision": str(sams.revision),
                "provider": str(other_provider.pk),
                "employer": "",
                "effective_on_day": "1",
                "effective_on_month": "10",
                "effective_on_year": "2026",
                "reason": "",
            },
        )
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "There is a problem" in html
    assert "The transfer must have taken effect" in html
    assert "Enter the reason for the transfer" in html
    sams.refresh_from_db()
    assert sams.provider.name == "Acme Training"
