"""Permission to apply for the certificate, in a browser: Pat gives and withdraws it, Alice
records it with evidence; each page checked for accessibility."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.registration.models import CertificateConsent, Registration
from tests.browser.conftest import assert_accessible, follow, new_context
from tests.browser.test_registration_pages import fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def banner(page: Any) -> str:
    """The words of the success banner the page shows."""
    return str(page.locator(".govuk-notification-banner").inner_text())


def test_pat_gives_and_withdraws_permission_and_alice_records_it_with_evidence(
    live_server: Any,
    browser: Any,
    page: Any,
    make_registration: Callable[..., Registration],
    pat: User,
    alice: User,
) -> None:
    registration = make_registration(given_names="Pat", family_name="Taylor", apprentice_user=pat)
    today = clock.today()
    sign_in(page, live_server.url, pat.email)  # Pat lands on their own page
    expect(page.get_by_role("heading", level=1)).to_have_text("Pat Taylor")
    expect(
        page.get_by_role("heading", name="Permission to apply for your certificate")
    ).to_be_visible()
    expect(page.locator(".govuk-inset-text").first).to_contain_text(
        "I give Demo EPAO permission to apply to the Education and Skills Funding Agency"
    )
    assert_accessible(page)
    follow(page.get_by_role("button", name="I give my permission"))
    assert "Thank you: you gave permission" in banner(page)
    expect(page.get_by_text(f"You gave permission on {today:%-d %B %Y}")).to_be_visible()
    expect(page.get_by_role("button", name="I give my permission")).to_have_count(0)
    assert_accessible(page)

    follow(page.get_by_role("link", name="Withdraw your permission"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your permission")
    # The apprentice need not say why (an admin recording it must).
    reason = page.get_by_label("Why are you withdrawing your permission? (optional)")
    expect(reason).to_be_visible()
    assert_accessible(page)
    reason.fill("My address is changing")
    follow(page.get_by_role("button", name="Withdraw the permission"))
    assert "You withdrew your permission" in banner(page)
    expect(page.get_by_role("button", name="I give my permission")).to_be_visible()

    context = new_context(browser)
    try:
        admin = context.new_page()
        sign_in(admin, live_server.url, alice.email)
        admin.goto(f"{live_server.url}/apprentices/{registration.pk}/")
        history = admin.get_by_role("table", name="Every permission recorded")
        expect(history).to_contain_text("My address is changing")
        follow(admin.get_by_role("link", name="Record permission given with evidence"))
        expect(admin.get_by_role("heading", level=1)).to_have_text(
            "Record permission to apply for the certificate"
        )
        fill_date(admin, "given_on", day="1", month="1", year=str(today.year + 1))
        admin.get_by_label("Evidence held").fill("Signed form, in Pat's file")
        follow(admin.get_by_role("button", name="Record the permission"))
        expect(admin.locator(".govuk-error-summary")).to_contain_text("today or earlier")
        assert_accessible(admin)
        registered = timezone.localdate(registration.created_at)
        fill_date(
            admin,
            "given_on",
            day=str(registered.day),
            month=str(registered.month),
            year=str(registered.year),
        )
        follow(admin.get_by_role("button", name="Record the permission"))
        assert "is recorded" in banner(admin)
        expect(admin.get_by_text("Recorded by the EPAO with evidence").first).to_be_visible()
        assert_accessible(admin)

        follow(admin.get_by_role("navigation").get_by_role("link", name="Learners to check"))
        expect(admin.get_by_role("heading", level=1)).to_have_text(
            "Learners to check at the assessment service"
        )
        assert_accessible(admin)
    finally:
        context.close()
    assert CertificateConsent.objects.filter(registration=registration).count() == 2
    assert CertificateConsent.objects.filter(withdrawn_at__isnull=True).get().evidence == (
        "Signed form, in Pat's file"
    )
