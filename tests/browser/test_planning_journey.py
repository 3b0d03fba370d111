"""Planning the EPA in a browser, as each person would, with axe-core on every page.

Pat Apprentice (Highfield's ST0071 specification) and Priya Shah (Active IQ's ST0072 one) passed
the gateway on Monday 3 August 2026, which is also today: Highfield's 3-month EPA window ends
on 3 November 2026, while Active IQ sets no window. Anna the assessor and Ivy the IQA are
approved for both specifications.

Alice the EPAO admin allocates Anna and Ivy; Anna records the planning meeting and the plan;
Anna and the apprentice each sign it; then each method is booked. A booking that breaks a rule
is refused with the rule's own words and nothing is booked (Highfield: an observation with
less than 2 weeks' notice; Active IQ: the discussion before the observation). Highfield
recommends the project first, the discussion next and the observation last, so booking the
observation first is a warning to confirm. The timeline then shows each booking and the window
end; the at-risk list shows Pat (booked with warnings) and not Priya.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.accounts.models import Organisation, User
from openepa.kernel import clock
from openepa.planning.models import Booking
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.specifications.services import rules_for
from tests.browser.conftest import follow
from tests.browser.journey import Journey, banner, error_summary, fill_date, journey
from tests.conftest import PASSWORD
from tests.planning.conftest import approve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALICE = "alice@epao.example"
ANNA = "anna@epao.example"
PAT = "pat@learner.example"
PRIYA = "priya@learner.example"

#: Today, and the day both gateways were accepted: Monday 3 August 2026.
TODAY = date(2026, 8, 3)
HIGHFIELD_WINDOW_END = date(2026, 11, 3)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock the live server reads (in this process) says 3 August 2026."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def priya(epao: Organisation) -> User:
    """Priya Shah, the apprentice on Active IQ's specification."""
    return User.objects.create_user(
        PRIYA, PASSWORD, full_name="Priya Shah", role=User.Role.APPRENTICE, epao=epao
    )


@pytest.fixture
def past_gateway(
    make_registration: Callable[..., Registration], anna: User, ivy: User
) -> Callable[..., Registration]:
    """A registration whose gateway was accepted today, its window as the gateway sets it."""

    def make(spec_id: str, apprentice: User, given: str, family: str) -> Registration:
        registration = make_registration(
            spec_id, apprentice_user=apprentice, given_names=given, family_name=family
        )
        spec, _ = rules_for(registration.specification)
        registration.status = Registration.Status.GATEWAY_ACCEPTED
        registration.gateway_date = TODAY
        registration.epa_window_end = gateway_rules.epa_window_end(spec, TODAY)
        registration.save()
        for person in (anna, ivy):
            approve(person, "st0071-highfield", "st0072-activeiq")
        return registration

    return make


@pytest.fixture
def trip(browser: Any, live_server: Any, alice: User, anna: User, ivy: User) -> Iterator[Journey]:
    """Alice and Anna, each ready to sign in in their own browser."""
    yield from journey(browser, live_server.url)


# --- the steps, each done in the browser by one person ---------------------------------------


def cells(page: Any, selector: str = ".govuk-table__body .govuk-table__row") -> list[list[str]]:
    """The text of each cell of each body row of the page's tables."""
    rows: list[list[str]] = page.locator(selector).evaluate_all(
        """rows => rows.map(row => Array.from(row.children).map(
            cell => cell.innerText.trim().replace(/\\s+/g, ' ')))"""
    )
    return rows


def at_risk(trip: Journey, name: str) -> list[list[str]]:
    """Alice opens her at-risk list: the rows (their cells' text) of the apprentice named."""
    page = trip.as_person(ALICE)
    follow(page.get_by_role("link", name="At risk"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Apprentices at risk")
    assert "On Monday 3 August 2026" in page.locator("main").inner_text()
    trip.check(page, ALICE, "listed" if page.locator(".govuk-table").count() else "empty")
    return [row for row in cells(page) if row[0].startswith(name)]


def allocate(trip: Journey, full_name: str) -> None:
    """Alice finds the apprentice waiting for an assessor and allocates Anna, with Ivy as IQA."""
    page = trip.as_person(ALICE)
    follow(page.get_by_role("link", name="Allocation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate assessors")
    trip.check(page, ALICE)
    follow(page.get_by_role("link", name=re.compile(rf"^{full_name}\s*: allocate$")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate an assessor")
    trip.check(page, ALICE)
    page.get_by_role("group", name="Assessor").get_by_label("1. Anna Assessor").check()
    page.get_by_role("group", name="Internal quality assurer (IQA)").get_by_label(
        "Ivy Quality"
    ).check()
    follow(page.get_by_role("button", name="Allocate", exact=True))
    assert f"{full_name} was allocated to Anna Assessor, with Ivy Quality as IQA" in banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reallocate the assessor")
    trip.check(page, ALICE, "allocated")


def open_record(trip: Journey, who: str, full_name: str, list_name: str) -> Any:
    """``who`` finds the apprentice's record: Anna in her list, an apprentice on their home."""
    page = trip.goto(who, "/")
    if who not in (PAT, PRIYA):
        follow(page.get_by_role("link", name="Apprentices", exact=True))
        trip.check(page, who)
        follow(page.get_by_role("link", name=list_name))
    expect(page.get_by_role("heading", level=1)).to_have_text(full_name)
    trip.check(page, who)
    return page


def open_plan(trip: Journey, who: str, full_name: str, list_name: str) -> Any:
    """``who`` opens the apprentice's assessment plan from their record."""
    page = open_record(trip, who, full_name, list_name)
    follow(page.get_by_role("link", name=f"Assessment plan and bookings of {full_name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment plan")
    trip.check(page, who, "plan")
    return page


def record_plan(trip: Journey, page: Any, planned: dict[str, date]) -> None:
    """Anna records the planning meeting (today) and the planned date of each method."""
    follow(page.get_by_role("link", name="Record the planning meeting and the plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record the planning meeting and the plan"
    )
    trip.check(page, ANNA)
    fill_date(page, "Date of the planning meeting", day="3", month="8", year="2026")
    page.get_by_label("Notes of the meeting (optional)").fill(
        "Met with the apprentice and their line manager; dates agreed with the workplace."
    )
    for name, day in planned.items():
        fill_date(
            page,
            f"Planned date of the {name} (optional)",
            day=str(day.day),
            month=str(day.month),
            year=str(day.year),
        )
    follow(page.get_by_role("button", name="Save the plan"))
    assert "The plan was saved" in banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment plan")
    assert "Monday 3 August 2026" in page.locator(".govuk-summary-list").first.inner_text()
    for name, day in planned.items():
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row).to_contain_text(f"{day.day} {day:%B %Y}")
    trip.check(page, ANNA, "to sign")


def sign(trip: Journey, page: Any, who: str, signer: str, both: bool) -> None:
    """``who`` ticks their declaration and signs the plan as themself."""
    page.get_by_label("I agree with the declaration above").check()
    follow(page.get_by_role("button", name=f"Sign the plan as {signer}"))
    message = banner(page)
    assert "You signed the plan." in message
    assert ("the employer has been told" in message) is both
    agreement = "Apprentice's agreement" if who in (PAT, PRIYA) else "Assessor's agreement"
    row = page.locator(".govuk-summary-list__row").filter(has_text=agreement)
    expect(row).to_contain_text(f"Signed by {signer} on ")
    trip.check(page, who, "signed")


def fill_booking(page: Any, method: str, on: date, minutes: str, mode: str) -> None:
    """Fill the booking form as a person would (the method's link may have prefilled some)."""
    page.get_by_role("group", name="Method").get_by_label(method, exact=True).check()
    fill_date(
        page, "Date of the assessment", day=str(on.day), month=str(on.month), year=str(on.year)
    )
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Minutes of each occasion").fill(minutes)
    page.get_by_role("group", name="How it will be carried out").get_by_label(
        mode, exact=True
    ).check()


def open_booking(trip: Journey, who: str, page: Any, method: str) -> None:
    """From the plan, follow the method's "Book" link."""
    follow(page.get_by_role("link", name=f"Book the {method}", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a method")
    trip.check(page, who)


def booked(page: Any, method: str, on: date) -> None:
    """The plan says the method is booked for that day."""
    assert f"The {method} is booked for {on.day} {on:%B %Y}" in banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment plan")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=method))
    expect(row).to_contain_text(f"Booked {on:%A} {on.day} {on:%B %Y} at 10:00")


def open_timeline(trip: Journey, who: str, full_name: str, list_name: str) -> list[list[str]]:
    """``who`` opens the apprentice's EPA timeline from their record: its rows."""
    page = open_record(trip, who, full_name, list_name)
    follow(page.get_by_role("link", name=f"EPA timeline of {full_name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("EPA timeline")
    trip.check(page, who)
    return cells(page)


def warning_words(later: str, earlier: str) -> str:
    """The words of Highfield's recommended-order warning for the dates booked here."""
    days = {OBSERVATION: "17 August", PROJECT: "7 September", DISCUSSION: "21 September"}
    return (
        f"The {later} is booked for Monday {days[later]} 2026, before the {earlier} on "
        f"Monday {days[earlier]} 2026"
    )


# --- the journeys -----------------------------------------------------------------------------

PROJECT = "Work-based project supported by an interview"
DISCUSSION = "Professional discussion supported by portfolio of evidence"
OBSERVATION = "Practical observation with Q&As"


def test_each_specifications_plan_is_agreed_and_booked_within_its_rules(
    trip: Journey, past_gateway: Callable[..., Registration], pat: User, priya: User
) -> None:
    """One journey for both apprentices, so a page both share is checked by axe-core once."""
    highfield(trip, past_gateway, pat)
    active_iq(trip, past_gateway, priya)


def highfield(trip: Journey, past_gateway: Callable[..., Registration], pat: User) -> None:
    """Pat's plan and bookings on Highfield's specification."""
    pats = past_gateway("st0071-highfield", pat, "Pat", "Apprentice")
    assert pats.epa_window_end == HIGHFIELD_WINDOW_END
    name, listed = "Pat Apprentice", "Apprentice, Pat"

    # The window ends more than 30 days away and nothing is overdue: not at risk yet.
    assert at_risk(trip, name) == []
    allocate(trip, name)

    page = open_plan(trip, ANNA, name, listed)
    planned = {
        OBSERVATION: date(2026, 8, 17),
        PROJECT: date(2026, 9, 7),
        DISCUSSION: date(2026, 9, 21),
    }
    record_plan(trip, page, planned)
    sign(trip, page, ANNA, "Anna Assessor", both=False)
    sign(trip, open_plan(trip, PAT, name, listed), PAT, "Pat Apprentice", both=True)

    # Anna first offers the observation in 11 days: under the 2 weeks' notice Highfield sets.
    page.reload()  # Anna's plan page, now that Pat has signed too
    open_booking(trip, ANNA, page, OBSERVATION)
    fill_booking(page, OBSERVATION, date(2026, 8, 14), "60", "Face to face")
    follow(page.get_by_role("button", name="Book", exact=True))
    problem = error_summary(page)
    assert "minimum of 2 weeks' notice" in problem
    assert "Monday 17 August 2026 or later" in problem
    trip.check(page, ANNA)
    assert not Booking.objects.exists()

    # The earliest day the rule allows is accepted.
    fill_booking(page, OBSERVATION, date(2026, 8, 17), "60", "Face to face")
    follow(page.get_by_role("button", name="Book", exact=True))
    booked(page, OBSERVATION, date(2026, 8, 17))

    # The project after the observation goes against Highfield's recommended order: a warning
    # that Anna reads and confirms; the discussion likewise.
    for method, day in ((PROJECT, date(2026, 9, 7)), (DISCUSSION, date(2026, 9, 21))):
        open_booking(trip, ANNA, page, method)
        fill_booking(page, method, day, "60", "Face to face")
        follow(page.get_by_role("button", name="Book", exact=True))
        assert "tick the box to book anyway" in error_summary(page)
        warning = page.locator(".govuk-warning-text + .govuk-list").inner_text()
        assert "recommendation, not a requirement" in warning
        assert warning_words(OBSERVATION, method) in warning
        assert not Booking.objects.filter(method_id__in=["project", "discussion"], on=day)
        trip.check(page, ANNA, "warning")
        page.get_by_label("I have read the warnings and want to book anyway").check()
        follow(page.get_by_role("button", name="Book", exact=True))
        booked(page, method, day)

    rows = open_timeline(trip, ANNA, name, listed)
    dates = {row[1].split(" Add to calendar")[0]: row[0] for row in rows}
    assert dates[f"{OBSERVATION} booked"] == "Monday 17 August 2026"
    assert dates[f"{PROJECT} booked"] == "Monday 7 September 2026"
    assert dates[f"{DISCUSSION} booked"] == "Monday 21 September 2026"
    (window,) = [row for row in rows if "3-month end-point assessment window" in row[1]]
    assert window[0] == "By Tuesday 3 November 2026"

    # Booked against the recommended order, Pat is on Alice's at-risk list with the window end.
    ((apprentice, window_end, _, why),) = at_risk(trip, name)
    assert apprentice.endswith("st0071-highfield")
    assert window_end == "3 November 2026"
    assert "Booked with a warning: The assessment plan recommends" in why
    assert warning_words(OBSERVATION, PROJECT) in why
    assert warning_words(OBSERVATION, DISCUSSION) in why
    assert Booking.objects.filter(registration=pats).count() == 3


def active_iq(trip: Journey, past_gateway: Callable[..., Registration], priya: User) -> None:
    """Priya's plan and bookings on Active IQ's specification."""
    priyas = past_gateway("st0072-activeiq", priya, "Priya", "Shah")
    assert priyas.epa_window_end is None
    name, listed = "Priya Shah", "Shah, Priya"

    allocate(trip, name)
    page = open_plan(trip, ANNA, name, listed)
    planned = {
        "Practical observation": date(2026, 9, 14),
        "Apprentice showcase": date(2026, 9, 16),
        "Professional discussion": date(2026, 9, 18),
    }
    record_plan(trip, page, planned)
    sign(trip, page, ANNA, "Anna Assessor", both=False)
    sign(trip, open_plan(trip, PRIYA, name, listed), PRIYA, "Priya Shah", both=True)

    # Alice books the observation, then tries the discussion before it: Active IQ requires it
    # after the observation, so it is refused with the rule's words and not booked.
    page = open_plan(trip, ALICE, name, listed)
    open_booking(trip, ALICE, page, "Practical observation")
    fill_booking(page, "Practical observation", date(2026, 9, 14), "60", "Face to face")
    follow(page.get_by_role("button", name="Book", exact=True))
    booked(page, "Practical observation", date(2026, 9, 14))

    open_booking(trip, ALICE, page, "Professional discussion")
    fill_booking(page, "Professional discussion", date(2026, 9, 11), "60", "Remote")
    follow(page.get_by_role("button", name="Book", exact=True))
    problem = error_summary(page)
    assert "will always take place after you have been observed" in problem
    assert "Book the Professional discussion for Monday 14 September 2026 or later" in problem
    trip.check(page, ALICE)
    assert list(
        Booking.objects.filter(registration=priyas).values_list("method_id", flat=True)
    ) == ["observation"]

    fill_booking(page, "Professional discussion", date(2026, 9, 18), "60", "Remote")
    follow(page.get_by_role("button", name="Book", exact=True))
    booked(page, "Professional discussion", date(2026, 9, 18))

    open_booking(trip, ALICE, page, "Apprentice showcase")
    fill_booking(page, "Apprentice showcase", date(2026, 9, 16), "45", "Face to face")
    follow(page.get_by_role("button", name="Book", exact=True))
    booked(page, "Apprentice showcase", date(2026, 9, 16))

    rows = open_timeline(trip, PRIYA, name, listed)
    dates = {row[1].split(" Add to calendar")[0]: row[0] for row in rows}
    assert dates["Practical observation booked"] == "Monday 14 September 2026"
    assert dates["Apprentice showcase booked"] == "Wednesday 16 September 2026"
    assert dates["Professional discussion booked"] == "Friday 18 September 2026"
    assert not [row for row in rows if "window" in row[1].lower()], rows

    # No window end, no warning, nothing overdue: Priya is not at risk.
    assert at_risk(trip, name) == []
    assert Booking.objects.filter(registration=priyas).count() == 3
