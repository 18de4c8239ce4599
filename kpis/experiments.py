"""A/B and A/B/n test results per segment, from one row per recipient.

Every variant is compared with the control inside each group (segment). Binary outcomes (0/1, e.g.
converted) use the two-proportion z-test (`proportions_ztest`, pooled variance) with Newcombe's
hybrid-score interval for the difference in rates and the log-adjusted interval for the ratio
(`confint_proportions_2indep`); the relative lift is ratio − 1. Numeric outcomes (e.g. revenue per
recipient) use Welch's t-test (`scipy.stats.ttest_ind(equal_var=False)`) with its interval for the
difference; the relative-lift interval comes from the delta method on the log of the ratio of
means, exp(log(m_v/m_c) ± z·√(s_v²/(n_v·m_v²) + s_c²/(n_c·m_c²))) − 1, which needs both means > 0.

p-values are Holm-adjusted across all variants and groups of one report, so reading many segments
does not multiply false alarms. Intervals are unadjusted (1 − alpha) intervals. Each group also
gets a sample-ratio-mismatch (SRM) check: a chi-square test of the observed recipients per variant
against the intended split; p < 0.001 means the assignment is broken and the group's results are
marked untrustworthy.

When a comparison is not significant the summary says how many more recipients per variant would
make the observed lift (or 10 % when none is observed) significant with 80 % power, planned at
the Bonferroni level alpha / (number of comparisons in the report) — see `kpis.power`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from kpis.power import DEFAULT_RELATIVE_MDE, recipients_still_needed

__all__ = [
    "DEFAULT_RELATIVE_MDE",
    "SRM_THRESHOLD",
    "WARNING_EARLY_STOPPING",
    "ExperimentInputError",
    "ExperimentReport",
    "SampleRatioCheck",
    "VariantResult",
    "analyse_experiment",
]

METRIC_KINDS = ("auto", "binary", "continuous")
SRM_THRESHOLD = 0.001
WARNING_EARLY_STOPPING = (
    "Decide on the sample size in advance; peeking and stopping at the first significant result "
    "inflates false positives."
)


class ExperimentInputError(ValueError):
    """Experiment data that cannot be analysed; the message names the column or value and the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SampleRatioCheck:
    """Recipients per variant in one group against the intended split (chi-square goodness of fit)."""

    group: str | None
    counts: dict[str, int]
    expected_shares: dict[str, float]
    p_value: float
    mismatch: bool
    message: str


@dataclass(frozen=True)
class VariantResult:
    """One variant against the control in one group: values, lifts with intervals, tests, a summary."""

    group: str | None
    variant: str
    control: str
    metric: str
    metric_kind: str
    n_control: int
    n_variant: int
    control_value: float
    variant_value: float
    absolute_lift: float
    absolute_ci_low: float
    absolute_ci_high: float
    relative_lift: float
    relative_ci_low: float
    relative_ci_high: float
    p_value: float
    adjusted_p_value: float
    significant: bool
    srm_p_value: float
    trustworthy: bool
    planned_effect: float
    additional_per_variant: int | None
    summary: str


@dataclass(frozen=True)
class ExperimentReport:
    """All comparisons of one experiment, the SRM check per group, and notes about dropped rows."""

    variant_column: str
    control: str
    metric: str
    metric_kind: str
    by: str | None
    alpha: float
    results: tuple[VariantResult, ...]
    sample_ratio_checks: tuple[SampleRatioCheck, ...]
    notes: tuple[str, ...] = ()
    correction: str = "holm"
    warning_early_stopping: str = field(default=WARNING_EARLY_STOPPING)

    def to_frame(self) -> pd.DataFrame:
        """One row per (group, variant) with every field of VariantResult."""
        columns = list(VariantResult.__dataclass_fields__)
        return pd.DataFrame([asdict(result) for result in self.results], columns=columns)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict: NaN becomes None, results are under "rows"."""
        body = {name: getattr(self, name) for name in ("variant_column", "control", "metric", "metric_kind", "by",
                                                       "alpha", "correction", "warning_early_stopping")}
        body["notes"] = list(self.notes)
        body["rows"] = [_json_ready(asdict(result)) for result in self.results]
        body["sample_ratio_checks"] = [_json_ready(asdict(check)) for check in self.sample_ratio_checks]
        return body


def _json_ready(record: dict[str, object]) -> dict[str, object]:
    return {key: (None if isinstance(value, float) and not math.isfinite(value) else value)
            for key, value in record.items()}


def _labels(series: pd.Series) -> pd.Series:
    """Column values as text labels; whole floats lose their ".0" (1.0 → "1") so `--control 1` matches."""
    if pd.api.types.is_float_dtype(series):
        finite = series.dropna()
        if (finite == finite.round()).all():
            series = series.astype("Int64")
    return series.astype("string")


def _metric_values(frame: pd.DataFrame, metric: str) -> pd.Series:
    column = frame[metric]
    if pd.api.types.is_bool_dtype(column):
        return column.astype("float64")
    if not pd.api.types.is_numeric_dtype(column):
        converted = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & converted.isna()
        if bad.any():
            example = column[bad].iloc[0]
            raise ExperimentInputError(f"metric column {metric!r} must hold numbers (0/1 for a conversion, an amount "
                                       f"for revenue), but has {example!r} in {int(bad.sum()):,} rows")
        column = converted
    values = column.astype("float64")
    if np.isinf(values).any():
        raise ExperimentInputError(f"metric column {metric!r} contains infinite values; remove or fix those rows")
    return values


def _check_columns(frame: pd.DataFrame, names: list[str]) -> None:
    for name in names:
        if name not in frame.columns:
            raise ExperimentInputError(f"column {name!r} is not in the data; columns are: "
                                       f"{', '.join(map(str, frame.columns))}")


def _metric_kind(values: pd.Series, requested: str, metric: str) -> str:
    if requested not in METRIC_KINDS:
        raise ExperimentInputError(f"metric_kind must be one of {', '.join(METRIC_KINDS)} (got {requested!r})")
    is_binary = bool(values.isin([0.0, 1.0]).all())
    if requested == "binary" and not is_binary:
        raise ExperimentInputError(f"metric column {metric!r} is not 0/1, so it cannot be analysed as a conversion; "
                                   "use metric_kind='continuous'")
    if requested == "auto":
        return "binary" if is_binary else "continuous"
    return requested


def _expected_shares(levels: list[str], intended_split: Mapping[str, float] | None) -> dict[str, float]:
    if intended_split is None:
        return {level: 1 / len(levels) for level in levels}
    split = {str(key): float(value) for key, value in intended_split.items()}
    unknown = [level for level in levels if level not in split]
    if unknown:
        raise ExperimentInputError(f"intended split has no share for variant {unknown[0]!r}; "
                                   f"give a share for each of: {', '.join(levels)}")
    if any(not (math.isfinite(share) and share > 0) for share in split.values()):
        raise ExperimentInputError("every share in the intended split must be a positive number")
    total = sum(split.values())
    return {level: share / total for level, share in split.items()}


def _srm_check(group: str | None, counts: dict[str, int], shares: dict[str, float]) -> SampleRatioCheck:
    observed = np.array([counts.get(level, 0) for level in shares], dtype="float64")
    expected = observed.sum() * np.array(list(shares.values()))
    p_value = float(stats.chisquare(observed, expected).pvalue)
    mismatch = p_value < SRM_THRESHOLD
    where = f"group {group!r}" if group is not None else "the experiment"
    split = ", ".join(f"{level} {int(count):,}" for level, count in zip(shares, observed, strict=True))
    if mismatch:
        message = (f"Sample ratio mismatch in {where} ({split}; {_p_text(p_value)}): recipients were not "
                   "split as intended, so these results are untrustworthy; check the assignment and the data export.")
    else:
        message = f"Split in {where} matches the intended one ({split}; {_p_text(p_value)})."
    return SampleRatioCheck(group, {level: int(counts.get(level, 0)) for level in shares}, dict(shares), p_value,
                            mismatch, message)


def _binary_comparison(control: np.ndarray, variant: np.ndarray, alpha: float) -> dict[str, float]:
    n_c, n_v = len(control), len(variant)
    x_c, x_v = float(control.sum()), float(variant.sum())
    rate_c, rate_v = x_c / n_c, x_v / n_v
    # Nobody (or everybody) converted in both arms: the z statistic is 0/0 and there is no evidence of a difference.
    varies = 0 < x_c + x_v < n_c + n_v
    p_value = float(proportions_ztest([x_v, x_c], [n_v, n_c])[1]) if varies else 1.0
    diff_low, diff_high = confint_proportions_2indep(x_v, n_v, x_c, n_c, method="newcombe", compare="diff",
                                                     alpha=alpha)
    relative = rel_low = rel_high = math.nan
    if x_c > 0:
        ratio_low, ratio_high = confint_proportions_2indep(x_v, n_v, x_c, n_c, compare="ratio", alpha=alpha)
        relative, rel_low, rel_high = rate_v / rate_c - 1, float(ratio_low) - 1, float(ratio_high) - 1
    return {"control_value": rate_c, "variant_value": rate_v, "absolute_lift": rate_v - rate_c,
            "absolute_ci_low": float(diff_low), "absolute_ci_high": float(diff_high), "relative_lift": relative,
            "relative_ci_low": rel_low, "relative_ci_high": rel_high, "p_value": p_value}


def _continuous_comparison(control: np.ndarray, variant: np.ndarray, alpha: float) -> dict[str, float]:
    mean_c, mean_v = float(control.mean()), float(variant.mean())
    var_c, var_v = float(control.var(ddof=1)), float(variant.var(ddof=1))
    if var_c == 0 and var_v == 0:  # constant outcomes: the t statistic is undefined
        p_value, low, high = (1.0 if mean_c == mean_v else 0.0), mean_v - mean_c, mean_v - mean_c
    else:
        test = stats.ttest_ind(variant, control, equal_var=False)
        interval = test.confidence_interval(confidence_level=1 - alpha)
        p_value, low, high = float(test.pvalue), float(interval.low), float(interval.high)
    relative = rel_low = rel_high = math.nan
    if mean_c > 0:
        relative = mean_v / mean_c - 1
    if mean_c > 0 and mean_v > 0:
        log_se = math.sqrt(var_v / (len(variant) * mean_v**2) + var_c / (len(control) * mean_c**2))
        z = float(stats.norm.ppf(1 - alpha / 2))
        rel_low, rel_high = math.expm1(math.log1p(relative) - z * log_se), math.expm1(math.log1p(relative) + z * log_se)
    return {"control_value": mean_c, "variant_value": mean_v, "absolute_lift": mean_v - mean_c,
            "absolute_ci_low": low, "absolute_ci_high": high, "relative_lift": relative,
            "relative_ci_low": rel_low, "relative_ci_high": rel_high, "p_value": p_value}


def _percent(value: float) -> str:
    shown = round(abs(value) * 100, 1)  # round first so 9.99…% reads "10%", not "10.0%"
    return f"{shown:,.0f}%" if shown >= 10 else f"{shown:.1f}%"


def _signed_percent(value: float) -> str:
    return ("−" if value < 0 else "") + _percent(value)


def _p_text(p_value: float) -> str:
    """"p = 0.004" or "p < 0.001"."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _summary(result: dict[str, object], alpha: float) -> str:
    """The plain-words reading of one comparison, prefixed with its group when there are groups."""
    text = _plain_summary(result, alpha)
    return text if result["group"] is None else f"{result['group']}: {text}"


def _plain_summary(result: dict[str, object], alpha: float) -> str:
    variant, control, metric = result["variant"], result["control"], result["metric"]
    relative, p_adjusted = result["relative_lift"], result["adjusted_p_value"]
    if not math.isfinite(p_adjusted):
        return (f"Not enough data to compare {variant} with {control}: each needs at least 2 recipients "
                f"(have {result['n_variant']} and {result['n_control']}).")
    level = f"{(1 - alpha) * 100:g}% CI"
    if math.isfinite(relative):
        low, high = _signed_percent(result["relative_ci_low"]), _signed_percent(result["relative_ci_high"])
        interval = f"{level} {low} to {high}"
        if result["metric_kind"] == "binary":
            direction = "better" if relative >= 0 else "worse"
            claim = f"{variant} converts {_percent(relative)} {direction} than {control} on {metric}"
        else:
            direction = "more" if relative >= 0 else "less"
            claim = f"{variant} brings {_percent(relative)} {direction} {metric} per recipient than {control}"
    else:
        claim = f"{variant} differs from {control} by {result['absolute_lift']:+.4g} in {metric}"
        interval = f"{level} {result['absolute_ci_low']:+.4g} to {result['absolute_ci_high']:+.4g}"
    p_part = f"{_p_text(p_adjusted)} after correction"
    if result["significant"]:
        text = f"Variant {claim} ({interval}), {p_part}."
    else:
        more = result["additional_per_variant"]
        if more is None:
            need = "the sample needed cannot be estimated from this control"
        elif more == 0:
            need = "the sample is already large enough to detect a difference of that size 80% of the time, " \
                   "so the true difference is probably smaller"
        else:
            need = f"about {more:,} more recipients per variant needed to detect a " \
                   f"{_percent(result['planned_effect'])} difference"
        text = f"No reliable difference yet between {variant} and {control} ({claim}, {interval}, {p_part}); {need}."
    if not result["trustworthy"]:
        text = f"Untrustworthy (sample ratio mismatch, {_p_text(result['srm_p_value'])}): {text}"
    return text


def analyse_experiment(frame: pd.DataFrame, variant_column: str, control: str, metric: str, *,
                       by: str | None = None, alpha: float = 0.05, metric_kind: str = "auto",
                       intended_split: Mapping[str, float] | None = None) -> ExperimentReport:
    """Compare every variant with `control` on `metric`, per group of `by` (or overall).

    `frame` holds one row per recipient: the assigned variant, the outcome (0/1 or a number) and
    optionally a group column. Rows with an empty variant, outcome or group are left out (and
    counted in `notes`). `intended_split` maps variant → share (default: equal). Raises
    ExperimentInputError naming the column or value when the data cannot be analysed.
    """
    if not 0 < alpha < 1:
        raise ExperimentInputError(f"alpha must be between 0 and 1 (got {alpha}); 0.05 is usual")
    _check_columns(frame, [variant_column, metric] + ([by] if by is not None else []))
    variants = _labels(frame[variant_column])
    values = _metric_values(frame, metric)
    groups = _labels(frame[by]) if by is not None else pd.Series("all", index=frame.index, dtype="string")
    keep = variants.notna() & values.notna() & groups.notna()
    notes = tuple(f"{int(count):,} rows with an empty {name!r} were left out" for name, count in
                  ((variant_column, variants.isna().sum()), (metric, values.isna().sum()),
                   (by, groups.isna().sum())) if count)
    variants, values, groups = variants[keep], values[keep], groups[keep]
    levels = sorted(variants.unique().tolist())
    control = str(control)
    if control not in levels:
        shown = ", ".join(levels[:20]) or "(none: no row has both a variant and an outcome)"
        raise ExperimentInputError(f"control {control!r} is not a value of column {variant_column!r}; "
                                   f"values are: {shown}")
    if len(levels) < 2:
        raise ExperimentInputError(f"column {variant_column!r} has only the control {control!r}; "
                                   "an experiment needs at least one other variant")
    kind = _metric_kind(values, metric_kind, metric)
    shares = _expected_shares(levels, intended_split)
    outcome = values.to_numpy()
    cells = pd.DataFrame({"group": groups, "variant": variants}).groupby(["group", "variant"], sort=True).indices
    compare = _binary_comparison if kind == "binary" else _continuous_comparison
    rows, checks = [], []
    group_labels = sorted({group for group, _ in cells})
    comparisons = len(group_labels) * (len(levels) - 1)
    for group in group_labels:
        arrays = {variant: outcome[cells[(group, variant)]] for variant in levels if (group, variant) in cells}
        label = group if by is not None else None
        check = _srm_check(label, {variant: len(array) for variant, array in arrays.items()}, shares)
        checks.append(check)
        control_values = arrays.get(control, np.empty(0))
        for variant in (level for level in levels if level != control):
            variant_values = arrays.get(variant, np.empty(0))
            row = {"group": label, "variant": variant, "control": control, "metric": metric, "metric_kind": kind,
                   "n_control": len(control_values), "n_variant": len(variant_values),
                   "srm_p_value": check.p_value, "trustworthy": not check.mismatch}
            if len(control_values) >= 2 and len(variant_values) >= 2:
                comparison = compare(control_values, variant_values, alpha)
                smallest_arm = min(len(control_values), len(variant_values))
                spread = None if kind == "binary" else float(control_values.std(ddof=1))
                effect, more = recipients_still_needed(comparison["control_value"], comparison["relative_lift"],
                                                       smallest_arm, standard_deviation=spread, alpha=alpha,
                                                       comparisons=comparisons)
                comparison |= {"planned_effect": effect, "additional_per_variant": more}
            else:
                comparison = dict.fromkeys(("control_value", "variant_value", "absolute_lift", "absolute_ci_low",
                                            "absolute_ci_high", "relative_lift", "relative_ci_low",
                                            "relative_ci_high", "p_value", "planned_effect"), math.nan)
                comparison["additional_per_variant"] = None
            rows.append(row | comparison)
    _holm(rows, alpha)
    results = tuple(VariantResult(**row, summary=_summary(row, alpha)) for row in rows)
    return ExperimentReport(variant_column, control, metric, kind, by, alpha, results, tuple(checks), notes)


def _holm(rows: list[dict[str, object]], alpha: float) -> None:
    """Fill adjusted_p_value and significant in place; comparisons without a p-value stay NaN / False.

    Holm's step-down adjustment, written out (the tests check it equals statsmodels'
    `multipletests(method="holm")`) because that function runs a full `gc.collect()` on every
    call, which costs a tenth of a second or more in a long-running app.
    """
    for row in rows:
        row["adjusted_p_value"], row["significant"] = math.nan, False
    tested = [index for index, row in enumerate(rows) if math.isfinite(row["p_value"])]
    if not tested:
        return
    p_values = np.array([rows[index]["p_value"] for index in tested], dtype="float64")
    order = np.argsort(p_values, kind="stable")
    factors = len(p_values) - np.arange(len(p_values))  # m, m-1, …, 1 for the smallest to the largest p
    adjusted = np.empty_like(p_values)
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(factors * p_values[order]))
    for index, p_adjusted in zip(tested, adjusted, strict=True):
        rows[index]["adjusted_p_value"] = float(p_adjusted)
        rows[index]["significant"] = bool(p_adjusted < alpha)
