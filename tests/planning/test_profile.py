"""Alice the EPAO admin sees and changes Anna the assessor's profile; Anna sees her own.

Every change is audited with its old and new values; two admins saving at once are told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.planning import services
from openepa.planning.models import AssessorProfile
from openepa.specifications.models import SpecificationRecord

pytestmark = pytest.mark.usefixtures("specs")


def _edit(anna: User) -> str:
    return reverse("planning:profile_edit", args=[anna.pk])


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "revision": 1,
        "approved_specs": ["st0071-highfield", "st0072-activeiq"],
        "weekly_capacity": "4",
        "working_days": ["0", "1", "2"],
        "region": "Yorkshire and the Humber",
        "assesses_remotely": "yes",
    }
    data.update(changes)
    return data


def test_alice_changes_annas_profile_and_it_is_audited(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    client = login(alice)
    assert client.get(_edit(anna)).status_code == 200
    response = client.post(_edit(anna), _form())
    assert response.status_code == 302
    profile = AssessorProfile.objects.get(user=anna)
    assert profile.approved_specs == ["st0071-highfield", "st0072-activeiq"]
    assert (profile.weekly_capacity, profile.working_days) == (4, [0, 1, 2])
    assert (profile.region, profile.assesses_remotely, profile.revision) == (
        "Yorkshire and the Humber",
        True,
        2,
    )
    event = AuditEvent.objects.get(action="planning.profile_changed")
    assert event.changes["weekly_capacity"] == {"old": 5, "new": 4}
    assert event.changes["working_days"] == {"old": [0, 1, 2, 3, 4], "new": [0, 1, 2]}
    page = client.get(reverse("planning:profile", args=[anna.pk])).content.decode()
    assert "Monday, Tuesday, Wednesday" in page
    assert "Yorkshire and the Humber" in page


def test_bad_input_is_explained_and_kept(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    client = login(alice)
    response = client.post(
        _edit(anna), _form(weekly_capacity="lots", working_days=[], region="Leeds")
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Assessments a week must be a whole number, like 5" in text
    assert "Select at least one day they work" in text
    assert 'value="Leeds"' in text
    assert not AuditEvent.objects.exists()


def test_two_admins_saving_at_once_do_not_overwrite_each_other(
    login: Callable[[User], Client], alice: User, anna: User, epao: Any
) -> None:
    alan = User.objects.create_user(
        "alan@epao.example", "x" * 20, full_name="Alan", role="epao_admin", epao=epao
    )
    login(alan).post(_edit(anna), _form(weekly_capacity="3"))
    client = login(alice)
    response = client.post(_edit(anna), _form(weekly_capacity="8"))
    assert "Someone else changed the profile of Anna Assessor" in response.content.decode()
    assert AssessorProfile.objects.get(user=anna).weekly_capacity == 3
    # The form now carries the new revision: saving again works.
    again = client.post(_edit(anna), _form(weekly_capacity="8", revision=2))
    assert again.status_code == 302
    assert AssessorProfile.objects.get(user=anna).weekly_capacity == 8


def test_anna_sees_her_own_profile_but_not_another_assessors(
    login: Callable[[User], Client], anna: User, ivy: User, epao: Any
) -> None:
    services.profile_of(anna)
    client = login(anna)
    response = client.get(reverse("planning:my_profile"), follow=True)
    assert response.status_code == 200
    assert "Your profile" in response.content.decode()
    assert client.get(reverse("planning:profile", args=[ivy.pk])).status_code == 404
    assert client.get(_edit(anna)).status_code == 403


def test_the_approved_specifications_are_the_current_ones(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    response = login(alice).get(_edit(anna))
    offered = [value for value, _ in response.context["form"].fields["approved_specs"].choices]
    assert offered == sorted(
        SpecificationRecord.objects.filter(is_current=True).values_list("spec_id", flat=True)
    )
    refused = login(alice).post(_edit(anna), _form(approved_specs=["st9999-nobody"]))
    assert "Select specifications from the list" in refused.content.decode()


def test_looking_at_a_profile_stores_nothing(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    page = login(alice).get(reverse("planning:profile", args=[anna.pk]))
    assert "None yet: not offered for any apprentice until approved" in page.content.decode()
    login(alice).get(_edit(anna))
    assert not AssessorProfile.objects.exists()
