"""Downloading an uploaded file: only those who may see its registration get it.

Bob at Acme Training uploaded evidence for his apprentice; Erin (the employer), Anna (the
allocated assessor), Alice (EPAO admin) and the apprentice may download it; Charlie at another
provider, Eve at another employer, Ivy (not sampled) and Mallory of another EPAO may not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openepa.accounts.models import User
from openepa.files.models import StoredFile
from openepa.files.services import path_of, store_upload
from openepa.registration.models import Registration

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def evidence(
    make_registration: Callable[..., Registration], bob: User, anna: User, pat: User
) -> StoredFile:
    registration = make_registration(apprentice_user=pat, assessor=anna)
    upload = SimpleUploadedFile("Witness statement.pdf", PDF, content_type="text/html")
    return store_upload(upload, registration=registration, user=bob, allowed=("pdf",))


@pytest.mark.parametrize("person", ["bob", "erin", "anna", "alice", "pat"])
def test_people_who_may_see_the_registration_download_the_file(
    login: Callable[[User], Client],
    request: pytest.FixtureRequest,
    evidence: StoredFile,
    person: str,
) -> None:
    response = login(request.getfixturevalue(person)).get(f"/files/{evidence.uuid}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"  # the checked type, not the claimed one
    assert response["Content-Disposition"] == 'attachment; filename="Witness statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("person", ["charlie", "eve", "ivy", "mallory"])
def test_everyone_else_is_told_it_does_not_exist(
    login: Callable[[User], Client],
    request: pytest.FixtureRequest,
    evidence: StoredFile,
    person: str,
) -> None:
    response = login(request.getfixturevalue(person)).get(f"/files/{evidence.uuid}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client: Client, evidence: StoredFile) -> None:
    response = client.get(f"/files/{evidence.uuid}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/sign-in/?next=/files/{evidence.uuid}/")


def test_an_unknown_file_is_not_found(login: Callable[[User], Client], alice: User) -> None:
    assert login(alice).get("/files/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert login(alice).get("/files/not-a-uuid/").status_code == 404


def test_a_file_missing_from_storage_is_not_found(
    login: Callable[[User], Client], bob: User, evidence: StoredFile
) -> None:
    path_of(evidence).unlink()
    assert login(bob).get(f"/files/{evidence.uuid}/").status_code == 404


def test_files_are_stored_outside_the_web_root_under_a_random_name(evidence: StoredFile) -> None:
    path = path_of(evidence).resolve()
    assert path.is_file()
    assert path.is_relative_to(Path(settings.UPLOAD_DIR).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    package = Path(__import__("openepa").__file__).resolve().parent
    assert not path.is_relative_to(package)
    assert "Witness" not in str(path)
    assert path.read_bytes() == PDF


def test_downloads_are_read_only(
    login: Callable[[User], Client], bob: User, evidence: StoredFile
) -> None:
    assert login(bob).post(f"/files/{evidence.uuid}/").status_code == 405
