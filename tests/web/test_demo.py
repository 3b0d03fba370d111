"""Demo data: every specification, every stage so far, one working login per role."""

from __future__ import annotations

from typing import Any

from django.test import Client

from openepa.accounts.models import User
from openepa.demo.build import DEMO_PASSWORD, create_demo
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
    assert set(Result.objects.values_list("grade", flat=True)) == {"fail", "distinction"}
    assert CertificateClaim.objects.count() == 1
    create_demo(120)
    assert AssessmentRecord.objects.count() == records.count()


def test_every_demo_login_signs_in(db: Any, client: Client) -> None:
    for login in create_demo(10):
        response = client.post("/sign-in/", {"username": login.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.email
        assert client.get("/", follow=True).status_code == 200
        client.logout()


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
