"""Uploads and answers: submitted by the party the specification names, checked by content."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from openepa.audit.models import AuditEvent
from openepa.gateway.models import GatewayComponent, GatewaySubmission
from openepa.registration.models import Registration
from tests.gateway.conftest import component, docx, pdf, reload

Status = GatewayComponent.Status


def _url(item: GatewayComponent) -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/submit/"


def test_bob_uploads_pats_english_certificate_at_level_2(
    highfield: Registration, login, bob
) -> None:
    english = component(highfield, "english")
    client = login(bob)
    page = client.get(_url(english))
    assert page.status_code == 200
    assert "Highfield Assessment asks for level 2 English." in page.content.decode()
    response = client.post(
        _url(english),
        {
            "revision": english.revision,
            "file": pdf("english.pdf"),
            "level": "2",
            "note": "Functional Skills English level 2, June 2024",
        },
    )
    assert response.status_code == 302
    english = reload(english)
    assert english.status == Status.SUBMITTED
    assert english.attempts == 1
    submission = english.submissions.get()
    assert submission.file is not None
    assert submission.file.original_name == "english.pdf"
    assert submission.level_achieved == 2
    assert submission.answer == "Functional Skills English level 2, June 2024"
    highfield.refresh_from_db()
    assert highfield.status == Registration.Status.GATEWAY
    event = AuditEvent.objects.get(action="gateway.submitted", object_id=str(english.pk))
    assert event.actor == bob
    assert event.changes["status"] == {"old": "not_started", "new": "submitted"}
    assert event.changes["file"] == {"old": None, "new": "english.pdf"}
    assert AuditEvent.objects.filter(action="registration.status_changed").count() == 1


def test_a_level_below_the_specifications_is_refused_with_the_levels(
    highfield: Registration, login, bob
) -> None:
    english = component(highfield, "english")
    response = login(bob).post(
        _url(english),
        {"revision": english.revision, "file": pdf(), "level": "1", "note": "Entry"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Highfield Assessment asks for level 2 English: the evidence shows level 1" in html
    assert "Entry" in html  # the note the user typed is kept
    assert reload(english).status == Status.NOT_STARTED
    assert not GatewaySubmission.objects.exists()


def test_maths_is_written_in_lower_case_mid_sentence(highfield: Registration, login, bob) -> None:
    maths = component(highfield, "maths")
    response = login(bob).post(
        _url(maths), {"revision": maths.revision, "file": pdf(), "level": "1"}
    )
    assert "asks for level 2 maths: the evidence shows level 1" in response.content.decode()


@override_settings(MAX_UPLOAD_MB=1)
def test_an_oversized_file_is_refused_with_its_size(highfield: Registration, login, bob) -> None:
    english = component(highfield, "english")
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 200_000))
    response = login(bob).post(
        _url(english), {"revision": english.revision, "file": big, "level": "2"}
    )
    assert response.status_code == 200
    assert "The selected file must be smaller than 1 MB: big.pdf is 1.2 MB" in (
        response.content.decode()
    )
    assert reload(english).status == Status.NOT_STARTED


def test_a_program_disguised_as_a_pdf_is_refused(highfield: Registration, login, bob) -> None:
    english = component(highfield, "english")
    disguised = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")
    response = login(bob).post(
        _url(english), {"revision": english.revision, "file": disguised, "level": "2"}
    )
    html = response.content.decode()
    assert "The selected file must be a PDF, DOCX, TXT, PNG, JPG" in html
    assert "the content of certificate.pdf is not one of these" in html
    assert reload(english).status == Status.NOT_STARTED


def test_a_word_document_named_as_a_pdf_is_refused(highfield: Registration, login, bob) -> None:
    english = component(highfield, "english")
    response = login(bob).post(
        _url(english),
        {"revision": english.revision, "file": docx("certificate.pdf"), "level": "2"},
    )
    assert "rename it to end in .docx" in response.content.decode()


def test_the_readiness_report_may_come_from_the_employer(
    highfield: Registration, login, erin
) -> None:
    report = component(highfield, "gateway-readiness-report")
    response = login(erin).post(_url(report), {"revision": report.revision, "file": docx()})
    assert response.status_code == 302
    assert reload(report).status == Status.SUBMITTED


def test_pat_cannot_upload_the_providers_evidence(highfield: Registration, login, pat) -> None:
    english = component(highfield, "english")
    client = login(pat)
    assert client.get(_url(english)).status_code == 403
    assert (
        client.post(
            _url(english), {"revision": english.revision, "file": pdf(), "level": "2"}
        ).status_code
        == 403
    )
    assert reload(english).status == Status.NOT_STARTED


def test_charlie_at_another_provider_gets_not_found(
    highfield: Registration, login, charlie
) -> None:
    english = component(highfield, "english")
    assert login(charlie).get(_url(english)).status_code == 404


def test_activeiq_readiness_is_answered_in_words(activeiq: Registration, login, bob) -> None:
    notice = component(activeiq, "readiness-notification")
    client = login(bob)
    empty = client.post(_url(notice), {"revision": notice.revision, "answer": "  "})
    assert "Enter your answer" in empty.content.decode()
    response = client.post(
        _url(notice),
        {"revision": notice.revision, "answer": "Pat finished on 30 April; contact 07700 900982"},
    )
    assert response.status_code == 302
    submission = reload(notice).submissions.get()
    assert submission.answer.startswith("Pat finished")


def test_a_submission_waiting_for_review_cannot_be_replaced(
    highfield: Registration, login, bob
) -> None:
    english = component(highfield, "english")
    client = login(bob)
    client.post(_url(english), {"revision": english.revision, "file": pdf(), "level": "2"})
    again = client.post(
        _url(english), {"revision": reload(english).revision, "file": pdf(), "level": "3"}
    )
    assert "waiting for review" in again.content.decode()
    assert reload(english).attempts == 1


@pytest.mark.parametrize("status", ["withdrawn", "on_hold"])
def test_a_withdrawn_or_held_registration_takes_no_evidence(
    highfield: Registration, login, bob, status: str
) -> None:
    english = component(highfield, "english")
    Registration.objects.filter(pk=highfield.pk).update(status=status)
    response = login(bob).post(
        _url(english), {"revision": english.revision, "file": pdf(), "level": "2"}
    )
    assert "the gateway cannot be changed" in response.content.decode()
    assert reload(english).status == Status.NOT_STARTED
