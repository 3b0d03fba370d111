"""Withdrawing a registration: its bookings are cancelled, the parties are told, and it is
read-only from then on. Only an EPAO admin withdraws.

Pat is past the gateway on st0071-highfield with Anna as assessor and Ivy as IQA; the project
interview is booked for 14 September and the discussion for 28 September 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from openepa.accounts.models import User
from openepa.assessment.records import open_record
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.planning import bookings
from openepa.planning.models import Booking
from openepa.planning.services import PlanningRefused
from openepa.registration.corrections import correct_details
from openepa.registration.lifecycle import LifecycleRefused, withdraw
from openepa.registration.models import Registration
from tests.epa import accept
from tests.planning.conftest import approve, book

TODAY = date(2026, 9, 7)
REASON = "The apprentice left the employer"


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def pats(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    ivy: User,
    alice: User,
    bob: User,
    erin: User,
) -> Registration:
    approve(anna, "st0071-highfield")
    registration = accept(
        make_registration("st0071-highfield", apprentice_user=pat, given_names="Pat"), anna, ivy
    )
    book(registration, "project", date(2026, 9, 14), anna, alice)
    book(registration, "discussion", date(2026, 9, 28), anna, alice)
    return registration


def withdraw_on_page(client: Client, registration: Registration, **fields: str) -> Any:
    data = {"revision": str(registration.revision), "reason": REASON, "confirm": "yes"}
    data.update(fields)
    return client.post(f"/apprentices/{registration.pk}/withdraw/", data, follow=True)


def test_withdraw_cancels_the_open_bookings_audited(
    login: Callable[[User], Client],
    pats: Registration,
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(alice)
    page = client.get(f"/apprentices/{pats.pk}/withdraw/").content.decode().replace("&#x27;", "'")
    assert "2 bookings" in page  # the page says what withdrawing will do
    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw_on_page(client, pats)
    assert "Pat Example's registration is withdrawn" in response.content.decode().replace(
        "&#x27;", "'"
    )
    pats.refresh_from_db()
    assert pats.status == Registration.Status.WITHDRAWN
    assert pats.withdrawn_on == TODAY
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}
    cancelled = AuditEvent.objects.filter(action="planning.booking_cancelled")
    assert cancelled.count() == 2
    assert all(REASON in event.reason for event in cancelled)
    event = AuditEvent.objects.get(action="registration.withdrawn")
    assert (event.actor, event.reason) == (alice, REASON)
    assert event.changes["status"] == {"old": "gateway_accepted", "new": "withdrawn"}


def test_withdraw_emails_the_parties(
    login: Callable[[User], Client],
    pats: Registration,
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_on_page(login(alice), pats)
    told = sorted(m.to[0] for m in mail.outbox if "withdrawn" in m.subject)
    assert told == [
        "anna@epao.example",
        "bob@acme.example",
        "erin@bright.example",
        "ivy@epao.example",
        "pat@learner.example",
    ]
    message = next(
        m for m in mail.outbox if m.to == ["erin@bright.example"] and "withdrawn" in m.subject
    )
    assert message.subject == "Pat Example's end-point assessment registration is withdrawn"
    assert REASON in message.body
    assert "7 September 2026" in message.body


def test_withdraw_makes_the_pages_read_only(
    login: Callable[[User], Client],
    pats: Registration,
    alice: User,
    anna: User,
    bob: User,
) -> None:
    withdraw(pats, alice, reason=REASON, revision=pats.revision)
    pats.refresh_from_db()
    client = login(alice)
    html = client.get(f"/apprentices/{pats.pk}/").content.decode().replace("&#x27;", "'")
    assert "withdrawn on 7 September 2026" in html
    assert "read-only" in html
    for action in ("correct", "hold", "withdraw", "transfer"):
        assert f"/apprentices/{pats.pk}/{action}/" not in html
    refused = client.get(f"/apprentices/{pats.pk}/correct/", follow=True)
    assert refused.redirect_chain[-1][0] == f"/apprentices/{pats.pk}/"
    assert "withdrawn: it can no longer be changed" in refused.content.decode().replace(
        "&#x27;", "'"
    )
    with pytest.raises(LifecycleRefused, match="withdrawn"):
        correct_details(pats, alice, values={}, reason="x", revision=pats.revision)
    with pytest.raises(PlanningRefused, match="withdrawn"):
        bookings.book(
            pats,
            alice,
            method_id="observation",
            on=date(2026, 10, 5),
            starts_at=None,
            minutes=[60],
            mode="face_to_face",
            submissions={},
        )
    from openepa.assessment.refusals import RecordRefused

    with pytest.raises(RecordRefused, match="withdrawn"):
        open_record(pats, "project", anna)


def test_withdraw_only_by_an_epao_admin(
    login: Callable[[User], Client],
    pats: Registration,
    bob: User,
    erin: User,
    mallory: User,
) -> None:
    url = f"/apprentices/{pats.pk}/withdraw/"
    assert login(bob).get(url).status_code == 403
    assert login(bob).post(url, {"reason": REASON, "confirm": "yes"}).status_code == 403
    assert login(erin).get(url).status_code == 403
    assert login(mallory).get(url).status_code == 404
    pats.refresh_from_db()
    assert pats.status == Registration.Status.GATEWAY_ACCEPTED


def test_withdraw_needs_a_reason_and_a_confirmation(
    login: Callable[[User], Client], pats: Registration, alice: User
) -> None:
    html = (
        withdraw_on_page(login(alice), pats, reason="", confirm="")
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "There is a problem" in html
    assert "Enter the reason the registration is withdrawn" in html
    assert "Confirm that you want to withdraw" in html
    pats.refresh_from_db()
    assert pats.status == Registration.Status.GATEWAY_ACCEPTED


def test_the_plan_of_a_withdrawn_registration_offers_no_booking(
    login: Callable[[User], Client], pats: Registration, alice: User
) -> None:
    before = login(alice).get(f"/planning/apprentices/{pats.pk}/plan/").content.decode()
    assert f"/planning/apprentices/{pats.pk}/book/" in before
    withdraw(pats, alice, reason=REASON, revision=pats.revision)
    page = login(alice).get(f"/planning/apprentices/{pats.pk}/plan/").content.decode()
    assert f"/planning/apprentices/{pats.pk}/book/" not in page
    assert "read-only" in page
