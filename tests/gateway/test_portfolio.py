"""The portfolio of evidence: pieces mapped to KSBs, its limits, exclusions and coverage."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.audit.models import AuditEvent
from openepa.gateway.models import GatewayComponent, PortfolioPiece
from openepa.gateway.portfolio import active_pieces, add_piece, submit_portfolio
from openepa.gateway.portfolio import coverage as portfolio_coverage
from openepa.gateway.refusals import GatewayRefused
from openepa.kernel import specs
from openepa.registration.models import Registration
from tests.gateway.conftest import component, pdf, piece_data, reload

Status = GatewayComponent.Status


def _url(item: GatewayComponent, page: str = "") -> str:
    return f"/gateway/{item.registration_id}/components/{item.pk}/portfolio/{page}"


def _add(item: GatewayComponent, user, count: int, ksbs: list[str] | None = None) -> None:
    for number in range(count):
        add_piece(
            item,
            user,
            title=f"Observation record {number + 1}",
            evidence_type="observation_record",
            evidence_date=date(2026, 2, 1),
            upload=pdf(f"piece{number + 1}.pdf"),
            ksbs=ksbs or ["K2"],
        )


def test_pat_adds_a_piece_mapped_to_ksbs(highfield: Registration, login, pat) -> None:
    portfolio = component(highfield, "portfolio")
    client = login(pat)
    form = client.get(_url(portfolio, "add/")).content.decode()
    assert "K1: " in form
    assert "S1: " in form
    assert "B1: " in form
    response = client.post(_url(portfolio, "add/"), piece_data(["K2", "S3"]))
    assert response.status_code == 302
    piece = PortfolioPiece.objects.get()
    assert (piece.number, piece.title, piece.ksbs) == (
        1,
        "Witness statement from my team leader",
        ["K2", "S3"],
    )
    assert piece.evidence_date == date(2026, 3, 2)
    assert reload(portfolio).status == Status.IN_PROGRESS
    page = client.get(_url(portfolio)).content.decode()
    assert "Witness statement from my team leader" in page
    assert "10 to 15 pieces" in page
    assert AuditEvent.objects.filter(action="gateway.piece_added").count() == 1


def test_a_piece_needs_a_ksb_a_real_past_date_and_a_file(
    highfield: Registration, login, pat
) -> None:
    portfolio = component(highfield, "portfolio")
    client = login(pat)
    response = client.post(
        _url(portfolio, "add/"),
        piece_data([], evidence_date_day="31", evidence_date_month="2", file=""),
    )
    html = response.content.decode()
    assert "Select at least one KSB this piece evidences" in html
    assert "Date of the evidence must be a real date" in html
    assert "Select the file with the evidence" in html
    assert "Witness statement from my team leader" in html  # the title typed is kept
    future = client.post(
        _url(portfolio, "add/"), piece_data(["K2"], evidence_date_year="2027")
    ).content.decode()
    assert "must be today or in the past" in future
    before = client.post(
        _url(portfolio, "add/"), piece_data(["K2"], evidence_date_year="2024")
    ).content.decode()
    assert "on or after the apprenticeship start date, 6 January 2025" in before
    assert not PortfolioPiece.objects.exists()


def test_a_portfolio_of_9_pieces_is_refused_and_of_10_submitted(
    highfield: Registration, login, pat
) -> None:
    portfolio = component(highfield, "portfolio")
    _add(portfolio, pat, 9)
    client = login(pat)
    refused = client.post(_url(portfolio), {"revision": reload(portfolio).revision})
    assert (
        "Highfield Assessment asks for 10 to 15 pieces of evidence: the portfolio has 9; "
        "add at least 1 more" in refused.content.decode()
    )
    assert reload(portfolio).status == Status.IN_PROGRESS
    _add(portfolio, pat, 1)
    response = client.post(_url(portfolio), {"revision": reload(portfolio).revision})
    assert response.status_code == 302
    portfolio = reload(portfolio)
    assert (portfolio.status, portfolio.attempts) == (Status.SUBMITTED, 1)
    listing = portfolio.submissions.get().answer
    assert listing.startswith("1. Observation record 1 (Observation record, 1 February 2026; K2)")
    assert len(listing.splitlines()) == 10


def test_a_sixteenth_piece_is_refused(highfield: Registration, pat) -> None:
    portfolio = component(highfield, "portfolio")
    _add(portfolio, pat, 15)
    with pytest.raises(GatewayRefused, match="at most 15 pieces"):
        _add(portfolio, pat, 1)


def test_nqual_refuses_reflective_accounts(nqual: Registration, login, bob) -> None:
    portfolio = component(nqual, "portfolio")  # NQual's provider submits the portfolio
    page = login(bob).get(_url(portfolio, "add/")).content.decode()
    assert "NQual does not accept reflective accounts or self-evaluation" in page
    response = login(bob).post(
        _url(portfolio, "add/"), piece_data(["K2"], evidence_type="reflective_account")
    )
    assert "NQual does not accept reflective accounts as portfolio evidence" in (
        response.content.decode()
    )
    response = login(bob).post(
        _url(portfolio, "add/"), piece_data(["K2"], evidence_type="self_evaluation")
    )
    assert "NQual does not accept self-evaluation as portfolio evidence" in (
        response.content.decode()
    )
    assert not PortfolioPiece.objects.exists()


def test_highfield_accepts_a_reflective_account(highfield: Registration, login, pat) -> None:
    portfolio = component(highfield, "portfolio")
    response = login(pat).post(
        _url(portfolio, "add/"), piece_data(["K2"], evidence_type="reflective_account")
    )
    assert response.status_code == 302


def test_a_piece_is_removed_before_submission_and_kept_in_the_record(
    highfield: Registration, login, pat
) -> None:
    portfolio = component(highfield, "portfolio")
    _add(portfolio, pat, 2)
    first = PortfolioPiece.objects.get(number=1)
    client = login(pat)
    response = client.post(_url(portfolio, f"{first.pk}/remove/"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.removed_at is not None
    assert [p.number for p in active_pieces(highfield)] == [2]
    _add(portfolio, pat, 1)
    assert [p.number for p in active_pieces(highfield)] == [2, 3]
    assert AuditEvent.objects.filter(action="gateway.piece_removed").count() == 1


def test_a_submitted_portfolio_cannot_be_changed(highfield: Registration, login, pat) -> None:
    portfolio = component(highfield, "portfolio")
    _add(portfolio, pat, 10)
    submit_portfolio(portfolio, pat, revision=reload(portfolio).revision)
    piece = PortfolioPiece.objects.get(number=1)
    client = login(pat)
    client.post(_url(portfolio, f"{piece.pk}/remove/"))
    piece.refresh_from_db()
    assert piece.removed_at is None
    with pytest.raises(GatewayRefused, match="waiting for review"):
        _add(portfolio, pat, 1)


def test_only_the_submitting_party_adds_pieces(
    highfield: Registration, login, erin, bob, alice
) -> None:
    portfolio = component(highfield, "portfolio")
    for user in (erin, bob, alice):
        client = login(user)
        assert client.get(_url(portfolio)).status_code == 200  # everyone in scope reads it
        assert client.get(_url(portfolio, "add/")).status_code == 403
        assert client.post(_url(portfolio), {"revision": 1}).status_code == 403


def test_the_matrix_shows_the_discussion_ksbs_without_evidence(
    highfield: Registration, login, pat, erin
) -> None:
    portfolio = component(highfield, "portfolio")
    _add(portfolio, pat, 1, ksbs=["K2", "S3"])
    page = login(erin).get(_url(portfolio)).content.decode()
    assert "Portfolio matrix" in page
    assert "assessed by the professional discussion" in page.lower()
    assert "Evidenced by piece 1" in page
    assert "No evidence" in page
    spec, standard = specs.rules_of(highfield)
    coverage = portfolio_coverage(spec, standard, active_pieces(highfield))
    rows = [row.id for row in coverage.rows]
    assert rows[:3] == ["K2", "K3", "K4"]  # in the standard's order
    assert len(rows) == 16
    assert "K1" not in rows
    assert "S3" not in rows
    assert [row.id for row in coverage.rows if row.covered] == ["K2"]
    assert len(coverage.missing) == 15


def test_activeiq_pieces_are_mapped_to_the_areas_of_st0072(
    activeiq: Registration, login, pat
) -> None:
    portfolio = component(activeiq, "on-programme-portfolio")
    client = login(pat)
    form = client.get(_url(portfolio, "add/")).content.decode()
    assert "areas of the standard" in form
    assert "Team working" in form or "team-working" in form
    response = client.post(_url(portfolio, "add/"), piece_data(["team-working"]))
    assert response.status_code == 302
    spec, standard = specs.rules_of(activeiq)
    coverage = portfolio_coverage(spec, standard, active_pieces(activeiq))
    assert coverage.unit == "area"
    assert [row.id for row in coverage.rows if row.covered] == ["team-working"]
    assert len(coverage.missing) == len(coverage.rows) - 1
