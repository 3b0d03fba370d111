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
from django.utils import timezone

from openepa.accounts.models import StandardAtService, User
from openepa.claims import services
from openepa.claims.events import ClaimSubmitRequested
from openepa.claims.models import CertificateClaim
from openepa.claims.service_records import record_from_service
from openepa.claims.standards import FactsCache, StandardInfo
from openepa.registration.models import CertificateConsent, LearnerCheck, Registration
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
    lars_code: StandardAtService,
    give_consent: Callable[[Registration], CertificateConsent],
    look_up: Callable[..., LearnerCheck],
) -> CertificateClaim:
    """Pat's claim (Pat's registration, Anna assessor, Ivy IQA), ST0071's LARS code set.

    Pat was looked up and matched at the service (read when it is configured).
    """
    registration = make_registration(
        apprentice_user=pat, assessor=anna, iqa=ivy, family_name="Example", given_names="Pat"
    )
    give_consent(registration)
    look_up(registration)
    return services.draft_claim_for_result(make_result(registration), alice)


def _form(claim: CertificateClaim, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        field: ("" if getattr(claim, field) is None else getattr(claim, field))
        for field in services.EDITABLE_FIELDS
        if field not in ("achievement_date", "option")
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
        _form(claim, postcode="W1P 1AA", uln="0123456789", reason=""),
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Provide a valid UK postcode: the assessment service does not take" in page
    assert "&quot;W1P 1AA&quot;" in page
    assert (
        "ULN should contain exactly 10 numbers. Enter a valid ULN: a ULN never starts with 0"
        in (page)
    )
    assert "Enter why you are changing the claim" in page
    assert "<title>Error: " in page
    assert CertificateClaim.objects.get(pk=claim.pk).revision == claim.revision
    response = login(alice).post(reverse("claims:edit", args=[claim.pk]), _form(claim, uln="123"))
    assert "ULN should contain exactly 10 numbers. Enter a ULN of 10 digits" in (
        response.content.decode()
    )


def test_the_form_shows_the_standard_read_only_with_where_it_comes_from(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    response = client.get(reverse("claims:edit", args=[claim.pk]))
    form = response.context["form"]
    for gone in ("standard_code", "standard_reference", "version", "address_line_4", "option"):
        assert gone not in form.fields, gone
    page = response.content.decode()
    assert 'name="standard_code"' not in page
    assert 'name="address_line_4"' not in page
    assert "ST0071 Customer Service Specialist, version 1.2" in page
    assert "From the apprentice's registration" in page
    assert "set by Alice Admin on" in page
    assert "on the Standards at the assessment service page" in page
    assert "None: ST0071 version 1.2 has no course options" in page
    response = client.post(
        reverse("claims:edit", args=[claim.pk]),
        _form(claim, standard_code="999", standard_reference="ST0072", version="9.9"),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.standard_code, claim.standard_reference, claim.version) == (123, "ST0071", "1.2")


def test_the_course_option_is_a_choice_when_the_standard_has_options(
    claim: CertificateClaim,
    login: Callable[[User], Client],
    alice: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    info = FactsCache().info(claim.epao_id, "ST0071")
    files = {
        version: standard.model_copy(update={"course_options": ["French", "German"]})
        for version, standard in info.files.items()
    }
    monkeypatch.setattr(
        FactsCache, "info", lambda self, epao, ref: StandardInfo(ref, info.title, files, info.row)
    )
    client = login(alice)
    form = client.get(reverse("claims:edit", args=[claim.pk])).context["form"]
    assert [value for value, _ in form.fields["option"].choices] == ["French", "German"]
    response = client.post(reverse("claims:edit", args=[claim.pk]), _form(claim, option="Dutch"))
    assert "Select one of the standard&#x27;s course options" in response.content.decode()
    response = client.post(reverse("claims:edit", args=[claim.pk]), _form(claim, option="German"))
    assert response.status_code == 302
    assert CertificateClaim.objects.get(pk=claim.pk).option == "German"


def test_saving_the_form_keeps_the_change_in_the_history(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    response = client.post(
        reverse("claims:edit", args=[claim.pk]),
        _form(claim, recipient="employer", organisation="Bright Retail Ltd", postcode="ls1 4ap"),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.recipient, claim.organisation, claim.postcode) == (
        "employer",
        "Bright Retail Ltd",
        "LS1 4AP",
    )
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Checked with the apprentice" in page
    assert "Organisation: “Bright Retail” to “Bright Retail Ltd”" in page
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
@pytest.mark.parametrize("configured", [False, True])
def test_list_and_exports_keep_their_query_count(
    name: str,
    query: str,
    configured: bool,
    add_claims: Callable[[int], list[CertificateClaim]],
    alice: User,
    login: Callable[[User], Client],
    settings: Any,
) -> None:
    if configured:
        settings.ASSESSMENT_SERVICE_URL = "http://assessment-service.invalid"
    client = login(alice)
    url = reverse(name) + query
    add_claims(3)
    _queries(client, url)  # the EPAO's policy and the parsed specification, made once
    few = _queries(client, url)
    add_claims(30)
    assert _queries(client, url) == few


def test_the_list_filters_by_status_and_paginates(
    add_claims: Callable[[int], list[CertificateClaim]],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    add_claims(30)
    client = login(alice)
    response = client.get(reverse("claims:list"))
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.count == 30
    ready = client.get(reverse("claims:list") + "?status=ready").context["page_obj"]
    assert ready.paginator.count == 10
    assert {claim.status for claim in ready.object_list} == {"ready"}
    assert client.get(reverse("claims:list") + "?status=nonsense").status_code == 200
    page = client.get(reverse("claims:list") + "?status=not_delivered").content.decode()
    assert "No claim is delivery attempted." in page


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


def test_a_missing_consent_links_to_where_it_is_recorded_and_no_lars_code_is_needed(
    claim: CertificateClaim,
    login: Callable[[User], Client],
    alice: User,
    lars_code: StandardAtService,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: AFTER_APPEALS)
    lars_code.delete()  # the standard's reference alone names it to the service
    CertificateConsent.objects.filter(registration=claim.registration).delete()
    page = login(alice).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Provide a valid Standard" not in page
    assert "written permission to apply for their certificate is not recorded" in page
    registration = reverse("registration:detail", args=[claim.registration_id])
    assert f'href="{registration}">Open the apprentice&#x27;s page</a>' in page
    response = login(alice).post(
        reverse("claims:move", args=[claim.pk]), {"target": "ready", "revision": claim.revision}
    )
    assert f'href="{registration}"' in response.content.decode()


def test_without_the_service_the_page_says_so_and_keeps_the_manual_moves(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Sending to the apprenticeship assessment service is not configured" in page
    assert "Submit to the assessment service" not in page
    CertificateClaim.objects.filter(pk=claim.pk).update(status="ready")
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert [value for value, _ in response.context["move_form"].fields["target"].choices] == [
        "submitted",
        "draft",
    ]
    listing = client.get(reverse("claims:list")).content.decode()
    assert "Sending to the apprenticeship assessment service is not configured" in listing
    assert 'name="claims"' not in listing
    response = client.post(reverse("claims:submit", args=[claim.pk]), {"revision": 1})
    assert "Sending to the apprenticeship assessment service is not configured" in (
        response.content.decode()
    )


@pytest.mark.usefixtures("service_configured")
def test_a_ready_claim_is_submitted_from_its_page(
    claim: CertificateClaim,
    login: Callable[[User], Client],
    alice: User,
    monkeypatch: Any,
    heard: list[object],
) -> None:
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: AFTER_APPEALS)
    client = login(alice)
    services.mark_ready(claim, alice, revision=claim.revision)
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    page = response.content.decode()
    assert "Submit to the assessment service" in page
    assert [value for value, _ in response.context["move_form"].fields["target"].choices] == [
        "draft"
    ]
    stale = client.post(reverse("claims:submit", args=[claim.pk]), {"revision": 1})
    assert "the claim changed since the page was shown" in stale.content.decode()
    response = client.post(
        reverse("claims:submit", args=[claim.pk]), {"revision": claim.revision}, follow=True
    )
    page = response.content.decode()
    assert "will be submitted to the assessment service" in page
    assert "asked for this claim to be submitted on" in page
    assert "Submission to the assessment service requested" in page
    assert sum(isinstance(event, ClaimSubmitRequested) for event in heard) == 1
    moved = client.post(
        reverse("claims:move", args=[claim.pk]),
        {"target": "printed", "revision": CertificateClaim.objects.get(pk=claim.pk).revision},
    )
    assert "OpenEPA submits the certificate and follows it at the service" in (
        moved.content.decode()
    )


@pytest.mark.usefixtures("service_configured")
def test_selected_ready_claims_are_submitted_together(
    add_claims: Callable[[int], list[CertificateClaim]],
    login: Callable[[User], Client],
    alice: User,
    heard: list[object],
) -> None:
    claims = add_claims(4)  # the first and the fourth are ready
    ready = [claims[0], claims[3]]
    client = login(alice)
    page = client.get(reverse("claims:list")).content.decode()
    assert page.count('name="claims"') == 2
    assert "Submit the selected claims to the assessment service" in page
    response = client.post(
        reverse("claims:submit_selected") + "?sort=name",
        {"claims": [str(claims[0].pk), str(claims[1].pk)]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Certificate claims" in page
    assert (
        f"{claims[1].full_name} (ULN {claims[1].uln}): the claim is draft; only a ready claim "
        "can be submitted"
    ) in page
    assert f'value="{claims[0].pk}" checked' in page
    assert not any(isinstance(event, ClaimSubmitRequested) for event in heard)
    response = client.post(
        reverse("claims:submit_selected"), {"claims": [str(claim.pk) for claim in ready]}
    )
    assert response.status_code == 302
    [request] = [event for event in heard if isinstance(event, ClaimSubmitRequested)]
    assert sorted(claim.pk for claim in request.claims) == sorted(claim.pk for claim in ready)
    nothing = client.post(reverse("claims:submit_selected"), {})
    assert "Select the ready claims to submit" in nothing.content.decode()
    odd = client.post(reverse("claims:submit_selected"), {"claims": ["１２"]})
    assert odd.status_code == 404


@pytest.mark.usefixtures("service_configured")
def test_only_the_epaos_admin_submits_its_claims(
    claim: CertificateClaim, login: Callable[[User], Client], mallory: User, anna: User
) -> None:
    for url, data in (
        (reverse("claims:submit", args=[claim.pk]), {"revision": claim.revision}),
        (reverse("claims:submit_selected"), {"claims": [str(claim.pk)]}),
    ):
        assert login(mallory).post(url, data).status_code == 404
        assert login(anna).post(url, data).status_code == 403
    assert not claim.changes.filter(field="submission").exists()


def test_the_certificate_reference_is_shown_when_set(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    record_from_service(claim, service_status="Printed", certificate_reference="00012345")
    client = login(alice)
    assert "00012345" in client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    listing = client.get(reverse("claims:list")).content.decode()
    assert "Certificate 00012345" in listing
    assert "Printed" in listing


@pytest.mark.usefixtures("service_configured")
def test_a_claim_of_an_apprentice_never_looked_up_offers_to_look_them_up_now(
    claim: CertificateClaim,
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    mallory: User,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr("openepa.kernel.clock.today", lambda: AFTER_APPEALS)
    LearnerCheck.objects.filter(registration=claim.registration).delete()
    client = login(alice)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "has not been looked up at the assessment service yet" in page
    assert "Look the apprentice up now" in page
    with pytest.raises(services.ClaimRefused):
        services.mark_ready(claim, alice, revision=claim.revision)
    url = reverse("claims:look_up", args=[claim.pk])
    assert login(mallory).post(url).status_code == 404
    assert login(anna).post(url).status_code == 403
    client = login(alice)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("claims:detail", args=[claim.pk]), 302)]
    page = response.content.decode()
    assert "OpenEPA is asking the assessment service about" in page
    assert "is still waiting for the assessment service to answer a look-up" in page
    [check] = LearnerCheck.objects.filter(registration=claim.registration)
    assert (check.reason, check.requested_by, check.current) == ("claim", alice, True)


def test_without_the_service_the_claim_offers_no_look_up(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User
) -> None:
    LearnerCheck.objects.filter(registration=claim.registration).delete()
    page = login(alice).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Look the apprentice up now" not in page
    assert "looked up at the assessment service" not in page
    response = login(alice).post(reverse("claims:look_up", args=[claim.pk]), follow=True)
    assert "ASSESSMENT_SERVICE_URL is not set" in response.content.decode()
    assert not LearnerCheck.objects.filter(registration=claim.registration).exists()


def test_withdrawing_permission_after_the_application_says_it_is_not_cancelled(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User, pat: User
) -> None:
    CertificateClaim.objects.filter(pk=claim.pk).update(status="submitted")
    applied = timezone.localdate(claim.updated_at)
    url = reverse("registration:consent_withdraw", args=[claim.registration_id])
    client = login(pat)
    form = client.get(url).content.decode()
    when = applied.strftime("%-d %B %Y")
    words = f"Demo EPAO already applied for your certificate on {when}"
    assert words in form
    assert "does not cancel that application: contact Demo EPAO about it." in form
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert words in page
    shown = login(alice).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Permission withdrawn on" in shown
    assert "after the application was made" in shown
    assert "Not recorded" not in shown


def test_the_admins_registration_page_links_to_the_claim(
    claim: CertificateClaim, login: Callable[[User], Client], alice: User, bob: User
) -> None:
    link = reverse("claims:detail", args=[claim.pk])
    page = login(alice).get(reverse("registration:detail", args=[claim.registration_id]))
    assert link in page.content.decode()
    page = login(bob).get(reverse("registration:detail", args=[claim.registration_id]))
    assert link not in page.content.decode()
