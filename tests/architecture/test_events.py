"""Every domain event has a subscriber and is documented in the README's table of events."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest

from openepa.kernel import events
from tests.architecture.imports import modules

README = Path(__file__).resolve().parents[2] / "README.md"


def domain_events() -> list[type]:
    """The event classes defined in each app's ``events.py``."""
    found = []
    for name in modules():
        if name.endswith(".events") and name != "openepa.kernel.events":
            module = importlib.import_module(name)
            found.extend(
                value
                for value in vars(module).values()
                if dataclasses.is_dataclass(value)
                and isinstance(value, type)
                and value.__module__ == name
            )
    return found


def test_the_apps_define_domain_events() -> None:
    assert len(domain_events()) >= 15


@pytest.mark.parametrize("event", domain_events(), ids=lambda event: event.__name__)
def test_every_event_has_a_subscriber_and_a_line_in_the_readme(event: type) -> None:
    assert events.handlers_of(event), f"nothing subscribes to {event.__name__}"
    assert f"`{event.__name__}`" in README.read_text()


def test_a_published_event_runs_its_handlers_in_the_order_they_subscribed() -> None:
    @dataclasses.dataclass(frozen=True)
    class Rang:
        times: int

    heard: list[str] = []

    @events.subscribe(Rang)
    def first(event: Rang) -> None:
        heard.append(f"first {event.times}")

    @events.subscribe(Rang)
    def second(event: Rang) -> None:
        heard.append(f"second {event.times}")

    events.subscribe(Rang)(first)  # subscribing again registers it once
    events.publish(Rang(1))
    assert heard == ["first 1", "second 1"]
