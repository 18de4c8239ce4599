"""Rank segments on one KPI, with a 95 % interval per segment and a recommendation in plain words.

Intervals (column `ci_method`):
- "wilson": rates (opens / delivered, …) get the Wilson score interval of the summed counts
  (statsmodels `proportion_confint(method="wilson")`), treating recipients as independent.
- "t": per-recipient or per-order means from aggregated data (revenue per recipient, average order
  value). Aggregated results carry no per-recipient spread, so the segment's result rows (weeks,
  campaigns, variants) are the sampling units: the ratio estimator Σy/Σx with its linearised
  variance n/(n−1)·Σ(yᵢ − R·xᵢ)²/(Σx)² and a t quantile with n − 1 degrees of freedom; the
  lower end is clipped at 0 because these amounts cannot be negative.
- "bootstrap": ratios of money (ROI, cost per acquisition) resample the segment's rows with
  replacement (BOOTSTRAP_SAMPLES times, seeded) and take the percentile interval of the ratio of sums.
- "normal": NPS, with the multinomial variance (p₊ + p₋ − (p₊ − p₋)²) / n.
- "none": totals (sent, revenue, cost) are counts, not estimates, and have no interval.
"t" and "bootstrap" need at least MIN_ROWS rows per segment; with fewer the interval is missing.

Recommendations (first that applies): "too few sends to judge" (fewer than `min_sent` sends; ranked
last); "retire" (the weakest segment, its interval clearly on the wrong side of the median segment's
value, and ROI below zero); "shift budget here" (the best segment, its interval clearly on the right
side of the median); "merge with <segment>" (an overlap table gives Jaccard > 0.5 with it);
"refine the message" (opens at least as well as the median segment but clicks or converts clearly
less); otherwise "keep testing". The `reason` column says why in one sentence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from kpis.registry import KPI, RESULT_COLUMNS, SURVEY_COLUMNS, format_kpi_value, kpi

__all__ = ["BOOTSTRAP_SAMPLES", "MERGE_JACCARD", "MIN_ROWS", "RECOMMENDATIONS", "RankingInputError", "rank_segments"]

BOOTSTRAP_SAMPLES = 2000
MIN_ROWS = 3
MERGE_JACCARD = 0.5
_MAX_CLUSTERS = 500  # rows beyond this are pooled into this many clusters before bootstrapping
RECOMMENDATIONS = ("shift budget here", "refine the message", "merge with <segment>", "retire", "keep testing",
                   "too few sends to judge")
_BOOTSTRAPPED = {"roi": ("_roi_gain", "cost"), "cpa": ("cost", "conversions")}


class RankingInputError(ValueError):
    """Data segments cannot be ranked on (missing column, bad parameter); the message names the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _method(definition: KPI) -> str:
    if definition.key in _BOOTSTRAPPED:
        return "bootstrap"
    if definition.key == "nps":
        return "normal"
    if definition.compute is not None or definition.denominator is None:
        return "none"
    return "wilson" if definition.unit == "%" else "t"


def _wilson(numerator: pd.Series, denominator: pd.Series, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    count, nobs = numerator.to_numpy(dtype="float64"), denominator.to_numpy(dtype="float64")
    valid = nobs > 0
    low, high = np.full(len(count), np.nan), np.full(len(count), np.nan)
    if valid.any():  # clicks can exceed opens (image blocking): cap the count so the interval stays defined
        low[valid], high[valid] = proportion_confint(np.minimum(count[valid], nobs[valid]), nobs[valid], alpha=alpha,
                                                     method="wilson")
    return low, high


def rate_interval(rows: pd.DataFrame, kpi_key: str, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson interval of a rate KPI over all ``rows`` (None for non-rate KPIs or without data)."""
    definition = kpi(kpi_key)
    if definition.unit != "%" or not definition.numerator or definition.denominator not in rows:
        return None
    low, high = _wilson(pd.Series([rows[definition.numerator].sum()]), pd.Series([rows[definition.denominator].sum()]),
                        1 - confidence)
    return None if np.isnan(low[0]) else (float(low[0]), float(high[0]))


def _ratio_t(rows: pd.DataFrame, by: str, top: str, bottom: str, alpha: float) -> tuple[pd.Series, pd.Series]:
    """Ratio-estimator t-interval with the segment's rows as sampling units."""
    groups = rows.groupby(by, observed=True, sort=True)
    sums = groups[[top, bottom]].sum()
    ratio = sums[top] / sums[bottom].where(sums[bottom] > 0)
    residual = rows[top] - rows[by].map(ratio).astype("float64") * rows[bottom]
    spread = (residual**2).groupby(rows[by], observed=True).sum()
    n = groups.size()
    se = np.sqrt(n / (n - 1).where(n > 1) * spread) / sums[bottom].where(sums[bottom] > 0)
    quantile = pd.Series(stats.t.ppf(1 - alpha / 2, (n - 1).clip(lower=1)), index=n.index)
    usable = n >= MIN_ROWS
    low = (ratio - quantile * se).clip(lower=0)  # a mean of amounts ≥ 0 cannot be negative
    return low.where(usable), (ratio + quantile * se).where(usable)


def _bootstrap(rows: pd.DataFrame, by: str, top: str, bottom: str, alpha: float,
               seed: int) -> tuple[pd.Series, pd.Series]:
    """Percentile interval of Σtop/Σbottom, resampling each segment's rows (a loop over segments, not rows)."""
    rng = np.random.default_rng(seed)
    low, high = {}, {}
    for label, part in rows.groupby(by, observed=True, sort=True):
        y, x = part[top].to_numpy(dtype="float64"), part[bottom].to_numpy(dtype="float64")
        if len(y) > _MAX_CLUSTERS:  # pool rows into clusters so the resample matrix stays small
            cluster = np.arange(len(y)) % _MAX_CLUSTERS
            y, x = np.bincount(cluster, y), np.bincount(cluster, x)
        if len(y) < MIN_ROWS:
            low[label] = high[label] = np.nan
            continue
        picks = rng.integers(0, len(y), size=(BOOTSTRAP_SAMPLES, len(y)))
        bottoms = x[picks].sum(axis=1)
        ratios = y[picks].sum(axis=1)[bottoms > 0] / bottoms[bottoms > 0]
        low[label], high[label] = (np.quantile(ratios, [alpha / 2, 1 - alpha / 2]) if len(ratios)
                                   else (np.nan, np.nan))
    return pd.Series(low, dtype="float64"), pd.Series(high, dtype="float64")


def _nps_interval(sums: pd.DataFrame, alpha: float) -> tuple[pd.Series, pd.Series]:
    responses = sums["nps_responses"].where(sums["nps_responses"] > 0)
    promoters, detractors = sums["promoters"] / responses, sums["detractors"] / responses
    score = promoters - detractors
    half = stats.norm.ppf(1 - alpha / 2) * np.sqrt((promoters + detractors - score**2).clip(lower=0) / responses)
    return 100 * (score - half), 100 * (score + half)


def _intervals(rows: pd.DataFrame, sums: pd.DataFrame, definition: KPI, by: str, alpha: float,
               seed: int) -> tuple[pd.Series, pd.Series]:
    method = _method(definition)
    empty = pd.Series(np.nan, index=sums.index)
    if any(name not in sums.columns for name in definition.inputs):
        return empty, empty
    if method == "wilson":
        low, high = _wilson(sums[definition.numerator], sums[definition.denominator], alpha)
        return pd.Series(low, index=sums.index), pd.Series(high, index=sums.index)
    if method == "t":
        return _ratio_t(rows, by, definition.numerator, definition.denominator, alpha)
    if method == "bootstrap":
        top, bottom = _BOOTSTRAPPED[definition.key]
        if bottom not in rows.columns:
            return empty, empty
        return _bootstrap(rows, by, top, bottom, alpha, seed)
    if method == "normal":
        return _nps_interval(sums, alpha)
    return empty, empty


def _merge_partners(overlap: pd.DataFrame | None, labels: list[str]) -> dict[str, tuple[str, float]]:
    if overlap is None:
        return {}
    missing = [name for name in ("a", "b", "jaccard") if name not in overlap.columns]
    if missing:
        raise RankingInputError(f"the overlap table needs columns a, b and jaccard (as from "
                                f"segmentation.overlap.overlap_matrix); {missing[0]!r} is missing")
    pairs = overlap.assign(a=overlap["a"].astype("str"), b=overlap["b"].astype("str"))
    pairs = pairs[(pairs["a"] != pairs["b"]) & pairs["a"].isin(labels) & pairs["b"].isin(labels)
                  & (pairs["jaccard"] > MERGE_JACCARD)]
    best = pairs.sort_values(["jaccard", "b"], ascending=[False, True]).drop_duplicates("a")
    return {row.a: (row.b, float(row.jaccard)) for row in best.itertuples()}


def _interval_text(definition: KPI, low: float, high: float) -> str:
    return f"95% CI {format_kpi_value(definition, low)} to {format_kpi_value(definition, high)}"


def rank_segments(aggregated: pd.DataFrame, kpi_key: str, *, by: str = "segment", min_sent: int = 500,
                  overlap: pd.DataFrame | None = None, confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Segments ranked best-first on one KPI, with value, interval, rank, recommendation and reason.

    `aggregated` holds result rows (several per segment — weeks, variants — give the "t" and
    "bootstrap" intervals something to work with). Segments with fewer than `min_sent` sends are
    ranked after all others. `overlap` (a, b, jaccard per pair, e.g. `overlap_matrix` output) enables
    "merge with <segment>". Columns: the `by` column, sent, value, ci_low, ci_high, ci_method, roi,
    rank, recommendation, reason. See the module docstring for the interval methods and the rules.
    """
    definition = kpi(kpi_key)
    if not 0 < confidence < 1:
        raise RankingInputError(f"confidence must be between 0 and 1 (got {confidence}); 0.95 is usual")
    for name in (by, "sent"):
        if name not in aggregated.columns:
            raise RankingInputError(f"ranking segments needs a {name!r} column; the results have: "
                                    f"{', '.join(map(str, aggregated.columns))}")
    alpha = 1 - confidence
    present = [name for name in (*RESULT_COLUMNS, *SURVEY_COLUMNS) if name in aggregated.columns]
    for name in present:
        if not (pd.api.types.is_numeric_dtype(aggregated[name]) or pd.api.types.is_bool_dtype(aggregated[name])):
            raise RankingInputError(f"column {name!r} must hold numbers; validate the file with "
                                    "kpis.results.validate_results first")
    rows = aggregated[present].astype("float64").assign(**{by: aggregated[by].astype("str")})
    if {"revenue", "cost"} <= set(present):
        rows["_roi_gain"] = rows["revenue"] - rows["cost"]
    sums = rows.groupby(by, observed=True, sort=True)[[*present]].sum()
    values = {key: kpi(key).evaluate(sums) for key in (kpi_key, "open_rate", "click_to_open", "conversion_rate", "roi")}
    low, high = _intervals(rows, sums, definition, by, alpha, seed)
    table = pd.DataFrame({by: sums.index, "sent": sums["sent"].round().astype("int64").to_numpy(),
                          "value": values[kpi_key].to_numpy(), "ci_low": low.reindex(sums.index).to_numpy(),
                          "ci_high": high.reindex(sums.index).to_numpy(), "ci_method": _method(definition),
                          "roi": values["roi"].to_numpy()})
    engagement = {name: values[name].to_numpy() for name in ("open_rate", "click_to_open", "conversion_rate")}
    engagement_high = {"click_to_open": _wilson(sums.get("clicks", sums["sent"] * np.nan),
                                                sums.get("opens", sums["sent"] * np.nan), alpha)[1],
                       "conversion_rate": _wilson(sums.get("conversions", sums["sent"] * np.nan),
                                                  sums.get("delivered", sums["sent"] * np.nan), alpha)[1]}

    eligible = (table["sent"] >= min_sent).to_numpy()
    valued = eligible & np.isfinite(table["value"].to_numpy())
    direction = 1 if definition.higher_is_better else -1
    table["_order"] = np.where(valued, 0, np.where(eligible, 1, 2))
    table["_score"] = -direction * table["value"]
    table = table.assign(**{f"_{name}": values for name, values in engagement.items()},
                         **{f"_{name}_high": values for name, values in engagement_high.items()})
    table = table.sort_values(["_order", "_score", by], na_position="last", kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    judged = table[table["_order"] == 0]
    median = float(judged["value"].median()) if len(judged) else np.nan
    medians = {name: float(judged[f"_{name}"].median()) if len(judged) else np.nan for name in engagement}
    partners = _merge_partners(overlap, table[by].tolist())
    decisions = [_decide(row, definition, by, min_sent, median, medians, partners,
                         best=index == 0 and len(judged) > 1, worst=index == len(judged) - 1 and len(judged) > 1)
                 for index, row in enumerate(table.to_dict("records"))]
    table["recommendation"] = [decision for decision, _ in decisions]
    table["reason"] = [reason for _, reason in decisions]
    return table[[by, "sent", "value", "ci_low", "ci_high", "ci_method", "roi", "rank", "recommendation", "reason"]]


def _decide(row: dict, definition: KPI, by: str, min_sent: int, median: float, medians: dict[str, float],
            partners: dict[str, tuple[str, float]], *, best: bool, worst: bool) -> tuple[str, str]:
    """The recommendation and its one-sentence reason for one ranked segment."""
    label, value, low, high = definition.label.lower(), row["value"], row["ci_low"], row["ci_high"]
    if row["sent"] < min_sent:
        return "too few sends to judge", (f"only {row['sent']:,.0f} sends; at least {min_sent:,} are needed "
                                          "before this segment is compared")
    if not np.isfinite(value):
        needs = ", ".join(definition.inputs) or "per-customer data"
        return "keep testing", f"no {label} yet: it needs {needs} with a non-zero denominator"
    shown, middle = format_kpi_value(definition, value), format_kpi_value(definition, median)
    has_interval = np.isfinite(low) and np.isfinite(high)
    above, below = (low > median, high < median) if has_interval else (False, False)
    better, worse = (above, below) if definition.higher_is_better else (below, above)
    interval = _interval_text(definition, low, high) if has_interval else "no interval"
    roi = row["roi"]
    if worst and worse and np.isfinite(roi) and roi < 0:
        return "retire", (f"the weakest {label} ({shown}, {interval}), clearly worse than the median segment's "
                          f"{middle}, and it loses money (ROI {roi * 100:,.0f} %)")
    if best and better:
        return "shift budget here", (f"the best {label} ({shown}, {interval}), clearly better than the median "
                                     f"segment's {middle}")
    if row[by] in partners:
        partner, jaccard = partners[row[by]]
        return f"merge with {partner}", (f"shares most of its customers with {partner} (Jaccard {jaccard:.2f}), "
                                         "so campaigns to both compete for the same people")
    opens_ok = np.isfinite(row["_open_rate"]) and row["_open_rate"] >= medians["open_rate"]
    weak = [words for name, words in (("click_to_open", "click-to-open rate"), ("conversion_rate", "conversion rate"))
            if row[f"_{name}_high"] < medians[name]]
    if opens_ok and weak:
        verb = "are" if len(weak) > 1 else "is"
        return "refine the message", (f"opens at least as well as the median segment but its {' and '.join(weak)} "
                                      f"{verb} clearly lower: the subject line works, the message or offer does not")
    if not has_interval:
        why = ("totals have no interval; rank on a rate or a per-recipient KPI for advice"
               if _method(definition) == "none" else f"fewer than {MIN_ROWS} result rows to estimate the spread")
        return "keep testing", f"{label} {shown} but no interval ({why})"
    if not (better or worse):
        return "keep testing", (f"{label} {shown} ({interval}) overlaps the median segment's {middle}: "
                                "too uncertain to act on")
    side = "better" if better else "worse"
    if worst and worse:
        money = (f"it still earns more than it costs (ROI {roi * 100:,.0f} %)" if np.isfinite(roi)
                 else "without revenue and cost its ROI is unknown")
        extreme = f"the weakest, but {money}"
    else:
        extreme = "not the best" if better else "not the weakest"
    return "keep testing", (f"{label} {shown} ({interval}) is clearly {side} than the median segment's {middle}, "
                            f"{extreme}; keep testing messages and offers")
