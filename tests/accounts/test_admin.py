"""Django's admin site is for EPAO superusers only, and shows only their own EPAO."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User
from openepa.audit.models import AuditEvent
from openepa.registration.models import Registration


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


def test_every_model_in_the_admin_is_limited_to_the_superusers_epao() -> None:
    from django.contrib import admin

    from openepa.kernel.admin import TenantAdmin

    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, TenantAdmin)
    ]
    assert unscoped == []


def test_shared_tables_are_not_in_the_admin() -> None:
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult

    assert not admin.site.is_registered(Group)
    assert not admin.site.is_registered(DBTaskResult)


def test_a_change_to_an_organisation_in_the_admin_is_audited(
    login: Callable[[User], Client], sam: User, provider: Organisation
) -> None:
    response = login(sam).post(
        f"/django-admin/accounts/organisation/{provider.pk}/change/",
        {"name": "Acme Training Ltd", "ukprn": provider.ukprn},
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Acme Training Ltd"
    event = AuditEvent.objects.get(action="organisation.changed_in_admin")
    assert event.actor == sam
    assert event.epao_id == sam.epao_id
    assert event.object_id == str(provider.pk)
    assert event.changes == {"name": {"old": "Acme Training", "new": "Acme Training Ltd"}}


def test_saving_an_organisation_unchanged_in_the_admin_records_nothing(
    login: Callable[[User], Client], sam: User, provider: Organisation
) -> None:
    login(sam).post(
        f"/django-admin/accounts/organisation/{provider.pk}/change/",
        {"name": provider.name, "ukprn": provider.ukprn},
    )
    assert not AuditEvent.objects.filter(action="organisation.changed_in_admin").exists()


def test_a_change_to_a_person_in_the_admin_is_audited(
    login: Callable[[User], Client], sam: User, bob: User, provider: Organisation
) -> None:
    response = login(sam).post(
        f"/django-admin/accounts/user/{bob.pk}/change/",
        {
            "email": bob.email,
            "full_name": "Robert Provider",
            "role": bob.role,
            "organisation": provider.pk,
            "is_staff": "",
            "is_superuser": "",
        },
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert not bob.is_active
    event = AuditEvent.objects.get(action="user.changed_in_admin")
    assert event.actor == sam
    assert event.epao_id == bob.epao_id
    assert event.object_id == str(bob.pk)
    assert event.changes == {
        "full_name": {"old": "Bob Provider", "new": "Robert Provider"},
        "is_active": {"old": True, "new": False},
    }


def test_a_password_set_in_the_admin_is_audited_without_the_password(
    login: Callable[[User], Client], sam: User, bob: User
) -> None:
    new_password = "a brand new password 42"
    response = login(sam).post(
        f"/django-admin/accounts/user/{bob.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password(new_password)
    event = AuditEvent.objects.get(action="user.password_set_in_admin")
    assert event.actor == sam
    assert event.object_id == str(bob.pk)
    assert new_password not in str(event.changes) + event.summary


def test_organisations_and_people_cannot_be_deleted_in_the_admin(
    login: Callable[[User], Client], sam: User, bob: User, provider: Organisation
) -> None:
    client = login(sam)
    for path in (
        f"/django-admin/accounts/organisation/{provider.pk}/delete/",
        f"/django-admin/accounts/user/{bob.pk}/delete/",
    ):
        assert client.post(path, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=bob.pk).exists()
    assert Organisation.objects.filter(pk=provider.pk).exists()
