"""The documents: who may see which, rendering each to a PDF, and batches of results letters.

Every document carries the EPAO's name, the apprentice's name and ULN, the standard and its
version, the specification and when it was generated. EPAO staff in the registration's scope
(the EPAO admin, the allocated assessor, the registration's IQA) may see every document; the
parties (apprentice, employer, provider) only the plan and record of achievement, the gateway
documents and, once released, the results letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from openepa.accounts.models import User
from openepa.documents import builders
from openepa.documents.builders import Built, DocumentUnavailable
from openepa.documents.models import DocumentBatch
from openepa.documents.pdf import render_pdf
from openepa.kernel import clock, specs
from openepa.registration.models import Registration
from openepa.results.models import Result

__all__ = [
    "DOCUMENTS",
    "PARTY_DOCUMENTS",
    "DocumentUnavailable",
    "file_name",
    "may_see",
    "render_document",
    "results_letter",
]

Role = User.Role
STAFF = (Role.EPAO_ADMIN, Role.ASSESSOR, Role.IQA)

#: Every document by its name in URLs, with its title in links.
DOCUMENTS: dict[str, str] = {
    "plan-and-record": "Assessment plan and record of achievement",
    "method-record": "Checklist and grading record of a method",
    "grading-sheet": "Final grading sheet",
    "gateway-report": "Gateway readiness report",
    "portfolio-matrix": "Portfolio matrix",
    "results-letter": "Results letter",
}
#: The documents the apprentice, employer and provider may see (of their own registration).
PARTY_DOCUMENTS = frozenset(
    {"plan-and-record", "gateway-report", "portfolio-matrix", "results-letter"}
)
CHUNK = 100


def may_see(user: User, name: str) -> bool:
    """Whether ``user``'s role may see the document ``name`` (scope is checked separately)."""
    if name not in DOCUMENTS:
        return False
    if user.role in STAFF:
        return True
    return name in PARTY_DOCUMENTS


def refusal(name: str) -> str:
    """Why a party may not see the document ``name``."""
    return (
        f"The {DOCUMENTS.get(name, 'document').lower()} is for the EPAO's staff only: ask the "
        "EPAO for the result once it is released."
    )


def file_name(name: str, registration: Registration, method_id: str = "") -> str:
    """The download's file name: e.g. ``results-letter-1234567890.pdf``."""
    stem = f"{method_id}-record" if name == "method-record" and method_id else name
    return f"{stem}-{registration.apprentice.uln}.pdf"


def _header(registration: Registration, built: Built) -> dict[str, Any]:
    spec, standard = specs.rules_of(registration)
    return {
        "title": built.title,
        "epao_name": registration.epao.name,
        "registration": registration,
        "apprentice": registration.apprentice,
        "spec": spec,
        "standard": standard,
        "generated_at": timezone.localtime(clock.now()),
    }


def _render(registration: Registration, built: Built) -> bytes:
    context = {**built.context, **_header(registration, built)}
    html = render_to_string(built.template, context)
    title = f"{built.title}: {registration.apprentice.full_name}"
    return render_pdf(html, title=title, base_url=Path(__file__).parent)


def build(name: str, registration: Registration, **options: Any) -> Built:
    """The template and context of the document ``name`` (see :data:`DOCUMENTS`).

    Options: ``viewer`` (the user, for the parties' view of the record of achievement),
    ``method`` (the method id of a method record) and ``record`` (a record's primary key),
    ``sitting`` (a sitting's primary key for the grading sheet), ``result`` (a released
    result for the results letter; the latest released one by default).
    """
    viewer: User | None = options.get("viewer")
    if name == "plan-and-record":
        staff = viewer is None or viewer.role in STAFF
        return builders.plan_and_record(registration, staff=staff)
    if name == "method-record":
        method = options.get("method") or ""
        if not method:
            raise DocumentUnavailable("Choose a method: the record is of one method.")
        return builders.method_record(registration, method, options.get("record"))
    if name == "grading-sheet":
        return builders.grading_sheet(registration, options.get("sitting"))
    if name == "gateway-report":
        return builders.gateway_report(registration)
    if name == "portfolio-matrix":
        return builders.portfolio_matrix(registration)
    if name == "results-letter":
        result = options.get("result") or latest_result(registration)
        if result is None:
            raise DocumentUnavailable(
                "There is no results letter yet: the result has not been released."
            )
        return builders.results_letter(result)
    raise DocumentUnavailable(f"There is no document called {name!r}.")


def render_document(name: str, registration: Registration, **options: Any) -> bytes:
    """The PDF of the document ``name`` of ``registration`` (options as for :func:`build`)."""
    return _render(registration, build(name, registration, **options))


def latest_result(registration: Registration) -> Result | None:
    """The registration's latest released result (of its latest sitting with one)."""
    return (
        Result.objects.filter(registration=registration)
        .select_related("sitting", "released_by")
        .order_by("-sitting__number")
        .first()
    )


def results_letter(result: Result) -> bytes:
    """The PDF sent after release: the results document (achieved) or the feedback letter."""
    registration = (
        Registration.objects.select_related("apprentice", "epao", "specification")
        .filter(pk=result.registration_id)
        .get()
    )
    result.registration = registration
    return _render(registration, builders.results_letter(result))


# --- batches of results letters ---------------------------------------------------------


def batch_dir() -> Path:
    """Where batches' files are kept: outside the web root, never served directly."""
    folder = Path(settings.VAR_DIR) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _released_between(epao_id: int, start: date, end: date) -> QuerySet[Result]:
    """The results the EPAO released between ``start`` and ``end`` (inclusive), in order."""
    return Result.objects.filter(
        registration__epao_id=epao_id,
        released_at__date__gte=start,
        released_at__date__lte=end,
    ).order_by("released_at", "pk")


def batch_results(batch: DocumentBatch) -> QuerySet[Result]:
    """The results whose letters the batch holds: released in its dates, by its EPAO."""
    return _released_between(batch.epao_id, batch.released_from, batch.released_to)


def results_released_between(user: User, start: date, end: date) -> int:
    """How many results the user's EPAO released between ``start`` and ``end`` (inclusive)."""
    return _released_between(user.epao_id, start, end).count()


def batches_for(user: User) -> QuerySet[DocumentBatch]:
    """The batches of the user's EPAO, the latest first (for a paginated list)."""
    return DocumentBatch.objects.filter(epao_id=user.epao_id).select_related("requested_by")


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``ids`` in lists of at most ``size``."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
