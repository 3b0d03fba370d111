"""The project proposal: words counted, range enforced, decided by the assessor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils.html import escape

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.gateway.models import GatewayComponent, ProjectProposal
from openepa.gateway.proposal import submit_proposal
from openepa.kernel import clock
from openepa.registration.models import Registration
from tests.conftest import PASSWORD
from tests.gateway.conftest import component, reload, words

Status = GatewayComponent.Status


def _url(item: GatewayComponent, page: str = "") -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/proposal/{page}"


@pytest.fixture
def assessed(make_registration: Callable[..., Registration], pat: User, anna: User) -> Registration:
    """Pat on Highfield with Anna allocated as assessor."""
    return make_registration("st0071-highfield", apprentice_user=pat, assessor=anna)


def test_a_proposal_of_180_words_is_refused_and_250_submitted(
    assessed: Registration, login, pat
) -> None:
    proposal = component(assessed, "project-proposal")
    client = login(pat)
    short = words(180)
    response = client.post(_url(proposal), {"revision": proposal.revision, "text": short})
    html = response.content.decode()
    assert "The proposal has 180 words: it must be between 200 and 300 words" in html
    assert escape(short) in html  # what Pat typed is kept
    assert not ProjectProposal.objects.exists()
    response = client.post(_url(proposal), {"revision": proposal.revision, "text": words(250)})
    assert response.status_code == 302
    stored = ProjectProposal.objects.get()
    assert (stored.attempt, stored.word_count, stored.late) == (1, 250, False)
    assert reload(proposal).status == Status.SUBMITTED


def test_counting_the_words_does_not_submit(assessed: Registration, login, pat) -> None:
    proposal = component(assessed, "project-proposal")
    response = login(pat).post(
        _url(proposal), {"revision": proposal.revision, "text": words(212), "count": "1"}
    )
    assert "Your proposal has 212 words (200 to 300 needed)" in response.content.decode()
    assert not ProjectProposal.objects.exists()


def test_anna_the_assessor_approves_which_accepts_the_component(
    assessed: Registration, login, pat, anna
) -> None:
    proposal = component(assessed, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    client = login(anna)
    page = client.get(_url(proposal, "review/")).content.decode()
    assert escape(words(250)[:60]) in page
    response = client.post(
        _url(proposal, "review/"),
        {"revision": reload(proposal).revision, "decision": "accept", "reason": ""},
    )
    assert response.status_code == 302
    proposal = reload(proposal)
    assert (proposal.status, proposal.accepted_by) == (Status.ACCEPTED, anna)
    assert ProjectProposal.objects.get().decision == ProjectProposal.Decision.APPROVED
    assert AuditEvent.objects.filter(action="gateway.proposal_approved", actor=anna).exists()


def test_a_rejected_proposal_is_due_within_a_week_and_a_late_one_is_marked(
    assessed: Registration, login, pat, anna, alice, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = component(assessed, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    login(anna).post(
        _url(proposal, "review/"),
        {
            "revision": reload(proposal).revision,
            "decision": "reject",
            "reason": "The project does not cover the customer journey",
        },
    )
    first = ProjectProposal.objects.get()
    assert first.resubmit_by == date(2026, 5, 22)  # one week after 15 May 2026
    assert reload(proposal).status == Status.REJECTED
    overview = login(pat).get(f"/gateway/{assessed.pk}/").content.decode()
    assert "A revised proposal must be submitted by 22 May 2026" in overview
    assert "The project does not cover the customer journey" in overview

    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 25))
    login(pat).post(_url(proposal), {"revision": reload(proposal).revision, "text": words(260)})
    second = ProjectProposal.objects.get(attempt=2)
    assert second.late is True
    proposal = reload(proposal)
    assert (proposal.status, proposal.attempts) == (Status.SUBMITTED, 2)
    event = AuditEvent.objects.get(action="gateway.proposal_submitted", changes__late__new=True)
    assert "late: it was due by 22 May 2026" in event.summary
    assert "Resubmitted late" in login(alice).get(f"/gateway/{assessed.pk}/").content.decode()
    assert "Late" in login(anna).get(_url(proposal, "review/")).content.decode()


def test_a_rejection_needs_a_reason(assessed: Registration, login, pat, anna) -> None:
    proposal = component(assessed, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    response = login(anna).post(
        _url(proposal, "review/"),
        {"revision": reload(proposal).revision, "decision": "reject", "reason": ""},
    )
    assert "Enter the reason for rejecting" in response.content.decode()
    assert reload(proposal).status == Status.SUBMITTED


def test_only_the_allocated_assessor_decides(
    assessed: Registration, login, pat, alice, epao
) -> None:
    proposal = component(assessed, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    other = User.objects.create_user(
        "olga@epao.example",
        PASSWORD,
        full_name="Olga Other",
        role=User.Role.ASSESSOR,
        epao=epao,
        organisation=epao,
    )
    assert login(other).get(_url(proposal, "review/")).status_code == 404  # not her apprentice
    assert login(alice).get(_url(proposal, "review/")).status_code == 403  # Anna decides
    assert login(pat).get(_url(proposal, "review/")).status_code == 403


def test_with_no_assessor_allocated_an_epao_admin_decides(
    highfield: Registration, login, pat, alice
) -> None:
    proposal = component(highfield, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    page = login(alice).get(_url(proposal, "review/")).content.decode()
    assert "No assessor is allocated to" in page
    login(alice).post(
        _url(proposal, "review/"),
        {"revision": reload(proposal).revision, "decision": "accept", "reason": ""},
    )
    assert reload(proposal).status == Status.ACCEPTED


def test_only_the_apprentice_writes_the_proposal(assessed: Registration, login, erin) -> None:
    proposal = component(assessed, "project-proposal")
    client = login(erin)
    assert client.get(_url(proposal)).status_code == 200
    assert "Submit the proposal" not in client.get(_url(proposal)).content.decode()
    assert (
        client.post(_url(proposal), {"revision": proposal.revision, "text": words(250)}).status_code
        == 403
    )
