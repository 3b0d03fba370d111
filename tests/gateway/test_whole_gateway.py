"""Whole gateways through the pages, as apprentice, employer, provider, assessor and EPAO."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.test import Client

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.gateway.models import GatewayComponent
from openepa.registration.models import Registration
from tests.gateway.conftest import docx, pdf, piece_data, words

Status = GatewayComponent.Status


def _base(item: GatewayComponent) -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/"


def _item(registration: Registration, requirement_id: str) -> GatewayComponent:
    return registration.gateway_components.get(requirement_id=requirement_id)


def _ok(response) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]


def _upload(client: Client, item: GatewayComponent, **data) -> None:
    _ok(client.post(_base(item) + "submit/", {"revision": item.revision, **data}))


def _sign(client: Client, item: GatewayComponent) -> None:
    _ok(client.post(_base(item) + "sign/"))


def _portfolio(client: Client, item: GatewayComponent, count: int, ksbs: list[str]) -> None:
    for number in range(count):
        _ok(
            client.post(
                _base(item) + "portfolio/add/",
                piece_data(ksbs, title=f"Evidence {number + 1}", file=pdf()),
            )
        )
    item.refresh_from_db()
    _ok(client.post(_base(item) + "portfolio/", {"revision": item.revision}))


def _accept_everything(client: Client, registration: Registration) -> None:
    queue = client.get("/gateway/reviews/").content.decode()
    for item in registration.gateway_components.filter(status=Status.SUBMITTED):
        assert _base(item) + "review/" in queue
        page = client.get(_base(item) + "review/")
        assert page.status_code == 200
        _ok(
            client.post(
                _base(item) + "review/",
                {"revision": item.revision, "decision": "accept", "reason": ""},
            )
        )


def test_highfield_gateway_from_start_to_epa_window(
    make_registration: Callable[..., Registration],
    login: Callable[[User], Client],
    pat: User,
    erin: User,
    bob: User,
    anna: User,
    alice: User,
) -> None:
    registration = make_registration("st0071-highfield", apprentice_user=pat, assessor=anna)
    assert login(pat).get(f"/gateway/{registration.pk}/").status_code == 200  # builds it

    provider = login(bob)
    _upload(provider, _item(registration, "english"), file=pdf("english.pdf"), level="2")
    _upload(provider, _item(registration, "maths"), file=pdf("maths.pdf"), level="2")
    _upload(provider, _item(registration, "gateway-readiness-report"), file=docx("report.docx"))

    apprentice = login(pat)
    _portfolio(apprentice, _item(registration, "portfolio"), 10, ["K2", "S2", "B1"])
    _sign(apprentice, _item(registration, "portfolio-declaration"))
    _sign(apprentice, _item(registration, "gateway-declaration"))
    proposal = _item(registration, "project-proposal")
    _ok(
        apprentice.post(
            _base(proposal) + "proposal/", {"revision": proposal.revision, "text": words(250)}
        )
    )

    employer = login(erin)
    _sign(employer, _item(registration, "portfolio-declaration"))
    _sign(employer, _item(registration, "gateway-declaration"))
    _sign(login(bob), _item(registration, "gateway-declaration"))

    proposal.refresh_from_db()
    _ok(
        login(anna).post(
            _base(proposal) + "proposal/review/",
            {"revision": proposal.revision, "decision": "accept", "reason": ""},
        )
    )

    admin = login(alice)
    _accept_everything(admin, registration)
    assert set(registration.gateway_components.values_list("status", flat=True)) == {
        Status.ACCEPTED
    }
    confirm = admin.get(f"/gateway/{registration.pk}/confirm/")
    assert "Confirm the gateway" in confirm.content.decode()
    registration.refresh_from_db()
    _ok(admin.post(f"/gateway/{registration.pk}/confirm/", {"revision": registration.revision}))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.GATEWAY_ACCEPTED
    assert registration.gateway_date == date(2026, 5, 15)
    assert registration.epa_window_end == date(2026, 8, 15)
    for user in (pat, erin, bob, anna, alice):
        html = login(user).get(f"/gateway/{registration.pk}/").content.decode()
        assert "15 August 2026" in html, user
    actions = set(
        AuditEvent.objects.filter(registration=registration).values_list("action", flat=True)
    )
    assert {
        "gateway.created",
        "registration.status_changed",
        "gateway.submitted",
        "gateway.signed",
        "gateway.piece_added",
        "gateway.proposal_submitted",
        "gateway.proposal_approved",
        "gateway.accepted",
        "gateway.confirmed",
    } <= actions


def test_activeiq_gateway_from_start_to_confirmation(
    make_registration: Callable[..., Registration],
    login: Callable[[User], Client],
    pat: User,
    erin: User,
    bob: User,
    alice: User,
) -> None:
    registration = make_registration("st0072-activeiq", apprentice_user=pat)
    login(alice).get(f"/gateway/{registration.pk}/")

    _upload(login(bob), _item(registration, "english-maths"), file=pdf("fs.pdf"), level="2")
    _portfolio(login(pat), _item(registration, "on-programme-portfolio"), 3, ["team-working"])
    for user in (pat, erin, bob):
        _sign(login(user), _item(registration, "sign-off-meeting"))
    _upload(
        login(erin),
        _item(registration, "readiness-notification"),
        answer="Pat has finished the apprenticeship; contact pat@learner.example",
    )

    admin = login(alice)
    _accept_everything(admin, registration)
    registration.refresh_from_db()
    _ok(admin.post(f"/gateway/{registration.pk}/confirm/", {"revision": registration.revision}))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.GATEWAY_ACCEPTED
    assert registration.gateway_date == date(2026, 5, 15)
    assert registration.epa_window_end is None
    for user in (pat, erin, bob, alice):
        html = login(user).get(f"/gateway/{registration.pk}/").content.decode()
        assert "The specification sets no EPA window length" in html
