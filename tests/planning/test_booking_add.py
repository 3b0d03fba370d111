"""Booking a method: checked against the specification's rules and the assessor's diary.

Today is frozen at Monday 3 August 2026, the day Pat passed the gateway (window to 2 November
2026). Anna is Pat's assessor, approved for the specification; Alice is the EPAO admin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.planning import bookings
from openepa.planning import services as planning
from openepa.planning.models import AssessmentPlan, Booking, UnavailablePeriod
from openepa.registration.models import Registration
from openepa.results.models import Appeal
from tests.planning.conftest import GATEWAY, approve
from tests.results.test_reassessment_support import failed_highfield

TODAY = GATEWAY
REGISTERED = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def booking_data(method: str, on: date, **extra: Any) -> dict[str, Any]:
    """The booking form as a person fills it in."""
    data: dict[str, Any] = {
        "method": method,
        "on_day": on.day,
        "on_month": on.month,
        "on_year": on.year,
        "starts_at": "10:00",
        "minutes": "60",
        "mode": "face_to_face",
    }
    for name, value in extra.items():
        if isinstance(value, date):
            data.update(
                {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}
            )
        else:
            data[name] = value
    return data


@pytest.fixture
def registration_for(
    past_gateway: Callable[..., Registration], anna: User, ivy: User, pat: User
) -> Callable[[str], Registration]:
    """Pat's registration on a specification, with Anna allocated and approved for it."""

    def make(spec_id: str) -> Registration:
        approve(anna, spec_id)
        return past_gateway(
            spec_id,
            apprentice_user=pat,
            given_names="Pat",
            family_name="Apprentice",
            assessor=anna,
            iqa=ivy,
            created_at=REGISTERED,
        )

    return make


def book(client: Client, registration: Registration, data: dict[str, Any]) -> Any:
    return client.post(reverse("planning:booking_add", args=[registration.pk]), data)


def test_an_observation_with_less_than_two_weeks_notice_is_refused_with_the_rules_words(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    response = book(login(anna), pats, booking_data("observation", date(2026, 8, 14)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "minimum of 2 weeks" in page
    assert "Monday 17 August 2026 or later" in page
    assert not Booking.objects.exists()


def test_exactly_two_weeks_notice_books_the_observation(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    response = book(login(anna), pats, booking_data("observation", date(2026, 8, 17)))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.method_id, booking.on, booking.minutes) == (
        "observation",
        date(2026, 8, 17),
        [60],
    )
    assert (booking.assessor, booking.booked_by, booking.booked_on) == (anna, anna, TODAY)
    event = AuditEvent.objects.get(action="planning.booked")
    assert event.changes["on"] == {"old": None, "new": "2026-08-17"}


def test_active_iqs_discussion_before_the_observation_is_refused(
    registration_for: Callable[[str], Registration], alice: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0072-activeiq")
    client = login(alice)
    assert book(client, pats, booking_data("observation", date(2026, 9, 14))).status_code == 302
    response = book(client, pats, booking_data("discussion", date(2026, 9, 11)))
    assert response.status_code == 200
    assert "will always take place after you have been observed" in response.content.decode()
    assert list(Booking.objects.values_list("method_id", flat=True)) == ["observation"]


def test_highfields_discussion_before_the_project_warns_and_books_when_confirmed(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    client = login(anna)
    assert book(client, pats, booking_data("project", date(2026, 9, 21))).status_code == 302
    early = booking_data("discussion", date(2026, 9, 14))
    warned = book(client, pats, early)
    assert warned.status_code == 200
    assert "tick the box to book anyway" in warned.content.decode()
    assert not Booking.objects.filter(method_id="discussion").exists()
    confirmed = book(client, pats, {**early, "confirm": "on"})
    assert confirmed.status_code == 302
    discussion = Booking.objects.get(method_id="discussion")
    assert len(discussion.warnings) == 1
    assert "project" in discussion.warnings[0].lower()


def test_nqual_evidence_nine_working_days_before_across_a_bank_holiday_is_refused(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    """Ten working days before Monday 7 September 2026 skip the bank holiday on 31 August."""
    pats = registration_for("st0071-nqual")
    client = login(anna)
    observation = date(2026, 9, 7)
    late = booking_data("observation", observation, gateway_evidence_uploaded_on=date(2026, 8, 24))
    response = book(client, pats, late)
    assert response.status_code == 200
    assert "10 working days" in response.content.decode()
    assert not Booking.objects.exists()
    assert not AssessmentPlan.objects.filter(gateway_evidence_uploaded_on__isnull=False).exists()
    in_time = booking_data(
        "observation", observation, gateway_evidence_uploaded_on=date(2026, 8, 21)
    )
    assert book(client, pats, in_time).status_code == 302
    assert AssessmentPlan.objects.get().gateway_evidence_uploaded_on == date(2026, 8, 21)


def test_a_day_the_assessor_is_unavailable_is_refused_saying_which(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    UnavailablePeriod.objects.create(
        profile=anna.assessor_profile, first_day=date(2026, 8, 17), last_day=date(2026, 8, 21)
    )
    response = book(login(anna), pats, booking_data("observation", date(2026, 8, 18)))
    assert "Anna Assessor is unavailable from Monday 17 August 2026" in response.content.decode()
    assert not Booking.objects.exists()


def test_bad_input_is_explained_and_kept(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    data = booking_data("observation", date(2026, 8, 17), minutes="an hour")
    response = book(login(anna), pats, data)
    page = response.content.decode()
    assert "Enter the minutes of each occasion as whole numbers" in page
    assert 'value="an hour"' in page
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("ivy", 403), ("bob", 403), ("erin", 403), ("pat", 403), ("aziz", 404), ("mallory", 404)],
)
def test_only_the_allocated_assessor_or_an_epao_admin_books(
    registration_for: Callable[[str], Registration],
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    person: str,
    status: int,
) -> None:
    pats = registration_for("st0071-highfield")
    response = book(
        login(request.getfixturevalue(person)), pats, booking_data("observation", date(2026, 8, 17))
    )
    assert response.status_code == status
    assert not Booking.objects.exists()


def test_an_assessor_who_declared_a_relationship_with_the_employer_cannot_be_booked(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    planning.declare_relationship(
        planning.profile_of(anna),
        anna,
        kind="worked_for_employer",
        organisation=pats.employer,
        declared_on=date(2026, 8, 1),
    )
    response = book(login(anna), pats, booking_data("observation", date(2026, 8, 17)))
    assert "Not independent: declared that they worked for the employer Bright Retail" in (
        response.content.decode()
    )
    assert not Booking.objects.exists()


def test_the_booking_confirmation_carries_an_ics_file(
    registration_for: Callable[[str], Registration], anna: User, login: Callable[[User], Client]
) -> None:
    pats = registration_for("st0071-highfield")
    client = login(anna)
    response = book(client, pats, booking_data("observation", date(2026, 8, 17)))
    booking = Booking.objects.get()
    page = client.get(response["Location"]).content.decode()
    ics_url = reverse("planning:booking_ics", args=[pats.pk, booking.pk])
    assert "The Practical observation with Q&amp;As is booked" in page or "is booked for" in page
    assert ics_url in page
    ics = client.get(ics_url)
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content


def test_an_appeal_reviewer_cannot_book_for_the_appeals_apprentice(
    make_registration: Callable[..., Registration],
    anna: User,
    aziz: User,
    alice: User,
    pat: User,
    login: Callable[[User], Client],
) -> None:
    """Reviewing an appeal lets Aziz see Pat's record, not book Pat's assessments."""
    registration, result = failed_highfield(
        make_registration, anna, alice, released=date(2026, 1, 10), apprentice_user=pat
    )
    approve(aziz, "st0071-highfield")
    Appeal.objects.create(
        registration=registration,
        result=result,
        lodged_by=pat,
        lodged_as="apprentice",
        grounds="The observation was cut short.",
        reviewer=aziz,
        status=Appeal.Status.UNDER_REVIEW,
    )
    client = login(aziz)
    url = reverse("planning:booking_add", args=[registration.pk])
    assert client.get(reverse("planning:plan", args=[registration.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert (
        book(client, registration, booking_data("observation", date(2026, 8, 17))).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        bookings.book(
            registration,
            aziz,
            method_id="observation",
            on=date(2026, 8, 17),
            starts_at=None,
            minutes=[60],
            mode="face_to_face",
            submissions={},
        )
    assert not Booking.objects.exists()
