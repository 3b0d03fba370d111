"""Register many apprentices from one CSV file, all or nothing.

The file must be UTF-8 text (judged by its content, a byte-order mark allowed) with the header
row of :data:`COLUMNS`, in any order. Every row is checked as the registration form checks it,
then against the database (a ULN already registered on the standard, a ULN held under another
name, the registration lead time) and against the other rows. If any row has a problem,
nothing is registered and every problem is reported by row and column; otherwise every row is
registered in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import UploadedFile

from openepa.accounts.models import Organisation, User
from openepa.kernel.uploads import UploadRefused, detect_kind, read_upload
from openepa.registration.forms import (
    REGISTRATION_FIELDS,
    ApprenticeDetailsForm,
    current_specifications,
    employers_of,
)
from openepa.registration.models import Registration
from openepa.registration.services import (
    RegistrationDetails,
    RegistrationRefused,
    register_many,
    registration_problems,
)
from openepa.specifications.models import SpecificationRecord

COLUMNS = REGISTRATION_FIELDS
DATE_COLUMNS = ("date_of_birth", "start_date", "on_programme_end_date")
MONTH_COLUMN = "planned_assessment_month"
MAX_ROWS = 1000
BOM = b"\xef\xbb\xbf"

# Digits 0 to 9 only: ``\d`` would also match fullwidth and Arabic-Indic digits.
ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
ISO_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
UK_MONTH = re.compile(r"^([0-9]{1,2})/([0-9]{4})$")


class CsvRefused(ValueError):  # noqa: N818 (a refusal with a message for the user)
    """The file as a whole cannot be read: not text, wrong header, no rows, too many rows."""


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or a whole row when ``column`` is empty)."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportOutcome:
    """What an upload did: the registrations made, or every error and nothing made."""

    registrations: list[Registration] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> int:
        """How many rows have at least one error."""
        return len({error.row for error in self.errors})


def template_csv() -> str:
    """The CSV template: the header row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(COLUMNS)
    return buffer.getvalue()


def read_text(upload: UploadedFile[bytes]) -> str:
    """The upload as text, if it is a UTF-8 text file of acceptable size.

    Raises :class:`openepa.kernel.uploads.UploadRefused` with a message otherwise.
    """
    name = upload.name or "the file"
    data = read_upload(upload)
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():
        raise UploadRefused(
            f"The selected file {name} is empty: choose a CSV file with the header row and "
            "one row per apprentice"
        )
    kind = detect_kind(data)
    if kind != "txt":
        found = f" (its content is a {kind.upper()} file)" if kind else ""
        raise UploadRefused(
            f"The selected file must be a CSV file saved as UTF-8 text: {name} is not{found}. "
            "In your spreadsheet, choose Save as, then CSV UTF-8"
        )
    return data.decode("utf-8")


def _header_problem(header: list[str]) -> str | None:
    """What is wrong with the header row, or None if it has exactly the expected columns."""
    seen = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in seen]
    unknown = [cell or "(an empty cell)" for cell in seen if cell not in COLUMNS]
    repeated = sorted({cell for cell in seen if cell in COLUMNS and seen.count(cell) > 1})
    if not (missing or unknown or repeated):
        return None
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if unknown:
        parts.append(f"not recognised {', '.join(unknown)}")
    if repeated:
        parts.append(f"given twice {', '.join(repeated)}")
    return (
        f"The header row of the file is not right ({'; '.join(parts)}). The first row must "
        f"name these columns, in any order: {','.join(COLUMNS)}. Download the template to start "
        "from the right header"
    )


def _date_parts(value: str, *, month_only: bool) -> dict[str, str] | None:
    """Day, month and year from YYYY-MM-DD or DD/MM/YYYY (YYYY-MM or MM/YYYY for a month)."""
    if month_only:
        if match := ISO_MONTH.match(value):
            return {"year": match.group(1), "month": match.group(2)}
        if match := UK_MONTH.match(value):
            return {"month": match.group(1), "year": match.group(2)}
        return None
    if match := ISO_DATE.match(value):
        return {"year": match.group(1), "month": match.group(2), "day": match.group(3)}
    if match := UK_DATE.match(value):
        return {"day": match.group(1), "month": match.group(2), "year": match.group(3)}
    return None


@dataclass
class _Lookups:
    """The employers and specifications a file may name, loaded once."""

    employers: dict[str, list[Organisation]]
    specifications: dict[str, SpecificationRecord]

    @classmethod
    def load(cls, user: User) -> _Lookups:
        employers: dict[str, list[Organisation]] = {}
        for employer in employers_of(user):
            employers.setdefault(employer.name, []).append(employer)
        specifications = {record.spec_id: record for record in current_specifications()}
        return cls(employers, specifications)

    def employer(self, name: str) -> Organisation | str:
        """The employer called ``name``, or what to fix."""
        matches = self.employers.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            return (
                f"More than one employer is called {name} on OpenEPA: ask the EPAO to make "
                "the names different"
            )
        if not name:
            return "Enter the employer's name as it is on OpenEPA"
        close = [known for known in self.employers if known.casefold() == name.casefold()]
        if close:
            return f"No employer is called {name} on OpenEPA: write it as {close[0]}"
        return (
            f"No employer is called {name} on OpenEPA: use the name exactly as the employer "
            "list shows it, or ask the EPAO to add the employer"
        )

    def specification(self, spec_id: str) -> SpecificationRecord | str:
        """The current specification ``spec_id``, or what to fix."""
        record = self.specifications.get(spec_id.lower())
        if record is not None:
            return record
        known = ", ".join(sorted(self.specifications))
        if not spec_id:
            return f"Enter the specification, one of {known}"
        return f"There is no specification {spec_id}: use one of {known}"


def check_rows(
    user: User, text: str, *, today: date
) -> tuple[list[RegistrationDetails], list[int], list[RowError]]:
    """Every row of ``text`` checked: the details of each row, their row numbers, every error.

    Row numbers count the header as row 1, as a spreadsheet shows them. Raises
    :class:`CsvRefused` if the file cannot be read as a whole.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        raise CsvRefused(
            f"The file cannot be read as CSV (near row {reader.line_num}: {error}): save it "
            "again from your spreadsheet as CSV UTF-8"
        ) from None
    if not records:
        raise CsvRefused("The file is empty: add the header row and one row per apprentice")
    header = [cell.strip().lower() for cell in records[0]]
    problem = _header_problem(records[0])
    if problem:
        raise CsvRefused(problem)
    numbered = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not numbered:
        raise CsvRefused(
            "The file has a header row but no apprentices: add one row per apprentice under it"
        )
    if len(numbered) > MAX_ROWS:
        raise CsvRefused(
            f"The file has {len(numbered)} apprentices: a file can register up to {MAX_ROWS}, "
            "so split it into smaller files"
        )

    lookups = _Lookups.load(user)
    details: list[RegistrationDetails] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    for number, record in numbered:
        cells = {
            column: (record[index].strip() if index < len(record) else "")
            for index, column in enumerate(header)
        }
        row_errors: list[RowError] = []
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            row_errors.append(
                RowError(
                    number,
                    "",
                    "",
                    f"Row {number} has more cells than the header row: put any value that "
                    "holds a comma inside double quotes",
                )
            )
        data: dict[str, str] = {}
        for column in COLUMNS:
            value = cells[column]
            if column in DATE_COLUMNS or column == MONTH_COLUMN:
                month_only = column == MONTH_COLUMN
                parts = _date_parts(value, month_only=month_only) if value else {}
                if parts is None:
                    example = "2027-06 or 06/2027" if month_only else "2005-03-27 or 27/03/2005"
                    layout = "YYYY-MM or MM/YYYY" if month_only else "YYYY-MM-DD or DD/MM/YYYY"
                    row_errors.append(
                        RowError(
                            number,
                            column,
                            value,
                            f"Write {column} as {layout}, like {example}",
                        )
                    )
                    continue
                data.update({f"{column}_{part}": text for part, text in parts.items()})
            else:
                data[column] = value
        form = ApprenticeDetailsForm(data, today=today)
        form.is_valid()
        failed = {error.column for error in row_errors}
        for name, messages in form.errors.items():
            if name in failed:
                continue
            column = "" if name == "__all__" else name
            for message in messages:
                row_errors.append(RowError(number, column, cells.get(column, ""), str(message)))
        employer = lookups.employer(cells["employer"])
        if isinstance(employer, str):
            row_errors.append(RowError(number, "employer", cells["employer"], employer))
        specification = lookups.specification(cells["specification"])
        if isinstance(specification, str):
            row_errors.append(
                RowError(number, "specification", cells["specification"], specification)
            )
        if row_errors:
            errors.extend(_in_column_order(row_errors))
            continue
        assert isinstance(employer, Organisation)
        assert isinstance(specification, SpecificationRecord)
        details.append(
            RegistrationDetails.from_data(
                {**form.cleaned_data, "employer": employer, "specification": specification}
            )
        )
        numbers.append(number)

    for index, found in registration_problems(
        user, details, today=today, row_numbers=numbers
    ).items():
        row = details[index]
        for column, message in found:
            value = str(getattr(row, column, "")) if column else ""
            if column == MONTH_COLUMN:
                value = f"{row.planned_assessment_month:%Y-%m}"
            errors.append(RowError(numbers[index], column, value, message))
    errors.sort(key=lambda error: (error.row, _column_position(error.column)))
    return details, numbers, errors


def _column_position(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


def _in_column_order(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda error: _column_position(error.column))


def import_csv(user: User, upload: UploadedFile[bytes], *, today: date) -> ImportOutcome:
    """Check every row of an uploaded CSV file and register them all, or none.

    Raises :class:`openepa.kernel.uploads.UploadRefused` or :class:`CsvRefused` if the file
    cannot be read; returns the errors (and registers nothing) if any row has a problem.
    """
    text = read_text(upload)
    details, numbers, errors = check_rows(user, text, today=today)
    if errors:
        return ImportOutcome(errors=errors)
    try:
        registrations = register_many(
            user, details, today=today, file_name=upload.name or "", row_numbers=numbers
        )
    except RegistrationRefused as refused:
        return ImportOutcome(
            errors=[
                RowError(numbers[index], column, "", message)
                for index, found in sorted(refused.problems.items())
                for column, message in found
            ]
        )
    return ImportOutcome(registrations=registrations)
