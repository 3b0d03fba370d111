"""Why the gateway refuses an action: the refusals its services raise and its pages show.

Each carries a message for the person, saying why and what to do; the pages put it on the
form (``field`` names the field it belongs to) or at the top of the page.
"""

from __future__ import annotations


class GatewayRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action the rules do not allow now, with a message saying why and what to do.

    ``field`` names the form field the message belongs to, if any.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ComponentChanged(GatewayRefused):
    """Someone else changed the record while this person was working on it."""


class GatewayNotReady(GatewayRefused):
    """The gateway cannot be confirmed yet; ``problems`` says every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The gateway cannot be confirmed yet: " + "; ".join(problems))
        self.problems = problems
