"""Drafting, checking, changing, moving and submitting certificate claims."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from openepa.accounts.models import EpaoPolicy, Organisation, StandardAtService, User
from openepa.audit.models import AuditEvent
from openepa.claims import services
from openepa.claims.events import ClaimChanged, ClaimReady, ClaimSubmitRequested
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.claims.service_records import record_from_service
from openepa.claims.services import ClaimRefused, RecordChanged
from openepa.claims.standards import FactsCache, StandardInfo
from openepa.kernel import events
from openepa.registration.models import CertificateConsent, LearnerCheck, Registration
from openepa.results.events import ResultReleased
from openepa.results.models import Appeal, Result

AFTER_APPEALS = date(2026, 12, 24)


@pytest.fixture
def result(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    give_consent: Callable[[Registration], CertificateConsent],
) -> Result:
    registration = make_registration(family_name="Van Dijk", given_names="Pat")
    give_consent(registration)
    return make_result(registration)


@pytest.fixture
def claim(
    result: Result,
    alice: User,
    lars_code: StandardAtService,
    look_up: Callable[..., LearnerCheck],
) -> CertificateClaim:
    """A draft claim of ST0071, whose LARS code the EPAO set, with the apprentice's consent.

    The apprentice was looked up and matched at the service (read when it is configured).
    """
    look_up(result.registration)
    return services.draft_claim_for_result(result, alice)


def _values(claim: CertificateClaim, **changes: Any) -> dict[str, Any]:
    values = {field: getattr(claim, field) for field in services.EDITABLE_FIELDS}
    values.update(changes)
    return values


def _check(registration: Registration, outcome: str, **fields: Any) -> LearnerCheck:
    LearnerCheck.objects.filter(registration=registration, current=True).update(current=False)
    values: dict[str, Any] = {
        "epao": registration.epao,
        "registration": registration,
        "reason": LearnerCheck.Reason.REGISTRATION,
        "outcome": outcome,
        "uln": registration.apprentice.uln,
        "family_name": registration.apprentice.family_name,
        "standard": registration.standard,
        "held_given_names": registration.apprentice.given_names,
        "held_version": registration.version,
        "completion_status": 1,
    }
    values.update(fields)
    return LearnerCheck.objects.create(**values)


def test_a_claim_is_drafted_from_the_apprentice_the_standard_and_the_result(
    result: Result, alice: User, lars_code: StandardAtService, employer: Organisation
) -> None:
    claim = services.draft_claim_for_result(result, alice)
    registration = result.registration
    assert claim.uln == registration.apprentice.uln
    assert (claim.family_name, claim.given_names) == ("Van Dijk", "Pat")
    assert (claim.standard_reference, claim.version) == ("ST0071", registration.version)
    assert claim.standard_code == 123
    assert claim.option == ""
    assert claim.overall_grade == "Pass"
    assert claim.achievement_date == date(2026, 11, 22)
    assert claim.recipient == "apprentice"
    assert claim.contact_name == "Pat Van Dijk"
    assert claim.organisation == employer.name
    assert (claim.address_line_1, claim.city, claim.postcode) == (
        "1 High Street",
        "Leeds",
        "LS1 1AA",
    )
    assert claim.status == "draft"
    [change] = claim.changes.all()
    assert (change.field, change.new, change.changed_by) == ("status", "draft", alice)
    assert AuditEvent.objects.filter(action="claims.drafted", object_id=str(claim.pk)).exists()


def test_without_a_lars_code_the_claim_is_drafted_without_one(result: Result, alice: User) -> None:
    assert services.draft_claim_for_result(result, alice).standard_code is None


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


def test_without_a_lars_code_a_claim_is_ready_naming_its_standard_by_reference(
    result: Result, alice: User, on_day: Callable[[date], None]
) -> None:
    # The service takes the reference alone ("either ... standardCode ... or
    # standardReference"); the LARS code is sent only once an EPAO admin has set it.
    on_day(AFTER_APPEALS)
    claim = services.draft_claim_for_result(result, alice)
    services.mark_ready(claim, alice, revision=claim.revision)
    claim.refresh_from_db()
    assert (claim.status, claim.standard_code) == ("ready", None)
    standard = services.certificate_request(claim)["standard"]
    assert standard == {"standardCode": None, "standardReference": "ST0071"}


def test_marking_ready_carries_the_standards_lars_code(
    result: Result, alice: User, epao: Organisation, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    claim = services.draft_claim_for_result(result, alice)
    StandardAtService.objects.create(epao=epao, reference="ST0071", lars_code=321)
    services.mark_ready(claim, alice, revision=claim.revision)
    claim.refresh_from_db()
    assert (claim.status, claim.standard_code) == ("ready", 321)
    change = claim.changes.get(field="standard_code")
    assert (change.old, change.new) == ("", "321")


def test_without_the_apprentices_permission_the_claim_is_not_ready(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    lars_code: StandardAtService,
    on_day: Callable[[date], None],
    give_consent: Callable[[Registration], CertificateConsent],
) -> None:
    on_day(AFTER_APPEALS)
    registration = make_registration()
    claim = services.draft_claim_for_result(make_result(registration), alice)
    with pytest.raises(ClaimRefused) as refused:
        services.mark_ready(claim, alice, revision=claim.revision)
    [problem] = refused.value.problems
    assert problem.startswith("The apprentice's written permission to apply for their")
    consent = give_consent(registration)
    CertificateConsent.objects.filter(pk=consent.pk).update(
        withdrawn_at=consent.recorded_at, withdrawn_by=alice, withdrawal_reason="Asked to"
    )
    assert services.problems_of(claim)[0].startswith("The apprentice's written permission")
    give_consent(registration)
    assert services.problems_of(claim) == []


def test_ready_only_after_the_appeal_period(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None], heard: list[object]
) -> None:
    on_day(date(2026, 12, 23))
    with pytest.raises(ClaimRefused) as refused:
        services.mark_ready(claim, alice, revision=claim.revision)
    assert refused.value.problems == [
        "The appeal period of 31 days ends on 23 December 2026; the claim can be marked "
        "ready from 24 December 2026"
    ]
    assert CertificateClaim.objects.get(pk=claim.pk).status == "draft"
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    assert CertificateClaim.objects.get(pk=claim.pk).status == "ready"
    assert [type(event) for event in heard] == [ClaimReady]


def test_the_epaos_policy_sets_the_period_and_the_distinction_rule(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    epao: Organisation,
    lars_code: StandardAtService,
    on_day: Callable[[date], None],
    give_consent: Callable[[Registration], CertificateConsent],
) -> None:
    registration = make_registration()
    give_consent(registration)
    claim = services.draft_claim_for_result(make_result(registration, grade="distinction"), alice)
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


def test_without_the_service_the_family_name_is_compared_with_the_apprentice_record(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    _check(claim.registration, LearnerCheck.Outcome.NOT_FOUND)  # ignored: no service
    services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, family_name="van dijk"),
        reason="Typed from the letter",
    )
    assert services.problems_of(claim) == []
    services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, family_name="VanDijk"),
        reason="Typed from the letter",
    )
    with pytest.raises(ClaimRefused) as refused:
        services.mark_ready(claim, alice, revision=claim.revision)
    [problem] = refused.value.problems
    assert problem.startswith("ULN, FamilyName and Standard not found. The family name on the")
    assert '("VanDijk") does not match the family name held for ULN' in problem
    assert '("Van Dijk")' in problem


@pytest.mark.usefixtures("service_configured")
def test_van_dijk_matched_at_the_service_is_ready_and_vandijk_is_flagged(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    _check(claim.registration, LearnerCheck.Outcome.MATCHED, family_name="Van Dijk")
    assert services.problems_of(claim) == []
    services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(claim, family_name="VanDijk"),
        reason="Typed from the letter",
    )
    [problem] = services.problems_of(claim)
    assert problem == (
        'ULN, FamilyName and Standard not found. The family name on the claim ("VanDijk") is '
        f'not the one the service matched for ULN {claim.uln} ("Van Dijk"), letter for letter '
        "in any case: correct the claim's family name"
    )


@pytest.mark.usefixtures("service_configured")
def test_the_latest_look_up_decides_and_one_without_an_answer_blocks_readiness(
    claim: CertificateClaim, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    old = _check(claim.registration, LearnerCheck.Outcome.NOT_FOUND)
    [problem] = services.problems_of(claim)
    assert "The service's latest look-up found no learner" in problem
    LearnerCheck.objects.filter(pk=old.pk).update(current=False)
    _check(claim.registration, LearnerCheck.Outcome.WITHDRAWN, completion_status=3)
    [problem] = services.problems_of(claim)
    assert problem.startswith("Cannot find the apprentice details. The service holds the")
    _check(claim.registration, LearnerCheck.Outcome.UNAVAILABLE)
    [problem] = services.problems_of(claim)
    assert problem.startswith("The apprentice could not be checked at the assessment service")
    assert problem.fix == "lookup"
    _check(claim.registration, LearnerCheck.Outcome.WAITING)
    [problem] = services.problems_of(claim)
    assert "is still waiting for the assessment service to answer a look-up" in problem
    LearnerCheck.objects.update(current=False)
    [problem] = services.problems_of(claim)
    assert "has not been looked up at the assessment service yet" in problem
    _check(claim.registration, LearnerCheck.Outcome.MATCHED)
    assert services.problems_of(claim) == []


@pytest.mark.usefixtures("service_configured")
def test_the_version_the_service_holds_must_be_the_registrations(
    claim: CertificateClaim, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    _check(claim.registration, LearnerCheck.Outcome.MATCHED, held_version="1.1")
    [problem] = services.problems_of(claim)
    assert problem.startswith("Incorrect version for learner. The service holds version 1.1")


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


def test_the_standard_is_not_changed_by_an_edit(claim: CertificateClaim, alice: User) -> None:
    changes = services.update_claim(
        claim,
        alice,
        revision=claim.revision,
        values=_values(
            claim, standard_reference="ST0072", version="9.9", standard_code=1, option="French"
        ),
        reason="Trying",
    )
    assert changes == {}
    claim.refresh_from_db()
    assert (claim.standard_reference, claim.standard_code, claim.option) == ("ST0071", 123, "")


def test_a_course_option_is_kept_only_when_the_standard_has_options(
    claim: CertificateClaim, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = FactsCache().info(claim.epao_id, "ST0071")
    files = {
        version: standard.model_copy(update={"course_options": ["French", "German"]})
        for version, standard in info.files.items()
    }
    monkeypatch.setattr(
        FactsCache, "info", lambda self, epao, ref: StandardInfo(ref, info.title, files, info.row)
    )
    assert services.course_options_of(claim) == ("French", "German")
    services.update_claim(
        claim, alice, revision=claim.revision, values=_values(claim, option="German"), reason="X"
    )
    assert CertificateClaim.objects.get(pk=claim.pk).option == "German"


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
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None], heard: list[object]
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
    assert [type(event) for event in heard] == [ClaimReady]  # no service: nothing to tell


@pytest.mark.usefixtures("service_configured")
def test_a_ready_claim_changed_is_told_to_the_service(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None], heard: list[object]
) -> None:
    on_day(AFTER_APPEALS)
    services.update_claim(
        claim, alice, revision=claim.revision, values=_values(claim, city="York"), reason="A"
    )
    assert heard == []  # a draft is not at the service
    services.mark_ready(claim, alice, revision=claim.revision)
    services.update_claim(
        claim, alice, revision=claim.revision, values=_values(claim, city="Hull"), reason="B"
    )
    assert [type(event) for event in heard] == [ClaimReady, ClaimChanged]
    changed = heard[1]
    assert isinstance(changed, ClaimChanged)
    assert (changed.claim.pk, changed.changed_by) == (claim.pk, alice)


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


def test_the_whole_journey_of_a_claim_by_hand_without_the_service(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    for target, reason in (
        ("ready", ""),
        ("submitted", "Uploaded at the service"),
        ("sent_to_printer", ""),
        ("printed", ""),
        ("delivered", ""),
        ("not_delivered", "Not known at this address"),
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
        ("submitted", "sent_to_printer"),
        ("sent_to_printer", "printed"),
        ("printed", "delivered"),
        ("delivered", "not_delivered"),
        ("not_delivered", "ready"),
    ]
    assert claim.changes.get(field="address_line_1").new == "3 New Street"


@pytest.mark.usefixtures("service_configured")
def test_with_the_service_the_statuses_from_submitted_are_the_services(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    with pytest.raises(ClaimRefused) as refused:
        services.move_claim(claim, alice, target="submitted", revision=claim.revision)
    assert refused.value.message == (
        "A claim is marked submitted only by the apprenticeship assessment service: OpenEPA "
        "submits the certificate and follows it at the service. Submit a ready claim with "
        '"Submit to the assessment service"'
    )
    assert CertificateClaim.objects.get(pk=claim.pk).status == "ready"
    services.move_claim(claim, alice, target="draft", revision=claim.revision)


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


def test_delivery_attempted_needs_a_reason(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    for target in ("ready", "submitted", "printed"):
        services.move_claim(claim, alice, target=target, revision=claim.revision)
    with pytest.raises(ClaimRefused, match="Enter why the certificate could not be delivered"):
        services.move_claim(claim, alice, target="not_delivered", revision=claim.revision)


# --- submission -----------------------------------------------------------------------------


def test_submission_needs_the_service(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None]
) -> None:
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    with pytest.raises(ClaimRefused, match="Sending to the apprenticeship assessment service is"):
        services.submit_claims(alice, [claim])


@pytest.mark.usefixtures("service_configured")
def test_ready_claims_are_submitted_once_and_the_request_kept(
    claim: CertificateClaim, alice: User, on_day: Callable[[date], None], heard: list[object]
) -> None:
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    [submitted] = services.submit_claims(alice, [claim], revisions={claim.pk: claim.revision})
    request = heard[-1]
    assert isinstance(request, ClaimSubmitRequested)
    assert ([c.pk for c in request.claims], request.requested_by) == ([claim.pk], alice)
    assert submitted.status == "ready"  # the service's answer moves it on
    change = services.submit_requested(submitted)
    assert change is not None
    assert (change.changed_by, change.reason) == (
        alice,
        "Submission to the apprenticeship assessment service requested",
    )
    assert AuditEvent.objects.filter(action="claims.submit_requested").count() == 1
    with pytest.raises(ClaimRefused) as refused:
        services.submit_claims(alice, [submitted])
    assert refused.value.problems == [
        f"Pat Van Dijk (ULN {claim.uln}): its submission was already requested; the service's "
        "answer is awaited"
    ]


@pytest.mark.usefixtures("service_configured")
def test_a_submission_with_a_claim_not_ready_submits_nothing_and_names_it(
    claim: CertificateClaim,
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    give_consent: Callable[[Registration], CertificateConsent],
    on_day: Callable[[date], None],
    heard: list[object],
) -> None:
    on_day(AFTER_APPEALS)
    services.mark_ready(claim, alice, revision=claim.revision)
    other = make_registration(family_name="Okafor", given_names="Ada")
    give_consent(other)
    draft = services.draft_claim_for_result(make_result(other), alice)
    with pytest.raises(ClaimRefused) as refused:
        services.submit_claims(alice, [claim, draft])
    assert refused.value.problems == [
        f"Ada Okafor (ULN {draft.uln}): the claim is draft; only a ready claim can be submitted"
    ]
    assert refused.value.message.startswith("Nothing was submitted: Ada Okafor")
    assert not ClaimChange.objects.filter(field="submission").exists()
    assert not any(isinstance(event, ClaimSubmitRequested) for event in heard)
    CertificateConsent.objects.filter(registration=claim.registration).update(
        withdrawn_at=claim.created_at, withdrawn_by=alice, withdrawal_reason="Changed their mind"
    )
    with pytest.raises(ClaimRefused) as refused:
        services.submit_claims(alice, [claim])
    [problem] = refused.value.problems
    assert problem.startswith(f"Pat Van Dijk (ULN {claim.uln}): The apprentice's written")
    with pytest.raises(ClaimRefused) as refused:
        services.submit_claims(alice, [claim], revisions={claim.pk: claim.revision - 1})
    assert "the claim changed since the page was shown" in refused.value.problems[0]
    with pytest.raises(ClaimRefused, match="Select the ready claims"):
        services.submit_claims(alice, [])


# --- what the service reports ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service_status", "status"),
    [
        ("Submitted", "submitted"),
        ("SentToPrinter", "sent_to_printer"),
        ("Printed", "printed"),
        ("Delivered", "delivered"),
        ("NotDelivered", "not_delivered"),
    ],
)
def test_the_claim_follows_the_status_the_service_reports(
    claim: CertificateClaim, service_status: str, status: str
) -> None:
    record_from_service(claim, service_status=service_status, detail="read by the sync")
    claim.refresh_from_db()
    assert claim.status == status
    change = claim.changes.get(field="status", new=status)
    assert change.changed_by is None
    assert change.reason.startswith("The apprenticeship assessment service says: ")


def test_the_certificate_reference_is_stored_and_kept(claim: CertificateClaim) -> None:
    record_from_service(claim, service_status="Draft", certificate_reference="00012345")
    claim.refresh_from_db()
    assert (claim.status, claim.certificate_reference) == ("draft", "00012345")
    change = claim.changes.get(field="certificate_reference")
    assert (change.old, change.new) == ("", "00012345")
    revision = claim.revision
    record_from_service(claim, service_status="Draft", certificate_reference="00012345")
    assert CertificateClaim.objects.get(pk=claim.pk).revision == revision


@pytest.mark.usefixtures("service_configured")
def test_a_claim_drafted_on_release_asks_for_a_look_up_unless_one_matched(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    look_up: Callable[..., LearnerCheck],
) -> None:
    never = make_registration()
    events.publish(ResultReleased(make_result(never), alice))
    [check] = LearnerCheck.objects.filter(registration=never)
    assert (check.reason, check.outcome, check.current) == ("claim", "waiting", True)
    matched = make_registration()
    look_up(matched)
    events.publish(ResultReleased(make_result(matched), alice))
    assert [c.reason for c in LearnerCheck.objects.filter(registration=matched)] == ["registration"]
    unavailable = make_registration()
    look_up(unavailable, "unavailable")
    events.publish(ResultReleased(make_result(unavailable), alice))
    current = LearnerCheck.objects.get(registration=unavailable, current=True)
    assert current.reason == "claim"


def test_without_the_service_a_released_result_asks_for_no_look_up(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    events.publish(ResultReleased(make_result(registration), alice))
    assert CertificateClaim.objects.filter(registration=registration).exists()
    assert not LearnerCheck.objects.filter(registration=registration).exists()
