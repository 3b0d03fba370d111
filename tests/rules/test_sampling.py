"""Which decisions the IQA samples: the first few, fails, distinctions and a random share."""

from __future__ import annotations

from openepa.rules.sampling import SamplingPolicy, sample_decision

POLICY = SamplingPolicy(
    first_decisions=5, all_fails=True, all_distinctions=True, percent_of_rest=10
)


def test_each_of_the_first_five_decisions_is_sampled_and_the_sixth_is_not() -> None:
    for earlier in range(5):
        sampling = sample_decision(POLICY, earlier, "pass", 0.99)
        assert sampling.sampled
        assert sampling.reason == (
            f"decision {earlier + 1} of the assessor's first 5: every one is sampled"
        )
    assert not sample_decision(POLICY, 5, "pass", 0.99).sampled


def test_every_fail_is_sampled_unless_the_policy_says_not() -> None:
    assert sample_decision(POLICY, 20, "fail", 0.99).reason == "every fail is sampled"
    policy = SamplingPolicy(first_decisions=5, all_fails=False, percent_of_rest=10)
    assert not sample_decision(policy, 20, "fail", 0.99).sampled


def test_every_distinction_is_sampled_unless_the_policy_says_not() -> None:
    sampling = sample_decision(POLICY, 20, "distinction", 0.99)
    assert sampling.sampled
    assert sampling.reason == "every distinction is sampled"
    policy = SamplingPolicy(all_distinctions=False, percent_of_rest=10)
    assert not sample_decision(policy, 20, "distinction", 0.99).sampled


def test_the_random_share_samples_a_draw_below_the_percentage_only() -> None:
    below = sample_decision(POLICY, 20, "pass", 0.0999)
    assert below.sampled
    assert below.reason == ("chosen at random: 10% of other decisions are sampled (drawn 0.0999)")
    at_limit = sample_decision(POLICY, 20, "pass", 0.10)
    assert not at_limit.sampled
    assert at_limit.reason == (
        "not sampled: 10% of other decisions are sampled at random (drawn 0.1000)"
    )


def test_no_random_share_samples_nothing_and_everything_at_a_hundred_percent() -> None:
    assert not sample_decision(SamplingPolicy(percent_of_rest=0), 20, "pass", 0.0).sampled
    assert sample_decision(SamplingPolicy(percent_of_rest=100), 20, "pass", 0.9999).sampled


def test_a_flagged_decision_is_always_sampled() -> None:
    policy = SamplingPolicy(first_decisions=0, all_fails=False, percent_of_rest=0)
    assert not sample_decision(policy, 20, "pass", 0.99).sampled
    flagged = sample_decision(
        policy, 20, "pass", 0.99, flagged="the question and answer session ran over its limit"
    )
    assert flagged.sampled
    assert flagged.reason == (
        "flagged for the IQA: the question and answer session ran over its limit"
    )
