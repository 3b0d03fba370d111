"""A small stand-in of the assessment service (pytest-httpserver), and claims and results.

:class:`FakeService` answers in the shapes of the published client's README
(das-assessor-service-external-apiclient README.md): Create/Update EPA Record, Create/Update/
Submit Certificate, Get Learner and Get Certificate; at most 25 items a request (403 "Batch
limited to 25 requests" beyond). It keeps one record per ULN, as the service keeps one
certificate row per learner and standard (its EPA record and certificate share a reference),
and answers "EPA already provided for the learner" and "Certificate already exists: REF" to a
second create. A test scripts failures (:meth:`FakeService.fail_next`) and refusals
(:attr:`FakeService.refuse`). These tests can later use the suite's full stand-in instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from openepa.accounts.models import StandardAtService, User
from openepa.assessment.models import Sitting
from openepa.claims.models import CertificateClaim
from openepa.registration.models import CertificateConsent, LearnerCheck, Registration
from openepa.results.models import Result


@dataclass
class Held:
    """What the fake service holds of one learner."""

    reference: str
    epas: list[dict[str, Any]] = field(default_factory=list)
    grade: str = ""
    status: str = "Draft"
    printed_at: str = ""
    delivered: str = ""


class FakeService:
    """The assessment service's external API, as far as OpenEPA uses it."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[tuple[str, str, Any]] = []
        self.failures: list[tuple[str, int, dict[str, str], str]] = []
        self.held: dict[str, Held] = {}
        self.refuse: dict[str, list[str]] = {}
        self.number = 10_000
        server.expect_request(re.compile(r"/api/v1/.*")).respond_with_handler(self.handle)

    # --- scripting -------------------------------------------------------------------------

    def fail_next(
        self, status: int, *, path: str = "", headers: dict[str, str] | None = None, body: str = ""
    ) -> None:
        """Answer the next request whose path contains ``path`` with ``status``."""
        self.failures.append((path, status, headers or {}, body or json.dumps({"message": "No"})))

    def batches(self, method: str = "", path: str = "") -> list[list[dict[str, Any]]]:
        """The item lists of the batch requests made (optionally of one method and path)."""
        return [
            body
            for verb, url, body in self.requests
            if isinstance(body, list)
            and (not method or verb == method)
            and (not path or url.rstrip("/").endswith(path))
        ]

    # --- answering -------------------------------------------------------------------------

    def _reference(self) -> str:
        self.number += 1
        return f"{self.number:08d}"

    def handle(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        self.requests.append((request.method, request.path, body))
        for index, (path, status, headers, text) in enumerate(self.failures):
            if path in request.path:
                del self.failures[index]
                return Response(text, status=status, headers=headers, mimetype="application/json")
        if isinstance(body, list) and len(body) > 25:
            return self._json({"statusCode": 403, "message": "Batch limited to 25 requests"}, 403)
        route = (request.method, request.path.rstrip("/"))
        handlers: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {
            ("POST", "/api/v1/epa"): self.create_epa,
            ("PUT", "/api/v1/epa"): self.update_epa,
            ("POST", "/api/v1/certificate"): self.create_certificate,
            ("PUT", "/api/v1/certificate"): self.update_certificate,
            ("POST", "/api/v1/certificate/submit"): self.submit_certificate,
        }
        if route in handlers:
            return self._json([handlers[route](item) for item in body])
        parts = request.path.strip("/").split("/")
        if request.method == "GET" and parts[2] == "learner":
            return self.get_learner(parts[3])
        if request.method == "GET" and parts[2] == "certificate":
            return self.get_certificate(parts[3])
        return self._json({"message": "Not found"}, 404)

    def _json(self, data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def _refused(self, item: dict[str, Any], messages: list[str]) -> dict[str, Any]:
        return {"requestId": item["requestId"], "validationErrors": messages}

    def _uln(self, item: dict[str, Any]) -> str:
        return str(item.get("learner", {}).get("uln") or item.get("uln"))

    def create_epa(self, item: dict[str, Any]) -> dict[str, Any]:
        uln = self._uln(item)
        if uln in self.refuse:
            return self._refused(item, self.refuse[uln])
        if uln in self.held:
            return self._refused(item, ["EPA already provided for the learner"])
        held = Held(self._reference(), epas=item["epaDetails"]["epas"])
        self.held[uln] = held
        return {
            "requestId": item["requestId"],
            "epaReference": held.reference,
            "validationErrors": [],
        }

    def update_epa(self, item: dict[str, Any]) -> dict[str, Any]:
        uln = self._uln(item)
        if uln in self.refuse:
            return self._refused(item, self.refuse[uln])
        held = self.held.get(uln)
        if held is None or held.reference != item.get("epaReference"):
            return self._refused(item, ["EPA not found"])
        held.epas = item["epaDetails"]["epas"]
        return {
            "requestId": item["requestId"],
            "epaReference": held.reference,
            "validationErrors": [],
        }

    def _certificate(self, held: Held) -> dict[str, Any]:
        data: dict[str, Any] = {
            "certificateData": {"certificateReference": held.reference},
            "status": {"currentStatus": held.status},
        }
        if held.printed_at:
            data["printed"] = {"printedAt": held.printed_at}
        if held.delivered:
            data["delivered"] = {"status": held.delivered, "deliveryDate": held.printed_at}
        return data

    def create_certificate(self, item: dict[str, Any]) -> dict[str, Any]:
        uln = self._uln(item)
        if uln in self.refuse:
            return self._refused(item, self.refuse[uln])
        held = self.held.get(uln)
        if held is not None and held.grade:
            return self._refused(item, [f"Certificate already exists: {held.reference}"])
        if held is None:
            held = self.held[uln] = Held(self._reference())
        held.grade = item["learningDetails"]["overallGrade"]
        held.status = "Ready"
        return {"requestId": item["requestId"], "certificate": self._certificate(held)}

    def update_certificate(self, item: dict[str, Any]) -> dict[str, Any]:
        uln = self._uln(item)
        if uln in self.refuse:
            return self._refused(item, self.refuse[uln])
        held = self.held.get(uln)
        if held is None or held.reference != item.get("certificateReference"):
            return self._refused(item, ["Certificate not found"])
        if held.status not in ("Draft", "Ready"):
            return self._refused(item, ["Certificate does not exist in Draft status"])
        held.grade = item["learningDetails"]["overallGrade"]
        held.status = "Ready"
        return {"requestId": item["requestId"], "certificate": self._certificate(held)}

    def submit_certificate(self, item: dict[str, Any]) -> dict[str, Any]:
        held = self.held.get(self._uln(item))
        if held is None or held.reference != item.get("certificateReference"):
            return self._refused(item, ["Certificate not found"])
        if held.status == "Submitted":
            return self._refused(item, ["Certificate has already been submitted"])
        held.status = "Submitted"
        return {"requestId": item["requestId"], "certificate": self._certificate(held)}

    def get_learner(self, uln: str) -> Response:
        held = self.held.get(uln)
        learner: dict[str, Any] = {
            "learnerData": {
                "standard": {"standardCode": 123, "standardReference": "ST0071"},
                "learner": {"uln": int(uln), "givenNames": "Pat", "familyName": "Example"},
                "learningDetails": {"version": "1.2"},
            },
            "status": {"completionStatus": 1},
        }
        if held is not None:
            learner["epaDetails"] = {"epaReference": held.reference, "epas": held.epas}
        return self._json(learner)

    def get_certificate(self, uln: str) -> Response:
        held = self.held.get(uln)
        if held is None or not held.grade:
            return Response(status=204)
        return self._json(self._certificate(held))


@pytest.fixture
def service(httpserver: HTTPServer, settings: Any) -> FakeService:
    """The fake service, with OpenEPA's settings pointing at it."""
    settings.ASSESSMENT_SERVICE_URL = httpserver.url_for("/")
    settings.ASSESSMENT_SERVICE_KEY = "test-key"
    settings.ASSESSMENT_SERVICE_TIMEOUT = 5
    return FakeService(httpserver)


def at(day: date) -> datetime:
    """Noon on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@pytest.fixture
def make_result(alice: User) -> Callable[..., Result]:
    """A released result of a new sitting of ``registration``."""

    def make(
        registration: Registration,
        grade: str = "pass",
        on: date = date(2026, 9, 15),
        kind: str = "first",
    ) -> Result:
        number = registration.sittings.count() + 1
        sitting = Sitting.objects.create(
            registration=registration, number=number, kind=kind, methods=["project"]
        )
        return Result.objects.create(
            registration=registration,
            sitting=sitting,
            grade=grade,
            label=grade.capitalize(),
            reason="As graded",
            methods=[],
            last_assessment_on=on,
            released_by=alice,
            released_at=at(on),
            achievement_date=on,
        )

    return make


@pytest.fixture
def make_claim(alice: User, make_result: Callable[..., Result]) -> Callable[..., CertificateClaim]:
    """A ready certificate claim of a passed result of ``registration``."""

    def make(registration: Registration, **fields: Any) -> CertificateClaim:
        # The LARS code lives with the EPAO's standard (never typed per claim).
        StandardAtService.objects.get_or_create(
            epao_id=registration.epao_id, reference=registration.standard, lars_code=123
        )
        result = make_result(registration)
        apprentice = registration.apprentice
        values: dict[str, Any] = {
            "epao_id": registration.epao_id,
            "registration": registration,
            "result": result,
            "uln": apprentice.uln,
            "family_name": apprentice.family_name,
            "given_names": apprentice.given_names,
            "standard_reference": registration.standard,
            "standard_code": 123,
            "version": registration.version,
            "overall_grade": "Pass",
            "achievement_date": result.last_assessment_on,
            "contact_name": apprentice.full_name,
            "organisation": "Bright Retail",
            "address_line_1": "1 High Street",
            "city": "Leeds",
            "postcode": "LS1 1AA",
            "status": CertificateClaim.Status.READY,
            "created_by": alice,
            "updated_by": alice,
        }
        values.update(fields)
        # The apprentice's written permission, which a ready claim needs.
        CertificateConsent.objects.get_or_create(
            registration=registration,
            withdrawn_at=None,
            defaults={
                "source": CertificateConsent.Source.EVIDENCE,
                "statement": "I give permission for my certificate to be applied for.",
                "evidence": "Signed form",
                "given_on": result.last_assessment_on,
                "recorded_by": alice,
            },
        )
        # The service's look-up found the apprentice (a ready claim needs it when the
        # service is configured).
        if not LearnerCheck.objects.filter(
            registration=registration, current=True, outcome=LearnerCheck.Outcome.MATCHED
        ).exists():
            LearnerCheck.objects.filter(registration=registration, current=True).update(
                current=False
            )
            LearnerCheck.objects.create(
                epao=registration.epao,
                registration=registration,
                reason=LearnerCheck.Reason.REGISTRATION,
                outcome=LearnerCheck.Outcome.MATCHED,
                uln=apprentice.uln,
                family_name=apprentice.family_name,
                standard=registration.standard,
                held_given_names=apprentice.given_names,
                held_version=registration.version,
                completion_status=1,
            )
        return CertificateClaim.objects.create(**values)

    return make


@pytest.fixture(autouse=True)
def lars_codes(request: pytest.FixtureRequest) -> None:
    """The EPAO's standards have their LARS code set (123), as an EPA record needs one.

    Only for tests that make registrations with the fake service (the acceptance tests set
    their codes as an admin does); a test of a standard without a code deletes it.
    """
    if "make_registration" not in request.fixturenames or "acceptance" in request.module.__name__:
        return
    epao = request.getfixturevalue("epao")
    specs = request.getfixturevalue("specs")
    for reference in {record.standard for record in specs.values()}:
        StandardAtService.objects.get_or_create(epao=epao, reference=reference, lars_code=123)
