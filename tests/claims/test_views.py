"""The certificate claim pages: who may use them, the list, the form, moves and export."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.claims import services
from openepa.claims.models import CertificateClaim
from openepa.registration.models import Registration
from openepa.results.models import Result

AFTER_APPEALS = date(2026, 12, 24)
PEOPLE = ["alice", "anna", "ivy", "bob", "erin", "pat", "charlie", "eve", "mallory"]


@pytest.fixture
def claim(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    anna: User,
    ivy: User,
    pat: User,
) -> CertificateClaim:
    """Pat's claim (Pat's registration, Anna assessor, Ivy IQA), LARS code entered."""
    registration = make_registration(
        apprentice_user=pat, assessor=anna, iqa=ivy, family_name="Example", given_names="Pat"
    )
    claim = services.draft_claim_for_result(make_result(registration), alice)
    CertificateClaim.objects.filter(pk=claim.pk).update(standard_code=123)
    claim.refresh_from_db()
    return claim


def _form(claim: CertificateClaim, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        field: ("" if getattr(claim, field) is None else getattr(claim, field))
        for field in services.EDITABLE_FIELDS
        if field != "achievement_date"
    }
    day = claim.achievement_date
    assert day is not None
    data.update(
        {
            "achievement_date_day": day.day,
            "achievement_date_month": day.month,
            "achievement_date_year": day.year,
            "revision": claim.revision,
            "reason": "Checked with the apprentice",
        }
    )
    data.update(changes)
    return data


@pytest.mark.parametrize("name", ["claims:detail", "claims:edit"])
def test_only_the_epao_admin_reaches_a_claim(
    name: str, claim: CertificateClaim, client: Client, request: pytest.FixtureRequest
) -> None:
    url = reverse(name, args=[claim.pk])
    assert client.get(url).status_code == 302
    expected = dict.fromkeys(PEOPLE, 403) | {"alice": 200, "mallory": 404}
    actual = {}
    for person in PEOPLE:
        client.force_login(
            request.getfixturevalue(person), backend="django.contrib.auth.backends.ModelBackend"
        )
        actual[person] = client.get(url).status_code
    assert actual == expected


def test_another_epaos_admin_cannot_move_or_draft(
    claim: CertificateClaim, login: Callable[[User], Client], mallory: User, anna: User
) -> None:
    client = login(mallory)
    url = reverse("claims:move", args=[claim.pk])
    assert client.post(url, {"target": "ready", "revision": claim.revision}).status_code == 404
    assert client.post(reverse("claims:draft_missing")).status_code == 302
    client = login(anna)
    assert client.post(url, {"target": "ready", "revision": claim.revision}).status_code == 403
    assert client.post(reverse("claims:draft_missing")).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "draft"
    assert CertificateClaim.objects.count() == 1


def test_mallory_sees_none_of_the_claims(
    claim: CertificateClaim, login: Callable[[User], Client], mallory: User
) -> None:
    client = login(mallory)
    response = client.get(reverse("claims:list"))
    assert claim.full_name not in response.content.decode()
    assert json.loads(b"".join(client.get(reverse("claims:export_json")).streaming_content)) == []


def test_the_detail_shows_what_stops_ready_and_the_history(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: date(2026, 12, 1))
    page = login(alice).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "The claim cannot be marked ready yet" in page
    assert "ends on 23 December 2026" in page
    assert "Drafted from the released result" in page
    assert "Certificate claim: Pat Example – OpenEPA" in page


def test_marking_ready_too_soon_is_refused_with_the_reason(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: date(2026, 12, 23))
    response = login(alice).post(
        reverse("claims:move", args=[claim.pk]), {"target": "ready", "revision": claim.revision}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "the claim can be marked ready from 24 December 2026" in page
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_marking_ready_after_the_appeal_period(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: AFTER_APPEALS)
    client = login(alice)
    response = client.post(
        reverse("claims:move", args=[claim.pk]), {"target": "ready", "revision": claim.revision}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "ready"
    response = client.post(
        reverse("claims:move", args=[claim.pk]),
        {"target": "delivered", "revision": claim.revision},
    )
    page = response.content.decode()
    assert "A ready claim cannot be marked delivered" in page
    assert "Select a status from the list" not in page
    response = client.post(reverse("claims:move", args=[claim.pk]), {"revision": claim.revision})
    assert "Select the claim&#x27;s new status" in response.content.decode()


def test_the_form_shows_errors_in_the_summary(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).post(
        reverse("claims:edit", args=[claim.pk]),
        _form(claim, postcode="90210", uln="123", reason=""),
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a real UK postcode, like LS1 1AA" in page
    assert "Enter a ULN of 10 digits" in page
    assert "Enter why you are changing the claim" in page
    assert "<title>Error: " in page
    assert CertificateClaim.objects.get(pk=claim.pk).revision == claim.revision


def test_saving_the_form_keeps_the_change_in_the_history(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    response = client.post(
        reverse("claims:edit", args=[claim.pk]),
        _form(claim, recipient="employer", organisation="Bright Retail", postcode="ls1 4ap"),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.recipient, claim.organisation, claim.postcode) == (
        "employer",
        "Bright Retail",
        "LS1 4AP",
    )
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Checked with the apprentice" in page
    assert "Organisation: “” to “Bright Retail”" in page
    assert "Send the certificate to: “apprentice” to “employer”" in page


def test_a_concurrent_edit_is_refused_and_keeps_what_was_typed(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    stale = _form(claim, city="Hull", reason="Second person")
    client.post(reverse("claims:edit", args=[claim.pk]), _form(claim, city="York"))
    response = client.post(reverse("claims:edit", args=[claim.pk]), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed this claim" in page
    assert "Your changes have not been saved and are shown below" in page
    assert 'value="Hull"' in page
    assert "Second person" in page
    assert CertificateClaim.objects.get(pk=claim.pk).city == "York"


def _add_claims(
    count: int,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    for number in range(count):
        claim = services.draft_claim_for_result(make_result(make_registration()), alice)
        if number % 3 == 0:
            CertificateClaim.objects.filter(pk=claim.pk).update(status="ready")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("claims:list", ""),
        ("claims:list", "?status=ready&sort=name"),
        ("claims:export_json", ""),
        ("claims:export_csv", "?status=draft"),
    ],
)
def test_list_and_exports_keep_their_query_count(
    name: str,
    query: str,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    client = login(alice)
    url = reverse(name) + query
    _add_claims(3, make_registration, make_result, alice)
    few = _queries(client, url)
    _add_claims(30, make_registration, make_result, alice)
    assert _queries(client, url) == few


def test_the_list_filters_by_status_and_paginates(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    _add_claims(30, make_registration, make_result, alice)
    client = login(alice)
    response = client.get(reverse("claims:list"))
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.count == 30
    ready = client.get(reverse("claims:list") + "?status=ready").context["page_obj"]
    assert ready.paginator.count == 10
    assert {claim.status for claim in ready.object_list} == {"ready"}
    assert client.get(reverse("claims:list") + "?status=nonsense").status_code == 200


def test_the_exports_hold_only_ready_claims(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    _add_claims(4, make_registration, make_result, alice)  # 2 ready, 2 drafts
    ready = {
        f"openepa-claim-{pk}"
        for pk in CertificateClaim.objects.filter(status="ready").values_list("pk", flat=True)
    }
    client = login(alice)
    for query in ("", "?status=draft", "?status=ready"):
        response = client.get(reverse("claims:export_json") + query)
        assert response["Content-Type"] == "application/json"
        requests = json.loads(b"".join(response.streaming_content))
        assert {r["requestId"] for r in requests} == ready, query
    assert set(requests[0]) == {
        "requestId",
        "standard",
        "learner",
        "learningDetails",
        "postalContact",
    }
    response = client.get(reverse("claims:export_csv") + "?status=draft")
    assert response["Content-Disposition"] == 'attachment; filename="certificate-claims-ready.csv"'
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("requestId,standardCode,standardReference,uln")
    assert all(line.endswith(",ready") for line in lines[1:])
    page = client.get(reverse("claims:list") + "?status=draft").content.decode()
    assert "Download the 2 ready claims" in page


def test_the_grade_list_offers_only_the_grades_the_specification_awards(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    form = client.get(reverse("claims:edit", args=[claim.pk])).context["form"]
    assert [value for value, _ in form.fields["overall_grade"].choices] == ["Pass", "Distinction"]
    page = client.get(reverse("claims:edit", args=[claim.pk])).content.decode()
    assert ">Merit<" not in page
    response = client.post(
        reverse("claims:edit", args=[claim.pk]), _form(claim, overall_grade="Merit")
    )
    text = response.content.decode()
    assert "There is a problem" in text
    assert (
        "Select Pass or Distinction: the only grades Highfield Assessment&#x27;s specification "
        "for ST0071 awards" in text
    )
    assert CertificateClaim.objects.get(pk=claim.pk).overall_grade == "Pass"


def test_the_button_drafts_missing_claims(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    for _ in range(2):
        make_result(make_registration())
    client = login(alice)
    page = client.get(reverse("claims:list")).content.decode()
    assert "2 achieved results have no claim yet" in page
    response = client.post(reverse("claims:draft_missing"), follow=True)
    assert "2 claims drafted" in response.content.decode()
    assert CertificateClaim.objects.count() == 2
    response = client.post(reverse("claims:draft_missing"), follow=True)
    assert "Every achieved result already has a claim" in response.content.decode()


def test_the_navigation_links_the_admin_to_claims(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    assert 'href="/claims/"' in login(alice).get(reverse("home")).content.decode()
    assert 'href="/claims/"' not in login(anna).get(reverse("home")).content.decode()


def test_a_ready_claim_changed_warns_outside_the_green_banner(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    CertificateClaim.objects.filter(pk=claim.pk).update(status=CertificateClaim.Status.READY)
    claim.refresh_from_db()
    client = login(alice)
    response = client.post(
        reverse("claims:edit", args=[claim.pk]), _form(claim, postcode="ls1 4ap"), follow=True
    )
    banners = re.findall(
        r'<div class="govuk-notification-banner( govuk-notification-banner--success)?".*?'
        r'<p class="govuk-notification-banner__heading">(.*?)</p>',
        response.content.decode(),
        re.DOTALL,
    )
    success = [text for green, text in banners if green]
    others = [text for green, text in banners if not green]
    assert len(success) == 1
    assert "was saved" in success[0]
    assert "back in draft" not in success[0]
    assert any("back in draft" in banner for banner in others)
