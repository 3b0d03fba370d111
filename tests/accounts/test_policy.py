"""The EPAO's quality settings: who may change them, validation, concurrent edits, audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openepa.accounts.models import EpaoPolicy
from openepa.accounts.policy import PolicyChanged, policy_of, update_policy
from openepa.audit.models import AuditEvent

URL = reverse("results:policy")


def _data(**overrides):
    data = {
        "revision": "1",
        "sample_first_decisions": "5",
        "sample_all_fails": "yes",
        "sample_all_distinctions": "no",
        "sample_percent_of_rest": "20",
        "appeal_period_days": "31",
        "claim_top_grade_immediately": "yes",
    }
    data.update(overrides)
    return data


def test_the_admin_sees_and_changes_the_settings_and_the_change_is_audited(login, alice, epao):
    client = login(alice)
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Share of the other decisions sampled at random (per cent)" in page.content
    assert b"Appeal period (days after the result is released)" in page.content
    response = client.post(URL, _data())
    assert response.status_code == 302
    policy = EpaoPolicy.objects.get(epao=epao)
    assert (policy.sample_percent_of_rest, policy.sample_all_distinctions) == (20, False)
    assert policy.claim_top_grade_immediately is True
    assert (policy.revision, policy.updated_by) == (2, alice)
    event = AuditEvent.objects.get(action="results.policy_changed")
    assert event.changes["sample_percent_of_rest"] == {"old": 10, "new": 20}
    assert event.changes["sample_all_distinctions"] == {"old": True, "new": False}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "The share sampled must be 100 per cent or less"),
        ("-1", "The share sampled must be 0 per cent or more"),
        ("ten", "Enter the share sampled as a whole number from 0 to 100, like 10"),
    ],
)
def test_the_share_sampled_must_be_a_percentage(login, alice, epao, value, message):
    response = login(alice).post(URL, _data(sample_percent_of_rest=value))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert f'value="{value}"' in response.content.decode()
    assert policy_of(epao).sample_percent_of_rest == 10


def test_a_concurrent_edit_is_refused_and_the_admins_input_kept(login, alice, epao, db):
    policy_of(epao)
    update_policy(epao, alice, revision=1, sample_percent_of_rest=30)
    response = login(alice).post(URL, _data(sample_percent_of_rest="40"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alice Admin changed the quality settings at" in body
    assert 'value="40"' in body
    assert 'name="revision" value="2"' in body
    assert policy_of(epao).sample_percent_of_rest == 30
    with pytest.raises(PolicyChanged):
        update_policy(epao, alice, revision=1, sample_percent_of_rest=50)


def test_other_roles_and_another_epao(login, anna, mallory, epao, other_epao):
    assert login(anna).get(URL).status_code == 403
    login(mallory).post(URL, _data(sample_percent_of_rest="50"))
    assert policy_of(epao).sample_percent_of_rest == 10
    assert policy_of(other_epao).sample_percent_of_rest == 50
