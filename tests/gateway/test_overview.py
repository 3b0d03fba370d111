"""The gateway overview: a task list every role in scope can read, actions for the right party."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openepa.accounts.models import User
from openepa.gateway.components import create_components
from openepa.gateway.evidence import sign_declaration, submit_evidence
from openepa.gateway.proposal import submit_proposal
from openepa.gateway.review import review_component
from openepa.kernel import clock
from openepa.registration.models import Registration
from tests.gateway.conftest import component, pdf, reload, words


def _url(registration: Registration) -> str:
    return f"/gateway/{registration.pk}/"


def test_every_party_in_scope_reads_the_task_list(
    make_registration: Callable[..., Registration],
    login,
    pat,
    erin,
    bob,
    alice,
    anna,
    ivy,
) -> None:
    registration = make_registration(
        "st0071-highfield", apprentice_user=pat, assessor=anna, iqa=ivy
    )
    for user in (pat, erin, bob, alice, anna, ivy):
        response = login(user).get(_url(registration))
        assert response.status_code == 200, user
        html = response.content.decode()
        assert 'class="govuk-task-list"' in html
        for name in (
            "English",
            "Maths",
            "Portfolio of evidence with portfolio matrix",
            "Gateway readiness report",
            "Gateway declaration",
            "Work-based project proposal form",
        ):
            assert name in html
        assert "Not started" in html


def test_people_outside_scope_get_not_found(
    highfield: Registration, login, charlie, eve, mallory, anna, client: Client
) -> None:
    for user in (charlie, eve, mallory, anna):  # Anna is not allocated to Pat here
        assert login(user).get(_url(highfield)).status_code == 404
    client.logout()
    assert client.get(_url(highfield)).status_code == 302


def test_each_party_is_told_its_own_part(highfield: Registration, login, pat, bob) -> None:
    pats = login(pat).get(_url(highfield)).content.decode()
    assert "Your part: sign the declaration." in pats
    assert "Your part: write and submit the proposal." in pats
    assert "Your part: upload the evidence." not in pats
    bobs = login(bob).get(_url(highfield)).content.decode()
    assert "Your part: upload the evidence." in bobs
    assert "Your part: write and submit the proposal." not in bobs


def test_status_tags_say_the_status_in_words(
    highfield: Registration, login, alice, bob, erin
) -> None:
    english = component(highfield, "english")
    submit_evidence(english, bob, revision=english.revision, upload=pdf(), level=2)
    declaration = component(highfield, "gateway-declaration")
    sign_declaration(declaration, erin)
    maths = component(highfield, "maths")
    submit_evidence(maths, bob, revision=maths.revision, upload=pdf(), level=2)
    review_component(
        maths, alice, accept=False, reason="Wrong learner", revision=reload(maths).revision
    )
    html = login(alice).get(_url(highfield)).content.decode()
    assert "Submitted for review" in html
    assert "In progress" in html
    assert "Rejected" in html
    assert "Wrong learner" in html
    assert "signed so far: Erin Employer (employer)" in html
    assert "waiting for the apprentice and training provider" in html
    assert "Your part: review the submission." in html
    assert f"/components/{english.pk}/review/" in html  # Alice's link goes to the review


def test_time_checks_and_window_rule_are_shown(
    highfield: Registration, login, erin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 4, 10))
    html = login(erin).get(_url(highfield)).content.decode()
    assert "Minimum time on programme (15 months)" in html
    assert "on or after 6 April 2026" in html
    assert "On or after the on-programme end date" in html
    assert "Not met yet" in html
    assert "It lasts 3 months" in html


def test_the_query_count_does_not_grow_with_the_gateways_history(
    highfield: Registration, login, alice, bob, pat, erin, django_assert_max_num_queries
) -> None:
    client = login(alice)
    create_components(highfield)
    with CaptureQueriesContext(connection) as fresh:
        client.get(_url(highfield))
    english = component(highfield, "english")
    for attempt in range(3):
        submit_evidence(english, bob, revision=reload(english).revision, upload=pdf(), level=2)
        review_component(
            english, alice, accept=False, reason=f"Try {attempt}", revision=reload(english).revision
        )
    for user in (pat, erin, bob):
        sign_declaration(component(highfield, "gateway-declaration"), user)
    proposal = component(highfield, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    with django_assert_max_num_queries(len(fresh)):
        assert client.get(_url(highfield)).status_code == 200


def test_a_user_without_a_role_in_the_gateway_sees_no_actions(
    make_registration: Callable[..., Registration], login, ivy: User
) -> None:
    registration = make_registration("st0071-highfield", iqa=ivy)
    html = login(ivy).get(_url(registration)).content.decode()
    assert "Your part:" not in html
    assert "Confirm the gateway" not in html


def test_a_component_of_another_apprentice_is_not_found_through_pats_address(
    make_registration: Callable[..., Registration], highfield: Registration, login, pat
) -> None:
    others = component(make_registration("st0071-highfield"), "gateway-declaration")
    client = login(pat)
    address = f"/gateway/{highfield.pk}/components/{others.pk}/"
    for page in ("", "sign/", "submit/"):
        assert client.get(address + page).status_code == 404
    assert client.get(f"/gateway/{others.registration_id}/").status_code == 404
