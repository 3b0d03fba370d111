"""Domain events: how a lower app causes work in a higher one without importing it.

A domain service publishes an event (a frozen dataclass defined in its own app's
``events.py``) after making its change; the apps above it (certificate claims, emails,
documents) subscribe to the event type in their ``AppConfig.ready``. Dependencies so keep one
direction: the publisher knows nothing of its subscribers.

Handlers run at once, in the order they subscribed, inside the publisher's transaction: what
a handler writes (a drafted claim, a stored email) commits or rolls back with the change that
caused it, and a handler that fails fails the change. Work outside the database (sending an
email, rendering a batch of PDFs) is enqueued by the handler as a task on commit.

Every event, its publisher and its subscribers are listed in the README, under "Events".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")
Handler = Callable[[Any], None]

_handlers: dict[type, list[Handler]] = {}


def subscribe(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function to run whenever an ``event_type`` is published.

    Subscribing the same function twice (an app's ``ready`` run again) registers it once.
    """

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        handlers = _handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)
        return handler

    return register


def publish(event: object) -> None:
    """Run every handler subscribed to the event's type, in the order they subscribed."""
    for handler in handlers_of(type(event)):
        handler(event)


def handlers_of(event_type: type) -> list[Handler]:
    """The handlers subscribed to ``event_type`` (a copy, in subscription order)."""
    return list(_handlers.get(event_type, ()))
