"""Helpers for browser journeys: one signed-in browser per person, and axe-core checks of each
distinct page they see.

A :class:`Journey` keeps one browser context per person (so each works in their own session,
as they would on their own computer) and runs axe-core once on each distinct page: the same
page for the same person is checked once, while its error state, another person's view of it
or another component's page is checked again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, new_context
from tests.conftest import PASSWORD

#: A work-based project proposal of 250 words, as an apprentice would write it.
PROPOSAL = (
    "My project will reduce the number of repeat contacts from customers whose delivery "
    "problems are not solved the first time they call. At the moment about one customer in "
    "five contacts our team again within a week about the same order, which costs the "
    "business time and money and lowers the satisfaction scores we report each month. "
    "I will start by analysing three months of contact records to find the most common "
    "reasons for repeat contact, and I will interview colleagues in the warehouse and in "
    "the delivery team to understand where information is lost between departments. "
    "Using what I find, I will design a new follow-up process: after each complaint the "
    "adviser will agree a promise with the customer, record it in the customer "
    "system, and check two days later that the promise was kept. I will write guidance for "
    "the team, run two training sessions and coach new advisers while they use the "
    "process. I will measure the repeat contact rate, the customer satisfaction score and "
    "the average handling time before and after the change. I will "
    "present my findings and recommendations to my manager and to the operations director, "
    "including the costs and the benefits of rolling the process out to other teams. The "
    "project will show how I resolve complex customer issues, work with internal "
    "customers, use data to improve service, manage my own time and keep my promises. It "
    "supports our business strategy of keeping loyal customers rather than spending more "
    "on winning new ones."
)


def first_words(text: str, count: int) -> str:
    """The first ``count`` words of ``text`` (split on spaces)."""
    return " ".join(text.split()[:count])


def pdf(text: str) -> bytes:
    """A small real PDF whose content mentions ``text``."""
    return f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n".encode()


def upload(name: str, body: bytes) -> dict[str, Any]:
    """A file for ``set_input_files``, built in memory."""
    kind = "application/pdf" if name.endswith(".pdf") else "text/plain"
    return {"name": name, "mimeType": kind, "buffer": body}


def fill_date(page: Any, legend: str, **parts: str) -> None:
    """Type a date's parts (day, month, year) into the boxes of the group named ``legend``."""
    group = page.get_by_role("group", name=legend, exact=True)
    for part, value in parts.items():
        group.get_by_label(part.capitalize(), exact=True).fill(value)


def summary_rows(page: Any) -> dict[str, str]:
    """Every row of the page's summary lists, as {key: value} in the words shown."""
    rows: dict[str, str] = page.locator(".govuk-summary-list__row").evaluate_all(
        """rows => Object.fromEntries(rows.map(row => [
            row.querySelector('.govuk-summary-list__key').innerText.trim(),
            row.querySelector('.govuk-summary-list__value').innerText.trim()]))"""
    )
    return rows


def banner(page: Any) -> str:
    """The text of the notification banner the last action showed."""
    return str(page.locator(".govuk-notification-banner").inner_text())


def error_summary(page: Any) -> str:
    """The text of the page's error summary (which must be there)."""
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    return str(summary.inner_text())


@dataclass
class Journey:
    """The people of a journey, each with their own signed-in browser, and the pages checked."""

    browser: Any
    base_url: str
    pages: dict[str, Any] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    found: set[tuple[str, str]] = field(default_factory=set)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set)
    _contexts: list[Any] = field(default_factory=list)

    def new_page(self) -> Any:
        """A page in a fresh browser context (no cookies, nobody signed in)."""
        context = new_context(self.browser)
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    def as_person(self, email: str) -> Any:
        """The page of the person with ``email``, signing them in on first use."""
        if email not in self.pages:
            page = self.new_page()
            page.goto(f"{self.base_url}/sign-in/")
            self.check(page, "nobody signed in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            self.pages[email] = page
        return self.pages[email]

    def adopt(self, email: str, page: Any) -> None:
        """Use ``page``, already signed in (after accepting an invitation), for ``email``."""
        self.pages[email] = page

    def goto(self, email: str, path: str) -> Any:
        """Open ``path`` as the person with ``email``; return their page."""
        page = self.as_person(email)
        page.goto(self.base_url + path)
        return page

    def check(self, page: Any, who: str, state: str = "") -> None:
        """Run axe-core on the page unless this person has had this very page checked.

        A page is the same if its path (with record numbers left out, so one component's
        page stands for the others), whether it shows errors, and the ``state`` named by the
        caller (for a page that changes without changing its address, like the overview once
        the gateway is confirmed) are the same.
        """
        path = re.sub(r"/\d+/", "/N/", urlsplit(page.url).path)
        errors = "with errors" if page.title().startswith("Error:") else ""
        key = (who, path, errors, state)
        if key in self._seen:
            return
        self._seen.add(key)
        self.checked.append(" ".join(part for part in key if part))
        assert_accessible(page)

    def close(self) -> None:
        """Close every browser context the journey opened."""
        for context in self._contexts:
            context.close()


def journey(browser: Any, base_url: str) -> Iterator[Journey]:
    """A journey whose contexts are closed at the end (use as a fixture body)."""
    trip = Journey(browser, base_url)
    try:
        yield trip
    finally:
        trip.close()
