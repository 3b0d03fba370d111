"""Who is told about each event, and what their email says.

Pat is the apprentice (Acme Training, Bob; Bright Retail, Erin), Anna the assessor, Ivy the
IQA and Alice the EPAO admin. Each test makes the change through its service and reads Django's
test outbox once the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from openepa.accounts.models import EpaoPolicy, StandardAtService, User
from openepa.assessment.models import Sitting
from openepa.claims import services as claims
from openepa.gateway.components import create_components
from openepa.gateway.evidence import submit_evidence
from openepa.gateway.models import GatewayComponent
from openepa.gateway.proposal import decide_proposal, submit_proposal
from openepa.gateway.review import confirm_gateway, review_component
from openepa.kernel import clock
from openepa.notifications.models import Notification
from openepa.planning import bookings, plans
from openepa.planning import services as planning
from openepa.registration.models import CertificateConsent, Registration
from openepa.registration.services import RegistrationDetails, register_apprentice
from openepa.results import appeals, reassessment
from openepa.results.models import Result
from tests.conftest import make_uln
from tests.gateway.conftest import component, pdf, reload, words
from tests.notifications.conftest import emails_to, recipients
from tests.planning.conftest import approve
from tests.results.test_reassessment_support import failed_highfield

Capture = Callable[..., Any]
PAT, BOB, ERIN = "pat@learner.example", "bob@acme.example", "erin@bright.example"
ALICE, ANNA, IVY = "alice@epao.example", "anna@epao.example", "ivy@epao.example"


@pytest.fixture
def sent(django_capture_on_commit_callbacks: Capture) -> Capture:
    """Run the block and send what it notified, as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def pats(make_registration: Callable[..., Registration], pat: User) -> Registration:
    return make_registration(apprentice_user=pat, given_names="Pat", family_name="Apprentice")


def test_a_new_registration_is_confirmed_to_the_provider_and_employer(
    specs: Any, bob: User, erin: User, employer: Any, sent: Capture
) -> None:
    details = RegistrationDetails(
        uln=make_uln(901),
        given_names="Sam",
        family_name="Taylor",
        date_of_birth=date(2004, 3, 27),
        email="sam.taylor@example.org",
        phone="",
        employer=employer,
        specification=specs["st0071-highfield"],
        start_date=date(2025, 1, 6),
        on_programme_end_date=date(2026, 4, 30),
        planned_assessment_month=date(2040, 6, 1),
        address_line_1="1 High Street",
        town="Leeds",
        postcode="LS1 4AP",
    )
    with sent():
        registration = register_apprentice(bob, details, today=date(2026, 11, 22))
    # Sam has no account yet: Sam is invited to make one (tests/people), not sent this.
    assert recipients() == [BOB, ERIN, "sam.taylor@example.org"]
    assert "invited" in emails_to("sam.taylor@example.org")[0].subject
    message = emails_to(ERIN)[0]
    assert message.subject == "Sam Taylor is registered for end-point assessment"
    assert f"Sam Taylor (ULN {registration.apprentice.uln})" in message.body
    assert "Planned assessment month: June 2040" in message.body
    assert f"/apprentices/{registration.pk}/" in message.body
    with sent():
        from openepa.notifications import messages

        messages.registration_confirmed([registration])  # a repeat sends nothing
    assert len(mail.outbox) == 3


def test_a_rejected_gateway_component_tells_the_parties_why(
    pats: Registration,
    bob: User,
    erin: User,
    alice: User,
    sent: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 15))
    english = component(pats, "english")
    submit_evidence(english, bob, revision=english.revision, upload=pdf(), level=2)
    with sent():
        review_component(
            english,
            alice,
            accept=False,
            reason="The certificate is for level 1, not level 2",
            revision=reload(english).revision,
        )
    assert recipients() == [BOB, ERIN, PAT]
    message = emails_to(PAT)[0]
    assert message.subject == "Gateway: English rejected for Pat Apprentice"
    assert "Reason: The certificate is for level 1, not level 2" in message.body
    assert "correct the English and submit it again" in message.body


def test_a_rejected_proposal_says_by_when_to_resubmit(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    bob: User,
    erin: User,
    sent: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 15))
    registration = make_registration(
        apprentice_user=pat, given_names="Pat", family_name="Apprentice", assessor=anna
    )
    proposal = component(registration, "project-proposal")
    submit_proposal(proposal, pat, text=words(250), revision=proposal.revision)
    with sent():
        decide_proposal(
            reload(proposal),
            anna,
            approve=False,
            reason="It does not cover the customer journey",
            revision=reload(proposal).revision,
        )
    assert recipients() == [BOB, ERIN, PAT]
    body = emails_to(BOB)[0].body
    assert "Anna Assessor rejected the project proposal" in body
    assert "Submit the revised project proposal by Friday 22 May 2026" in body


def test_a_confirmed_gateway_says_when_the_window_ends(
    pats: Registration, alice: User, bob: User, erin: User, sent: Capture, monkeypatch: Any
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 15))
    create_components(pats)
    pats.gateway_components.update(status=GatewayComponent.Status.ACCEPTED)
    Registration.objects.filter(pk=pats.pk).update(status=Registration.Status.GATEWAY)
    pats.refresh_from_db()
    with sent():
        confirm_gateway(pats, alice, revision=pats.revision)
    assert recipients() == [BOB, ERIN, PAT]
    message = emails_to(ERIN)[0]
    assert message.subject == "Gateway confirmed for Pat Apprentice"
    assert "window is open until Saturday 15 August 2026" in message.body


def test_allocation_tells_the_assessor_the_iqa_and_the_apprentice(
    pats: Registration, alice: User, anna: User, ivy: User, sent: Capture
) -> None:
    approve(anna, "st0071-highfield")
    approve(ivy, "st0071-highfield")
    Registration.objects.filter(pk=pats.pk).update(
        status=Registration.Status.GATEWAY_ACCEPTED,
        gateway_date=date(2026, 8, 3),
        epa_window_end=date(2026, 11, 2),
    )
    pats.refresh_from_db()
    with sent():
        planning.allocate(
            pats, alice, assessor_pk=anna.pk, iqa_pk=ivy.pk, reason="", revision=pats.revision
        )
    assert recipients() == [ANNA, IVY, PAT]
    assert emails_to(PAT)[0].subject == "Your end-point assessor is Anna Assessor"
    assert emails_to(ANNA)[0].subject == "You are the assessor of Pat Apprentice"
    assert "Ivy Quality is the internal quality assurer" in emails_to(ANNA)[0].body
    assert emails_to(IVY)[0].subject == "You are the IQA of Pat Apprentice"


def test_a_conflict_declared_after_allocation_asks_the_admins_to_reallocate(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    ivy: User,
    alice: User,
    employer: Any,
    other_employer: Any,
    sent: Capture,
) -> None:
    pats = _past_gateway(make_registration, pat, anna, ivy)
    with sent():
        planning.declare_relationship(
            planning.profile_of(anna),
            anna,
            kind="worked_for_employer",
            organisation=employer,
            declared_on=date(2026, 9, 1),
        )
    assert recipients() == [ALICE]
    message = emails_to(ALICE)[0]
    assert message.subject == "Conflict declared after allocation: reallocate Pat Apprentice"
    assert "Anna Assessor (independent assessor) declared on 1 September 2026 that they " in (
        message.body
    )
    assert f"/planning/apprentices/{pats.pk}/allocate/" in message.body
    mail.outbox.clear()
    with sent():
        planning.declare_relationship(
            planning.profile_of(anna),
            anna,
            kind="worked_for_employer",
            organisation=other_employer,
            declared_on=date(2026, 9, 1),
        )
    assert mail.outbox == []


def _past_gateway(
    make_registration: Callable[..., Registration], pat: User, anna: User, ivy: User
) -> Registration:
    approve(anna, "st0071-highfield")
    return make_registration(
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
        assessor=anna,
        iqa=ivy,
        status=Registration.Status.GATEWAY_ACCEPTED,
        gateway_date=date(2026, 8, 3),
        epa_window_end=date(2026, 11, 2),
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )


def test_the_plan_is_sent_to_sign_and_the_employer_is_told_when_agreed(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    ivy: User,
    erin: User,
    sent: Capture,
) -> None:
    registration = _past_gateway(make_registration, pat, anna, ivy)
    with sent():
        plan = plans.record_plan(
            registration,
            anna,
            revision=0,
            meeting_on=date(2026, 8, 5),
            meeting_notes="",
            methods={
                "project": plans.MethodPlan(date(2026, 9, 21), "face_to_face", ""),
                "discussion": plans.MethodPlan(date(2026, 9, 28), "face_to_face", ""),
                "observation": plans.MethodPlan(date(2026, 10, 5), "face_to_face", ""),
            },
        )
    assert recipients() == [ANNA, PAT]
    message = emails_to(PAT)[0]
    assert message.subject == "Assessment plan of Pat Apprentice ready to sign"
    assert "Monday 21 September 2026" in message.body
    assert f"/planning/apprentices/{registration.pk}/plan/" in message.body
    mail.outbox.clear()
    plans.sign_plan(registration, pat, revision=plan.revision)
    with sent():
        plans.sign_plan(registration, anna, revision=plan.revision + 1)
    assert recipients() == [ERIN]
    assert mail.outbox[0].subject == "End-point assessment plan agreed for Pat Apprentice"
    assert Notification.objects.get(user=erin).kind == "plan_agreed"


def test_a_booking_made_moved_and_cancelled_is_sent_with_its_calendar_file(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    ivy: User,
    bob: User,
    sent: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 3))
    registration = _past_gateway(make_registration, pat, anna, ivy)
    with sent():
        booking = bookings.book(
            registration,
            anna,
            method_id="observation",
            on=date(2026, 8, 17),
            starts_at=time(10, 0),
            minutes=[60],
            mode="face_to_face",
            submissions={},
        )
    assert recipients() == [ANNA, BOB, PAT]
    message = emails_to(PAT)[0]
    assert "booked for Pat Apprentice on 17 August 2026" in message.subject
    assert "Date: Monday 17 August 2026, starting at 10:00" in message.body
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"booking-{booking.pk}.ics", "text/calendar")
    assert "BEGIN:VCALENDAR" in content
    assert "DTSTART:20260817T090000Z" in content
    mail.outbox.clear()
    with sent():
        moved = bookings.move(
            booking,
            anna,
            revision=booking.revision,
            on=date(2026, 8, 24),
            starts_at=time(14, 0),
            minutes=[60],
            mode="face_to_face",
            reason="The assessor is ill",
        )
    assert recipients() == [ANNA, BOB, PAT]
    message = emails_to(BOB)[0]
    assert "moved to 24 August 2026" in message.subject
    assert "From: Monday 17 August 2026" in message.body
    assert "Reason: The assessor is ill" in message.body
    assert "DTSTART:20260824T130000Z" in message.attachments[0][1]
    mail.outbox.clear()
    with sent():
        bookings.cancel(moved, anna, revision=moved.revision, reason="The apprentice left")
    assert recipients() == [ANNA, BOB, PAT]
    assert "cancelled" in mail.outbox[0].subject
    assert mail.outbox[0].attachments == []


def _released_fail(
    make_registration: Any, anna: User, alice: User, pat: User
) -> tuple[Registration, Result]:
    return failed_highfield(
        make_registration,
        anna,
        alice,
        released=date(2026, 1, 10),
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
    )


def test_a_released_result_is_sent_to_each_party_with_the_letter(
    make_registration: Any, anna: User, alice: User, pat: User, bob: User, erin: User, sent: Capture
) -> None:
    with sent():
        registration, _ = _released_fail(make_registration, anna, alice, pat)
    assert sorted(m.to[0] for m in mail.outbox if "result" in m.subject.lower()) == [BOB, ERIN, PAT]
    for address in (PAT, ERIN, BOB):
        (message,) = [m for m in emails_to(address) if "result" in m.subject.lower()]
        assert message.subject == "End-point assessment result of Pat Apprentice: Fail"
        assert "Overall grade: Fail" in message.body
        assert "resit or retake" in message.body
        assert f"/results/apprentices/{registration.pk}/" in message.body
        ((name, content, mimetype),) = message.attachments
        assert mimetype == "application/pdf"
        assert name.endswith(f"{registration.apprentice.uln}.pdf")
        assert content.startswith(b"%PDF")
    notification = Notification.objects.get(user__email=PAT, kind="result_released")
    assert notification.attachments.get().filename == name


def test_a_resit_tells_the_parties_its_deadline(
    make_registration: Any,
    anna: User,
    alice: User,
    pat: User,
    bob: User,
    erin: User,
    sent: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registration, _ = _released_fail(make_registration, anna, alice, pat)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 2, 1))
    mail.outbox.clear()
    with sent():
        sitting = reassessment.record_reassessment(
            registration,
            alice,
            reassessment.Agreement(
                kind="resit",
                employer_agreed=True,
                employer_contact="Erin Employer",
                employer_agreed_on=date(2026, 1, 20),
                attempts_agreed=2,
            ),
            based_on=1,
        )
    assert sitting.kind == Sitting.Kind.RESIT
    assert recipients() == [BOB, ERIN, PAT]
    message = emails_to(PAT)[0]
    assert message.subject == "Resit recorded for Pat Apprentice"
    assert "agreed by Erin Employer on 20 January 2026" in message.body
    assert "the resit must be completed by" in message.body


def test_an_appeal_lodged_assigned_and_decided(
    make_registration: Any,
    anna: User,
    alice: User,
    pat: User,
    bob: User,
    erin: User,
    epao: Any,
    sent: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registration, _ = _released_fail(make_registration, anna, alice, pat)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 20))
    otto = User.objects.create_user(
        "otto@epao.example",
        "pw-unused-123",
        full_name="Otto Other",
        role=User.Role.ASSESSOR,
        epao=epao,
        organisation=epao,
    )
    mail.outbox.clear()
    with sent():
        appeal = appeals.lodge_appeal(registration, pat, grounds="The observation was cut short.")
    assert recipients() == [ALICE, PAT]
    assert "What to do next: assign a reviewer" in emails_to(ALICE)[0].body
    assert "Your appeal against the result of Pat Apprentice" in emails_to(PAT)[0].body
    assert "Grounds: The observation was cut short." in emails_to(PAT)[0].body
    mail.outbox.clear()
    with sent():
        appeal = appeals.assign_reviewer(appeal, alice, otto, revision=appeal.revision)
    assert recipients() == ["otto@epao.example"]
    assert mail.outbox[0].subject == "Appeal to review: Pat Apprentice"
    mail.outbox.clear()
    with sent():
        appeals.decide_appeal(
            appeal,
            otto,
            upheld=False,
            reason="The observation ran its full time.",
            revision=appeal.revision,
        )
    assert recipients() == [ALICE, BOB, ERIN, PAT]
    message = emails_to(ERIN)[0]
    assert message.subject == "Appeal not upheld: result of Pat Apprentice"
    assert "Reasons: The observation ran its full time." in message.body
    assert "The result stands: Fail." in message.body


def test_a_withdrawn_appeal_tells_the_admins_and_the_reviewer(
    make_registration: Any,
    anna: User,
    alice: User,
    ivy: User,
    pat: User,
    sent: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registration, _ = _released_fail(make_registration, anna, alice, pat)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 20))
    appeal = appeals.lodge_appeal(registration, pat, grounds="The observation was cut short.")
    appeal = appeals.assign_reviewer(appeal, alice, ivy, revision=appeal.revision)
    mail.outbox.clear()
    with sent():
        appeals.withdraw_appeal(
            appeal, pat, reason="We talked it through.", revision=appeal.revision
        )
    assert recipients() == [ALICE, IVY]
    message = emails_to(ALICE)[0]
    assert message.subject == "Appeal withdrawn: result of Pat Apprentice"
    assert "Pat Apprentice (the apprentice) withdrew the appeal" in message.body
    assert "Reason: We talked it through." in message.body
    assert "nothing more to review" in emails_to(IVY)[0].body


def test_a_ready_claim_tells_the_epaos_admins(
    pats: Registration, alice: User, epao: Any, sent: Capture
) -> None:
    sitting = Sitting.objects.create(registration=pats, number=1, kind="first", methods=["project"])
    result = Result.objects.create(
        registration=pats,
        sitting=sitting,
        grade="distinction",
        label="Distinction",
        methods=[],
        last_assessment_on=date(2026, 11, 22),
        released_by=alice,
        released_at=timezone.now(),
    )
    claim = claims.draft_claim_for_result(result, alice)
    # Issue 12: the LARS code lives with the standard; the apprentice's permission is recorded.
    StandardAtService.objects.create(epao=epao, reference="ST0071", lars_code=123)
    CertificateConsent.objects.create(
        registration=pats,
        source=CertificateConsent.Source.EVIDENCE,
        statement="The EPAO may apply for my certificate.",
        given_on=date(2026, 11, 1),
        recorded_by=alice,
    )
    EpaoPolicy.objects.update_or_create(epao=epao, defaults={"claim_top_grade_immediately": True})
    with sent():
        claims.mark_ready(claim, alice, revision=claim.revision)
    assert recipients() == [ALICE]
    message = mail.outbox[0]
    assert message.subject == "Certificate claim ready: Pat Apprentice"
    assert f"/claims/{claim.pk}/" in message.body
