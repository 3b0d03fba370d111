"""Sending what is due to the apprenticeship assessment service, safe to run twice.

:func:`send_due` works in three steps, so that no request is made inside a transaction or
while a row is locked:

1. **Claim** the due items in one short transaction: each is marked *sending* with this run's
   id and the moment (rows locked with ``SKIP LOCKED`` where the database has it, and the mark
   made only where the item is still due, so two workers never take the same item).
2. **Send**, outside any transaction, in the service's order: EPA records created, EPA
   records updated, certificates created, certificates updated, certificates submitted; at
   most 25 items a request (:func:`openepa.rules.service.batches`), each with its own
   ``requestId``.
3. **Record** each answer in its own short transaction, with a :class:`ServiceExchange`:

   - accepted: the reference kept, ``sent_hash`` set (the item is not sent again unchanged);
   - refused with the service's messages: kept, ``refused_hash`` set (not sent again until
     it changes);
   - "Certificate already exists: REF" to a create: REF adopted and the certificate updated;
     "EPA already provided for the learner": the learner looked up, its ``epaReference``
     adopted and the record updated (a create whose answer was lost is so never made twice);
   - the service unavailable (timeout, 5xx, 429): every item of that request waits again,
     with a growing delay (at least the ``Retry-After`` the service asked for); the other
     requests go on;
   - the whole request refused (401 bad key, 403): the items wait again, the problem is
     shown as one of configuration.

An item left *sending* by a worker that stopped (for longer than :func:`stale_after`) is
claimed again; a create it had made is then met with "already exists" and adopted.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from openepa.accounts.models import User
from openepa.assessment_service.states import content_due, state_of, submit_due
from openepa.claims.models import CertificateClaim
from openepa.claims.service_records import record_from_service
from openepa.kernel import clock
from openepa.kernel.service_client import (
    AssessmentServiceClient,
    LearnerLookup,
    ServiceRefused,
    ServiceUnavailable,
    client,
    configured,
)
from openepa.registration.service_models import ServiceExchange, ServiceItem
from openepa.rules.service import (
    BATCH_LIMIT,
    CertificateFields,
    batches,
    existing_certificate_reference,
)
from openepa.rules.service_api import ItemAnswer, submit_request

logger = logging.getLogger(__name__)

Kind = ServiceItem.Kind
State = ServiceItem.State

CREATE, UPDATE, SUBMIT, LOOKUP = "create", "update", "submit", "lookup"

# das-assessor-service: src/SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/
# Epas/CreateBatchEpaRequestValidator.cs: the learner already has an EPA record.
EPA_ALREADY_PROVIDED = "EPA already provided for the learner"

DONE_WORDS: dict[tuple[str, str], str] = {
    (Kind.EPA, CREATE): "EPA records created",
    (Kind.EPA, UPDATE): "EPA records updated",
    (Kind.CERTIFICATE, CREATE): "Certificates created",
    (Kind.CERTIFICATE, UPDATE): "Certificates updated",
    (Kind.CERTIFICATE, SUBMIT): "Certificates submitted",
}
DOING_WORDS: dict[tuple[str, str], str] = {
    (Kind.EPA, CREATE): "creating the EPA record",
    (Kind.EPA, UPDATE): "updating the EPA record",
    (Kind.EPA, LOOKUP): "looking up the learner's EPA record",
    (Kind.CERTIFICATE, CREATE): "creating the certificate",
    (Kind.CERTIFICATE, UPDATE): "updating the certificate",
    (Kind.CERTIFICATE, SUBMIT): "submitting the certificate",
}
KEY_HINTS = {
    401: "check ASSESSMENT_SERVICE_KEY: the service did not accept the subscription key",
    403: "the service refused the request: check ASSESSMENT_SERVICE_KEY and the EPAO's access",
}


def stale_after() -> timedelta:
    """How long an item may be "sending" before its worker is taken to have stopped.

    Five times ``ASSESSMENT_SERVICE_TIMEOUT``: longer than any one request can take, since
    the sending marks each item again just before each request.
    """
    return timedelta(seconds=5 * int(settings.ASSESSMENT_SERVICE_TIMEOUT))


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed tries: 5, 10, 20, 40 minutes... up to a day."""
    return min(timedelta(minutes=5 * 2 ** max(attempts - 1, 0)), timedelta(days=1))


# --- what a run did ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One learner's item in a run: what was done, or refused, or not sent and why."""

    kind: str
    action: str
    name: str
    uln: str
    reference: str = ""
    messages: tuple[str, ...] = ()
    error: str = ""

    @property
    def who(self) -> str:
        """The learner, as the lines name them."""
        return f"{self.name} (ULN {self.uln})"

    @property
    def doing(self) -> str:
        """What was being done, in words."""
        return DOING_WORDS.get((self.kind, self.action), self.action)


@dataclass
class SyncSummary:
    """What one run of :func:`send_due` sent, what was refused and what could not be sent."""

    configured: bool = True
    sent: list[Line] = field(default_factory=list)
    refused: list[Line] = field(default_factory=list)
    unsent: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def complete(self) -> bool:
        """Whether everything due was sent or refused (nothing left for want of the service)."""
        return self.configured and not self.unsent

    def as_dict(self) -> dict[str, Any]:
        """The summary as numbers and sentences (a task's result)."""
        return {
            "configured": self.configured,
            "requests": self.requests,
            "sent": len(self.sent),
            "refused": len(self.refused),
            "unsent": len(self.unsent),
            "problems": self.problems,
        }


# --- claiming --------------------------------------------------------------------------------


@dataclass
class Due:
    """One item claimed by this run, as it was when claimed, and what the run did with it."""

    pk: int
    kind: str
    registration_id: int
    revision: int
    payload: dict[str, Any]
    payload_hash: str
    reference: str
    claim_id: int | None
    content: bool
    submit: bool
    name: str
    uln: str
    family_name: str
    standard: str
    finished: bool = False

    @property
    def request_id(self) -> str:
        """The item's ``requestId``: unique within a request, new at each change of payload."""
        return f"openepa-{self.pk}-{self.revision}"


def _held_claims() -> Any:
    """The claims in draft: their certificates wait until they are ready again."""
    return CertificateClaim.objects.filter(status=CertificateClaim.Status.DRAFT).values("pk")


def _due_filter(now: Any, honour_backoff: bool) -> Q:
    """Items due to be claimed now: waiting (past their next try), or left sending."""
    waiting = Q(state=State.WAITING) & ~Q(kind=Kind.CERTIFICATE, claim_id__in=_held_claims())
    if honour_backoff:
        waiting &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(state=State.SENDING) & (
        Q(sending_since__isnull=True) | Q(sending_since__lt=now - stale_after())
    )
    return waiting | stale


def _standard_of(payload: dict[str, Any]) -> str:
    standard = payload.get("standard") or {}
    return str(standard.get("standardCode") or standard.get("standardReference") or "")


def claim_due(run_id: str, *, honour_backoff: bool, limit: int | None) -> list[Due]:
    """Mark the due items "sending" for run ``run_id``, in one short transaction."""
    now = clock.now()
    due = _due_filter(now, honour_backoff)
    with transaction.atomic():
        candidates = ServiceItem.objects.filter(due).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(
            candidates.values_list("pk", flat=True)[:limit]
            if limit
            else candidates.values_list("pk", flat=True)
        )
        if not pks:
            return []
        # Marked only where still due: a worker that took one meanwhile keeps it.
        ServiceItem.objects.filter(pk__in=pks).filter(due).update(
            state=State.SENDING, batch=run_id, sending_since=now
        )
        items = list(
            ServiceItem.objects.filter(batch=run_id, state=State.SENDING)
            .select_related("registration__apprentice")
            .order_by("pk")
        )
        held = set(
            CertificateClaim.objects.filter(
                pk__in=[item.claim_id for item in items if item.claim_id],
                status=CertificateClaim.Status.DRAFT,
            ).values_list("pk", flat=True)
        )
    claimed = []
    for item in items:
        apprentice = item.registration.apprentice
        learner = item.payload.get("learner") or {}
        sendable = item.kind != Kind.CERTIFICATE or item.claim_id not in held
        claimed.append(
            Due(
                pk=item.pk,
                kind=item.kind,
                registration_id=item.registration_id,
                revision=item.revision,
                payload=item.payload,
                payload_hash=item.payload_hash,
                reference=item.reference,
                claim_id=item.claim_id,
                content=sendable and content_due(item),
                submit=sendable and submit_due(item),
                name=apprentice.full_name,
                uln=str(learner.get("uln") or apprentice.uln),
                family_name=str(learner.get("familyName") or apprentice.family_name),
                standard=_standard_of(item.payload),
            )
        )
    return claimed


def release(run_id: str) -> int:
    """Settle every item still marked sending by run ``run_id`` (its work ended early)."""
    with transaction.atomic():
        items = list(
            ServiceItem.objects.select_for_update().filter(batch=run_id, state=State.SENDING)
        )
        for item in items:
            item.state = state_of(item)
            item.save(update_fields=["state"])
    return len(items)


# --- one run -------------------------------------------------------------------------------


def _http_status(message: str) -> int | None:
    """The HTTP status a ServiceUnavailable message names ("The service answered 503: ...")."""
    found = re.search(r"answered (\d{3})", message)
    return int(found.group(1)) if found else None


class _Run:
    """One run's requests and the recording of their answers."""

    def __init__(
        self,
        service: AssessmentServiceClient,
        run_id: str,
        actor: User | None,
        summary: SyncSummary,
    ) -> None:
        self.service = service
        self.run_id = run_id
        self.actor = actor
        self.summary = summary
        self.requests = 0

    # --- the order of the work -----------------------------------------------------------

    def send(self, claimed: list[Due]) -> None:
        """Send every claimed item in the service's order."""
        epas = [due for due in claimed if due.kind == Kind.EPA and due.content]
        certificates = [due for due in claimed if due.kind == Kind.CERTIFICATE and due.content]
        epa_updates = [due for due in epas if due.reference]
        epa_updates += self._phase(Kind.EPA, CREATE, [due for due in epas if not due.reference])
        self._phase(Kind.EPA, UPDATE, epa_updates)
        certificates = self._after_epa_records(certificates)
        updates = [due for due in certificates if due.reference]
        updates += self._phase(
            Kind.CERTIFICATE, CREATE, [due for due in certificates if not due.reference]
        )
        self._phase(Kind.CERTIFICATE, UPDATE, updates)
        submits = [due for due in claimed if due.submit and not due.finished and due.reference]
        self._phase(Kind.CERTIFICATE, SUBMIT, submits)

    def _after_epa_records(self, certificates: list[Due]) -> list[Due]:
        """The certificates whose learner's EPA record is not waiting to be sent.

        The service records the EPA when the certificate is created and then takes no EPA
        record of its own ("Certificate already exists, cannot create EPA record",
        CreateBatchEpaRequestValidator.cs): a certificate waits for its EPA record (until the
        EPA record's next try), so the EPA history (a fail, a resit) reaches the service.
        """
        if not certificates:
            return []
        pending = dict(
            ServiceItem.objects.filter(
                kind=Kind.EPA,
                registration_id__in={due.registration_id for due in certificates},
            )
            .filter(Q(state=State.WAITING) | (Q(state=State.SENDING) & ~Q(batch=self.run_id)))
            .values_list("registration_id", "next_attempt_at")
        )
        for due in certificates:
            if due.registration_id in pending:
                self._wait_for_epa(due, pending[due.registration_id])
        return [due for due in certificates if due.registration_id not in pending]

    def _wait_for_epa(self, due: Due, next_try: Any) -> None:
        """Leave the certificate waiting for the EPA record, saying why."""
        message = "Waiting for the apprentice's EPA record to reach the service first"
        ServiceItem.objects.filter(pk=due.pk, batch=self.run_id, state=State.SENDING).update(
            state=State.WAITING, next_attempt_at=next_try, last_error=message
        )
        due.finished = True
        self.summary.unsent.append(
            Line(
                due.kind, CREATE if not due.reference else UPDATE, due.name, due.uln, error=message
            )
        )

    def _phase(self, kind: str, action: str, items: list[Due]) -> list[Due]:
        """Send ``items`` in batches of 25; returns those adopted (to update next)."""
        adopted: list[Due] = []
        for chunk in batches(items, BATCH_LIMIT):
            mine = self._still_mine(chunk)
            if mine:
                adopted += self._batch(kind, action, mine)
        return adopted

    def _still_mine(self, chunk: list[Due]) -> list[Due]:
        """The items of ``chunk`` this run still holds, each marked again just before sending."""
        with transaction.atomic():
            ServiceItem.objects.filter(
                pk__in=[due.pk for due in chunk], batch=self.run_id, state=State.SENDING
            ).update(sending_since=clock.now())
            held = set(
                ServiceItem.objects.filter(
                    pk__in=[due.pk for due in chunk], batch=self.run_id, state=State.SENDING
                ).values_list("pk", flat=True)
            )
        for due in chunk:
            if due.pk not in held:
                due.finished = True
        return [due for due in chunk if due.pk in held]

    # --- one request ---------------------------------------------------------------------

    def _body(self, action: str, due: Due) -> dict[str, Any]:
        if action == SUBMIT:
            learner = due.payload.get("learner") or {}
            standard = due.payload.get("standard") or {}
            fields = CertificateFields(
                uln=str(learner.get("uln") or due.uln),
                family_name=due.family_name,
                standard_code=standard.get("standardCode"),
                standard_reference=str(standard.get("standardReference") or ""),
                version="",
                course_option="",
                overall_grade="",
                achievement_date=None,
                contact_name="",
                department="",
                organisation="",
                address_line_1="",
                address_line_2="",
                address_line_3="",
                city="",
                postcode="",
            )
            return submit_request(fields, due.request_id, due.reference)
        body: dict[str, Any] = {"requestId": due.request_id}
        if action == UPDATE:
            key = "epaReference" if due.kind == Kind.EPA else "certificateReference"
            body[key] = due.reference
        return body | due.payload

    def _call(self, kind: str, action: str, bodies: list[dict[str, Any]]) -> dict[str, ItemAnswer]:
        calls: dict[tuple[str, str], Callable[[list[dict[str, Any]]], dict[str, ItemAnswer]]] = {
            (Kind.EPA, CREATE): self.service.create_epas,
            (Kind.EPA, UPDATE): self.service.update_epas,
            (Kind.CERTIFICATE, CREATE): self.service.create_certificates,
            (Kind.CERTIFICATE, UPDATE): self.service.update_certificates,
            (Kind.CERTIFICATE, SUBMIT): self.service.submit_certificates,
        }
        self.requests += 1
        return calls[(kind, action)](bodies)

    def _batch(self, kind: str, action: str, chunk: list[Due]) -> list[Due]:
        """Send one request and record the answer to each of its items."""
        bodies = [self._body(action, due) for due in chunk]
        batch = f"{self.run_id[:24]}-{self.requests + 1}"
        try:
            answers = self._call(kind, action, bodies)
        except ServiceUnavailable as error:
            for due, body in zip(chunk, bodies, strict=True):
                self._unavailable(due, action, batch, body, error.message, error.retry_after)
            return []
        except ServiceRefused as error:
            problem = _whole_refusal(error)
            if problem not in self.summary.problems:
                self.summary.problems.append(problem)
            for due, body in zip(chunk, bodies, strict=True):
                self._refused_whole(due, action, batch, body, problem, error.status)
            return []
        adopted = []
        for due, body in zip(chunk, bodies, strict=True):
            answer = answers.get(due.request_id)
            if answer is None:
                self._unavailable(
                    due, action, batch, body, "The service's answer did not mention this item", None
                )
            elif answer.accepted:
                self._accepted(due, action, batch, body, answer)
            else:
                taken = self._adopt(due, action, batch, body, answer)
                if taken:
                    adopted.append(due)
                elif taken is None:
                    self._refused(due, action, batch, body, answer)
        return adopted

    # --- recording -----------------------------------------------------------------------

    def _record(
        self,
        due: Due,
        *,
        action: str,
        batch: str,
        body: dict[str, Any],
        outcome: str,
        http_status: int | None,
        messages: Sequence[str] = (),
        error: str = "",
        apply: Callable[[ServiceItem], None] | None = None,
        final: bool = True,
    ) -> ServiceItem:
        """Keep one exchange and apply what it means to the item, in one short transaction."""
        now = clock.now()
        with transaction.atomic():
            item = ServiceItem.objects.select_for_update().get(pk=due.pk)
            ServiceExchange.objects.create(
                item=item,
                batch=batch,
                action=action,
                request_id=str(body.get("requestId", "")),
                request=body,
                outcome=outcome,
                http_status=http_status,
                messages=list(messages),
                error=error[:2000],
                actor=self.actor,
                at=now,
            )
            if apply is not None:
                apply(item)
            if item.state == State.SENDING and item.batch == self.run_id:
                if final:
                    item.state = state_of(item)
                else:
                    item.sending_since = now
            item.updated_at = now
            item.save()
            if final:
                due.finished = True
            if item.kind == Kind.CERTIFICATE and item.claim_id and outcome == "accepted":
                claim = CertificateClaim.objects.filter(pk=item.claim_id).first()
                if claim is not None and item.service_status:
                    record_from_service(claim, service_status=item.service_status)
        return item

    def _accepted(
        self, due: Due, action: str, batch: str, body: dict[str, Any], answer: ItemAnswer
    ) -> None:
        now = clock.now()
        reference = answer.reference or due.reference

        def apply(item: ServiceItem) -> None:
            item.reference = reference or item.reference
            if action == SUBMIT:
                item.submitted_at = now
                item.service_status = answer.status or "Submitted"
            else:
                item.sent_hash = due.payload_hash
                item.refused_hash = ""
                if item.kind == Kind.CERTIFICATE:
                    item.service_status = answer.status or item.service_status
            item.messages = []
            item.last_error = ""
            item.attempts = 0
            item.next_attempt_at = None
            item.sent_at = now

        more = action != SUBMIT and due.submit
        self._record(
            due,
            action=action,
            batch=batch,
            body=body,
            outcome="accepted",
            http_status=200,
            apply=apply,
            final=not more,
        )
        due.reference = reference
        self.summary.sent.append(Line(due.kind, action, due.name, due.uln, reference=reference))

    def _refused(
        self,
        due: Due,
        action: str,
        batch: str,
        body: dict[str, Any],
        answer: ItemAnswer,
        note: str = "",
    ) -> None:
        def apply(item: ServiceItem) -> None:
            item.refused_hash = due.payload_hash
            item.messages = list(answer.messages)
            item.last_error = ""
            item.attempts = 0
            item.next_attempt_at = None

        self._record(
            due,
            action=action,
            batch=batch,
            body=body,
            outcome="refused",
            http_status=200,
            messages=answer.messages,
            error=note,
            apply=apply,
        )
        self.summary.refused.append(
            Line(due.kind, action, due.name, due.uln, due.reference, messages=answer.messages)
        )

    def _adopt(
        self, due: Due, action: str, batch: str, body: dict[str, Any], answer: ItemAnswer
    ) -> bool | None:
        """Adopt the reference of a record the service already holds, to update it next.

        True when adopted; False when the answer was recorded otherwise (the learner could
        not be looked up); None when the answer is no "already exists" (a plain refusal).
        """
        if action != CREATE:
            return None
        if due.kind == Kind.CERTIFICATE:
            reference = existing_certificate_reference(answer.messages) or ""
            if not reference:
                return None
        elif EPA_ALREADY_PROVIDED not in answer.messages:
            return None
        else:
            reference = ""

        def apply(item: ServiceItem) -> None:
            item.reference = reference or item.reference

        self._record(
            due,
            action=action,
            batch=batch,
            body=body,
            outcome="refused",
            http_status=200,
            messages=answer.messages,
            error=(
                f"The service already holds it as {reference}: it is updated instead."
                if reference
                else "The service already holds an EPA record: the learner is looked up."
            ),
            apply=apply,
            final=False,
        )
        if due.kind == Kind.EPA:
            reference = self._look_up_epa(due, batch, answer)
            if not reference:
                return False
        due.reference = reference
        return True

    def _look_up_epa(self, due: Due, batch: str, answer: ItemAnswer) -> str:
        """The ``epaReference`` the service holds for the learner, looked up and adopted.

        When the service cannot be asked, the item waits to be tried again; when it holds no
        EPA record after all, the create's refusal stands.
        """
        request = {"uln": due.uln, "familyName": due.family_name, "standard": due.standard}
        self.requests += 1
        try:
            lookup = self.service.get_learner(due.uln, due.family_name, due.standard)
        except ServiceUnavailable as error:
            self._unavailable(due, LOOKUP, batch, request, error.message, error.retry_after)
            return ""
        except ServiceRefused as error:
            lookup = LearnerLookup(None, error.message)
        reference = lookup.learner.epa_reference if lookup.learner else ""
        if not reference:
            self._refused(due, LOOKUP, batch, request, answer, note=lookup.message)
            return ""

        def apply(item: ServiceItem) -> None:
            item.reference = reference

        self._record(
            due,
            action=LOOKUP,
            batch=batch,
            body=request,
            outcome="accepted",
            http_status=200,
            apply=apply,
            final=False,
        )
        return reference

    def _unavailable(
        self,
        due: Due,
        action: str,
        batch: str,
        body: dict[str, Any],
        message: str,
        retry_after: int | None,
    ) -> None:
        now = clock.now()

        def apply(item: ServiceItem) -> None:
            item.attempts += 1
            delay = backoff(item.attempts)
            if retry_after:
                delay = max(delay, timedelta(seconds=retry_after))
            item.next_attempt_at = now + delay
            item.last_error = message[:2000]

        self._record(
            due,
            action=action,
            batch=batch,
            body=body,
            outcome="unavailable",
            http_status=_http_status(message),
            error=message,
            apply=apply,
        )
        self.summary.unsent.append(
            Line(due.kind, action, due.name, due.uln, due.reference, error=message)
        )

    def _refused_whole(
        self, due: Due, action: str, batch: str, body: dict[str, Any], problem: str, status: int
    ) -> None:
        now = clock.now()

        def apply(item: ServiceItem) -> None:
            item.attempts += 1
            item.next_attempt_at = now + backoff(item.attempts)
            item.last_error = problem[:2000]

        self._record(
            due,
            action=action,
            batch=batch,
            body=body,
            outcome="refused whole",
            http_status=status,
            error=problem,
            apply=apply,
        )
        self.summary.unsent.append(
            Line(due.kind, action, due.name, due.uln, due.reference, error=problem)
        )


def _whole_refusal(error: ServiceRefused) -> str:
    """A refusal of a whole request in words: a problem of configuration, with the fix."""
    hint = KEY_HINTS.get(error.status, "check ASSESSMENT_SERVICE_URL and ASSESSMENT_SERVICE_KEY")
    return f"The service refused the whole request ({error.status}: {error.message}): {hint}."


def send_due(
    *,
    honour_backoff: bool = True,
    limit: int | None = None,
    actor: User | None = None,
    service: AssessmentServiceClient | None = None,
) -> SyncSummary:
    """Send every due item to the service, safe to run twice or on two workers at once.

    ``honour_backoff`` leaves items whose next try is later (the task); the sync command and
    "Send now" send them now. ``limit`` caps the items taken in this run. ``service`` is the
    client to use (by default one from the settings). Without ASSESSMENT_SERVICE_URL nothing
    is sent and the summary says it is not configured.
    """
    summary = SyncSummary()
    if service is None and not configured():
        summary.configured = False
        return summary
    run_id = uuid.uuid4().hex
    claimed = claim_due(run_id, honour_backoff=honour_backoff, limit=limit)
    if not claimed:
        return summary
    own = service or client()
    run = _Run(own, run_id, actor, summary)
    try:
        run.send(claimed)
    finally:
        summary.requests = run.requests
        release(run_id)
        if service is None:
            own.close()
    logger.info(
        "Assessment service: %s sent, %s refused, %s not sent in %s requests",
        len(summary.sent),
        len(summary.refused),
        len(summary.unsent),
        summary.requests,
    )
    return summary
