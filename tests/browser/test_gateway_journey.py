"""The gateway journey in a browser, as each person would take it, with axe-core on every page.

Bob at Acme Training registers Sam Taylor on Highfield's ST0071 specification and Priya Shah on
Active IQ's ST0072 one. Alice the EPAO admin invites each apprentice, who creates their account
from the emailed link. Then the apprentice, Erin at Bright Retail (the employer) and Bob (the
provider) each do the part of every gateway requirement the specification gives them; Alice
accepts each submission from her review queue (and, with no assessor allocated, approves
Sam's project proposal for the EPAO) and confirms the gateway. Everyone then sees the EPA
window: for Highfield opened on the gateway date and ending 3 months later; for Active IQ,
which sets no EPA window length, the page says so.

The gateway's clock reads 15 May 2026: after 15 months on programme from 6 January 2025 and
after the on-programme end date of 30 April 2026, so the time checks are met.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from openepa.kernel import clock
from openepa.rules.words import count_words
from tests.browser.conftest import follow
from tests.browser.journey import (
    PROPOSAL,
    Journey,
    banner,
    error_summary,
    fill_date,
    first_words,
    journey,
    pdf,
    summary_rows,
    upload,
)
from tests.registration.conftest import make_uln

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALICE = "alice@epao.example"
BOB = "bob@acme.example"
ERIN = "erin@bright.example"


@dataclass
class Learner:
    """An apprentice as Bob registers them, and where their gateway is."""

    given_names: str
    family_name: str
    uln: str
    email: str
    specification: str
    gateway_path: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


#: The day the gateway is worked through and confirmed, and how the pages write it.
GATEWAY_DATE = date(2026, 5, 15)
GATEWAY_DAY = "15 May 2026"


@pytest.fixture
def gateway_day(monkeypatch: pytest.MonkeyPatch) -> date:
    """The gateway's clock (read by the live server, in this process) says 15 May 2026."""
    monkeypatch.setattr(clock, "today", lambda: GATEWAY_DATE)
    return GATEWAY_DATE


@pytest.fixture
def trip(browser: Any, live_server: Any, alice: Any, bob: Any, erin: Any) -> Iterator[Journey]:
    """Alice, Bob and Erin, each ready to sign in in their own browser."""
    yield from journey(browser, live_server.url)


# --- the steps, each done in the browser by one person ---------------------------------------


def register(trip: Journey, learner: Learner, specs: dict[str, Any]) -> None:
    """Bob registers the apprentice with the registration form, every field filled."""
    page = trip.as_person(BOB)
    follow(page.get_by_role("link", name="Register an apprentice").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an apprentice")
    trip.check(page, BOB)
    page.get_by_label("Unique learner number (ULN)").fill(learner.uln)
    page.get_by_label("Given names").fill(learner.given_names)
    page.get_by_label("Family name").fill(learner.family_name)
    fill_date(page, "Date of birth", day="27", month="3", year="2004")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("Employer").select_option(label="Bright Retail")
    page.get_by_label("Standard and assessment specification").select_option(
        label=specs[learner.specification].label
    )
    fill_date(page, "Apprenticeship start date", day="6", month="1", year="2025")
    fill_date(page, "On-programme end date", day="30", month="4", year="2026")
    fill_date(page, "Planned assessment month", month="7", year="2026")
    page.get_by_label("Reasonable adjustments requested (optional)").fill(
        "25% extra time in the professional discussion (dyslexia)"
    )
    page.get_by_label("Address line 1").fill("Flat 2")
    page.get_by_label("Address line 2 (optional)").fill("14 Park Row")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("ls1 5hd")
    follow(page.get_by_role("button", name="Register apprentice"))

    expect(page.get_by_role("heading", level=1)).to_have_text(learner.full_name)
    assert f"{learner.full_name} is registered on" in banner(page)
    trip.check(page, BOB)
    follow(page.get_by_role("link", name=f"Gateway of {learner.full_name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateway")
    trip.check(page, BOB)
    learner.gateway_path = urlsplit(page.url).path


def invite(trip: Journey, learner: Learner, outbox: list[Any]) -> None:
    """Alice invites the apprentice by email; they open the link and choose a password."""
    page = trip.as_person(ALICE)
    follow(page.get_by_role("navigation").get_by_role("link", name="Settings", exact=True))
    trip.check(page, ALICE)
    follow(page.get_by_role("link", name="People", exact=True))
    follow(page.get_by_role("link", name="Invite someone"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    trip.check(page, ALICE)
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Full name").fill(learner.full_name)
    page.get_by_label("Apprentice", exact=True).check()
    page.get_by_label("Unique learner number (ULN)").fill(learner.uln)
    follow(page.get_by_role("button", name="Send invitation"))
    assert f"An invitation was emailed to {learner.email}" in banner(page)
    trip.check(page, ALICE)

    # Registering invited the apprentice already; the invitation sent again is the one to use.
    email = [message for message in outbox if learner.email in message.to][-1]
    link = re.search(r"https?://\S+?(/invitation/\S+/)", email.body)
    assert link is not None, email.body
    own = trip.new_page()
    own.goto(trip.base_url + link.group(1))
    expect(own.get_by_role("heading", level=1)).to_have_text("Create your account")
    trip.check(own, learner.email)
    assert own.get_by_label("Full name").input_value() == learner.full_name
    own.get_by_label("Password", exact=True).fill("a sunny walk by the canal")
    own.get_by_label("Confirm password").fill("a sunny walk by the canal")
    follow(own.get_by_role("button", name="Create account"))
    # An apprentice's home is their own registration.
    expect(own.get_by_role("heading", level=1)).to_have_text(learner.full_name)
    assert "Your account is ready" in banner(own)
    trip.check(own, learner.email)
    trip.adopt(learner.email, own)


def open_gateway(trip: Journey, who: str, learner: Learner) -> Any:
    """The apprentice's gateway overview as ``who`` sees it.

    The first time, ``who`` finds it as a person would (the apprentice list, or for the
    apprentice their home page, then the "Gateway" link); afterwards from their bookmark.
    """
    page = trip.as_person(who)
    if (who, learner.uln) in trip.found:
        page.goto(trip.base_url + learner.gateway_path)
    else:
        trip.found.add((who, learner.uln))
        page.goto(trip.base_url + "/")
        if who != learner.email:
            follow(page.get_by_role("link", name="Apprentices", exact=True))
            trip.check(page, who)
            follow(page.get_by_role("link", name=f"{learner.family_name}, {learner.given_names}"))
        expect(page.get_by_role("heading", level=1)).to_have_text(learner.full_name)
        trip.check(page, who)
        follow(page.get_by_role("link", name=f"Gateway of {learner.full_name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateway")
    trip.check(page, who)
    return page


def open_task(trip: Journey, who: str, learner: Learner, name: str, heading: str = "") -> Any:
    """Follow the task-list link of one gateway requirement."""
    page = open_gateway(trip, who, learner)
    follow(page.get_by_role("link", name=name, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading or name)
    trip.check(page, who)
    return page


def submit_evidence(
    trip: Journey,
    who: str,
    learner: Learner,
    name: str,
    file: dict[str, Any],
    *,
    level: str = "",
    note: str = "",
) -> None:
    """Upload a requirement's evidence (with the level of English or maths achieved)."""
    page = open_task(trip, who, learner, name)
    follow(page.get_by_role("link", name="Upload the evidence"))
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    trip.check(page, who)
    page.get_by_label("Upload the evidence").set_input_files(file)
    if level:
        page.get_by_label(level, exact=True).check()
    if note:
        page.get_by_label("Note for the EPAO (optional)").fill(note)
    follow(page.get_by_role("button", name="Submit for review"))
    assert f"{name} was submitted: the EPAO will review it" in banner(page)


def answer(trip: Journey, who: str, learner: Learner, name: str, text: str) -> None:
    """Answer a requirement in writing."""
    page = open_task(trip, who, learner, name)
    follow(page.get_by_role("link", name="Answer"))
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    trip.check(page, who)
    page.get_by_label("Your answer").fill(text)
    follow(page.get_by_role("button", name="Submit for review"))
    assert f"{name} was submitted: the EPAO will review it" in banner(page)


def sign(trip: Journey, who: str, learner: Learner, name: str, signer: str, party: str) -> None:
    """Sign a declaration in one's own name."""
    page = open_task(trip, who, learner, name)
    follow(page.get_by_role("button", name=f"Sign as {signer}"))
    assert f"You signed {name} as the {party}" in banner(page)


@dataclass
class Piece:
    """A piece of portfolio evidence and what it evidences (checkbox labels, or patterns)."""

    title: str
    kind: str
    day: str
    evidences: list[Any]


def add_piece(trip: Journey, page: Any, who: str, number: int, piece: Piece) -> None:
    """Add one piece of evidence from the portfolio page."""
    follow(page.get_by_role("link", name="Add a piece of evidence"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a piece of evidence")
    trip.check(page, who)
    page.get_by_label("Title").fill(piece.title)
    page.get_by_label("Type of evidence").select_option(label=piece.kind)
    fill_date(page, "Date of the evidence", day=piece.day, month="3", year="2026")
    page.get_by_label("Upload the evidence").set_input_files(
        upload(f"piece-{number}.pdf", pdf(piece.title))
    )
    choices = page.get_by_role("group", name=re.compile(r"it evidences$"))
    assert choices.get_by_role("radio").count() == 0, (
        "the KSBs (or areas) a piece evidences are offered as radio buttons, so only one can "
        "be chosen: a piece evidences several"
    )
    for item in piece.evidences:
        choices.get_by_role("checkbox", name=item, exact=isinstance(item, str)).check()
    follow(page.get_by_role("button", name="Add the piece"))
    assert f"Piece {number}, {piece.title}, was added" in banner(page)


def build_portfolio(
    trip: Journey, who: str, learner: Learner, name: str, pieces: list[Piece], *, fewest: int
) -> None:
    """Add the pieces one by one, refused first with too few, then submit the portfolio."""
    page = open_task(trip, who, learner, name)
    # A piece with nothing filled in is refused field by field.
    follow(page.get_by_role("link", name="Add a piece of evidence"))
    follow(page.get_by_role("button", name="Add the piece"))
    problems = error_summary(page)
    assert "Enter a title for the piece of evidence" in problems
    assert "Select the type of evidence" in problems
    assert "Select the file with the evidence" in problems
    trip.check(page, who)
    follow(page.get_by_role("link", name="Back to the portfolio"))

    for number, piece in enumerate(pieces, start=1):
        add_piece(trip, page, who, number, piece)
        if number == fewest - 1:
            follow(page.get_by_role("button", name="Submit the portfolio for review"))
            assert "add at least 1 more" in error_summary(page)
            trip.check(page, who, state="too few pieces")
    trip.check(page, who, state="complete")
    matrix = page.get_by_role("table").filter(has_text="Coverage")
    expect(matrix).to_be_visible()
    assert "every one has evidence" in page.get_by_role("main").inner_text()
    follow(page.get_by_role("button", name="Submit the portfolio for review"))
    assert "The portfolio was submitted: the EPAO will review it" in banner(page)


def write_proposal(trip: Journey, who: str, learner: Learner, name: str) -> None:
    """Write the project proposal: 180 words are refused, 250 counted and submitted."""
    page = open_task(trip, who, learner, name)
    short = first_words(PROPOSAL, 180)
    assert count_words(short) == 180
    assert count_words(PROPOSAL) == 250
    box = page.get_by_label("Your project proposal")
    box.fill(short)
    follow(page.get_by_role("button", name="Submit the proposal"))
    assert "The proposal has 180 words: it must be between 200 and 300 words" in error_summary(page)
    assert box.input_value() == short, "what the apprentice typed is kept"
    trip.check(page, who)
    box.fill(PROPOSAL)
    follow(page.get_by_role("button", name="Count the words"))
    expect(page.get_by_text("Your proposal has 250 words (200 to 300 needed).")).to_be_visible()
    trip.check(page, who, state="counted")
    follow(page.get_by_role("button", name="Submit the proposal"))
    assert "Your proposal of 250 words was submitted for approval" in banner(page)


def review_everything(
    trip: Journey, learner: Learner, names: list[str], proposal: str = ""
) -> None:
    """Alice accepts each submitted component of the apprentice from her review queue."""
    page = trip.as_person(ALICE)
    follow(page.get_by_role("link", name="Gateway reviews"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateway reviews")
    trip.check(page, ALICE)
    rows = page.get_by_role("row").filter(has_text=learner.uln)
    waiting = sorted(rows.get_by_role("link").all_inner_texts())
    assert waiting == sorted([*names, *([proposal] if proposal else [])])

    first = True
    for name in names:
        follow(rows.get_by_role("link", name=name, exact=True))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {name}")
        trip.check(page, ALICE)
        if first:  # no decision chosen: refused, with the error linked to the radios
            follow(page.get_by_role("button", name="Save the decision"))
            assert "Select accept or reject" in error_summary(page)
            trip.check(page, ALICE)
            first = False
        page.get_by_label("Accept", exact=True).check()
        follow(page.get_by_role("button", name="Save the decision"))
        assert f"{name} for {learner.full_name} was accepted" in banner(page)
    if proposal:
        # No assessor is allocated, so Alice decides the proposal for the EPAO.
        row = rows.filter(has_text="you decide for the EPAO")
        follow(row.get_by_role("link", name=proposal, exact=True))
        expect(page.get_by_role("heading", level=1)).to_have_text("Decide the project proposal")
        trip.check(page, ALICE)
        assert "250" in summary_rows(page)["Words"]
        page.get_by_label("Approve", exact=True).check()
        follow(page.get_by_role("button", name="Save the decision"))
        assert f"The project proposal of {learner.full_name} was approved" in banner(page)


def confirm(trip: Journey, learner: Learner, components: int, expected_banner: str) -> None:
    """Alice confirms the gateway once every component is accepted and time checks are met."""
    page = open_gateway(trip, ALICE, learner)
    rows = summary_rows(page)
    assert rows["Components accepted"] == f"{components} of {components}"
    assert "Not met yet" not in page.get_by_role("main").inner_text()
    follow(page.get_by_role("link", name="Confirm the gateway"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the gateway")
    trip.check(page, ALICE)
    follow(page.get_by_role("button", name="Confirm the gateway"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateway")
    assert expected_banner in banner(page)


def window_as_seen_by(trip: Journey, who: str, learner: Learner) -> dict[str, str]:
    """The gateway overview's summary rows after confirmation, as ``who`` sees them."""
    page = open_gateway(trip, who, learner)
    trip.check(page, who, state="confirmed")
    rows = summary_rows(page)
    assert rows["Status"] == "Gateway accepted"
    return rows


# --- the two journeys ---------------------------------------------------------------------------


def test_highfield_gateway_journey(
    trip: Journey, specs: Any, gateway_day: date, mailoutbox: list[Any]
) -> None:
    sam = Learner("Sam", "Taylor", make_uln(7101), "sam.taylor@example.org", "st0071-highfield")
    register(trip, sam, specs)
    invite(trip, sam, mailoutbox)

    # The provider: English and maths at level 2, and the gateway readiness report.
    submit_evidence(
        trip,
        BOB,
        sam,
        "English",
        upload("english.pdf", pdf("Functional Skills English L2")),
        level="Level 2",
        note="Functional Skills English level 2, passed June 2024",
    )
    submit_evidence(
        trip,
        BOB,
        sam,
        "Maths",
        upload("maths.pdf", pdf("Functional Skills maths L2")),
        level="Level 2",
    )
    submit_evidence(
        trip,
        BOB,
        sam,
        "Gateway readiness report",
        upload("readiness.txt", b"Gateway readiness report for Sam Taylor: ready for EPA.\n"),
    )

    # The apprentice: the portfolio of 10 pieces mapped to the KSBs the discussion assesses.
    ksbs = ["K2", "K3", "K4", "K5", "K7", "K9", "K10", "K12", "K18", "S2", "S9",
            "B1", "B2", "B3", "B5", "B8"]  # fmt: skip
    kinds = ["Witness statement", "Customer feedback", "Observation record", "Manager feedback",
             "Product evidence"]  # fmt: skip
    pieces = [
        Piece(
            title=f"Evidence of complaint handling {n}",
            kind=kinds[n % len(kinds)],
            day=str(n + 1),
            evidences=[re.compile(rf"^{ksb}:") for ksb in ksbs[n::10]],
        )
        for n in range(10)
    ]
    build_portfolio(
        trip, sam.email, sam, "Portfolio of evidence with portfolio matrix", pieces, fewest=10
    )
    write_proposal(trip, sam.email, sam, "Work-based project proposal form")

    # The declarations, each party signing as themselves.
    declaration = "Portfolio declaration by the employer and the apprentice"
    sign(trip, sam.email, sam, declaration, "Sam Taylor", "apprentice")
    sign(trip, ERIN, sam, declaration, "Erin Employer", "employer")
    sign(trip, sam.email, sam, "Gateway declaration", "Sam Taylor", "apprentice")
    sign(trip, ERIN, sam, "Gateway declaration", "Erin Employer", "employer")
    sign(trip, BOB, sam, "Gateway declaration", "Bob Provider", "training provider")

    review_everything(
        trip,
        sam,
        [
            "English",
            "Maths",
            "Portfolio of evidence with portfolio matrix",
            declaration,
            "Gateway readiness report",
            "Gateway declaration",
        ],
        proposal="Work-based project proposal form",
    )
    confirm(trip, sam, 7, "The gateway is confirmed: the EPA window ends on 15 August 2026")

    for who in (sam.email, ERIN, BOB, ALICE):
        rows = window_as_seen_by(trip, who, sam)
        assert rows["Gateway confirmed on"] == GATEWAY_DAY, who
        assert rows["EPA window opened on"] == GATEWAY_DAY, who
        assert rows["EPA window ends on"] == "15 August 2026", who
        assert rows["Rule"].endswith("(3 months after the gateway)"), who


def test_activeiq_gateway_journey(
    trip: Journey, specs: Any, gateway_day: date, mailoutbox: list[Any]
) -> None:
    priya = Learner("Priya", "Shah", make_uln(7202), "priya.shah@example.org", "st0072-activeiq")
    register(trip, priya, specs)
    invite(trip, priya, mailoutbox)

    # The provider: English and maths (Active IQ sets no level; the evidence shows level 2).
    submit_evidence(
        trip,
        BOB,
        priya,
        "English and maths",
        upload("functional-skills.pdf", pdf("Functional Skills English and maths L2")),
        level="Level 2",
    )

    # The apprentice: the on-programme portfolio, mapped to the areas of the standard.
    areas = [
        ("Understanding the organisation", "Meeting regulations and legislation"),
        ("Systems and resources", "Product and service knowledge"),
        ("Influencing skills", "Personal organisation"),
        ("Dealing with customer conflict and challenge", "Developing self"),
        ("Being open to feedback", "Team working"),
    ]
    pieces = [
        Piece(f"Showcase evidence {n + 1}", "Customer feedback", str(n + 2), list(pair))
        for n, pair in enumerate(areas)
    ]
    build_portfolio(trip, priya.email, priya, "On-programme portfolio", pieces, fewest=0)

    meeting = "Sign-off meeting confirming readiness"
    sign(trip, priya.email, priya, meeting, "Priya Shah", "apprentice")
    sign(trip, ERIN, priya, meeting, "Erin Employer", "employer")
    sign(trip, BOB, priya, meeting, "Bob Provider", "training provider")

    # The employer: the notification of readiness, with contact details.
    answer(
        trip,
        ERIN,
        priya,
        "Notification of readiness and contact details to Active IQ",
        "Priya Shah is ready for end-point assessment. Contact her at priya.shah@example.org "
        "or 07700 900982, or her manager Erin Employer at erin@bright.example.",
    )

    review_everything(
        trip,
        priya,
        [
            "English and maths",
            "On-programme portfolio",
            meeting,
            "Notification of readiness and contact details to Active IQ",
        ],
    )
    confirm(
        trip,
        priya,
        4,
        "The gateway is confirmed. The specification sets no EPA window length",
    )

    for who in (priya.email, ERIN, BOB, ALICE):
        rows = window_as_seen_by(trip, who, priya)
        assert rows["Gateway confirmed on"] == GATEWAY_DAY, who
        assert rows["EPA window opened on"] == GATEWAY_DAY, who
        assert rows["EPA window ends on"] == "The specification sets no EPA window length", who
