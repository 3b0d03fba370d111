"""Alice the EPAO admin allocates an assessor and an IQA to Pat, whose gateway is accepted.

Anna and Aziz are assessors, Ivy and Iris IQAs, all approved for Highfield. Anna once worked
for Bright Retail, Pat's employer, and declared it: she is not offered for Pat and cannot be
allocated by editing the request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.audit.models import AuditEvent
from openepa.planning import services
from openepa.planning.models import Allocation
from openepa.registration.models import Registration
from tests.planning.conftest import approve

pytestmark = pytest.mark.usefixtures("approved")


def _url(registration: Registration) -> str:
    return reverse("planning:allocate", args=[registration.pk])


def _post(client: Client, registration: Registration, **data: Any) -> Any:
    data.setdefault("revision", registration.revision)
    return client.post(_url(registration), data)


def _offered(response: Any) -> list[str]:
    return [v.candidate.name for v in response.context["eligible"]]


def _declare_employer(user: User, actor: User, employer: Organisation) -> None:
    services.declare_relationship(
        services.profile_of(user),
        actor,
        kind="worked_for_employer",
        organisation=employer,
        declared_on=date(2026, 6, 1),
        note="Store manager there until 2024",
    )


def test_eligible_assessors_are_offered_and_alice_allocates_one(
    login: Callable[[User], Client], alice: User, anna: User, ivy: User, pats: Registration
) -> None:
    client = login(alice)
    page = client.get(_url(pats))
    assert page.status_code == 200
    assert _offered(page) == ["Anna Assessor", "Aziz Assessor"]
    assert [v.candidate.name for v in page.context["eligible_iqas"]] == [
        "Iris Quality",
        "Ivy Quality",
    ]

    response = _post(client, pats, assessor=anna.pk, iqa=ivy.pk)
    assert response.status_code == 302
    pats.refresh_from_db()
    assert (pats.assessor, pats.iqa, pats.revision) == (anna, ivy, 2)
    allocation = Allocation.objects.get(registration=pats)
    assert (allocation.assessor, allocation.iqa, allocation.allocated_by) == (anna, ivy, alice)
    event = AuditEvent.objects.get(action="planning.allocated")
    assert event.changes == {
        "assessor": {"old": None, "new": "Anna Assessor"},
        "iqa": {"old": None, "new": "Ivy Quality"},
    }


def test_an_assessor_who_declared_a_relationship_with_the_employer_is_not_offered(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    ivy: User,
    employer: Organisation,
    pats: Registration,
) -> None:
    _declare_employer(anna, anna, employer)
    client = login(alice)
    page = client.get(_url(pats))
    assert _offered(page) == ["Aziz Assessor"]
    assert "Not independent: declared that they worked for the employer Bright Retail" in (
        page.content.decode()
    )

    # A forged request naming Anna anyway is refused with the reason, and nothing changes.
    forged = _post(client, pats, assessor=anna.pk, iqa=ivy.pk)
    assert forged.status_code == 200
    assert "Anna Assessor cannot assess Pat Apprentice: Not independent" in (
        forged.content.decode()
    )
    pats.refresh_from_db()
    assert (pats.assessor, pats.revision) == (None, 1)
    assert not Allocation.objects.exists()


def test_an_assessor_not_approved_for_the_specification_is_not_offered(
    login: Callable[[User], Client], alice: User, aziz: User, ivy: User, pats: Registration
) -> None:
    approve(aziz, "st0071-nqual")
    client = login(alice)
    page = client.get(_url(pats))
    assert _offered(page) == ["Anna Assessor"]
    assert [v.reasons for v in page.context["not_offered"]] == [
        ("Not approved for the specification st0071-highfield",)
    ]
    forged = _post(client, pats, assessor=aziz.pk, iqa=ivy.pk)
    assert "Aziz Assessor cannot assess" in forged.content.decode()
    pats.refresh_from_db()
    assert pats.assessor is None


def test_the_iqa_must_be_someone_other_than_the_assessor(
    login: Callable[[User], Client], alice: User, anna: User, pats: Registration
) -> None:
    client = login(alice)
    response = _post(client, pats, assessor=anna.pk, iqa=anna.pk)
    assert response.status_code == 200
    assert "The IQA must be someone other than the assessor" in response.content.decode()
    pats.refresh_from_db()
    assert (pats.assessor, pats.iqa) == (None, None)


def test_an_assessor_cannot_be_chosen_as_iqa_nor_an_iqa_as_assessor(
    login: Callable[[User], Client], alice: User, anna: User, ivy: User, pats: Registration
) -> None:
    client = login(alice)
    response = _post(client, pats, assessor=ivy.pk, iqa=anna.pk)
    text = response.content.decode()
    assert "Select an assessor from the list" in text
    assert "Select an IQA from the list" in text
    pats.refresh_from_db()
    assert pats.assessor is None


def test_reallocation_keeps_the_history_and_needs_a_reason(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    aziz: User,
    ivy: User,
    iris: User,
    pats: Registration,
) -> None:
    client = login(alice)
    _post(client, pats, assessor=anna.pk, iqa=ivy.pk)
    pats.refresh_from_db()

    without_reason = _post(client, pats, assessor=aziz.pk, iqa=iris.pk)
    assert "Say why the apprentice is being reallocated" in without_reason.content.decode()

    response = _post(client, pats, assessor=aziz.pk, iqa=iris.pk, reason="Anna is on leave")
    assert response.status_code == 302
    pats.refresh_from_db()
    assert (pats.assessor, pats.iqa) == (aziz, iris)
    history = list(Allocation.objects.filter(registration=pats).order_by("allocated_at", "id"))
    assert [(a.assessor, a.iqa, a.reason) for a in history] == [
        (anna, ivy, ""),
        (aziz, iris, "Anna is on leave"),
    ]
    event = AuditEvent.objects.filter(action="planning.allocated").latest("id")
    assert event.changes == {
        "assessor": {"old": "Anna Assessor", "new": "Aziz Assessor"},
        "iqa": {"old": "Ivy Quality", "new": "Iris Quality"},
    }
    assert event.reason == "Anna is on leave"
    page = client.get(_url(pats))
    assert [a.reason for a in page.context["history"]] == ["Anna is on leave", ""]


def test_two_admins_allocating_at_once_do_not_overwrite_each_other(
    login: Callable[[User], Client],
    alice: User,
    alan: User,
    anna: User,
    aziz: User,
    ivy: User,
    pats: Registration,
) -> None:
    revision = pats.revision
    login(alan)
    _post(login(alan), pats, assessor=aziz.pk, iqa=ivy.pk, revision=revision)
    client = login(alice)
    response = _post(client, pats, assessor=anna.pk, iqa=ivy.pk, revision=revision)
    assert response.status_code == 200
    assert "Alan Admin allocated Aziz Assessor to Pat Apprentice while you were choosing" in (
        response.content.decode()
    )
    pats.refresh_from_db()
    assert pats.assessor == aziz
    assert Allocation.objects.filter(registration=pats).count() == 1


def test_an_apprentice_before_the_gateway_cannot_be_allocated(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    ivy: User,
    make_registration: Callable[..., Registration],
) -> None:
    registration = make_registration("st0071-highfield", status=Registration.Status.GATEWAY)
    client = login(alice)
    page = client.get(_url(registration))
    assert "An assessor is allocated once the gateway is accepted" in page.content.decode()
    _post(client, registration, assessor=anna.pk, iqa=ivy.pk)
    registration.refresh_from_db()
    assert registration.assessor is None


@pytest.mark.parametrize("person", ["anna", "ivy", "bob", "erin", "pat"])
def test_only_the_epao_admin_allocates(
    person: str,
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    anna: User,
    ivy: User,
    pats: Registration,
) -> None:
    client = login(request.getfixturevalue(person))
    assert client.get(_url(pats)).status_code == 403
    assert _post(client, pats, assessor=anna.pk, iqa=ivy.pk).status_code == 403
    pats.refresh_from_db()
    assert pats.assessor is None


def test_another_epaos_admin_cannot_find_the_apprentice(
    login: Callable[[User], Client], mallory: User, anna: User, ivy: User, pats: Registration
) -> None:
    client = login(mallory)
    assert client.get(_url(pats)).status_code == 404
    assert _post(client, pats, assessor=anna.pk, iqa=ivy.pk).status_code == 404


def test_the_page_makes_the_same_number_of_queries_with_more_assessors(
    login: Callable[[User], Client],
    alice: User,
    epao: Organisation,
    employer: Organisation,
    pats: Registration,
    past_gateway: Callable[..., Registration],
    django_assert_max_num_queries: Any,
) -> None:
    client = login(alice)
    with django_assert_max_num_queries(20) as few:
        client.get(_url(pats))
    for number in range(15):
        user = User.objects.create_user(
            f"assessor{number}@epao.example",
            "x" * 20,
            full_name=f"Assessor {number}",
            role=User.Role.ASSESSOR,
            epao=epao,
            organisation=epao,
        )
        approve(user, "st0071-highfield")
        _declare_employer(user, alice, employer)
        past_gateway(assessor=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url(pats))
    assert len(page.context["not_offered"]) == 15


def test_an_assessor_who_has_met_the_apprentice_is_not_offered(
    login: Callable[[User], Client], alice: User, aziz: User, pats: Registration
) -> None:
    """Seed 002: the assessor must not have met the apprentice before."""
    services.declare_relationship(
        services.profile_of(aziz),
        aziz,
        kind="knows_apprentice",
        uln=pats.apprentice.uln,
        apprentice_name="Pat",
        declared_on=date(2026, 6, 1),
    )
    page = login(alice).get(_url(pats))
    assert _offered(page) == ["Anna Assessor"]
    assert page.context["not_offered"][0].reasons == (
        f"Not independent: declared that they know or have met the apprentice "
        f"Pat (ULN {pats.apprentice.uln})",
    )


def test_an_assessor_without_a_profile_is_not_approved_for_anything(
    login: Callable[[User], Client], alice: User, epao: Organisation, pats: Registration
) -> None:
    User.objects.create_user(
        "new@epao.example",
        "x" * 20,
        full_name="Nia New",
        role=User.Role.ASSESSOR,
        epao=epao,
        organisation=epao,
    )
    page = login(alice).get(_url(pats))
    reasons = {v.candidate.name: v.reasons for v in page.context["not_offered"]}
    assert reasons == {"Nia New": ("Not approved for the specification st0071-highfield",)}
