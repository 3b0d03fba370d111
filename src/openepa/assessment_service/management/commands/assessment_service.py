"""``openepa manage assessment_service sync|status``: the assessment service from a shell.

``sync`` looks up the learners whose check is due, sends everything waiting now, without a
worker and ignoring the delays after failures, follows the submitted certificates, and prints
what it sent (by action, each learner's name, ULN and reference), what the service refused and
why (its messages) and what could not be sent and why. Its exit status is 0 when everything was
sent or refused, 1 when the service could not be reached or is not configured: fit for cron.
Running it again sends nothing new.

``status`` prints how many EPA records and certificates are in each state.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Min

from openepa.assessment_service.certificates import Followed, follow_certificates
from openepa.assessment_service.lookups import ask_missing_lookups
from openepa.assessment_service.sending import send_due
from openepa.assessment_service.summary import DONE_WORDS, SyncSummary
from openepa.kernel.service_client import configured
from openepa.registration.learner_checks import run_due_checks
from openepa.registration.service_items import admin_words, held_words
from openepa.registration.service_models import ServiceItem

NOT_CONFIGURED = (
    "Sending to the apprenticeship assessment service is not configured: set "
    "ASSESSMENT_SERVICE_URL and ASSESSMENT_SERVICE_KEY"
)


def _quoted(messages: tuple[str, ...]) -> str:
    return "; ".join(f"“{message}”" for message in messages) or "no message given"


def report(summary: SyncSummary, followed: list[Followed]) -> list[str]:
    """The lines ``sync`` prints for one run."""
    lines: list[str] = []
    if summary.sent:
        lines.append("Sent to the apprenticeship assessment service:")
        for (kind, action), words in DONE_WORDS.items():
            done = [line for line in summary.sent if (line.kind, line.action) == (kind, action)]
            if done:
                lines.append(f"  {words} ({len(done)}):")
                lines += [f"    {line.who}: reference {line.reference}" for line in done]
    if summary.refused:
        lines.append(f"Refused by the service ({len(summary.refused)}):")
        lines += [
            f"  {line.who}: {line.doing} was refused: {_quoted(line.messages)}"
            for line in summary.refused
        ]
    if summary.unsent:
        lines.append(f"Not sent ({len(summary.unsent)}), to be sent again later:")
        lines += [
            f"  {line.who}: {line.doing} failed: {admin_words(line.error)}"
            for line in summary.unsent
        ]
    if summary.held:
        lines.append(f"Held, not sent until put right ({len(summary.held)}):")
        lines += [
            f"  {line.who}: {line.kind_words}: {held_words(line.error)}" for line in summary.held
        ]
    lines += [f"Problem: {problem}" for problem in summary.problems]
    if followed:
        lines.append(f"Submitted certificates followed ({len(followed)}):")
        lines += [f"  {line.words}" for line in followed]
    if not (summary.sent or summary.refused or summary.unsent or summary.held or followed):
        lines.append("Nothing was due: everything is already at the service.")
    lines.append(
        f"{len(summary.sent)} sent, {len(summary.refused)} refused, {len(summary.held)} held, "
        f"{len(summary.unsent)} not sent, in {summary.requests} "
        f"request{'' if summary.requests == 1 else 's'}."
    )
    return lines


class Command(BaseCommand):
    """Send what is due to the apprenticeship assessment service, or say where things stand."""

    help = (
        "sync: send every EPA record and certificate waiting now and follow the submitted "
        "certificates (exit status 1 when the service could not be reached or is not "
        "configured). status: how many are in each state."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        sync = actions.add_parser("sync", help="send everything waiting now")
        sync.add_argument(
            "--limit", type=int, default=None, help="send at most this many items (default: all)"
        )
        actions.add_parser("status", help="how many items are in each state")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self.status()
            return
        if not configured():
            raise CommandError(NOT_CONFIGURED, returncode=1)
        limit = options.get("limit")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more", returncode=2)
        asked = ask_missing_lookups()
        if asked:
            self.stdout.write(
                f"Asked the service about {asked} apprentice{'' if asked == 1 else 's'} whose "
                "certificate waits for a look-up."
            )
        checks = run_due_checks()
        if checks.asked:
            for line in checks.lines():
                self.stdout.write(line)
        summary = send_due(honour_backoff=False, limit=limit)
        followed = follow_certificates()
        for line in report(summary, followed):
            self.stdout.write(line)
        unreached = (
            len(summary.unsent)
            + sum(1 for line in followed if not line.reached)
            + len(checks.unavailable)
        )
        if unreached:
            raise CommandError(
                f"{unreached} item{'' if unreached == 1 else 's'} could not be sent or checked: "
                "the service could not be reached or refused the request (see above)",
                returncode=1,
            )

    def status(self) -> None:
        """Print how many items of each kind are in each state, and the next try."""
        self.stdout.write("Sending is configured." if configured() else f"{NOT_CONFIGURED}.")
        rows = (
            ServiceItem.objects.order_by("kind", "state")
            .values_list("kind", "state")
            .annotate(n=Count("pk"))
        )
        kinds = dict(ServiceItem.Kind.choices)
        states = dict(ServiceItem.State.choices)
        if not rows:
            self.stdout.write("No EPA record or certificate has been due yet.")
        for kind, state, number in rows:
            self.stdout.write(
                f"{kinds.get(kind, kind)}: {states.get(state, state).lower()}: {number}"
            )
        held = (
            ServiceItem.objects.filter(state=ServiceItem.State.HELD)
            .order_by("held_reason")
            .values_list("kind", "held_reason")
            .annotate(n=Count("pk"))
        )
        for kind, reason, number in held:
            self.stdout.write(f"{kinds.get(kind, kind)}: {held_words(reason)}: {number}")
        waiting = ServiceItem.objects.filter(state=ServiceItem.State.WAITING)
        if not configured() and waiting.exists():
            self.stdout.write(
                "The items waiting are not sent until sending is configured (see above)."
            )
        first = ServiceItem.objects.filter(
            state=ServiceItem.State.WAITING, next_attempt_at__isnull=False
        ).aggregate(first=Min("next_attempt_at"))["first"]
        if first is not None:
            self.stdout.write(f"Next try after a failure: {first:%Y-%m-%d %H:%M}.")
