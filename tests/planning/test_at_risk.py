"""The EPAO's at-risk list: who may miss a date, filtered and paginated in the database.

Today is frozen at Monday 5 October 2026. Alice the EPAO admin looks at the list. Pat's window
(st0071-highfield, gateway 3 August) ends on 2 November 2026 with the observation unbooked;
Sam's (gateway 14 September) ends in January with nothing booked; Cleo has every method
booked and every submission made; Dev trains at another provider; Nia's discussion is booked
for 12 October but her portfolio (due two weeks before) is not in; Quinn (st0072-activeiq) has
a booking made with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.kernel import clock
from openepa.planning.models import AssessmentPlan
from openepa.registration.models import Apprentice, Registration
from openepa.specifications.models import SpecificationRecord
from tests.conftest import make_uln
from tests.planning.conftest import book

TODAY = date(2026, 10, 5)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def people(
    past_gateway: Callable[..., Registration],
    other_provider: Organisation,
    alice: User,
    anna: User,
    aziz: User,
) -> dict[str, Registration]:
    pat = past_gateway(given_names="Pat", assessor=anna)
    book(pat, "project", date(2026, 10, 12), anna, alice)
    book(pat, "discussion", date(2026, 10, 26), anna, alice)
    sam = past_gateway(
        given_names="Sam",
        assessor=aziz,
        gateway_date=date(2026, 9, 14),
        epa_window_end=date(2027, 1, 15),
    )
    cleo = past_gateway(given_names="Cleo", assessor=anna)
    for method, day in (("project", 12), ("discussion", 19), ("observation", 26)):
        book(cleo, method, date(2026, 10, day), anna, alice)
    sent = date(2026, 9, 20)
    AssessmentPlan.objects.create(
        registration=cleo,
        report_submitted_on=sent,
        portfolio_submitted_on=sent,
        project_completed_on=sent,
    )
    nia = past_gateway(given_names="Nia", epa_window_end=date(2027, 1, 15))
    book(nia, "discussion", date(2026, 10, 12), anna, alice)
    dev = past_gateway(given_names="Dev", provider_org=other_provider)
    quinn = past_gateway(
        "st0072-activeiq", given_names="Quinn", epa_window_end=date(2027, 2, 1), assessor=aziz
    )
    book(quinn, "observation", date(2026, 10, 20), aziz, alice)
    warned = book(quinn, "discussion", date(2026, 10, 22), aziz, alice)
    warned.warnings = ["Planned for 80 minutes."]
    warned.save()
    return {"pat": pat, "sam": sam, "cleo": cleo, "dev": dev, "nia": nia, "quinn": quinn}


def names(response: Any) -> list[str]:
    return [row.registration.apprentice.given_names for row in response.context["rows"]]


def test_windows_ending_within_30_days_with_methods_unbooked(
    people: dict[str, Registration], login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get(reverse("planning:at_risk"))

    assert response.status_code == 200
    assert "Pat" in names(response)
    assert "Dev" in names(response)
    assert "Sam" not in names(response)
    assert "Cleo" not in names(response)
    pat_row = next(r for r in response.context["rows"] if r.registration == people["pat"])
    assert any(
        "2 November 2026" in reason and "Practical observation" in reason
        for reason in pat_row.reasons
    )


def test_a_longer_horizon_brings_in_later_windows(
    people: dict[str, Registration], login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get(reverse("planning:at_risk"), {"days": "120"})

    assert "Sam" in names(response)
    assert names(response).index("Pat") < names(response).index("Sam")


def test_a_submission_overdue_is_at_risk_whatever_the_window(
    people: dict[str, Registration], login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get(reverse("planning:at_risk"))

    nia = next(r for r in response.context["rows"] if r.registration == people["nia"])
    assert any(
        reason.startswith("Overdue: Portfolio of evidence submitted 2 weeks")
        for reason in nia.reasons
    )


def test_a_booking_made_with_a_warning_is_at_risk(
    people: dict[str, Registration], login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get(reverse("planning:at_risk"))

    quinn = next(r for r in response.context["rows"] if r.registration == people["quinn"])
    assert "Booked with a warning: Planned for 80 minutes." in quinn.reasons


def test_filters_by_provider_assessor_specification_and_date(
    people: dict[str, Registration],
    login: Callable[[User], Client],
    alice: User,
    other_provider: Organisation,
    aziz: User,
) -> None:
    client = login(alice)
    url = reverse("planning:at_risk")

    assert names(client.get(url, {"provider": other_provider.pk})) == ["Dev"]
    assert names(client.get(url, {"assessor": aziz.pk, "days": "120"})) == ["Sam", "Quinn"]
    assert "Nia" not in names(client.get(url, {"assessor": aziz.pk}))
    assert names(client.get(url, {"specification": "st0072-activeiq"})) == ["Quinn"]
    by_date = {
        "days": "120",
        "window_ends_by_day": "31",
        "window_ends_by_month": "12",
        "window_ends_by_year": "2026",
    }
    assert sorted(names(client.get(url, by_date))) == ["Dev", "Pat"]


def test_a_bad_number_of_days_is_explained_and_kept(
    people: dict[str, Registration], login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get(reverse("planning:at_risk"), {"days": "soon"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the number of days as a whole number, like 30" in html
    assert 'value="soon"' in html


def test_only_the_epao_admin_sees_the_list(
    people: dict[str, Registration], login: Callable[[User], Client], anna: User, mallory: User
) -> None:
    assert login(anna).get(reverse("planning:at_risk")).status_code == 403
    assert names(login(mallory).get(reverse("planning:at_risk"))) == []


def _many(count: int, epao: Organisation, provider: Organisation, employer: Organisation) -> None:
    """``count`` Highfield apprentices past the gateway, every window ending soon."""
    record = SpecificationRecord.objects.get(spec_id="st0071-highfield", is_current=True)
    creator = User.objects.filter(role=User.Role.PROVIDER).first()
    start = Apprentice.objects.count() + 1000
    apprentices = Apprentice.objects.bulk_create(
        Apprentice(
            epao=epao,
            uln=make_uln(start + n),
            given_names=f"Many{n}",
            family_name="Example",
            date_of_birth=date(2000, 1, 1),
            email=f"many{n}@example.org",
        )
        for n in range(count)
    )
    Registration.objects.bulk_create(
        Registration(
            epao=epao,
            apprentice=apprentice,
            provider=provider,
            employer=employer,
            specification=record,
            standard=record.standard,
            version=record.version,
            start_date=date(2025, 1, 6),
            on_programme_end_date=date(2026, 4, 30),
            planned_assessment_month=date(2026, 7, 1),
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 1AA",
            created_by=creator,
            status=Registration.Status.GATEWAY_ACCEPTED,
            gateway_date=date(2026, 8, 3),
            epa_window_end=TODAY + timedelta(days=n % 30),
        )
        for n, apprentice in enumerate(apprentices)
    )


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("planning:at_risk"), {"days": "30"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25
    return len(captured)


def test_the_query_count_is_the_same_with_100_and_100000_apprentices(
    people: dict[str, Registration],
    login: Callable[[User], Client],
    alice: User,
    epao: Organisation,
    provider: Organisation,
    employer: Organisation,
) -> None:
    """The count does not depend on N: the database filters and pages, the rules run on 25."""
    client = login(alice)
    _many(100, epao, provider, employer)
    _queries(client)  # the specifications are parsed once per process
    with_100 = _queries(client)
    _many(99_900, epao, provider, employer)

    assert _queries(client) == with_100
    assert with_100 <= 15
