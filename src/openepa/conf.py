"""Typed helpers that read settings from environment variables and refuse bad values."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit


class ConfigurationError(Exception):
    """An environment variable holds a value OpenEPA cannot use."""


TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def env_str(name: str, default: str | None = None) -> str:
    """A text setting; without a default the variable must be set and not empty."""
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ConfigurationError(f"{name} must be set")
    return value


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting: 1, true, yes, on or 0, false, no, off (any case)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r}: use one of true, false, 1, 0, yes, no, on, off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole-number setting, at least ``minimum`` where given."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: must be a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name}={value}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list setting."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """A folder setting, made absolute."""
    raw = os.environ.get(name)
    return Path(raw).resolve() if raw else default


def env_url(name: str, default: str) -> str:
    """A web address (``https://host[:port]``), without its trailing slash."""
    raw = os.environ.get(name) or default
    return _checked_url(name, raw)


def env_optional_url(name: str) -> str:
    """A web address as :func:`env_url`, or "" when the variable is not set."""
    raw = os.environ.get(name, "").strip()
    return _checked_url(name, raw) if raw else ""


def _checked_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"{name}={raw!r}: must start with http:// or https:// and name the host, "
            "e.g. https://epa.example.org"
        )
    return raw.rstrip("/")
