"""Who may download which document: staff all, the parties some, nobody outside scope.

The PDF rendering itself is replaced by a stub here (it is tested in test_documents.py): these
tests are about the views' checks, headers and the links on the apprentice's page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.documents import services
from openepa.documents.services import DOCUMENTS, DocumentUnavailable, build
from openepa.registration.models import Registration
from tests.epa import accept, policy_without_sampling, record_method

PEOPLE = ["alice", "anna", "ivy", "bob", "erin", "pat", "charlie", "eve", "mallory"]
STAFF_ONLY = {"method-record", "grading-sheet"}


@pytest.fixture
def fast_pdf(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace WeasyPrint by a stub; the titles rendered are kept."""
    rendered: list[str] = []

    def fake(html: str, *, title: str, base_url: Any = None) -> bytes:
        rendered.append(title)
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(services, "render_pdf", fake)
    return rendered


@pytest.fixture
def people(
    alice: User,
    anna: User,
    ivy: User,
    bob: User,
    erin: User,
    pat: User,
    charlie: User,
    eve: User,
    mallory: User,
) -> dict[str, User]:
    return {
        "alice": alice,
        "anna": anna,
        "ivy": ivy,
        "bob": bob,
        "erin": erin,
        "pat": pat,
        "charlie": charlie,
        "eve": eve,
        "mallory": mallory,
    }


@pytest.fixture
def pats(make_registration: Callable[..., Registration], people: dict[str, User]) -> Registration:
    """Pat's Highfield registration, assessed (a draft observation record) but not released."""
    registration = accept(
        make_registration("st0071-highfield", apprentice_user=people["pat"]),
        people["anna"],
        people["ivy"],
    )
    policy_without_sampling(registration.epao)
    record_method(registration, "project", people["anna"])
    return registration


def _released(registration: Registration, people: dict[str, User]) -> None:
    from datetime import date

    from tests.results.test_reassessment_support import release

    for method_id in ("discussion", "observation"):
        record_method(registration, method_id, people["anna"])
    release(registration, people["alice"], date(2026, 10, 1))


def _url(registration: Registration, name: str) -> str:
    url = reverse("documents:pdf", args=[registration.pk, name])
    return f"{url}?method=project" if name == "method-record" else url


def _expected(person: str, name: str) -> int:
    if person in ("charlie", "eve", "mallory"):
        return 404
    if person in ("bob", "erin", "pat") and name in STAFF_ONLY:
        return 403
    return 200


def test_who_may_download_each_document(
    pats: Registration, people: dict[str, User], client: Client, fast_pdf: list[str]
) -> None:
    _released(pats, people)
    actual, expected = {}, {}
    for name in DOCUMENTS:
        url = _url(pats, name)
        client.logout()
        assert client.get(url).status_code == 302, name
        for person in PEOPLE:
            client.force_login(people[person])
            actual[(person, name)] = client.get(url).status_code
            expected[(person, name)] = _expected(person, name)
    assert actual == expected


def test_a_party_is_told_the_document_is_for_staff(
    pats: Registration, people: dict[str, User], client: Client, fast_pdf: list[str]
) -> None:
    client.force_login(people["erin"])
    response = client.get(_url(pats, "grading-sheet"))
    assert response.status_code == 403
    assert "The final grading sheet is for the EPAO&#x27;s staff only" in response.content.decode()
    assert fast_pdf == []


def test_the_download_is_a_private_pdf_named_after_the_uln(
    pats: Registration, people: dict[str, User], client: Client, fast_pdf: list[str]
) -> None:
    _released(pats, people)
    client.force_login(people["pat"])
    response = client.get(_url(pats, "results-letter"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    uln = pats.apprentice.uln
    assert response["Content-Disposition"] == f'attachment; filename="results-letter-{uln}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"%PDF-1.7 stub"
    client.force_login(people["anna"])
    response = client.get(_url(pats, "method-record"))
    assert response["Content-Disposition"] == f'attachment; filename="project-record-{uln}.pdf"'


def test_no_letter_before_release_and_no_record_of_an_unassessed_method(
    pats: Registration, people: dict[str, User], client: Client, fast_pdf: list[str]
) -> None:
    client.force_login(people["alice"])
    response = client.get(_url(pats, "results-letter"))
    assert response.status_code == 404
    assert "the result has not been released" in response.content.decode()
    url = reverse("documents:pdf", args=[pats.pk, "method-record"])
    assert client.get(f"{url}?method=observation").status_code == 404
    assert client.get(f"{url}?method=nonsense").status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(reverse("documents:pdf", args=[pats.pk, "secrets"])).status_code == 404
    with pytest.raises(DocumentUnavailable, match="the result has not been released"):
        build("results-letter", pats)
    with pytest.raises(DocumentUnavailable, match="nothing has been assessed"):
        build("method-record", pats, method="observation")
    assert fast_pdf == []


def test_the_parties_see_no_grade_on_the_record_before_release(
    pats: Registration, people: dict[str, User]
) -> None:
    for_pat = build("plan-and-record", pats, viewer=people["pat"]).context
    for_anna = build("plan-and-record", pats, viewer=people["anna"]).context
    project = next(row for row in for_pat["rows"] if row["name"].startswith("Work-based project"))
    assert project["grade"] == ""
    assert project["assessor"] == ""
    project = next(row for row in for_anna["rows"] if row["name"].startswith("Work-based project"))
    assert project["grade"].endswith("(not released)")


def test_the_apprentices_page_links_the_documents_each_may_see(
    pats: Registration, people: dict[str, User], client: Client
) -> None:
    detail = reverse("registration:detail", args=[pats.pk])
    client.force_login(people["pat"])
    page = client.get(detail).content.decode()
    assert _url(pats, "plan-and-record") in page
    assert _url(pats, "gateway-report") in page
    assert _url(pats, "grading-sheet") not in page
    assert _url(pats, "results-letter") not in page  # not released yet
    client.force_login(people["anna"])
    page = client.get(detail).content.decode()
    assert _url(pats, "grading-sheet") in page
    assert "Work-based project supported by an interview checklist and grading record" in page
    _released(pats, people)
    client.force_login(people["pat"])
    assert _url(pats, "results-letter") in client.get(detail).content.decode()
