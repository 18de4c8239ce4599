"""A/B/n analysis and power: values cross-checked against statsmodels / scipy, Holm, SRM, summaries, errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, tt_ind_solve_power, zt_ind_solve_power
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize, proportions_ztest

from kpis.experiments import WARNING_EARLY_STOPPING, ExperimentInputError, analyse_experiment
from kpis.power import (
    PowerInputError,
    minimum_detectable_effect,
    recipients_still_needed,
    sample_size_per_variant,
    sample_size_per_variant_for_mean,
)


def recipients(counts: dict[str, tuple[int, int]], group: str | None = None) -> pd.DataFrame:
    """One row per recipient: {variant: (recipients, conversions)} → variant, converted (0/1), group."""
    frames = []
    for variant, (n, converted) in counts.items():
        frames.append(pd.DataFrame({"variant": variant, "converted": [1] * converted + [0] * (n - converted)}))
    frame = pd.concat(frames, ignore_index=True)
    return frame.assign(group=group) if group is not None else frame


def revenue_frame(seed: int = 7, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # 30 % buy; buyers spend exponentially, 20 on average in A and 24 in B
    spend = [rng.exponential(mean, n) * (rng.random(n) < 0.3) for mean in (20.0, 24.0)]
    return pd.DataFrame({"variant": np.repeat(["A", "B"], n), "revenue": np.concatenate(spend)})


# --- binary metrics -------------------------------------------------------------------------------------------


def test_binary_result_matches_statsmodels():
    frame = recipients({"A": (5000, 250), "B": (5000, 310)})
    result = analyse_experiment(frame, "variant", "A", "converted").results[0]
    assert (result.variant, result.n_control, result.n_variant, result.metric_kind) == ("B", 5000, 5000, "binary")
    assert (result.control_value, result.variant_value) == (0.05, 0.062)
    assert result.absolute_lift == pytest.approx(0.012)
    assert result.relative_lift == pytest.approx(0.24)
    assert result.p_value == pytest.approx(proportions_ztest([310, 250], [5000, 5000])[1])
    low, high = confint_proportions_2indep(310, 5000, 250, 5000, method="newcombe", compare="diff")
    assert (result.absolute_ci_low, result.absolute_ci_high) == pytest.approx((low, high))
    ratio_low, ratio_high = confint_proportions_2indep(310, 5000, 250, 5000, compare="ratio")
    assert (result.relative_ci_low, result.relative_ci_high) == pytest.approx((ratio_low - 1, ratio_high - 1))
    # a single comparison: Holm changes nothing
    assert result.adjusted_p_value == pytest.approx(result.p_value)
    assert result.significant is (result.p_value < 0.05)


def test_significant_summary_reads_like_a_sentence():
    frame = recipients({"A": (10000, 500), "B": (10000, 600)})
    result = analyse_experiment(frame, "variant", "A", "converted").results[0]
    assert result.significant
    # relative lift 0.2, ratio CI 1.069–1.346, p = 0.0019 (statsmodels, checked above for another table)
    assert result.summary == ("Variant B converts 20% better than A on converted (95% CI 6.9% to 35%), "
                              "p = 0.002 after correction.")


def test_not_significant_summary_says_how_many_more_recipients_are_needed():
    frame = recipients({"A": (1000, 50), "B": (1000, 55)})
    result = analyse_experiment(frame, "variant", "A", "converted").results[0]
    assert not result.significant
    needed = sample_size_per_variant(0.05, 0.10)  # the observed lift is 10 % relative
    assert result.additional_per_variant == needed - 1000
    assert result.summary.startswith("No reliable difference yet between B and A (B converts 10% better than A")
    assert result.planned_effect == pytest.approx(0.10)
    assert f"about {needed - 1000:,} more recipients per variant needed to detect a 10% difference." in result.summary


def test_planning_corrects_for_every_comparison_in_the_report():
    # Twenty segments with the same +19 % lift: each is significant alone (p = 0.003), but not after Holm.
    frame = pd.concat([recipients({"A": (10000, 500), "B": (10000, 595)}, f"g{i:02d}") for i in range(20)],
                      ignore_index=True)
    result = analyse_experiment(frame, "variant", "A", "converted", by="group").results[0]
    assert result.p_value < 0.01 and not result.significant
    needed = sample_size_per_variant(0.05, 0.19, alpha=0.05 / 20)
    assert result.additional_per_variant == needed - 10000
    assert result.summary.endswith(f"about {needed - 10000:,} more recipients per variant needed to detect a 19% "
                                   "difference.")


def test_a_worse_variant_is_called_worse():
    frame = recipients({"A": (20000, 1200), "B": (20000, 1000)})
    result = analyse_experiment(frame, "variant", "A", "converted").results[0]
    assert result.significant and result.relative_lift < 0
    assert result.summary.startswith("Variant B converts 17% worse than A")


def test_no_conversions_anywhere_gives_p_one_and_no_infinity():
    frame = recipients({"A": (400, 0), "B": (400, 0)})
    result = analyse_experiment(frame, "variant", "A", "converted", metric_kind="binary").results[0]
    assert result.p_value == 1.0 and not result.significant
    assert math.isnan(result.relative_lift) and math.isnan(result.relative_ci_low)
    assert result.absolute_lift == 0.0 and result.absolute_ci_low < 0 < result.absolute_ci_high
    assert "cannot be estimated" in result.summary
    assert result.planned_effect == 0.10  # no observed lift: the default minimum detectable effect
    json.dumps(analyse_experiment(frame, "variant", "A", "converted").to_dict(), allow_nan=False)


def test_too_few_recipients_in_a_group_is_reported_not_tested():
    frame = pd.concat([recipients({"A": (300, 30), "B": (300, 45)}, "big"),
                       recipients({"A": (1, 0), "B": (5, 1)}, "tiny")], ignore_index=True)
    report = analyse_experiment(frame, "variant", "A", "converted", by="group")
    tiny = next(result for result in report.results if result.group == "tiny")
    assert math.isnan(tiny.p_value) and math.isnan(tiny.adjusted_p_value) and not tiny.significant
    assert tiny.summary == "tiny: Not enough data to compare B with A: each needs at least 2 recipients (have 5 and 1)."
    big = next(result for result in report.results if result.group == "big")
    assert big.adjusted_p_value == pytest.approx(big.p_value)  # the untested group is not part of the correction


# --- continuous metrics ---------------------------------------------------------------------------------------


def test_continuous_result_matches_scipy_welch():
    frame = revenue_frame()
    control, variant = (frame.loc[frame["variant"] == name, "revenue"].to_numpy() for name in ("A", "B"))
    result = analyse_experiment(frame, "variant", "A", "revenue").results[0]
    assert result.metric_kind == "continuous"
    assert (result.control_value, result.variant_value) == pytest.approx((control.mean(), variant.mean()))
    welch = stats.ttest_ind(variant, control, equal_var=False)
    interval = welch.confidence_interval(0.95)
    assert result.p_value == pytest.approx(welch.pvalue)
    assert (result.absolute_ci_low, result.absolute_ci_high) == pytest.approx((interval.low, interval.high))


def test_relative_lift_interval_agrees_with_a_seeded_bootstrap():
    frame = revenue_frame(seed=11, n=2000)
    control, variant = (frame.loc[frame["variant"] == name, "revenue"].to_numpy() for name in ("A", "B"))
    result = analyse_experiment(frame, "variant", "A", "revenue").results[0]
    rng = np.random.default_rng(2024)
    draws = 1000
    control_means = control[rng.integers(0, len(control), (draws, len(control)))].mean(axis=1)
    variant_means = variant[rng.integers(0, len(variant), (draws, len(variant)))].mean(axis=1)
    low, high = np.percentile(variant_means / control_means - 1, [2.5, 97.5])
    assert result.relative_ci_low == pytest.approx(low, abs=0.03)
    assert result.relative_ci_high == pytest.approx(high, abs=0.03)
    assert result.relative_ci_low < result.relative_lift < result.relative_ci_high


def test_continuous_summary_and_power_for_means():
    frame = revenue_frame(seed=3, n=400)
    result = analyse_experiment(frame, "variant", "A", "revenue").results[0]
    control = frame.loc[frame["variant"] == "A", "revenue"]
    assert result.relative_lift == pytest.approx(0.087, abs=5e-4)
    assert "(B brings 8.7% more revenue per recipient than A, 95% CI −" in result.summary
    if not result.significant:
        needed = sample_size_per_variant_for_mean(control.mean(), control.std(), result.relative_lift)
        assert result.additional_per_variant == max(0, needed - 400)


def test_constant_outcomes_do_not_break_welch():
    frame = pd.DataFrame({"variant": ["A"] * 5 + ["B"] * 5, "amount": [2.5] * 10})
    result = analyse_experiment(frame, "variant", "A", "amount").results[0]
    assert (result.p_value, result.absolute_lift, result.relative_lift) == (1.0, 0.0, 0.0)


# --- several variants, groups, Holm, SRM ----------------------------------------------------------------------


def test_holm_correction_spans_all_variants_and_groups():
    frame = pd.concat([
        recipients({"A": (4000, 200), "B": (4000, 250), "C": (4000, 210)}, "north"),
        recipients({"A": (4000, 180), "B": (4000, 240), "C": (4000, 185)}, "south"),
    ], ignore_index=True)
    report = analyse_experiment(frame, "variant", "A", "converted", by="group")
    assert [(r.group, r.variant) for r in report.results] == [("north", "B"), ("north", "C"), ("south", "B"),
                                                              ("south", "C")]
    raw = [r.p_value for r in report.results]
    expected = multipletests(raw, alpha=0.05, method="holm")[1]
    assert [r.adjusted_p_value for r in report.results] == pytest.approx(list(expected))
    assert [r.significant for r in report.results] == [bool(p < 0.05) for p in expected]
    assert all(r.summary.startswith(f"{r.group}: ") for r in report.results)
    assert report.correction == "holm"


def test_holm_handles_ties_and_caps_at_one():
    counts = [(200, 260), (200, 260), (200, 201), (200, 200), (200, 230)]  # two tied groups, two near-null ones
    frame = pd.concat([recipients({"A": (4000, a), "B": (4000, b)}, f"g{i}") for i, (a, b) in enumerate(counts)],
                      ignore_index=True)
    report = analyse_experiment(frame, "variant", "A", "converted", by="group")
    raw = [r.p_value for r in report.results]
    assert raw[0] == raw[1] and raw[3] == pytest.approx(1.0)
    assert [r.adjusted_p_value for r in report.results] == pytest.approx(list(multipletests(raw, method="holm")[1]))
    assert report.results[3].adjusted_p_value == 1.0


def test_sample_ratio_mismatch_marks_the_group_untrustworthy():
    frame = pd.concat([recipients({"A": (5000, 250), "B": (4600, 280)}, "broken"),
                       recipients({"A": (5000, 250), "B": (5010, 280)}, "fine")], ignore_index=True)
    report = analyse_experiment(frame, "variant", "A", "converted", by="group")
    checks = {check.group: check for check in report.sample_ratio_checks}
    assert checks["broken"].p_value == pytest.approx(stats.chisquare([5000, 4600]).pvalue)
    assert checks["broken"].mismatch and not checks["fine"].mismatch
    assert checks["broken"].counts == {"A": 5000, "B": 4600}
    assert "Sample ratio mismatch in group 'broken'" in checks["broken"].message
    broken, fine = (next(r for r in report.results if r.group == name) for name in ("broken", "fine"))
    assert not broken.trustworthy and broken.summary.startswith("broken: Untrustworthy (sample ratio mismatch")
    assert fine.trustworthy and "Untrustworthy" not in fine.summary


def test_intended_split_is_respected():
    frame = recipients({"A": (2000, 100), "B": (4000, 200)})
    assert analyse_experiment(frame, "variant", "A", "converted").sample_ratio_checks[0].mismatch
    report = analyse_experiment(frame, "variant", "A", "converted", intended_split={"A": 1, "B": 2})
    check = report.sample_ratio_checks[0]
    assert not check.mismatch and check.expected_shares == pytest.approx({"A": 1 / 3, "B": 2 / 3})


def test_report_exports_and_always_warns_about_peeking():
    report = analyse_experiment(recipients({"A": (100, 5), "B": (100, 9)}), "variant", "A", "converted")
    assert report.warning_early_stopping == WARNING_EARLY_STOPPING
    assert "peeking" in report.warning_early_stopping
    body = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert body["rows"][0]["variant"] == "B" and body["rows"][0]["n_variant"] == 100
    assert body["sample_ratio_checks"][0]["counts"] == {"A": 100, "B": 100}
    assert report.to_frame().loc[0, "variant_value"] == 0.09


def test_empty_cells_are_left_out_and_counted():
    frame = recipients({"A": (50, 5), "B": (50, 7)})
    frame["converted"] = frame["converted"].astype("float64")
    frame.loc[[0, 1], "converted"] = np.nan
    frame.loc[60, "variant"] = None
    report = analyse_experiment(frame, "variant", "A", "converted")
    assert report.notes == ("1 rows with an empty 'variant' were left out",
                            "2 rows with an empty 'converted' were left out")
    assert (report.results[0].n_control, report.results[0].n_variant) == (48, 49)


def test_numeric_variant_codes_match_a_text_control():
    frame = recipients({"0": (200, 10), "1": (200, 20)})
    frame["variant"] = frame["variant"].astype(float)
    result = analyse_experiment(frame, "variant", "0", "converted").results[0]
    assert (result.control, result.variant) == ("0", "1")


@pytest.mark.parametrize(("change", "arguments", "message"), [
    ({}, {"metric": "revenue"}, r"column 'revenue' is not in the data; columns are: variant, converted"),
    ({}, {"by": "region"}, r"column 'region' is not in the data"),
    ({}, {"control": "Z"}, r"control 'Z' is not a value of column 'variant'; values are: A, B"),
    ({"converted": ["yes", "no"] * 50}, {}, r"'converted' must hold numbers .* but has 'yes' in 100 rows"),
    ({"converted": [0.5] * 100}, {"metric_kind": "binary"}, r"is not 0/1"),
    ({"variant": ["A"] * 100}, {}, r"has only the control 'A'"),
    ({}, {"alpha": 1.5}, r"alpha must be between 0 and 1"),
    ({}, {"intended_split": {"A": 1}}, r"intended split has no share for variant 'B'"),
    ({}, {"metric_kind": "ordinal"}, r"metric_kind must be one of"),
])
def test_bad_input_gets_one_clear_message(change, arguments, message):
    frame = recipients({"A": (50, 5), "B": (50, 7)}).assign(**change)
    call = {"variant_column": "variant", "control": "A", "metric": "converted"} | arguments
    with pytest.raises(ExperimentInputError, match=message):
        analyse_experiment(frame, **call)


# --- power ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("baseline", "effect", "relative"), [(0.10, 0.10, True), (0.02, 0.25, True),
                                                              (0.30, -0.05, True), (0.05, 0.01, False)])
def test_sample_size_matches_statsmodels(baseline, effect, relative):
    target = baseline * (1 + effect) if relative else baseline + effect
    expected = zt_ind_solve_power(effect_size=abs(proportion_effectsize(target, baseline)), alpha=0.05, power=0.8)
    assert sample_size_per_variant(baseline, effect, relative=relative) == math.ceil(expected)


def test_sample_size_textbook_value_and_bonferroni_for_more_variants():
    # 10 % baseline, +10 % relative: Cohen's h ≈ 0.0326 → (1.96 + 0.84)² / h² ≈ 14,745 per variant.
    assert sample_size_per_variant(0.10, 0.10) == 14745
    four_arms = sample_size_per_variant(0.10, 0.10, variants=4)
    h = abs(proportion_effectsize(0.11, 0.10))
    assert four_arms == math.ceil(NormalIndPower().solve_power(effect_size=h, alpha=0.05 / 3, power=0.8))
    assert four_arms > sample_size_per_variant(0.10, 0.10, variants=3) > 14745


def test_minimum_detectable_effect_inverts_the_sample_size():
    n = sample_size_per_variant(0.04, 0.15)
    assert minimum_detectable_effect(n, 0.04) == pytest.approx(0.15, rel=1e-3)
    absolute = minimum_detectable_effect(n, 0.04, relative=False)
    assert absolute == pytest.approx(0.04 * 0.15, rel=1e-3)
    assert minimum_detectable_effect(n, 0.04, variants=3) > 0.15
    assert math.isnan(minimum_detectable_effect(2, 0.9))


def test_sample_size_for_a_mean_matches_statsmodels_t_test():
    expected = tt_ind_solve_power(effect_size=2.0 / 20.0, alpha=0.05, power=0.8)
    assert sample_size_per_variant_for_mean(10.0, 20.0, 0.2) == math.ceil(expected)
    assert sample_size_per_variant_for_mean(10.0, 20.0, 2.0, relative=False) == math.ceil(expected)


@pytest.mark.parametrize(("arguments", "expected"), [
    ((0.05, 0.10, 1000), (0.10, sample_size_per_variant(0.05, 0.10) - 1000)),
    ((0.05, 0.10, 1000, {"comparisons": 4}), (0.10, sample_size_per_variant(0.05, 0.10, alpha=0.0125) - 1000)),
    ((0.05, float("nan"), 10), (0.10, sample_size_per_variant(0.05, 0.10) - 10)),  # no lift seen: plan for 10 %
    ((0.6, 1.0, 10), (0.10, sample_size_per_variant(0.6, 0.10) - 10)),  # +100 % of 60 % is impossible
    ((0.05, 0.50, 10**6), (0.50, 0)),  # already enough
    ((0.0, 0.10, 100), (0.10, None)),  # a 0 % rate gives no answer
    ((10.0, -0.2, 100, {"standard_deviation": 20.0}),
     (-0.2, sample_size_per_variant_for_mean(10.0, 20.0, -0.2) - 100)),
])
def test_recipients_still_needed(arguments, expected):
    *positional, options = arguments if isinstance(arguments[-1], dict) else (*arguments, {})
    assert recipients_still_needed(*positional, **options) == expected


@pytest.mark.parametrize(("call", "message"), [
    (lambda: sample_size_per_variant(0.0, 0.1), "baseline rate must be strictly between 0 and 1"),
    (lambda: sample_size_per_variant(5.0, 0.1), "give it as a fraction"),
    (lambda: sample_size_per_variant(0.1, 0.0), "non-zero"),
    (lambda: sample_size_per_variant(0.6, 1.0), "outside 0–1"),
    (lambda: sample_size_per_variant(0.1, 0.1, variants=1), "whole number ≥ 2"),
    (lambda: sample_size_per_variant(0.1, 0.1, power=1.2), "power must be between 0 and 1"),
    (lambda: minimum_detectable_effect(1, 0.1), "at least 2 recipients"),
    (lambda: sample_size_per_variant_for_mean(10.0, 0.0, 0.1), "standard deviation must be a positive number"),
])
def test_power_questions_without_an_answer_raise(call, message):
    with pytest.raises(PowerInputError, match=message):
        call()
