"""A stand-in of the government's apprenticeship assessment service, for tests and the demo.

``StandIn`` holds the service's records in memory and answers werkzeug requests as the
service's external API answers them, transcribed from das-assessor-service
(``src/SFA.DAS.AssessorService.Application.Api.External/Controllers/*.cs`` and what they call:
see the modules beside this one). It is written independently of OpenEPA's own transcription
(``openepa.rules.service``, ``openepa.rules.service_api``, ``openepa.kernel.service_client``), so
that a test against it catches a mistake in those.

In front of the API sits Azure API Management: a request without the right
``Ocp-Apim-Subscription-Key`` is refused there with 401 (and an unknown route with 404).

For tests it also keeps a log of every request, and can be told to fail or to be slow.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug import Request, Response

from tests.standin import certificate_flow, epa_flow
from tests.standin.binding import (
    CREATE_CERTIFICATE,
    CREATE_EPA,
    INVALID_INPUT,
    SUBMIT_CERTIFICATE,
    UPDATE_CERTIFICATE,
    UPDATE_EPA,
    InvalidInput,
    Obj,
    ServerError,
    bind_batch,
)
from tests.standin.jsonout import Json, props
from tests.standin.model import (
    DELIVERED,
    FAIL,
    GRADES,
    NOT_DELIVERED,
    PRINT_FUNCTION,
    PRINTED,
    SENT_TO_PRINTER,
    SUBMITTED,
    Certificate,
    Learner,
    StandardVersion,
    State,
    parse_int,
    utc_now,
)

if TYPE_CHECKING:
    from openepa.registration.models import Registration

KEY_HEADER = "Ocp-Apim-Subscription-Key"
# Azure API Management's own answers.
ACCESS_DENIED = (
    "Access denied due to invalid subscription key. Make sure to provide a valid key for an "
    "active subscription."
)
# Controllers/CertificateController.cs, EpaController.cs: MAX_..._IN_REQUEST = 25.
BATCH_LIMIT = 25
BATCH_LIMIT_MESSAGE = f"Batch limited to {BATCH_LIMIT} requests"


@dataclass
class LoggedRequest:
    """One request the stand-in answered."""

    method: str
    path: str
    raw_path: str
    headers: dict[str, str]
    body: Any
    status: int
    answer: Any = None
    at: datetime = field(default_factory=utc_now)

    def summary(self) -> str:
        """One line: the request, its status and, for a batch, how many items were refused."""
        line = f"{self.method} {self.raw_path} -> {self.status}"
        if isinstance(self.answer, list):
            refused = [item for item in self.answer if item.get("validationErrors")]
            line += f" ({len(self.answer)} items, {len(refused)} refused"
            reasons = [
                f"{item.get('requestId')}: " + "; ".join(item["validationErrors"])
                for item in refused
            ]
            line += (": " + " | ".join(reasons) if reasons else "") + ")"
        elif isinstance(self.answer, dict) and "message" in self.answer:
            line += f": {self.answer['message']}"
        return line


class StandIn:
    """The service's state in memory, and its answers to werkzeug requests (``handle``)."""

    def __init__(
        self,
        key: str = "stand-in-subscription-key",
        *,
        epao_id: str = "EPA0001",
        epao_name: str = "Stand-in EPAO",
        ukprn: int = 10000001,
    ) -> None:
        self.key = key
        self.state = State(epao_id=epao_id, epao_name=epao_name, ukprn=ukprn)
        self.requests: list[LoggedRequest] = []
        self.on_request: Callable[[LoggedRequest], None] | None = None
        self._failures: list[tuple[int, int | None]] = []
        self._delays: list[float] = []
        self._lock = threading.RLock()

    # --- setting up the service's records --------------------------------------------------

    def add_standard(
        self,
        code: int,
        reference: str,
        versions: Iterable[str],
        options: dict[str, Iterable[str]] | Iterable[str] | None = None,
        *,
        title: str | None = None,
        level: int = 3,
        latest_start_dates: dict[str, date] | None = None,
    ) -> None:
        """Make a standard known: its LARS code, IfATE reference and versions.

        ``options`` is a course option list for every version, or a mapping version -> options.
        ``latest_start_dates`` gives a version's last start date, which the service uses to
        calculate a learner's version when a request gives none (none: the first version).
        """
        with self._lock:
            for version in versions:
                if isinstance(options, dict):
                    chosen = tuple(options.get(version, ()))
                else:
                    chosen = tuple(options or ())
                self.state.catalogue.add(
                    StandardVersion(
                        lars_code=code,
                        reference=reference,
                        version=version,
                        title=title or f"Standard {reference}",
                        level=level,
                        options=chosen,
                        latest_start_date=(latest_start_dates or {}).get(version),
                    )
                )

    def approve(self, standard_code: int, versions: Iterable[str] | None = None) -> None:
        """Approve the calling EPAO for a standard: the given versions, or every known one."""
        with self._lock:
            chosen = list(versions) if versions is not None else None
            if chosen is None:
                chosen = [v.version for v in self.state.catalogue.versions(standard_code)]
            held = self.state.approvals.setdefault(standard_code, [])
            held.extend(version for version in chosen if version not in held)

    def add_learner(
        self,
        uln: int | str,
        family_name: str,
        standard_code: int,
        standard_reference: str,
        *,
        given_names: str = "Test",
        version: str = "",
        course_option: str = "",
        completion_status: int | None = 1,
        provider_ukprn: int = 10000528,
        provider_name: str = "Stand-in Training Provider",
        learn_start_date: date = date(2024, 9, 2),
        planned_end_date: date | None = date(2026, 3, 31),
    ) -> Learner:
        """Add the ILR record of a learner on a standard (completion 1, 2, 3 or 6).

        A standard not known yet is added with the learner's version (or "1.0"). A version
        given counts as confirmed, so the service compares it with a certificate's.
        """
        number = int(uln)
        with self._lock:
            if not self.state.catalogue.versions(standard_code):
                self.add_standard(standard_code, standard_reference, [version or "1.0"])
            learner = Learner(
                uln=number,
                std_code=standard_code,
                standard_reference=standard_reference,
                family_name=family_name,
                given_names=given_names,
                version=version,
                version_confirmed=bool(version),
                course_option=course_option,
                completion_status=completion_status,
                provider_ukprn=provider_ukprn,
                provider_name=provider_name,
                learn_start_date=datetime.combine(learn_start_date, datetime.min.time()),
                planned_end_date=(
                    datetime.combine(planned_end_date, datetime.min.time())
                    if planned_end_date
                    else None
                ),
                learn_ref_number=f"LRN{number}",
            )
            self.state.learners[(number, standard_code)] = learner
            return learner

    def add_learner_for(
        self,
        registration: Registration,
        *,
        family_name: str | None = None,
        completion_status: int = 1,
    ) -> Learner:
        """Add the ILR record of an OpenEPA registration (see tests.standin.seed)."""
        from tests.standin.seed import add_learner_for

        return add_learner_for(
            self, registration, family_name=family_name, completion_status=completion_status
        )

    # --- looking at what it holds ----------------------------------------------------------

    def certificate(self, reference: str) -> Certificate:
        """The certificate (or EPA record) with this reference; KeyError if none."""
        with self._lock:
            for held in self.state.certificates.values():
                if held.reference == reference:
                    return held
        raise KeyError(f"the stand-in holds no certificate {reference}")

    def certificates(self) -> list[Certificate]:
        """Every certificate and EPA record held, in reference order."""
        with self._lock:
            return sorted(self.state.certificates.values(), key=lambda c: c.reference)

    # --- test controls ---------------------------------------------------------------------

    def fail_next(self, status: int = 500, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``times`` requests with ``status`` (and Retry-After), doing nothing."""
        with self._lock:
            self._failures.extend([(status, retry_after)] * times)

    def delay_next(self, seconds: float) -> None:
        """Make the next request wait ``seconds`` before it is handled (it is still handled)."""
        with self._lock:
            self._delays.append(seconds)

    def advance(self, reference: str, status: str, at: datetime | None = None) -> Certificate:
        """Move a submitted certificate on through printing, as the print function does.

        ``status`` is SentToPrinter, Printed, Delivered or NotDelivered; ``at`` (naive UTC,
        default now) the time the printer reported it. A certificate still Submitted is put in a
        print batch and sent to the printer first (CertificateRepository.UpdatePrintStatus).
        """
        allowed = (SENT_TO_PRINTER, PRINTED, DELIVERED, NOT_DELIVERED)
        if status not in allowed:
            raise ValueError(f"status must be one of {', '.join(allowed)}, not {status!r}")
        when = at or utc_now()
        with self._lock:
            certificate = self.certificate(reference)
            if certificate.data.overall_grade == FAIL or certificate.status not in (
                SUBMITTED,
                *allowed,
            ):
                raise ValueError(
                    f"certificate {reference} is {certificate.status} "
                    f"(grade {certificate.data.overall_grade}): only a submitted pass is printed"
                )
            if certificate.status == SUBMITTED:
                certificate.batch_number = self.state.new_batch()
                certificate.status = SENT_TO_PRINTER
                certificate.to_be_printed = when
                certificate.log("Status", PRINT_FUNCTION, when)
            if status != SENT_TO_PRINTER:
                certificate.status = status
                certificate.log("Printed" if status == PRINTED else "Status", PRINT_FUNCTION, when)
            return certificate

    # --- answering ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request as the service would (the werkzeug handler)."""
        with self._lock:
            delay = self._delays.pop(0) if self._delays else 0.0
        if delay:
            time.sleep(delay)
        body = request.get_data()
        with self._lock:
            status, answer, headers = self._answer(request, body)
            entry = LoggedRequest(
                method=request.method,
                path=request.path,
                raw_path=_raw_path(request),
                headers=dict(request.headers),
                body=_json_or_text(body),
                status=status,
                answer=answer,
            )
            self.requests.append(entry)
        if self.on_request is not None:
            self.on_request(entry)
        text = "" if answer is None else json.dumps(answer)
        content_type = "application/json; charset=utf-8" if answer is not None else None
        return Response(text, status=status, headers=headers, content_type=content_type)

    def wsgi(self) -> Callable[..., Any]:
        """The stand-in as a WSGI application (for werkzeug's run_simple)."""
        return Request.application(self.handle)  # type: ignore[no-any-return, arg-type]

    def _answer(self, request: Request, body: bytes) -> tuple[int, Any, dict[str, str]]:
        if request.headers.get(KEY_HEADER) != self.key:
            return 401, {"statusCode": 401, "message": ACCESS_DENIED}, {}
        if self._failures:
            status, retry_after = self._failures.pop(0)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            answer = None
            if status == 429:
                wait = retry_after if retry_after is not None else 1
                answer = {
                    "statusCode": 429,
                    "message": f"Rate limit is exceeded. Try again in {wait} seconds.",
                }
            return status, answer, headers
        try:
            status, answer = self._route(request.method, _segments(request), body, request)
        except UnsupportedMediaType:
            # UnsupportedContentTypeFilter: no input formatter reads this body.
            status, answer = (
                415,
                {
                    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.13",
                    "title": "Unsupported Media Type",
                    "status": 415,
                },
            )
        except InvalidInput:
            # InvalidModelStateResponseFactory: BadRequestObjectResult with StatusCode 403.
            status, answer = 403, {"statusCode": 403, "message": INVALID_INPUT}
        except ServerError:
            status, answer = 500, None
        return status, answer, {}

    def _route(
        self, method: str, parts: list[str], body: bytes, request: Request
    ) -> tuple[int, Any]:
        lowered = [part.lower() for part in parts]
        if lowered[:2] != ["api", "v1"] or len(parts) < 3:
            return _not_found()
        area, rest = lowered[2], parts[3:]
        if area == "learner" and method == "GET" and len(rest) >= 3:
            return epa_flow.get_learner(self.state, _uln(rest[0]), rest[1], "/".join(rest[2:]))
        if area == "certificate":
            return self._certificates(method, rest, body, request)
        if area == "epa":
            if method in ("POST", "PUT") and not rest:
                items = _batch(request, body, CREATE_EPA if method == "POST" else UPDATE_EPA)
                if len(items) > BATCH_LIMIT:
                    return 403, {"statusCode": 403, "message": BATCH_LIMIT_MESSAGE}
                return 200, epa_flow.create_or_update(self.state, items, creating=method == "POST")
            if method == "DELETE" and len(rest) >= 4:
                uln, family_name, standard = _uln(rest[0]), rest[1], rest[2]
                return epa_flow.delete_one(
                    self.state, uln, family_name, standard, "/".join(rest[3:])
                )
        if area == "standards" and method == "GET" and rest[:1] and rest[0].lower() == "options":
            return self._options(rest[1:])
        return _not_found()

    def _certificates(
        self, method: str, rest: list[str], body: bytes, request: Request
    ) -> tuple[int, Any]:
        lowered = [part.lower() for part in rest]
        schemas: dict[tuple[str, tuple[str, ...]], Obj] = {
            ("POST", ()): CREATE_CERTIFICATE,
            ("PUT", ()): UPDATE_CERTIFICATE,
            ("POST", ("submit",)): SUBMIT_CERTIFICATE,
        }
        schema = schemas.get((method, tuple(lowered)))
        if schema is not None:
            items = _batch(request, body, schema)
            if len(items) > BATCH_LIMIT:
                return 403, {"statusCode": 403, "message": BATCH_LIMIT_MESSAGE}
            if lowered == ["submit"]:
                return 200, certificate_flow.submit_all(self.state, items)
            return 200, certificate_flow.create_or_update(
                self.state, items, creating=method == "POST"
            )
        if method == "GET" and lowered == ["grades"]:
            return 200, list(GRADES)
        if method == "GET" and len(rest) >= 3:
            return certificate_flow.get_one(self.state, _uln(rest[0]), rest[1], "/".join(rest[2:]))
        if method == "DELETE" and len(rest) >= 4:
            uln, family_name, standard = _uln(rest[0]), rest[1], rest[2]
            return certificate_flow.delete_one(
                self.state, uln, family_name, standard, "/".join(rest[3:])
            )
        return _not_found()

    def _options(self, rest: list[str]) -> tuple[int, Any]:
        """Controllers/StandardsController.cs: 200 with the options, 204 if none, 404."""
        if len(rest) == 2:
            found = certificate_flow.options_for_version(self.state, rest[0], rest[1])
            if found is None:
                return 404, None
            standard, options = found
        elif not rest:
            return 200, [
                _options_json(versions[-1], versions[-1].options)
                for _, versions in sorted(self.state.catalogue.by_code.items())
                if versions[-1].options
            ]
        else:
            latest = self.state.catalogue.by_id("/".join(rest))
            if latest is None:
                return 404, None
            standard, options = latest, latest.options
        if not options:
            return 204, None
        return 200, _options_json(standard, options)


def _options_json(standard: StandardVersion, options: tuple[str, ...]) -> Json:
    """Models/Response/Standards/StandardOptions.cs."""
    return props(
        ("standardCode", standard.lars_code),
        ("standardReference", standard.reference),
        ("version", standard.version),
        ("courseOption", list(options)),
    )


class UnsupportedMediaType(Exception):  # noqa: N818
    """No input formatter of the API reads the body's content type (415)."""


def _not_found() -> tuple[int, Json]:
    return 404, {"statusCode": 404, "message": "Resource not found"}


def _raw_path(request: Request) -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
    return str(raw).split("?", 1)[0]


def _segments(request: Request) -> list[str]:
    """The path's segments, decoded as ASP.NET Core decodes route values (not ``%2F``)."""
    raw = _raw_path(request).strip("/")
    return [
        unquote(part.replace("%2F", "%252F").replace("%2f", "%252f")) for part in raw.split("/")
    ]


def _uln(segment: str) -> int:
    """The ``long uln`` route value; one ASP.NET cannot bind makes the model state invalid."""
    value = parse_int(segment, low=-(2**63), high=2**63 - 1)
    if value is None:
        raise InvalidInput("uln")
    return value


def _batch(request: Request, body: bytes, schema: Obj) -> list[dict[str, Any]]:
    """The body of a batch request: [FromBody] IEnumerable<T>."""
    mimetype = request.mimetype or ""
    if mimetype not in ("application/json", "text/json") and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(mimetype)
    return bind_batch(body, schema)


def _json_or_text(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body.decode("utf-8", "replace")
