"""Drafting, checking, changing, moving and exporting certificate claims."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from openepa.accounts.models import EpaoPolicy, User
from openepa.audit.models import AuditEvent
from openepa.claims import services
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.claims.services import ClaimRefused, RecordChanged
from openepa.registration.models import Registration
from openepa.results.models import Appeal, Result

AFTER_APPEALS = date(2026, 12, 24)


@pytest.fixture
def result(
    make_registration: Callable[..., Registration], make_result: Callable[..., Result]
) -> Result:
    registration = make_registration(family_name="Example", given_names="Pat")
    return make_result(registration)


@pytest.fixture
def claim(result: Result, alice: User) -> CertificateClaim:
    """A draft claim with the LARS code entered, so it can be made ready after appeals."""
    claim = services.draft_claim_for_result(result, alice)
    CertificateClaim.objects.filter(pk=claim.pk).update(standard_code=123)
    claim.refresh_from_db()
    return claim


def _values(claim: CertificateClaim, **changes: Any) -> dict[str, Any]:
    values = {field: getattr(claim, field) for field in services.EDITABLE_FIELDS}
    values.update(changes)
    return values


def test_a_claim_is_drafted_from_the_apprentice_and_the_result(result: Result, alice: User) -> None:
    claim = services.draft_claim_for_result(result, alice)
    registration = result.registration
    assert claim.uln == registration.apprentice.uln
    assert (claim.family_name, claim.given_names) == ("Example", "Pat")
    assert (claim.standard_reference, claim.version) == ("ST0071", registration.version)
    assert claim.standard_code is None
    assert claim.option == ""
    assert claim.overall_grade == "Pass"
    assert claim.achievement_date == date(2026, 11, 22)
    assert claim.recipient == "apprentice"
    assert claim.contact_name == "Pat Example"
    assert (claim.address_line_1, claim.city, claim.postcode) == (
        "1 High Street",
        "Leeds",
        "LS1 1AA",
    )
    assert claim.status == "draft"
    [change] = claim.changes.all()
    assert (change.field, change.new, change.changed_by) == ("status", "draft", alice)
    assert AuditEvent.objects.filter(action="claims.drafted", object_id=str(claim.pk)).exists()


def test_the_achievement_date_of_the_result_is_used_when_set(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    result = make_result(make_registration(), achievement_date=date(2026, 11, 18))
    assert services.draft_claim_for_result(result, alice).achievement_date == date(2026, 11, 18)


def test_drafting_twice_returns_the_same_claim(result: Result, alice: User) -> None:
    first = services.draft_claim_for_result(result, alice)
    assert services.draft_claim_for_result(result, alice).pk == first.pk
    assert CertificateClaim.objects.count() == 1


def test_no_claim_for_a_fail(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    failed = make_result(make_registration(), grade="fail")
    with pytest.raises(ClaimRefused, match="only for a pass or a distinction"):
        services.draft_claim_for_result(failed, alice)
    assert not CertificateClaim.objects.exists()


def test_missing_claims_are_drafted_in_batches(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    mallory: User,
) -> None:
    for _ in range(5):
        make_result(make_registration())
    make_result(make_registration(), grade="fail")
    assert services.draft_missing_claims(mallory) == (0, 0)
    assert services.draft_missing_claims(alice, limit=3) == (3, 2)
    assert services.draft_missing_claims(alice, limit=3) == (2, 0)
    assert services.draft_missing_claims(alice) == (0, 0)
    assert CertificateClaim.objects.count() == 5


def test_the_lars_code_must_be_entered_before_ready(
    result: Result, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    claim = services.draft_claim_for_result(result, alice)
    with pytest.raises(ClaimRefused) as refused:
        services.mark_ready(claim, alice, revision=claim.revision)
    assert refused.value.problems[0].startswith("Enter the standard's LARS code")


def test_ready_only_after_the_appeal_period(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(date(2026, 12, 23))
    with pytest.raises(ClaimRefused) as refused:
        services.mark_ready(claim, alice, revision=claim.revision)
    assert refused.value.problems == [
        "The appeal period of 31 days ends on 23 December 2026; the claim can be marked "
        "ready from 24 December 2026"
    ]
    claim.refresh_from_db()
    assert claim.status == "draft"
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    claim.refresh_from_db()
    assert claim.status == "ready"


def test_the_epaos_policy_sets_the_period_and_the_distinction_rule(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    epao: Any,
    on_day: Callable[[date], None],
) -> None:
    claim = services.draft_claim_for_result(
        make_result(make_registration(), grade="distinction"), alice
    )
    CertificateClaim.objects.filter(pk=claim.pk).update(standard_code=123)
    claim.refresh_from_db()
    on_day(date(2026, 11, 22))
    assert services.problems_of(claim)[0].startswith("The appeal period of 31 days")
    EpaoPolicy.objects.filter(epao=epao).update(claim_top_grade_immediately=True)
    assert services.problems_of(claim) == []
    services.mark_ready(claim, alice, revision=claim.revision)
    assert CertificateClaim.objects.get(pk=claim.pk).status == "ready"


def test_an_open_appeal_keeps_the_claim_from_ready(
    claim: CertificateClaim, alice: User, pat: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    appeal = Appeal.objects.create(
        registration=claim.registration,
        result=claim.result,
        lodged_by=pat,
        lodged_as="apprentice",
        grounds="The observation was cut short",
    )
    with pytest.raises(ClaimRefused, match="An appeal against this result is open"):
        services.mark_ready(claim, alice, revision=claim.revision)
    Appeal.objects.filter(pk=appeal.pk).update(status="not_upheld")
    services.mark_ready(claim, alice, revision=claim.revision)


def test_a_mismatch_of_uln_and_family_name_is_caught_before_ready(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, family_name="Exampel"),
        reason="Typed from the letter",
    )
    with pytest.raises(ClaimRefused) as refused:
        services.mark_ready(claim, alice, revision=claim.revision)
    [problem] = refused.value.problems
    assert '"Exampel"' in problem
    assert '"Example"' in problem
    assert CertificateClaim.objects.get(pk=claim.pk).status == "draft"


def test_every_edit_is_kept_with_who_when_and_why(claim: CertificateClaim, alice: User) -> None:
    changes = services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, address_line_1="2 Low Road", postcode="ls2 9jt"),
        reason="The apprentice moved",
    )
    assert changes == {
        "address_line_1": ("1 High Street", "2 Low Road"),
        "postcode": ("LS1 1AA", "LS2 9JT"),
    }
    claim.refresh_from_db()
    assert claim.postcode == "LS2 9JT"
    history = {c.field: c for c in claim.changes.exclude(field="status")}
    assert (history["address_line_1"].old, history["address_line_1"].new) == (
        "1 High Street",
        "2 Low Road",
    )
    assert history["postcode"].reason == "The apprentice moved"
    assert history["postcode"].changed_by == alice
    assert AuditEvent.objects.filter(action="claims.changed", object_id=str(claim.pk)).exists()


def test_changing_nothing_saves_nothing(claim: CertificateClaim, alice: User) -> None:
    before = ClaimChange.objects.count()
    assert (
        services.update_claim(
            claim, alice, revision=claim.revision, values=_values(claim), reason="Checked"
        )
        == {}
    )
    assert ClaimChange.objects.count() == before
    assert CertificateClaim.objects.get(pk=claim.pk).revision == claim.revision


def test_editing_a_ready_claim_puts_it_back_to_draft(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    changes = services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, department="Training"),
        reason="Add the department",
    )
    assert changes["status"] == ("ready", "draft")
    assert CertificateClaim.objects.get(pk=claim.pk).status == "draft"


def test_a_concurrent_edit_is_refused_and_changes_nothing(
    claim: CertificateClaim, alice: User
) -> None:
    loaded = claim.revision
    services.update_claim(
        claim, alice, revision=loaded, values=_values(claim, city="York"), reason="First"
    )
    with pytest.raises(RecordChanged, match="Alice Admin changed this claim"):
        services.update_claim(
            claim,
            alice,
            revision=loaded,
            values=_values(claim, city="Hull"),
            reason="Second, from an old page",
        )
    assert CertificateClaim.objects.get(pk=claim.pk).city == "York"
    with pytest.raises(RecordChanged):
        services.move_claim(claim, alice, target="ready", revision=loaded)


def test_the_whole_journey_of_a_claim_is_kept(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    for target, reason in (
        ("ready", ""),
        ("submitted", "Sent by the API"),
        ("printed", ""),
        ("delivered", ""),
        ("returned", "Not known at this address"),
    ):
        services.move_claim(claim, alice, target=target, revision=claim.revision, reason=reason)
    services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, address_line_1="3 New Street", postcode="LS3 1AB"),
        reason="Corrected address from the apprentice",
    )
    services.mark_ready(claim, alice, revision=claim.revision)
    moves = list(claim.changes.filter(field="status").values_list("old", "new"))
    assert moves == [
        ("", "draft"),
        ("draft", "ready"),
        ("ready", "submitted"),
        ("submitted", "printed"),
        ("printed", "delivered"),
        ("delivered", "returned"),
        ("returned", "ready"),
    ]
    assert claim.changes.get(field="address_line_1").new == "3 New Street"


def test_a_claim_sent_to_the_service_cannot_be_changed(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    services.move_claim(claim, alice, target="submitted", revision=claim.revision)
    with pytest.raises(ClaimRefused, match="A submitted claim cannot be changed"):
        services.update_claim(
            claim,
            alice,
            revision=claim.revision,
            values=_values(claim, city="York"),
            reason="Too late",
        )
    assert CertificateClaim.objects.get(pk=claim.pk).city == "Leeds"


def test_a_move_outside_the_table_is_refused(claim: CertificateClaim, alice: User) -> None:
    with pytest.raises(ClaimRefused) as refused:
        services.move_claim(claim, alice, target="printed", revision=claim.revision)
    assert refused.value.message == (
        "A draft claim cannot be marked printed; from draft it can only be marked ready"
    )


def test_a_return_needs_a_reason(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    for target in ("ready", "submitted", "printed"):
        services.move_claim(claim, alice, target=target, revision=claim.revision)
    with pytest.raises(ClaimRefused, match="Enter why the certificate was returned"):
        services.move_claim(claim, alice, target="returned", revision=claim.revision)


def test_the_json_export_is_the_services_certificate_request(
    claim: CertificateClaim,
) -> None:
    [request] = json.loads("".join(services.export_json(CertificateClaim.objects.all())))
    assert request == {
        "requestId": f"openepa-claim-{claim.pk}",
        "standard": {"standardCode": 123, "standardReference": "ST0071"},
        "learner": {
            "uln": int(claim.uln),
            "familyName": "Example",
            "givenNames": "Pat",
        },
        "learningDetails": {
            "courseOption": None,
            "overallGrade": "Pass",
            "achievementDate": "2026-11-22T00:00:00",
            "version": claim.version,
        },
        "postalContact": {
            "contactName": "Pat Example",
            "department": None,
            "organisation": None,
            "addressLine1": "1 High Street",
            "addressLine2": None,
            "addressLine3": None,
            "addressLine4": None,
            "city": "Leeds",
            "postCode": "LS1 1AA",
        },
    }


def test_an_empty_export_is_an_empty_list() -> None:
    assert json.loads("".join(services.export_json(CertificateClaim.objects.none()))) == []


def test_the_csv_export_has_one_row_per_claim(
    claim: CertificateClaim,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    services.draft_claim_for_result(
        make_result(make_registration(family_name="=HYPERLINK(1)")), alice
    )
    rows = list(
        csv.DictReader(io.StringIO("".join(services.export_csv(CertificateClaim.objects.all()))))
    )
    assert len(rows) == 2
    assert list(rows[0]) == services.CSV_COLUMNS
    first = rows[0]
    assert first["uln"] == claim.uln
    assert first["standardCode"] == "123"
    assert first["achievementDate"] == "2026-11-22"
    assert first["postCode"] == "LS1 1AA"
    assert first["status"] == "draft"
    assert rows[1]["familyName"] == "'=HYPERLINK(1)"
