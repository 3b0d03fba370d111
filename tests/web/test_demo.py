"""Demo data: every specification, every stage so far, one working login per role."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.management import call_command
from django.test import Client

from openepa.accounts.models import User
from openepa.demo.build import DEMO_EPAO, DEMO_PASSWORD, create_demo
from openepa.demo.names import uln_for
from openepa.registration.models import Registration
from openepa.rules.identifiers import uln_problem


def test_demo_spreads_apprentices_over_every_specification_and_stage(db: Any) -> None:
    logins = create_demo(120)
    registrations = Registration.objects.all()
    assert registrations.count() == 120  # the signing-in apprentice among them
    assert set(registrations.values_list("specification__spec_id", flat=True)) == {
        "st0071-epakit",
        "st0071-highfield",
        "st0071-nqual",
        "st0072-activeiq",
        "st0072-excelme",
    }
    assert set(registrations.values_list("status", flat=True)) == {
        "registered",
        "gateway",
        "gateway_accepted",
        "completed",
        "withdrawn",
    }
    assert sorted(login.role for login in logins) == sorted(User.Role.values)


def test_demo_takes_some_apprentices_through_assessment_results_and_claims(db: Any) -> None:
    from openepa.assessment.models import AssessmentRecord
    from openepa.claims.models import CertificateClaim
    from openepa.results.models import Result

    create_demo(120)
    records = AssessmentRecord.objects.all()
    assert set(records.values_list("status", flat=True)) == {"draft", "submitted"}
    assert records.filter(iqa_status="held", registration__iqa__email="iqa@demo-epao.example")
    assert {"fail", "distinction"} <= set(Result.objects.values_list("grade", flat=True))
    assert CertificateClaim.objects.filter(status="draft").count() == 1
    create_demo(120)
    assert AssessmentRecord.objects.count() == records.count()


def test_demo_has_epa_records_and_ready_claims_for_the_assessment_service(db: Any) -> None:
    from openepa.claims.models import CertificateClaim
    from openepa.claims.services import problems_of
    from openepa.registration.consent import consent_in_force
    from openepa.registration.models import ServiceItem

    create_demo(120)
    ready = list(CertificateClaim.objects.filter(status="ready"))
    assert len(ready) >= 3
    for claim in ready:
        assert consent_in_force(claim.registration) is not None
        assert problems_of(claim) == []
    epas = {
        item.registration_id: [epa["epaOutcome"] for epa in item.payload["epaDetails"]["epas"]]
        for item in ServiceItem.objects.filter(kind="epa")
    }
    assert ["Fail"] in epas.values()
    assert ["Fail", "Pass"] in epas.values()  # the resit
    assert ["Withdrawn"] in epas.values()
    resit = next(
        item
        for item in ServiceItem.objects.filter(kind="epa")
        if len(epas[item.registration_id]) == 2
    )
    assert resit.payload["epaDetails"]["epas"][1]["resit"] is True
    assert ServiceItem.objects.filter(kind="certificate").count() == len(ready)
    create_demo(120)
    assert CertificateClaim.objects.filter(status="ready").count() == len(ready)


def test_every_demo_login_signs_in(db: Any, client: Client) -> None:
    for login in create_demo(10):
        response = client.post("/sign-in/", {"username": login.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.email
        assert client.get("/", follow=True).status_code == 200
        client.logout()


def test_demo_logins_all_sign_in_and_are_all_printed(db: Any, client: Client) -> None:
    output = io.StringIO()
    call_command("demo", apprentices=10, stdout=output)
    printed = output.getvalue()
    people = User.objects.filter(epao__name=DEMO_EPAO).order_by("pk")
    assert people.count() > 6  # the named logins and the other demo assessors and IQAs
    for person in people:
        assert person.has_usable_password(), person.email
        response = client.post("/sign-in/", {"username": person.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, person.email
        client.logout()
        assert person.email in printed or _within_printed_range(person.email, printed), person.email
    assert DEMO_PASSWORD in printed
    assert "have no account" in printed  # the bulk apprentices, and how to invite one


def _within_printed_range(email: str, printed: str) -> bool:
    """Whether ``email`` (assessor2@…) is in a printed range "assessor1@… to assessor3@…"."""
    match = re.match(r"^(assessor|iqa)(\d+)@demo-epao\.example$", email)
    if not match:
        return False
    role, number = match.group(1), int(match.group(2))
    found = re.search(rf"{role}(\d+)@demo-epao\.example to {role}(\d+)@demo-epao\.example", printed)
    return bool(found) and int(found.group(1)) <= number <= int(found.group(2))  # type: ignore[union-attr]


def test_running_the_demo_again_adds_nothing(db: Any) -> None:
    create_demo(30)
    create_demo(30)
    assert Registration.objects.count() == 30


def test_demo_ulns_are_valid_and_distinct() -> None:
    ulns = [uln_for(number) for number in range(2000)]
    assert len(set(ulns)) == 2000
    assert all(uln_problem(uln) is None for uln in ulns)


def test_demo_assessors_and_iqas_are_approved_for_every_specification(db: Any) -> None:
    from openepa.planning.models import AssessorProfile

    create_demo(20)
    staff = User.objects.filter(role__in=[User.Role.ASSESSOR, User.Role.IQA])
    profiles = AssessorProfile.objects.filter(user__in=staff)
    assert profiles.count() == staff.count()
    assert all(len(p.approved_specs) == 5 for p in profiles)
