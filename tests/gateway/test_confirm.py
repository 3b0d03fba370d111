"""Confirming the gateway: only when everything is accepted and the time checks are met."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.audit.models import AuditEvent
from openepa.gateway.components import create_components
from openepa.gateway.evidence import submit_evidence
from openepa.gateway.models import GatewayComponent
from openepa.gateway.refusals import GatewayNotReady, GatewayRefused
from openepa.gateway.review import confirm_gateway
from openepa.registration.models import Registration
from tests.gateway.conftest import component, pdf

Status = GatewayComponent.Status


def _accept_all(registration: Registration) -> None:
    create_components(registration)
    registration.gateway_components.update(status=Status.ACCEPTED)
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.GATEWAY)
    registration.refresh_from_db()


def _confirm(registration: Registration) -> str:
    return f"/gateway/{registration.pk}/confirm/"


def test_confirming_before_everything_is_accepted_is_refused(
    highfield: Registration, login, alice, bob
) -> None:
    english = component(highfield, "english")
    submit_evidence(english, bob, revision=english.revision, upload=pdf(), level=2)
    client = login(alice)
    page = client.get(_confirm(highfield)).content.decode()
    assert "English is not accepted yet (submitted for review)" in page
    assert "Maths is not accepted yet (not started)" in page
    response = client.post(_confirm(highfield), {"revision": highfield.revision})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    highfield.refresh_from_db()
    assert highfield.status != Registration.Status.GATEWAY_ACCEPTED
    assert highfield.gateway_date is None
    with pytest.raises(GatewayNotReady) as refusal:
        confirm_gateway(highfield, alice, revision=highfield.revision)
    assert len(refusal.value.problems) == 7


def test_confirming_before_the_minimum_time_on_programme_is_refused(
    highfield: Registration, alice
) -> None:
    _accept_all(highfield)
    with pytest.raises(GatewayNotReady) as refusal:
        confirm_gateway(highfield, alice, revision=highfield.revision, on=date(2026, 4, 1))
    assert refusal.value.problems == [
        "Minimum time on programme (15 months) is not met: the apprentice started on "
        "6 January 2025: the gateway may be held on or after 6 April 2026, after 15 months on "
        "programme",
        "On or after the on-programme end date is not met: the gateway must be held on or after "
        "the on-programme end date, 30 April 2026",
    ]


def test_highfield_window_ends_three_months_after_the_gateway(
    highfield: Registration, login, alice, pat
) -> None:
    _accept_all(highfield)
    old_revision = highfield.revision
    response = login(alice).post(_confirm(highfield), {"revision": highfield.revision})
    assert response.status_code == 302
    highfield.refresh_from_db()
    assert highfield.status == Registration.Status.GATEWAY_ACCEPTED
    assert highfield.gateway_date == date(2026, 5, 15)
    assert highfield.epa_window_end == date(2026, 8, 15)
    assert highfield.revision == old_revision + 1
    event = AuditEvent.objects.get(action="gateway.confirmed")
    assert event.changes == {
        "status": {"old": "gateway", "new": "gateway_accepted"},
        "gateway_date": {"old": None, "new": "2026-05-15"},
        "epa_window_end": {"old": None, "new": "2026-08-15"},
    }
    page = login(pat).get(f"/gateway/{highfield.pk}/").content.decode()
    assert "EPA window opened on" in page
    assert "15 May 2026" in page
    assert "EPA window ends on" in page
    assert "15 August 2026" in page
    assert "3-month end-assessment window" in page  # the rule's own words


def test_activeiq_sets_no_window_length(activeiq: Registration, login, alice, erin) -> None:
    _accept_all(activeiq)
    confirm_gateway(activeiq, alice, revision=activeiq.revision)
    activeiq.refresh_from_db()
    assert activeiq.status == Registration.Status.GATEWAY_ACCEPTED
    assert activeiq.epa_window_end is None
    page = login(erin).get(f"/gateway/{activeiq.pk}/").content.decode()
    assert "The specification sets no EPA window length" in page


def test_a_confirmed_gateway_is_not_confirmed_again_or_changed(
    highfield: Registration, alice, bob
) -> None:
    _accept_all(highfield)
    confirm_gateway(highfield, alice, revision=highfield.revision)
    with pytest.raises(GatewayNotReady, match="already confirmed"):
        confirm_gateway(highfield, alice, revision=highfield.revision)
    english = component(highfield, "english")
    with pytest.raises(GatewayRefused, match="already confirmed"):
        submit_evidence(english, bob, revision=english.revision, upload=pdf(), level=2)


def test_a_stale_page_is_told_someone_changed_the_registration(
    highfield: Registration, login, alice
) -> None:
    _accept_all(highfield)
    response = login(alice).post(_confirm(highfield), {"revision": highfield.revision - 1 or 99})
    assert "changed by someone else" in response.content.decode()
    highfield.refresh_from_db()
    assert highfield.gateway_date is None


def test_only_an_epao_admin_confirms(highfield: Registration, login, bob, anna, mallory) -> None:
    assert login(bob).get(_confirm(highfield)).status_code == 403
    assert login(anna).post(_confirm(highfield), {"revision": 1}).status_code == 403
    assert login(mallory).get(_confirm(highfield)).status_code == 404
