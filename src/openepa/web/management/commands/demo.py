"""``openepa demo --apprentices N``: create demo data and print every demo login."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.demo.build import (
    DEMO_PASSWORD,
    apprentices_without_account,
    create_demo,
    staff_logins,
)


class Command(BaseCommand):
    """Create (or top up) the demo EPAO and print the demo logins."""

    help = "Create demo data: an EPAO with providers, employers, assessors and N apprentices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apprentices", type=int, default=300, help="how many (default 300)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["apprentices"]
        if count < 0:
            raise CommandError("--apprentices must be 0 or more")
        started = time.monotonic()
        logins = create_demo(count)
        self.stdout.write(
            f"Demo EPAO ready with {count} apprentices ({time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(
            f"\nDemo logins (password for all: {DEMO_PASSWORD}) at {settings.SITE_URL}/sign-in/"
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<11} {login.email:<36} {login.name}: {login.note}")
        for staff in staff_logins():
            self.stdout.write(
                f"  and {staff.count} more {staff.label}: {staff.first} to {staff.last}"
            )
        without = apprentices_without_account()
        if without:
            self.stdout.write(
                f"\nThe other {without} demo apprentices have no account: sign in as the admin "
                "or their provider and choose “Invite to OpenEPA” on the apprentice's page "
                "(the invitation email is written to var/emails/)."
            )
