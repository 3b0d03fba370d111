"""Helpers for the submissions tests: report texts, uploads, sittings and released results."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.registration.models import Registration
from openepa.results.models import Result


def report_text(words: int, per_paragraph: int = 100) -> str:
    """A report of ``words`` words, ``per_paragraph`` to a line; word n is written "wn"."""
    lines = []
    for start in range(1, words + 1, per_paragraph):
        end = min(words, start + per_paragraph - 1)
        lines.append(" ".join(f"w{n}" for n in range(start, end + 1)))
    return "\n\n".join(lines)


def txt(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def docx(name: str, paragraphs: list[str]) -> SimpleUploadedFile:
    """A minimal Word document holding ``paragraphs``."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def highfield(
    make_registration: Callable[..., Registration], pat: User, anna: User, ivy: User
) -> Registration:
    """Pat's Highfield registration, gateway accepted, with Anna as assessor."""
    return make_registration(
        "st0071-highfield",
        apprentice_user=pat,
        assessor=anna,
        iqa=ivy,
        status=Registration.Status.GATEWAY_ACCEPTED,
        gateway_date=date(2026, 5, 4),
    )


@pytest.fixture
def release() -> Callable[..., Result]:
    """Release a result for a sitting with the given project grade on a given day."""

    def make(
        registration: Registration,
        sitting: Sitting,
        grade: str,
        on: date,
        released_by: User,
        method_id: str = "project",
    ) -> Result:
        when = timezone.make_aware(datetime(on.year, on.month, on.day, 12, 0))
        return Result.objects.create(
            registration=registration,
            sitting=sitting,
            grade=grade,
            label=grade.title(),
            reason="test",
            methods=[{"id": method_id, "name": "Project", "grade": grade}],
            last_assessment_on=on,
            released_by=released_by,
            released_at=when,
        )

    return make


@pytest.fixture
def sitting_for() -> Callable[..., Sitting]:
    def make(
        registration: Registration,
        number: int = 1,
        kind: str = Sitting.Kind.FIRST,
        methods: list[str] | None = None,
    ) -> Sitting:
        return Sitting.objects.create(
            registration=registration,
            number=number,
            kind=kind,
            methods=methods or ["project", "discussion", "observation"],
        )

    return make


@pytest.fixture
def project_record(highfield: Registration, anna: User, sitting_for: Any) -> AssessmentRecord:
    """Anna's draft record of Pat's project in the first sitting."""
    sitting = sitting_for(highfield)
    return AssessmentRecord.objects.create(
        registration=highfield, sitting=sitting, method_id="project", assessor=anna
    )
