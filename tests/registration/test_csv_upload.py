"""Bob at Acme Training registers many apprentices from a CSV file: all of them or none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.registration.csv_import import COLUMNS
from openepa.registration.models import Registration
from tests.registration.conftest import CSV_HEADER, csv_row, make_uln

URL = "/apprentices/upload/"


def upload(client: Client, text: str | bytes, name: str = "apprentices.csv") -> object:
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def csv_file(*rows: str) -> str:
    return "\r\n".join([CSV_HEADER, *rows]) + "\r\n"


def test_a_valid_file_registers_every_row(
    login: Callable[[User], Client], bob: User, specs: object, employer: object
) -> None:
    client = login(bob)
    text = csv_file(
        csv_row(uln=make_uln(1)),
        csv_row(
            uln=make_uln(2),
            given_names="Priya",
            family_name="Shah",
            date_of_birth="15/09/2003",
            specification="st0072-activeiq",
            planned_assessment_month="07/2040",
            address_line_2="Flat 2, Kings Court",
        ),
        csv_row(uln=make_uln(3), given_names="Lee", reasonable_adjustments="Extra time"),
    )
    response = upload(client, text)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == "/apprentices/"  # type: ignore[index]
    page = client.get("/apprentices/").content.decode()
    assert "3 apprentices registered from apprentices.csv" in page
    registrations = Registration.objects.select_related("apprentice").order_by("apprentice__uln")
    assert [r.apprentice.uln for r in registrations] == sorted(
        [make_uln(1), make_uln(2), make_uln(3)]
    )
    priya = Registration.objects.get(apprentice__given_names="Priya")
    assert priya.apprentice.date_of_birth == date(2003, 9, 15)
    assert priya.standard == "ST0072"
    assert priya.planned_assessment_month == date(2040, 7, 1)
    assert priya.address_line_2 == "Flat 2, Kings Court"
    assert AuditEvent.objects.filter(action="registration.created").count() == 3
    assert (
        "(row 3)"
        in AuditEvent.objects.get(registration=priya, action="registration.created").summary
    )


def test_a_byte_order_mark_and_columns_in_another_order_are_accepted(
    login: Callable[[User], Client], bob: User, specs: object, employer: object
) -> None:
    columns = list(reversed(COLUMNS))
    row = dict(zip(CSV_HEADER.split(","), csv_row(uln=make_uln(4)).split(","), strict=True))
    text = ",".join(columns) + "\n" + ",".join(row[c] for c in columns) + "\n"
    response = upload(login(bob), b"\xef\xbb\xbf" + text.encode())
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Registration.objects.count() == 1


def test_a_file_with_bad_rows_registers_nothing_and_reports_every_error(
    login: Callable[[User], Client], bob: User, specs: object, employer: object
) -> None:
    good_uln = make_uln(10)
    bad_check_digit = good_uln[:9] + str((int(good_uln[9]) + 1) % 10)
    text = csv_file(
        csv_row(uln=good_uln),
        csv_row(uln=bad_check_digit, postcode="NOWHERE"),
        csv_row(uln=make_uln(11), employer="Bright Retail Ltd", date_of_birth="27th March 2004"),
        csv_row(uln=good_uln, given_names="Sam"),
        csv_row(
            uln=make_uln(12), specification="st9999-nobody", on_programme_end_date="2024-01-01"
        ),
    )
    response = upload(login(bob), text)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert not Registration.objects.exists()
    errors = [(e.row, e.column) for e in response.context["row_errors"]]  # type: ignore[attr-defined]
    assert errors == [
        (3, "uln"),
        (3, "postcode"),
        (4, "date_of_birth"),
        (4, "employer"),
        (5, "uln"),
        (6, "specification"),
        (6, "on_programme_end_date"),
    ]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "No apprentices were registered: 7 problems in 4 rows" in html
    assert "Row 3, uln: Enter a valid ULN: the check digit" in html
    assert "Row 3, postcode: Enter a full UK postcode" in html
    assert "Write date_of_birth as YYYY-MM-DD or DD/MM/YYYY, like 2005-03-27 or 27/03/2005" in html
    assert "No employer is called Bright Retail Ltd on OpenEPA" in html
    assert f"ULN {good_uln} is also on row 2 for ST0071" in html
    assert "There is no specification st9999-nobody: use one of st0071-epakit" in html
    assert '<td class="govuk-table__cell">NOWHERE</td>' in html


def test_a_row_already_registered_on_the_standard_is_reported(
    login: Callable[[User], Client],
    bob: User,
    add_registration: Callable[..., Registration],
) -> None:
    existing = add_registration()
    text = csv_file(
        csv_row(
            uln=existing.apprentice.uln,
            given_names=existing.apprentice.given_names,
            family_name=existing.apprentice.family_name,
            date_of_birth="2000-01-01",
        )
    )
    response = upload(login(bob), text)
    html = response.content.decode()  # type: ignore[attr-defined]
    assert f"ULN {existing.apprentice.uln} already has a live registration on ST0071" in html
    assert Registration.objects.count() == 1


def test_the_registration_lead_time_is_checked_for_each_row(
    login: Callable[[User], Client],
    bob: User,
    specs: object,
    employer: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 22))
    text = csv_file(
        csv_row(
            uln=make_uln(20),
            specification="st0071-nqual",
            on_programme_end_date="2026-12-31",
            planned_assessment_month="2027-01",
        ),
        csv_row(
            uln=make_uln(21),
            specification="st0071-nqual",
            on_programme_end_date="2026-12-31",
            planned_assessment_month="2027-02",
        ),
    )
    response = upload(login(bob), text)
    [error] = response.context["row_errors"]  # type: ignore[attr-defined]
    assert (error.row, error.column, error.value) == (2, "planned_assessment_month", "2027-01")
    assert "the earliest assessment date is 20 February 2027" in error.message
    assert not Registration.objects.exists()


def test_a_pdf_named_csv_is_refused(
    login: Callable[[User], Client], bob: User, specs: object
) -> None:
    response = upload(login(bob), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "must be a CSV file saved as UTF-8 text: apprentices.csv is not" in html
    assert "(its content is a PDF file)" in html
    assert 'href="#id_file"' in html
    assert not Registration.objects.exists()


def test_text_in_another_encoding_is_refused(
    login: Callable[[User], Client], bob: User, specs: object
) -> None:
    text = csv_file(csv_row(uln=make_uln(5), family_name="Müller")).encode("latin-1")
    html = upload(login(bob), text).content.decode()  # type: ignore[attr-defined]
    assert "must be a CSV file saved as UTF-8 text" in html


def test_an_oversized_file_is_refused(
    login: Callable[[User], Client], bob: User, specs: object, settings: object
) -> None:
    settings.MAX_UPLOAD_MB = 1  # type: ignore[attr-defined]
    html = upload(login(bob), "a" * (1024 * 1024 + 10)).content.decode()  # type: ignore[attr-defined]
    assert "The selected file must be smaller than 1 MB" in html


def test_a_wrong_header_lists_the_expected_columns(
    login: Callable[[User], Client], bob: User, specs: object
) -> None:
    text = CSV_HEADER.replace("postcode", "post_code").replace(",phone", "") + "\n"
    html = upload(login(bob), text).content.decode()  # type: ignore[attr-defined]
    assert "missing phone, postcode; not recognised post_code" in html
    assert ",".join(COLUMNS) in html


def test_a_file_with_a_header_and_no_rows_is_refused(
    login: Callable[[User], Client], bob: User, specs: object
) -> None:
    html = upload(login(bob), CSV_HEADER + "\n,,,\n").content.decode()  # type: ignore[attr-defined]
    assert "The file has a header row but no apprentices" in html


def test_the_template_is_the_header_row(login: Callable[[User], Client], bob: User) -> None:
    response = login(bob).get("/apprentices/upload/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == CSV_HEADER + "\r\n"


@pytest.mark.parametrize("role_user", ["alice", "erin", "anna", "pat"])
def test_only_training_providers_may_upload(
    login: Callable[[User], Client], role_user: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(role_user))
    assert client.get(URL).status_code == 403
    assert client.get("/apprentices/upload/template.csv").status_code == 403


def test_the_confirmations_of_an_upload_are_sent_by_a_task_after_it_is_saved(
    login: Callable[[User], Client],
    bob: User,
    specs: object,
    employer: object,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(bob)
    text = csv_file(*(csv_row(uln=make_uln(n), given_names=f"Learner{n}") for n in (1, 2, 3)))
    with django_capture_on_commit_callbacks() as after_commit:
        upload(client, text)
    assert not mail.outbox  # nothing is emailed inside the upload's request
    with django_capture_on_commit_callbacks(execute=True):
        for callback in after_commit:
            callback()
    confirmations = [m for m in mail.outbox if "invited" not in m.subject]
    subjects = sorted({m.subject for m in confirmations})
    assert subjects == [
        f"Learner{n} Taylor is registered for end-point assessment" for n in (1, 2, 3)
    ]
    assert {m.to[0] for m in confirmations} == {bob.email}
    # Each apprentice (all at one address here) is invited to choose a password.
    assert {m.to[0] for m in mail.outbox if "invited" in m.subject} == {"sam.taylor@example.org"}
