"""Who sees a registration's submissions, and the page's query count."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.registration.models import Registration
from openepa.submissions import uploads
from tests.submissions.conftest import report_text, txt

pytestmark = pytest.mark.django_db


def test_people_outside_the_registration_cannot_find_it(
    highfield: Registration,
    charlie: User,
    eve: User,
    mallory: User,
    login: Callable[[User], Client],
) -> None:
    url = reverse("submissions:overview", args=[highfield.pk])
    for person in (charlie, eve, mallory):
        assert login(person).get(url).status_code == 404, person.email


def test_the_employer_sees_but_cannot_upload(
    highfield: Registration, pat: User, erin: User, login: Callable[[User], Client]
) -> None:
    uploads.submit_file(
        highfield, pat, method_id="project", kind="report", upload=txt("r.txt", report_text(2400))
    )
    client = login(erin)
    page = client.get(reverse("submissions:overview", args=[highfield.pk])).content.decode()
    assert "r.txt" in page
    assert "Upload a file" not in page
    upload = reverse("submissions:upload", args=[highfield.pk, "project"])
    assert client.get(upload).status_code == 403


def test_the_overview_query_count_does_not_grow_with_files(
    highfield: Registration, pat: User, anna: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    url = reverse("submissions:overview", args=[highfield.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(count: int) -> None:
        for n in range(count):
            uploads.submit_file(
                highfield, pat, method_id="project", kind="annex", upload=txt(f"a{n}.txt", "x")
            )
            uploads.submit_file(
                highfield, pat, method_id="project", kind="report", upload=txt(f"r{n}.txt", "y")
            )

    add(1)
    few = queries()
    add(10)
    assert queries() == few
