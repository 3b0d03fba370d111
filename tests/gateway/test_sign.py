"""Declarations: every named party signs, each as themselves, with name, time and account."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from openepa.audit.models import AuditEvent
from openepa.gateway.evidence import sign_declaration
from openepa.gateway.models import GatewayComponent, Signature
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.review import review_component
from openepa.registration.models import Registration
from tests.gateway.conftest import component, reload

Status = GatewayComponent.Status


def _url(item: GatewayComponent) -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/sign/"


def test_pat_erin_and_bob_each_sign_the_gateway_declaration(
    highfield: Registration, login, pat, erin, bob
) -> None:
    declaration = component(highfield, "gateway-declaration")
    client = login(pat)
    page = client.get(_url(declaration)).content.decode()
    assert declaration.description in page
    assert "Sign as Pat Apprentice" in page
    assert client.post(_url(declaration)).status_code == 302
    assert reload(declaration).status == Status.IN_PROGRESS

    client = login(erin)
    client.post(_url(declaration))
    assert reload(declaration).status == Status.IN_PROGRESS
    page = client.get(_url(declaration)).content.decode()
    assert "Signed by Pat Apprentice (pat@learner.example)" in page
    assert "Signed by Erin Employer (erin@bright.example)" in page
    assert "Sign as" not in page  # Erin has signed for the employer

    login(bob).post(_url(declaration))
    declaration = reload(declaration)
    assert declaration.status == Status.SUBMITTED
    assert declaration.attempts == 1
    signatures = list(Signature.objects.filter(component=declaration).order_by("signed_at"))
    assert [(s.party, s.user, s.signed_name) for s in signatures] == [
        ("apprentice", pat, "Pat Apprentice"),
        ("employer", erin, "Erin Employer"),
        ("provider", bob, "Bob Provider"),
    ]
    assert declaration.submissions.get().submitted_by == bob
    assert AuditEvent.objects.filter(action="gateway.signed").count() == 3


def test_alice_the_epao_admin_cannot_sign_for_a_party(
    highfield: Registration, login, alice
) -> None:
    declaration = component(highfield, "gateway-declaration")
    client = login(alice)
    assert client.get(_url(declaration)).status_code == 200  # she may read it
    assert client.post(_url(declaration)).status_code == 403
    assert not Signature.objects.exists()


def test_bob_cannot_sign_the_portfolio_declaration_of_employer_and_apprentice(
    highfield: Registration, login, bob
) -> None:
    declaration = component(highfield, "portfolio-declaration")
    assert login(bob).post(_url(declaration)).status_code == 403
    with pytest.raises(PermissionDenied):
        sign_declaration(declaration, bob)


def test_eve_at_another_employer_gets_not_found(highfield: Registration, login, eve) -> None:
    declaration = component(highfield, "gateway-declaration")
    assert login(eve).post(_url(declaration)).status_code == 404
    assert login(eve).get(_url(declaration)).status_code == 404


def test_a_party_signs_once_per_attempt(highfield: Registration, login, erin) -> None:
    declaration = component(highfield, "gateway-declaration")
    sign_declaration(declaration, erin)
    with pytest.raises(GatewayRefused, match=r"Erin Employer .* already signed"):
        sign_declaration(declaration, erin)
    assert Signature.objects.count() == 1


def test_after_a_rejection_every_party_signs_again(
    highfield: Registration, pat, erin, alice
) -> None:
    declaration = component(highfield, "portfolio-declaration")
    sign_declaration(declaration, erin)
    sign_declaration(declaration, pat)
    assert declaration.status == Status.SUBMITTED
    review_component(
        declaration,
        alice,
        accept=False,
        reason="The portfolio matrix is not attached",
        revision=declaration.revision,
    )
    assert declaration.status == Status.REJECTED
    sign_declaration(declaration, erin)
    assert reload(declaration).status == Status.REJECTED  # until every party signs again
    sign_declaration(declaration, pat)
    declaration = reload(declaration)
    assert (declaration.status, declaration.attempts) == (Status.SUBMITTED, 2)
    assert Signature.objects.filter(component=declaration, attempt=2).count() == 2
