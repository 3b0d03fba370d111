"""`openepa manage` run without its settings says what to set in one line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

UNSET = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}


def manage(*arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run ``openepa manage`` with the test run's environment less DEBUG and SECRET_KEY."""
    environment = {key: value for key, value in os.environ.items() if key not in UNSET}
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "openepa", "manage", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_command_without_debug_or_secret_key_says_what_to_set() -> None:
    result = manage("check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("openepa: ")
    assert "SECRET_KEY" in lines[0]
    assert "DEBUG=true" in lines[0]


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe': use one of true, false"),
        ({"DEBUG": "true", "MAX_UPLOAD_MB": "lots"}, "MAX_UPLOAD_MB='lots': must be a whole"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(variables: dict[str, str], words: str) -> None:
    result = manage("check", **variables)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert words in result.stderr


def test_a_command_with_its_settings_runs() -> None:
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr
