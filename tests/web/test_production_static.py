"""Production set-up: `collectstatic` with the manifest storage, then pages served with DEBUG off.

The README's deploy steps run `openepa manage collectstatic --noinput` with `DEBUG=false`, whose
storage hashes every file and refuses a stylesheet that refers to a file that does not exist.
These tests run that command on the compiled stylesheet (built by `make assets`, which
`make test` runs first) into a temporary folder, then sign in and render pages from it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from openepa.accounts.models import User

STATIC_SOURCE = Path(__file__).resolve().parents[2] / "src/openepa/web/static/openepa"
COMPILED_CSS = STATIC_SOURCE / "openepa.css"
HASHED_CSS = re.compile(r'href="/static/openepa/openepa\.[0-9a-f]{12}\.css"')


def production_environment(var_dir: Path) -> dict[str, str]:
    """The README's production variables, with every folder under ``var_dir``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "OPENEPA_STATIC_ROOT"}
    }
    environment.update(
        DEBUG="false",
        SECRET_KEY="a-production-secret-key-of-more-than-32-characters",
        ALLOWED_HOSTS="epa.example.org",
        SITE_URL="https://epa.example.org",
        OPENEPA_VAR_DIR=str(var_dir),
    )
    return environment


def run_openepa(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``openepa`` as a deployment would, from the command line."""
    return subprocess.run(
        [sys.executable, "-m", "openepa", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Run the deploy step `collectstatic`; the folder it filled and the storage it used."""
    if not COMPILED_CSS.exists():
        pytest.skip(f"{COMPILED_CSS} is not built: run `make assets` (`make test` builds it)")
    var_dir = tmp_path_factory.mktemp("production")
    environment = production_environment(var_dir)
    result = run_openepa("manage", "collectstatic", "--noinput", environment=environment)
    assert result.returncode == 0, result.stderr[-2000:]
    storage = subprocess.run(
        [
            sys.executable,
            "-c",
            "import openepa.settings as s; print(s.STORAGES['staticfiles']['BACKEND'])",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return var_dir / "static", storage


@pytest.fixture
def production(settings: Settings, collected: tuple[Path, str]) -> Path:
    """Settings as production has them, serving the collected files."""
    static_root, storage = collected
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": storage},
    }
    return static_root


def test_production_stores_static_files_with_hashed_names(collected: tuple[Path, str]) -> None:
    static_root, storage = collected
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert (static_root / "staticfiles.json").exists()
    assert list(static_root.glob("openepa/openepa.*.css"))


def test_the_stylesheet_refers_to_no_crest_and_no_font_file(collected: tuple[Path, str]) -> None:
    css = COMPILED_CSS.read_text()
    assert "govuk-crest" not in css
    assert "@font-face" not in css
    assert "url(" not in css


def test_the_sign_in_page_links_the_hashed_stylesheet(production: Path, db: object) -> None:
    client = Client()
    response = client.get("/sign-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert HASHED_CSS.search(html), html[:600]
    stylesheet = HASHED_CSS.search(html).group(0)[6:-1]  # type: ignore[union-attr]
    served = client.get(stylesheet)
    assert served.status_code == 200
    assert b"openepa-header" in b"".join(served.streaming_content)  # type: ignore[attr-defined]


def test_a_signed_in_home_page_renders(
    production: Path, login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get("/")
    assert response.status_code == 200
    assert HASHED_CSS.search(response.content.decode())
