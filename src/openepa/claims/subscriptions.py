"""What certificate claims do when results change (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.claims.models import CertificateClaim
from openepa.claims.services import draft_claim_for_result, update_claim
from openepa.kernel import service_client
from openepa.kernel.events import subscribe
from openepa.registration.learner_checks import request_check
from openepa.registration.models import LearnerCheck, Registration
from openepa.results.events import ResultRegraded, ResultReleased
from openepa.rules.claims import EDITABLE, GRADE_WORDS


@subscribe(ResultReleased)
def draft_claim_of_released_result(event: ResultReleased) -> None:
    """Draft the certificate claim of a result released as a pass or distinction."""
    if event.result.achieved:
        draft_claim_for_result(event.result, event.released_by)
        look_up_for_claim(event.result.registration, event.released_by)


def look_up_for_claim(registration: Registration, actor: User | None) -> LearnerCheck | None:
    """Ask the service about the apprentice of a claim just drafted, unless already matched.

    With the service configured a claim is ready only once a look-up matched the apprentice;
    a current matched look-up (the ULN and family name unchanged since) is enough.
    """
    if not service_client.configured() or registration.is_read_only:
        return None
    if LearnerCheck.objects.filter(
        registration=registration, current=True, outcome=LearnerCheck.Outcome.MATCHED
    ).exists():
        return None
    return request_check(registration, LearnerCheck.Reason.CLAIM, actor)


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
        look_up_for_claim(result.registration, event.changed_by)
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
