"""``openepa manage assessment_service sync|status``: what it prints and its exit status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections
from tests.assessment_service.conftest import FakeService

from openepa.accounts.models import User
from openepa.assessment_service import services
from openepa.claims.models import CertificateClaim
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result

NOT_CONFIGURED = (
    "Sending to the apprenticeship assessment service is not configured: set "
    "ASSESSMENT_SERVICE_URL and ASSESSMENT_SERVICE_KEY"
)


def _shell(monkeypatch: pytest.MonkeyPatch, *arguments: str) -> int:
    """Run the command as from the shell; its exit status."""
    # The command closes the connections at the end, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    try:
        ManagementUtility(["openepa manage", "assessment_service", *arguments]).execute()
    except SystemExit as exited:
        return int(exited.code or 0)
    return 0


@pytest.fixture
def due(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    make_claim: Callable[..., CertificateClaim],
    alice: User,
) -> dict[str, Registration]:
    """Pat's EPA record and certificate (to submit) and Sam's EPA record, all due."""
    pat = make_registration(given_names="Pat", family_name="Example")
    claim = make_claim(pat)
    services.keep_epa_record(pat)
    services.keep_certificate(claim)
    services.request_submit([claim], alice)
    sam = make_registration(given_names="Sam", family_name="Jones")
    make_result(sam, "fail")
    services.keep_epa_record(sam)
    return {"pat": pat, "sam": sam}


def test_sync_prints_what_it_sent_by_action_and_exits_0(
    service: FakeService,
    due: dict[str, Registration],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _shell(monkeypatch, "sync") == 0
    out = capsys.readouterr().out
    pat, sam = due["pat"].apprentice, due["sam"].apprentice
    reference = service.held[pat.uln].reference
    assert "EPA records created (2):" in out
    assert f"Pat Example (ULN {pat.uln}): reference {reference}" in out
    assert f"Sam Jones (ULN {sam.uln}): reference {service.held[sam.uln].reference}" in out
    assert "Certificates submitted (1):" in out
    assert "4 sent, 0 refused, 0 held, 0 not sent, in 3 requests." in out
    assert "Submitted certificates followed (1):" in out

    # Running it again sends nothing new.
    service.requests.clear()
    assert _shell(monkeypatch, "sync") == 0
    out = capsys.readouterr().out
    assert "0 sent, 0 refused, 0 held, 0 not sent, in 0 requests." in out
    assert [path for _, path, _ in service.requests] == [
        f"/api/v1/certificate/{pat.uln}/Example/123"
    ]


def test_sync_prints_each_refusal_with_the_services_messages(
    service: FakeService, due: dict[str, Registration], capsys: pytest.CaptureFixture[str]
) -> None:
    sam = due["sam"].apprentice
    service.refuse[sam.uln] = ["ULN, FamilyName and Standard not found"]
    call_command("assessment_service", "sync")
    out = capsys.readouterr().out
    assert "Refused by the service (1):" in out
    assert (
        f"Sam Jones (ULN {sam.uln}): creating the EPA record was refused: "
        "“ULN, FamilyName and Standard not found”"
    ) in out


def test_sync_exits_1_when_the_service_fails_and_resends_only_that_batch(
    service: FakeService,
    due: dict[str, Registration],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service.fail_next(500, path="/api/v1/epa", body="Internal error")
    assert _shell(monkeypatch, "sync") == 1
    captured = capsys.readouterr()
    assert "Not sent (3), to be sent again later:" in captured.out
    pat = due["pat"].apprentice
    assert (
        f"Pat Example (ULN {pat.uln}): creating the certificate failed: Waiting for the "
        "apprentice's EPA record to reach the service first"
    ) in captured.out
    assert "creating the EPA record failed: The service answered 500: Internal error" in (
        captured.out
    )
    assert "CommandError: 3 items could not be sent or checked" in captured.err
    assert "Traceback" not in captured.err
    service.requests.clear()
    assert _shell(monkeypatch, "sync") == 0
    sent = [(verb, path) for verb, path, body in service.requests if isinstance(body, list)]
    assert sent == [
        ("POST", "/api/v1/epa"),
        ("POST", "/api/v1/certificate"),
        ("POST", "/api/v1/certificate/submit"),
    ]
    assert len(service.batches("POST", "/api/v1/epa")[0]) == 2
    assert not ServiceItem.objects.exclude(state__in=["sent", "submitted"]).exists()


def test_sync_without_the_service_configured_says_what_to_set_and_exits_1(
    db: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("assessment_service", "sync")
    assert str(refused.value) == NOT_CONFIGURED
    assert _shell(monkeypatch, "sync") == 1
    assert f"CommandError: {NOT_CONFIGURED}" in capsys.readouterr().err


def test_status_counts_each_kind_by_state(
    due: dict[str, Registration], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("assessment_service", "status")
    out = capsys.readouterr().out
    assert f"{NOT_CONFIGURED}." in out
    assert "EPA record: waiting to send: 2" in out
    assert "Certificate: waiting to send: 1" in out
