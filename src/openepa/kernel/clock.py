"""The one clock: every date and moment OpenEPA decides on comes from here.

Call ``clock.today()``, ``clock.now()`` and ``clock.monotonic()`` through the module (not
``from ... import today``), so a test that freezes this module's functions freezes the whole
application.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    """Today's date in the EPAO's time zone (Europe/London)."""
    return timezone.localdate()


def now() -> datetime:
    """The present moment, time-zone aware."""
    return timezone.now()


def monotonic() -> float:
    """Seconds from an arbitrary start that never go back: how long work has taken."""
    return time.monotonic()
