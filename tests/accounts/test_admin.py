"""Django's admin site is for EPAO superusers only, and shows only their own EPAO."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User
from openepa.registration.models import Registration
from tests.conftest import PASSWORD


@pytest.fixture
def sam(epao: Organisation) -> User:
    """Sam, a superuser of the Demo EPAO."""
    return User.objects.create_superuser(
        "sam@epao.example", PASSWORD, full_name="Sam Super", epao=epao, organisation=epao
    )


def test_sam_the_superuser_uses_the_admin(login: Callable[[User], Client], sam: User) -> None:
    client = login(sam)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/accounts/user/").status_code == 200
    assert client.get("/django-admin/registration/registration/").status_code == 200
    assert client.get("/django-admin/audit/auditevent/").status_code == 200


@pytest.mark.parametrize("person", ["alice", "anna", "ivy", "bob", "erin", "pat"])
def test_everyone_else_is_sent_to_the_admin_sign_in(
    login: Callable[[User], Client], request: pytest.FixtureRequest, person: str
) -> None:
    user = request.getfixturevalue(person)
    client = login(user)
    for path in ("/django-admin/", "/django-admin/accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/django-admin/login/")


def test_staff_without_superuser_is_still_refused(
    login: Callable[[User], Client], alice: User
) -> None:
    alice.is_staff = True
    alice.save()
    response = login(alice).get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client: Client, db: object) -> None:
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")


def test_sam_sees_only_the_people_and_organisations_of_his_epao(
    login: Callable[[User], Client], sam: User, bob: User, mallory: User, provider: Organisation
) -> None:
    client = login(sam)
    people = client.get("/django-admin/accounts/user/").content.decode()
    assert "bob@acme.example" in people
    assert "mallory@other-epao.example" not in people
    assert client.get(f"/django-admin/accounts/user/{mallory.pk}/change/").status_code == 302
    organisations = client.get("/django-admin/accounts/organisation/").content.decode()
    assert "Acme Training" in organisations
    assert "Other EPAO" not in organisations


def test_records_owned_by_other_pages_are_read_only(
    login: Callable[[User], Client], sam: User, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration()
    client = login(sam)
    page = client.get(f"/django-admin/registration/registration/{registration.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/django-admin/registration/registration/add/").status_code == 403
    delete = client.get(f"/django-admin/registration/registration/{registration.pk}/delete/")
    assert delete.status_code == 403
