"""The gateway is built from the specification the apprentice is registered on."""

from __future__ import annotations

from openepa.audit.models import AuditEvent
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent
from openepa.registration.models import Registration
from openepa.specifications.services import rules_for


def test_one_component_per_highfield_requirement_in_order(highfield: Registration) -> None:
    components = create_components(highfield)
    spec, _ = rules_for(highfield.specification)
    assert [c.requirement_id for c in components] == [r.id for r in spec.gateway.requirements]
    english = components[0]
    assert (english.name, english.evidence, english.uses, english.level) == (
        "English",
        "upload",
        "english_maths",
        2,
    )
    assert english.submitted_by == ["provider"]
    declaration = next(c for c in components if c.requirement_id == "gateway-declaration")
    assert declaration.submitted_by == ["apprentice", "employer", "provider"]
    assert all(c.status == GatewayComponent.Status.NOT_STARTED for c in components)


def test_building_twice_changes_nothing_and_is_audited_once(highfield: Registration) -> None:
    first = create_components(highfield)
    second = create_components(highfield)
    assert [c.pk for c in first] == [c.pk for c in second]
    events = AuditEvent.objects.filter(registration=highfield, action="gateway.created")
    assert events.count() == 1
    assert "st0071-highfield" in events.get().summary


def test_activeiq_gateway_has_its_own_four_requirements(activeiq: Registration) -> None:
    components = create_components(activeiq)
    assert [c.requirement_id for c in components] == [
        "english-maths",
        "on-programme-portfolio",
        "sign-off-meeting",
        "readiness-notification",
    ]
    assert components[3].evidence == "answer"
    assert components[3].submitted_by == ["provider", "employer"]


def test_the_overview_builds_a_missing_gateway(highfield: Registration, login, alice) -> None:
    assert not highfield.gateway_components.exists()
    response = login(alice).get(f"/gateway/{highfield.pk}/")
    assert response.status_code == 200
    assert highfield.gateway_components.count() == 7
