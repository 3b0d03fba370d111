"""Which assessment decisions an internal quality assurer (IQA) samples.

An EPAO's policy samples every decision among each assessor's first few, every fail, every
distinction, and a stated share of the rest chosen at random; a decision flagged for the IQA
(a questioning overrun) is always sampled. The random number drawn is given to the rule (and
recorded by the caller), so a decision can always be explained.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SamplingPolicy:
    """An EPAO's sampling policy."""

    first_decisions: int = 5
    all_fails: bool = True
    all_distinctions: bool = True
    percent_of_rest: int = 10


@dataclass(frozen=True)
class Sampling:
    """Whether a decision is sampled, and why."""

    sampled: bool
    reason: str


def sample_decision(
    policy: SamplingPolicy, earlier_decisions: int, grade: str, draw: float, flagged: str = ""
) -> Sampling:
    """Decide whether an assessor's decision is sampled.

    ``earlier_decisions`` is how many decisions the assessor submitted before this one;
    ``draw`` is a random number in [0, 1); ``flagged`` says why the record is flagged for the
    IQA (a questioning overrun), if it is. The first rule that applies decides: a flagged
    decision is always sampled, so the IQA sees the flag.
    """
    if flagged:
        return Sampling(True, f"flagged for the IQA: {flagged}")
    if earlier_decisions < policy.first_decisions:
        return Sampling(
            True,
            f"decision {earlier_decisions + 1} of the assessor's first "
            f"{policy.first_decisions}: every one is sampled",
        )
    if policy.all_fails and grade == "fail":
        return Sampling(True, "every fail is sampled")
    if policy.all_distinctions and grade == "distinction":
        return Sampling(True, "every distinction is sampled")
    if draw < policy.percent_of_rest / 100:
        return Sampling(
            True,
            f"chosen at random: {policy.percent_of_rest}% of other decisions are sampled "
            f"(drawn {draw:.4f})",
        )
    return Sampling(
        False,
        f"not sampled: {policy.percent_of_rest}% of other decisions are sampled at random "
        f"(drawn {draw:.4f})",
    )
