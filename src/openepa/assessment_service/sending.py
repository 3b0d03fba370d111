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

An item left *sending* by a worker that stopped (for longer than
:func:`~openepa.assessment_service.claiming.stale_after`) is claimed again; a create it had
made is then met with "already exists" and adopted. A certificate waits for its apprentice's
EPA record. The claiming is in :mod:`.claiming`, the recording of answers in :mod:`.recording`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q

from openepa.accounts.models import User
from openepa.assessment_service.claiming import Due, claim_due, release
from openepa.assessment_service.recording import Recorder, whole_refusal
from openepa.assessment_service.summary import CREATE, LOOKUP, SUBMIT, UPDATE, Line, SyncSummary
from openepa.kernel import clock
from openepa.kernel.service_client import (
    AssessmentServiceClient,
    LearnerLookup,
    ServiceRefused,
    ServiceUnavailable,
    client,
    configured,
)
from openepa.registration.service_models import ServiceItem
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

# das-assessor-service: src/SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/
# Epas/CreateBatchEpaRequestValidator.cs: the learner already has an EPA record.
EPA_ALREADY_PROVIDED = "EPA already provided for the learner"


class _Run(Recorder):
    """One run's requests and the recording of their answers."""

    def __init__(
        self,
        service: AssessmentServiceClient,
        run_id: str,
        actor: User | None,
        summary: SyncSummary,
    ) -> None:
        super().__init__(run_id, actor, summary)
        self.service = service
        self.requests = 0

    # --- the order of the work -----------------------------------------------------------

    def send(self, claimed: list[Due]) -> None:
        """Send every claimed item in the service's order (the held ones are only noted)."""
        for due in claimed:
            if due.held:
                action = UPDATE if due.reference else CREATE
                self.summary.held.append(
                    Line(due.kind, action, due.name, due.uln, due.reference, error=due.held)
                )
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
                self.wait_for_epa(due, pending[due.registration_id])
        return [due for due in certificates if due.registration_id not in pending]

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
                self.unavailable(due, action, batch, body, error.message, error.retry_after)
            return []
        except ServiceRefused as error:
            problem = whole_refusal(error)
            if problem not in self.summary.problems:
                self.summary.problems.append(problem)
            for due, body in zip(chunk, bodies, strict=True):
                self.refused_whole(due, action, batch, body, problem, error.status)
            return []
        adopted = []
        for due, body in zip(chunk, bodies, strict=True):
            answer = answers.get(due.request_id)
            if answer is None:
                self.unavailable(
                    due, action, batch, body, "The service's answer did not mention this item", None
                )
            elif answer.accepted:
                self.accepted(due, action, batch, body, answer)
            else:
                taken = self._adopt(due, action, batch, body, answer)
                if taken:
                    adopted.append(due)
                elif taken is None:
                    self.refused(due, action, batch, body, answer)
        return adopted

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

        self.record(
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
            self.unavailable(due, LOOKUP, batch, request, error.message, error.retry_after)
            return ""
        except ServiceRefused as error:
            lookup = LearnerLookup(None, error.message)
        reference = lookup.learner.epa_reference if lookup.learner else ""
        if not reference:
            self.refused(due, LOOKUP, batch, request, answer, note=lookup.message)
            return ""

        def apply(item: ServiceItem) -> None:
            item.reference = reference

        self.record(
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
        "Assessment service: %s sent, %s refused, %s held, %s not sent in %s requests",
        len(summary.sent),
        len(summary.refused),
        len(summary.held),
        len(summary.unsent),
        summary.requests,
    )
    return summary
