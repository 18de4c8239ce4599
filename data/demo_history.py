"""Customer history of the demo data (internal to `data.demo`): purchases, transactions and consent.

One purchase history per customer (signup, first and last purchase, the orders between them) feeds
both the customers' behaviour columns and the transactions table, so the two always agree. The
consent ledger is append-only and ends, per channel, in each customer's current consent flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import names
from data.demo_arrays import NO_DAY, archetype_profile, archetype_weights, dates, draw, labels, sequential_ids

LOYALTY_TIERS: tuple[str, ...] = ("bronze", "silver", "gold", "platinum")  # ordered, lowest first
CONSENT_PURPOSES: tuple[str, ...] = ("marketing", "newsletter")
CONSENT_STATUSES: tuple[str, ...] = ("granted", "withdrawn")
CONSENT_SOURCES: tuple[str, ...] = ("signup form", "preference centre", "import")

_SECONDS_PER_DAY = 86_400
_LOYALTY_THRESHOLDS_EUR = np.array([300.0, 1200.0, 5000.0])
_IMPORTED_BEFORE_DAYS = 6 * 365  # consents older than this were migrated from a legacy CRM ("import")
_CATEGORY_P = archetype_weights(names.PRODUCT_CATEGORIES, [a.categories for a in names.ARCHETYPES])
_PRICE_FACTOR = np.array(names.CATEGORY_PRICE_FACTORS)
# Expected price factor per archetype, so its mean order amount stays close to basket_eur.
_CATEGORY_NORM = (_CATEGORY_P / _CATEGORY_P.sum(axis=1, keepdims=True)) @ _PRICE_FACTOR


@dataclass(frozen=True)
class History:
    """Purchase history as day numbers (days since 1970-01-01); `NO_DAY` where a customer never bought."""

    signup_day: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    order_count: np.ndarray
    revenue_cents: np.ndarray
    tx_customer: np.ndarray
    tx_day: np.ndarray
    tx_cents: np.ndarray
    tx_category: np.ndarray


# ---------------------------------------------------------------- purchases
def purchase_history(rng: np.random.Generator, archetype: np.ndarray, as_of_day: int) -> History:
    """Signup, purchase summaries and the individual orders, all consistent with each other."""
    n = archetype.size
    latest = as_of_day - 1  # everything happens before the as_of date starts
    tenure = np.clip(np.rint(rng.gamma(1.5, archetype_profile("tenure_years")[archetype] * 365 / 1.5)), 1, 12 * 365)
    tenure = tenure.astype(np.int64)
    signup = as_of_day - tenure
    buys = (rng.random(n) >= archetype_profile("no_order_rate")[archetype]) & ((tenure >= 14) | (rng.random(n) < 0.5))
    first = signup + np.minimum(rng.exponential(15.0, n).astype(np.int64), tenure - 1)
    room = latest - first
    lapsed = (rng.random(n) < archetype_profile("lapse_rate")[archetype]) & (room > 400)
    # Mean-one lognormal spread: heavy and light buyers inside every archetype.
    frequency = archetype_profile("orders_per_year")[archetype] * rng.lognormal(-0.18, 0.6, n)
    recent_gap = np.minimum(rng.exponential(0.5 * 365 / frequency).astype(np.int64), np.minimum(room, 364))
    lapsed_last = first + (rng.random(n) * np.maximum(room - 365, 0)).astype(np.int64)
    last = np.where(lapsed, lapsed_last, latest - recent_gap)
    count = np.minimum(1 + rng.poisson(frequency * (last - first) / 365), 2_000)
    last = np.where(count == 1, first, last)  # one-time buyers
    count = np.where(buys, count, 0)
    span = last - first

    tx_customer = np.repeat(np.arange(n), count)
    start = np.cumsum(count) - count
    position = np.arange(tx_customer.size) - start[tx_customer]
    # Order dates: first and last are fixed, the ones between are sorted uniform spacings.
    gaps = np.where(position == 0, 0.0, rng.exponential(1.0, tx_customer.size) + 1e-9)
    cumulative = np.cumsum(gaps)
    within = cumulative - cumulative[start[tx_customer]]
    total = np.zeros(n)
    total[buys] = within[start[buys] + count[buys] - 1]
    customer_total = total[tx_customer]
    fraction = np.divide(within, customer_total, out=np.zeros_like(within), where=customer_total > 0)
    tx_day = first[tx_customer] + np.rint(fraction * span[tx_customer]).astype(np.int64)

    favourite = draw(rng, _CATEGORY_P, archetype)
    tx_category = np.where(
        rng.random(tx_customer.size) < 0.5, favourite[tx_customer], draw(rng, _CATEGORY_P, archetype[tx_customer])
    )
    basket = archetype_profile("basket_eur")[archetype] / _CATEGORY_NORM[archetype] * rng.lognormal(-0.06, 0.35, n)
    euros = basket[tx_customer] * _PRICE_FACTOR[tx_category] * rng.lognormal(-0.08, 0.4, tx_customer.size)
    tx_cents = np.maximum(100, np.rint(euros * 100)).astype(np.int64)
    revenue_cents = np.rint(np.bincount(tx_customer, weights=tx_cents, minlength=n)).astype(np.int64)
    return History(
        signup_day=signup,
        first_day=np.where(buys, first, NO_DAY),
        last_day=np.where(buys, last, NO_DAY),
        order_count=count.astype(np.int64),
        revenue_cents=revenue_cents,
        tx_customer=tx_customer,
        tx_day=tx_day,
        tx_cents=tx_cents,
        tx_category=tx_category,
    )


def behaviour_columns(rng: np.random.Generator, archetype: np.ndarray, history: History) -> dict[str, object]:
    """Purchase summaries, loyalty tier, preferred channel and current consent per customer, keyed by name."""
    n = archetype.size
    revenue = history.revenue_cents / 100.0
    tier = np.searchsorted(_LOYALTY_THRESHOLDS_EUR, revenue * rng.lognormal(0.0, 0.25, n), side="right")
    preferred = draw(rng, np.array([a.channel for a in names.ARCHETYPES]), archetype)
    consent_rates = np.array([a.consent for a in names.ARCHETYPES])[archetype]
    columns: dict[str, object] = {
        "loyalty_tier": labels(LOYALTY_TIERS, tier),
        "preferred_channel": labels(names.PREFERRED_CHANNELS, preferred),
        "signup_date": dates(history.signup_day),
        "first_purchase": dates(history.first_day),
        "last_purchase": dates(history.last_day),
        "order_count": history.order_count,
        "revenue": revenue,
    }
    for position, channel in enumerate(names.CONSENT_CHANNELS):
        rate = consent_rates[:, position]
        rate = np.where(preferred == position, 0.5 + 0.5 * rate, rate)  # people allow the channel they prefer
        columns[f"consent_{channel}"] = rng.random(n) < rate
    return columns


def transactions_frame(history: History, customer_ids: pd.Series, *, include: bool) -> pd.DataFrame:
    """One row per order, sorted by customer and date; order ids follow the chronological order."""
    keep = slice(None) if include else slice(0, 0)
    tx_customer, tx_day = history.tx_customer[keep], history.tx_day[keep]
    # A stable sort on the date keeps customer order within a day, so ids are chronological and repeatable.
    order_number = np.empty(tx_day.size, dtype=np.int64)
    order_number[np.argsort(tx_day, kind="stable")] = np.arange(tx_day.size)
    return pd.DataFrame(
        {
            "customer_id": customer_ids.array.take(tx_customer),
            "order_id": sequential_ids("O", tx_day.size, width=9).array.take(order_number),
            "order_date": dates(tx_day),
            "amount": history.tx_cents[keep] / 100.0,
            "product_category": labels(names.PRODUCT_CATEGORIES, history.tx_category[keep]),
        }
    )


# ---------------------------------------------------------------- consent ledger
def consent_events(
    rng: np.random.Generator,
    consent_now: np.ndarray,
    signup_day: np.ndarray,
    as_of_day: int,
    customer_ids: pd.Series,
) -> pd.DataFrame:
    """Append-only consent events whose latest marketing status per channel matches consent_now.

    Current opt-ins were granted at signup (or later in the preference centre), some after a
    withdrawal; some current opt-outs granted and later withdrew; the rest never consented (no event).
    """
    n = signup_day.size
    end = as_of_day * _SECONDS_PER_DAY
    signed_up = signup_day * _SECONDS_PER_DAY + rng.integers(6 * 3600, 22 * 3600, n)
    signup_source = np.where(signup_day < as_of_day - _IMPORTED_BEFORE_DAYS, 2, 0)
    events: list[tuple[np.ndarray, ...]] = []

    def record(
        who: np.ndarray, channel: int, purpose: int, status: int, at: np.ndarray, source: np.ndarray | int
    ) -> None:
        """Append one event for every customer in `who`; `source` is one code or one code per customer."""
        rows = np.flatnonzero(who)
        source = np.broadcast_to(source, (n,))[rows]
        events.append((rows, np.full(rows.size, channel), np.full(rows.size, purpose), np.full(rows.size, status),
                       at[rows], source))

    def later(after: np.ndarray, leave: int) -> np.ndarray:
        """A second strictly after `after` that still leaves `leave` seconds before as_of."""
        return after + 1 + (rng.random(n) * (end - leave - after)).astype(np.int64)

    for channel in range(len(names.CONSENT_CHANNELS)):
        now = consent_now[:, channel]
        opted_in_later = rng.random(n) < 0.2
        granted_at = np.where(opted_in_later, later(signed_up, 4), signed_up)
        regranted = now & (rng.random(n) < 0.12)
        withdrew = (~now & (rng.random(n) < 0.35)) | regranted
        withdrawn_at = later(granted_at, 2)
        record(now | withdrew, channel, 0, 0, granted_at, np.where(opted_in_later, 1, signup_source))
        record(withdrew, channel, 0, 1, withdrawn_at, 1)
        record(regranted, channel, 0, 0, later(withdrawn_at, 1), 1)
    subscribed = rng.random(n) < np.where(consent_now[:, 0], 0.55, 0.10)
    record(subscribed, 0, 1, 0, signed_up, signup_source)
    record(subscribed & (rng.random(n) < 0.2), 0, 1, 1, later(signed_up, 2), 1)

    customer, channel, purpose, status, seconds, source = (np.concatenate(parts) for parts in zip(*events, strict=True))
    order = np.lexsort((purpose, channel, seconds, customer))
    return pd.DataFrame(
        {
            "customer_id": customer_ids.array.take(customer[order]),
            "channel": labels(names.CONSENT_CHANNELS, channel[order]),
            "purpose": labels(CONSENT_PURPOSES, purpose[order]),
            "status": labels(CONSENT_STATUSES, status[order]),
            "recorded_at": pd.Series(seconds[order].astype("datetime64[s]").astype("datetime64[us]")),
            "source": labels(CONSENT_SOURCES, source[order]),
        }
    )
