"""The registration's page and its claim's show the EPA record and certificate at the service."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.assessment_service.conftest import FakeService

from openepa.accounts.models import User
from openepa.assessment_service import services
from openepa.assessment_service.sending import send_due
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.registration.service_items import service_items_of
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result
from openepa.rules.dates import long_date


def test_each_item_shows_its_state_reference_and_last_exchange(
    service: FakeService,
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    registration = make_registration(given_names="Pat")
    claim = make_claim(registration)
    services.keep_epa_record(registration)
    services.keep_certificate(claim)
    send_due()
    certificate = ServiceItem.objects.get(kind="certificate")
    ServiceItem.objects.filter(pk=certificate.pk).update(
        state=ServiceItem.State.REFUSED, messages=["Provide a valid UK postcode"]
    )
    client = login(alice)
    for url in (
        reverse("registration:detail", args=[registration.pk]),
        reverse("claims:detail", args=[claim.pk]),
    ):
        text = client.get(url).content.decode()
        assert "EPA record and certificate at the assessment service" in text
        assert f"Sent to the service, reference {service.held[claim.uln].reference}" in text
        assert "Refused by the service" in text
        assert "“Provide a valid UK postcode”" in text
        assert f"Last exchange with the service on {long_date(clock.today())}" in text


def test_the_states_read_from_waiting_to_delivered(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    registration = make_registration()
    make_result(registration)
    item = services.keep_epa_record(registration)
    assert item is not None
    assert [shown.words for shown in service_items_of(registration)] == [
        "Not sent: sending to the apprenticeship assessment service is not configured "
        "(ASSESSMENT_SERVICE_URL is not set)"
    ]
    ServiceItem.objects.filter(pk=item.pk).update(
        kind="certificate",
        state=ServiceItem.State.SUBMITTED,
        service_status="Delivered",
        delivery_status="Delivered",
    )
    shown = service_items_of(registration)[0]
    assert shown.words == "Submitted, printed and delivered"
    assert shown.delivery == "delivered"
    assert shown.last_exchange_at is None


def test_only_epao_admins_see_the_items(
    login: Callable[[User], Client],
    bob: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    registration = make_registration()
    make_result(registration)
    services.keep_epa_record(registration)
    text = login(bob).get(reverse("registration:detail", args=[registration.pk])).content.decode()
    assert "EPA record and certificate at the assessment service" not in text
