"""The ``assessment_service`` fixture: the stand-in served on 127.0.0.1 for one test.

OpenEPA is pointed at it (``ASSESSMENT_SERVICE_URL`` and ``ASSESSMENT_SERVICE_KEY`` through
pytest-django's ``settings``), so everything that reads those settings talks to it::

    def test_something(assessment_service, make_registration):
        assessment_service.add_standard(1, "ST0071", ["1.0"])
        assessment_service.approve(1)
        assessment_service.add_learner("1234567890", "Smith", 1, "ST0071", version="1.0")
        ...
        assert [r.path for r in assessment_service.requests] == [...]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.standin.service import StandIn


class _Current:
    """The stand-in of the running test, which the session's one server hands requests to."""

    def __init__(self) -> None:
        self.standin: StandIn | None = None

    def handle(self, request: Request) -> Response:
        if self.standin is None:
            return Response("No test is using the assessment service stand-in", status=503)
        return self.standin.handle(request)


@pytest.fixture(scope="session")
def _assessment_service_server() -> Iterator[tuple[HTTPServer, _Current]]:
    """One HTTP server on 127.0.0.1 for the session (starting one per test costs half a second)."""
    current = _Current()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(current.handle)
    server.start()
    try:
        yield server, current
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def assessment_service(
    _assessment_service_server: tuple[HTTPServer, _Current], settings: Any
) -> Iterator[StandIn]:
    """A fresh stand-in of the assessment service, served over HTTP while the test runs."""
    server, current = _assessment_service_server
    standin = StandIn()
    current.standin = standin
    settings.ASSESSMENT_SERVICE_URL = server.url_for("/")
    settings.ASSESSMENT_SERVICE_KEY = standin.key
    try:
        yield standin
    finally:
        current.standin = None
