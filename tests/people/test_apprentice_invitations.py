"""Registering an apprentice invites them; their provider can invite them again from their page.

Bob at Acme Training registers Sam Taylor: Sam is emailed an invitation to choose a password,
and accepting it links Sam's account to the apprentice record, with no EPAO admin involved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.test.utils import override_settings

from openepa.accounts.models import Invitation, User
from openepa.registration.models import Apprentice, Registration
from tests.conftest import PASSWORD
from tests.registration.conftest import CSV_HEADER, csv_row, form_data, make_uln

__all__ = ["form_data"]  # the fixture, shared with the registration tests

LINK = re.compile(r"https://epa\.example\.org(/invitation/[A-Za-z0-9_-]+/)")
SAM = "sam.taylor@example.org"


def invitations_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address] and "invit" in m.subject.lower()]


@override_settings(SITE_URL="https://epa.example.org")
def test_registering_an_apprentice_invites_them(
    login: Callable[[User], Client],
    bob: User,
    form_data: Callable[..., dict[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/apprentices/register/", form_data())
    invitation = Invitation.objects.get(email=SAM)
    assert (invitation.role, invitation.invited_by, invitation.organisation) == (
        "apprentice",
        bob,
        None,
    )
    [message] = invitations_to(SAM)
    assert "Bob Provider" in message.body
    assert "Acme Training" in message.body
    path = LINK.search(message.body).group(1)  # type: ignore[union-attr]

    client.logout()
    client.post(
        path,
        {"full_name": "Sam Taylor", "password1": PASSWORD, "password2": PASSWORD},
    )
    sam = User.objects.get(email=SAM)
    assert Apprentice.objects.get(email=SAM).user == sam
    registration = Registration.objects.get()
    assert client.get(f"/apprentices/{registration.pk}/").status_code == 200


def test_registering_many_from_a_csv_file_invites_each_new_apprentice(
    login: Callable[[User], Client],
    bob: User,
    specs: object,
    employer: object,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [
        csv_row(uln=make_uln(n), given_names=f"Learner{n}", email=f"learner{n}@example.org")
        for n in (1, 2)
    ]
    text = "\r\n".join([CSV_HEADER, *rows]) + "\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        login(bob).post(
            "/apprentices/upload/",
            {"file": SimpleUploadedFile("a.csv", text.encode(), content_type="text/csv")},
        )
    assert Registration.objects.count() == 2
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "learner1@example.org",
        "learner2@example.org",
    ]


def test_registering_an_apprentice_who_has_an_account_invites_no_one(
    login: Callable[[User], Client],
    bob: User,
    pat: User,
    form_data: Callable[..., dict[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        login(bob).post("/apprentices/register/", form_data(email=pat.email))
    assert Registration.objects.count() == 1
    assert not Invitation.objects.exists()


@override_settings(SITE_URL="https://epa.example.org")
def test_the_provider_invites_the_apprentice_again_from_their_page(
    login: Callable[[User], Client],
    bob: User,
    make_registration: Callable[..., Registration],
) -> None:
    registration = make_registration(given_names="Sam", family_name="Taylor")
    client = login(bob)
    page = client.get(f"/apprentices/{registration.pk}/").content.decode()
    assert "has no OpenEPA account" in page
    assert f'action="/apprentices/{registration.pk}/invite/"' in page

    first = client.post(f"/apprentices/{registration.pk}/invite/", follow=True)
    assert "An invitation was emailed to" in first.content.decode()
    again = client.post(f"/apprentices/{registration.pk}/invite/", follow=True)
    html = again.content.decode()
    assert "An invitation was emailed to" in html
    assert "Invite again" in html  # the page now says an invitation is waiting

    email = registration.apprentice.email
    assert len(invitations_to(email)) == 2
    older, newer = Invitation.objects.filter(email=email).order_by("pk")
    assert older.expires_at <= newer.created_at  # only the newest link works
    first_link = LINK.search(invitations_to(email)[0].body).group(1)  # type: ignore[union-attr]
    client.logout()
    assert client.get(first_link).status_code == 410


def test_only_the_admin_and_the_apprentices_provider_invite_them(
    login: Callable[[User], Client],
    erin: User,
    charlie: User,
    alice: User,
    make_registration: Callable[..., Registration],
) -> None:
    registration = make_registration()
    url = f"/apprentices/{registration.pk}/invite/"
    assert login(erin).post(url).status_code == 403
    assert login(charlie).post(url).status_code == 404
    assert login(alice).post(url).status_code == 302
    assert Invitation.objects.count() == 1


def test_an_apprentice_with_an_account_is_not_invited_again(
    login: Callable[[User], Client],
    bob: User,
    pat: User,
    make_registration: Callable[..., Registration],
) -> None:
    registration = make_registration(apprentice_user=pat)
    client = login(bob)
    page = client.get(f"/apprentices/{registration.pk}/").content.decode()
    assert "has an OpenEPA account" in page
    response = client.post(f"/apprentices/{registration.pk}/invite/", follow=True)
    assert "already has an OpenEPA account" in response.content.decode()
    assert not Invitation.objects.exists()
