"""What certificate claims do when results change (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from openepa.claims.models import CertificateClaim
from openepa.claims.services import draft_claim_for_result, update_claim
from openepa.kernel.events import subscribe
from openepa.results.events import ResultRegraded, ResultReleased
from openepa.rules.claims import EDITABLE, GRADE_WORDS


@subscribe(ResultReleased)
def draft_claim_of_released_result(event: ResultReleased) -> None:
    """Draft the certificate claim of a result released as a pass or distinction."""
    if event.result.achieved:
        draft_claim_for_result(event.result, event.released_by)


@subscribe(ResultRegraded)
def follow_regraded_result(event: ResultRegraded) -> None:
    """Draft the claim of a fail overturned to a pass, or carry a changed grade into a claim.

    A changed achieved grade is written into a claim not yet sent (which then has to be
    checked and marked ready again). A claim already sent keeps its grade, and its readiness
    check shows the difference.
    """
    result = event.result
    was_achieved = event.old_grade in ("pass", "distinction")
    if result.achieved and not was_achieved:
        draft_claim_for_result(result, event.changed_by)
        return
    claim = CertificateClaim.objects.filter(result=result).first()
    if claim is not None and result.achieved and claim.status in EDITABLE:
        update_claim(
            claim,
            event.changed_by,
            revision=claim.revision,
            values={"overall_grade": GRADE_WORDS[result.grade]},
            reason=f"The result changed on appeal: {event.reason}",
        )
