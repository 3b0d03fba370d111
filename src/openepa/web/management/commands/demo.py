"""``openepa demo --apprentices N``: create demo data and print one login per role."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.demo.build import DEMO_PASSWORD, create_demo


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
