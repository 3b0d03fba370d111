"""Fixtures for the gateway: Pat's registrations, a fixed "today" and files to upload.

Pat the apprentice works at Bright Retail (Erin the employer) and trains with Acme Training
(Bob the provider). Alice is the EPAO admin, Alan a second EPAO admin, Anna the assessor.
"Today" is fixed at 15 May 2026: after Pat's minimum time on programme (started 6 January
2025) and the on-programme end date (30 April 2026).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openepa.accounts.models import Organisation, User
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent
from openepa.kernel import clock
from openepa.registration.models import Registration
from tests.conftest import PASSWORD

TODAY = date(2026, 5, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The gateway's clock reads 15 May 2026 in every gateway test."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def alan(epao: Organisation) -> User:
    """A second EPAO admin, reviewing at the same time as Alice."""
    return User.objects.create_user(
        "alan@epao.example",
        PASSWORD,
        full_name="Alan Admin",
        role=User.Role.EPAO_ADMIN,
        epao=epao,
        organisation=epao,
    )


@pytest.fixture
def highfield(make_registration: Callable[..., Registration], pat: User) -> Registration:
    """Pat's registration on Highfield's ST0071 specification."""
    return make_registration("st0071-highfield", apprentice_user=pat)


@pytest.fixture
def activeiq(make_registration: Callable[..., Registration], pat: User) -> Registration:
    """Pat's registration on Active IQ's ST0072 specification."""
    return make_registration("st0072-activeiq", apprentice_user=pat)


@pytest.fixture
def nqual(make_registration: Callable[..., Registration], pat: User) -> Registration:
    """Pat's registration on NQual's ST0071 specification."""
    return make_registration("st0071-nqual", apprentice_user=pat)


def component(registration: Registration, requirement_id: str) -> GatewayComponent:
    """The registration's component for one requirement, building the gateway if needed."""
    create_components(registration)
    item = registration.gateway_components.get(requirement_id=requirement_id)
    item.registration = registration
    return item


def pdf(name: str = "evidence.pdf", text: str = "evidence") -> SimpleUploadedFile:
    """A small real PDF."""
    body = f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name: str = "statement.docx") -> SimpleUploadedFile:
    """A minimal Word document (a zip with the parts Word needs)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def words(count: int) -> str:
    """A proposal of exactly ``count`` words."""
    base = [
        "customer's",
        "follow-up",
        "improves",
        "service",
        "quality",
        "across",
        "the",
        "whole",
        "team",
    ]
    return " ".join(base[i % len(base)] for i in range(count))


def reload(item: GatewayComponent) -> GatewayComponent:
    """The component as stored now, keeping its registration."""
    fresh = GatewayComponent.objects.get(pk=item.pk)
    fresh.registration = item.registration
    return fresh


def piece_data(ksbs: list[str], **overrides: Any) -> dict[str, Any]:
    """POST data of a portfolio piece dated 2 March 2026."""
    data: dict[str, Any] = {
        "title": "Witness statement from my team leader",
        "evidence_type": "witness_statement",
        "evidence_date_day": "2",
        "evidence_date_month": "3",
        "evidence_date_year": "2026",
        "ksbs": ksbs,
        "file": pdf(),
    }
    data.update(overrides)
    return data
