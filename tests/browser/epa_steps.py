"""Steps of a whole EPA in a browser, each done by one person, for the EPA journeys.

Each step is done in the browser as the person would (links, forms, buttons); the judgements
the assessor clicks are kept in a :class:`Clicked` so the test can ask the grading engine for
the grade of the very same judgements, without reading them back from the application.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from playwright.sync_api import expect

from openepa.rules.grading import GradeRequest, GradeResult, MethodInput, grade
from openepa.rules.labels import mode_label
from openepa.rules.model import Method, Specification
from tests.browser.conftest import follow
from tests.browser.journey import Journey, banner, fill_date, summary_rows

ALICE = "alice@epao.example"
ANNA = "anna@epao.example"
IVY = "ivy@epao.example"
PAT = "pat@learner.example"
NAME, LISTED = "Pat Apprentice", "Apprentice, Pat"


# --- the judgements clicked, and the engine's grade of them ---------------------------------


@dataclass
class Clicked:
    """Every judgement the assessor (and an IQA amending) clicked, by method and checklist."""

    spec: Specification
    judgements: dict[str, dict[str, str]] = field(default_factory=dict)
    checklists: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    attempts: dict[str, str] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)

    def request(self) -> GradeRequest:
        """The engine's request for the judgements clicked so far."""
        return GradeRequest(
            spec_id=self.spec.id,
            methods={
                method_id: MethodInput(
                    judgements=values,  # type: ignore[arg-type]
                    attempt=self.attempts.get(method_id, "first"),  # type: ignore[arg-type]
                    previous_grade=self.previous.get(method_id),  # type: ignore[arg-type]
                    checklists=self.checklists.get(method_id, {}),  # type: ignore[arg-type]
                )
                for method_id, values in self.judgements.items()
            },
        )

    def graded(self) -> GradeResult:
        """The engine's grades of the judgements clicked."""
        return grade(self.spec, self.request())

    def method_grade(self, method_id: str) -> str:
        """The engine's grade of one method ("pass" ...)."""
        return next(m.grade for m in self.graded().methods if m.id == method_id)


def method_of(spec: Specification, method_id: str) -> Method:
    """The method of ``spec`` with this id."""
    return next(m for m in spec.methods if m.id == method_id)


def pattern(
    method: Method,
    *,
    distinctions: int | None = None,
    not_met: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> dict[str, str]:
    """Every criterion met, except ``not_met``; only the first ``distinctions`` of the
    distinction criteria met (all when None); ``skip`` left out (exempt through a checklist).
    """
    failing, skipped = set(not_met), set(skip)
    values: dict[str, str] = {}
    met_distinctions = 0
    for criterion in method.criteria:
        if criterion.id in skipped:
            continue
        value = "not_met" if criterion.id in failing else "met"
        if criterion.kind == "distinction" and distinctions is not None:
            value = "met" if met_distinctions < distinctions else "not_met"
            met_distinctions += value == "met"
        values[criterion.id] = value
    return values


def element_criteria(spec: Specification, exempts: str) -> list[Any]:
    """The criteria of a showcase element named ``method/element``."""
    method_id, _, element = exempts.partition("/")
    return [c for c in method_of(spec, method_id).criteria if c.element == element]


# --- people finding their pages --------------------------------------------------------------


def apprentice_page(trip: Journey, who: str) -> Any:
    """``who`` (EPAO staff) opens Pat's page from their list of apprentices."""
    page = trip.goto(who, "/")
    follow(page.get_by_role("link", name="Apprentices", exact=True))
    trip.check(page, who)
    follow(page.get_by_role("link", name=LISTED))
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    trip.check(page, who)
    return page


def nav(trip: Journey, who: str, link: str, heading: str, state: str = "") -> Any:
    """``who`` follows a link of the service navigation to a page with ``heading``."""
    page = trip.goto(who, "/")
    follow(page.get_by_role("navigation").get_by_role("link", name=link, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    trip.check(page, who, state)
    return page


# --- the question bank, the report and the interview ---------------------------------------


def fill_bank(trip: Journey, spec: Specification, seed: bool) -> None:
    """Alice makes the interview question bank of the specification hold 10 active questions.

    With ``seed``, she first adds the specification's own questions (Highfield prints six).
    """
    rule = spec.evidence.interview_questions
    assert rule is not None
    bank = f"{spec.id}:{rule.method}"
    page = trip.goto(ALICE, "/submissions/questions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview question banks")
    trip.check(page, ALICE, "empty")
    if seed:
        follow(page.get_by_role("button", name="Add the specifications' own questions"))
        assert "questions from the specifications added" in banner(page)
        trip.check(page, ALICE, "listed")
    page.get_by_label("Specification and method").select_option(bank)
    follow(page.get_by_role("button", name="Show questions"))
    have = page.locator(".govuk-table__body .govuk-table__row").count()
    for number in range(have + 1, rule.count + 1):
        follow(page.get_by_role("link", name="Add a question"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a question")
        trip.check(page, ALICE)
        expect(page.get_by_label("Specification and method")).to_have_value(bank)
        page.get_by_label("Question", exact=True).fill(
            f"Question {number}: tell me how your project changed the service your customers get."
        )
        page.get_by_label("Where the question comes from (optional)").fill("EPAO question bank")
        follow(page.get_by_role("button", name="Add the question"))
        assert f"Question {number} was added" in banner(page)
    caption = page.locator(".govuk-table__caption").inner_text()
    assert caption == f"{rule.count} questions", caption
    trip.check(page, ALICE, "listed")


#: A sentence of the project report, repeated to the length wanted.
SENTENCE = (
    "The project reduced repeat contacts by agreeing a clear promise with each customer "
    "and checking two days later that the promise was kept by the team."
)


def report_text(words: int) -> str:
    """A project report of exactly ``words`` words."""
    sentence = SENTENCE.split()
    text = [sentence[i % len(sentence)] for i in range(words)]
    return " ".join(text)


def upload_report(trip: Journey, registration_pk: int, spec: Specification) -> None:
    """Pat uploads the project report (a text file of the target number of words)."""
    rule = spec.evidence.project_report
    assert rule is not None
    page = trip.goto(PAT, f"/submissions/{registration_pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submissions")
    trip.check(page, PAT, "empty")
    follow(page.get_by_role("link", name=re.compile(r"^Upload a file")).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Upload a file for the")
    trip.check(page, PAT)
    page.get_by_label("The project report").check()
    body = report_text(rule.target_words).encode()
    page.get_by_label("Upload the file").set_input_files(
        {"name": "project-report.txt", "mimeType": "text/plain", "buffer": body}
    )
    follow(page.get_by_role("button", name="Upload", exact=True))
    assert "project-report.txt was uploaded" in banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Submissions")
    trip.check(page, PAT, "uploaded")


def choose_questions(trip: Journey, page: Any, count: int) -> None:
    """Anna follows the record's interview link and chooses the first ``count`` questions."""
    follow(page.get_by_role("link", name="Choose the interview questions and keep notes"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interview: ")
    trip.check(page, ANNA)
    boxes = page.get_by_role("group", name="Questions to ask").get_by_role("checkbox")
    assert boxes.count() >= count
    for index in range(count):
        boxes.nth(index).check()
    follow(page.get_by_role("button", name="Save the questions"))
    assert "The interview questions were saved" in banner(page)
    trip.check(page, ANNA, "chosen")


# --- the assessor's record -------------------------------------------------------------------


@dataclass
class RecordInput:
    """What Anna types and clicks in one method's record."""

    method: Method
    judgements: Mapping[str, str]
    checklists: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    assessed_on: date = date(2026, 9, 15)
    questioning_minutes: int | None = None
    occasions: bool = False


def click_judgements(page: Any, record: RecordInput) -> None:
    """Choose each judgement's radio, quickly, in the page (the form is posted after)."""
    values = {f"j::{cid}:value": value for cid, value in record.judgements.items()}
    for checklist, judged in record.checklists.items():
        values.update({f"j:{checklist}:{cid}:value": v for cid, v in judged.items()})
    missing = page.evaluate(
        """values => {
            const missing = [];
            for (const [name, value] of Object.entries(values)) {
                const input = document.querySelector(
                    `input[type=radio][name="${CSS.escape(name)}"][value="${value}"]`);
                if (input) { input.checked = true; } else { missing.push(name); }
            }
            return missing;
        }""",
        values,
    )
    assert missing == [], f"no radio for {missing}"


def fill_record(trip: Journey, page: Any, record: RecordInput) -> None:
    """Anna fills the record: when and how, Q&A minutes, occasions, judgements, feedback."""
    method = record.method
    on = record.assessed_on
    fill_date(page, "Date of assessment", day=str(on.day), month=str(on.month), year=str(on.year))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("11:00")
    modes = method.modes.allowed if method.modes else ["face_to_face"]
    page.get_by_role("group", name="How it was carried out").get_by_label(
        mode_label(modes[0]), exact=True
    ).check()
    if record.questioning_minutes is not None:
        page.get_by_label("Question and answer minutes").fill(str(record.questioning_minutes))
    if record.occasions:
        page.get_by_label("Date of occasion 1").fill(on.isoformat())
        page.get_by_label("Minutes of occasion 1").fill("60")
    page.get_by_label("Feedback to the apprentice").fill(
        f"Thank you: the {method.name.lower()} showed your knowledge of your customers."
    )
    click_judgements(page, record)
    # Save the draft through the form itself, so no autosave is pending at submission.
    follow(page.get_by_role("button", name="Save draft"))
    assert "Your draft was saved" in banner(page)


def record_method(
    trip: Journey, clicked: Clicked, record: RecordInput, *, interview: int = 0
) -> None:
    """Anna opens the method's record from Pat's page, fills it, checks the live grade and
    submits it; the locked record shows the engine's grade of the judgements clicked."""
    method = record.method
    page = apprentice_page(trip, ANNA)
    follow(page.get_by_role("link", name=f"Record the {method.name}", exact=True))
    if interview:
        choose_questions(trip, page, interview)
        page = apprentice_page(trip, ANNA)
        follow(page.get_by_role("link", name=f"Record the {method.name}", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Record the {method.name}")
    trip.check(page, ANNA, f"draft, {clicked.spec.id}")
    clicked.judgements[method.id] = dict(record.judgements)
    if record.checklists:
        clicked.checklists[method.id] = {k: dict(v) for k, v in record.checklists.items()}
    fill_record(trip, page, record)
    expected = clicked.method_grade(method.id)
    label = {"fail": clicked.spec.grade_labels.fail, "pass": clicked.spec.grade_labels.pass_}.get(
        expected, clicked.spec.grade_labels.distinction
    )
    expect(page.locator("#grade-panel")).to_contain_text(label)
    follow(page.get_by_role("button", name="Submit and lock the record"))
    assert f"The {method.name} record was submitted and locked" in banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(method.name)
    rows = summary_rows(page)
    assert rows["Grade"].startswith(expected.capitalize()), rows["Grade"]
    assert rows["Quality assurance"].startswith("Held for IQA"), rows["Quality assurance"]
    trip.check(page, ANNA, f"submitted, {clicked.spec.id}")


# --- IQA, release and the certificate claim -------------------------------------------------


def iqa_uphold_all(trip: Journey) -> None:
    """Ivy upholds every decision held for her review."""
    while True:
        page = nav(trip, IVY, "Sampled decisions", "Sampled decisions", "queue")
        links = page.locator(".govuk-table__body a.govuk-link")
        if not links.count():
            assert "No decision is waiting for your review" in page.locator("main").inner_text()
            trip.check(page, IVY, "empty")
            return
        follow(links.first)
        expect(page.get_by_role("heading", level=1)).to_contain_text("IQA review: ")
        trip.check(page, IVY)
        page.get_by_label("Uphold the assessor's decision").check()
        follow(page.get_by_role("button", name="Record your decision"))
        assert "You upheld the decision" in banner(page)
        assert summary_rows(page)["IQA status"].startswith("Upheld by IQA (Ivy Quality)")


def iqa_amend(trip: Journey, clicked: Clicked, method: Method, criterion: str, reason: str) -> None:
    """Ivy amends one judgement of the method's held decision to not met, with a reason; the
    review page and the record's full history show the change, by whom and why."""
    page = nav(trip, IVY, "Sampled decisions", "Sampled decisions", "queue")
    follow(page.get_by_role("link", name=f"{method.name} of {NAME}", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"IQA review: {method.name}")
    trip.check(page, IVY)
    page.get_by_label(f"Judgement of {criterion}", exact=True).select_option("not_met")
    page.get_by_label("Amend the judgements below").check()
    page.get_by_label("Reason").fill(reason)
    follow(page.get_by_role("button", name="Record your decision"))
    assert "You amended the decision; the grade was updated" in banner(page)
    clicked.judgements[method.id][criterion] = "not_met"
    expected = clicked.method_grade(method.id)
    rows = summary_rows(page)
    assert rows["Grade"].startswith(expected.capitalize()), rows["Grade"]
    assert rows["IQA status"].startswith("Amended by IQA (Ivy Quality)"), rows["IQA status"]
    assert reason in rows["IQA status"]
    history = page.locator("table").last.inner_text()
    assert f"Judgement of {criterion}: Met → Not met" in history, history
    assert reason in history
    trip.check(page, IVY, "amended")


def record_history(trip: Journey, who: str, method: Method) -> str:
    """``who`` opens the method's record from Pat's page and then its full history."""
    page = apprentice_page(trip, who)
    follow(page.get_by_role("link", name=f"The {method.name} record", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(method.name)
    trip.check(page, who, "record")
    follow(page.get_by_role("link", name="The full history of the record"))
    trip.check(page, who)
    return str(page.locator("main").inner_text())


def release(trip: Journey, label: str) -> dict[str, str]:
    """Alice releases Pat's result from her Results queue; the result page's rows."""
    page = nav(trip, ALICE, "Results", "Results", "queue")
    follow(page.get_by_role("link", name=NAME, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Release the result")
    trip.check(page, ALICE, "to release")
    assert summary_rows(page)["EPA grade"].startswith(label)
    follow(page.get_by_role("button", name=f"Release the result: {label}"))
    assert f"The result was released: {NAME}, {label}" in banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("End-point assessment result")
    trip.check(page, ALICE, "released")
    return summary_rows(page)


def claim_top_grade_immediately(trip: Journey) -> None:
    """Alice lets a distinction be claimed without waiting for the appeal period."""
    page = nav(trip, ALICE, "Settings", "Settings")
    follow(page.get_by_role("link", name="Quality settings", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality settings")
    trip.check(page, ALICE)
    page.get_by_role(
        "group", name=re.compile("^Claim certificates for a distinction without waiting")
    ).get_by_label("Yes", exact=True).check()
    follow(page.get_by_role("button", name="Save the quality settings"))
    assert "The quality settings were saved" in banner(page)


def open_claim(trip: Journey) -> Any:
    """Alice opens Pat's claim from her list of certificate claims."""
    page = nav(trip, ALICE, "Certificate claims", "Certificate claims", "listed")
    follow(page.get_by_role("link", name=re.compile(rf"^{NAME}\s*: view the claim$")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificate claim")
    trip.check(page, ALICE, page.locator("h1 .govuk-tag").inner_text())
    return page


def set_lars_code(trip: Journey) -> None:
    """Alice sets ST0071's or ST0072's LARS code once, on the standards page (issue 12)."""
    page = nav(trip, ALICE, "Settings", "Settings")
    follow(page.get_by_role("link", name="Standards at the assessment service", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Standards at the assessment service")
    trip.check(page, ALICE)
    for reference in ("ST0071", "ST0072"):
        follow(page.get_by_role("link", name=f"Set the LARS code of {reference}"))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"LARS code of {reference}")
        trip.check(page, ALICE)
        page.get_by_label("LARS code").fill("123" if reference == "ST0071" else "124")
        page.get_by_label("Where did you confirm the code?").fill("The standard's page.")
        follow(page.get_by_role("button", name="Save the LARS code"))
        assert f"The LARS code of {reference} was set to" in banner(page)


def record_consent(name: str) -> None:
    """The apprentice's written permission to apply for their certificate, as recorded.

    Recorded in the database: the pages that record it belong to the registration.
    """
    from openepa.accounts.models import User
    from openepa.registration.models import CertificateConsent, Registration

    registration = Registration.objects.get(apprentice__user__email=PAT)
    CertificateConsent.objects.create(
        registration=registration,
        source=CertificateConsent.Source.EVIDENCE,
        statement=f"{name} agrees that the EPAO may apply for their certificate.",
        evidence="Signed form",
        given_on=date.today(),
        recorded_by=User.objects.get(email=ALICE),
    )


def edit_claim(trip: Journey, page: Any, grade_words: str) -> None:
    """Alice checks the grade and postal contact drafted and adds a department."""
    follow(page.get_by_role("link", name="Change the claim's details"))
    trip.check(page, ALICE)
    expect(page.get_by_label("Overall grade")).to_have_value(grade_words)
    expect(page.get_by_label("Contact name")).to_have_value(NAME)
    expect(page.get_by_label("Address line 1")).to_have_value("1 High Street")
    expect(page.get_by_label("Town or city")).to_have_value("Leeds")
    expect(page.get_by_label("Postcode")).to_have_value("LS1 1AA")
    expect(page.get_by_label("Standard code (LARS)")).to_have_count(0)
    page.get_by_label("Department").fill("Customer service")
    page.get_by_label("Why are you changing the claim?").fill("Added the department.")
    follow(page.get_by_role("button", name="Save the claim"))
    assert f"The claim for {NAME} was saved" in banner(page)
    assert summary_rows(page)["Standard code (LARS)"][:3] in ("123", "124")


def mark_ready(trip: Journey, page: Any) -> None:
    """Alice marks the claim ready; its status shows Ready."""
    page.get_by_role("group", name="Mark the claim as").get_by_label("Ready", exact=True).check()
    follow(page.get_by_role("button", name="Save the status"))
    assert f"The claim for {NAME} was marked ready" in banner(page)
    expect(page.locator("h1 .govuk-tag")).to_have_text("Ready")
    trip.check(page, ALICE, "Ready")
