"""Issue 6 in a browser: a released result reaches the apprentice, employer and provider.

Pat Apprentice's Highfield EPA is recorded and cleared through the services (the assessment
itself is the EPA journeys' subject); then, each in their own browser, Alice releases the
result from her Results queue, and Pat, Erin (the employer) and Bob (the training provider)
each open Messages, find the email about the result with its content, download the results
letter attached to it and find it on the apprentice's page too. The letters are PDFs whose
text names the apprentice, the grade and each method.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from openepa.accounts.models import User
from openepa.registration.models import Registration
from tests.browser.conftest import follow
from tests.browser.epa_steps import ALICE, NAME, release
from tests.browser.journey import Journey
from tests.epa import accept, policy_without_sampling, record_method

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTIES = {
    "pat@learner.example": "the apprentice",
    "erin@bright.example": "the employer",
    "bob@acme.example": "the training provider",
}
METHODS = (
    "Work-based project supported by an interview",
    "Professional discussion supported by portfolio of evidence",
    "Practical observation with Q&As",
)


@pytest.fixture
def trip(
    browser: Any, live_server: Any, alice: User, pat: User, erin: User, bob: User
) -> Iterator[Journey]:
    people = Journey(browser, live_server.url)
    try:
        yield people
    finally:
        people.close()


@pytest.fixture
def assessed(make_registration: Any, pat: User, anna: User, ivy: User, epao: Any) -> Registration:
    """Pat's Highfield EPA with every method recorded, submitted and cleared."""
    policy_without_sampling(epao)
    registration = accept(
        make_registration(
            "st0071-highfield", apprentice_user=pat, given_names="Pat", family_name="Apprentice"
        ),
        anna,
        ivy,
    )
    for method in ("project", "discussion", "observation"):
        record_method(registration, method, anna)
    return registration


def pdf_text(body: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def check_letter(body: bytes, registration: Registration) -> None:
    """The results letter names the apprentice, their ULN, the grade and every method."""
    assert body.startswith(b"%PDF-")
    text = " ".join(pdf_text(body).split())
    assert NAME in text
    assert registration.apprentice.uln in text
    assert "Distinction" in text
    for method in METHODS:
        assert " ".join(method.split()) in text, method


def test_a_released_result_reaches_each_party_by_email_with_the_results_letter(
    trip: Journey, assessed: Registration
) -> None:
    release(trip, "Distinction")
    for email, party in PARTIES.items():
        page = trip.goto(email, "/")
        follow(page.get_by_role("link", name="Messages", exact=True))
        expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
        trip.check(page, email, "inbox")
        follow(page.get_by_role("link", name="result", exact=False).first)
        trip.check(page, email, "result email")
        body = page.locator("main").inner_text()
        assert NAME in body, party
        assert "Distinction" in body, party
        assert "Attachments" in body or ".pdf" in body, party
        with page.expect_download() as download:
            page.get_by_role("link", name=".pdf", exact=False).first.click()
        letter = download.value
        assert letter.suggested_filename.endswith(".pdf")
        check_letter(Path(letter.path()).read_bytes(), assessed)

        page = trip.goto(email, f"/apprentices/{assessed.pk}/")
        link = page.get_by_role("link", name="results letter", exact=False).first
        expect(link).to_be_visible()
        with page.expect_download() as download:
            link.click()
        check_letter(Path(download.value.path()).read_bytes(), assessed)
    assert ALICE in trip.pages
    sent = {m.to[0]: m for m in mail.outbox if "End-point assessment result" in m.subject}
    assert set(sent) == set(PARTIES)
    for message in sent.values():
        assert "Distinction" in message.body
        [(filename, content, mimetype)] = message.attachments
        assert (filename.endswith(".pdf"), mimetype) == (True, "application/pdf")
        check_letter(content, assessed)
