"""A client of the apprenticeship assessment service's external API (httpx).

It speaks to the service as its published client does (das-assessor-service-external-apiclient,
``src/SFA.DAS.AssessorService.ExternalApi.Core/Infrastructure/*ApiClient.cs``): JSON in
camelCase, the subscription key in the ``Ocp-Apim-Subscription-Key`` header, and these routes
(das-assessor-service, ``src/SFA.DAS.AssessorService.Application.Api.External/Controllers``):

- ``GET api/v1/learner/{uln}/{familyName}/{standard}``;
- ``POST``/``PUT api/v1/certificate``, ``POST api/v1/certificate/submit``,
  ``GET``/``DELETE api/v1/certificate/{uln}/{familyName}/{standard}[/{certificateReference}]``,
  ``GET api/v1/certificate/grades``;
- ``POST``/``PUT api/v1/epa``, ``DELETE api/v1/epa/{uln}/{familyName}/{standard}/{epaReference}``;
- ``GET api/v1/standards/options/{standard}/{version}``.

Every call waits at most ``ASSESSMENT_SERVICE_TIMEOUT`` seconds. A timeout, a lost connection,
a 5xx or a 429 raises :class:`ServiceUnavailable` (try again later, unchanged); any other
refusal of the whole request raises :class:`ServiceRefused` with the service's message (do
not send it again unchanged). A batch of more than 25 items is never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from openepa.rules.service import BATCH_LIMIT, BATCH_LIMIT_MESSAGE
from openepa.rules.service_api import (
    CertificateState,
    ItemAnswer,
    LearnerAnswer,
    certificate_state,
    item_answers,
    learner_answer,
)

KEY_HEADER = "Ocp-Apim-Subscription-Key"


class ServiceNotConfigured(Exception):  # noqa: N818 (a state, said to the person)
    """ASSESSMENT_SERVICE_URL is not set: nothing can be sent."""


class ServiceUnavailable(Exception):  # noqa: N818
    """The service did not answer, or answered "try later" (5xx, 429): retry unchanged later."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class ServiceRefused(Exception):  # noqa: N818
    """The service refused the whole request (4xx other than 429), with its message."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class LearnerLookup:
    """The answer of a learner lookup: the learner, or why the service found none."""

    learner: LearnerAnswer | None
    message: str = ""


def _message_of(response: httpx.Response) -> str:
    """The service's message in an ApiResponse body (``{"statusCode", "message"}``), or the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or f"HTTP {response.status_code}"
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return str(body)[:500]


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def _segment(value: str | int) -> str:
    """One path segment, with anything but letters and digits escaped (a space in a name)."""
    return quote(str(value), safe="")


class AssessmentServiceClient:
    """The service's external API, one method per operation."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 30,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={KEY_HEADER: key, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def __enter__(self) -> AssessmentServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one request ---------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """Send one request; raise ServiceUnavailable for what a later try may cure."""
        try:
            response = self.http.request(method, path, json=body)
        except httpx.TimeoutException as error:
            raise ServiceUnavailable(f"The service did not answer in time ({error})") from error
        except httpx.TransportError as error:
            raise ServiceUnavailable(f"The service could not be reached ({error})") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise ServiceUnavailable(
                f"The service answered {response.status_code}: {_message_of(response)}",
                retry_after=_retry_after(response),
            )
        return response

    def _batch(self, method: str, path: str, items: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        """Send a batch of at most 25 items; the answer to each, by its requestId."""
        if not 1 <= len(items) <= BATCH_LIMIT:
            raise ValueError(f"{BATCH_LIMIT_MESSAGE}: this batch has {len(items)}")
        response = self._request(method, path, items)
        if response.status_code != 200:
            raise ServiceRefused(_message_of(response), status=response.status_code)
        try:
            return item_answers(response.json())
        except ValueError as error:
            raise ServiceUnavailable(f"The service's answer could not be read: {error}") from error

    # --- learners ------------------------------------------------------------------------

    def get_learner(self, uln: str, family_name: str, standard: str | int) -> LearnerLookup:
        """What the service holds of a learner for a standard (code or reference)."""
        path = f"api/v1/learner/{_segment(uln)}/{_segment(family_name)}/{_segment(standard)}"
        response = self._request("GET", path)
        if response.status_code == 200:
            try:
                return LearnerLookup(learner_answer(response.json()))
            except ValueError as error:
                raise ServiceUnavailable(
                    f"The service's answer could not be read: {error}"
                ) from error
        if response.status_code == 404:
            return LearnerLookup(None, "The service holds no such learner")
        if response.status_code == 403:
            return LearnerLookup(None, _message_of(response))
        raise ServiceRefused(_message_of(response), status=response.status_code)

    # --- certificates --------------------------------------------------------------------

    def create_certificates(self, items: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        """Create Certificate: POST api/v1/certificate."""
        return self._batch("POST", "api/v1/certificate", items)

    def update_certificates(self, items: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        """Update Certificate: PUT api/v1/certificate."""
        return self._batch("PUT", "api/v1/certificate", items)

    def submit_certificates(self, items: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        """Submit Certificate: POST api/v1/certificate/submit."""
        return self._batch("POST", "api/v1/certificate/submit", items)

    def get_certificate(
        self, uln: str, family_name: str, standard: str | int
    ) -> CertificateState | None:
        """Check Certificate: the certificate's state, or None when there is none yet (204)."""
        path = f"api/v1/certificate/{_segment(uln)}/{_segment(family_name)}/{_segment(standard)}"
        response = self._request("GET", path)
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise ServiceRefused(_message_of(response), status=response.status_code)
        try:
            return certificate_state(response.json())
        except ValueError as error:
            raise ServiceUnavailable(f"The service's answer could not be read: {error}") from error

    def delete_certificate(
        self, uln: str, family_name: str, standard: str | int, reference: str
    ) -> None:
        """Delete Certificate (not yet submitted): 204, or ServiceRefused with the message."""
        path = (
            f"api/v1/certificate/{_segment(uln)}/{_segment(family_name)}/"
            f"{_segment(standard)}/{_segment(reference)}"
        )
        response = self._request("DELETE", path)
        if response.status_code != 204:
            raise ServiceRefused(_message_of(response), status=response.status_code)

    def grades(self) -> list[str]:
        """Get Grades: the pass grades a certificate may carry."""
        response = self._request("GET", "api/v1/certificate/grades")
        if response.status_code != 200:
            raise ServiceRefused(_message_of(response), status=response.status_code)
        body = response.json()
        return [str(grade) for grade in body] if isinstance(body, list) else []

    # --- EPA records ---------------------------------------------------------------------

    def create_epas(self, items: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        """Create EPA Record: POST api/v1/epa."""
        return self._batch("POST", "api/v1/epa", items)

    def update_epas(self, items: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        """Update EPA Record: PUT api/v1/epa."""
        return self._batch("PUT", "api/v1/epa", items)

    def delete_epa(self, uln: str, family_name: str, standard: str | int, reference: str) -> None:
        """Delete EPA Record: 204, or ServiceRefused with the service's message."""
        path = (
            f"api/v1/epa/{_segment(uln)}/{_segment(family_name)}/"
            f"{_segment(standard)}/{_segment(reference)}"
        )
        response = self._request("DELETE", path)
        if response.status_code != 204:
            raise ServiceRefused(_message_of(response), status=response.status_code)

    # --- standards -----------------------------------------------------------------------

    def course_options(self, standard: str | int, version: str) -> list[str]:
        """The course options of a standard's version (none: 204); 404 if it has no such version."""
        path = f"api/v1/standards/options/{_segment(standard)}/{_segment(version)}"
        response = self._request("GET", path)
        if response.status_code == 204:
            return []
        if response.status_code != 200:
            raise ServiceRefused(_message_of(response), status=response.status_code)
        body = response.json()
        options = body.get("courseOption") if isinstance(body, dict) else None
        return [str(option) for option in options] if isinstance(options, list) else []


def configured() -> bool:
    """Whether OpenEPA is set to talk to the service (ASSESSMENT_SERVICE_URL is set)."""
    return bool(settings.ASSESSMENT_SERVICE_URL)


def client() -> AssessmentServiceClient:
    """A client of the service as the settings say; ServiceNotConfigured without a URL."""
    if not configured():
        raise ServiceNotConfigured(
            "Sending to the apprenticeship assessment service is not configured: set "
            "ASSESSMENT_SERVICE_URL and ASSESSMENT_SERVICE_KEY"
        )
    return AssessmentServiceClient(
        settings.ASSESSMENT_SERVICE_URL,
        settings.ASSESSMENT_SERVICE_KEY,
        timeout=settings.ASSESSMENT_SERVICE_TIMEOUT,
    )
