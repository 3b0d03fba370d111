"""Input that is not what it seems, for the tests of every form and filter that takes a number.

Digits from other scripts ("１２３", "²", "٣"), a year of twenty digits, and helpers that post
them: a date's boxes, every bad form of a date, the page's error summary, its hidden inputs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from openepa.accounts.models import User
from openepa.registration.models import Registration
from tests.epa import accept
from tests.planning.conftest import approve

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
OTHER_DIGITS = ["１２３", "²", "٣"]
HUGE = "99999999999999999999"
BAD_NUMBERS = [*OTHER_DIGITS, HUGE]
TODAY = date(2026, 8, 5)


def pats_past_gateway(
    make_registration: Callable[..., Registration], pat: User, anna: User, ivy: User
) -> Registration:
    """Pat's Highfield registration, past the gateway on 3 August 2026, Anna allocated."""
    approve(anna, "st0071-highfield")
    registration = make_registration(
        apprentice_user=pat, given_names="Pat", family_name="Apprentice"
    )
    return accept(registration, anna, ivy)


def shows_an_error(response: Any) -> str:
    """The page, after checking it is a page with the GOV.UK error summary (not a 500)."""
    assert response.status_code in (200, 400), response.status_code
    page = html.unescape(response.content.decode())
    assert "govuk-error-summary" in page
    return page


def dated(name: str, day: str = "1", month: str = "9", year: str = "2026") -> dict[str, str]:
    """The three boxes of a GOV.UK date input."""
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def bad_dates(name: str) -> list[dict[str, str]]:
    """A date typed in other digits, each box in turn, and with a huge year."""
    good = dated(name)
    cases = [{**good, key: good[key].translate(FULLWIDTH)} for key in good]
    cases += [{**good, f"{name}_month": "²"}, {**good, f"{name}_year": "٢٠٢٦"}]
    return [*cases, dated(name, year=HUGE), dated(name, day=HUGE, month=HUGE)]


def hidden_inputs(response: Any) -> dict[str, str]:
    """The hidden inputs of the page's form, as loaded."""
    text = response.content.decode()
    pattern = r'<input type="hidden" name="([^"]+)" value="([^"]*)"'
    return {html.unescape(n): html.unescape(v) for n, v in re.findall(pattern, text)}
