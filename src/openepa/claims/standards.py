"""What the assessment service knows a standard by: its LARS code, versions and course options.

They live with the standard, never typed per claim:

- the **versions** are those of the standard files loaded for the reference (one stored
  specification per EPAO file, each with its standard's version);
- the **course options** of a version are the ``course_options`` of that version's file;
- the **LARS code** is the standard file's ``lars_code``, or the code an EPAO admin sets once
  on the "Standards at the assessment service" page (:class:`~openepa.accounts.models.
  StandardAtService`), each change audited with who, when and why and refused if someone else
  changed it meanwhile. A code that differs from the file's is refused: the file is corrected.

A change of the code puts the EPAO's ready claims of the standard back to draft, each change
kept, so that none is sent with the former code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openepa.accounts.models import Organisation, StandardAtService, User
from openepa.audit.models import AuditEvent
from openepa.audit.services import record_event
from openepa.claims.events import ClaimChanged, LarsCodeChanged
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.kernel import clock, events, service_client
from openepa.rules.claims import STANDARDS_PAGE, lars_code_of
from openepa.rules.model import Standard
from openepa.rules.service import StandardFacts
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import rules_for

ACTION = "claims.lars_code_set"
#: The key of :func:`set_lars_code`'s answer saying how many ready claims went back to draft.
BACK_TO_DRAFT = "ready claims back to draft"


class StandardRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """A LARS code that cannot be set, with the message saying why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StandardChanged(StandardRefused):
    """Someone else set the standard's LARS code while this admin was changing it."""


@dataclass(frozen=True)
class StandardInfo:
    """One standard as the service knows it, with where each fact comes from."""

    reference: str
    title: str
    files: dict[str, Standard] = field(default_factory=dict)
    """The standard file of each loaded version."""
    row: StandardAtService | None = None
    """The EPAO's LARS code, when an admin set one."""

    @property
    def versions(self) -> tuple[str, ...]:
        """The versions loaded, oldest first."""
        return tuple(sorted(self.files, key=_version_key))

    @property
    def file_lars_code(self) -> int | None:
        """The LARS code the standard files give (the latest version's that gives one)."""
        for version in reversed(self.versions):
            code = self.files[version].lars_code
            if code is not None:
                return code
        return None

    @property
    def file_with_code(self) -> str:
        """The id of the standard file the LARS code comes from, or ""."""
        for version in reversed(self.versions):
            if self.files[version].lars_code is not None:
                return self.files[version].id
        return ""

    @property
    def epao_lars_code(self) -> int | None:
        """The LARS code an EPAO admin set, if any."""
        return self.row.lars_code if self.row is not None else None

    @property
    def lars_code(self) -> int | None:
        """The code sent: the EPAO's, else the file's."""
        return lars_code_of(self.file_lars_code, self.epao_lars_code)

    @property
    def conflict(self) -> tuple[int, int] | None:
        """The file's and the EPAO's codes when both are given and differ."""
        file_code, epao_code = self.file_lars_code, self.epao_lars_code
        if file_code is not None and epao_code is not None and file_code != epao_code:
            return (file_code, epao_code)
        return None

    @property
    def options(self) -> dict[str, tuple[str, ...]]:
        """The course options of each version."""
        return {version: tuple(self.files[version].course_options) for version in self.files}

    @property
    def has_options(self) -> bool:
        """Whether any version has course options."""
        return any(self.files[version].course_options for version in self.files)

    @property
    def facts(self) -> StandardFacts:
        """The standard as :mod:`openepa.rules.service` checks a request against it."""
        return StandardFacts(self.reference, self.lars_code, self.versions, self.options)

    def source_of_code(self) -> str:
        """Where the LARS code comes from, in words."""
        if self.row is not None:
            who = self.row.updated_by.full_name if self.row.updated_by else "an EPAO admin"
            when = timezone.localtime(self.row.updated_at)
            return f"set by {who} on {when.day} {when:%B %Y} on the {STANDARDS_PAGE} page"
        if self.file_with_code:
            return f"from the standard file {self.file_with_code}"
        return "not set"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isascii() and part.isdigit())


def references() -> list[str]:
    """Every standard reference with a loaded file."""
    return list(
        SpecificationRecord.objects.order_by("standard")
        .values_list("standard", flat=True)
        .distinct()
    )


def _files(reference: str) -> tuple[str, dict[str, Standard]]:
    """The title and the standard file of each loaded version of ``reference``."""
    files: dict[str, Standard] = {}
    title = ""
    records = SpecificationRecord.objects.filter(standard=reference).order_by(
        "-is_current", "-loaded_at", "-pk"
    )
    for record in records:
        if record.version not in files:
            files[record.version] = rules_for(record)[1]
            title = title or record.standard_title
    return title, files


def standard_info(epao_id: int, reference: str) -> StandardInfo | None:
    """The standard ``reference`` for the EPAO, or None when no file of it is loaded."""
    title, files = _files(reference)
    if not files:
        return None
    row = (
        StandardAtService.objects.select_related("updated_by")
        .filter(epao_id=epao_id, reference=reference)
        .first()
    )
    return StandardInfo(reference, title, files, row)


def standards_of(epao_id: int) -> list[StandardInfo]:
    """Every loaded standard, with the EPAO's LARS codes."""
    rows = {
        row.reference: row
        for row in StandardAtService.objects.select_related("updated_by").filter(epao_id=epao_id)
    }
    found = []
    for reference in references():
        title, files = _files(reference)
        found.append(StandardInfo(reference, title, files, rows.get(reference)))
    return found


def latest_reasons(epao_id: int, infos: list[StandardInfo]) -> dict[str, str]:
    """Why each code set here was last set (the reason of its latest change), in one query."""
    by_id = {str(info.row.pk): info.reference for info in infos if info.row is not None}
    if not by_id:
        return {}
    reasons: dict[str, str] = {}
    for object_id, reason in (
        AuditEvent.objects.filter(
            epao_id=epao_id,
            action=ACTION,
            object_type=StandardAtService._meta.label,
            object_id__in=list(by_id),
        )
        .order_by("-at", "-pk")
        .values_list("object_id", "reason")
    ):
        reasons.setdefault(by_id[object_id], reason)
    return reasons


class FactsCache:
    """Standards looked up once per EPAO and reference (for a batch of claims)."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, str], StandardInfo] = {}

    def info(self, epao_id: int, reference: str) -> StandardInfo:
        """The standard's info; one with no files and no code if none is loaded."""
        key = (epao_id, reference)
        if key not in self._found:
            self._found[key] = standard_info(epao_id, reference) or StandardInfo(reference, "")
        return self._found[key]


def history(epao_id: int, info: StandardInfo) -> list[AuditEvent]:
    """Every change of the standard's LARS code at the EPAO, newest first."""
    if info.row is None:
        return []
    return list(
        AuditEvent.objects.select_related("actor")
        .filter(
            epao_id=epao_id,
            action=ACTION,
            object_type=StandardAtService._meta.label,
            object_id=str(info.row.pk),
        )
        .order_by("-at", "-pk")
    )


@transaction.atomic
def set_lars_code(
    epao: Organisation,
    actor: User,
    *,
    reference: str,
    lars_code: int,
    revision: int,
    reason: str,
) -> dict[str, tuple[Any, Any]]:
    """Set the LARS code of one of the EPAO's standards; returns the change (none if equal).

    When ready claims of the standard went back to draft, ``changes[BACK_TO_DRAFT]`` is
    (how many, 0).

    ``revision`` is the one the admin's page showed (0 when no code was set). Refused when
    someone else set it since, when the standard file gives another code, or when the code is
    not a whole number of 1 or more.
    """
    info = standard_info(epao.pk, reference)
    if info is None:
        raise StandardRefused(f"No standard file of {reference} is loaded")
    if lars_code < 1:
        raise StandardRefused("Enter the LARS code as a whole number of 1 or more, like 123")
    file_code = info.file_lars_code
    if file_code is not None and file_code != lars_code:
        raise StandardRefused(
            f"The standard file {info.file_with_code} gives {reference} the LARS code "
            f"{file_code}: correct the file if that code is wrong, rather than setting another "
            "here"
        )
    row = (
        StandardAtService.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(epao=epao, reference=reference)
        .first()
    )
    if (row.revision if row else 0) != revision:
        raise _changed(row, reference)
    old = row.lars_code if row else None
    if old == lars_code:
        return {}
    now = clock.now()
    if row is None:
        try:
            with transaction.atomic():
                row = StandardAtService.objects.create(
                    epao=epao,
                    reference=reference,
                    lars_code=lars_code,
                    updated_by=actor,
                    updated_at=now,
                )
        except IntegrityError:  # another admin set it at the same moment
            raise _changed(
                StandardAtService.objects.select_related("updated_by")
                .filter(epao=epao, reference=reference)
                .first(),
                reference,
            ) from None
    else:
        row.lars_code = lars_code
        row.revision += 1
        row.updated_by = actor
        row.updated_at = now
        row.save()
    changes: dict[str, tuple[Any, Any]] = {"lars_code": (old, lars_code)}
    record_event(
        actor=actor,
        epao=epao,
        action=ACTION,
        obj=row,
        summary=f"LARS code of {reference} set to {lars_code}"
        + (f" (was {old})" if old is not None else ""),
        changes=changes,
        reason=reason,
    )
    if old is not None:
        moved = _ready_claims_back_to_draft(epao, actor, reference, old, lars_code)
        if moved:
            changes[BACK_TO_DRAFT] = (moved, 0)
    events.publish(LarsCodeChanged(epao, reference, actor))
    return changes


def _changed(row: StandardAtService | None, reference: str) -> StandardChanged:
    if row is None:
        return StandardChanged(
            f"The LARS code of {reference} changed while you were editing it: check it now "
            "and save again"
        )
    who = row.updated_by.full_name if row.updated_by else "Someone else"
    when = timezone.localtime(row.updated_at)
    return StandardChanged(
        f"{who} set the LARS code of {reference} to {row.lars_code} at {when:%H:%M} on "
        f"{when.day} {when:%B %Y} while you were editing it: your value is still below; check "
        "the code now saved and save again"
    )


def _ready_claims_back_to_draft(
    epao: Organisation, actor: User, reference: str, old: int, new: int
) -> int:
    """The EPAO's ready claims of the standard go back to draft, each change kept; how many."""
    ready = CertificateClaim.objects.filter(
        epao=epao, standard_reference=reference, status=CertificateClaim.Status.READY
    )
    pks = list(ready.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return 0
    now = clock.now()
    reason = (
        f"The LARS code of {reference} changed from {old} to {new} on the {STANDARDS_PAGE} "
        "page: check the claim and mark it ready again"
    )
    CertificateClaim.objects.filter(pk__in=pks).update(
        status=CertificateClaim.Status.DRAFT,
        revision=F("revision") + 1,
        updated_by=actor,
        updated_at=now,
    )
    claims = list(CertificateClaim.objects.filter(pk__in=pks).order_by("pk"))
    ClaimChange.objects.bulk_create(
        ClaimChange(
            claim=claim,
            field="status",
            old=CertificateClaim.Status.READY,
            new=CertificateClaim.Status.DRAFT,
            reason=reason,
            revision=claim.revision,
            changed_by=actor,
            changed_at=now,
        )
        for claim in claims
    )
    if service_client.configured():
        for claim in claims:
            events.publish(ClaimChanged(claim, actor))
    return len(claims)
