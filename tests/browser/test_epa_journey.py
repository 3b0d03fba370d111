"""A whole EPA in a browser for each specification, from an accepted gateway to a ready
certificate claim, with axe-core on every distinct page (issue 5).

Pat Apprentice's gateway is accepted directly in the database, with Anna as assessor and Ivy
as IQA; the quality settings are the defaults, so Anna's first five decisions are held for
Ivy. Then, each in their own browser: for ST0071, Alice fills the interview question bank
and Pat uploads the project report; Anna records each method (choosing the 10 interview
questions for the project) and submits it; Ivy upholds each held decision (amending one on
EPA kit, with a reason that the history shows); Alice releases the result, whose grade must
be the engine's grade of the very judgements clicked; and Alice completes the certificate
claim and marks it ready (a distinction at once, by the quality settings; a pass once the
appeal period has passed, by moving the claims' clock).

A last journey on Highfield's specification fails the observation, records a resit with the
employer's agreement, passes the observation with every distinction criterion met, and is
released as a Pass capped by the resit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openepa.accounts.models import User
from openepa.kernel import clock as app_clock
from openepa.registration.models import Registration
from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification
from tests.browser.conftest import follow
from tests.browser.epa_steps import (
    ALICE,
    ANNA,
    NAME,
    Clicked,
    RecordInput,
    apprentice_page,
    claim_top_grade_immediately,
    edit_claim,
    element_criteria,
    fill_bank,
    iqa_amend,
    iqa_uphold_all,
    mark_ready,
    method_of,
    nav,
    open_claim,
    pattern,
    record_consent,
    record_history,
    record_method,
    release,
    set_lars_code,
    upload_report,
)
from tests.browser.journey import Journey, banner, fill_date, summary_rows
from tests.epa import accept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The grade words of a certificate claim.
CLAIM_GRADES = {"pass": "Pass", "distinction": "Distinction"}


@dataclass(frozen=True)
class Plan:
    """What the assessor clicks for one specification, and the grade that should give."""

    spec_id: str
    #: Distinction criteria met per method (the first n); methods not named: all met.
    distinctions: dict[str, int] = field(default_factory=dict)
    #: The IQA amends this (method, nth distinction criterion) to not met, with a reason.
    amend: tuple[str, int] | None = None
    #: The overall grade expected (a check that the plan gives the variety intended).
    expected: str = "distinction"


PLANS = [
    # 70%, 80% and 75% of the distinction criteria: just enough for a distinction in each.
    Plan("st0072-excelme", {"showcase": 7, "observation": 4, "discussion": 3}, None, "distinction"),
    # One distinction criterion of two in the observation: row 11 of the table gives a pass.
    Plan("st0071-nqual", {"observation": 1}, None, "pass"),
    # The conflict case study judged through the observation's checklist; no other
    # distinction criterion of the showcase met: a pass there, so a pass overall.
    Plan("st0072-activeiq", {"showcase": 0}, None, "pass"),
    Plan("st0071-highfield", {}, None, "distinction"),
    # Every criterion met, then the IQA amends a distinction criterion of the discussion.
    Plan("st0071-epakit", {}, ("discussion", 0), "pass"),
]

CONFLICT_CHECKLIST = "conflict-and-challenge"


@dataclass
class Clock:
    """The claims' clock: today, or a number of days later."""

    days: int = 0

    def today(self) -> date:
        return timezone.localdate() + timedelta(days=self.days)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock the certificate claims read (the live server runs in this process)."""
    moved = Clock()
    monkeypatch.setattr(app_clock, "today", moved.today)
    return moved


#: The pages axe-core has checked in this module's journeys: a page another journey checked
#: (the same page for the same person, in the same state) is not checked again, while each
#: specification's record pages are (their criteria, areas and elements differ).
CHECKED: set[tuple[str, str, str, str]] = set()


@pytest.fixture
def trip(
    browser: Any, live_server: Any, alice: User, anna: User, ivy: User, pat: User
) -> Iterator[Journey]:
    """Alice, Anna, Ivy and Pat, each ready to sign in in their own browser."""
    people = Journey(browser, live_server.url, _seen=CHECKED)
    try:
        yield people
    finally:
        people.close()


@pytest.fixture
def accepted(
    make_registration: Callable[..., Registration], pat: User, anna: User, ivy: User
) -> Callable[[str], Registration]:
    """Pat's registration on a specification, past the gateway with Anna and Ivy allocated."""

    def make(spec_id: str) -> Registration:
        registration = make_registration(
            spec_id, apprentice_user=pat, given_names="Pat", family_name="Apprentice"
        )
        return accept(registration, anna, ivy)

    return make


def spec_of(spec_id: str) -> Specification:
    return load_catalogue().specification(spec_id)


def prepare_st0071(trip: Journey, registration: Registration, spec: Specification) -> None:
    """Alice fills the question bank (Highfield: its own questions first); Pat uploads."""
    fill_bank(trip, spec, seed=spec.id == "st0071-highfield")
    upload_report(trip, registration.pk, spec)


def inputs_for(spec: Specification, plan: Plan) -> list[RecordInput]:
    """What Anna clicks in each method's record, in the specification's order."""
    limit = spec.evidence.observation_questioning
    records = []
    exempt: set[str] = set()
    checklists: dict[str, dict[str, dict[str, str]]] = {}
    for method in spec.methods:
        for checklist in method.additional_checklists:
            if checklist.id == CONFLICT_CHECKLIST:
                criteria = element_criteria(spec, checklist.exempts)
                checklists.setdefault(method.id, {})[checklist.id] = {c.id: "met" for c in criteria}
                exempt |= {c.id for c in criteria}
    for method in spec.methods:
        records.append(
            RecordInput(
                method=method,
                judgements=pattern(
                    method, distinctions=plan.distinctions.get(method.id), skip=exempt
                ),
                checklists=checklists.get(method.id, {}),
                questioning_minutes=(
                    limit.max_minutes if limit and limit.method == method.id else None
                ),
                occasions=any(d.occasions == "one_or_more" for d in method.duration),
            )
        )
    return records


def claim_ready(trip: Journey, clock: Clock, grade: str) -> None:
    """Alice completes Pat's claim and marks it ready, after the appeal period for a pass."""
    if grade == "distinction":
        claim_top_grade_immediately(trip)
    set_lars_code(trip)
    record_consent(NAME)
    page = open_claim(trip)
    assert summary_rows(page)["Overall grade"] == CLAIM_GRADES[grade]
    edit_claim(trip, page, CLAIM_GRADES[grade])
    if grade == "pass":
        problems = page.locator(".govuk-warning-text + .govuk-list").inner_text()
        assert "appeal" in problems.lower(), problems
        clock.days = 32  # the 31-day appeal period has passed
        page.reload()
        expect(page.locator(".govuk-warning-text")).to_have_count(0)
    mark_ready(trip, page)


@pytest.mark.parametrize("plan", PLANS, ids=[plan.spec_id for plan in PLANS])
def test_whole_epa_reaches_the_engines_grade_and_a_ready_claim(
    trip: Journey, accepted: Callable[[str], Registration], clock: Clock, plan: Plan
) -> None:
    spec = spec_of(plan.spec_id)
    registration = accepted(spec.id)
    interview = spec.evidence.interview_questions
    if interview is not None:
        prepare_st0071(trip, registration, spec)

    clicked = Clicked(spec)
    for record in inputs_for(spec, plan):
        asked = interview.count if interview and interview.method == record.method.id else 0
        record_method(trip, clicked, record, interview=asked)

    if plan.amend is not None:
        method = method_of(spec, plan.amend[0])
        criterion = [c.id for c in method.criteria if c.kind == "distinction"][plan.amend[1]]
        reason = f"The evidence for {criterion} shows the pass standard, not beyond it."
        iqa_amend(trip, clicked, method, criterion, reason)
        history = record_history(trip, ALICE, method)
        assert reason in history
        assert "Ivy Quality" in history
    iqa_uphold_all(trip)

    graded = clicked.graded()
    overall = graded.overall
    assert overall.grade == plan.expected, overall.reason
    rows = release(trip, overall.label)
    assert rows["Grade"].startswith(overall.label), rows["Grade"]
    assert overall.reason[1:50] in rows["Grade"], rows["Grade"]

    claim_ready(trip, clock, overall.grade)


def test_highfield_fail_resit_and_pass_capped_by_the_resit(
    trip: Journey, accepted: Callable[[str], Registration], clock: Clock
) -> None:
    spec = spec_of("st0071-highfield")
    registration = accepted(spec.id)
    prepare_st0071(trip, registration, spec)
    observation = method_of(spec, "observation")
    failed = next(c.id for c in observation.criteria if c.kind == "pass")

    clicked = Clicked(spec)
    for record in inputs_for(spec, Plan(spec.id)):
        if record.method.id == "observation":
            record.judgements = {**record.judgements, failed: "not_met"}
        asked = 10 if record.method.id == "project" else 0
        record_method(trip, clicked, record, interview=asked)
    iqa_uphold_all(trip)
    first = clicked.graded().overall
    assert first.grade == "fail", first.reason
    rows = release(trip, first.label)
    assert rows["Grade"].startswith("Fail")

    # Alice records a resit of the failed observation with the employer's agreement.
    page = trip.goto(ALICE, f"/results/apprentices/{registration.pk}/resit-or-retake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resit or retake")
    trip.check(page, ALICE, "after the fail")
    assert observation.name in page.locator("main").inner_text()
    page.get_by_label("Resit: no further learning").check()
    page.get_by_role("checkbox", name="The employer agreed").check()
    page.get_by_label("Name of the employer's contact who agreed").fill("Erin Employer")
    agreed = timezone.localdate()
    fill_date(
        page,
        "Date the employer agreed",
        day=str(agreed.day),
        month=str(agreed.month),
        year=str(agreed.year),
    )
    page.get_by_label("Number of attempts the employer agreed to").fill("2")
    page.get_by_label("Notes (optional)").fill("Pat resits the observation next month.")
    follow(page.get_by_role("button", name="Record", exact=True))
    assert "Resit recorded (sitting 2)" in banner(page)
    trip.check(page, ALICE, "resit recorded")

    # Anna records the observation again: every criterion and every distinction met.
    clicked.attempts["observation"] = "resit"
    clicked.previous["observation"] = "fail"
    again = RecordInput(
        method=observation,
        judgements=pattern(observation),
        questioning_minutes=9,
        assessed_on=timezone.localdate(),
    )
    record_method(trip, clicked, again)
    page = apprentice_page(trip, ANNA)
    follow(page.get_by_role("link", name=f"Record the {observation.name}", exact=True))
    assert summary_rows(page)["Grade"].startswith("Pass (capped)")
    iqa_uphold_all(trip)

    overall = clicked.graded().overall
    assert (overall.grade, overall.capped) == ("pass", True), overall.reason
    rows = release(trip, overall.label)
    assert rows["Grade"].startswith("Pass (capped)"), rows["Grade"]
    assert "capped" in rows["Grade"].split("\n", 1)[1].lower()
    page = trip.pages[ALICE]
    methods = page.locator("table").first.inner_text()
    assert "Pass (capped)" in methods
    assert "Earlier result: sitting 1" in page.locator("main").inner_text()
    assert nav(trip, ALICE, "Results", "Results", "empty")
    assert NAME not in trip.pages[ALICE].locator("main").inner_text()


def test_the_record_saves_itself_while_the_assessor_types(
    trip: Journey, accepted: Callable[[str], Registration]
) -> None:
    """The record page says "Your draft is saved as you work": typing saves the draft.

    record.js posts each autosave to ``form.action``; the record form's two buttons are
    named "action", so ``form.action`` is those buttons (a RadioNodeList), not the form's
    address, and the autosave goes to ".../[object RadioNodeList]" (404): the page says
    "Not saved: check your connection" and nothing is saved.
    """
    spec = spec_of("st0072-excelme")
    registration = accepted(spec.id)
    discussion = method_of(spec, "discussion")
    page = apprentice_page(trip, ANNA)
    follow(page.get_by_role("link", name=f"Record the {discussion.name}", exact=True))
    # The autosave is a POST of the form to the record's own address, after a pause in the
    # typing: wait for its answer, however long a busy machine takes, then for the status.
    record = f"/apprentices/{registration.pk}/methods/{discussion.id}/"
    with page.expect_response(
        lambda response: record in response.url and response.request.method == "POST"
    ) as autosave:
        page.get_by_label("Feedback to the apprentice").fill("You explained your choices clearly.")
    assert autosave.value.ok, f"{autosave.value.status} from {autosave.value.url}"
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    page.reload()
    expect(page.get_by_label("Feedback to the apprentice")).to_have_value(
        "You explained your choices clearly."
    )
