"""`make run PORT=8001` serves on another port, and links in emails follow it (SITE_URL)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dry_run(*arguments: str) -> str:
    """The commands ``make run`` would run, without running them."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    return subprocess.run(
        ["make", "--dry-run", "--always-make", "run", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_make_run_serves_port_8000_by_default() -> None:
    commands = dry_run()
    assert "runserver 127.0.0.1:8000" in commands
    assert "SITE_URL=http://127.0.0.1:8000" in commands


def test_make_run_on_another_port_serves_and_links_there() -> None:
    commands = dry_run("PORT=8001")
    assert "runserver 127.0.0.1:8001" in commands
    assert "runserver 127.0.0.1:8000" not in commands
    assert "Serving http://127.0.0.1:8001" in commands
    assert "SITE_URL=http://127.0.0.1:8001 " in commands
    assert "SITE_URL=http://127.0.0.1:8000" not in commands


def test_a_site_url_given_to_make_run_is_kept() -> None:
    commands = dry_run("PORT=8001", "SITE_URL=https://epa.example.org")
    assert "SITE_URL=https://epa.example.org " in commands
