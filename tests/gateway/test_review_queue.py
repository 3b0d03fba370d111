"""The EPAO admin's queue of submitted components, paginated, with a constant query count."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openepa.accounts.models import User
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent, GatewaySubmission
from openepa.registration.models import Registration

Status = GatewayComponent.Status


def _submitted(registration: Registration, user: User, requirement_id: str = "english") -> None:
    """Mark one component submitted, as a submission would."""
    create_components(registration)
    item = registration.gateway_components.get(requirement_id=requirement_id)
    GatewaySubmission.objects.create(component=item, attempt=1, submitted_by=user)
    GatewayComponent.objects.filter(pk=item.pk).update(status=Status.SUBMITTED, attempts=1)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_alice_sees_what_waits_for_review(
    make_registration: Callable[..., Registration], login, alice, bob
) -> None:
    first = make_registration("st0071-highfield")
    second = make_registration("st0072-activeiq")
    _submitted(first, bob)
    _submitted(second, bob, "english-maths")
    create_components(make_registration("st0071-nqual"))  # nothing submitted
    html = login(alice).get("/gateway/reviews/").content.decode()
    assert "2 waiting for review" in html
    assert f"/gateway/{first.pk}/components/" in html
    assert "English and maths" in html
    assert first.apprentice.full_name in html
    assert second.apprentice.full_name in html


def test_search_by_name_or_uln(
    make_registration: Callable[..., Registration], login, alice, bob
) -> None:
    first = make_registration("st0071-highfield")
    second = make_registration("st0071-highfield")
    _submitted(first, bob)
    _submitted(second, bob)
    html = login(alice).get("/gateway/reviews/", {"q": first.apprentice.uln}).content.decode()
    assert "1 waiting for review" in html
    assert first.apprentice.full_name in html


def test_the_query_count_does_not_grow_with_the_queue(
    make_registration: Callable[..., Registration],
    login,
    alice,
    bob,
    django_assert_max_num_queries,
) -> None:
    client = login(alice)
    _submitted(make_registration("st0071-highfield"), bob)
    few = _queries(client, "/gateway/reviews/")
    for _ in range(30):
        _submitted(make_registration("st0071-highfield"), bob)
    with django_assert_max_num_queries(few):
        client.get("/gateway/reviews/")
    html = client.get("/gateway/reviews/").content.decode()
    assert "31 waiting for review" in html
    assert 'rel="next"' in html  # 25 a page
    second_page = client.get("/gateway/reviews/", {"page": 2}).content.decode()
    assert second_page.count("/review/") == 6


def test_other_roles_may_not_use_the_queue(login, bob, erin, pat, anna, ivy) -> None:
    for user in (bob, erin, pat, anna, ivy):
        assert login(user).get("/gateway/reviews/").status_code == 403


def test_mallory_sees_nothing_of_another_epao(
    make_registration: Callable[..., Registration], login, mallory, bob
) -> None:
    _submitted(make_registration("st0071-highfield"), bob)
    html = login(mallory).get("/gateway/reviews/").content.decode()
    assert "Nothing is waiting for review" in html


def test_a_proposal_with_an_assessor_waits_for_the_assessor_not_the_admin(
    make_registration: Callable[..., Registration], login, alice, anna, pat
) -> None:
    with_assessor = make_registration("st0071-highfield", assessor=anna)
    without = make_registration("st0071-highfield")
    _submitted(with_assessor, pat, "project-proposal")
    _submitted(without, pat, "project-proposal")
    html = login(alice).get("/gateway/reviews/").content.decode()
    assert "1 waiting for review" in html
    assert "No assessor allocated: you decide for the EPAO" in html
    assert f"/gateway/{without.pk}/components/" in html
