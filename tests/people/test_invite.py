"""Alice the EPAO admin invites people by email with a role and their organisation."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import override_settings

from openepa.accounts.models import Invitation, Organisation, User
from openepa.audit.models import AuditEvent
from openepa.registration.models import Apprentice, Registration

VALID_ULNS = ("9999999009", "5555555503")  # both pass the ULN check-digit rule
LINK = re.compile(r"https://epa\.example\.org/invitation/([A-Za-z0-9_-]+)/")


def invite(client: Client, **fields: object) -> object:
    data = {"email": "", "full_name": "", "role": "", "organisation": "", "uln": ""}
    data.update({key: str(value) for key, value in fields.items()})
    return client.post("/people/invite/", data)


@override_settings(SITE_URL="https://epa.example.org")
def test_alice_invites_a_provider_user_who_gets_an_email_with_the_link(
    login: Callable[[User], Client], alice: User, provider: Organisation
) -> None:
    response = invite(
        login(alice),
        email="Dan@Acme.Example",
        full_name="Dan Provider",
        role="provider",
        organisation=provider.pk,
    )
    assert response.status_code == 302
    assert response["Location"] == "/people/invitations/"
    invitation = Invitation.objects.get()
    assert invitation.email == "dan@acme.example"
    assert (invitation.role, invitation.organisation, invitation.epao) == (
        "provider",
        provider,
        alice.epao,
    )
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dan@acme.example"]
    assert "Demo EPAO" in message.subject
    assert "Acme Training" in message.body
    token = LINK.search(message.body).group(1)  # type: ignore[union-attr]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    event = AuditEvent.objects.get(action="invitation.created")
    assert event.actor == alice
    assert event.changes["role"]["new"] == "Training provider"
    assert event.changes["organisation"]["new"] == "Acme Training"


def test_the_invitations_page_confirms_it_was_sent(
    login: Callable[[User], Client], alice: User, employer: Organisation
) -> None:
    client = login(alice)
    invite(
        client,
        email="fay@bright.example",
        full_name="Fay",
        role="employer",
        organisation=employer.pk,
    )
    html = client.get("/people/invitations/").content.decode()
    assert "An invitation was emailed to fay@bright.example" in html
    assert "Waiting" in html
    assert "Bright Retail" in html


def test_an_assessor_belongs_to_the_epao_whatever_organisation_is_chosen(
    login: Callable[[User], Client], alice: User, provider: Organisation, epao: Organisation
) -> None:
    invite(
        login(alice),
        email="ash@epao.example",
        full_name="Ash Assessor",
        role="assessor",
        organisation=provider.pk,
    )
    assert Invitation.objects.get().organisation == epao


def test_the_organisation_must_match_the_role(
    login: Callable[[User], Client], alice: User, provider: Organisation
) -> None:
    client = login(alice)
    html = invite(
        client, email="x@y.example", full_name="X", role="employer", organisation=provider.pk
    ).content.decode()
    assert "Acme Training is not an employer: choose the employer this person works for" in html
    missing = invite(client, email="x@y.example", full_name="X", role="provider").content.decode()
    assert "Choose the training provider this person works for" in missing
    assert 'value="x@y.example"' in missing
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_mallory_cannot_invite_into_another_epaos_organisation(
    login: Callable[[User], Client], mallory: User, provider: Organisation
) -> None:
    html = invite(
        login(mallory),
        email="m@x.example",
        full_name="M",
        role="provider",
        organisation=provider.pk,
    ).content.decode()
    assert "Choose an organisation from the list" in html
    assert "Acme Training" not in html
    assert not Invitation.objects.exists()


def test_missing_answers_are_each_explained(login: Callable[[User], Client], alice: User) -> None:
    html = invite(login(alice)).content.decode()
    assert "Select the person&#x27;s role" in html
    assert "Enter the person&#x27;s email address" in html
    assert "Enter the person&#x27;s full name" in html


def test_someone_who_already_has_an_account_is_not_invited(
    login: Callable[[User], Client], alice: User, bob: User, provider: Organisation
) -> None:
    html = invite(
        login(alice),
        email="BOB@acme.example",
        full_name="Bob",
        role="provider",
        organisation=provider.pk,
    ).content.decode()
    assert "bob@acme.example already has an OpenEPA account" in html


def test_a_new_invitation_replaces_an_open_one_to_the_same_address(
    login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    invite(client, email="ivan@epao.example", full_name="Ivan", role="iqa")
    invite(client, email="ivan@epao.example", full_name="Ivan", role="assessor")
    first, second = Invitation.objects.order_by("created_at", "pk")
    assert first.expires_at <= second.created_at
    assert second.expires_at > second.created_at


def test_an_apprentice_is_invited_by_uln_with_the_email_on_their_registration(
    login: Callable[[User], Client], alice: User, make_registration: Callable[..., Registration]
) -> None:
    apprentice = make_registration().apprentice
    response = invite(login(alice), role="apprentice", uln=apprentice.uln)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == apprentice.email
    assert invitation.full_name == apprentice.full_name
    assert invitation.organisation is None
    assert mail.outbox[0].to == [apprentice.email]


def test_an_apprentice_uln_is_checked(
    login: Callable[[User], Client], alice: User, make_registration: Callable[..., Registration]
) -> None:
    apprentice: Apprentice = make_registration().apprentice
    client = login(alice)
    bad = invite(client, role="apprentice", uln="1234567890").content.decode()
    assert "the check digit (the last digit) does not match" in bad
    other_email = invite(
        client, role="apprentice", uln=apprentice.uln, email="someone@else.example"
    ).content.decode()
    assert f"registration has the email address {apprentice.email}" in other_email
    not_for_staff = invite(
        client, role="iqa", uln=apprentice.uln, email="q@epao.example", full_name="Q"
    ).content.decode()
    assert "Leave the ULN empty: it is only for apprentices" in not_for_staff
    assert not Invitation.objects.exists()


def test_an_unknown_uln_is_refused(
    login: Callable[[User], Client], alice: User, make_registration: Callable[..., Registration]
) -> None:
    apprentice = make_registration().apprentice
    unknown = next(uln for uln in VALID_ULNS if uln != apprentice.uln)
    assert unknown != apprentice.uln
    html = invite(login(alice), role="apprentice", uln=unknown).content.decode()
    assert f"No apprentice with ULN {unknown} is registered with your EPAO" in html


def test_a_failed_email_keeps_the_invitation_and_says_so(
    login: Callable[[User], Client], alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr("openepa.people.services.send_mail", broken)
    client = login(alice)
    response = invite(client, email="ivan@epao.example", full_name="Ivan", role="iqa")
    assert response.status_code == 302
    assert Invitation.objects.filter(email="ivan@epao.example").exists()
    html = client.get("/people/invitations/").content.decode()
    assert "the email could not be sent" in html


def test_the_error_summary_follows_the_order_of_the_page(
    login: Callable[[User], Client], alice: User
) -> None:
    html = invite(login(alice), role="provider").content.decode()
    start = html.index("There is a problem")
    summary = html[start : html.index("</ul>", start)]
    assert summary.index("#id_email") < summary.index("#id_full_name")
    assert summary.index("#id_full_name") < summary.index("#id_organisation")
