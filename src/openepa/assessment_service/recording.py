"""Recording the service's answer to each item of a run, each in its own short transaction.

Every request about an item is kept as a :class:`ServiceExchange` with what was asked, the
outcome, the service's messages and the HTTP status; what it means is applied to the item
(accepted, refused, to try again later) and, for a certificate, to its claim
(:func:`openepa.claims.service_records.record_from_service`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction

from openepa.accounts.models import User
from openepa.assessment_service.claiming import Due
from openepa.assessment_service.states import state_of
from openepa.assessment_service.summary import CREATE, SUBMIT, UPDATE, Line, SyncSummary
from openepa.claims.models import CertificateClaim
from openepa.claims.service_records import record_from_service
from openepa.kernel import clock
from openepa.kernel.service_client import ServiceRefused
from openepa.registration.service_models import ServiceExchange, ServiceItem
from openepa.rules.service_api import ItemAnswer

Kind = ServiceItem.Kind
State = ServiceItem.State

KEY_HINTS = {
    401: "check ASSESSMENT_SERVICE_KEY: the service did not accept the subscription key",
    403: "the service refused the request: check ASSESSMENT_SERVICE_KEY and the EPAO's access",
}


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed tries: 5, 10, 20, 40 minutes... up to a day."""
    return min(timedelta(minutes=5 * 2 ** max(attempts - 1, 0)), timedelta(days=1))


def http_status_of(message: str) -> int | None:
    """The HTTP status a ServiceUnavailable message names ("The service answered 503: ...")."""
    found = re.search(r"answered (\d{3})", message)
    return int(found.group(1)) if found else None


WHOLE_REFUSAL = "The service refused the whole request"


def whole_refusal(error: ServiceRefused) -> str:
    """A refusal of a whole request in words: a problem of configuration, with the fix."""
    hint = KEY_HINTS.get(error.status, "check ASSESSMENT_SERVICE_URL and ASSESSMENT_SERVICE_KEY")
    return f"{WHOLE_REFUSAL} ({error.status}: {error.message}): {hint}."


class Recorder:
    """The recording of one run's answers (the run's id, who asked, what it did so far)."""

    def __init__(self, run_id: str, actor: User | None, summary: SyncSummary) -> None:
        self.run_id = run_id
        self.actor = actor
        self.summary = summary

    def record(
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
                if claim is not None and (item.service_status or item.reference):
                    record_from_service(
                        claim,
                        service_status=item.service_status,
                        certificate_reference=item.reference,
                    )
        return item

    def accepted(
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
        self.record(
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

    def refused(
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

        self.record(
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

    def unavailable(
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

        self.record(
            due,
            action=action,
            batch=batch,
            body=body,
            outcome="unavailable",
            http_status=http_status_of(message),
            error=message,
            apply=apply,
        )
        self.summary.unsent.append(
            Line(due.kind, action, due.name, due.uln, due.reference, error=message)
        )

    def refused_whole(
        self, due: Due, action: str, batch: str, body: dict[str, Any], problem: str, status: int
    ) -> None:
        now = clock.now()

        def apply(item: ServiceItem) -> None:
            item.attempts += 1
            item.next_attempt_at = now + backoff(item.attempts)
            item.last_error = problem[:2000]

        self.record(
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

    def wait_for_epa(self, due: Due, next_try: Any) -> None:
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
