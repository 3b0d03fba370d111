"""No id of a specification reaches a person: templates print words, not ``face_to_face``.

The words for every id live in :mod:`openepa.rules.labels`; templates reach them through the
``labels`` template library. The first test reads every template and fails where a ``{{ }}``
prints a mode, method id, party, role, area or event without one of the library's filters.
The second renders the pages, emails and PDFs of a whole EPA and looks for the ids that used
to leak.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

import openepa
from openepa.accounts.models import User
from openepa.documents.services import render_document, results_letter
from openepa.kernel import clock
from openepa.planning import bookings, plans
from openepa.registration.models import Registration
from openepa.results.appeals import assign_reviewer, lodge_appeal
from openepa.results.models import Result
from openepa.specifications.services import rules_for
from openepa.specifications.templatetags.labels import register
from openepa.submissions.question_banks import add_question
from tests.documents.conftest import pdf_text
from tests.epa import accept, policy_without_sampling, record_method
from tests.planning.conftest import approve
from tests.results.test_reassessment_support import release

PACKAGE = Path(openepa.__file__).parent

#: The last attribute of an expression that holds an id of the specification or a party
#: (``methods``: a list of method ids, of an appeal or a sitting).
ID_ATTRIBUTES = frozenset(
    {"mode", "method_id", "methods", "party", "role", "area", "area_id", "event"}
)

#: The filters of the ``labels`` library: one of them turns the id into words.
LABEL_FILTERS = frozenset(register.filters)

#: Expressions that print one of those names but already hold words, with why.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "assessment/templates/assessment/record.html",
        "field_yours.mode",
    ): "the value the person saved, put in words by assessment.views._display (mode_words)",
}

EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def templates() -> Iterator[Path]:
    """Every template file of the package: each app's templates and the shared ones."""
    for path in sorted(PACKAGE.rglob("*")):
        in_templates = "templates" in path.relative_to(PACKAGE).parts[:-1]
        if path.is_file() and in_templates and path.suffix in {".html", ".txt", ".xml"}:
            yield path


def in_a_tag(text: str, at: int) -> bool:
    """Whether position ``at`` is inside an HTML tag (an attribute nobody reads as text)."""
    return text.rfind("<", 0, at) > text.rfind(">", 0, at)


def raw_ids(path: Path, relative: str = "") -> list[str]:
    """The expressions of one template that print an id without a ``labels`` filter."""
    text = path.read_text()
    relative = relative or str(path.relative_to(PACKAGE))
    found = []
    for match in EXPRESSION.finditer(text):
        if path.suffix == ".html" and in_a_tag(text, match.start()):
            continue
        variable, *filters = (part.strip() for part in match.group(1).split("|"))
        last = variable.split(".")[-1]
        names = {f.split(":")[0].strip() for f in filters}
        if last not in ID_ATTRIBUTES or names & LABEL_FILTERS:
            continue
        if (relative, variable) in ALLOWED:
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append(f"{relative}:{line}: {{{{{match.group(1)}}}}}")
    return found


def test_templates_are_found() -> None:
    names = {str(path.relative_to(PACKAGE)) for path in templates()}
    assert "assessment/templates/assessment/record.html" in names
    assert "notifications/templates/notifications/email/booking_made.body.txt" in names
    assert "documents/templates/documents/method_record.html" in names
    assert "templates/base.html" in names


def test_no_template_prints_a_raw_id() -> None:
    found = [problem for path in templates() for problem in raw_ids(path)]
    assert found == [], (
        "These print an id where people read words; use a filter of the labels library "
        "({% load labels %}): " + "; ".join(found)
    )


def test_the_check_finds_a_raw_id(tmp_path: Path) -> None:
    """The check itself: an id printed bare or only formatted is found; a label is not."""
    page = tmp_path / "probe.html"
    page.write_text(
        "<p>{{ booking.mode }}, {{ record.mode|default:'-'|capfirst }}, {{ record.method_id }},"
        " {{ booking.mode|mode_label }}, {{ record.method_id|method_name:record }}</p>"
        '<a href="?mode={{ booking.mode }}">link</a>'
    )
    found = raw_ids(page, "probe.html")
    assert [problem.split(": ", 1)[1] for problem in found] == [
        "{{ booking.mode }}",
        "{{ record.mode|default:'-'|capfirst }}",
        "{{ record.method_id }}",
    ]


# --- a whole EPA, rendered --------------------------------------------------------------------

#: The ids that used to reach people, as they leaked.
LEAKS = {
    "a mode id": re.compile(r"face_to_face|video_call", re.IGNORECASE),
    "the EPAO's party id": re.compile(r"\bepao\b"),
    "method ids in a list": re.compile(
        r"\b(project|discussion|observation|showcase), (project|discussion|observation|showcase)\b"
    ),
    "a party id in brackets": re.compile(r"\((provider|epao)\)"),
    "a method id as a caption": re.compile(r"st0071-highfield, (project|discussion|observation)"),
}


def visible(html: str) -> str:
    """A page's text as a person reads it: no tags, no scripts, single spaces."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def assert_words(what: str, text: str) -> None:
    """``text`` shows none of the ids that used to leak."""
    for leak, pattern in LEAKS.items():
        found = pattern.search(text)
        assert found is None, (
            f"{what} shows {leak}: …{text[max(0, found.start() - 60) : found.end() + 60]}…"
        )


def page(client: Client, url: str) -> str:
    """The visible text of a page that must render."""
    response = client.get(url)
    assert response.status_code == 200, url
    return visible(response.content.decode())


@pytest.fixture
def whole_epa(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    ivy: User,
    alice: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> dict[str, Any]:
    """A Highfield EPA: planned face to face, booked, assessed, released, appealed.

    Every method passes without a distinction, so the EPA grade's reason names every method
    ("... did not get one"), as method ids did before they were words.
    """
    registration = accept(
        make_registration(
            "st0071-highfield", apprentice_user=pat, given_names="Pat", family_name="Apprentice"
        ),
        anna,
        ivy,
    )
    policy_without_sampling(registration.epao)
    approve(anna, "st0071-highfield")
    spec, _ = rules_for(registration.specification)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 3))
    emails: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        plans.record_plan(
            registration,
            anna,
            revision=0,
            meeting_on=date(2026, 8, 3),
            meeting_notes="",
            methods={
                m.id: plans.MethodPlan(date(2026, 9, 15), "face_to_face", "") for m in spec.methods
            },
        )
        bookings.book(
            registration,
            anna,
            method_id="observation",
            on=date(2026, 8, 17),
            starts_at=time(10, 0),
            minutes=[60],
            mode="face_to_face",
            submissions={},
            confirmed=True,
        )
    emails += [f"{m.subject}\n{m.body}" for m in mail.outbox]
    for method in spec.methods:
        record_method(registration, method.id, anna, distinctions=0)
    result = release(registration, alice, date(2026, 10, 1))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 5))
    return {"registration": registration, "result": result, "spec": spec, "emails": emails}


def test_the_pages_emails_and_pdfs_of_a_whole_epa_show_words_not_ids(
    whole_epa: dict[str, Any],
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    bob: User,
    ivy: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    registration: Registration = whole_epa["registration"]
    result: Result = whole_epa["result"]
    spec = whole_epa["spec"]
    project = spec.methods[0]
    assert project.id == "project"

    # The emails: the plan to sign and the booking, with how each method is carried out.
    plan_email, *_ = [e for e in whole_epa["emails"] if "ready to sign" in e]
    booking_email, *_ = [e for e in whole_epa["emails"] if "booked for" in e]
    assert "face to face" in plan_email
    assert "How: Face to face" in booking_email
    for email in whole_epa["emails"]:
        assert_words("an email", email)

    # The plan page, as the assessor: the planned and the booked modes.
    plan = page(login(anna), reverse("planning:plan", args=[registration.pk]))
    assert "Face to face" in plan
    assert_words("the plan page", plan)

    # The record page and the EPAO admin's own pages.
    client = login(alice)
    record = page(client, reverse("assessment:record", args=[registration.pk, project.id]))
    assert "How it was carried out Face to face" in record
    assert_words("the record page", record)
    home = page(client, reverse("home"))
    assert "signed in as EPAO admin" in home
    gateway = page(client, reverse("gateway:overview", args=[registration.pk]))
    assert "You take part as the EPAO." in gateway
    for text in (home, gateway):
        assert_words("an EPAO admin's page", text)

    # The question bank: the method's name, not its id, above the question.
    question = add_question(
        registration.epao, alice, spec_id=spec.id, method_id=project.id, text="Why?", criteria=[]
    )
    edit = page(client, reverse("submissions:question_edit", args=[question.pk]))
    assert f"{spec.id}, {project.name}" in edit
    assert_words("the question page", edit)

    # The results letter and the method's record (PDFs), with the EPA grade's reason.
    letter = pdf_text(results_letter(result))
    assert "did not get one" in letter
    assert "the Work-based project supported by an interview" in " ".join(letter.split())
    method_record = pdf_text(render_document("method-record", registration, method=project.id))
    assert "Mode Face to face" in method_record
    for text in (letter, method_record):
        assert_words("a PDF", text)

    # An appeal by the training provider: its emails and the reviewer's decision page.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = lodge_appeal(registration, bob, grounds="Cut short.", methods=[project.id])
        assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    appeal_emails = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    assert any("(the training provider)" in e for e in appeal_emails)
    assert any(f"Methods appealed: the {project.name}" in e for e in appeal_emails)
    for email in appeal_emails:
        assert_words("an appeal email", email)
    decide = page(login(ivy), reverse("results:appeal_decide", args=[appeal.pk]))
    assert "(training provider)" in decide
    assert f"{project.name} (sitting 1" in decide
    assert_words("the appeal decision page", decide)
    assign = page(login(alice), reverse("results:appeal_assign", args=[appeal.pk]))
    assert f"Methods appealed The {project.name}" in assign
    assert_words("the appeal's page", assign)
