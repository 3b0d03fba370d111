"""The assessment service's Get Learner, as the tests of learner checks need it.

It answers in the shapes of the published client's README (das-assessor-service-external-
apiclient, README.md, "GET Learner Details"): 200 with shape A (the learner known, no EPA
record), B (with an EPA record) or C (with a certificate); 403 with the service's message;
404; 500; or no answer in time. The client is OpenEPA's own, over httpx.MockTransport, so
every test runs without a network; ``in_transaction`` records, for each request, whether a
database transaction was open while it was made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from django.db import connection

from openepa.kernel import service_client

URL = "https://assessment-service.test/"
NOT_FOUND_403 = {
    "statusCode": 403,
    "message": "Cannot find apprentice with the specified Uln, FamilyName & Standard",
}

Answer = tuple[int, Any] | Exception | Callable[[httpx.Request], httpx.Response]


def learner_body(
    uln: str,
    family_name: str,
    *,
    given_names: str = "Sam",
    standard_code: int = 0,
    standard_reference: str = "ST0071",
    version: str = "1.2",
    course_option: str = "",
    completion_status: int = 1,
    epa_reference: str = "",
    certificate_reference: str = "",
    certificate_status: str = "Draft",
) -> dict[str, Any]:
    """A Get Learner answer: shape A, B with ``epa_reference``, C with a certificate."""
    body: dict[str, Any] = {
        "learnerData": {
            "standard": {
                "standardCode": standard_code,
                "standardReference": standard_reference,
                "standardName": "Customer service specialist",
                "level": 3,
            },
            "learner": {"uln": int(uln), "givenNames": given_names, "familyName": family_name},
            "learningDetails": {
                "learnerReferenceNumber": "A1234567890",
                "learningStartDate": "2025-01-06T00:00:00",
                "plannedEndDate": "2026-04-30T00:00:00",
                "providerName": "Acme Training",
                "providerUkPrn": 10012345,
                "version": version,
                "courseOption": course_option,
            },
        },
        "status": {"completionStatus": completion_status},
    }
    if epa_reference:
        body["epaDetails"] = {
            "epaReference": epa_reference,
            "epas": [{"epaDate": "2026-06-02T00:00:00Z", "epaOutcome": "pass"}],
            "latestEPADate": "2026-06-02T00:00:00Z",
            "latestEPAOutcome": "pass",
        }
    if certificate_reference:
        body["certificate"] = {
            "certificateData": {
                "certificateReference": certificate_reference,
                "learner": {"uln": int(uln), "givenNames": given_names, "familyName": family_name},
                "learningDetails": {"version": version, "overallGrade": "Pass"},
            },
            "status": {"currentStatus": certificate_status},
            "created": {"createdAt": "2026-06-03T10:00:00", "createdBy": "EPAO"},
        }
    return body


@dataclass
class FakeLearnerService:
    """Get Learner answers by ULN (404 for any other), and the requests received."""

    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    in_transaction: list[bool] = field(default_factory=list)

    def holds(self, uln: str, family_name: str, **held: Any) -> None:
        """The service holds the learner: 200 when asked with this family name (any case)."""
        body = learner_body(uln, family_name, **held)

        def answer(request: httpx.Request) -> httpx.Response:
            asked = unquote(request.url.raw_path.decode()).split("/")[-2]
            # das-assessor-service GetBatchLearnerRequestValidator.cs: any case, else 403.
            if asked.lower() != family_name.lower():
                return httpx.Response(403, json=NOT_FOUND_403)
            return httpx.Response(200, json=body)

        self.answers[uln] = answer

    def answer(self, uln: str, answer: Answer) -> None:
        """What the service answers about ``uln``: (status, body), an exception or a function."""
        self.answers[uln] = answer

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (the MockTransport's handler)."""
        self.in_transaction.append(connection.in_atomic_block)
        self.keys.append(request.headers.get(service_client.KEY_HEADER, ""))
        parts = unquote(request.url.raw_path.decode()).strip("/").split("/")
        assert parts[:3] == ["api", "v1", "learner"], parts
        uln, family_name, standard = parts[3], parts[4], "/".join(parts[5:])
        self.requests.append((uln, family_name, standard))
        answer = self.answers.get(uln, (404, None))
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        status, body = answer
        if body is None:
            return httpx.Response(status)
        return httpx.Response(status, json=body)


@pytest.fixture(name="learner_service")
def learner_service_fixture(settings: Any, monkeypatch: pytest.MonkeyPatch) -> FakeLearnerService:
    """OpenEPA pointed at a fake Get Learner of the service (no network)."""
    fake = FakeLearnerService()
    settings.ASSESSMENT_SERVICE_URL = URL
    settings.ASSESSMENT_SERVICE_KEY = "subscription-key"
    settings.ASSESSMENT_SERVICE_TIMEOUT = 5

    def client() -> service_client.AssessmentServiceClient:
        return service_client.AssessmentServiceClient(
            URL, "subscription-key", timeout=5, transport=httpx.MockTransport(fake.handle)
        )

    monkeypatch.setattr(service_client, "client", client)
    return fake
