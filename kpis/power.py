"""Sample size and minimum detectable effect for A/B/n tests, on top of statsmodels' power solvers.

Rates use Cohen's effect size h (the arcsine transform, `proportion_effectsize`) with the normal
approximation of `NormalIndPower`; means use Cohen's d with `TTestIndPower`. Both assume equal
group sizes and a two-sided test.

With more than two variants every variant is compared with the control, so there are
`variants - 1` comparisons. To keep the family-wise false-positive rate at `alpha` we plan with the
Bonferroni level `alpha / (variants - 1)`. The analysis itself uses Holm, which is never less
powerful than Bonferroni, so a plan made this way is (slightly) conservative.
"""

from __future__ import annotations

import math

import numpy as np
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

__all__ = [
    "DEFAULT_RELATIVE_MDE",
    "PowerInputError",
    "comparison_alpha",
    "minimum_detectable_effect",
    "recipients_still_needed",
    "sample_size_per_variant",
    "sample_size_per_variant_for_mean",
]

# The lift to plan for when an experiment shows none yet: 10 % relative is a common "worth knowing" size.
DEFAULT_RELATIVE_MDE = 0.10


class PowerInputError(ValueError):
    """A power question that has no answer (rate outside 0–1, zero effect, too few variants)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_common(alpha: float, power: float, variants: int) -> None:
    if not 0 < alpha < 1:
        raise PowerInputError(f"alpha must be between 0 and 1 (got {alpha}); 0.05 is usual")
    if not 0 < power < 1:
        raise PowerInputError(f"power must be between 0 and 1 (got {power}); 0.8 is usual")
    if int(variants) != variants or variants < 2:
        raise PowerInputError(f"variants counts the control too, so it must be a whole number ≥ 2 (got {variants})")


def _check_rate(baseline_rate: float) -> None:
    if not 0 < baseline_rate < 1:
        raise PowerInputError(f"baseline rate must be strictly between 0 and 1 (got {baseline_rate}); "
                              "give it as a fraction, e.g. 0.05 for 5 %")


def comparison_alpha(alpha: float, variants: int) -> float:
    """The per-comparison significance level: Bonferroni over the `variants - 1` comparisons with control."""
    return alpha / max(variants - 1, 1)


def _target_rate(baseline_rate: float, effect: float, relative: bool) -> float:
    if effect == 0 or not np.isfinite(effect):
        raise PowerInputError("minimum detectable effect must be a non-zero number (e.g. 0.1 for a 10 % lift)")
    target = baseline_rate * (1 + effect) if relative else baseline_rate + effect
    if not 0 < target < 1:
        raise PowerInputError(f"a baseline of {baseline_rate} with an effect of {effect} "
                              f"({'relative' if relative else 'absolute'}) gives a rate of {target:.4g}, "
                              "outside 0–1; choose a smaller effect")
    return target


def sample_size_per_variant(baseline_rate: float, minimum_detectable_effect: float, *, relative: bool = True,
                            alpha: float = 0.05, power: float = 0.8, variants: int = 2) -> int:
    """Recipients needed in EACH variant (control included) to detect the effect on a rate.

    `minimum_detectable_effect` is relative to the baseline (0.1 = a 10 % lift) unless
    `relative=False`, when it is in absolute rate units (0.01 = one percentage point). The
    result is rounded up. For `variants > 2` alpha is Bonferroni-adjusted (see module docstring).
    """
    _check_common(alpha, power, variants)
    _check_rate(baseline_rate)
    target = _target_rate(baseline_rate, minimum_detectable_effect, relative)
    effect_size = abs(proportion_effectsize(target, baseline_rate))
    n = NormalIndPower().solve_power(effect_size=effect_size, alpha=comparison_alpha(alpha, variants), power=power,
                                     ratio=1.0, alternative="two-sided")
    return math.ceil(float(n))


def sample_size_per_variant_for_mean(baseline_mean: float, standard_deviation: float,
                                     minimum_detectable_effect: float, *, relative: bool = True, alpha: float = 0.05,
                                     power: float = 0.8, variants: int = 2) -> int:
    """Recipients needed in each variant to detect a change in a mean (e.g. revenue per recipient).

    The effect is relative to `baseline_mean` unless `relative=False`; `standard_deviation` is the
    per-recipient spread (use the control's). Solved with a two-sample t-test (Cohen's d).
    """
    _check_common(alpha, power, variants)
    if not (np.isfinite(standard_deviation) and standard_deviation > 0):
        raise PowerInputError(f"standard deviation must be a positive number (got {standard_deviation})")
    difference = baseline_mean * minimum_detectable_effect if relative else minimum_detectable_effect
    if difference == 0 or not np.isfinite(difference):
        raise PowerInputError("minimum detectable effect must give a non-zero difference in the mean")
    n = TTestIndPower().solve_power(effect_size=abs(difference) / standard_deviation,
                                    alpha=comparison_alpha(alpha, variants), power=power, ratio=1.0,
                                    alternative="two-sided")
    return math.ceil(float(n))


def minimum_detectable_effect(n_per_variant: int, baseline_rate: float, *, relative: bool = True,
                              alpha: float = 0.05, power: float = 0.8, variants: int = 2) -> float:
    """The smallest upward change in a rate that `n_per_variant` recipients per variant detect reliably.

    Returned relative to the baseline (0.1 = 10 % lift) or, with `relative=False`, in absolute rate
    units. Inverts Cohen's h: the detectable rate is sin²(asin(√p) + h/2). Returns NaN when even a
    rate of 100 % would not be detectable with this sample.
    """
    _check_common(alpha, power, variants)
    _check_rate(baseline_rate)
    if n_per_variant < 2:
        raise PowerInputError(f"need at least 2 recipients per variant (got {n_per_variant})")
    effect_size = NormalIndPower().solve_power(nobs1=n_per_variant, alpha=comparison_alpha(alpha, variants),
                                               power=power, ratio=1.0, alternative="two-sided")
    angle = math.asin(math.sqrt(baseline_rate)) + float(effect_size) / 2
    if angle >= math.pi / 2:
        return math.nan
    target = math.sin(angle) ** 2
    return target / baseline_rate - 1 if relative else target - baseline_rate


def recipients_still_needed(baseline: float, observed_relative_lift: float, n_per_variant: int, *,
                            standard_deviation: float | None = None, alpha: float = 0.05, power: float = 0.8,
                            comparisons: int = 1) -> tuple[float, int | None]:
    """(effect planned for, extra recipients per variant) for a running test that is not significant yet.

    Plans for the observed relative lift, or DEFAULT_RELATIVE_MDE when there is none (or when the
    observed lift would push a rate past 100 %). A rate when `standard_deviation` is None, else a
    mean with that per-recipient spread. "Significant" means after correcting for `comparisons`
    tests: the plan uses the Bonferroni level alpha / comparisons, a slightly conservative stand-in
    for Holm. The extra count is None when the baseline allows no answer (e.g. a 0 % rate).
    """
    effect = observed_relative_lift
    if not math.isfinite(effect) or effect == 0:
        effect = DEFAULT_RELATIVE_MDE
    if standard_deviation is None and not 0 < baseline * (1 + effect) < 1:
        effect = DEFAULT_RELATIVE_MDE
    level = alpha / max(comparisons, 1)
    try:
        if standard_deviation is None:
            needed = sample_size_per_variant(baseline, effect, alpha=level, power=power)
        else:
            needed = sample_size_per_variant_for_mean(baseline, standard_deviation, effect, alpha=level, power=power)
    except PowerInputError:
        return effect, None
    return effect, max(0, needed - n_per_variant)
