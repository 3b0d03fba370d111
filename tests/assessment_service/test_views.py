"""The EPAO admin's pages of the assessment service: who may use them, what they show, exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.assessment_service.conftest import FakeService

from openepa.accounts.models import User
from openepa.assessment_service import services
from openepa.assessment_service.sending import send_due
from openepa.claims.models import CertificateClaim
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result

PAGES = ("overview", "refused", "waiting", "epa_records_csv", "epa_records_json")
NOT_CONFIGURED = "Sending to the apprenticeship assessment service is not configured"


def _epa(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    grade: str = "fail",
    **fields: Any,
) -> ServiceItem:
    registration = make_registration(**fields)
    make_result(registration, grade, on=date(2018, 9, 10))
    item = services.keep_epa_record(registration)
    assert item is not None
    return item


@pytest.mark.parametrize("page", PAGES)
def test_only_epao_admins_use_the_pages(
    page: str, client: Client, login: Callable[[User], Client], bob: User, anna: User, pat: User
) -> None:
    url = reverse(f"assessment_service:{page}")
    assert client.get(url).status_code == 302
    for person in (bob, anna, pat):
        assert login(person).get(url).status_code == 403


def test_the_overview_counts_by_state_and_says_sending_is_not_configured(
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    _epa(make_registration, make_result)
    _epa(make_registration, make_result)
    response = login(alice).get(reverse("assessment_service:overview"))
    text = response.content.decode()
    assert response.status_code == 200
    assert NOT_CONFIGURED in text
    assert "Send now" not in text
    assert [row.counts for row in response.context["counts"]] == [(2, 0, 0, 0, 0), (0, 0, 0, 0, 0)]
    assert "2 EPA records are waiting to be sent" in text


def test_another_epaos_admin_sees_none_of_it(
    login: Callable[[User], Client],
    mallory: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    item = _epa(make_registration, make_result)
    ServiceItem.objects.filter(pk=item.pk).update(
        state=ServiceItem.State.REFUSED, messages=["Provide a valid Standard"]
    )
    client = login(mallory)
    overview = client.get(reverse("assessment_service:overview"))
    assert [row.total for row in overview.context["counts"]] == [0, 0]
    assert (
        "Provide a valid Standard"
        not in client.get(reverse("assessment_service:refused")).content.decode()
    )
    rows = client.get(reverse("assessment_service:epa_records_csv")).getvalue().decode()
    assert rows.splitlines()[1:] == []


def test_the_refused_list_gives_each_message_what_to_do_and_the_page_that_fixes_it(
    service: FakeService,
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    item = _epa(make_registration, make_result, family_name="VanDijk")
    claim = make_claim(make_registration())
    services.keep_certificate(claim)
    service.refuse[item.registration.apprentice.uln] = ["ULN, FamilyName and Standard not found"]
    service.refuse[claim.uln] = ["Provide a valid UK postcode", "Provide a valid Standard"]
    send_due()
    response = login(alice).get(reverse("assessment_service:refused"))
    text = response.content.decode()
    assert "“ULN, FamilyName and Standard not found”" in text
    assert reverse("registration:correct", args=[item.registration_id]) in text
    assert "Complete the postal contact on the claim" in text
    assert reverse("claims:detail", args=[claim.pk]) in text
    assert "Set the standard&#x27;s LARS code" in text
    assert reverse("settings") in text


def test_the_lists_read_the_same_number_of_queries_for_1_or_25_items(
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    django_assert_max_num_queries: Any,
) -> None:
    client = login(alice)

    def refuse_all() -> None:
        ServiceItem.objects.update(
            state=ServiceItem.State.REFUSED, messages=["Provide a valid Standard"]
        )

    _epa(make_registration, make_result)
    refuse_all()
    counted = {}
    for page in ("overview", "refused", "waiting"):
        with django_assert_max_num_queries(20) as few:
            client.get(reverse(f"assessment_service:{page}"))
        counted[page] = len(few.captured_queries)
    for _ in range(30):
        _epa(make_registration, make_result)
    refuse_all()
    for page in ("overview", "refused", "waiting"):
        with django_assert_max_num_queries(counted[page]):
            response = client.get(reverse(f"assessment_service:{page}"))
    refused = client.get(reverse("assessment_service:refused"))
    assert len(refused.context["rows"]) == 25
    assert refused.context["page_obj"].paginator.count == 31
    assert response.status_code == 200


def test_the_waiting_list_shows_the_last_error_and_the_next_try(
    service: FakeService,
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    _epa(make_registration, make_result)
    service.fail_next(503, body="Down for maintenance")
    send_due()
    text = login(alice).get(reverse("assessment_service:waiting")).content.decode()
    assert "The service answered 503: Down for maintenance" in text
    assert "1 failed attempt" in text
    assert NOT_CONFIGURED not in text


def test_send_now_sends_what_waits_at_once(
    service: FakeService,
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = _epa(make_registration, make_result)
    service.fail_next(429, headers={"Retry-After": "3600"})
    send_due()
    client = login(alice)
    assert "Send now" in client.get(reverse("assessment_service:overview")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment_service:send_now"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ServiceItem.State.SENT


def test_send_now_without_the_service_says_it_is_not_configured(
    login: Callable[[User], Client], alice: User, bob: User
) -> None:
    response = login(alice).post(reverse("assessment_service:send_now"), follow=True)
    assert NOT_CONFIGURED in response.content.decode()
    assert login(bob).post(reverse("assessment_service:send_now")).status_code == 403


def test_the_csv_has_exactly_the_clients_columns_one_row_per_learner(
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    item = _epa(make_registration, make_result, given_names="Fred", family_name="Blogs")
    registration = item.registration
    make_result(registration, "pass", on=date(2018, 12, 1), kind="resit")
    services.keep_epa_record(registration)
    item.refresh_from_db()
    response = login(alice).get(reverse("assessment_service:epa_records_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == [
        "RequestId",
        "Uln",
        "GivenNames",
        "FamilyName",
        "StandardCode",
        "StandardReference",
        "Version",
        "CourseOption",
        "EpaOutcome",
        "EpaDate",
    ]
    assert rows[1:] == [
        [
            f"openepa-{item.pk}-2",
            registration.apprentice.uln,
            "Fred",
            "Blogs",
            str(item.payload["standard"]["standardCode"] or ""),
            "ST0071",
            registration.version,
            "",
            "Pass",
            "01/12/2018 00:00",
        ]
    ]


def test_the_json_holds_the_due_records_as_requests_in_batches_of_25(
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    items = [_epa(make_registration, make_result) for _ in range(27)]
    ServiceItem.objects.filter(pk=items[0].pk).update(reference="00012345")
    ServiceItem.objects.filter(pk=items[1].pk).update(state=ServiceItem.State.SENT)
    response = login(alice).get(reverse("assessment_service:epa_records_json"))
    batches = json.loads(response.getvalue())
    assert [len(batch) for batch in batches] == [25, 1]
    creates, updates = batches
    assert all("epaReference" not in entry for entry in creates)
    assert updates[0]["epaReference"] == "00012345"
    assert creates[0]["requestId"] == f"openepa-{items[2].pk}-1"
    assert creates[0]["epaDetails"]["epas"] == [
        {"epaDate": "2018-09-10T00:00:00", "epaOutcome": "Fail"}
    ]


def test_a_bad_key_shows_as_a_problem_of_configuration(
    service: FakeService,
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    _epa(make_registration, make_result)
    service.fail_next(401, body='{"statusCode": 401, "message": "Access denied"}')
    send_due()
    client = login(alice)
    text = client.get(reverse("assessment_service:overview")).content.decode()
    assert "A problem of configuration: The service refused the whole request (401" in text
    assert "check ASSESSMENT_SERVICE_KEY" in text
    send_due(honour_backoff=False)
    text = client.get(reverse("assessment_service:overview")).content.decode()
    assert "A problem of configuration" not in text
