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

from tests.standin.service import StandIn


@pytest.fixture
def assessment_service(settings: Any) -> Iterator[StandIn]:
    """A fresh stand-in of the assessment service, served over HTTP while the test runs."""
    standin = StandIn()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(standin.handle)
    server.start()
    settings.ASSESSMENT_SERVICE_URL = server.url_for("/")
    settings.ASSESSMENT_SERVICE_KEY = standin.key
    try:
        yield standin
    finally:
        server.clear()
        server.stop()
