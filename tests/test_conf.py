"""Settings helpers refuse bad values with a message naming the variable."""

from __future__ import annotations

import pytest

from openepa.conf import ConfigurationError, env_bool, env_int, env_list, env_str, env_url


def test_env_bool_accepts_the_usual_words(monkeypatch: pytest.MonkeyPatch) -> None:
    for word, value in (("true", True), ("OFF", False), ("1", True), ("no", False)):
        monkeypatch.setenv("FLAG", word)
        assert env_bool("FLAG", not value) is value


def test_env_bool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG_MODE", "maybe")
    with pytest.raises(ConfigurationError, match="DEBUG_MODE='maybe': use one of true, false"):
        env_bool("DEBUG_MODE", False)


def test_env_int_refuses_words_and_values_below_the_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAX_UPLOAD_MB", "ten")
    with pytest.raises(ConfigurationError, match="must be a whole number"):
        env_int("MAX_UPLOAD_MB", 20)
    monkeypatch.setenv("MAX_UPLOAD_MB", "0")
    with pytest.raises(ConfigurationError, match="must be at least 1"):
        env_int("MAX_UPLOAD_MB", 20, minimum=1)


def test_env_str_without_a_default_must_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY_X", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY_X must be set"):
        env_str("SECRET_KEY_X")


def test_env_list_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS_X", " a.example, b.example ,")
    assert env_list("ALLOWED_HOSTS_X", []) == ["a.example", "b.example"]


def test_production_settings_use_secure_cookies_and_https() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "epa.example"}
    code = (
        "import openepa.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["True", "True", "True", "True", "False"]


def test_production_settings_refuse_a_short_secret_key() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, "-c", "import openepa.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in result.stderr


def test_workers_settings_come_from_the_environment_and_connections_are_checked() -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 40,
        "EMAIL_TIMEOUT": "7",
        "TASK_STALE_MINUTES": "45",
        "TASK_ATTEMPTS": "2",
    }
    code = (
        "import openepa.settings as s; d = s.DATABASES['default']; "
        "print(s.EMAIL_TIMEOUT, s.TASK_STALE_MINUTES, s.TASK_ATTEMPTS, "
        "d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["7", "45", "2", "True", "60"]

    env["EMAIL_TIMEOUT"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import openepa.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "EMAIL_TIMEOUT=0: must be at least 1" in result.stderr


def test_env_url_keeps_an_address_without_its_trailing_slash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SITE_URL_X", "https://epa.example.org:8443/")
    assert env_url("SITE_URL_X", "http://127.0.0.1:8000") == "https://epa.example.org:8443"
    monkeypatch.delenv("SITE_URL_X")
    assert env_url("SITE_URL_X", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize("value", ["epa.example.org", "ftp://epa.example.org", "https://", "x"])
def test_env_url_refuses_an_address_without_scheme_or_host(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SITE_URL_X", value)
    with pytest.raises(ConfigurationError, match=r"SITE_URL_X=.*: must start with http:// or"):
        env_url("SITE_URL_X", "http://127.0.0.1:8000")
