"""Deterministic demo campaign results for the demo customers, so the KPI pages have something to say.

Every customer in a segment receives one message of a rolling campaign: a send week drawn from
`weeks` consecutive weeks and a variant drawn with equal shares. Outcomes follow a chain
delivered → opened → clicked → converted, with rates taken from one of six segment *profiles*
(a strong segment, a steady one, one that opens but does not click, a costly one that loses
money, a cheap bargain one, a promising newcomer), so segments genuinely differ in open, click and
conversion rates, revenue per conversion and cost per send. Variant B (and further variants)
carry a true relative lift in click-through in every other segment and none in the rest; open
rates drift week by week per profile, so trends exist. `segment_profiles` returns the planted
truth so a test or a tutorial can check what the analysis recovers.

The aggregated table is the per-customer table summed by campaign × message × variant × segment ×
week (`kpis.results.aggregate_outcomes`), so both give identical KPIs.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpis.results import aggregate_outcomes

__all__ = ["DemoResultsError", "default_segments", "generate_demo_results", "segment_profiles"]

# open rate, click-to-open, conversion per click, revenue per conversion (€), cost per send (€),
# unsubscribe rate, weekly open-rate drift.
_PROFILES = pd.DataFrame(
    [("strong", 0.42, 0.22, 0.30, 95.0, 0.10, 0.002, 0.015),
     ("steady", 0.30, 0.14, 0.20, 60.0, 0.12, 0.003, 0.0),
     ("opens but does not click", 0.40, 0.04, 0.08, 55.0, 0.15, 0.004, -0.005),
     ("costly", 0.16, 0.08, 0.10, 40.0, 0.45, 0.008, -0.03),
     ("bargain", 0.24, 0.12, 0.18, 30.0, 0.08, 0.003, 0.005),
     ("promising newcomer", 0.22, 0.16, 0.22, 70.0, 0.20, 0.004, 0.025)],
    columns=["profile", "open_rate", "click_to_open", "conversion_per_click", "revenue_per_conversion",
             "cost_per_send", "unsubscribe_rate", "weekly_open_drift"],
)
TRUE_LIFT = 0.5  # relative lift in click-to-open of the first non-control variant where a segment has one
_JITTER = 0.10  # each segment's rates vary ±10 % around its profile
_ORDER_VALUE_SPREAD = 0.45  # sigma of the log-normal order value around the segment's mean


class DemoResultsError(ValueError):
    """Arguments the demo results cannot be generated from (segment masks of the wrong length, no weeks)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_segments(customers: pd.DataFrame) -> dict[str, pd.Series]:
    """Segments from demo columns when the caller has none: loyalty tiers, else customer types, else everyone."""
    for column, suffix in (("loyalty_tier", " tier"), ("customer_type", " customers")):
        if column in customers.columns:
            values = customers[column].astype("str").str.strip().str.lower()
            levels = sorted(values.dropna().unique().tolist())
            if levels:
                return {f"{level.capitalize()}{suffix}": (values == level).fillna(False) for level in levels}
    return {"All customers": pd.Series(True, index=customers.index)}


def segment_profiles(segment_names: Sequence[str], *, seed: int = 7,
                     variants: Sequence[str] = ("A", "B")) -> pd.DataFrame:
    """The planted truth per segment: profile, rates, money, drift and the relative lift of each variant.

    Profiles are dealt to the segments in a seeded order (every profile once before any repeats);
    segments at even positions (0, 2, …) get a true lift of TRUE_LIFT for the second variant (half
    that for a third, a third for a fourth …), the others none.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1]))
    count = len(segment_names)
    order = np.concatenate([rng.permutation(len(_PROFILES)) for _ in range(count // len(_PROFILES) + 1)])[:count]
    table = _PROFILES.iloc[order].reset_index(drop=True)
    jitter = rng.uniform(1 - _JITTER, 1 + _JITTER, size=(count, 4))
    for position, name in enumerate(("open_rate", "click_to_open", "conversion_per_click", "revenue_per_conversion")):
        table[name] = table[name] * jitter[:, position]
    table.insert(0, "segment", list(segment_names))
    table["delivery_rate"] = rng.uniform(0.95, 0.99, count)
    has_lift = np.arange(count) % 2 == 0
    for index, variant in enumerate(variants):
        table[f"lift_{variant}"] = np.where(has_lift, TRUE_LIFT / index, 0.0) if index else 0.0
    return table


def _checked(customers: pd.DataFrame, segments: Mapping[str, object] | None, start: object, weeks: object,
             variants: Sequence[str]) -> tuple[dict[str, np.ndarray], datetime.date]:
    if not isinstance(customers, pd.DataFrame) or len(customers) == 0:
        raise DemoResultsError("customers must be a non-empty DataFrame (e.g. generate_demo().customers)")
    if isinstance(weeks, bool) or not isinstance(weeks, int | np.integer) or not 1 <= weeks <= 520:
        raise DemoResultsError(f"weeks={weeks!r}: need a whole number of weeks between 1 and 520")
    if not isinstance(start, datetime.date):
        raise DemoResultsError(f"start={start!r}: need a datetime.date, e.g. datetime.date(2025, 1, 6)")
    labels = [str(variant) for variant in variants]
    if not labels or len(set(labels)) != len(labels) or any(not label.strip() for label in labels):
        raise DemoResultsError(f"variants={tuple(variants)!r}: need distinct, non-empty names such as ('A', 'B')")
    segments = default_segments(customers) if segments is None else segments
    if not segments:
        raise DemoResultsError("segments is empty: pass at least one segment, or None for loyalty-tier segments")
    masks = {}
    for name, mask in segments.items():
        if isinstance(mask, pd.Series) and not mask.index.equals(customers.index):
            raise DemoResultsError(f"segment {name!r}: its mask is not indexed like the customers table; "
                                   "build it from the same frame (e.g. customers['age'] < 30)")
        values = np.asarray(mask)
        if values.shape != (len(customers),):
            raise DemoResultsError(f"segment {name!r}: its mask has {values.size:,} values for "
                                   f"{len(customers):,} customers")
        masks[str(name)] = pd.Series(values).fillna(False).to_numpy(dtype=bool)
    return masks, start.date() if isinstance(start, datetime.datetime) else start


def generate_demo_results(
    customers: pd.DataFrame,
    segments: Mapping[str, pd.Series] | None = None,
    *,
    start: datetime.date,
    seed: int = 7,
    weeks: int = 12,
    variants: Sequence[str] = ("A", "B"),
    campaign: str = "Demo campaign",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded campaign results for `customers`: (aggregated per campaign/message/variant/segment/week, per customer).

    A customer in several segments counts for the first one in `segments` order; customers in
    none are left out. `segments=None` uses `default_segments` (loyalty tiers). The per-customer
    frame has customer_id, campaign, message, segment, variant, date and 0/1 delivered, opened,
    clicked, converted, unsubscribed, complained plus revenue and cost; the aggregated frame has
    the canonical result columns of `kpis.results`. Same inputs, same frames.
    """
    masks, start = _checked(customers, segments, start, weeks, variants)
    variants = [str(variant) for variant in variants]
    names = list(masks)
    matrix = np.column_stack(list(masks.values()))
    member = matrix.any(axis=1)
    if not member.any():
        raise DemoResultsError("no customer is in any of the segments; check the segment definitions")
    segment_code = matrix.argmax(axis=1)[member]
    truth = segment_profiles(names, seed=seed, variants=variants)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 2]))
    size = len(segment_code)
    week = rng.integers(0, weeks, size)
    variant_code = rng.integers(0, len(variants), size)
    draws = rng.random((5, size))

    open_rate = truth["open_rate"].to_numpy()[:, None] * (1 + truth["weekly_open_drift"].to_numpy()[:, None]) ** (
        np.arange(weeks)[None, :] - (weeks - 1) / 2)
    lifts = truth[[f"lift_{variant}" for variant in variants]].to_numpy()
    click_rate = truth["click_to_open"].to_numpy()[:, None] * (1 + lifts)
    delivered = draws[0] < truth["delivery_rate"].to_numpy()[segment_code]
    opened = delivered & (draws[1] < np.minimum(open_rate[segment_code, week], 0.95))
    clicked = opened & (draws[2] < click_rate[segment_code, variant_code])
    converted = clicked & (draws[3] < truth["conversion_per_click"].to_numpy()[segment_code])
    unsubscribe_rate = truth["unsubscribe_rate"].to_numpy()[segment_code]
    unsubscribed = delivered & (draws[4] < unsubscribe_rate)
    complained = delivered & (draws[4] >= 1 - unsubscribe_rate / 10)  # the other tail: never both
    # Log-normal order values with the segment's mean: exp(mu + sigma²/2) = mean.
    order_value = rng.lognormal(-_ORDER_VALUE_SPREAD**2 / 2, _ORDER_VALUE_SPREAD, size)
    revenue = np.where(converted, truth["revenue_per_conversion"].to_numpy()[segment_code] * order_value, 0.0)

    if "customer_id" in customers.columns:
        ids = customers["customer_id"].astype("str").to_numpy()[member]
    else:
        ids = customers.index.astype("str").to_numpy()[member]
    segment_labels = np.asarray(names, dtype=object)[segment_code]
    week_starts = pd.Timestamp(start) + pd.to_timedelta(np.arange(weeks) * 7, unit="D")
    per_customer = pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str"),
        "campaign": campaign,
        "message": pd.array(np.asarray([f"{name}: offer" for name in names], dtype=object)[segment_code], dtype="str"),
        "segment": pd.array(segment_labels, dtype="str"),
        "variant": pd.array(np.asarray(variants, dtype=object)[variant_code], dtype="str"),
        "date": week_starts[week],
        **{name: flag.astype("int8") for name, flag in (("delivered", delivered), ("opened", opened),
                                                      ("clicked", clicked), ("converted", converted),
                                                      ("unsubscribed", unsubscribed), ("complained", complained))},
        "revenue": np.round(revenue, 2),
        "cost": truth["cost_per_send"].to_numpy()[segment_code],
    })
    per_customer["campaign"] = per_customer["campaign"].astype("str")
    aggregated = aggregate_outcomes(per_customer, ["campaign", "message", "variant", "segment", "date"])
    aggregated["revenue"] = aggregated["revenue"].round(2)
    aggregated["cost"] = aggregated["cost"].round(2)
    return aggregated, per_customer
