"""Files for EPAOs that upload by hand: only ready claims that pass every check today."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.claims.models import CertificateClaim
from openepa.registration.models import CertificateConsent

HEADER = (
    "RequestId,Uln,GivenNames,FamilyName,StandardCode,StandardReference,Version,CourseOption,"
    "OverallGrade,AchievementDate,ContactName,Organisation,AddressLine1,City,PostCode"
)


def _get(client: Client, name: str) -> Any:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode()


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_the_csv_has_exactly_the_columns_of_the_services_sample(
    add_claims: Callable[[int], list[CertificateClaim]],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    claims = add_claims(2)  # the first is ready
    ready = claims[0]
    CertificateClaim.objects.filter(pk=ready.pk).update(family_name="=HYPERLINK(1)")
    client = login(alice)
    response, text = _get(client, "claims:export_csv")
    assert response["Content-Disposition"] == 'attachment; filename="certificate-claims-ready.csv"'
    lines = text.split("\n")
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 0  # the family name no longer matches the apprentice's
    CertificateClaim.objects.filter(pk=ready.pk).update(
        family_name=ready.family_name, contact_name="-Pat", address_line_1="@1 High Street"
    )
    _, text = _get(client, "claims:export_csv")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row == {
        "RequestId": f"openepa-claim-{ready.pk}",
        "Uln": ready.uln,
        "GivenNames": ready.given_names,
        "FamilyName": ready.family_name,
        "StandardCode": "123",
        "StandardReference": "ST0071",
        "Version": "1.2",
        "CourseOption": "",
        "OverallGrade": "Pass",
        "AchievementDate": "22/11/2026 00:00",
        "ContactName": "'-Pat",
        "Organisation": "Bright Retail",
        "AddressLine1": "'@1 High Street",
        "City": "Leeds",
        "PostCode": "LS1 1AA",
    }


def test_only_ready_claims_that_pass_every_check_are_exported_and_the_rest_listed(
    add_claims: Callable[[int], list[CertificateClaim]],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    claims = add_claims(7)  # ready: 0, 3, 6
    failing = claims[3]
    CertificateConsent.objects.filter(registration=failing.registration).delete()
    CertificateClaim.objects.filter(pk=claims[6].pk).update(postcode="W1P 1AA")
    client = login(alice)
    _, text = _get(client, "claims:export_json")
    batches = json.loads(text)
    assert [[item["requestId"] for item in batch] for batch in batches] == [
        [f"openepa-claim-{claims[0].pk}"]
    ]
    _, text = _get(client, "claims:export_csv")
    assert [row["RequestId"] for row in csv.DictReader(io.StringIO(text))] == [
        f"openepa-claim-{claims[0].pk}"
    ]
    page = client.get(reverse("claims:list")).content.decode()
    assert "Ready claims that now fail a check" in page
    assert "2 ready claims fail a check today" in page
    assert failing.full_name in page
    assert "written permission to apply for their certificate is not recorded" in page
    assert "Provide a valid UK postcode. &quot;W1P 1AA&quot; is not a postcode" in page
    assert "Download the 1 ready claim that passes every check today" in page
    assert "each of at most 25 requests" in page


def test_the_json_is_batches_of_at_most_25_requests_in_the_services_shape(
    add_claims: Callable[[int], list[CertificateClaim]],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    add_claims(78)  # 26 ready
    response, text = _get(login(alice), "claims:export_json")
    assert response["Content-Type"] == "application/json"
    batches = json.loads(text)
    assert [len(batch) for batch in batches] == [25, 1]
    first = batches[0][0]
    assert set(first) == {"requestId", "standard", "learner", "learningDetails", "postalContact"}
    assert first["standard"] == {"standardCode": 123, "standardReference": "ST0071"}
    assert first["postalContact"]["organisation"] == "Bright Retail"
    keys = _keys(batches)
    assert "givenNames" not in keys
    assert "addressLine4" not in keys


def test_an_export_without_ready_claims_is_empty(
    alice: User, login: Callable[[User], Client]
) -> None:
    _, text = _get(login(alice), "claims:export_json")
    assert json.loads(text) == []
    _, text = _get(login(alice), "claims:export_csv")
    assert text == HEADER + "\n"
