"""The EPAO admin's review: accept (locks) or reject with a reason; never overwrite another."""

from __future__ import annotations

import pytest

from openepa.audit.models import AuditEvent
from openepa.gateway.evidence import submit_evidence
from openepa.gateway.models import GatewayComponent
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.review import review_component
from openepa.registration.models import Registration
from tests.gateway.conftest import component, pdf, reload

Status = GatewayComponent.Status


def _review(item: GatewayComponent) -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/review/"


def _submit(item: GatewayComponent) -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/submit/"


@pytest.fixture
def english(highfield: Registration, bob) -> GatewayComponent:
    """Bob has submitted Pat's English certificate."""
    item = component(highfield, "english")
    submit_evidence(item, bob, revision=item.revision, upload=pdf("english.pdf"), level=2)
    return item


def test_alice_sees_the_file_and_accepts_which_locks_the_component(
    english: GatewayComponent, login, alice, bob
) -> None:
    client = login(alice)
    page = client.get(_review(english)).content.decode()
    assert "english.pdf" in page
    assert f"/files/{english.submissions.get().file.uuid}/" in page
    assert "Level 2 (Highfield Assessment asks for level 2)" in page
    response = client.post(
        _review(english), {"revision": english.revision, "decision": "accept", "reason": ""}
    )
    assert response.status_code == 302
    english = reload(english)
    assert (english.status, english.accepted_by) == (Status.ACCEPTED, alice)
    event = AuditEvent.objects.get(action="gateway.accepted")
    assert event.changes["status"] == {"old": "submitted", "new": "accepted"}

    locked = login(bob).post(
        _submit(english), {"revision": english.revision, "file": pdf(), "level": "3"}
    )
    assert "was accepted" in locked.content.decode()
    assert "locked and cannot be changed" in locked.content.decode()
    assert reload(english).attempts == 1


def test_a_rejection_needs_a_reason(english: GatewayComponent, login, alice) -> None:
    response = login(alice).post(
        _review(english), {"revision": english.revision, "decision": "reject", "reason": " "}
    )
    assert "Enter the reason for rejecting" in response.content.decode()
    assert reload(english).status == Status.SUBMITTED


def test_a_rejected_component_is_resubmitted_and_attempts_are_counted(
    english: GatewayComponent, login, alice, bob
) -> None:
    login(alice).post(
        _review(english),
        {
            "revision": english.revision,
            "decision": "reject",
            "reason": "The certificate is for another learner",
        },
    )
    english = reload(english)
    assert english.status == Status.REJECTED
    event = AuditEvent.objects.get(action="gateway.rejected")
    assert event.reason == "The certificate is for another learner"
    overview = login(bob).get(f"/gateway/{english.registration_id}/").content.decode()
    assert "The certificate is for another learner" in overview
    login(bob).post(
        _submit(english), {"revision": english.revision, "file": pdf("right.pdf"), "level": "2"}
    )
    english = reload(english)
    assert (english.status, english.attempts) == (Status.SUBMITTED, 2)
    assert [s.attempt for s in english.submissions.order_by("attempt")] == [1, 2]
    assert (
        "Attempts: 2" in login(alice).get(f"/gateway/{english.registration_id}/").content.decode()
    )


def test_two_admins_reviewing_at_once_the_second_is_told(
    english: GatewayComponent, login, alice, alan
) -> None:
    seen = english.revision  # both pages were opened at this revision
    login(alice).post(_review(english), {"revision": seen, "decision": "accept", "reason": ""})
    response = login(alan).post(
        _review(english), {"revision": seen, "decision": "reject", "reason": "Blurred scan"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Admin accepted English at" in html
    assert "while you were working on it: it is now accepted" in html
    english = reload(english)
    assert (english.status, english.accepted_by) == (Status.ACCEPTED, alice)
    assert not AuditEvent.objects.filter(action="gateway.rejected").exists()


def test_only_epao_admins_review(english: GatewayComponent, login, bob, anna, mallory) -> None:
    assert login(bob).get(_review(english)).status_code == 403
    assert login(anna).get(_review(english)).status_code == 403
    assert login(mallory).get(_review(english)).status_code == 404


def test_nothing_to_review_before_a_submission(highfield: Registration, alice) -> None:
    maths = component(highfield, "maths")
    with pytest.raises(GatewayRefused, match="no submission waiting"):
        review_component(maths, alice, accept=True, reason="", revision=maths.revision)
