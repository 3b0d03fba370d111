"""The apprentice's permission for the EPAO to apply for their certificate.

Pat gives it on their own page; Alice (the EPAO admin) records permission given on paper
with the evidence, or a withdrawal; everyone else who sees Pat's registration reads it.
Nothing is deleted: a withdrawal is kept beside the permission, and every step is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.registration import consent as consent_module
from openepa.registration.consent import (
    STATEMENT,
    ConsentRefused,
    consent_in_force,
    give_consent,
    record_consent_with_evidence,
    statement_for,
    withdraw_consent,
)
from openepa.registration.models import CertificateConsent, Registration

MakeRegistration = Callable[..., Registration]
Source = CertificateConsent.Source


@pytest.fixture
def pats(make_registration: MakeRegistration, pat: User) -> Registration:
    return make_registration(given_names="Pat", family_name="Taylor", apprentice_user=pat)


def page(client: Client, registration: Registration) -> str:
    response = client.get(f"/apprentices/{registration.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def registered(registration: Registration) -> date:
    return timezone.localdate(registration.created_at)


# --- the service ----------------------------------------------------------------------------


def test_the_apprentice_gives_permission_with_the_statement_they_read(
    pats: Registration, pat: User
) -> None:
    assert consent_in_force(pats) is None
    consent = give_consent(pats, pat)
    assert (consent.source, consent.given_on, consent.recorded_by) == (
        Source.APPRENTICE,
        clock.today(),
        pat,
    )
    assert consent.statement == (
        "I give Demo EPAO permission to apply to the Education and Skills Funding Agency for "
        "my apprenticeship certificate on my behalf, using the details held in OpenEPA."
    )
    assert consent.statement == STATEMENT.format(epao="Demo EPAO") == statement_for(pats)
    assert consent_in_force(pats) == consent
    event = AuditEvent.objects.get(action="consent.given")
    assert (event.actor, event.registration_id) == (pat, pats.pk)


def test_permission_is_not_given_twice_while_it_stands(pats: Registration, pat: User) -> None:
    give_consent(pats, pat)
    with pytest.raises(ConsentRefused, match=r"already given on .* and stands"):
        give_consent(pats, pat)
    assert CertificateConsent.objects.count() == 1


def test_a_double_submission_at_the_same_moment_records_one(
    pats: Registration, pat: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    give_consent(pats, pat)
    # The second request read "none stands" before the first committed.
    monkeypatch.setattr(consent_module, "consent_in_force", lambda registration: None)
    with pytest.raises(ConsentRefused, match="reload the page"):
        give_consent(pats, pat)
    assert CertificateConsent.objects.count() == 1


def test_the_database_holds_one_permission_in_force(pats: Registration, pat: User) -> None:
    consent = give_consent(pats, pat)
    consent.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.save()


def test_only_the_apprentice_gives_their_own_permission(
    pats: Registration,
    make_registration: MakeRegistration,
    alice: User,
    bob: User,
    epao: Any,
) -> None:
    other = User.objects.create_user(
        "other@learner.example", "x", full_name="Other", role="apprentice", epao=epao
    )
    make_registration(apprentice_user=other)
    for person in (alice, bob, other):
        with pytest.raises(PermissionDenied):
            give_consent(pats, person)
    assert not CertificateConsent.objects.exists()


def test_no_permission_on_a_withdrawn_registration(pats: Registration, pat: User) -> None:
    Registration.objects.filter(pk=pats.pk).update(status=Registration.Status.WITHDRAWN)
    pats.refresh_from_db()
    with pytest.raises(ConsentRefused, match="withdrawn"):
        give_consent(pats, pat)


def test_an_admin_records_permission_with_evidence(pats: Registration, alice: User) -> None:
    day = registered(pats)
    consent = record_consent_with_evidence(pats, alice, day, "  Signed form, in Pat's file  ")
    assert (consent.source, consent.given_on, consent.evidence, consent.recorded_by) == (
        Source.EVIDENCE,
        day,
        "Signed form, in Pat's file",
        alice,
    )
    assert AuditEvent.objects.filter(action="consent.recorded", actor=alice).exists()


@pytest.mark.parametrize(
    ("when", "evidence", "field", "words"),
    [
        (timedelta(days=1), "Form", "given_on", "today or earlier"),
        (timedelta(days=-1), "Form", "given_on", "when Pat Taylor's apprenticeship started"),
        (timedelta(0), "   ", "evidence", "what evidence"),
    ],
)
def test_bad_permission_with_evidence_is_refused(
    pats: Registration, alice: User, when: timedelta, evidence: str, field: str, words: str
) -> None:
    base = clock.today() if when > timedelta(0) else registered(pats)
    if when < timedelta(0):
        base = pats.start_date
    with pytest.raises(ConsentRefused, match=words) as refused:
        record_consent_with_evidence(pats, alice, base + when, evidence)
    assert refused.value.field == field
    assert not CertificateConsent.objects.exists()


def test_only_an_admin_of_the_epao_records_with_evidence(
    pats: Registration, bob: User, mallory: User
) -> None:
    for person in (bob, mallory):
        with pytest.raises(PermissionDenied):
            record_consent_with_evidence(pats, person, registered(pats), "Form")


def test_withdrawing_keeps_the_permission_and_why(
    pats: Registration, pat: User, alice: User
) -> None:
    consent = give_consent(pats, pat)
    withdrawn = withdraw_consent(consent, pat, "I want to check my address first")
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
        pat,
        "I want to check my address first",
    )
    assert consent_in_force(pats) is None
    with pytest.raises(ConsentRefused, match="already withdrawn"):
        withdraw_consent(consent, alice, "Again")
    again = give_consent(pats, pat)
    assert consent_in_force(pats) == again
    assert CertificateConsent.objects.filter(registration=pats).count() == 2
    event = AuditEvent.objects.get(action="consent.withdrawn")
    assert (event.actor, event.reason) == (pat, "I want to check my address first")


def test_only_the_apprentice_or_an_admin_withdraws(
    pats: Registration, pat: User, bob: User, erin: User, mallory: User
) -> None:
    consent = give_consent(pats, pat)
    for person in (bob, erin, mallory):
        with pytest.raises(PermissionDenied):
            withdraw_consent(consent, person, "No")


# --- the pages ------------------------------------------------------------------------------


def test_the_apprentice_sees_the_statement_and_gives_permission(
    pats: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(pat)
    shown = page(client, pats)
    assert "Permission to apply for your certificate" in shown
    assert escape(statement_for(pats)) in shown
    assert "I give my permission" in shown
    response = client.post(f"/apprentices/{pats.pk}/certificate-permission/", follow=True)
    shown = response.content.decode()
    assert "Thank you: you gave permission" in shown
    assert f"You gave permission on {clock.today():%-d %B %Y}" in shown
    assert "I give my permission" not in shown
    assert "Withdraw your permission" in shown


def test_giving_twice_shows_the_error_summary(
    pats: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(pat)
    url = f"/apprentices/{pats.pk}/certificate-permission/"
    client.post(url)
    response = client.post(url)
    shown = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in shown
    assert "already given" in shown
    assert CertificateConsent.objects.count() == 1


def test_an_apprentice_cannot_reach_anothers_permission(
    pats: Registration, make_registration: MakeRegistration, login: Callable[[User], Client]
) -> None:
    other = User.objects.create_user(
        "other@learner.example", "x", full_name="Other", role="apprentice", epao=pats.epao
    )
    make_registration(apprentice_user=other)
    client = login(other)
    assert client.post(f"/apprentices/{pats.pk}/certificate-permission/").status_code == 404
    assert client.get(f"/apprentices/{pats.pk}/certificate-permission/withdraw/").status_code == (
        404
    )
    assert not CertificateConsent.objects.exists()


@pytest.mark.parametrize("person", ["alice", "bob", "erin", "anna"])
def test_only_the_apprentice_uses_the_give_page(
    pats: Registration, login: Callable[[User], Client], person: str, request: Any
) -> None:
    client = login(request.getfixturevalue(person))
    assert client.post(f"/apprentices/{pats.pk}/certificate-permission/").status_code == 403


def test_the_admin_records_permission_on_its_page(
    pats: Registration, alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    assert "Record permission given with evidence" in page(client, pats)
    day = registered(pats)
    response = client.post(
        f"/apprentices/{pats.pk}/certificate-permission/record/",
        {
            "given_on_day": str(day.day),
            "given_on_month": str(day.month),
            "given_on_year": str(day.year),
            "evidence": "Signed form scanned to the shared drive",
        },
        follow=True,
    )
    shown = response.content.decode()
    assert "is recorded" in shown
    assert "Recorded by the EPAO with evidence" in shown
    assert "Signed form scanned to the shared drive" in shown
    assert "Every permission recorded" in shown
    again = client.get(f"/apprentices/{pats.pk}/certificate-permission/record/", follow=True)
    assert "already given" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"given_on_day": "31", "given_on_month": "2", "given_on_year": "2026"}, "real date"),
        ({"given_on_day": "1", "given_on_month": "1", "given_on_year": "2099"}, "today or"),
        ({"given_on_day": "1", "given_on_month": "1", "given_on_year": "2001"}, "started"),
        ({}, "Enter the date the apprentice gave permission"),
    ],
)
def test_the_record_page_refuses_bad_dates_with_the_error_summary(
    pats: Registration,
    alice: User,
    login: Callable[[User], Client],
    data: dict[str, str],
    message: str,
) -> None:
    response = login(alice).post(
        f"/apprentices/{pats.pk}/certificate-permission/record/",
        {**data, "evidence": "A signed form"},
    )
    shown = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in shown
    assert message in shown
    assert not CertificateConsent.objects.exists()


def test_the_record_page_asks_for_the_evidence(
    pats: Registration, alice: User, login: Callable[[User], Client]
) -> None:
    day = registered(pats)
    response = login(alice).post(
        f"/apprentices/{pats.pk}/certificate-permission/record/",
        {
            "given_on_day": str(day.day),
            "given_on_month": str(day.month),
            "given_on_year": str(day.year),
            "evidence": "",
        },
    )
    assert "what evidence of the permission the EPAO holds" in response.content.decode()


def test_another_epaos_admin_cannot_find_the_registration(
    pats: Registration, mallory: User, login: Callable[[User], Client]
) -> None:
    client = login(mallory)
    assert client.get(f"/apprentices/{pats.pk}/certificate-permission/record/").status_code == 404
    assert client.post(f"/apprentices/{pats.pk}/certificate-permission/withdraw/").status_code == (
        404
    )


def test_withdrawing_on_its_page(
    pats: Registration, pat: User, alice: User, login: Callable[[User], Client]
) -> None:
    give_consent(pats, pat)
    client = login(alice)
    url = f"/apprentices/{pats.pk}/certificate-permission/withdraw/"
    response = client.post(url, {"reason": ""})
    assert "Say why the permission is withdrawn" in response.content.decode()
    response = client.post(url, {"reason": "Pat asked by phone"}, follow=True)
    shown = response.content.decode()
    assert "is withdrawn" in shown
    assert "Pat asked by phone" in shown  # in the history
    assert "Record permission given with evidence" in shown
    assert client.get(url).status_code == 302  # nothing stands to withdraw


def test_other_roles_read_the_permission(
    pats: Registration,
    pat: User,
    bob: User,
    erin: User,
    login: Callable[[User], Client],
) -> None:
    assert "Not given" in page(login(bob), pats)
    give_consent(pats, pat)
    for person in (bob, erin):
        shown = page(login(person), pats)
        assert "Permission to apply for the certificate" in shown
        assert "Pat Taylor gave permission on" in shown
        assert "Record permission given" not in shown
        assert "Record that the permission is withdrawn" not in shown
        assert "Withdraw" not in shown
        assert "Every permission recorded" not in shown


def test_others_see_that_permission_is_recorded_but_not_the_evidence_nor_who(
    pats: Registration,
    pat: User,
    alice: User,
    bob: User,
    erin: User,
    login: Callable[[User], Client],
) -> None:
    record_consent_with_evidence(pats, alice, registered(pats), "Signed form, in drawer 3")
    for person in (bob, erin, pat):
        shown = page(login(person), pats)
        assert "Signed form, in drawer 3" not in shown
        assert alice.full_name not in shown
        assert "Evidence held" not in shown
        assert "ASSESSMENT_SERVICE_URL" not in shown
        assert "At the apprenticeship assessment service" not in shown
    shown = page(login(bob), pats)
    assert "Permission is recorded: Demo EPAO recorded the permission the apprentice gave" in (
        shown
    )
    assert "Demo EPAO recorded the permission you gave in writing" in page(login(pat), pats)
    shown = page(login(alice), pats)
    assert "Signed form, in drawer 3" in shown
    assert "At the apprenticeship assessment service" in shown


def test_permission_signed_before_the_registration_but_after_the_start_is_recorded(
    pats: Registration, alice: User
) -> None:
    assert pats.start_date < registered(pats)
    consent = record_consent_with_evidence(pats, alice, pats.start_date, "Form signed at enrolment")
    assert consent.given_on == pats.start_date


def test_the_apprentice_need_not_say_why_but_an_admin_must(
    pats: Registration, pat: User, alice: User, login: Callable[[User], Client]
) -> None:
    consent = give_consent(pats, pat)
    with pytest.raises(ConsentRefused, match="Say why"):
        withdraw_consent(consent, alice, "  ")
    client = login(pat)
    url = f"/apprentices/{pats.pk}/certificate-permission/withdraw/"
    form = client.get(url).content.decode()
    assert "Why are you withdrawing your permission? (optional)" in form
    response = client.post(url, {"reason": ""}, follow=True)
    assert "You withdrew your permission to apply for your certificate" in (
        response.content.decode()
    )
    withdrawn = CertificateConsent.objects.get(pk=consent.pk)
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (pat, "")
    assert AuditEvent.objects.get(action="consent.withdrawn").reason == "None given"
