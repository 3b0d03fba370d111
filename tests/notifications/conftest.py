"""Helpers of the notification tests: what reached whose inbox."""

from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMessage


def emails_to(address: str) -> list[EmailMessage]:
    """The emails sent to ``address`` (Django's test outbox)."""
    return [m for m in mail.outbox if address in m.to]


def recipients() -> list[str]:
    """Every address an email was sent to, sorted."""
    return sorted(address for m in mail.outbox for address in m.to)
