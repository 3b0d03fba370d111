"""An EPAO's quality and results policy: IQA sampling, the appeal period, certificate claims.

EPAO admins read and change it. A save carries the revision the admin's page showed; if
someone else saved the policy since, nothing is changed and the admin is told who and when.
Every change is audited with its old and new values.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import EpaoPolicy, Organisation, User
from openepa.audit.services import diff, record_event
from openepa.kernel import clock

POLICY_FIELDS = (
    "sample_first_decisions",
    "sample_all_fails",
    "sample_all_distinctions",
    "sample_percent_of_rest",
    "appeal_period_days",
    "claim_top_grade_immediately",
)


class PolicyChanged(Exception):  # noqa: N818 (a refusal with a message for the user)
    """Someone else saved the policy while this admin was changing it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def policy_of(epao: Organisation | int) -> EpaoPolicy:
    """The EPAO's policy, created with the defaults the first time it is asked for."""
    epao_id = epao if isinstance(epao, int) else epao.pk
    policy, _ = EpaoPolicy.objects.select_related("updated_by").get_or_create(epao_id=epao_id)
    return policy


def _label(name: str) -> str:
    field = EpaoPolicy._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


@transaction.atomic
def update_policy(
    epao: Organisation, actor: User, *, revision: int, **values: Any
) -> dict[str, tuple[Any, Any]]:
    """Change the EPAO's policy; returns the changes made (none if nothing differed).

    Refused with :class:`PolicyChanged` if the policy was saved by someone else since the
    admin's page showed ``revision``. The share sampled at random is a percentage, 0 to 100.
    """
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not fields of the policy: {', '.join(sorted(unknown))}")
    percent = values.get("sample_percent_of_rest")
    if percent is not None and not 0 <= int(percent) <= 100:
        raise ValueError("the share sampled at random must be between 0 and 100 per cent")
    policy_of(epao)
    policy = (
        EpaoPolicy.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(epao=epao)
    )
    if policy.revision != revision:
        who = policy.updated_by.full_name if policy.updated_by else "Someone else"
        when = timezone.localtime(policy.updated_at)
        raise PolicyChanged(
            f"{who} changed the quality settings at {when:%H:%M} on {when:%-d %B %Y} while you "
            "were editing them: your values are still below; check the settings now saved and "
            "save again."
        )
    changes = diff(policy, values)
    if not changes:
        return {}
    for name, value in values.items():
        setattr(policy, name, value)
    policy.revision += 1
    policy.updated_by = actor
    policy.updated_at = clock.now()
    policy.save()
    record_event(
        actor=actor,
        epao=epao,
        action="results.policy_changed",
        obj=policy,
        summary="Changed the quality settings: " + ", ".join(str(_label(name)) for name in changes),
        changes=changes,
    )
    return changes
